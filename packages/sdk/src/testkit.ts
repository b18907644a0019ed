// @ingot/sdk/testkit: run a plugin's components the way the runtime does, without
// the runtime. Loads a plugin package directory (manifest validated, schemas
// compiled, entry imported), decodes arguments from Alloy text with the same mapping
// the runtime uses, builds the component with a real ComponentContext (temporary data
// directory, capturing logger, prom-client registry), runs it, and lets a test wait
// for exports, read health, update and stop it.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  Capsule,
  endPos,
  Num,
  type ObjectValue,
  parseFile,
  renderDiagnostics,
  Scope,
  Secret,
  startPos,
  type Value,
} from "@ingot/syntax";
import { Registry } from "prom-client";
import type { Component, ComponentContext, ComponentHealth, HealthState, PluginModule } from "./component.js";
import { createLogger, type LogLevel } from "./logger.js";
import type { ComponentManifest, PluginManifest } from "./manifest.js";
import { MANIFEST_FILE } from "./manifest.js";
import { validateManifest } from "./manifest-schema.js";
import { compileComponentSchemas } from "./schema.js";
import { fromPlain } from "./schema-encode.js";
import type { CompiledComponentSchemas } from "./schema-types.js";

export { Capsule, Secret };

/** A capsule for the scope of a test config (e.g. a receiver for `forward_to = [recv]`). */
export function capsule(value: unknown, typeName: string): Capsule {
  return new Capsule(value, typeName);
}

/**
 * Runs `check` on a component being built (what `harness.build(...)` returns) and stops
 * it afterwards, also when `check` fails: `await withComponent(p.build(...), async (c) => {...})`.
 */
export async function withComponent<C extends { stop(): Promise<void> }>(
  built: Promise<C>,
  check: (c: C) => Promise<void>,
): Promise<void> {
  const c = await built;
  try {
    await check(c);
  } finally {
    await c.stop();
  }
}

export interface BuildOptions {
  /**
   * Names the Alloy text may reference. Alloy values (Capsule, Secret...) are used as
   * they are; other plain JS is converted (objects become Alloy objects).
   */
  scope?: Record<string, unknown>;
  /** Component label; the id is `<name>.<label>`. Default "test". */
  label?: string;
  /** Data directory; default a fresh temporary directory removed by stop(). */
  dataPath?: string;
  /** Captured log level; default "debug". */
  logLevel?: LogLevel;
  /** What ctx.httpAddress reports; default undefined (no HTTP server). */
  httpAddress?: string;
}

/** A component built and running under the test kit. */
export interface ComponentUnderTest<Args = Record<string, unknown>, Exports = Record<string, unknown>> {
  readonly id: string;
  readonly component: Component<Args>;
  /** The current decoded arguments. */
  readonly args: Args;
  readonly dataPath: string;
  /** Every log line the component wrote (logfmt). */
  readonly logs: string[];
  readonly metrics: Registry;
  /** Every exports value published, in order (plain JS, as the component passed them). */
  readonly exportsHistory: Exports[];
  /** The last exports published, or undefined. */
  exports(): Exports | undefined;
  /** The last exports as Alloy values (what other components would reference). */
  exportsValue(): ObjectValue | undefined;
  /** Resolves with the first exports (already published or coming) for which predicate holds. */
  waitForExports(predicate?: (e: Exports) => boolean, timeoutMs?: number): Promise<Exports>;
  /**
   * Health as the runtime computes it: exited if run ended early, unhealthy while the
   * last exports were invalid, else the component's health(), else its last setHealth.
   */
  health(): ComponentHealth;
  debugInfo(): unknown;
  /** Decodes new Alloy text and calls update() if the arguments changed; throws with rendered diagnostics. */
  update(alloyBody: string, options?: Pick<BuildOptions, "scope">): Promise<void>;
  /** Polls until check() is true. */
  waitFor(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  /** Aborts run, waits for it, calls stop(), removes a temporary data directory. */
  stop(): Promise<void>;
}

export interface PluginHarness {
  readonly packageName: string;
  readonly version: string;
  readonly path: string;
  readonly manifest: PluginManifest;
  readonly module: PluginModule;
  schemas(componentName: string): CompiledComponentSchemas;
  /** Decodes arguments from Alloy text (the body of the component block); throws with rendered diagnostics. */
  decode(componentName: string, alloyBody: string, options?: Pick<BuildOptions, "scope">): Record<string, unknown>;
  /** Builds and runs a component from Alloy text. */
  build<Args = Record<string, unknown>, Exports = Record<string, unknown>>(
    componentName: string,
    alloyBody: string,
    options?: BuildOptions,
  ): Promise<ComponentUnderTest<Args, Exports>>;
}

function toScope(values: Record<string, unknown> | undefined): Scope {
  const vars = new Map<string, Value>();
  for (const [k, v] of Object.entries(values ?? {})) {
    vars.set(
      k,
      v instanceof Capsule || v instanceof Secret || v instanceof Num || v instanceof Map ? (v as Value) : fromPlain(v),
    );
  }
  return new Scope(vars);
}

/** Deep equality for decoded arguments: plain data by value, anything else (capsule payloads) by identity. */
export function argumentsEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!argumentsEqual(a[i], b[i])) return false;
    return true;
  }
  const pa = Object.getPrototypeOf(a);
  if ((pa !== Object.prototype && pa !== null) || Object.getPrototypeOf(b) !== pa) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!argumentsEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Loads a plugin package directory as the runtime would: reads package.json and
 * ingot-plugin.json, validates the manifest, compiles every component's schemas and
 * imports the entry module. Throws an Error with the reason when any step fails.
 */
export async function loadPlugin(dir: string): Promise<PluginHarness> {
  const root = resolve(dir);
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { name?: string; version?: string };
  const where = `plugin ${pkg.name ?? "?"}@${pkg.version ?? "?"} (${root})`;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(root, MANIFEST_FILE), "utf8"));
  } catch (e) {
    throw new Error(`${where}: cannot read ${MANIFEST_FILE}: ${(e as Error).message}`);
  }
  const checked = validateManifest(json);
  if (!checked.ok) throw new Error(`${where}: ${MANIFEST_FILE}: ${checked.reason}`);
  const manifest = checked.manifest;
  const compiled = new Map<string, CompiledComponentSchemas>();
  const byName = new Map<string, ComponentManifest>();
  for (const c of manifest.components) {
    try {
      compiled.set(c.name, compileComponentSchemas(c));
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    byName.set(c.name, c);
  }
  const entry = isAbsolute(manifest.entry) ? manifest.entry : join(root, manifest.entry);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: entry ${manifest.entry} failed to load: ${(e as Error).message}`);
  }
  const plugin = (mod.default ?? mod.plugin) as PluginModule | undefined;
  if (!plugin || typeof plugin.components !== "object")
    throw new Error(`${where}: entry ${manifest.entry} exports no plugin (default export or "plugin" with components)`);
  for (const name of byName.keys()) {
    if (typeof plugin.components[name]?.build !== "function")
      throw new Error(`${where}: entry does not define component ${name} declared in ${MANIFEST_FILE}`);
  }

  const schemas = (name: string): CompiledComponentSchemas => {
    const s = compiled.get(name);
    if (!s) throw new Error(`${where}: no component named ${name}`);
    return s;
  };

  const decode = (name: string, body: string, label: string, scope?: Record<string, unknown>) => {
    const text = `${name} ${JSON.stringify(label)} {\n${body}\n}\n`;
    const filename = `${name}.alloy`;
    const parsed = parseFile(filename, text);
    const files = new Map([[filename, text]]);
    if (parsed.diagnostics.length > 0)
      throw new Error(`invalid Alloy text:\n${renderDiagnostics(parsed.diagnostics, files)}`);
    const block = parsed.file.body[0];
    if (block?.kind !== "Block") throw new Error("invalid Alloy text: no block");
    const r = schemas(name).decodeArguments(block.body, toScope(scope), parsed.file.source, {
      start: startPos(block),
      end: endPos(block),
    });
    if (!r.ok) throw new Error(`invalid arguments for ${name}:\n${renderDiagnostics(r.diagnostics, files)}`);
    return r.value;
  };

  return {
    packageName: pkg.name ?? "",
    version: pkg.version ?? "",
    path: root,
    manifest,
    module: plugin,
    schemas,
    decode: (name, body, options) => decode(name, body, "test", options?.scope),
    async build<Args, Exports>(name: string, body: string, options: BuildOptions = {}) {
      const label = options.label ?? "test";
      const def = plugin.components[name];
      if (!def) throw new Error(`${where}: no component named ${name}`);
      let args = decode(name, body, label, options.scope) as Args;
      const id = `${name}.${label}`;
      const tempRoot = options.dataPath ? undefined : await mkdtemp(join(tmpdir(), "ingot-testkit-"));
      const dataPath = options.dataPath ?? join(tempRoot as string, id);
      await mkdir(dataPath, { recursive: true });
      const logs: string[] = [];
      const logger = createLogger({ level: options.logLevel ?? "debug", write: (l) => logs.push(l) }).child({
        component_path: "/",
        component_id: id,
      });
      const metrics = new Registry();
      metrics.setDefaultLabels({ component_id: id });
      const exportsHistory: Exports[] = [];
      let exportsValue: ObjectValue | undefined;
      const waiters = new Set<() => void>();
      let ownHealth: ComponentHealth = { state: "unknown", message: "", updatedAt: new Date() };
      let exportsProblem: ComponentHealth | undefined;
      const ctx: ComponentContext<Exports> = {
        id,
        dataPath,
        logger,
        metrics,
        httpAddress: options.httpAddress,
        httpPathPrefix: `/api/v0/component/${id}/`,
        setExports(e: Exports) {
          // Validated and converted as the runtime does: invalid exports are dropped
          // and make the component unhealthy until valid ones arrive.
          try {
            exportsValue = schemas(name).encodeExports(e);
          } catch (err) {
            exportsProblem = {
              state: "unhealthy",
              message: `invalid exports: ${(err as Error).message}`,
              updatedAt: new Date(),
            };
            logger.error("component published invalid exports", { error: (err as Error).message });
            return;
          }
          exportsProblem = undefined;
          exportsHistory.push(e);
          for (const w of waiters) w();
        },
        setHealth(state: HealthState, message = "") {
          ownHealth = { state, message, updatedAt: new Date() };
        },
      };
      const component = (await def.build(ctx, args)) as Component<Args>;
      const abort = new AbortController();
      let ended: { at: Date; error?: unknown } | undefined;
      const running = (async () => {
        try {
          await component.run(abort.signal);
          if (!abort.signal.aborted) ended = { at: new Date() };
        } catch (error) {
          if (!abort.signal.aborted) ended = { at: new Date(), error };
        }
      })();
      let stopped = false;

      const handle: ComponentUnderTest<Args, Exports> = {
        id,
        component,
        get args() {
          return args;
        },
        dataPath,
        logs,
        metrics,
        exportsHistory,
        exports: () => exportsHistory.at(-1),
        exportsValue: () => exportsValue,
        waitForExports(predicate = () => true, timeoutMs = 2000) {
          return new Promise<Exports>((resolveExports, reject) => {
            const check = (): boolean => {
              const e = exportsHistory.at(-1);
              if (e !== undefined && predicate(e)) {
                clearTimeout(timer);
                waiters.delete(check);
                resolveExports(e);
                return true;
              }
              return false;
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(
                new Error(
                  `${id}: no matching exports within ${timeoutMs} ms (last: ${JSON.stringify(exportsHistory.at(-1))})`,
                ),
              );
            }, timeoutMs);
            if (!check()) waiters.add(check);
          });
        },
        health(): ComponentHealth {
          if (ended) {
            const msg = ended.error ? `run failed: ${(ended.error as Error).message ?? ended.error}` : "run exited";
            return { state: "exited", message: msg, updatedAt: ended.at };
          }
          return exportsProblem ?? component.health?.() ?? ownHealth;
        },
        debugInfo: () => component.debugInfo?.(),
        async update(newBody, updateOptions) {
          const next = decode(name, newBody, label, updateOptions?.scope ?? options.scope) as Args;
          if (argumentsEqual(next, args)) return;
          args = next;
          await component.update(next);
        },
        async waitFor(what, check, timeoutMs = 2000) {
          const deadline = Date.now() + timeoutMs;
          while (!check()) {
            if (Date.now() > deadline) throw new Error(`${id}: timed out after ${timeoutMs} ms waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          abort.abort();
          await running;
          await component.stop?.();
          if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
        },
      };
      return handle;
    },
  };
}
