// The module blocks as nodes of a graph, each a ComponentRecord the runtime provides
// itself (no plugin): `argument "x"` (exports `value`), `export "y"` (hands `value`
// to the enclosing custom component), `import.file` / `import.string` (load content,
// publish a new snapshot on every change) and custom components (`name "label"` or
// `namespace.name "label"`), which run the declare's body as a graph of their own.
import { join } from "node:path";
import type { Component, ComponentContext, ComponentDefinition, Stability } from "@ingot/sdk";
import { type BlockStmt, blockName, type Diagnostic, diagnosticString, type Value } from "@ingot/syntax";
import type { ComponentRecord, PluginRecord } from "../discovery.js";
import { health } from "../health.js";
import { ModuleArguments, type ModuleContext, type ModuleHost, type Subgraph } from "./context.js";
import { importNodeSchemas } from "./import-schemas.js";
import { type ImportArgs, type ImportKind, ImportSource } from "./import-source.js";
import { RawSchemas } from "./raw-schemas.js";
import { LOCKFILE_NAME, type RemoteEnv } from "./remote.js";
import type { DeclareDef, ImportSnapshot } from "./scope.js";

/** The pseudo plugin module blocks belong to (shown in component summaries). */
export const MODULES_PLUGIN: PluginRecord = {
  name: "ingot",
  version: "builtin",
  path: "",
  status: "ok",
  declared: [],
  components: [],
};

const anyExports = { type: "object" } as const;
const GA: Stability = "generally-available";

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function record(name: string, schemas: ComponentRecord["schemas"], definition: ComponentDefinition): ComponentRecord {
  return {
    name,
    stability: GA,
    manifest: { name, stability: GA, arguments: { type: "object" }, exports: anyExports },
    schemas,
    plugin: MODULES_PLUGIN,
    definition,
  };
}

const argumentSchemas = new RawSchemas("argument", {
  optional: { type: "bool" },
  default: {},
  comment: { type: "string" },
});
const exportSchemas = new RawSchemas("export", { value: { required: true } });

/** `argument "x" { optional, default, comment }`: exports the value given to the module. */
export function argumentRecord(label: string, ctx: ModuleContext): ComponentRecord {
  return record("argument", argumentSchemas, {
    build(cctx: ComponentContext<unknown>, args: Record<string, unknown>): Component {
      let current = args;
      const moduleArgs = ctx.arguments as ModuleArguments;
      const publish = () => {
        if (moduleArgs.has(label)) cctx.setExports({ value: moduleArgs.values[label] as Value });
        else if (current.optional === true) cctx.setExports({ value: (current.default ?? null) as Value });
        else throw new Error(`missing required argument "${label}" to module`);
      };
      publish();
      const unlisten = moduleArgs.listen(label, () => {
        try {
          publish();
          cctx.setHealth("healthy");
        } catch (e) {
          cctx.setHealth("unhealthy", (e as Error).message);
        }
      });
      return {
        run: untilAborted,
        update(next) {
          current = next;
          publish();
        },
        stop: unlisten,
      };
    },
  });
}

/** `export "y" { value = ... }`: one export of the enclosing custom component. */
export function exportRecord(label: string, ctx: ModuleContext): ComponentRecord {
  return record("export", exportSchemas, {
    build(_cctx, args: Record<string, unknown>): Component {
      ctx.setExport?.(label, args.value as Value);
      return {
        run: untilAborted,
        update(next) {
          ctx.setExport?.(label, next.value as Value);
        },
        stop() {
          ctx.removeExport?.(label);
        },
      };
    },
  });
}

/** Where the remote imports of a graph cache and pin their content. */
function remoteEnv(cctx: ComponentContext<unknown>, host: ModuleHost): RemoteEnv {
  // dataPath is `<storage.path>/<global id>`.
  const storagePath = cctx.dataPath.slice(0, cctx.dataPath.length - cctx.id.length - 1);
  const lockPath = join(host.ctx.rootDir ?? host.ctx.modulePath, LOCKFILE_NAME);
  return { storagePath, lockPath, mode: "run" };
}

/** `import.*`: loads the module and publishes its declares. */
export function importRecord(kind: ImportKind, host: ModuleHost): ComponentRecord {
  return record(`import.${kind}`, importNodeSchemas(kind), {
    async build(cctx: ComponentContext<unknown>, args: ImportArgs): Promise<Component> {
      const publish = () => cctx.setExports({ snapshot: source.snapshot });
      const env = { localId: cctx.id.slice(host.ctx.prefix.length), remote: remoteEnv(cctx, host) };
      const source: ImportSource = new ImportSource(kind, args, host.ctx.modulePath, publish, env);
      await source.load();
      publish();
      return {
        async run(signal) {
          source.startWatching();
          await untilAborted(signal);
          source.close();
        },
        async update(next: ImportArgs) {
          source.setArgs(next);
          if (await source.load()) publish();
        },
        stop() {
          source.close();
        },
        health: () => source.health(),
      };
    },
  });
}

/** Where a custom component's declare comes from, resolved at each evaluation. */
export type DeclareResolver = () => DeclareDef;

/** Alloy's error when an import does not provide the declare. */
export function notFoundInImport(namespace: string, name: string): Error {
  return new Error(
    `loading custom component controller: custom component config not found in the registry, namespace: "${namespace}", componentName: "${name}"`,
  );
}

/** A declare resolved from an import node of the same graph. */
export function importResolver(
  host: ModuleHost,
  importNodeId: string,
  namespace: string,
  name: string,
): DeclareResolver {
  return () => {
    const snap: ImportSnapshot | undefined = host.importSnapshot(importNodeId);
    const def = snap?.declares.get(name);
    if (!def) throw notFoundInImport(namespace, name);
    return def;
  };
}

function argumentLabels(def: DeclareDef): Set<string> {
  const out = new Set<string>();
  for (const stmt of def.block.body) if (stmt.kind === "Block" && blockName(stmt) === "argument") out.add(stmt.label);
  return out;
}

function bodyBlocks(def: DeclareDef): { block: BlockStmt; source: DeclareDef["source"] }[] {
  const out: { block: BlockStmt; source: DeclareDef["source"] }[] = [];
  for (const stmt of def.block.body) if (stmt.kind === "Block") out.push({ block: stmt, source: def.source });
  return out;
}

/** Where a custom component's declare comes from; carried on its decoded arguments. */
interface Binding {
  resolve: DeclareResolver;
  revision: () => unknown;
}
const BINDING = Symbol("ingot.custom-component-binding");

/** A custom component instance: the declare's body as a graph of its own. */
class CustomComponent implements Component {
  private sub?: Subgraph;
  private def?: DeclareDef;
  private readonly args = new ModuleArguments();
  private readonly exportValues = new Map<string, Value>();

  private revision: unknown;

  constructor(
    private readonly cctx: ComponentContext<unknown>,
    private readonly host: ModuleHost,
  ) {}

  private publish(): void {
    this.cctx.setExports(Object.fromEntries(this.exportValues));
  }

  async load(args: Record<string, unknown>): Promise<void> {
    // The node's current record says where the declare comes from (it changes on reloads).
    const binding = (args as { [BINDING]?: Binding })[BINDING] as Binding;
    const def = binding.resolve();
    const known = argumentLabels(def);
    for (const k of Object.keys(args)) {
      if (!known.has(k)) {
        throw new Error(`loading custom component controller: Unsupported argument "${k}" was provided to a module.`);
      }
    }
    this.args.set(args);
    const revision = binding.revision();
    if (def !== this.def || !sameRevision(revision, this.revision)) {
      const ctx: ModuleContext = {
        scope: def.scope,
        modulePath: def.modulePath,
        rootDir: this.host.ctx.rootDir ?? this.host.ctx.modulePath,
        prefix: `${this.cctx.id}/`,
        arguments: this.args,
        setExport: (name, value) => {
          this.exportValues.set(name, value);
          this.publish();
        },
        removeExport: (name) => {
          if (this.exportValues.delete(name)) this.publish();
        },
      };
      const first = this.sub === undefined;
      const sub = this.sub ?? this.host.createSubgraph();
      this.sub = sub;
      const r = await sub.loadBlocks(bodyBlocks(def), ctx);
      const errors = r.diagnostics.filter((d: Diagnostic) => d.severity === "error");
      if (!r.ok || errors.length > 0) {
        if (first) {
          await sub.shutdown(10_000);
          this.sub = undefined;
        }
        throw new Error(`loading custom component controller: ${errors.map(diagnosticString).join("; ")}`);
      }
      this.def = def;
      this.revision = revision;
    }
    this.publish();
  }

  run(signal: AbortSignal): Promise<void> {
    return untilAborted(signal);
  }

  /** The component nodes running inside this instance (listed by the runtime). */
  nestedComponents() {
    return this.sub?.allComponentNodes() ?? [];
  }

  update(args: Record<string, unknown>): Promise<void> {
    return this.load(args);
  }

  async stop(): Promise<void> {
    await this.sub?.shutdown(10_000);
  }

  health() {
    return this.sub?.health() ?? health("healthy", "custom component evaluated");
  }
}

/** A custom component node: `name "label" { args }`, its declare found by `resolve`. */
export function customRecord(
  name: string,
  resolve: DeclareResolver,
  host: ModuleHost,
  /** What else the instance depends on (the content of visible imports); default: the declare. */
  extra?: () => unknown[],
  /** The declare's arguments when known while planning (local declares): checked when decoding. */
  attributes?: Record<string, { required: boolean }>,
): ComponentRecord {
  const revision = (): unknown => {
    try {
      return extra ? new Revision(extra()) : resolve();
    } catch {
      return undefined;
    }
  };
  const binding: Binding = { resolve, revision };
  const rec = record(name, new RawSchemas(name, attributes, { [BINDING]: binding }), {
    async build(cctx: ComponentContext<unknown>, args: Record<string, unknown>): Promise<Component> {
      const c = new CustomComponent(cctx, host);
      await c.load(args);
      return c;
    },
  });
  rec.customComponent = true;
  rec.revision = revision;
  return rec;
}

/** Several things a custom component is built from; equal when each part is the same object. */
export class Revision {
  constructor(readonly parts: readonly unknown[]) {}
}

/** Whether two revisions name the same build (parts compared by identity). */
export function sameRevision(a: unknown, b: unknown): boolean {
  if (a instanceof Revision && b instanceof Revision) {
    return a.parts.length === b.parts.length && a.parts.every((p, i) => p === b.parts[i]);
  }
  return a === b;
}
