// What a node's expressions see: the exports of the nodes it references, as nested
// objects keyed by the parts of each id (`local.file.foo.content` reads
// scope.local.file.foo.content), on top of the standard library.

import type { JSONSchema } from "@ingot/sdk";
import { Capsule, Num, type ObjectValue, Scope, Secret, type Value } from "@ingot/syntax";
import type { Plan } from "./plan.js";
import type { Reference } from "./references.js";

/** Builds the scope for one node from the exports of the nodes it references. */
export function scopeFor(
  references: readonly Reference[],
  exportsOf: (id: string) => ObjectValue,
  constants?: ObjectValue,
): Scope {
  const vars: ObjectValue = constants ? new Map(constants) : new Map();
  // Maps created here may be extended; a node's own exports object is never mutated.
  const own = new Set<ObjectValue>([vars]);
  const writable = (parent: ObjectValue, key: string): ObjectValue => {
    const cur = parent.get(key);
    if (cur instanceof Map && own.has(cur)) return cur;
    const next: ObjectValue = cur instanceof Map ? new Map(cur) : new Map();
    own.add(next);
    parent.set(key, next);
    return next;
  };
  const done = new Set<string>();
  for (const ref of references) {
    if (done.has(ref.target)) continue;
    done.add(ref.target);
    const parts = ref.target.split(".");
    let level = vars;
    for (let i = 0; i < parts.length - 1; i++) level = writable(level, parts[i] as string);
    const leaf = parts[parts.length - 1] as string;
    const exported = exportsOf(ref.target);
    const existing = level.get(leaf);
    if (existing instanceof Map) {
      // Another referenced id extends this one (a.b.c and a.b.c.d): keep both.
      const merged = writable(level, leaf);
      for (const [k, v] of exported) if (!merged.has(k)) merged.set(k, v);
    } else level.set(leaf, exported);
  }
  return new Scope(vars);
}

/** A placeholder capsule: what a not-yet-built component exports for validation. */
export class PlaceholderCapsule {
  constructor(readonly capsuleType: string) {}
  toString(): string {
    return `placeholder ${this.capsuleType}`;
  }
}

/**
 * The zero value of a schema, as Alloy values: what a component "exports" before it
 * has published anything (Alloy uses the zero value of the exports type), and what
 * `ingot validate` uses for references since nothing runs there. Defaults win, then
 * the first enum value, then the type's zero.
 */
export function zeroValue(schema: JSONSchema, depth = 0): Value {
  if (typeof schema !== "object" || schema === null || depth > 32) return null;
  const s = schema as Record<string, unknown>;
  const alloyType = s["x-alloy-type"];
  if (alloyType === "secret") return new Secret("");
  if (alloyType === "optional-secret") return "";
  if (alloyType === "duration") return typeof s.default === "string" ? s.default : "0s";
  if (alloyType === "capsule") {
    const t = typeof s["x-alloy-capsule"] === "string" ? (s["x-alloy-capsule"] as string) : "capsule";
    return new Capsule(new PlaceholderCapsule(t), t);
  }
  if (s.default !== undefined) return jsonToValue(s.default);
  if ("const" in s) return jsonToValue(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return jsonToValue(s.enum[0]);
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    const alts = s[key];
    if (Array.isArray(alts) && alts.length > 0) return zeroValue(alts[0] as JSONSchema, depth + 1);
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== "null") ?? s.type[0]) : s.type;
  switch (type) {
    case "string":
      return "";
    case "integer":
      return Num.int(0);
    case "number":
      return Num.float(0);
    case "boolean":
      return false;
    case "array":
      return [];
    case "null":
      return null;
    case "object":
    case undefined: {
      const props = s.properties as Record<string, JSONSchema> | undefined;
      if (!props) return type === "object" ? new Map() : null;
      const out: ObjectValue = new Map();
      for (const [k, v] of Object.entries(props)) out.set(k, zeroValue(v, depth + 1));
      return out;
    }
    default:
      return null;
  }
}

function jsonToValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === "number") return Number.isInteger(x) ? Num.int(x) : Num.float(x);
  if (typeof x === "string" || typeof x === "boolean") return x;
  if (Array.isArray(x)) return x.map(jsonToValue);
  if (typeof x === "object") {
    const m: ObjectValue = new Map();
    for (const [k, v] of Object.entries(x)) m.set(k, jsonToValue(v));
    return m;
  }
  return null;
}

/**
 * Exports of nodes that have not run yet, for checking a config before anything is
 * built: each component's exports schema's zero value, made once per node id.
 */
export function placeholderExportsOf(plan: Plan): (id: string) => ObjectValue {
  const made = new Map<string, ObjectValue>();
  return (id) => {
    let p = made.get(id);
    if (!p) {
      const s = plan.graph.get(id);
      p = s?.kind === "component" ? placeholderExports(s.component.manifest.exports) : new Map();
      made.set(id, p);
    }
    return p;
  };
}

/** The placeholder exports object of a component (its exports schema's zero value). */
export function placeholderExports(exportsSchema: JSONSchema): ObjectValue {
  const v = zeroValue(exportsSchema);
  return v instanceof Map ? v : new Map();
}
