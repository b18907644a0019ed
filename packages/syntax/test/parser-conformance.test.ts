// Upstream parser conformance: error-expectation files, valid files, fuzz seeds,
// the converter's expected outputs and the validator's syntax_errors snapshot.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { conformancePath, readTxtar } from "@ingot/testkit";
import { diagnosticString } from "../src/diag.js";
import { parseFile } from "../src/parser.js";
import { ScanMode, Scanner } from "../src/scanner.js";
import { utf8Length } from "../src/source.js";
import { unquote } from "../src/strconv.js";
import { Tok, tokString } from "../src/token.js";

const testdata = () => conformancePath("alloy", "syntax", "parser", "testdata");

const errRx = /^\/\* *ERROR *(HERE)? *"([^"]*)" *\*\/$/;

/** Expected errors by UTF-8 byte offset, from the ERROR comments (upstream's expectedErrors). */
function expectedErrors(src: string): Map<number, string> {
  const errors = new Map<number, string>();
  const s = new Scanner(src, undefined, ScanMode.IncludeComments);
  let prev = 0;
  let here = 0;
  for (;;) {
    const tok = s.scan();
    if (tok === Tok.EOF) return errors;
    if (tok === Tok.COMMENT) {
      const m = errRx.exec(s.lit);
      if (m) errors.set(m[1] === "HERE" ? here : prev, m[2] as string);
      continue;
    }
    if (tok === Tok.TERMINATOR && s.lit === "\n") continue;
    prev = utf8Length(src, 0, s.pos);
    const literal = tok === Tok.IDENT || tok === Tok.NUMBER || tok === Tok.FLOAT || tok === Tok.STRING;
    const text = literal ? s.lit : tokString(tok);
    here = prev + utf8Length(text, 0, text.length);
  }
}

const errorFiles = readdirSync(testdata())
  .filter((n) => n.endsWith(".alloy"))
  .sort();

test("conformance data holds the parser error files", () => {
  assert.equal(errorFiles.length, 6);
});

for (const name of errorFiles) {
  test(`parser errors: ${name}`, () => {
    const src = readFileSync(join(testdata(), name), "utf8");
    const expected = expectedErrors(src);
    assert.ok(expected.size > 0, "file has ERROR expectations");
    const { file, diagnostics } = parseFile(name, src);
    for (const d of diagnostics) {
      const at = file.source.byteOffset(d.start.offset);
      const rx = expected.get(at);
      assert.ok(rx !== undefined, `unexpected error: ${diagnosticString(d)}`);
      assert.match(d.message, new RegExp(rx), diagnosticString(d));
      expected.delete(at);
    }
    assert.deepEqual([...expected.entries()], [], "errors not reported");
  });
}

const validDir = () => join(testdata(), "valid");

test("parser: valid files parse without diagnostics", () => {
  const names = readdirSync(validDir()).sort();
  assert.deepEqual(names, ["attribute.alloy", "blocks.alloy", "comments.alloy", "empty.alloy", "expressions.alloy"]);
  for (const name of names) {
    const { file, diagnostics } = parseFile(name, readFileSync(join(validDir(), name), "utf8"));
    assert.deepEqual(diagnostics.map(diagnosticString), [], name);
    assert.equal(file.name, name);
  }
});

test("parser: fuzz seeds do not throw or hang", () => {
  const dir = join(testdata(), "fuzz", "FuzzParser");
  const names = readdirSync(dir);
  assert.equal(names.length, 3);
  const inputs: string[] = [];
  for (const name of names) {
    const line = readFileSync(join(dir, name), "utf8").split("\n")[1] as string;
    const m = /^\[\]byte\((".*")\)$/.exec(line);
    assert.ok(m, `${name}: unexpected seed format`);
    inputs.push(unquote(m[1] as string));
  }
  assert.deepEqual(inputs.sort(), ["A0000000000000000", 'A={A!0A"', 'A"'].sort());
  for (const input of inputs) {
    const { diagnostics } = parseFile("fuzz", input);
    assert.ok(diagnostics.length > 0, `${JSON.stringify(input)} is invalid`);
  }
});

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".alloy")) out.push(p);
  }
  return out;
}

test("parser: every converter expected output parses without diagnostics", () => {
  const files = walk(conformancePath("alloy", "internal", "converter"), []);
  assert.equal(files.length, 154);
  for (const path of files) {
    const { file, diagnostics } = parseFile(path, readFileSync(path, "utf8"));
    assert.deepEqual(diagnostics.map(diagnosticString), [], path);
    assert.ok(file.body.length > 0 || file.source.text.trim() === "", path);
  }
});

test("parser: validator syntax_errors snapshot", () => {
  const dir = conformancePath("alloy", "internal", "validator", "testdata", "default");
  const archive = readTxtar(join(dir, "syntax_errors.txtar"));
  const want = readFileSync(join(dir, "syntax_errors.diags"), "utf8")
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((l) => l.startsWith("Error: ") || l.startsWith("Warning: "))
    .map((l) => l.replace(/^(Error|Warning): /, ""));
  const got: string[] = [];
  for (const f of archive.files) {
    const { diagnostics } = parseFile(f.name, f.data);
    for (const d of diagnostics) got.push(diagnosticString(d));
  }
  assert.equal(want.length, 7);
  assert.deepEqual(got, want);
});

test("parser: printer raw_string_label_error case reports the upstream error", () => {
  const dir = conformancePath("alloy", "syntax", "printer", "testdata");
  const src = readFileSync(join(dir, "raw_string_label_error.in"), "utf8");
  const want = readFileSync(join(dir, "raw_string_label_error.error"), "utf8").replace(/\r\n/g, "\n").trim();
  const { diagnostics } = parseFile("raw_string_label_error.in", src);
  assert.ok(diagnostics.length > 0);
  assert.ok(
    diagnostics.map(diagnosticString).join("\n").includes(want),
    `${diagnostics.map(diagnosticString).join("\n")} should contain ${want}`,
  );
});
