// The JSON shapes of /api/v0/web/components, after Alloy's component.Info
// MarshalJSON (name, type, localID, moduleID, label, referencesTo, referencedBy,
// health, arguments, exports, debugInfo), plus the plugin that provides the component.
import type { ComponentDetail, ComponentSummary } from "@ingot/runtime";
import type { ComponentHealth } from "@ingot/sdk";

export interface ComponentHealthJSON {
  state: string;
  message: string;
  updatedTime: string;
}

export interface ComponentJSON {
  name: string;
  type: "block";
  localID: string;
  moduleID: string;
  label?: string;
  referencesTo: string[];
  referencedBy: string[];
  health: ComponentHealthJSON;
  plugin: { name: string; version: string };
  arguments?: unknown;
  exports?: unknown;
  debugInfo?: unknown;
}

/** Splits "MODULE_ID/LOCAL_ID" at the last slash, as Alloy's component.ParseID. */
export function splitComponentId(id: string): { moduleID: string; localID: string } {
  const slash = id.lastIndexOf("/");
  return slash === -1 ? { moduleID: "", localID: id } : { moduleID: id.slice(0, slash), localID: id.slice(slash + 1) };
}

export function healthJSON(h: ComponentHealth | undefined): ComponentHealthJSON {
  const updated = h?.updatedAt instanceof Date ? h.updatedAt : h?.updatedAt ? new Date(h.updatedAt) : new Date(0);
  return {
    state: h?.state ?? "unknown",
    message: h?.message ?? "",
    updatedTime: Number.isNaN(updated.getTime()) ? new Date(0).toISOString() : updated.toISOString(),
  };
}

type SummaryWithRefs = ComponentSummary & { references?: string[]; referencedBy?: string[] };

/** The list entry: identity, references and health (no arguments, exports or debug info, as Alloy's list). */
export function componentSummaryJSON(c: SummaryWithRefs): ComponentJSON {
  const out: ComponentJSON = {
    name: c.name,
    type: "block",
    ...splitComponentId(c.id),
    referencesTo: [...(c.references ?? [])],
    referencedBy: [...(c.referencedBy ?? [])],
    health: healthJSON(c.health),
    plugin: { name: c.plugin?.name ?? "", version: c.plugin?.version ?? "" },
  };
  if (c.label) out.label = c.label;
  return out;
}

/** The detail: the list entry plus arguments and exports (Alloy's typed JSON) and debug info. */
export function componentDetailJSON(c: ComponentDetail): ComponentJSON {
  const out = componentSummaryJSON(c);
  out.arguments = c.arguments ?? [];
  out.exports = c.exports ?? [];
  if (c.debugInfo !== undefined && c.debugInfo !== null) out.debugInfo = c.debugInfo;
  return out;
}
