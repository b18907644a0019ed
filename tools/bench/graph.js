// Graph benchmark, in-process through the runtime API: load a generated graph of
// N components into a fresh runtime (parse, plugin import on first use, evaluation
// in dependency order, build and start of every component), then reload it with
// one component's arguments changed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@ingot/runtime";
import { createLogger } from "@ingot/sdk";
import { generateGraph } from "./gen-graph.js";
import { summarize } from "./stats.js";

/**
 * @param {{ components: number, runs: number, reloads: number, detector: "fsnotify" | "poll", repoRoot: string }} opts
 */
export async function benchGraph({ components, runs, reloads, detector, repoRoot }) {
  const dir = mkdtempSync(join(tmpdir(), "ingot-bench-graph-"));
  try {
    const graph = generateGraph({ components, dir: join(dir, "files"), detector });
    const loads = [];
    const reloadTimes = [];
    const logLines = [];
    let cold;
    // Run 0 is the cold one (plugin code imported, JIT cold); it is reported on its
    // own and left out of the median.
    for (let run = 0; run <= runs; run++) {
      const runtime = await createRuntime({
        storagePath: join(dir, `data-${run}`),
        stabilityLevel: "generally-available",
        pluginPaths: [],
        searchRoots: [repoRoot],
        // Info level as `ingot run`, but lines are kept in memory rather than
        // written to the terminal.
        logger: createLogger({ level: "info", write: (line) => logLines.push(line) }),
      });
      try {
        const t0 = performance.now();
        const result = await runtime.load([{ name: "graph.alloy", text: graph.text }]);
        const loadMs = performance.now() - t0;
        if (!result.ok) throw new Error(`graph failed to load:\n${formatDiagnostics(result.diagnostics)}`);
        checkRunning(runtime, graph.components);
        if (run === 0) cold = loadMs;
        else loads.push(loadMs);
        if (run === runs) {
          for (let i = 1; i <= reloads; i++) {
            const t1 = performance.now();
            const r = await runtime.load([{ name: "graph.alloy", text: graph.variant(i) }]);
            reloadTimes.push(performance.now() - t1);
            if (!r.ok) throw new Error(`reload failed:\n${formatDiagnostics(r.diagnostics)}`);
          }
          checkRunning(runtime, graph.components);
        }
      } finally {
        await runtime.shutdown(5000);
      }
    }
    return {
      components: graph.components,
      detector,
      load: { ...summarize(loads), cold_ms: Math.round(cold * 100) / 100 },
      reload: summarize(reloadTimes),
      log_lines: logLines.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every component built and healthy: the load really evaluated the whole graph. */
function checkRunning(runtime, expected) {
  const list = runtime.components();
  if (list.length !== expected) throw new Error(`expected ${expected} components, runtime has ${list.length}`);
  const bad = list.filter((c) => c.health.state !== "healthy");
  if (bad.length > 0) {
    const first = bad[0];
    throw new Error(
      `${bad.length} components not healthy, e.g. ${first.id}: ${first.health.state} ${first.health.message}`,
    );
  }
}

function formatDiagnostics(diags) {
  return diags.map((d) => `  ${d.message ?? JSON.stringify(d)}`).join("\n");
}
