import assert from "node:assert/strict";
import { test } from "node:test";
import type { BlockStmt, Expr } from "../src/ast.js";
import { endPos, startPos } from "../src/ast.js";
import { diagnosticString } from "../src/diag.js";
import { parseExpression, parseFile } from "../src/parser.js";
import { Tok, tokString } from "../src/token.js";

/** An S-expression rendering of an expression tree. */
function sexpr(e: Expr): string {
  switch (e.kind) {
    case "Identifier":
      return e.ident.name;
    case "Literal":
      return e.value;
    case "Array":
      return `[${e.elements.map(sexpr).join(" ")}]`;
    case "Object":
      return `{${e.fields.map((f) => `${f.quoted ? JSON.stringify(f.name.name) : f.name.name}=${sexpr(f.value)}`).join(" ")}}`;
    case "Access":
      return `(. ${sexpr(e.value)} ${e.name.name})`;
    case "Index":
      return `(index ${sexpr(e.value)} ${sexpr(e.index)})`;
    case "Call":
      return `(call ${[e.value, ...e.args].map(sexpr).join(" ")})`;
    case "Unary":
      return `(${tokString(e.op)} ${sexpr(e.value)})`;
    case "Binary":
      return `(${tokString(e.op)} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "Paren":
      return `(paren ${sexpr(e.inner)})`;
  }
}

function expr(text: string): string {
  const { expr, diagnostics } = parseExpression(text);
  assert.deepEqual(diagnostics.map(diagnosticString), [], text);
  return sexpr(expr);
}

test("parser: precedence and associativity", () => {
  const cases: [string, string][] = [
    ["1 + 2 * 3", "(+ 1 (* 2 3))"],
    ["1 * 2 + 3", "(+ (* 1 2) 3)"],
    ["1 - 2 - 3", "(- (- 1 2) 3)"],
    ["8 / 4 % 3 * 2", "(* (% (/ 8 4) 3) 2)"],
    ["1 ^ 2 ^ 3", "(^ 1 (^ 2 3))"],
    ["2 * 3 ^ 2", "(* 2 (^ 3 2))"],
    ["-a ^ b", "(^ (- a) b)"],
    ["!a || b && c", "(|| (! a) (&& b c))"],
    ["a || b || c", "(|| (|| a b) c)"],
    ["a && b || c && d", "(|| (&& a b) (&& c d))"],
    ["1 < 2 == true", "(== (< 1 2) true)"],
    ["1 + 2 >= 3 * 4", "(>= (+ 1 2) (* 3 4))"],
    ["a != b && c <= d || e > f", "(|| (&& (!= a b) (<= c d)) (> e f))"],
    ["--1", "(- (- 1))"],
    ["!!true", "(! (! true))"],
    ["(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"],
    ["!a.b[0](1)", "(! (call (index (. a b) 0) 1))"],
    ["a.b.c.d", "(. (. (. a b) c) d)"],
    ["a[0][1][2]", "(index (index (index a 0) 1) 2)"],
    ["f()", "(call f)"],
    ["f(1, 2, 3,)", "(call f 1 2 3)"],
    ["f(\n  1,\n  2,\n)", "(call f 1 2)"],
    ["(a.b.c)(1, 3 * l[i * 2]).r", "(. (call (paren (. (. a b) c)) 1 (* 3 (index l (* i 2)))) r)"],
    ["[]", "[]"],
    ["[1, [2, 3], 4,]", "[1 [2 3] 4]"],
    ["[\n  0,\n  1,\n]", "[0 1]"],
    ["{}", "{}"],
    ['{ a = 1, "b c" = 2, }', '{a=1 "b c"=2}'],
    ['{\n  a = { b = "x" },\n  c = [null],\n}', '{a={b="x"} c=[null]}'],
    ["1.5e3 + .5 + 0.", "(+ (+ 1.5e3 .5) 0.)"],
    ["`raw\nstring`", "`raw\nstring`"],
    ['env("HOME") + "/x"', '(+ (call env "HOME") "/x")'],
  ];
  for (const [text, want] of cases) assert.equal(expr(text), want, text);
});

test("parser: expression node positions", () => {
  const text = 'foo.bar[1] + f(2, "x") * -(3)';
  const { expr: e } = parseExpression(text);
  assert.equal(e.kind, "Binary");
  if (e.kind !== "Binary") return;
  assert.equal(e.opPos, 11);
  assert.equal(startPos(e), 0);
  assert.equal(endPos(e), text.length - 1);
  const left = e.left;
  assert.equal(left.kind, "Index");
  if (left.kind === "Index") {
    assert.equal(left.lbrack, 7);
    assert.equal(left.rbrack, 9);
    assert.equal(endPos(left.value), 6);
    if (left.value.kind === "Access") assert.equal(left.value.name.pos, 4);
  }
  const right = e.right;
  assert.equal(right.kind, "Binary");
  if (right.kind !== "Binary") return;
  const call = right.left;
  assert.equal(call.kind, "Call");
  if (call.kind === "Call") {
    assert.equal(call.lparen, 14);
    assert.equal(call.rparen, 21);
    assert.deepEqual(
      call.args.map((a) => [startPos(a), endPos(a)]),
      [
        [15, 15],
        [18, 20],
      ],
    );
  }
  const neg = right.right;
  assert.equal(neg.kind, "Unary");
  if (neg.kind === "Unary") {
    assert.equal(neg.op, Tok.SUB);
    assert.equal(neg.opPos, 25);
    assert.equal(neg.value.kind, "Paren");
    assert.equal(startPos(neg.value), 26);
    assert.equal(endPos(neg.value), 28);
  }
  const arr = parseExpression("[ 1 ]").expr;
  assert.deepEqual([arr.kind, startPos(arr), endPos(arr)], ["Array", 0, 4]);
  const obj = parseExpression('{ "k" = true }').expr;
  assert.deepEqual([obj.kind, startPos(obj), endPos(obj)], ["Object", 0, 13]);
  if (obj.kind === "Object") {
    const f = obj.fields[0];
    assert.deepEqual([f?.name.name, f?.name.pos, f?.quoted], ["k", 2, true]);
  }
});

test("parser: file structure, blocks, labels and attributes", () => {
  const src = [
    "logging {",
    '  level = "info"',
    "}",
    "",
    'prometheus.remote_write "default" {',
    "  endpoint {",
    '    url = "http://x"',
    "  }",
    "}",
    "answer = 42",
    "empty { }",
    "",
  ].join("\n");
  const { file, diagnostics } = parseFile("a.alloy", src);
  assert.deepEqual(diagnostics, []);
  assert.equal(file.name, "a.alloy");
  assert.equal(file.source.text, src);
  assert.deepEqual(
    file.body.map((s) => s.kind),
    ["Block", "Block", "Attribute", "Block"],
  );
  const logging = file.body[0] as BlockStmt;
  assert.deepEqual([logging.name, logging.namePos, logging.label, logging.labelPos], [["logging"], 0, "", -1]);
  assert.deepEqual([logging.lcurly, logging.rcurly], [8, 27]);
  assert.equal(logging.body[0]?.kind, "Attribute");
  const rw = file.body[1] as BlockStmt;
  assert.deepEqual(
    [rw.name, rw.label, rw.labelPos],
    [["prometheus", "remote_write"], "default", src.indexOf('"default"')],
  );
  assert.equal(startPos(rw), src.indexOf("prometheus"));
  assert.equal(endPos(rw), src.indexOf("}\nanswer"));
  const endpoint = rw.body[0] as BlockStmt;
  assert.deepEqual(endpoint.name, ["endpoint"]);
  const attr = file.body[2];
  assert.ok(attr?.kind === "Attribute");
  assert.equal(attr.name.name, "answer");
  assert.equal(attr.name.pos, src.indexOf("answer"));
  assert.deepEqual([startPos(attr), endPos(attr)], [src.indexOf("answer"), src.indexOf("42") + 1]);
  const empty = file.body[3] as BlockStmt;
  assert.deepEqual([empty.body, empty.lcurly, empty.rcurly], [[], src.indexOf("{ }"), src.indexOf("{ }") + 2]);
});

test("parser: comments are grouped as upstream", () => {
  const src = ["// a", "// b", "", "// c", "x = 1 // d", "/* e */ y = [", "  1, /* f */", "]", "/* g", "h */"].join(
    "\n",
  );
  const { file, diagnostics } = parseFile("c.alloy", src);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    file.comments.map((g) => g.map((c) => c.text)),
    [["// a", "// b"], ["// c"], ["// d", "/* e */"], ["/* f */"], ["/* g\nh */"]],
  );
  assert.deepEqual(
    file.comments.flat().map((c) => c.pos),
    ["// a", "// b", "// c", "// d", "/* e */", "/* f */", "/* g"].map((t) => src.indexOf(t)),
  );
  assert.equal(file.body.length, 2);
});

function errors(src: string): string[] {
  return parseFile("e.alloy", src).diagnostics.map(diagnosticString);
}

test("parser: syntax errors, positions and recovery", () => {
  const cases: [string, string[]][] = [
    ["x = (1 2 3)\ny = 1", ["e.alloy:1:8: expected ), got NUMBER"]],
    ["x = 1 y = 2\nz = 3", ["e.alloy:1:7: expected TERMINATOR, got IDENT"]],
    ["x = [\n  1 // c\n]", ["e.alloy:2:5: missing ',' in expression list"]],
    ["x = [\n  1\n  2,\n]", ["e.alloy:2:4: missing ',' in expression list"]],
    ["x = {\n  a = 1\n}", ["e.alloy:2:8: missing ',' in field list"]],
    ["x = { a = 1 b = 2 }", ["e.alloy:1:13: missing ',' in field list"]],
    ["x = {]", ["e.alloy:1:6: expected }, got ]"]],
    ["x = }", ["e.alloy:1:5: expected expression, got }"]],
    ["x =\n", ["e.alloy:2:1: expected expression, got EOF"]],
    ["}", ["e.alloy:1:1: expected identifier, got }"]],
    ["a.1 {}", ["e.alloy:1:2: expected block label, got FLOAT"]], // ".1" is a FLOAT
    ["a.+ {}", ["e.alloy:1:3: expected identifier, got +"]],
    ["a. {}", ["e.alloy:1:4: expected identifier, got {"]],
    [
      "foo\nbar = 1",
      [
        "e.alloy:1:4: expected block label, got TERMINATOR",
        "e.alloy:2:1: expected attribute assignment or block body, got IDENT",
      ],
    ],
    ["foo + 1", ["e.alloy:1:5: expected block label, got +"]],
    ['foo "x"\n', ["e.alloy:1:8: expected block body, got TERMINATOR"]],
    ["a.b\n", ["e.alloy:1:4: expected block label, got TERMINATOR", "e.alloy:2:1: expected block body, got EOF"]],
    ["blk 1 {}", ["e.alloy:1:5: expected block label, got NUMBER"]],
    ["blk `lbl` {}", ['e.alloy:1:5: expected block label to be a double quoted string, but got "`lbl`"']],
    ['blk "a b" {}', ['e.alloy:1:5: expected block label to be a valid identifier, but got "a b"']],
    ['blk "true" {}', ['e.alloy:1:5: expected block label to be a valid identifier, but got "true"']],
    ['blk "" {}', []],
    ["a.b = 1", ['e.alloy:1:1: attribute names may only consist of a single identifier with no "."']],
    ['a "l" = 1', ["e.alloy:1:3: attribute names may not have labels"]],
    ["x = a.true", ["e.alloy:1:7: expected IDENT, got BOOL"]],
    ["x = f(1 2)", ["e.alloy:1:9: missing ',' in expression list"]],
    ["x = y {\n  z = 1\n}", ["e.alloy:1:5: cannot use a block as an expression"]],
    ['x = y "l" 2', ["e.alloy:1:11: expected {, got NUMBER"]],
    ["x = [1, 2", ["e.alloy:1:10: missing ',' in expression list"]], // the TERMINATOR at EOF
    ["x = [1, 2\n", ["e.alloy:1:10: missing ',' in expression list", "e.alloy:2:1: expected ], got EOF"]],
    ["b {\n  x = 1\n", ["e.alloy:3:1: expected }, got EOF"]],
    // Lexical errors are all kept; syntax errors once per line.
    [
      "x = \"a\\q\" + 'b'",
      [
        "e.alloy:1:8: unknown escape sequence",
        "e.alloy:1:13: illegal single-quoted string; use double quotes",
        "e.alloy:1:13: expected expression, got ILLEGAL",
      ],
    ],
    ["a = 1; b = 2", ["e.alloy:1:6: illegal character U+003B ';'", "e.alloy:1:6: expected TERMINATOR, got ILLEGAL"]],
    ["x = 1 + + 2 + + 3", ["e.alloy:1:9: expected expression, got +"]],
    ['x = "é" +', ["e.alloy:1:11: expected expression, got EOF"]],
  ];
  for (const [src, want] of cases) assert.deepEqual(errors(src), want, JSON.stringify(src));
});

test("parser: diagnostics carry ranges where upstream sets them", () => {
  const { diagnostics } = parseFile("r.alloy", 'a.bc = 1\nx "lbl" = 2\ny = z "q" {\n}\n');
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.start.line, d.start.column, d.end.line, d.end.column]),
    [
      ["error", 1, 1, 1, 4],
      ["error", 2, 3, 2, 7],
      ["error", 3, 5, 4, 1],
    ],
  );
  const plain = parseFile("r.alloy", "}").diagnostics[0];
  assert.deepEqual(plain?.end, plain?.start);
});

test("parseExpression requires the whole input to be one expression", () => {
  const msgs = (t: string) => parseExpression(t).diagnostics.map(diagnosticString);
  assert.deepEqual(msgs("1 + 2"), []);
  assert.deepEqual(msgs("1 2"), ["1:3: expected TERMINATOR, got NUMBER"]);
  assert.deepEqual(msgs(""), ["1:1: expected expression, got EOF"]);
  assert.deepEqual(parseExpression("a +", "expr.alloy").diagnostics.map(diagnosticString), [
    "expr.alloy:1:4: expected expression, got EOF",
  ]);
});

test("parser: never throws on deep nesting or junk", () => {
  const deep = parseFile("d.alloy", `x = ${"[".repeat(200000)}`);
  assert.ok(deep.diagnostics.length > 0);
  const deepExpr = parseExpression("(".repeat(200000));
  assert.ok(deepExpr.diagnostics.length > 0);
  for (const junk of ["\x00", "{{{{", "]]]]", "a.b.c.", '"', "x = {", "a = [1,,2]", "@@@", "b { c { d {"]) {
    const r = parseFile("j.alloy", junk);
    assert.ok(r.diagnostics.length > 0, JSON.stringify(junk));
  }
});
