import assert from "node:assert/strict";
import { test } from "node:test";
import { isValidIdentifier, ScanMode, Scanner, sanitizeIdentifier } from "../src/scanner.js";
import { SourceFile, utf8Length } from "../src/source.js";
import { Tok, tokString } from "../src/token.js";

// The token table of upstream's scanner_test.go.
const tokens: [Tok, string][] = [
  [Tok.COMMENT, "/* a comment */"],
  [Tok.COMMENT, "// a comment \n"],
  [Tok.COMMENT, "/*\r*/"],
  [Tok.COMMENT, "/**\r/*/"],
  [Tok.COMMENT, "/**\r\r/*/"],
  [Tok.COMMENT, "//\r\n"],
  [Tok.IDENT, "foobar"],
  [Tok.IDENT, "a۰۱۸"],
  [Tok.IDENT, "foo६४"],
  [Tok.IDENT, "bar９８７６"],
  [Tok.IDENT, "ŝ"],
  [Tok.IDENT, "ŝfoo"],
  [Tok.NUMBER, "0"],
  [Tok.NUMBER, "1"],
  [Tok.NUMBER, "123456789012345678890"],
  [Tok.NUMBER, "01234567"],
  [Tok.FLOAT, "0."],
  [Tok.FLOAT, ".0"],
  [Tok.FLOAT, "3.14159265"],
  [Tok.FLOAT, "1e0"],
  [Tok.FLOAT, "1e+100"],
  [Tok.FLOAT, "1e-100"],
  [Tok.FLOAT, "2.71828e-1000"],
  [Tok.STRING, '"Hello, world!"'],
  [Tok.STRING, "`Hello, world!\\\\`"],
  [Tok.ADD, "+"],
  [Tok.SUB, "-"],
  [Tok.MUL, "*"],
  [Tok.DIV, "/"],
  [Tok.MOD, "%"],
  [Tok.POW, "^"],
  [Tok.AND, "&&"],
  [Tok.OR, "||"],
  [Tok.EQ, "=="],
  [Tok.LT, "<"],
  [Tok.GT, ">"],
  [Tok.ASSIGN, "="],
  [Tok.NOT, "!"],
  [Tok.NEQ, "!="],
  [Tok.LTE, "<="],
  [Tok.GTE, ">="],
  [Tok.LPAREN, "("],
  [Tok.LBRACK, "["],
  [Tok.LCURLY, "{"],
  [Tok.COMMA, ","],
  [Tok.DOT, "."],
  [Tok.RPAREN, ")"],
  [Tok.RBRACK, "]"],
  [Tok.RCURLY, "}"],
  [Tok.NULL, "null"],
  [Tok.BOOL, "true"],
  [Tok.BOOL, "false"],
];

const whitespace = "  \t  \n\n\n";

function stripCRExpect(lit: string, block: boolean): string {
  let out = "";
  for (let j = 0; j < lit.length; j++) {
    const c = lit[j];
    if (c !== "\r" || (block && out.length > 2 && out.endsWith("*") && lit[j + 1] === "/")) out += c;
  }
  return out;
}

test("scanner: every token kind with positions (upstream TestScanner_Scan)", () => {
  const source = tokens.map(([, lit]) => lit + whitespace).join("");
  const file = new SourceFile("t", source);
  const errors: string[] = [];
  const s = new Scanner(source, (_p, msg) => errors.push(msg), ScanMode.IncludeComments | ScanMode.DontInsertTerms);
  let byteOffset = 0;
  let line = 1;
  for (let index = 0; ; index++) {
    const tok = s.scan();
    const [wantTok, wantLit] = tokens[index] ?? [Tok.EOF, ""];
    const where = `token ${index} ${tokString(wantTok)} ${JSON.stringify(wantLit)}`;
    assert.equal(tokString(tok), tokString(wantTok), where);
    const p = file.position(s.pos);
    assert.equal(file.byteOffset(s.pos), byteOffset, `${where}: offset`);
    assert.equal(p.line, line, `${where}: line`);
    assert.equal(p.column, 1, `${where}: column`);
    let expectLit = "";
    if (wantTok === Tok.COMMENT) {
      expectLit = stripCRExpect(wantLit, wantLit[1] === "*");
      if (expectLit[1] === "/") expectLit = expectLit.slice(0, -1);
    } else if (wantTok >= Tok.IDENT && wantTok <= Tok.NULL) {
      expectLit = wantLit;
    }
    assert.equal(s.lit, expectLit, `${where}: literal`);
    if (tok === Tok.EOF) break;
    byteOffset += utf8Length(wantLit, 0, wantLit.length) + whitespace.length;
    line += (wantLit.match(/\n/g)?.length ?? 0) + 3;
  }
  assert.deepEqual(errors, []);
  assert.equal(s.errorCount, 0);
});

// Upstream's errorTests; offsets are UTF-8 byte offsets as upstream. An invalid
// UTF-8 byte cannot occur in a JS string, so a lone surrogate stands in for it.
const errorTests: { input: string; tok: Tok; pos: number; lit: string; err: string; count?: number }[] = [
  { input: "\x07", tok: Tok.ILLEGAL, pos: 0, lit: "", err: "illegal character U+0007" },
  { input: "…", tok: Tok.ILLEGAL, pos: 0, lit: "", err: "illegal character U+2026 '…'" },
  { input: "..", tok: Tok.DOT, pos: 0, lit: "", err: "" },
  {
    input: "'illegal string'",
    tok: Tok.ILLEGAL,
    pos: 0,
    lit: "",
    err: "illegal single-quoted string; use double quotes",
  },
  { input: '""', tok: Tok.STRING, pos: 0, lit: '""', err: "" },
  { input: '"abc', tok: Tok.STRING, pos: 0, lit: '"abc', err: "string literal not terminated" },
  { input: '"abc\n', tok: Tok.STRING, pos: 0, lit: '"abc', err: "string literal not terminated" },
  { input: '"abc\n   ', tok: Tok.STRING, pos: 0, lit: '"abc', err: "string literal not terminated" },
  { input: '"abc\x00def"', tok: Tok.STRING, pos: 4, lit: '"abc\x00def"', err: "illegal character NUL" },
  { input: '"abc\ud800def"', tok: Tok.STRING, pos: 4, lit: '"abc\ud800def"', err: "illegal UTF-8 encoding" },
  { input: "\ufeff\ufeff", tok: Tok.ILLEGAL, pos: 3, lit: "\ufeff\ufeff", err: "illegal byte order mark" },
  { input: "//\ufeff", tok: Tok.COMMENT, pos: 2, lit: "//\ufeff", err: "illegal byte order mark" },
  { input: '"abc\ufeffdef"', tok: Tok.STRING, pos: 4, lit: '"abc\ufeffdef"', err: "illegal byte order mark" },
  { input: "abc\x00def", tok: Tok.IDENT, pos: 3, lit: "abc", err: "illegal character NUL" },
  { input: "abc\x00", tok: Tok.IDENT, pos: 3, lit: "abc", err: "illegal character NUL" },
  { input: "10E", tok: Tok.FLOAT, pos: 0, lit: "10E", err: "exponent has no digits" },
  // Escapes and other lexical errors.
  { input: '"\\q"', tok: Tok.STRING, pos: 2, lit: '"\\q"', err: "unknown escape sequence" },
  { input: '"\\\'"', tok: Tok.STRING, pos: 2, lit: '"\\\'"', err: "unknown escape sequence" },
  // "escape sequence not terminated" at 2, then "string literal not terminated" at 0.
  { input: '"\\', tok: Tok.STRING, pos: 0, lit: '"\\', err: "string literal not terminated", count: 2 },
  { input: '"\\x4g"', tok: Tok.STRING, pos: 2, lit: '"\\x4g"', err: "illegal character U+0067 'g' in escape sequence" },
  { input: '"\\u12', tok: Tok.STRING, pos: 0, lit: '"\\u12', err: "string literal not terminated", count: 2 },
  {
    input: '"\\ud800"',
    tok: Tok.STRING,
    pos: 2,
    lit: '"\\ud800"',
    err: "escape sequence is invalid Unicode code point",
  },
  {
    input: '"\\U00110000"',
    tok: Tok.STRING,
    pos: 2,
    lit: '"\\U00110000"',
    err: "escape sequence is invalid Unicode code point",
  },
  { input: '"\\400"', tok: Tok.STRING, pos: 2, lit: '"\\400"', err: "escape sequence is invalid Unicode code point" },
  { input: '"\\18"', tok: Tok.STRING, pos: 2, lit: '"\\18"', err: "illegal character U+0038 '8' in escape sequence" },
  {
    input: '"\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\101\\x41\\u0041\\U00000041"',
    tok: Tok.STRING,
    pos: 0,
    lit: '"\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\101\\x41\\u0041\\U00000041"',
    err: "",
  },
  { input: "`raw\n\\q\r`", tok: Tok.STRING, pos: 0, lit: "`raw\n\\q\r`", err: "" },
  { input: "`raw", tok: Tok.STRING, pos: 0, lit: "`raw", err: "string literal not terminated" },
  { input: "/* open", tok: Tok.COMMENT, pos: 0, lit: "/* open", err: "block comment not terminated" },
  { input: "|x", tok: Tok.OR, pos: 1, lit: "", err: "missing second | in ||" },
  { input: "&x", tok: Tok.AND, pos: 1, lit: "", err: "missing second & in &&" },
  { input: ";", tok: Tok.ILLEGAL, pos: 0, lit: "", err: "illegal character U+003B ';'" },
  { input: "#", tok: Tok.ILLEGAL, pos: 0, lit: "", err: "illegal character U+0023 '#'" },
  { input: "\u00a0", tok: Tok.ILLEGAL, pos: 0, lit: "", err: "illegal character U+00A0" },
  { input: "\u{1F600}", tok: Tok.ILLEGAL, pos: 0, lit: "", err: "illegal character U+1F600 '\u{1F600}'" },
  { input: "\ufeffa", tok: Tok.IDENT, pos: 0, lit: "a", err: "" },
  { input: "1.5e", tok: Tok.FLOAT, pos: 0, lit: "1.5e", err: "exponent has no digits" },
  { input: "1.e+", tok: Tok.FLOAT, pos: 0, lit: "1.e+", err: "exponent has no digits" },
];

test("scanner: lexical errors (upstream TestScanner_Scan_Errors)", () => {
  for (const e of errorTests) {
    const where = JSON.stringify(e.input);
    let count = 0;
    let lastMsg = "";
    let lastPos = 0;
    const s = new Scanner(
      e.input,
      (pos, msg) => {
        count++;
        lastMsg = msg;
        lastPos = pos;
      },
      ScanMode.IncludeComments | ScanMode.DontInsertTerms,
    );
    const tok = s.scan();
    assert.equal(tokString(tok), tokString(e.tok), where);
    if (tok !== Tok.ILLEGAL) assert.equal(s.lit, e.lit, where);
    assert.equal(count, e.count ?? (e.err === "" ? 0 : 1), `${where}: error count`);
    assert.equal(lastMsg, e.err, where);
    assert.equal(utf8Length(e.input, 0, lastPos), e.pos, `${where}: error offset`);
  }
});

function scanAll(src: string, mode: number = ScanMode.IncludeComments): string[] {
  const s = new Scanner(src, undefined, mode);
  const out: string[] = [];
  for (;;) {
    const tok = s.scan();
    let t = tokString(tok);
    if (tok === Tok.TERMINATOR) t = "TERM";
    else if (s.lit !== "" && tok !== Tok.ILLEGAL) t += `(${s.lit})`;
    out.push(`${s.pos}:${t}`);
    if (tok === Tok.EOF) return out;
  }
}

const terminatorCases: { src: string; mode?: number; want: string }[] = [
  { src: "a\nb", want: "0:IDENT(a) 1:TERM 2:IDENT(b) 3:TERM 3:EOF" },
  { src: "a = 1\n\n\nb = 2\n", want: "0:IDENT(a) 2:= 4:NUMBER(1) 5:TERM 8:IDENT(b) 10:= 12:NUMBER(2) 13:TERM 14:EOF" },
  { src: "x = [\n1,\n2\n]\n", want: "0:IDENT(x) 2:= 4:[ 6:NUMBER(1) 7:, 9:NUMBER(2) 10:TERM 11:] 12:TERM 13:EOF" },
  { src: "b {\n}\n", want: "0:IDENT(b) 2:{ 4:} 5:TERM 6:EOF" },
  { src: "f(\n)", want: "0:IDENT(f) 1:( 3:) 4:TERM 4:EOF" },
  {
    src: 's = "x"\nt = 1.5\nu = true\nv = null',
    want: '0:IDENT(s) 2:= 4:STRING("x") 7:TERM 8:IDENT(t) 10:= 12:FLOAT(1.5) 15:TERM 16:IDENT(u) 18:= 20:BOOL(true) 24:TERM 25:IDENT(v) 27:= 29:NULL(null) 33:TERM 33:EOF',
  },
  // Operators do not end a statement.
  { src: "a +\nb", want: "0:IDENT(a) 2:+ 4:IDENT(b) 5:TERM 5:EOF" },
  // A comment that ends the line gets the terminator before it, at its position.
  { src: "a // c\nb", want: "0:IDENT(a) 2:TERM 2:COMMENT(// c) 7:IDENT(b) 8:TERM 8:EOF" },
  { src: "a /* c */\nb", want: "0:IDENT(a) 2:TERM 2:COMMENT(/* c */) 10:IDENT(b) 11:TERM 11:EOF" },
  {
    src: "a /* c */ /* d */ // e\nb",
    want: "0:IDENT(a) 2:TERM 2:COMMENT(/* c */) 10:COMMENT(/* d */) 18:COMMENT(// e) 23:IDENT(b) 24:TERM 24:EOF",
  },
  { src: "a /* c */ b", want: "0:IDENT(a) 2:COMMENT(/* c */) 10:IDENT(b) 11:TERM 11:EOF" },
  { src: "a /* c\n */ b", want: "0:IDENT(a) 2:TERM 2:COMMENT(/* c\n */) 11:IDENT(b) 12:TERM 12:EOF" },
  { src: "a /* c */", want: "0:IDENT(a) 2:TERM 2:COMMENT(/* c */) 9:EOF" },
  { src: "a /* c */ / b", want: "0:IDENT(a) 2:COMMENT(/* c */) 10:/ 12:IDENT(b) 13:TERM 13:EOF" },
  // Without comments, a comment is skipped and the terminator still comes first.
  { src: "a // c\nb", mode: 0, want: "0:IDENT(a) 2:TERM 7:IDENT(b) 8:TERM 8:EOF" },
  { src: "a /* c */ b", mode: 0, want: "0:IDENT(a) 10:IDENT(b) 11:TERM 11:EOF" },
  { src: "// only\n", want: "0:COMMENT(// only) 8:EOF" },
  { src: "a\r\nb\r\n", want: "0:IDENT(a) 2:TERM 3:IDENT(b) 5:TERM 6:EOF" },
  { src: "a // c\r\n", want: "0:IDENT(a) 2:TERM 2:COMMENT(// c) 8:EOF" },
  // Illegal characters keep the terminator state.
  { src: "a #\nb", want: "0:IDENT(a) 2:ILLEGAL 3:TERM 4:IDENT(b) 5:TERM 5:EOF" },
  { src: "a; b", want: "0:IDENT(a) 1:ILLEGAL 3:IDENT(b) 4:TERM 4:EOF" },
  { src: "x.y[0](1)", want: "0:IDENT(x) 1:. 2:IDENT(y) 3:[ 4:NUMBER(0) 5:] 6:( 7:NUMBER(1) 8:) 9:TERM 9:EOF" },
  { src: "1..2", want: "0:FLOAT(1.) 2:FLOAT(.2) 4:TERM 4:EOF" },
  { src: "a.0", want: "0:IDENT(a) 1:FLOAT(.0) 3:TERM 3:EOF" },
  { src: "é𝐀x = 1", want: "0:IDENT(é𝐀x) 5:= 7:NUMBER(1) 8:TERM 8:EOF" },
  {
    src: "!a&&b||c!=d==e<=f>=g<h>i",
    want: "0:! 1:IDENT(a) 2:&& 4:IDENT(b) 5:|| 7:IDENT(c) 8:!= 10:IDENT(d) 11:== 13:IDENT(e) 14:<= 16:IDENT(f) 17:>= 19:IDENT(g) 20:< 21:IDENT(h) 22:> 23:IDENT(i) 24:TERM 24:EOF",
  },
  { src: "", want: "0:EOF" },
  { src: "\ufeff", want: "1:EOF" },
];

test("scanner: terminator insertion and comments", () => {
  for (const c of terminatorCases) {
    assert.equal(scanAll(c.src, c.mode ?? ScanMode.IncludeComments).join(" "), c.want, JSON.stringify(c.src));
  }
});

test("scanner: an error inside a line-ending block comment is reported by the look-ahead too", () => {
  const msgs: string[] = [];
  const s = new Scanner("a /* \x00 */\n", (p, m) => msgs.push(`${p}:${m}`), ScanMode.IncludeComments);
  while (s.scan() !== Tok.EOF);
  assert.deepEqual(msgs, ["5:illegal character NUL", "5:illegal character NUL"]);
});

test("scanner: always reaches EOF", () => {
  const inputs = ["A0000000000000000", 'A={A!0A"', 'A"', "\\", "'", "`", "/*", "\x00\x00", "\ud800", "..."];
  for (const input of inputs) {
    const s = new Scanner(input, () => {}, ScanMode.IncludeComments);
    let n = 0;
    while (s.scan() !== Tok.EOF) assert.ok(++n < 100, JSON.stringify(input));
  }
});

test("isValidIdentifier and sanitizeIdentifier (upstream identifier_test.go)", () => {
  const valid: [string, boolean][] = [
    ["", false],
    ["0identifier_1", false],
    ["identifier_1", true],
    ["_identifier_1", true],
    ["!@#$%^&*()", false],
    ["identifier_1!", false],
    ["identifier _ 1", false],
    ["true", false],
    ["null", false],
    ["ŝfoo६४", true],
  ];
  for (const [s, want] of valid) assert.equal(isValidIdentifier(s), want, s);
  const sanitize: [string, string][] = [
    ["0identifier_1", "_0identifier_1"],
    ["identifier_1", "identifier_1"],
    ["_identifier_1", "_identifier_1"],
    ["!@#$%^&*()", "__________"],
    ["identifier_1!", "identifier_1_"],
    ["identifier _ 1", "identifier___1"],
  ];
  for (const [s, want] of sanitize) assert.equal(sanitizeIdentifier(s), want, s);
  assert.throws(() => sanitizeIdentifier(""), /cannot generate a new identifier for an empty string/);
});
