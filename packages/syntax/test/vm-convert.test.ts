// Conversions (Alloy's value.Decode rules for primitive targets), value errors with
// paths (vm_errors_test.go), value printing, and evaluateBody.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Expr } from "../src/ast.js";
import { diagnosticString } from "../src/diag.js";
import { parseFile } from "../src/parser.js";
import { Scope } from "../src/scope.js";
import { SourceFile } from "../src/source.js";
import { Tok } from "../src/token.js";
import { Capsule, makeFunction, Num, objectOf, Secret, type Value } from "../src/value.js";
import {
  convertTo,
  describeValue,
  ElementError,
  EvaluationError,
  evaluate,
  evaluateBody,
  expectType,
  FieldError,
  floatToString,
  stringToNumber,
  type TargetType,
  ValueError,
  ValueTypeError,
  valueErrorDiagnostic,
  valueToString,
} from "../src/vm.js";
import { show } from "./helpers/evaluate.js";

function convertError(v: Value, t: TargetType): string {
  try {
    convertTo(v, t);
  } catch (e) {
    assert.ok(e instanceof ValueError, String(e));
    return e.message;
  }
  assert.fail(`expected ${valueToString(v)} -> ${t} to fail`);
}

test("convertTo: TestVM_Evaluate_Literals conversions and string/number rules", () => {
  const ok: [Value, TargetType, unknown][] = [
    [Num.int(24), "string", "24"],
    [Num.float(3.9), "string", "3.9"],
    [Num.float(0.9), "string", "0.9"],
    [Num.uint(18446744073709551615n), "string", "18446744073709551615"],
    [Num.int(-5), "string", "-5"],
    [Num.float(1e21), "string", "1000000000000000000000"],
    [Num.float(1e-7), "string", "0.0000001"],
    [Num.float(-1.5e-10), "string", "-0.00000000015"],
    [Num.float(123456789.125), "string", "123456789.125"],
    ["12", "number", "uint:12"],
    ["-12", "number", "int:-12"],
    ["1.5", "number", "float:1.5"],
    ["1e3", "number", "float:1000"],
    ["-1.5", "number", "float:-1.5"], // "-" then ParseInt fails, so... see below
    ["Hello, world!", "string", "Hello, world!"],
    ["x", "secret", "secret:x"],
    [new Secret("s"), "secret", "secret:s"],
    [null, "string", null],
    [null, "number", null],
    [true, "bool", true],
    [[Num.int(1)], "array", ["int:1"]],
    [objectOf({ a: Num.int(1) }), "object", { a: "int:1" }],
    [Num.int(1), "any", "int:1"],
  ];
  for (const [v, t, want] of ok) {
    if (v === "-1.5") continue; // handled below: Alloy parses a leading "-" as an int only
    assert.deepEqual(show(convertTo(v, t)), want, `${valueToString(v)} -> ${t}`);
  }
  // Alloy routes any string starting with "-" to ParseInt, so "-1.5" is not a number.
  assert.equal(convertError("-1.5", "number"), "expected number, got string");
  const convertible = new Capsule({ toAlloyObject: () => objectOf({ k: "v" }) });
  assert.deepEqual(show(convertTo(convertible, "object")), { k: "v" });
});

test("convertTo: failures with upstream messages", () => {
  const cases: [Value, TargetType, string][] = [
    [new Secret("Hello, world!"), "string", "secrets may not be converted into strings"],
    ["", "number", "expected number, got string"],
    ["abc", "number", "expected number, got string"],
    ["18446744073709551616", "number", "expected number, got string"],
    ["-9223372036854775809", "number", "expected number, got string"],
    ["1e400", "number", "expected number, got string"],
    [true, "string", "expected string, got bool"],
    [Num.int(1), "bool", "expected bool, got number"],
    [[Num.int(0)], "string", "expected string, got array"],
    [objectOf({}), "array", "expected array, got object"],
    [Num.int(1), "secret", "expected capsule, got number"],
    [
      new Capsule({}, "storage.Appendable"),
      "secret",
      'expected capsule("alloytypes.Secret"), got capsule("storage.Appendable")',
    ],
    [new Capsule({}, "x"), "string", "expected string, got capsule"],
    [makeFunction("f", 0, 0, () => null), "object", "expected object, got function"],
  ];
  for (const [v, t, want] of cases) assert.equal(convertError(v, t), want, `${valueToString(v)} -> ${t}`);
  assert.deepEqual(show(stringToNumber("9223372036854775808")), "uint:9223372036854775808");
  assert.throws(() => expectType("x", "number"), { message: "expected number, got string" });
  assert.doesNotThrow(() => expectType(Num.int(1), "number"));
});

// TestVM_ExprErrors (upstream): decoding the value of an attribute into a target.
test("valueErrorDiagnostic: paths to the failing value", () => {
  const diagFor = (src: string, scope: Scope, decode: (v: Value) => void): string => {
    const { file, diagnostics } = parseFile("test", src);
    assert.deepEqual(diagnostics, []);
    const attr = file.body[0];
    assert.ok(attr?.kind === "Attribute");
    const v = evaluate(attr.value, scope, file.source);
    try {
      decode(v);
    } catch (e) {
      assert.ok(e instanceof ValueError);
      const d = valueErrorDiagnostic(e, attr.value, file.source);
      return diagnosticString(d) + (d.value ? ` [value ${d.value}]` : "");
    }
    assert.fail("decode should fail");
  };
  // key: object { object: object { field1: array of number } }
  const decodeTarget = (v: Value): void => {
    if (!(v instanceof Map)) throw new ValueTypeError(v, "object");
    const obj = v.get("object") ?? null;
    if (!(obj instanceof Map)) throw new FieldError(v, "object", new ValueTypeError(obj, "object"));
    const arr = obj.get("field1") ?? null;
    if (!Array.isArray(arr))
      throw new FieldError(v, "object", new FieldError(obj, "field1", new ValueTypeError(arr, "array")));
    arr.forEach((x, i) => {
      if (!(x instanceof Num)) {
        throw new FieldError(
          v,
          "object",
          new FieldError(obj, "field1", new ElementError(arr, i, new ValueTypeError(x, "number"))),
        );
      }
    });
  };
  assert.equal(diagFor("key = true", new Scope(), decodeTarget), "test:1:7: true should be object, got bool");
  assert.equal(
    diagFor(
      '\n\t\t\t\tkey = {\n\t\t\t\t\tobject = {\n\t\t\t\t\t\tfield1 = [15, 30, "Hello, world!"],\n\t\t\t\t\t},\n\t\t\t\t}\n\t\t\t',
      new Scope(),
      decodeTarget,
    ),
    'test:4:25: "Hello, world!" should be number, got string',
  );
  const scope = new Scope({
    key_value: objectOf({ object: objectOf({ field1: [Num.int(15), Num.int(30), "Hello, world!"] }) }),
  });
  assert.equal(
    diagFor("key = key_value", scope, decodeTarget),
    'test:1:7: key_value.object.field1[2] should be number, got string [value "Hello, world!"]',
  );
  assert.equal(
    diagFor("key = [0, 1, 2]", new Scope(), (v) => convertTo(v, "string")),
    "test:1:7: [0, 1, 2] should be string, got array",
  );
  // A literal object whose field is an identifier: the path continues from it.
  assert.equal(
    diagFor("key = { object = key_value.object.field1 }", scope, (v) => {
      const inner = (v as Map<string, Value>).get("object") as Value[];
      throw new FieldError(v, "object", new ElementError(inner, 2, new ValueTypeError(inner[2] ?? null, "number")));
    }),
    'test:1:18: key_value.object.field1[2] should be number, got string [value "Hello, world!"]',
  );
  assert.equal(
    diagFor("key = secret", new Scope({ secret: new Secret("x") }), (v) => convertTo(v, "string")),
    "test:1:7: secret secrets may not be converted into strings",
  );
});

test("valueToString and describeValue: Alloy's builder text", () => {
  const cases: [Value, string][] = [
    [null, "null"],
    [true, "true"],
    [Num.int(-3), "-3"],
    [Num.float(2.5), "2.5"],
    ['say "hi"\n', '"say \\"hi\\"\\n"'],
    [[Num.int(1), "a", [null]], '[1, "a", [null]]'],
    [objectOf({ b: Num.int(1), a: objectOf({ "x-y": true }) }), '{\n\ta = {\n\t\t"x-y" = true,\n\t},\n\tb = 1,\n}'],
    [new Secret("pw"), "(secret)"],
    [new Capsule({}, "storage.Appendable"), 'capsule("storage.Appendable")'],
    [makeFunction("f", 0, 0, () => null), "function"],
  ];
  for (const [v, want] of cases) assert.equal(valueToString(v), want);
  assert.equal(describeValue(new Secret("x")), 'capsule("alloytypes.Secret")');
  assert.equal(describeValue(Num.int(1)), "number");
  assert.deepEqual([Number.NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308].map(floatToString), [
    "NaN",
    "+Inf",
    "-Inf",
    "-0",
    `0.${"0".repeat(323)}5`,
    `17976931348623157${"0".repeat(292)}`,
  ]);
});

function body(text: string, scope = new Scope()) {
  const { file, diagnostics } = parseFile("b.alloy", text);
  assert.deepEqual(diagnostics, []);
  return evaluateBody(file.body, scope, file.source);
}

function bodyError(text: string): string {
  try {
    body(text);
  } catch (e) {
    assert.ok(e instanceof EvaluationError);
    return diagnosticString(e.diagnostic);
  }
  assert.fail("expected an error");
}

test("evaluateBody: attributes, blocks and labeled blocks", () => {
  const v = body(
    [
      "a = 1 + 2",
      'name = "x"',
      "rule {",
      '  action = "keep"',
      "}",
      "rule {",
      '  action = "drop"',
      "  inner.block { x = true }",
      "}",
      'target "one" { port = 80 }',
      'target "two" { port = 81 }',
      "empty {}",
    ].join("\n"),
  );
  assert.deepEqual(show(v), {
    a: "int:3",
    name: "x",
    rule: [{ action: "keep" }, { action: "drop", "inner.block": [{ x: true }] }],
    target: { one: { port: "int:80" }, two: { port: "int:81" } },
    empty: [{}],
  });
});

test("evaluateBody: errors", () => {
  assert.equal(bodyError("a = 1\na = 2"), 'b.alloy:2:1: attribute "a" may only be provided once');
  assert.equal(bodyError('b {\n  c = "x" + 1\n}'), "b.alloy:2:13: 1 should be string, got number");
  assert.equal(bodyError("a = 1\na {}"), 'b.alloy:2:1: "a" must be an attribute, but is used as a block');
  assert.equal(bodyError("a {}\na = 1"), 'b.alloy:2:1: "a" must be a block, but is used as an attribute');
  assert.equal(bodyError('t "x" {}\nt {}'), 'b.alloy:2:1: block "t" requires non-empty label');
  assert.equal(bodyError('t {}\nt "x" {}'), 'b.alloy:2:1: block "t" does not support specifying labels');
  assert.equal(bodyError('t "x" {}\nt "x" {}'), 'b.alloy:2:1: block "t.x" may only be specified once');
});

test("evaluate: hand-built literals with invalid text", () => {
  const source = new SourceFile("", "abc");
  const lit = (tok: Tok, value: string): Expr => ({ kind: "Literal", tok, value, pos: 0 });
  const msg = (e: Expr): string => {
    try {
      evaluate(e, new Scope(), source);
    } catch (err) {
      assert.ok(err instanceof EvaluationError);
      return diagnosticString(err.diagnostic);
    }
    assert.fail("expected an error");
  };
  assert.equal(msg(lit(Tok.NUMBER, "abc")), '1:1: strconv.ParseFloat: parsing "abc": invalid syntax');
  assert.equal(msg(lit(Tok.BOOL, "yes")), '1:1: invalid boolean literal "yes"');
  assert.equal(msg(lit(Tok.STRING, '"abc')), "1:1: invalid syntax");
  assert.deepEqual(show(evaluate(lit(Tok.NUMBER, "0x1f"), new Scope(), source)), "int:31");
  assert.deepEqual(show(evaluate(lit(Tok.NUMBER, "0b101"), new Scope(), source)), "int:5");
  assert.deepEqual(show(evaluate(lit(Tok.NUMBER, "0o17"), new Scope(), source)), "int:15");
  assert.deepEqual(show(evaluate(lit(Tok.NUMBER, "1_000"), new Scope(), source)), "int:1000");
  assert.equal(msg(lit(Tok.NUMBER, "1__0")), '1:1: strconv.ParseFloat: parsing "1__0": invalid syntax');
});
