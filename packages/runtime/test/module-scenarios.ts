// Runs Alloy's module scenarios (internal/runtime/testdata/import_*/*.txtar) against
// the runtime, as the upstream import tests do: write the module files beside
// main.alloy, load it, wait until testcomponents.summation.sum's last_added reaches
// 10, then apply the update (module files rewritten, or reload_config.alloy loaded)
// and wait for last_added <= -10. An `error` section instead expects the load to
// report an error containing that text.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { conformancePath, readTxtar, type Txtar } from "@ingot/testkit";
import type { IngotRuntime } from "../src/index.js";
import { newRuntime, tempDir } from "./helpers.js";

/** The test-only plugin with Alloy's testcomponents.* equivalents. */
export const TESTCOMPONENTS_PLUGIN = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "test",
  "fixtures",
  "testcomponents",
);

export function scenarioFiles(folder: string): string[] {
  const dir = conformancePath("alloy", "internal", "runtime", "testdata", folder);
  return readdirSync(dir)
    .filter((n) => n.endsWith(".txtar"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .map((n) => join(dir, n));
}

/** Ingot's counterpart of an expected error where Ingot differs on purpose (see docs/modules.md). */
const INGOT_ERRORS: Record<string, string> = {
  // No community components in Ingot: the test plugin gates testcomponents.community by stability.
  'the component "testcomponents.community" is a community component. Use the --feature.community-components.enabled command-line flag to enable community components':
    'component "testcomponents.community" is at stability level "experimental", which is below the minimum allowed stability level "public-preview"',
};

export function lastAdded(runtime: IngotRuntime): number | undefined {
  const c = runtime.component("testcomponents.summation.sum");
  const st = c?.exports.find((s) => s.name === "last_added") as { value?: { value?: unknown } } | undefined;
  const v = st?.value?.value;
  return typeof v === "number" ? v : undefined;
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Where a scenario's module file lives: import_file_folder keeps modules in tmpTest/. */
function modulePath(dir: string, folder: boolean, name: string): string {
  return folder ? join(dir, "tmpTest", name) : join(dir, name);
}

export interface ScenarioRun {
  runtime: IngotRuntime;
  dir: string;
}

export interface ScenarioOptions {
  /** Rewrites main.alloy (a remote source's address to a local server's). */
  rewriteMain?: (text: string) => string;
}

export async function runScenario(file: string, opts: ScenarioOptions = {}): Promise<void> {
  const ar: Txtar = readTxtar(file);
  const folder = file.includes("import_file_folder");
  const dir = tempDir("ingot-modules-");
  const files = new Map(ar.files.map((f) => [f.name, f.data]));
  const original = files.get("main.alloy");
  if (original === undefined) throw new Error(`${file}: no main.alloy`);
  const main = opts.rewriteMain ? opts.rewriteMain(original) : original;
  const updates: [string, string][] = [];
  for (const [name, data] of files) {
    if (name === "main.alloy" || name === "error" || name === "reload_config.alloy") continue;
    if (name.startsWith("update/")) updates.push([name.slice("update/".length), data]);
    else if (/(^|\/)update_/.test(name)) updates.push([name.replace(/(^|\/)update_/, "$1"), data]);
    else if (folder && name === "added.alloy") updates.push([name, data]);
    else write(modulePath(dir, folder, name), data);
  }
  const mainPath = join(dir, "main.alloy");
  write(mainPath, main);
  const { runtime, lines } = await newRuntime([TESTCOMPONENTS_PLUGIN], {
    stabilityLevel: "public-preview",
    storagePath: join(dir, "data"),
  });
  try {
    const r = await runtime.load([{ name: mainPath, text: main }]);
    const expectedError = files.get("error")?.trim();
    if (expectedError !== undefined) {
      const want = INGOT_ERRORS[expectedError] ?? expectedError;
      const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
      if (!errors.some((m) => m.includes(want))) {
        throw new Error(`${file}: expected an error containing ${JSON.stringify(want)}, got ${JSON.stringify(errors)}`);
      }
      return;
    }
    if (!r.ok || r.diagnostics.some((d) => d.severity === "error")) {
      throw new Error(`${file}: load failed: ${r.diagnostics.map((d) => d.message).join("; ")}`);
    }
    await waitFor("last_added >= 10", () => (lastAdded(runtime) ?? 0) >= 10);
    const reload = files.get("reload_config.alloy");
    if (updates.length === 0 && reload === undefined) return;
    for (const [name, data] of updates) write(modulePath(dir, folder, name), data);
    if (folder && files.has("removed.alloy")) rmSync(modulePath(dir, folder, "removed.alloy"));
    if (reload !== undefined) {
      const r2 = await runtime.load([{ name: mainPath, text: reload }]);
      if (!r2.ok) throw new Error(`${file}: reload failed: ${r2.diagnostics.map((d) => d.message).join("; ")}`);
    }
    await waitFor("last_added <= -10 after the update", () => (lastAdded(runtime) ?? 0) <= -10).catch((e) => {
      if (process.env.SCENARIO_DEBUG) console.log(lines.join("\n"));
      throw e;
    });
  } finally {
    await runtime.shutdown(5000);
  }
}
