// validateConfig: what `ingot validate` checks beyond syntax, without running
// anything: component existence and stability, duplicate ids, references and cycles,
// and every block's arguments against its schema. Entry modules are not imported and
// nothing is built, so a reference to another component's exports reads placeholder
// exports (the zero value of that component's exports schema); problems that only a
// real value could settle (inside an attribute reading such a placeholder) are not
// reported, except type mismatches, which the exports schema already decides.
import { type Diagnostic, hasErrors } from "@ingot/syntax";
import type { ConfigSource, RuntimeOptions } from "./api.js";
import { type ConfigBlock, parseSources } from "./config.js";
import { blockRange, filterPlaceholderDiagnostics } from "./controller.js";
import { defaultSearchRoots, discoverPlugins, type PluginRegistry } from "./discovery.js";
import { ModuleArguments, type ModuleContext, staticHost } from "./modules/context.js";
import { ModuleScope } from "./modules/scope.js";
import { planGraph } from "./plan.js";
import { placeholderExportsOf, scopeFor } from "./scope.js";

export interface ValidateOptions extends Pick<RuntimeOptions, "stabilityLevel" | "pluginPaths" | "searchRoots"> {
  /** Reuse an already discovered registry instead of discovering again. */
  registry?: PluginRegistry;
}

export async function validateConfig(sources: ConfigSource[], options: ValidateOptions): Promise<Diagnostic[]> {
  const parsed = parseSources(sources);
  if (hasErrors(parsed.diagnostics)) return parsed.diagnostics;
  const registry =
    options.registry ??
    discoverPlugins({ searchRoots: options.searchRoots ?? defaultSearchRoots(), pluginPaths: options.pluginPaths });
  const diagnostics = [...parsed.diagnostics];
  const root: ModuleContext = { scope: new ModuleScope(), modulePath: "", prefix: "" };
  checkGraph(parsed.blocks, root, registry, options.stabilityLevel, diagnostics);
  // Source order: files as given, then by offset (sort is stable for ties).
  const fileIndex = new Map(sources.map((s, i) => [s.name, i]));
  return diagnostics.sort(
    (a, b) =>
      (fileIndex.get(a.start.filename) ?? -1) - (fileIndex.get(b.start.filename) ?? -1) ||
      a.start.offset - b.start.offset,
  );
}

/** Plans and decodes one graph (the root, or a declare's body, recursively). */
function checkGraph(
  blocks: readonly ConfigBlock[],
  ctx: ModuleContext,
  registry: PluginRegistry,
  stabilityLevel: ValidateOptions["stabilityLevel"],
  diagnostics: Diagnostic[],
): void {
  const plan = planGraph(blocks, { registry, stabilityLevel, host: staticHost(ctx) });
  diagnostics.push(...plan.diagnostics);
  // Declare bodies are graphs of their own (with arguments, so argument/export are allowed).
  for (const def of plan.scope.declares.values()) {
    const body: ConfigBlock[] = [];
    for (const stmt of def.block.body) if (stmt.kind === "Block") body.push({ block: stmt, source: def.source });
    const inner: ModuleContext = { scope: def.scope, modulePath: "", prefix: "", arguments: new ModuleArguments() };
    checkGraph(body, inner, registry, stabilityLevel, diagnostics);
  }
  const exportsOf = placeholderExportsOf(plan);
  const known = new Set(plan.diagnostics.map((d) => `${d.start.filename}:${d.start.offset}`));
  // Cyclic nodes are not in the topological order; check their arguments too.
  const specs = plan.graph.all();
  for (const spec of specs) {
    if (spec.kind === "invalid") continue;
    const schemas = spec.kind === "component" ? spec.component.schemas : spec.builtin.schemas;
    const r = schemas.decodeArguments(
      spec.block.body,
      scopeFor(spec.references, exportsOf, new Map([["module_path", ctx.modulePath]])),
      spec.source,
      blockRange(spec.block),
    );
    if (!r.ok) {
      // An unknown reference is already reported; its evaluation error would repeat it.
      const fresh = r.diagnostics.filter((d) => !known.has(`${d.start.filename}:${d.start.offset}`));
      diagnostics.push(...filterPlaceholderDiagnostics(fresh, spec, () => true));
    }
  }
}
