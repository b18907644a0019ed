// checkFile: constant evaluation, deprecated and shadowed stdlib names, duplicate
// attributes; and the upstream validator snapshot for stdlib references.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { conformancePath, readTxtar } from "@ingot/testkit";
import { type CheckOptions, deprecatedStdlibMessage, shadowedStdlibMessage } from "../src/check.js";
import { diagnosticString } from "../src/diag.js";
import { renderDiagnostics } from "../src/diag-render.js";
import { parseFile } from "../src/parser.js";
import { checkFile } from "../src/vm.js";

function check(text: string, options: CheckOptions = {}): string[] {
  const { file, diagnostics } = parseFile("main.alloy", text);
  assert.deepEqual(diagnostics, [], "parse");
  return checkFile(file, options).map((d) => `${d.severity}: ${diagnosticString(d)}`);
}

test("checkFile: upstream validator snapshot default/stdlib", () => {
  const dir = conformancePath("alloy", "internal", "validator", "testdata", "default");
  const archive = readTxtar(`${dir}/stdlib.txtar`);
  const files = new Map(archive.files.map((f) => [f.name, f.data]));
  const diags = archive.files.flatMap((f) => {
    const { file, diagnostics } = parseFile(f.name, f.data);
    assert.deepEqual(diagnostics, []);
    return checkFile(file);
  });
  const want = readFileSync(`${dir}/stdlib.diags`, "utf8").replaceAll("\r\n", "\n");
  assert.equal(renderDiagnostics(diags, files), want);
});

test("checkFile: the valid upstream config has no diagnostics", () => {
  const dir = conformancePath("alloy", "internal", "validator", "testdata", "default");
  for (const f of readTxtar(`${dir}/valid.txtar`).files) {
    const { file } = parseFile(f.name, f.data);
    assert.deepEqual(checkFile(file), [], f.name);
  }
});

test("checkFile: upstream validator snapshot ga/non_ga (experimental stdlib functions)", () => {
  const dir = conformancePath("alloy", "internal", "validator", "testdata", "ga");
  const archive = readTxtar(`${dir}/non_ga.txtar`);
  const files = new Map(archive.files.map((f) => [f.name, f.data]));
  const diags = archive.files.flatMap((f) =>
    checkFile(parseFile(f.name, f.data).file, { minStability: "generally-available" }),
  );
  assert.equal(diags.length, 2);
  const want = readFileSync(`${dir}/non_ga.diags`, "utf8").replaceAll("\r\n", "\n");
  // The foreach stability error comes first and belongs to the runtime's validator.
  assert.ok(want.endsWith(`\n${renderDiagnostics(diags, files)}`), renderDiagnostics(diags, files));
  // Allowed at the experimental level (the default).
  assert.deepEqual(check("x = array.combine_maps([], [], [])"), []);
  assert.deepEqual(check("x = array.combine_maps", { minStability: "public-preview" }), [
    'error: main.alloy:1:5: array.combine_maps is at stability level "experimental", which is below the minimum ' +
      'allowed stability level "public-preview". Use --stability.level command-line flag to enable "experimental" features',
  ]);
});

test("checkFile: evaluates stdlib-only expressions and skips component references", () => {
  const text = [
    'local.file "a" {',
    '  filename = "/tmp/" + 1',
    "  other    = local.file.b.content + 1",
    '  ok       = string.format("%s-%d", "a", 1)',
    "  bad_fn   = string.to_upper(1, 2)",
    "  idx      = [1, 2][5]",
    "  div      = 10 / (2 - 2)",
    "}",
    "top = missing_component.x",
  ].join("\n");
  const withoutCalls = [
    "error: main.alloy:2:24: 1 should be string, got number",
    "error: main.alloy:6:21: 5 index 5 is out of range of array with length 2",
    "error: main.alloy:7:19: (2 - 2) divide by zero error",
  ];
  assert.deepEqual(check(text), withoutCalls);
  const withCalls = check(text, { evaluateCalls: true });
  assert.deepEqual(withCalls, [
    withoutCalls[0],
    "error: main.alloy:5:14: string.to_upper expected 1 args, got 2",
    ...withoutCalls.slice(1),
  ]);
});

test("checkFile: deprecated stdlib names warn at each use", () => {
  const text = ['x = env("HOME")', "y = concat([1], [2])", 'z = sys.env("HOME")', "w = [json_decode, format]"].join(
    "\n",
  );
  assert.deepEqual(check(text), [
    `warning: main.alloy:1:5: ${deprecatedStdlibMessage}`,
    `warning: main.alloy:2:5: ${deprecatedStdlibMessage}`,
    `warning: main.alloy:4:6: ${deprecatedStdlibMessage}`,
    `warning: main.alloy:4:19: ${deprecatedStdlibMessage}`,
  ]);
  const { file } = parseFile("main.alloy", 'x = env("HOME")');
  const [d] = checkFile(file);
  assert.deepEqual([d?.start.column, d?.end.column], [5, 7]);
});

test("checkFile: components shadowing stdlib names", () => {
  const text = [
    'declare "string" {',
    '  export "out" { value = 1 }',
    "}",
    'string "x" {}',
    "a = string.x.out + 1",
    'b = string.format("%d", 1)', // string now names the component: left to the runtime
    'foreach "f" {',
    "  collection = [1]",
    '  var = "encoding"',
    "  template {",
    '    c = encoding.to_base64("x") + 1',
    "  }",
    "}",
  ].join("\n");
  assert.deepEqual(check(text), [`warning: main.alloy:5:5: ${shadowedStdlibMessage}`]);
});

test("checkFile: attributes given twice in one body", () => {
  const text = ["a = 1", "b = 2", "a = 3", "blk {", "  a = 1", '  a = "x" + 1', "}"].join("\n");
  const { file } = parseFile("main.alloy", text);
  const diags = checkFile(file);
  assert.deepEqual(
    diags.map((d) => diagnosticString(d)),
    [
      'main.alloy:3:1: attribute "a" may only be provided once',
      'main.alloy:6:3: attribute "a" may only be provided once',
      "main.alloy:6:13: 1 should be string, got number",
    ],
  );
  assert.deepEqual([diags[0]?.end.line, diags[0]?.end.column], [3, 5]);
});

test("checkFile: never throws on deeply nested input", () => {
  const depth = 20000;
  const text = `a = ${"[".repeat(depth)}1${"]".repeat(depth)}`;
  const { file } = parseFile("deep.alloy", text);
  assert.doesNotThrow(() => checkFile(file));
});
