// The standard library through the evaluator, transcribed from Alloy's
// syntax/vm/vm_stdlib_test.go: results, and errors positioned and worded as upstream.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Scope } from "../src/scope.js";
import { Secret, type Value } from "../src/value.js";
import { run, runErrorString, show } from "./helpers/evaluate.js";

/** Numbers as plain JS numbers. */
const plain = (v: Value) => show(v, (n) => (typeof n.n === "number" ? n.n : Number(n.n)));

test("stdlib through evaluate: upstream TestVM_Stdlib", () => {
  process.env.TEST_VAR = "Hello!";
  const cases: [string, unknown][] = [
    ['env("TEST_VAR")', "Hello!"],
    ['concat([true, "foo"], [], [false, 1])', [true, "foo", false, 1]],
    ['json_decode("{\\"foo\\": \\"bar\\"}")', { foo: "bar" }],
    ["yaml_decode(`foo: bar`)", { foo: "bar" }],
    ['base64_decode("Zm9vYmFyMTIzIT8kKiYoKSctPUB+")', "foobar123!?$*&()'-=@~"],
    ['sys.env("TEST_VAR")', "Hello!"],
    ['array.concat([true, "foo"], [], [false, 1])', [true, "foo", false, 1]],
    ['encoding.from_json("{\\"foo\\": \\"bar\\"}")', { foo: "bar" }],
    ['encoding.from_json("[0, 1, 2]")', [0, 1, 2]],
    ['encoding.from_json("{\\"foo\\": null}")', { foo: null }],
    ["encoding.from_yaml(`foo: bar`)", { foo: "bar" }],
    ['encoding.from_base64("Zm9vYmFyMTIzIT8kKiYoKSctPUB+")', "foobar123!?$*&()'-=@~"],
    ['encoding.to_base64("string123!?$*&()\'-=@~")', "c3RyaW5nMTIzIT8kKiYoKSctPUB+"],
    [
      'encoding.to_json({"modules"={"http_2xx"={"prober"="http","timeout"="5s","http"={"headers"={"Authorization"=sys.env("TEST_VAR")}}}}})',
      '{"modules":{"http_2xx":{"http":{"headers":{"Authorization":"Hello!"}},"prober":"http","timeout":"5s"}}}',
    ],
    [
      'array.combine_maps([{"a" = "a1", "b" = "b1"}], [{"a" = "a1", "c" = "c1"}], ["a"])',
      [{ a: "a1", b: "b1", c: "c1" }],
    ],
    ['coalesce(sys.env("NON_DEFINED_INGOT_VAR"), "World!")', "World!"],
    ["coalesce(0, 1, 2)", 1],
    ['string.format("Hello %s", "World")', "Hello World"],
    ['string.join([0, 0, 1], ", ")', "0, 0, 1"],
    ['split("/aaa/bbb/ccc/ddd", "/")[0]', ""],
    ['to_lower(to_upper(trim_space("   String   ")))', "string"],
    ['file.path_join("this/is", "a/path")', "this/is/a/path"],
    ['convert.nonsensitive(secret) + "!"', "foo!"],
  ];
  const scope = new Scope({ secret: new Secret("foo") });
  for (const [src, want] of cases) assert.deepEqual(plain(run(src, scope)), want, src);
});

test("stdlib through evaluate: upstream TestVM_Stdlib_Errors and argument errors", () => {
  const cases: [string, string][] = [
    ['array.combine_maps([{"a" = "a1", "b" = "b1"}], "a", ["a"])', `1:48: "a" should be array, got string`],
    [
      'array.combine_maps([{"a" = "a1", "c" = "b1"}], [{"a" = "a1", "c" = "b1"}], [])',
      "1:76: [] combine_maps: merge conditions must not be empty",
    ],
    ["encoding.to_json(12)", "1:1: encoding.to_json jsonEncode only supports map"],
    ["sys.env(1, 2)", "1:1: sys.env expected 1 args, got 2"],
    ["string.to_upper(true)", "1:17: true should be string, got bool"],
    ["string.to_upper(secret)", "1:17: secret secrets may not be converted into strings"],
    ["nothing.here()", `1:1: identifier "nothing" does not exist`],
    ["sys.nope", `1:5: field "nope" does not exist`],
    ["sys()", "1:1: sys should be function, got object"],
  ];
  const scope = new Scope({ secret: new Secret("foo") });
  for (const [src, want] of cases) assert.equal(runErrorString(src, scope), want, src);
});
