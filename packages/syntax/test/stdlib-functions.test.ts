// The standard library functions called directly: identifier set, conversions, errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ArgError,
  base64Decode,
  decodeJSON,
  deprecatedStdlib,
  encodeJSON,
  experimentalStdlib,
  type FunctionValue,
  isFunctionValue,
  Num,
  normalizeVersion,
  type ObjectValue,
  objectOf,
  pathJoin,
  queryEscape,
  queryUnescape,
  Secret,
  setStdlibVersion,
  stdlib,
  type Value,
} from "../src/index.js";
import { ElementError, ValueTypeError } from "../src/vm/errors.js";

function fn(path: string): FunctionValue {
  const parts = path.split(".");
  let v: Value | undefined = stdlib.get(parts[0] as string);
  for (const p of parts.slice(1)) v = (v as ObjectValue).get(p);
  assert.ok(v !== undefined && isFunctionValue(v), `${path} is a function`);
  return v;
}

function call(path: string, ...args: Value[]): Value {
  return fn(path).call(args);
}

function plain(v: Value): unknown {
  if (v instanceof Num) return v.kind === "float" ? v.n : v.n;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  return v;
}

const i = (n: number) => Num.int(n);
const o = (r: Record<string, Value>) => objectOf(r);

test("stdlib: identifiers as upstream", () => {
  assert.deepEqual([...stdlib.keys()].sort(), [
    "array",
    "base64_decode",
    "coalesce",
    "concat",
    "constants",
    "convert",
    "encoding",
    "env",
    "file",
    "format",
    "join",
    "json_decode",
    "json_path",
    "nonsensitive",
    "replace",
    "split",
    "string",
    "sys",
    "to_lower",
    "to_upper",
    "trim",
    "trim_prefix",
    "trim_space",
    "trim_suffix",
    "yaml_decode",
  ]);
  const ns = (name: string) => [...(stdlib.get(name) as ObjectValue).keys()].sort();
  assert.deepEqual(ns("array"), ["combine_maps", "concat", "group_by"]);
  assert.deepEqual(ns("encoding"), [
    "from_URLbase64",
    "from_base64",
    "from_json",
    "from_yaml",
    "to_URLbase64",
    "to_base64",
    "to_json",
    "url_decode",
    "url_encode",
  ]);
  assert.deepEqual(ns("string"), [
    "format",
    "join",
    "replace",
    "split",
    "to_lower",
    "to_upper",
    "trim",
    "trim_prefix",
    "trim_space",
    "trim_suffix",
  ]);
  assert.deepEqual(ns("sys"), ["env"]);
  assert.deepEqual(ns("convert"), ["nonsensitive"]);
  assert.deepEqual(ns("file"), ["path_join"]);
  assert.deepEqual(ns("constants"), ["arch", "hostname", "os", "version"]);
  assert.equal(deprecatedStdlib.size, 16);
  assert.equal(deprecatedStdlib.get("env"), "sys.env");
  assert.equal(deprecatedStdlib.get("json_decode"), "encoding.from_json");
  assert.equal(deprecatedStdlib.get("trim_space"), "string.trim_space");
  for (const [name, repl] of deprecatedStdlib) {
    assert.ok(stdlib.has(name), name);
    assert.ok(isFunctionValue(fn(repl)), repl);
  }
  assert.deepEqual([...experimentalStdlib].sort(), ["array.combine_maps", "array.group_by"]);
});

test("stdlib: constants", () => {
  const c = stdlib.get("constants") as ObjectValue;
  const goos: Record<string, string> = { win32: "windows", darwin: "darwin", linux: "linux" };
  assert.equal(c.get("os"), goos[process.platform] ?? process.platform);
  if (process.arch === "x64") assert.equal(c.get("arch"), "amd64");
  if (process.arch === "arm64") assert.equal(c.get("arch"), "arm64");
  assert.equal(typeof c.get("hostname"), "string");
  assert.equal(c.get("version"), "v0.0.0");
  setStdlibVersion("1.5");
  assert.equal(c.get("version"), "v1.5.0");
  setStdlibVersion("");
  assert.equal(c.get("version"), "v0.0.0");
  assert.equal(normalizeVersion("v1.2.3-rc.1"), "v1.2.3-rc.1");
  assert.equal(normalizeVersion("devel"), "devel");
});

test("string functions", () => {
  const table: [string, Value[], unknown][] = [
    ["string.to_lower", ["String"], "string"],
    ["string.to_upper", ["string"], "STRING"],
    ["string.to_upper", ["straße ǆ"], "STRAßE Ǆ"],
    ["string.to_lower", ["İSTANBUL ΣΑΣ"], "istanbul σασ"],
    ["string.trim_space", ["   string \n\n"], "string"],
    ["string.trim_space", ["\u00a0\u2003x\ufeff\t"], "x\ufeff"],
    ["string.split", ["/aaa/bbb/ccc/ddd", "/"], ["", "aaa", "bbb", "ccc", "ddd"]],
    ["string.split", ["foo", ","], ["foo"]],
    ["string.split", ["", ","], [""]],
    ["string.split", ["a😀b", ""], ["a", "😀", "b"]],
    ["string.split", ["", ""], []],
    ["string.join", [["foo", "bar", "baz"], ", "], "foo, bar, baz"],
    ["string.join", [[i(0), i(0), i(1)], ", "], "0, 0, 1"],
    ["string.join", [[Num.float(1.5), Num.float(1e21), Num.uint(7n)], "-"], "1.5-1000000000000000000000-7"],
    ["string.join", [null, ","], ""],
    ["string.join", [[null, "x"], ","], ",x"],
    ["string.format", ["Hello %s", "World"], "Hello World"],
    ["string.format", ["%#v", i(1)], "1"],
    ["string.format", ["%#v", true], "true"],
    ["string.format", ["%q", "hello"], '"hello"'],
    ["string.format", [i(42)], "42"],
    ["string.replace", ["Hello World", " World", "!"], "Hello!"],
    ["string.replace", ["1 + 2 + 3", "+", "-"], "1 - 2 - 3"],
    ["string.replace", ["ab", "", "-"], "-a-b-"],
    ["string.trim", ["?!hello?!", "!?"], "hello"],
    ["string.trim", ["foobar", "far"], "oob"],
    ["string.trim", ["   hello! world.!  ", "! "], "hello! world."],
    ["string.trim", ["xx", ""], "xx"],
    ["string.trim_prefix", ["helloworld", "hello"], "world"],
    ["string.trim_prefix", ["helloworld", "world"], "helloworld"],
    ["string.trim_suffix", ["helloworld", "world"], "hello"],
    ["string.to_upper", [i(12)], "12"],
    ["string.to_upper", [null], ""],
    ["to_lower", ["ABC"], "abc"],
    ["join", [["a", "b"], "/"], "a/b"],
    ["format", ["%d-%s", i(1), "x"], "1-x"],
  ];
  for (const [name, args, want] of table) assert.deepEqual(plain(call(name, ...args)), want, `${name}(${args})`);
});

test("argument conversion errors", () => {
  const argErr = (name: string, args: Value[], index: number, message: string) =>
    assert.throws(
      () => call(name, ...args),
      (e: unknown) => e instanceof ArgError && e.index === index && e.message === message,
      `${name}: ${message}`,
    );
  argErr("string.to_upper", [true], 0, "expected string, got bool");
  argErr("string.to_upper", [[]], 0, "expected string, got array");
  argErr("string.to_upper", [new Secret("s")], 0, "secrets may not be converted into strings");
  argErr("string.split", ["a", o({})], 1, "expected string, got object");
  argErr("string.join", ["a", ","], 0, "expected array, got string");
  argErr("string.join", [["a", true], ","], 0, "expected string, got bool");
  argErr("sys.env", [true], 0, "expected string, got bool");
  // Element errors carry the element path for the evaluator.
  try {
    call("string.join", ["a", true] as Value[], ",");
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof ArgError);
    const cause = (e as { cause?: unknown }).cause;
    assert.ok(cause instanceof ElementError && cause.index === 1 && cause.inner instanceof ValueTypeError);
  }
});

test("encoding: base64", () => {
  assert.equal(call("encoding.from_base64", "Zm9vYmFyMTIzIT8kKiYoKSctPUB+"), "foobar123!?$*&()'-=@~");
  assert.equal(call("base64_decode", "dGFuZ2VyaW5l"), "tangerine");
  assert.equal(call("encoding.from_URLbase64", "c3RyaW5nMTIzIT8kKiYoKSctPUB-"), "string123!?$*&()'-=@~");
  assert.equal(call("encoding.to_base64", "string123!?$*&()'-=@~"), "c3RyaW5nMTIzIT8kKiYoKSctPUB+");
  assert.equal(call("encoding.to_URLbase64", "string123!?$*&()'-=@~"), "c3RyaW5nMTIzIT8kKiYoKSctPUB-");
  assert.equal(call("encoding.to_base64", ""), "");
  assert.equal(call("encoding.to_base64", "a"), "YQ==");
  assert.equal(call("encoding.to_base64", "ab"), "YWI=");
  assert.equal(call("encoding.to_base64", "é"), "w6k=");
  assert.equal(call("encoding.from_base64", "YQ=="), "a");
  assert.equal(call("encoding.from_base64", "YW\nI=\r\n"), "ab");
  assert.equal(call("encoding.from_base64", ""), "");
  const bad: [string, number][] = [
    ["YQ", 0],
    ["YQ=", 3],
    ["Y", 0],
    ["YQ==YQ==", 4],
    ["Y!==", 1],
    ["=", 0],
    ["YQ=a", 2],
    ["YWJj-A==", 4],
  ];
  for (const [s, off] of bad) {
    assert.throws(() => base64Decode(s), new RegExp(`^Error: illegal base64 data at input byte ${off}$`), s);
  }
  assert.throws(() => call("encoding.from_URLbase64", "YWJj+A=="), /illegal base64 data at input byte 4/);
});

test("encoding: url_encode and url_decode", () => {
  assert.equal(queryEscape("a b&c=d/é~_.-"), "a+b%26c%3Dd%2F%C3%A9~_.-");
  assert.equal(call("encoding.url_encode", "x?y"), "x%3Fy");
  assert.equal(queryUnescape("a+b%26c%3dd%2F%C3%A9"), "a b&c=d/é");
  assert.throws(() => queryUnescape("100%"), /^Error: invalid URL escape "%"$/);
  assert.throws(() => queryUnescape("%zz1"), /^Error: invalid URL escape "%zz"$/);
  assert.throws(() => call("encoding.url_decode", "%4"), /invalid URL escape "%4"/);
});

test("encoding: from_json", () => {
  assert.deepEqual(plain(call("encoding.from_json", '{"foo": "bar"}')), { foo: "bar" });
  const arr = call("encoding.from_json", "[0, 1, 2]") as Num[];
  assert.deepEqual(
    arr.map((n) => n.kind),
    ["float", "float", "float"],
  );
  assert.deepEqual(plain(call("json_decode", '{"foo": null}')), { foo: null });
  assert.deepEqual(plain(decodeJSON('[0, null, true, "a\\u00e9\\ud83d\\ude00\\n", -1.5e2, {}]')), [
    0,
    null,
    true,
    "aé😀\n",
    -150,
    {},
  ]);
  assert.deepEqual(plain(decodeJSON('{"a":1,"a":2}')), { a: 2 });
  assert.deepEqual(plain(decodeJSON('"\\ud800x"')), "\ufffdx");
  const errors: [string, string][] = [
    ["", "unexpected end of JSON input"],
    ["   ", "unexpected end of JSON input"],
    ["[1, 2", "unexpected end of JSON input"],
    ["x", "invalid character 'x' looking for beginning of value"],
    ["{1: 2}", "invalid character '1' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b"}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["1 2", "invalid character '2' after top-level value"],
    ["01", "invalid character '1' after top-level value"],
    ["-x", "invalid character 'x' in numeric literal"],
    ["1.x", "invalid character 'x' after decimal point in numeric literal"],
    ["1ex", "invalid character 'x' in exponent of numeric literal"],
    ["tru", "unexpected end of JSON input"],
    ["trux", "invalid character 'x' in literal true (expecting 'e')"],
    ["nul!", "invalid character '!' in literal null (expecting 'l')"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ["1e400", "json: cannot unmarshal number 1e400 into Go value of type float64"],
  ];
  for (const [src, msg] of errors) {
    assert.throws(
      () => call("encoding.from_json", src),
      (e: Error) => e.message === msg,
      `${JSON.stringify(src)} -> ${msg}`,
    );
  }
});

test("encoding: to_json", () => {
  const v = o({
    modules: o({
      http_2xx: o({ prober: "http", timeout: "5s", http: o({ headers: o({ Authorization: "Hello!" }) }) }),
    }),
  });
  assert.equal(
    call("encoding.to_json", v),
    '{"modules":{"http_2xx":{"http":{"headers":{"Authorization":"Hello!"}},"prober":"http","timeout":"5s"}}}',
  );
  assert.equal(
    encodeJSON(o({ b: [i(1), Num.float(1.5), Num.float(1e21), Num.float(1e-7), null, true], a: "<&>\u2028\u0001" })),
    '{"a":"\\u003c\\u0026\\u003e\\u2028\\u0001","b":[1,1.5,1e+21,1e-7,null,true]}',
  );
  assert.throws(() => call("encoding.to_json", i(12)), /^Error: jsonEncode only supports map$/);
  assert.throws(() => call("encoding.to_json", [i(1)]), /jsonEncode only supports map/);
  assert.throws(() => encodeJSON(o({ a: Num.float(Number.NaN) })), /json: unsupported value: NaN/);
});

test("array.concat", () => {
  assert.deepEqual(plain(call("array.concat")), []);
  assert.deepEqual(plain(call("array.concat", [])), []);
  assert.deepEqual(plain(call("array.concat", [true, "foo"], [], [false, i(1)])), [true, "foo", false, 1n]);
  assert.deepEqual(plain(call("concat", [[i(1), i(2)], [i(3)]], [[i(5)]])), [[1n, 2n], [3n], [5n]]);
  const single = [i(1)];
  assert.equal(call("array.concat", single), single);
  assert.throws(
    () => call("array.concat", [i(1)], "x"),
    (e: unknown) => e instanceof ArgError && e.index === 1 && e.message === "expected array, got string",
  );
});

test("array.combine_maps (upstream cases)", () => {
  const cm = (...args: Value[]) => plain(call("array.combine_maps", ...args));
  assert.deepEqual(cm([o({ a: "a1", b: "b1" })], [o({ a: "a1", c: "c1" })], ["a"]), [{ a: "a1", b: "b1", c: "c1" }]);
  assert.deepEqual(cm([o({ a: "a1", b: "b1" }), o({ a: "a1", b: "b1" })], [o({ a: "a1", c: "c1" })], ["a"]), [
    { a: "a1", b: "b1", c: "c1" },
    { a: "a1", b: "b1", c: "c1" },
  ]);
  assert.deepEqual(
    cm(
      [o({ pod: "a", lbl: "q" }), o({ pod: "b", lbl: "q" })],
      [o({ pod: "c", lbl: "q" }), o({ pod: "d", lbl: "q" })],
      ["lbl"],
    ),
    [
      { pod: "c", lbl: "q" },
      { pod: "d", lbl: "q" },
      { pod: "c", lbl: "q" },
      { pod: "d", lbl: "q" },
    ],
  );
  assert.deepEqual(cm([o({ a: i(1), b: Num.float(2.2) })], [o({ a: i(1), b: "3.3" })], ["a"]), [{ a: 1n, b: "3.3" }]);
  assert.deepEqual(cm([o({ a: i(1), b: Num.float(2.2) })], [o({ a: i(2), b: "3.3" })], ["a"]), []);
  assert.deepEqual(cm([o({ a: i(1), b: Num.float(2.2) })], [o({ a: "1", b: "3.3" })], ["a"]), []);
  assert.deepEqual(
    cm([o({ a: i(1), n: Num.float(1.1) })], [o({ a: i(1), n: Num.float(2.1) }), o({ n: Num.float(2.2) })], ["a"]),
    [{ a: 1n, n: 2.1 }],
  );
  assert.deepEqual(
    cm([o({ a: i(1), b: i(3), n: Num.float(1.1) })], [o({ a: i(1), b: i(3), n: Num.float(2.1) })], ["a", "b"]),
    [{ a: 1n, b: 3n, n: 2.1 }],
  );
  assert.deepEqual(cm([o({ a: i(1) })], [o({ a: i(1), b: i(2) })], ["a", "c"]), []);
  // The fourth argument keeps unmatched left elements.
  assert.deepEqual(cm([o({ a: i(1) }), o({ a: i(2) })], [o({ a: i(1), x: "y" })], ["a"], true), [
    { a: 1n, x: "y" },
    { a: 2n },
  ]);
  // Errors.
  assert.throws(
    () => call("array.combine_maps", [o({ a: "a1" })], "a", ["a"]),
    (e: unknown) => e instanceof ArgError && e.index === 1 && e.message === "expected array, got string",
  );
  assert.throws(
    () => call("array.combine_maps", [o({ a: "a1" })], ["a"], ["a"]),
    (e: unknown) => e instanceof ArgError && e.index === 1 && e.message === "expected object, got string",
  );
  assert.throws(
    () => call("array.combine_maps", [o({ a: "a1" })], [o({ a: "a1" })], []),
    (e: unknown) => e instanceof ArgError && e.index === 2 && /merge conditions must not be empty/.test(e.message),
  );
  assert.throws(
    () => call("array.combine_maps", [], [], ["a"], "yes"),
    (e: unknown) => e instanceof ArgError && e.index === 3 && e.message === "expected bool, got string",
  );
});

test("array.group_by", () => {
  const items = [o({ k: "x", v: i(1) }), o({ v: i(2) }), o({ k: "y", v: i(3) }), o({ k: "x", v: i(4) })];
  assert.deepEqual(plain(call("array.group_by", items, "k", false)), [
    {
      k: "x",
      items: [
        { k: "x", v: 1n },
        { k: "x", v: 4n },
      ],
    },
    { k: "", items: [{ v: 2n }] },
    { k: "y", items: [{ k: "y", v: 3n }] },
  ]);
  assert.equal((call("array.group_by", items, "k", true) as Value[]).length, 2);
  assert.throws(
    () => call("array.group_by", [o({ k: i(1) })], "k", true),
    (e: unknown) => e instanceof ArgError && e.message === "expected string, got number",
  );
  assert.throws(
    () => call("array.group_by", items, i(1), true),
    (e: unknown) => e instanceof ArgError && e.index === 1 && e.message === "expected string, got number",
  );
  assert.throws(
    () => call("array.group_by", ["x"], "k", true),
    (e: unknown) => e instanceof ArgError && e.index === 0 && e.message === "expected object, got string",
  );
});

test("coalesce (upstream cases)", () => {
  process.env.TEST_VAR2 = "Hello!";
  delete process.env.NON_DEFINED;
  const c = (...args: Value[]) => plain(call("coalesce", ...args));
  assert.equal(c(), null);
  assert.equal(c("Hello!"), "Hello!");
  assert.equal(c(call("sys.env", "TEST_VAR2"), "World!"), "Hello!");
  assert.equal(c(call("sys.env", "NON_DEFINED"), "World!"), "World!");
  assert.deepEqual(c([], ["fallback"]), ["fallback"]);
  assert.deepEqual(c(call("array.concat", ["item"]), ["fallback"]), ["item"]);
  assert.equal(c(i(0), i(1), i(2)), 1n);
  assert.equal(c(false, i(1), i(2)), 1n);
  assert.equal(c(false, true), true);
  assert.equal(c(call("encoding.from_json", "[]"), true), true);
  assert.equal(c(call("encoding.from_json", "{}"), true), true);
  assert.equal(c(call("encoding.from_json", "{}"), false), false);
  assert.equal(c([], null), null);
  assert.equal(c(Num.float(0), "", o({}), "x"), "x");
  assert.equal(c(Num.float(-0), "x"), -0);
  const s = new Secret("");
  assert.equal(c(s, "x"), "x");
});

test("sys.env, convert.nonsensitive, file.path_join", () => {
  process.env.TEST_VAR = "Hello!";
  assert.equal(call("sys.env", "TEST_VAR"), "Hello!");
  assert.equal(call("env", "TEST_VAR"), "Hello!");
  assert.equal(call("sys.env", "SURELY_NOT_DEFINED_ANYWHERE_42"), "");
  assert.equal(call("convert.nonsensitive", new Secret("foo")), "foo");
  assert.equal(call("nonsensitive", new Secret("foo")), "foo");
  assert.equal(call("convert.nonsensitive", "plain"), "plain");
  assert.throws(
    () => call("convert.nonsensitive", i(1)),
    (e: unknown) => e instanceof ArgError && e.message === "expected capsule, got number",
  );
  assert.equal(call("file.path_join", "this/is", "a/path"), "this/is/a/path");
  assert.equal(call("file.path_join"), "");
  const table: [string[], string][] = [
    [["a", "b", "c"], "a/b/c"],
    [["a", ""], "a"],
    [["", ""], ""],
    [["", "a"], "a"],
    [["/", "a"], "/a"],
    [["a/", "/b/"], "a/b"],
    [["a/../..", "b"], "../b"],
    [["/..", "x"], "/x"],
    [["./a", ".", "b/./c/"], "a/b/c"],
    [["a", "..", ".."], ".."],
    [["a", ".."], "."],
  ];
  for (const [elems, want] of table) assert.equal(pathJoin(elems), want, elems.join(","));
});

test("json_path through the stdlib", () => {
  assert.deepEqual(plain(call("json_path", '{"a": "b"}', ".a")), ["b"]);
  // Numbers convert to strings as for any Go string parameter.
  assert.deepEqual(plain(call("json_path", i(1), "$")), [1n]);
  assert.throws(() => call("json_path", "{}", "$["), /not terminated at 3 in \$\[/);
});
