// Lazy import of plugin entry modules: the first time a configuration uses one of a
// plugin's components. A failed import refuses the plugin (listed with its reason);
// nodes using it fail, the rest of the graph runs.
import { pathToFileURL } from "node:url";
import type { ComponentDefinition, Logger, PluginModule } from "@ingot/sdk";
import { type ComponentRecord, type PluginRecord, refusedMessage } from "./discovery.js";

export type DefinitionResult = { ok: true; definition: ComponentDefinition } | { ok: false; reason: string };

type ModuleResult = { ok: true; module: PluginModule } | { ok: false; reason: string };

function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function pluginModuleOf(ns: Record<string, unknown>): PluginModule | undefined {
  for (const candidate of [ns.default, ns.plugin]) {
    const c = candidate as PluginModule | undefined;
    if (c && typeof c === "object" && c.components && typeof c.components === "object") return c;
  }
  return undefined;
}

export class PluginModules {
  private readonly cache = new Map<PluginRecord, Promise<ModuleResult>>();
  private readonly imported = new Set<PluginRecord>();

  constructor(private readonly logger: Logger) {}

  /** Whether the plugin's entry module has been imported successfully. */
  loaded(p: PluginRecord): boolean {
    return this.imported.has(p);
  }

  private load(p: PluginRecord): Promise<ModuleResult> {
    let pending = this.cache.get(p);
    if (!pending) {
      pending = this.importEntry(p);
      this.cache.set(p, pending);
    }
    return pending;
  }

  private async importEntry(p: PluginRecord): Promise<ModuleResult> {
    const entry = p.manifest?.entry ?? "(none)";
    let reason: string;
    try {
      if (!p.entryPath) throw new Error("no entry module");
      const ns = (await import(pathToFileURL(p.entryPath).href)) as Record<string, unknown>;
      const mod = pluginModuleOf(ns);
      if (mod) {
        this.imported.add(p);
        return { ok: true, module: mod };
      }
      reason = `entry module ${entry} exports no plugin (expected a default or "plugin" export with "components")`;
    } catch (e) {
      reason = `entry module ${entry} failed to import: ${describeError(e)}`;
    }
    p.status = "refused";
    p.reason = reason;
    this.logger.warn(refusedMessage(p));
    return { ok: false, reason: refusedMessage(p) };
  }

  /** The definition of a component, importing its plugin on first use. */
  async definition(c: ComponentRecord): Promise<DefinitionResult> {
    if (c.definition) return { ok: true, definition: c.definition };
    const r = await this.load(c.plugin);
    if (!r.ok) return r;
    const def = r.module.components[c.name];
    if (!def || typeof def.build !== "function") {
      const p = c.plugin;
      return {
        ok: false,
        reason: `plugin ${p.name}@${p.version} (${p.path}) does not define component "${c.name}" in its entry module`,
      };
    }
    return { ok: true, definition: def };
  }
}
