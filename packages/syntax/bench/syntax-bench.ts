// Throughput of @ingot/syntax on a large generated configuration: parse, evaluate and
// format, in MB/s of source text (1 MB = 10^6 bytes of UTF-8), as the median of several
// timed runs after warm-up runs.
//
//   npm run bench -w @ingot/syntax                       (or: node packages/syntax/dist/bench/syntax-bench.js)
//   node packages/syntax/dist/bench/syntax-bench.js --blocks 10000 --runs 7 --warmup 3 --json out.json
//
// Prints a table, then the results as JSON (also written to --json FILE when given).
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { parseFile } from "../src/parser.js";
import { format } from "../src/printer/index.js";
import { evaluateAll } from "./eval-all.js";
import { generateConfig } from "./gen-config.js";

const { values } = parseArgs({
  options: {
    blocks: { type: "string", default: "10000" },
    runs: { type: "string", default: "7" },
    warmup: { type: "string", default: "3" },
    seed: { type: "string", default: "1" },
    json: { type: "string" },
    only: { type: "string" },
  },
});
const blocks = Number(values.blocks);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const only = values.only ? new Set(values.only.split(",")) : undefined;

const gen = generateConfig(blocks, Number(values.seed));
const text = gen.text;
const bytes = Buffer.byteLength(text, "utf8");
const lines = text.split("\n").length;
const filename = "bench.alloy";

interface Result {
  name: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  mbPerSec: number;
  runs: number[];
}

function bench(name: string, fn: () => unknown): Result | undefined {
  if (only && !only.has(name)) return undefined;
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    name,
    medianMs: round(median),
    minMs: round(sorted[0] as number),
    maxMs: round(sorted.at(-1) as number),
    mbPerSec: round(bytes / 1e6 / (median / 1000)),
    runs: times.map(round),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

// Sanity: the input parses cleanly and evaluates without errors, so the numbers measure
// the real paths rather than error recovery.
const parsed = parseFile(filename, text);
if (parsed.diagnostics.length > 0)
  throw new Error(`generated config has diagnostics: ${parsed.diagnostics[0]?.message}`);
const evalCheck = evaluateAll(parsed.file, gen);
if (evalCheck.errors > 0) throw new Error(`generated config fails to evaluate: ${evalCheck.firstError}`);

const results = [
  bench("parse", () => parseFile(filename, text)),
  bench("evaluate", () => evaluateAll(parsed.file, gen)),
  bench("format", () => format(text, filename)),
].filter((r): r is Result => r !== undefined);

const report = {
  benchmark: "syntax",
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  cpu: cpus()[0]?.model ?? "unknown",
  input: { bytes, lines, blocks: parsed.file.body.length, attributes: evalCheck.attributes, seed: Number(values.seed) },
  warmup,
  results,
};

const pad = (s: string, n: number) => s.padStart(n);
console.log(
  `@ingot/syntax benchmark: ${(bytes / 1e6).toFixed(2)} MB, ${lines} lines, ${report.input.blocks} top-level blocks, ` +
    `${evalCheck.attributes} attributes; node ${process.version} on ${report.cpu}`,
);
console.log(`median of ${runs} runs after ${warmup} warm-up runs\n`);
console.log(`${"phase".padEnd(10)}${pad("MB/s", 10)}${pad("median ms", 12)}${pad("min ms", 10)}${pad("max ms", 10)}`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(10)}${pad(r.mbPerSec.toFixed(1), 10)}${pad(r.medianMs.toFixed(1), 12)}` +
      `${pad(r.minMs.toFixed(1), 10)}${pad(r.maxMs.toFixed(1), 10)}`,
  );
}
const json = JSON.stringify(report, null, 2);
console.log(`\n${json}`);
if (values.json) writeFileSync(values.json, `${json}\n`);
