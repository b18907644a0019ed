// The standard library through parseExpression + evaluate: the remaining cases of
// Alloy's syntax/vm/vm_stdlib_test.go (vm-stdlib.test.ts covers the others).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Scope } from "../src/scope.js";
import { Capsule, Secret, type Value } from "../src/value.js";
import { run, runErrorString, show } from "./helpers/evaluate.js";

/** Floats as { float: n }, integers as plain JS numbers. */
const plain = (v: Value) => show(v, (n) => (n.kind === "float" ? { float: n.n } : Number(n.n)));

const f = (n: number) => ({ float: n });

test("stdlib e2e: encoding", () => {
  const cases: [string, unknown][] = [
    ['encoding.from_json("[0, null]")', [f(0), null]],
    ["encoding.from_yaml(`[0, 1, 2]`)", [0, 1, 2]],
    ["encoding.from_yaml(`[0.0, 1.0, 2.0]`)", [f(0), f(1), f(2)]],
    ["encoding.from_yaml(`foo: null`)", { foo: null }],
    ['encoding.from_yaml("[0, null]")', [0, null]],
    ['encoding.from_URLbase64("c3RyaW5nMTIzIT8kKiYoKSctPUB-")', "string123!?$*&()'-=@~"],
    ['encoding.to_URLbase64("string123!?$*&()\'-=@~")', "c3RyaW5nMTIzIT8kKiYoKSctPUB-"],
    ['encoding.url_encode("a b/c")', "a+b%2Fc"],
    ['encoding.url_decode("a+b%2Fc")', "a b/c"],
    ['encoding.from_yaml("a:\\n  - 1\\n  - x: y\\n")', { a: [1, { x: "y" }] }],
    ['encoding.from_json("15")', f(15)],
    ['encoding.from_yaml("15")', 15],
  ];
  for (const [src, want] of cases) assert.deepEqual(plain(run(src)), want, src);
});

test("stdlib e2e: array.combine_maps", () => {
  const cases: [string, unknown][] = [
    [
      'array.combine_maps([{"a" = "a1", "b" = "b1"}, {"a" = "a1", "b" = "b1"}], [{"a" = "a1", "c" = "c1"}], ["a"])',
      [
        { a: "a1", b: "b1", c: "c1" },
        { a: "a1", b: "b1", c: "c1" },
      ],
    ],
    [
      'array.combine_maps([{"pod" = "a", "lbl" = "q"}, {"pod" = "b", "lbl" = "q"}], [{"pod" = "c", "lbl" = "q"}, {"pod" = "d", "lbl" = "q"}], ["lbl"])',
      [
        { lbl: "q", pod: "c" },
        { lbl: "q", pod: "d" },
        { lbl: "q", pod: "c" },
        { lbl: "q", pod: "d" },
      ],
    ],
    ['array.combine_maps([{"a" = 1, "b" = 2.2}], [{"a" = 1, "c" = "c1"}], ["a"])', [{ a: 1, b: f(2.2), c: "c1" }]],
    ['array.combine_maps([{"a" = 1, "b" = 2.2}], [{"a" = 1, "b" = "3.3"}], ["a"])', [{ a: 1, b: "3.3" }]],
    ['array.combine_maps([{"a" = 1, "b" = 2.2}], [{"a" = 2, "b" = "3.3"}], ["a"])', []],
    ['array.combine_maps([{"a" = 1, "b" = 2.2}], [{"a" = "1", "b" = "3.3"}], ["a"])', []],
    [
      'array.combine_maps([{"a" = 1, "b" = [1,2,3]}], [{"a" = 1, "c" = {"d" = {"e" = 10}}}], ["a"])',
      [{ a: 1, b: [1, 2, 3], c: { d: { e: 10 } } }],
    ],
    ['array.combine_maps([{"a" = 1, "n" = 1.1}], [{"a" = 1, "n" = 2.1}, {"n" = 2.2}], ["a"])', [{ a: 1, n: f(2.1) }]],
    ['array.combine_maps([{"a" = 1, "n" = 1.1}, {"n" = 1.2}], [{"a" = 1, "n" = 2.1}], ["a"])', [{ a: 1, n: f(2.1) }]],
    [
      'array.combine_maps([{"a" = 1, "b" = 3, "n" = 1.1}], [{"a" = 1, "b" = 3, "n" = 2.1}], ["a", "b"])',
      [{ a: 1, b: 3, n: f(2.1) }],
    ],
    [
      'array.combine_maps([{"a" = 1, "n" = 1.1}, {"a" = 1, "b" = 3, "n" = 1.1}, {"b" = 3, "n" = 1.1}], [{"a" = 1, "n" = 2.3}, {"b" = 1, "n" = 2.3}, {"a" = 1, "b" = 3, "n" = 2.1}], ["a", "b"])',
      [{ a: 1, b: 3, n: f(2.1) }],
    ],
    [
      'array.combine_maps([{"a" = 1, "n" = 1.1}, {"a" = 1, "b" = 3, "n" = 1.1}, {"b" = 3, "n" = 1.1}], [{"a" = 1, "n" = 2.3}, {"b" = 1, "n" = 2.3}, {"a" = 1, "b" = 3, "n" = 2.1}], ["a", "b", "c"])',
      [],
    ],
    [
      'array.combine_maps([{"a" = 1, "n" = 1.1}, {"a" = 1, "n" = 1.2}, {"a" = 1, "n" = 1.3}], [{"a" = 1, "n" = 2.1}, {"a" = 1, "n" = 2.2}, {"a" = 1, "n" = 2.3}], ["a"])',
      [1, 2, 3].flatMap(() => [
        { a: 1, n: f(2.1) },
        { a: 1, n: f(2.2) },
        { a: 1, n: f(2.3) },
      ]),
    ],
  ];
  for (const [src, want] of cases) assert.deepEqual(plain(run(src)), want, src);
  // As upstream, the error points at the bad element itself, not the whole argument.
  assert.equal(
    runErrorString('array.combine_maps([{"a" = "a1", "b" = "b1"}], ["a"], ["a"])'),
    '1:49: "a" should be object, got string',
  );
});

test("stdlib e2e: coalesce and json_path", () => {
  process.env.TEST_VAR2 = "Hello!";
  const cases: [string, unknown][] = [
    ["coalesce()", null],
    ['coalesce("Hello!")', "Hello!"],
    ['coalesce(sys.env("TEST_VAR2"), "World!")', "Hello!"],
    ['coalesce([], ["fallback"])', ["fallback"]],
    ['coalesce(array.concat(["item"]), ["fallback"])', ["item"]],
    ["coalesce(false, 1, 2)", 1],
    ["coalesce(false, true)", true],
    ['coalesce(encoding.from_json("[]"), true)', true],
    ['coalesce(encoding.from_json("{}"), true)', true],
    ['coalesce(encoding.from_json("{}"), false)', false],
    ["coalesce([],null)", null],
    ['json_path("{\\"a\\": \\"b\\"}", ".a")', ["b"]],
    ['json_path("{\\"a\\": \\"b\\"}", ".nonexists")', []],
    [
      'json_path("[{\\"name\\": \\"Department\\",\\"value\\": \\"IT\\"},{\\"name\\":\\"ReferenceNumber\\",\\"value\\":\\"123456\\"},{\\"name\\":\\"TestStatus\\",\\"value\\":\\"Pending\\"}]", "[?(@.name == \\"Department\\")].value")',
      ["IT"],
    ],
    ['json_path("{\\"a\\": \\"b\\"}", ".a")[0]', "b"],
  ];
  for (const [src, want] of cases) assert.deepEqual(plain(run(src)), want, src);
});

test("stdlib e2e: strings, secrets and files", () => {
  const scope = new Scope({
    secret: new Secret("foo"),
    optionalSecret: new Capsule({ isSecret: false, value: "bar" }, "alloytypes.OptionalSecret"),
  });
  const cases: [string, unknown][] = [
    ["nonsensitive(secret)", "foo"],
    ["convert.nonsensitive(secret)", "foo"],
    ["convert.nonsensitive(optionalSecret)", "bar"],
    ['to_upper("string")', "STRING"],
    ['trim_space("   string \\n\\n")', "string"],
    ['join(split("/aaa/bbb/ccc/ddd", "/"), "/")', "/aaa/bbb/ccc/ddd"],
    ['join(["foo", "bar", "baz"], ", ")', "foo, bar, baz"],
    ['format("%#v", 1)', "1"],
    ['format("%#v", true)', "true"],
    ['format("%q", "hello")', '"hello"'],
    ['replace("Hello World", " World", "!")', "Hello!"],
    ['trim("?!hello?!", "!?")', "hello"],
    ['trim("   hello! world.!  ", "! ")', "hello! world."],
    ['trim_prefix("helloworld", "hello")', "world"],
    ['trim_suffix("helloworld", "world")', "hello"],
    ['string.to_lower(string.to_upper(string.trim_space("   String   ")))', "string"],
    ['string.split("/aaa/bbb/ccc/ddd", "/")', ["", "aaa", "bbb", "ccc", "ddd"]],
    ['string.format("%s=%d (%.1f%%) %v", "x", 3, 12.34, [1, "a"])', "x=3 (12.3%) [1 a]"],
    ['string.format("%v", {"b" = 1, "a" = [true]})', "map[a:[true] b:1]"],
    ['string.format("%d", "nope")', "%!d(string=nope)"],
    ['file.path_join("this/is", "a/path")', "this/is/a/path"],
    ["file.path_join()", ""],
    ['file.path_join("a", "../b", "./c")', "b/c"],
  ];
  for (const [src, want] of cases) assert.deepEqual(plain(run(src, scope)), want, src);
  assert.equal(
    runErrorString('encoding.from_base64("YQ")'),
    "1:1: encoding.from_base64 illegal base64 data at input byte 0",
  );
  assert.equal(runErrorString('json_path("{}", "$[")'), "1:1: json_path not terminated at 3 in $[");
});
