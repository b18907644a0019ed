// Evaluator tests, transcribed from Alloy's syntax/vm tests (vm_test.go,
// op_binary_test.go, vm_errors_test.go) and extended for number kinds, errors with
// positions, secrets, capsules, deep equality and non-short-circuit operators.
import assert from "node:assert/strict";
import { test } from "node:test";
import { diagnosticString } from "../src/diag.js";
import { parseExpression } from "../src/parser.js";
import { Scope } from "../src/scope.js";
import { SourceFile } from "../src/source.js";
import { ArgError, Capsule, makeFunction, Num, type ObjectValue, objectOf, Secret } from "../src/value.js";
import { evaluate } from "../src/vm.js";
import { run, runError, show } from "./helpers/evaluate.js";

const foobarScope = new Scope({ foobar: Num.int(42) });

// TestVM_Evaluate (upstream) plus number kind cases.
const valueCases: [string, unknown][] = [
  // Binops
  ["true || false", true],
  ["false || false", false],
  ["true && false", false],
  ["true && true", true],
  ["3 == 5", false],
  ["3 == 3", true],
  ["3 != 5", true],
  ["3 < 5", true],
  ["3 <= 5", true],
  ["3 > 5", false],
  ["3 >= 5", false],
  ["3 + 5", "int:8"],
  ["3 - 5", "int:-2"],
  ["3 * 5", "int:15"],
  ["3.0 / 5.0", "float:0.6"],
  ["5 % 3", "int:2"],
  ["3 ^ 5", "int:243"],
  ["3 ^ 0", "int:1"],
  ["3 ^ 1", "int:3"],
  ["0 ^ 1", "int:0"],
  ["3 + 5 * 2", "int:13"],
  ["42.0^-2", "float:0.0005668934240362812"],
  // Identifier
  ["foobar", "int:42"],
  // Arrays
  ["[]", []],
  ["[0, 1, 2]", ["int:0", "int:1", "int:2"]],
  ["[true, false]", [true, false]],
  // Objects
  ["{ a = 5, b = 10 }", { a: "int:5", b: "int:10" }],
  ['{\n\t\tname = "John Doe", \n\t\tage = 42,\n}', { name: "John Doe", age: "int:42" }],
  // Access
  ["{ a = 15 }.a", "int:15"],
  ["{ a = { b = 12 } }.a.b", "int:12"],
  ['{}["foo"]', null],
  // Indexing
  ["[0, 1, 2][1]", "int:1"],
  ["[[1,2,3]][0][2]", "int:3"],
  ["[true, false][0]", true],
  // Paren
  ["(15)", "int:15"],
  // Unary
  ["!true", false],
  ["!false", true],
  ["-15", "int:-15"],
  // Literals
  ["null", null],
  ['"Hello, world!"', "Hello, world!"],
  ["`raw\\n`", "raw\\n"],
  ['"tab\\there"', "tab\there"],
  [".5", "float:0.5"],
  ["1e3", "float:1000"],
  ["3.9", "float:3.9"],
  // Number literals: Go base-0 parsing (leading 0 is octal), then uint64, then float
  ["010", "int:8"],
  ["09", "float:9"],
  ["9223372036854775807", "int:9223372036854775807"],
  ["9223372036854775808", "uint:9223372036854775808"],
  ["18446744073709551615", "uint:18446744073709551615"],
  ["18446744073709551616", "float:18446744073709552000"],
  // Number kinds
  ["3 / 5", "int:0"],
  ["3.0 / 5", "float:0.6"],
  ["3 / 5.0", "float:0.6"],
  ["-7 / 2", "int:-3"],
  ["-7 % 2", "int:-1"],
  ["7.5 % 2", "float:1.5"],
  ["-7.5 % 2", "float:-1.5"],
  ["0.1 + 0.2", "float:0.30000000000000004"],
  ["1 + 1.5", "float:2.5"],
  ["2 ^ 10", "int:1024"],
  ["2 ^ 0.5", `float:${Math.SQRT2}`],
  ["2.0 ^ -1", "float:0.5"],
  ["2 ^ -1", "int:2"], // Alloy's integer power multiplies (m-1) times: nothing for m < 2
  ["1 ^ -5", "int:1"],
  ["0 ^ 0", "int:1"],
  ["2 ^ 62", "int:4611686018427387904"],
  ["2 ^ 63", "int:-9223372036854775808"],
  ["2 ^ 64", "int:0"],
  ["3 ^ 41", "int:-420491770248316829"],
  // Overflow wraps as Go's int64 and uint64
  ["9223372036854775807 + 1", "int:-9223372036854775808"],
  ["-9223372036854775807 - 2", "int:9223372036854775807"],
  ["9223372036854775807 * 2", "int:-2"],
  ["18446744073709551615 + 9223372036854775808", "uint:9223372036854775807"],
  ["9223372036854775808 - 9223372036854775809", "uint:18446744073709551615"],
  ["9223372036854775808 + 1", "int:-9223372036854775807"], // uint + int fits to int
  ["9223372036854775808 + 1.0", "float:9223372036854776000"],
  ["-9223372036854775808", "int:-9223372036854775808"], // negating a uint gives an int
  ["-18446744073709551615", "int:1"],
  ["-9223372036854775807 - 1 / -1", "int:-9223372036854775806"],
  ["(-9223372036854775807 - 1) / -1", "int:-9223372036854775808"],
  ["(-9223372036854775807 - 1) % -1", "int:0"],
  ["18446744073709551615 / 2", "int:0"], // uint / int divides as int64: -1 / 2
  ["18446744073709551615 / 9223372036854775808", "uint:1"],
  ["- 1.5", "float:-1.5"],
  // Comparisons across kinds and of strings
  ["1 == 1.0", true],
  ["3 == 3.5", false],
  ["18446744073709551615 == -1", true], // uint == int compares as int64
  ["18446744073709551615 > 1", false], // likewise: -1 > 1
  ["9223372036854775808 > 9223372036854775807", false], // uint vs int compares as int64
  ["18446744073709551615 > 9223372036854775808", true], // uint vs uint
  ["1 < 1.5", true],
  ['"a" < "b"', true],
  ['"abc" >= "abd"', false],
  ['"b" > "a"', true],
  ['"a" <= "a"', true],
  ['"\uffff" < "😀"', true], // Go compares bytes: U+1F600 sorts after U+FFFF
  // Strings
  ['"a" + "b"', "ab"],
  ['"x" + "" + "y"', "xy"],
  // Deep equality across all types
  ["null == null", true],
  ["null == false", false],
  ['1 == "1"', false],
  ['"a" == "a"', true],
  ['"a" != "b"', true],
  ["true == true", true],
  ["[1, {a = [2]}] == [1, {a = [2.0]}]", true],
  ["[1, 2] == [1, 2, 3]", false],
  ["[1, 2] == [2, 1]", false],
  ["{a = 1} == {a = 1, b = 2}", false],
  ["{a = 1, b = 2} == {b = 2, a = 1}", true],
  ["{a = 1} == {b = 1}", false],
  ["{a = null} == {b = null}", false],
  ["{} == {}", true],
  ["[] == {}", false],
  ["[] != []", false],
  // Precedence
  ["1 + 2 * 3 ^ 2", "int:19"],
  ["2 ^ 3 ^ 2", "int:512"], // right-associative, as Alloy's parser
  ["(1 + 2) * 3", "int:9"],
  ["1 < 2 == true", true],
  ["true || false && false", true],
  ["!true || true", true],
  ["-2 ^ 2", "int:4"],
  ["10 - 2 - 3", "int:5"],
  ["10 / 2 * 5", "int:25"],
];

test("evaluate: values", () => {
  for (const [src, want] of valueCases) {
    assert.deepEqual(show(run(src, foobarScope)), want, src);
  }
});

// Errors, printed as Alloy's Diagnostic.Error() (no file name): "line:col: message".
const errorCases: [string, string][] = [
  ["foobar", `1:1: identifier "foobar" does not exist`],
  ["{ a = 15 }.b", `1:12: field "b" does not exist`],
  ["{ a = { b = 12 } }.a.c", `1:22: field "c" does not exist`],
  ["{\n\ta = 1,\n}.bb", `3:3: field "bb" does not exist`],
  ['1 + "a"', `1:5: "a" should be number, got string`],
  ['"a" + 1', `1:7: 1 should be string, got number`],
  ["true + 1", `1:1: true should be one of [number string capsule] for binop +, got bool`],
  ["1 + null", `1:5: null should be one of [number string capsule] for binop +, got null`],
  ["1 - true", `1:5: true should be one of [number] for binop -, got bool`],
  ['"a" * 2', `1:1: "a" should be one of [number] for binop *, got string`],
  ["1 && true", `1:1: 1 should be one of [bool] for binop &&, got number`],
  ["true || 1", `1:9: 1 should be one of [bool] for binop ||, got number`],
  ["[1] < [2]", `1:1: [1] should be one of [number string] for binop <, got array`],
  ['1 >= "a"', `1:6: "a" should be number, got string`],
  ["{a = 1} > 1", `1:1: {a = 1} should be one of [number string] for binop >, got object`],
  ["1 / 0", `1:5: 0 divide by zero error`],
  ["1.5 / 0", `1:7: 0 divide by zero error`],
  ["1.5 % 0.0", `1:7: 0.0 divide by zero error`],
  ["10 % (5 - 5)", `1:6: (5 - 5) divide by zero error`],
  ["!1", `1:2: 1 should be bool, got number`],
  ['-"x"', `1:2: "x" should be number, got string`],
  ['!(1 + 2 == "3") + 1', `1:1: !(1 + 2 == "3") should be one of [number string capsule] for binop +, got bool`],
  ["[0, 1, 2][3]", `1:11: 3 index 3 is out of range of array with length 3`],
  ["[0, 1, 2][-1]", `1:11: -1 index -1 is out of range of array with length 3`],
  ['[0]["a"]', `1:5: "a" should be number, got string`],
  ["{a = 1}[0]", `1:9: 0 should be string, got number`],
  ["1[0]", `1:1: 1 expected object or array, got number`],
  ['"x".y', `1:1: "x" cannot access field "y" on value of type string`],
  ["[1].y", `1:1: [1] cannot access field "y" on value of type array`],
  ["null.y", `1:1: null cannot access field "y" on value of type null`],
  ["1(2)", `1:1: 1 should be function, got number`],
  ['"f"()', `1:1: "f" should be function, got string`],
  ["1e400", `1:1: strconv.ParseFloat: parsing "1e400": value out of range`],
];

test("evaluate: errors with positions and Alloy's messages", () => {
  for (const [src, want] of errorCases) {
    assert.equal(diagnosticString(runError(src).diagnostic), want, src);
  }
});

test("evaluate: error ranges cover the failing node", () => {
  const d = runError('1 + "abc"').diagnostic;
  assert.deepEqual([d.start.line, d.start.column, d.end.line, d.end.column], [1, 5, 1, 9]);
  const f = runError("{ a = 15 }.bcd").diagnostic;
  assert.deepEqual([f.start.column, f.end.column], [12, 14]);
  const i = runError("foo.bar").diagnostic;
  assert.deepEqual([i.start.column, i.end.column], [1, 3]);
  assert.equal(i.severity, "error");
  const multi = runError('[\n  1,\n  "x" + 1,\n]').diagnostic;
  assert.equal(diagnosticString(multi), "3:9: 1 should be string, got number");
  // Columns count UTF-8 bytes as Go does.
  const u = runError('"é" + 1').diagnostic;
  assert.equal(diagnosticString(u), "1:8: 1 should be string, got number");
  // EvaluationError is a DiagnosticsError whose message is the Diagnostic.Error() text.
  const e = runError("nope");
  assert.equal(e.diagnostics.length, 1);
  assert.equal(e.message, `1:1: identifier "nope" does not exist`);
});

test("evaluate: && and || never short-circuit", () => {
  let calls = 0;
  const scope = new Scope({
    f: makeFunction("f", 0, 0, () => {
      calls++;
      return true;
    }),
  });
  assert.equal(run("false && f()", scope), false);
  assert.equal(run("true || f()", scope), true);
  assert.equal(calls, 2);
  // The right-hand side is evaluated, so its errors surface even when the left decides.
  assert.equal(
    diagnosticString(runError("false && missing", scope).diagnostic),
    `1:10: identifier "missing" does not exist`,
  );
  assert.equal(
    diagnosticString(runError('true || "x"', scope).diagnostic),
    `1:9: "x" should be one of [bool] for binop ||, got string`,
  );
});

test("evaluate: scopes chain to their parents", () => {
  const root = new Scope({ a: Num.int(1), b: Num.int(2) });
  const child = root.child({ b: Num.int(20), n: null });
  assert.deepEqual(show(run("a + b", child)), "int:21");
  assert.equal(run("n", child), null); // a null variable exists
  assert.deepEqual(show(run("a + b", root)), "int:3");
  assert.equal(child.lookup("zzz"), undefined);
  assert.equal(child.hasOwnChain("a"), true);
  assert.equal(child.hasOwnChain("sys"), false);
  child.set("c", "x");
  assert.equal(run("c", child), "x");
});

test("evaluate: function calls, arity and argument errors", () => {
  const scope = new Scope({
    one: makeFunction("one", 1, 1, (a) => a[0] ?? null),
    atLeast: makeFunction("atLeast", 1, -1, (a) => a.length.toString()),
    range: makeFunction("range", 1, 2, () => null),
    strict: makeFunction("strict", 2, 2, (a) => {
      if (typeof a[1] !== "string") throw new ArgError(1, `expected string, got number`);
      return a[0] ?? null;
    }),
    other: makeFunction("other", 1, 1, () => {
      throw new ArgError(0, "secrets may not be converted into strings");
    }),
    boom: makeFunction("boom", 0, -1, () => {
      throw new Error("jsonEncode only supports map");
    }),
    ns: objectOf({ fn: makeFunction("ns.fn", 0, 0, () => Num.int(7)) }),
  });
  assert.deepEqual(show(run("one(5)", scope)), "int:5");
  assert.equal(run("atLeast(1, 2, 3)", scope), "3");
  assert.deepEqual(show(run("ns.fn()", scope)), "int:7");
  const cases: [string, string][] = [
    ["one(1, 2)", "1:1: one expected 1 args, got 2"],
    ["one()", "1:1: one expected 1 args, got 0"],
    ["atLeast()", "1:1: atLeast expected at least 1 args, got 0"],
    ["range(1, 2, 3)", "1:1: range expected at most 2 args, got 3"],
    ['strict("a", 1)', "1:13: 1 should be string, got number"],
    ['other("a" + "b")', `1:7: "a" + "b" secrets may not be converted into strings`],
    ["boom(1)", "1:1: boom jsonEncode only supports map"],
    ["ns.fn(1)", "1:1: ns.fn expected 0 args, got 1"],
    ["ns.nope()", `1:4: field "nope" does not exist`],
  ];
  for (const [src, want] of cases) assert.equal(diagnosticString(runError(src, scope).diagnostic), want, src);
  // An error from a function spans the function expression.
  const d = runError("ns.fn(1)", scope).diagnostic;
  assert.deepEqual([d.start.column, d.end.column], [1, 5]);
});

// TestVM_Capsule_Conversion (upstream), for the Secret capsule.
test("evaluate: secrets with strings", () => {
  const scope = new Scope({
    string_val: "hello",
    secret_type_val: new Secret("welcome"),
  });
  const values: [string, unknown][] = [
    ["secret_type_val + string_val", "secret:welcomehello"],
    ["string_val + secret_type_val", "secret:hellowelcome"],
    ["secret_type_val + secret_type_val", "secret:welcomewelcome"],
    ['secret_type_val == "welcome"', true],
    ['"welcome" == secret_type_val', true],
    ['secret_type_val != "welcome"', false],
    ['secret_type_val == "other"', false],
    ["secret_type_val == secret_type_val", true],
    ["string_val == string_val", true],
    ["string_val + string_val", "hellohello"],
  ];
  for (const [src, want] of values) assert.deepEqual(show(run(src, scope)), want, src);
  const errors: [string, string][] = [
    ["secret_type_val - string_val", "1:1: secret_type_val should be one of [number] for binop -, got capsule"],
    ["string_val - secret_type_val", "1:1: string_val should be one of [number] for binop -, got capsule"],
    ["secret_type_val + 1", "1:19: 1 should be capsule, got number"],
    ["1 + secret_type_val", "1:5: secret_type_val should be number, got capsule"],
    ['secret_type_val < "a"', "1:1: secret_type_val should be one of [number string] for binop <, got capsule"],
    [
      "secret_type_val.x",
      "1:1: secret_type_val expected object or array or a capsule convertible to an object, got capsule",
    ],
    [
      "secret_type_val[0]",
      "1:1: secret_type_val expected object or array or a capsule convertible to an object, got capsule",
    ],
  ];
  for (const [src, want] of errors) assert.equal(diagnosticString(runError(src, scope).diagnostic), want, src);
});

test("evaluate: capsules compare by identity and may convert to objects", () => {
  const payload = { id: 1 };
  const convertible = {
    toAlloyObject: (): ObjectValue => objectOf({ name: "Scrooge McDuck", address: "Duckburg" }),
  };
  const scope = new Scope({
    c1: new Capsule(payload, "storage.Appendable"),
    c1again: new Capsule(payload, "storage.Appendable"),
    c2: new Capsule({ id: 1 }, "storage.Appendable"),
    person: new Capsule(convertible, "person"),
    f: makeFunction("f", 0, 0, () => null),
  });
  const values: [string, unknown][] = [
    ["c1 == c1", true],
    ["c1 == c1again", true],
    ["c1 == c2", false],
    ["c1 != c2", true],
    ["[c1] == [c1again]", true],
    ["c1 == null", false],
    ["person.name", "Scrooge McDuck"],
    ['person["address"]', "Duckburg"],
    ['person["missing"]', null],
    ["f == f", false], // functions are never equal
    ["f != f", true],
  ];
  for (const [src, want] of values) assert.deepEqual(show(run(src, scope)), want, src);
  const errors: [string, string][] = [
    ["c1 + c2", "1:1: c1 could not perform binop + for unknown types lhs capsule rhs capsule"],
    ["c1.x", "1:1: c1 expected object or array or a capsule convertible to an object, got capsule"],
    ["person.missing", `1:8: field "missing" does not exist`],
    ["person[1]", "1:8: 1 should be string, got number"],
  ];
  for (const [src, want] of errors) assert.equal(diagnosticString(runError(src, scope).diagnostic), want, src);
});

test("evaluate: literal values are cached on the node and stay correct", () => {
  const src = '[1, "a", 2.5]';
  const { expr } = parseExpression(src);
  const source = new SourceFile("", src);
  const first = evaluate(expr, new Scope(), source);
  const second = evaluate(expr, new Scope(), source);
  assert.deepEqual(show(first), show(second));
  assert.notEqual(first, second); // arrays are fresh per evaluation
});

test("evaluate: multi-line failing expressions are printed as Alloy's printer does", () => {
  const cases: [string, string][] = [
    [
      "{\n  a = 1,\n  bb = 2,\n} + 1",
      "1:1: {\n\ta  = 1,\n\tbb = 2,\n} should be one of [number string capsule] for binop +, got object",
    ],
    ['1 + [\n  "a",\n]', '1:5: [\n\t"a",\n] should be one of [number string capsule] for binop +, got array'],
    ["{a = 1} - 1", "1:1: {a = 1} should be one of [number] for binop -, got object"],
  ];
  for (const [src, want] of cases) assert.equal(diagnosticString(runError(src).diagnostic), want, src);
});
