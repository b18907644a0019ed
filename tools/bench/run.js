#!/usr/bin/env node
// Runs the runtime benchmarks and prints a table and the results as JSON.
//   node tools/bench/run.js [--only startup,graph] [--runs 10] [--graph-runs 7]
//     [--reloads 20] [--components 1000] [--detector fsnotify|poll] [--json FILE]
//     [--baseline path/to/other/bin/ingot.js]  (startup: another build, interleaved)
// Needs a build first (`npm run build`): it runs packages/cli/bin/ingot.js and
// imports @ingot/runtime.
import { writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchGraph } from "./graph.js";
import { benchStartup } from "./startup.js";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const TARGETS = { startup_ms: 400, graph_load_ms: 300, graph_reload_ms: 50 };

const { values } = parseArgs({
  options: {
    only: { type: "string", default: "startup,graph" },
    runs: { type: "string", default: "10" },
    "graph-runs": { type: "string", default: "7" },
    reloads: { type: "string", default: "20" },
    components: { type: "string", default: "1000" },
    detector: { type: "string", default: "fsnotify" },
    json: { type: "string" },
    baseline: { type: "string" },
  },
});
const only = new Set(values.only.split(","));

const results = {
  machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, platform: `${platform()} ${arch()}` },
  node: process.version,
  date: new Date().toISOString(),
  targets: TARGETS,
};
const rows = [];

if (only.has("startup")) {
  const s = await benchStartup({
    runs: Number(values.runs),
    repoRoot,
    baseline: values.baseline && resolve(values.baseline),
  });
  results.startup = s;
  rows.push(["startup to /-/ready", s, TARGETS.startup_ms]);
  if (s.baseline) rows.push(["  baseline build", s.baseline, TARGETS.startup_ms]);
  rows.push(["  floor: node + http server", s.floor, TARGETS.startup_ms]);
}
if (only.has("graph")) {
  const g = await benchGraph({
    components: Number(values.components),
    runs: Number(values["graph-runs"]),
    reloads: Number(values.reloads),
    detector: values.detector,
    repoRoot,
  });
  results.graph = g;
  rows.push([`load ${g.components} components`, g.load, TARGETS.graph_load_ms]);
  rows.push(["reload, one changed", g.reload, TARGETS.graph_reload_ms]);
}

const header = ["benchmark", "runs", "median ms", "p90 ms", "min ms", "max ms", "target ms", "median/target"];
const table = rows.map(([name, s, target]) => [
  name,
  String(s.runs),
  s.median_ms.toFixed(1),
  s.p90_ms === undefined ? "-" : s.p90_ms.toFixed(1),
  s.min_ms.toFixed(1),
  s.max_ms.toFixed(1),
  String(target),
  (s.median_ms / target).toFixed(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(line(header));
for (const r of table) console.log(line(r));
if (results.graph) console.log(`(cold first load: ${results.graph.load.cold_ms.toFixed(1)} ms)`);
console.log(JSON.stringify(results, null, 2));
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
