import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@ingot/runtime";
import { createLogger } from "@ingot/sdk";
import { generateGraph } from "/work/main/tools/bench/gen-graph.js";

const dir = mkdtempSync(join(tmpdir(), "h4prof-"));
const detector = process.argv[2] ?? "fsnotify";
const g = generateGraph({ dir: join(dir, "f"), detector });
const lines = [];
for (let run = 0; run < 4; run++) {
  const rt = await createRuntime({
    storagePath: join(dir, "d" + run),
    stabilityLevel: "generally-available",
    pluginPaths: [],
    searchRoots: ["/work/main"],
    logger: createLogger({ write: (l) => lines.push(l) }),
  });
  const t0 = performance.now();
  const r = await rt.load([{ name: "g.alloy", text: g.text }]);
  const t1 = performance.now();
  const rl = [];
  for (let i = 1; i <= 6; i++) {
    const a = performance.now();
    await rt.load([{ name: "g.alloy", text: g.variant(i) }]);
    rl.push((performance.now() - a).toFixed(0));
  }
  console.log(run, r.ok, (t1 - t0).toFixed(0), rl.join(" "));
  await rt.shutdown(5000);
}
console.log(lines.slice(0, 5).join("\n"));
