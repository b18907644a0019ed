import assert from "node:assert/strict";
import { test } from "node:test";
import { SourceFile } from "../src/source.js";

test("SourceFile positions count lines from 1 and columns in UTF-8 bytes", () => {
  const f = new SourceFile("a.alloy", 'x = 1\ny = "é"\n  z');
  assert.deepEqual(f.position(0), { filename: "a.alloy", offset: 0, line: 1, column: 1 });
  assert.deepEqual(f.position(6), { filename: "a.alloy", offset: 6, line: 2, column: 1 });
  // "é" is two bytes, so the closing quote sits at byte column 8.
  assert.equal(f.position(11).column, 6);
  assert.equal(f.position(12).column, 8);
  assert.equal(f.position(15).line, 3);
  assert.equal(f.lineText(2), 'y = "é"');
  assert.equal(f.byteOffset(12), 13);
  assert.equal(f.position(-1).line, 0);
});
