import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { conformancePath, readTxtar } from "@ingot/testkit";
import type { Diagnostic, Severity } from "../src/diag.js";
import { renderDiagnostics, renderHeader } from "../src/diag-render.js";
import { parseFile } from "../src/parser.js";
import type { Position } from "../src/source.js";

const pos = (filename: string, line: number, column: number): Position => ({ filename, offset: -1, line, column });

function diag(
  file: string,
  start: [number, number],
  end: [number, number] | null,
  message = "synthetic error",
  severity: Severity = "error",
): Diagnostic {
  return {
    severity,
    message,
    start: pos(file, start[0], start[1]),
    end: end ? pos(file, end[0], end[1]) : pos("", 0, 0),
  };
}

const one = (text: string, d: Diagnostic) => renderDiagnostics([d], new Map([[d.start.filename, text]]));

// Each case: input text, range, expected rendering (file name "f.alloy").
const cases: { name: string; input: string; start: [number, number]; end: [number, number] | null; want: string }[] = [
  {
    name: "range on one line, tab expanded to four spaces",
    input: 'prometheus.scrape "x" {\n\ttargets    = []\n\tforward_to = []\n}',
    start: [2, 2],
    end: [2, 8],
    want: [
      "Error: f.alloy:2:2: synthetic error",
      "",
      '1 | prometheus.scrape "x" {',
      "2 |     targets    = []",
      "  |     ^^^^^^^",
      "3 |     forward_to = []",
      "",
    ].join("\n"),
  },
  {
    name: "no end position: one caret at the start",
    input: "a,b,c",
    start: [1, 3],
    end: null,
    want: "Error: f.alloy:1:3: synthetic error\n\n1 | a,b,c\n  |   ^\n",
  },
  {
    name: "line numbers padded to the widest shown",
    input: Array.from({ length: 12 }, (_, i) => `line${i + 1}`).join("\n"),
    start: [10, 1],
    end: [10, 6],
    want: "Error: f.alloy:10:1: synthetic error\n\n 9 | line9\n10 | line10\n   | ^^^^^^\n11 | line11\n",
  },
  {
    name: "first line of the file has no line before it",
    input: "x = 1\ny = 2\nz = 3",
    start: [1, 1],
    end: [1, 1],
    want: "Error: f.alloy:1:1: synthetic error\n\n1 | x = 1\n  | ^\n2 | y = 2\n",
  },
  {
    name: "last line of the file has no line after it",
    input: "x = 1\ny = 2\nz = 3",
    start: [3, 5],
    end: [3, 5],
    want: "Error: f.alloy:3:5: synthetic error\n\n2 | y = 2\n3 | z = 3\n  |     ^\n",
  },
  {
    name: "column past the end of the line draws no caret",
    input: "a = [1\n]",
    start: [1, 7],
    end: [1, 7],
    want: "Error: f.alloy:1:7: synthetic error\n\n1 | a = [1\n  |       \n2 | ]\n",
  },
  {
    name: "empty last line after a trailing newline",
    input: "a = 1\n",
    start: [2, 1],
    end: [2, 1],
    want: "Error: f.alloy:2:1: synthetic error\n\n1 | a = 1\n2 | \n  | \n",
  },
  {
    name: "multi-line range from the start of a line",
    input: "BEGIN\nstart\nmid\n\tmid\n\t\tstop here\nEND",
    start: [2, 1],
    end: [5, 6],
    want: [
      "Error: f.alloy:2:1: synthetic error",
      "",
      "1 |   BEGIN",
      "2 |   start",
      "  |  _^^^^^",
      "3 | | mid",
      "4 | |     mid",
      "5 | |         stop here",
      "  | |_________^^^^",
      "6 |   END",
      "",
    ].join("\n"),
  },
  {
    name: "multi-line range from the middle of a line",
    input: "BEGIN\nsome start\nstop here\nEND",
    start: [2, 6],
    end: [3, 4],
    want: [
      "Error: f.alloy:2:6: synthetic error",
      "",
      "1 |   BEGIN",
      "2 |   some start",
      "  |  ______^^^^^",
      "3 | | stop here",
      "  | |_^^^^",
      "4 |   END",
      "",
    ].join("\n"),
  },
  {
    name: "unicode: one mark per code point, columns in UTF-8 bytes",
    // "é" is 2 bytes, "€" 3, "😀" 4 (a surrogate pair in UTF-16).
    input: 'x = "é€😀" + y',
    start: [1, 5],
    end: [1, 15],
    want: 'Error: f.alloy:1:5: synthetic error\n\n1 | x = "é€😀" + y\n  |     ^^^^^\n',
  },
  {
    name: "unicode before the range shifts the caret by code points",
    input: 'a = "ü" + 1',
    // "ü" occupies byte columns 6-7, so "+" is at byte column 10.
    start: [1, 10],
    end: [1, 10],
    want: 'Error: f.alloy:1:10: synthetic error\n\n1 | a = "ü" + 1\n  |         ^\n',
  },
  {
    name: "carriage returns are dropped from the excerpt",
    input: "a = 1\r\nb = 2\r\n",
    start: [2, 1],
    end: [2, 1],
    want: "Error: f.alloy:2:1: synthetic error\n\n1 | a = 1\n2 | b = 2\n  | ^\n3 | \n",
  },
];

for (const c of cases) {
  test(`renderDiagnostics: ${c.name}`, () => {
    assert.equal(one(c.input, diag("f.alloy", c.start, c.end)), c.want);
  });
}

test("renderDiagnostics: several diagnostics, warnings, several files, unknown file", () => {
  const files = new Map([
    ["a.alloy", "old = 15\n3 & 4"],
    ["b.alloy", "old = 22"],
  ]);
  const diags = [
    diag("a.alloy", [1, 1], [1, 3], "old is deprecated", "warning"),
    diag("a.alloy", [2, 3], null, "unrecognized operator &"),
    diag("b.alloy", [1, 1], [1, 3], "old is deprecated", "warning"),
    diag("nowhere.alloy", [4, 2], [4, 3], "file not known: no excerpt"),
  ];
  const want = [
    "Warning: a.alloy:1:1: old is deprecated",
    "",
    "1 | old = 15",
    "  | ^^^",
    "2 | 3 & 4",
    "",
    "Error: a.alloy:2:3: unrecognized operator &",
    "",
    "1 | old = 15",
    "2 | 3 & 4",
    "  |   ^",
    "",
    "Warning: b.alloy:1:1: old is deprecated",
    "",
    "1 | old = 22",
    "  | ^^^",
    "",
    "Error: nowhere.alloy:4:2: file not known: no excerpt",
    "",
  ].join("\n");
  assert.equal(renderDiagnostics(diags, files), want);
  // A lookup function works like a map.
  assert.equal(
    renderDiagnostics(diags, (n) => files.get(n)),
    want,
  );
});

test("renderDiagnostics: empty list renders nothing; unknown position renders '-'", () => {
  assert.equal(renderDiagnostics([], new Map()), "");
  const d: Diagnostic = { severity: "error", message: "boom", start: pos("", 0, 0), end: pos("", 0, 0) };
  assert.equal(renderDiagnostics([d], new Map()), "Error: -: boom\n");
});

test("renderDiagnostics: a range ending in another file shows no excerpt", () => {
  const d: Diagnostic = { severity: "error", message: "m", start: pos("a", 1, 1), end: pos("b", 1, 1) };
  assert.equal(renderDiagnostics([d], new Map([["a", "x"]])), "Error: a:1:1: m\n");
});

test("renderDiagnostics: context lines are configurable", () => {
  const text = "1\n2\n3\n4\n5";
  const d = diag("f", [3, 1], [3, 1]);
  const got = renderDiagnostics([d], new Map([["f", text]]), { contextBefore: 2, contextAfter: 0 });
  assert.equal(got, "Error: f:3:1: synthetic error\n\n1 | 1\n2 | 2\n3 | 3\n  | ^\n");
});

test("renderHeader: colour escapes as fatih/color prints them", () => {
  const e = diag("f", [1, 2], null, "bad");
  const w = diag("f", [1, 2], null, "meh", "warning");
  assert.equal(renderHeader(e), "Error: f:1:2: bad\n");
  assert.equal(renderHeader(e, true), "\x1b[31;1mError: \x1b[0m\x1b[1mf:1:2: bad\n\x1b[0m");
  assert.equal(renderHeader(w, true), "\x1b[33;1mWarning: \x1b[0m\x1b[1mf:1:2: meh\n\x1b[0m");
  const colored = renderDiagnostics([e], new Map([["f", "abc"]]), { color: true });
  assert.ok(colored.startsWith("\x1b[31;1mError: "));
  assert.ok(colored.endsWith("1 | abc\n  |  ^\n"));
});

// ---- golden: Alloy's validator snapshot for syntax errors ---------------------------

test("renderDiagnostics reproduces syntax_errors.diags from parseFile diagnostics (byte-exact)", () => {
  const dir = conformancePath("alloy", "internal", "validator", "testdata", "default");
  const archive = readTxtar(join(dir, "syntax_errors.txtar"));
  const files = new Map(archive.files.map((f) => [f.name, f.data]));
  const diags = archive.files.flatMap((f) => parseFile(f.name, f.data).diagnostics);
  const want = readFileSync(join(dir, "syntax_errors.diags"), "utf8").replace(/\r\n/g, "\n");
  assert.equal(renderDiagnostics(diags, files), want);
});
