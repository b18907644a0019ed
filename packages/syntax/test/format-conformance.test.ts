// Formatter conformance against upstream data (see the conformance README, sections
// 2 and 5): the printer golden files, and idempotence on every canonical Alloy file.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { conformancePath } from "@ingot/testkit";
import { diagnosticString } from "../src/diag.js";
import { parseFile } from "../src/parser.js";
import { format, printFile } from "../src/printer/index.js";

const printerDir = conformancePath("alloy", "syntax", "printer", "testdata");

/** Go's strings.TrimRightFunc(s, unicode.IsSpace). */
function trimRightSpace(s: string): string {
  return s.replace(/[\s\u0085]+$/u, "");
}

function walk(dir: string, acc: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, acc);
    else acc.push(p);
  }
  return acc;
}

const inputs = readdirSync(printerDir)
  .filter((n) => n.endsWith(".in"))
  .sort();

describe("printer testdata (syntax/printer/testdata)", () => {
  test("has the 10 upstream cases", () => {
    assert.equal(inputs.length, 10);
  });

  for (const name of inputs) {
    const base = name.slice(0, -3);
    const input = readFileSync(join(printerDir, name), "utf8");
    const names = readdirSync(printerDir);
    if (names.includes(`${base}.error`)) {
      test(`${base} fails to parse`, () => {
        const want = readFileSync(join(printerDir, `${base}.error`), "utf8").replaceAll("\r\n", "\n");
        const { diagnostics } = parseFile(`${base}.rvr`, input);
        assert.ok(diagnostics.length > 0, "expected a parse error");
        const text = diagnostics.map(diagnosticString).join("\n");
        assert.ok(text.includes(want), `error ${JSON.stringify(text)} does not contain ${JSON.stringify(want)}`);
        const r = format(input, `${base}.rvr`);
        assert.equal(r.output, undefined);
        assert.ok(r.diagnostics.length > 0);
      });
      continue;
    }
    test(base, () => {
      const want = trimRightSpace(readFileSync(join(printerDir, `${base}.expect`), "utf8"));
      const { file, diagnostics } = parseFile(`${base}.rvr`, input);
      assert.deepEqual(diagnostics.map(diagnosticString), []);
      assert.equal(printFile(file), want);
      assert.equal(format(input).output, `${want}\n`);
    });
    test(`${base}: formatting the expected output is idempotent`, () => {
      const want = `${trimRightSpace(readFileSync(join(printerDir, `${base}.expect`), "utf8"))}\n`;
      assert.equal(format(want).output, want);
    });
  }
});

// The 154 expected outputs of `alloy convert` were written by Alloy's printer plus a
// final "\n" (the converters write printer output and then one newline, exactly as
// `alloy fmt` does), so each one must format to itself byte for byte.
describe("idempotence on converter outputs (internal/converter/**/*.alloy)", () => {
  const root = conformancePath("alloy", "internal", "converter");
  const files = walk(root).filter((p) => p.endsWith(".alloy"));

  test("finds the 154 files", () => {
    assert.equal(files.length, 154);
  });

  for (const path of files) {
    test(relative(root, path), () => {
      const text = readFileSync(path, "utf8").replaceAll("\r\n", "\n");
      const r = format(text, path);
      assert.deepEqual(r.diagnostics.map(diagnosticString), []);
      assert.equal(r.output, text);
    });
  }
});
