// Test helpers: throwaway plugin packages written to temp dirs (plain JS entry,
// ingot-plugin.json and package.json, as a third party would ship them), a captured
// logger, and a runtime factory fed through pluginPaths.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createLogger, type RootLogger } from "@ingot/sdk";
import { createRuntime, type IngotRuntime, type RuntimeOptions } from "../src/index.js";

const require = createRequire(import.meta.url);
/** prom-client, importable from a plugin outside the workspace by absolute URL. */
export const PROM_CLIENT_URL = pathToFileURL(require.resolve("prom-client")).href;

export function tempDir(prefix = "ingot-runtime-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface PluginFiles {
  /** package.json content (object, raw text, or null for none). */
  packageJson?: object | string | null;
  /** ingot-plugin.json content (object or raw text). */
  manifest: object | string;
  /** Entry module source, written to index.js. */
  entry?: string;
}

/** Writes a plugin package under dir/sub and returns its path. */
export function writePlugin(dir: string, sub: string, files: PluginFiles): string {
  const root = join(dir, sub);
  mkdirSync(root, { recursive: true });
  const pj = files.packageJson === undefined ? { name: sub, version: "1.0.0", type: "module" } : files.packageJson;
  if (pj !== null) writeFileSync(join(root, "package.json"), typeof pj === "string" ? pj : JSON.stringify(pj));
  writeFileSync(
    join(root, "ingot-plugin.json"),
    typeof files.manifest === "string" ? files.manifest : JSON.stringify(files.manifest, null, 2),
  );
  if (files.entry !== undefined) writeFileSync(join(root, "index.js"), files.entry);
  return root;
}

const valueSchema = {
  type: "object",
  properties: { value: { type: "string", maxLength: 40 } },
  required: ["value"],
  additionalProperties: false,
};
const valueExports = {
  type: "object",
  properties: { value: { type: "string" } },
  required: ["value"],
  additionalProperties: false,
};

/** The components of the standard test plugin. */
export function testComponents(prefix = "test"): object[] {
  return [
    {
      name: `${prefix}.value`,
      stability: "generally-available",
      description: "exports its value argument",
      arguments: valueSchema,
      exports: valueExports,
    },
    {
      name: `${prefix}.secret`,
      stability: "generally-available",
      arguments: {
        type: "object",
        properties: { password: { type: "string", "x-alloy-type": "secret" }, user: { type: "string" } },
        required: ["password"],
        additionalProperties: false,
      },
      exports: {
        type: "object",
        properties: { token: { type: "string", "x-alloy-type": "secret" } },
        additionalProperties: false,
      },
    },
    {
      name: `${prefix}.experimental`,
      stability: "experimental",
      arguments: { type: "object", properties: {}, additionalProperties: false },
      exports: { type: "object", properties: {}, additionalProperties: false },
    },
    {
      name: `${prefix}.slow`,
      stability: "generally-available",
      arguments: { type: "object", properties: {}, additionalProperties: false },
      exports: { type: "object", properties: {}, additionalProperties: false },
    },
  ];
}

export function testManifest(prefix = "test", extra: object = {}): object {
  return { pluginApi: "^1.0.0", entry: "./index.js", components: testComponents(prefix), ...extra };
}

/**
 * The standard test plugin's entry: plain JS, recording every call in
 * globalThis.__ingotEvents and exposing hooks in globalThis.__ingotHooks[id] to
 * publish exports from outside.
 */
export function testEntry(prefix = "test"): string {
  return `
import { Counter } from ${JSON.stringify(PROM_CLIENT_URL)};
const events = (globalThis.__ingotEvents ??= []);
const hooks = (globalThis.__ingotHooks ??= {});
const record = (e) => events.push(e);
const untilAborted = (signal) => new Promise((resolve) => {
  if (signal.aborted) resolve(); else signal.addEventListener("abort", () => resolve(), { once: true });
});
export default {
  components: {
    "${prefix}.value": {
      build(ctx, args) {
        record({ type: "build", id: ctx.id, args, dataPath: ctx.dataPath });
        const builds = new Counter({ name: "test_builds_total", help: "builds", registers: [ctx.metrics] });
        builds.inc();
        ctx.logger.info("building", { args });
        hooks[ctx.id] = (v) => ctx.setExports({ value: v });
        ctx.setExports({ value: args.value });
        return {
          async run(signal) { record({ type: "run", id: ctx.id }); await untilAborted(signal); record({ type: "run-end", id: ctx.id }); },
          async update(a) {
            record({ type: "update", id: ctx.id, args: a });
            if (a.value === "fail-update") throw new Error("update refused");
            if (a.value.startsWith("slow")) await new Promise((r) => setTimeout(r, 300));
            record({ type: "updated", id: ctx.id, args: a });
            ctx.setExports({ value: a.value });
          },
          stop() { record({ type: "stop", id: ctx.id }); },
          debugInfo() { return { current: "debug" }; },
        };
      },
    },
    "${prefix}.secret": {
      build(ctx, args) {
        record({ type: "build", id: ctx.id });
        ctx.logger.info("secret component built", { args });
        ctx.setExports({ token: args.password });
        return { async run(signal) { await untilAborted(signal); }, update() {} };
      },
    },
    "${prefix}.experimental": {
      build() { return { async run(signal) { await untilAborted(signal); }, update() {} }; },
    },
    "${prefix}.slow": {
      build(ctx) {
        return {
          // Ignores the abort signal: shutdown has to give up on it.
          run() { record({ type: "run", id: ctx.id }); return new Promise(() => {}); },
          update() {},
        };
      },
    },
  },
};
`;
}

export interface TestEvent {
  type: string;
  id: string;
  args?: Record<string, unknown>;
  dataPath?: string;
}

export function events(): TestEvent[] {
  return ((globalThis as Record<string, unknown>).__ingotEvents ?? []) as TestEvent[];
}

export function eventsFor(id: string, type?: string): TestEvent[] {
  return events().filter((e) => e.id === id && (type === undefined || e.type === type));
}

export function hook(id: string): (v: string) => void {
  const h = ((globalThis as Record<string, unknown>).__ingotHooks as Record<string, (v: string) => void>)[id];
  if (!h) throw new Error(`no hook for ${id}`);
  return h;
}

export function captureLogger(): { logger: RootLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ write: (l) => lines.push(l), level: "debug" }), lines };
}

/** A runtime seeing only the given plugin dirs (no installed packages). */
export async function newRuntime(
  pluginPaths: string[],
  extra: Partial<RuntimeOptions> = {},
): Promise<{ runtime: IngotRuntime; lines: string[]; storagePath: string }> {
  const { logger, lines } = captureLogger();
  const storagePath = extra.storagePath ?? tempDir("ingot-data-");
  const runtime = await createRuntime({
    storagePath,
    stabilityLevel: "generally-available",
    pluginPaths,
    searchRoots: [],
    logger,
    defaultMetrics: false,
    ...extra,
  });
  return { runtime, lines, storagePath };
}

/** A plugin dir holding the standard test plugin, with a unique prefix per test. */
let counter = 0;
export function standardPlugin(): { dir: string; prefix: string } {
  const dir = tempDir("ingot-plugins-");
  const prefix = `t${++counter}${Math.random().toString(36).slice(2, 6)}`;
  writePlugin(dir, `plugin-${prefix}`, {
    packageJson: { name: `plugin-${prefix}`, version: "1.2.3", type: "module" },
    manifest: testManifest(prefix),
    entry: testEntry(prefix),
  });
  return { dir, prefix };
}

export function src(text: string, name = "config.alloy"): { name: string; text: string } {
  return { name, text };
}
