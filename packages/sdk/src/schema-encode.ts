// Converts plain-JS values (a component's exports, or decoded arguments for display)
// into Alloy values per their shape: capsules, secrets, duration strings, Maps, Nums.
import { type BodyEntry, Capsule, Num, type ObjectValue, Secret, type Value } from "@ingot/syntax";
import { formatDuration } from "./duration.js";
import type { BodyShape, ValueShape } from "./schema-shape.js";
import { isSecret, REDACTED } from "./values.js";

/** How secrets are encoded: exports keep optional-secret strings visible; display hides every secret. */
export type SecretMode = "exports" | "display";

function fail(path: string, message: string): never {
  throw new Error(path ? `${path}: ${message}` : message);
}

function encodeNumber(x: unknown, path: string): Num {
  if (typeof x === "number") return Number.isInteger(x) ? Num.int(x) : Num.float(x);
  if (typeof x === "bigint") return Num.int(x);
  if (x instanceof Num) return x;
  return fail(path, `must be a number, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  return typeof x;
}

/** Alloy value of a plain-JS value with no schema information. */
export function fromPlain(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case "string":
    case "boolean":
      return x;
    case "number":
    case "bigint":
      return encodeNumber(x, "");
    case "function":
      return new Capsule(x, "function");
  }
  if (isSecret(x)) return new Secret(x.value);
  if (x instanceof Num || x instanceof Capsule || x instanceof Secret || x instanceof Map) return x as Value;
  if (Array.isArray(x)) return x.map(fromPlain);
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    const m: ObjectValue = new Map();
    for (const k of Object.keys(x as object)) m.set(k, fromPlain((x as Record<string, unknown>)[k]));
    return m;
  }
  return new Capsule(x, (proto?.constructor?.name as string | undefined) ?? "capsule");
}

/** Go's zero value of a shape, for a declared export the component did not set. */
export function zeroValue(shape: ValueShape): Value {
  switch (shape.kind) {
    case "string":
    case "optional-secret":
      return "";
    case "number":
      return Num.int(0);
    case "bool":
      return false;
    case "duration":
      return "0s";
    case "secret":
      return new Secret("");
    case "array":
      return [];
    case "object":
      return new Map();
    default:
      return null;
  }
}

export function encodeValue(x: unknown, shape: ValueShape, path: string, mode: SecretMode): Value {
  if (x === null || x === undefined) return null;
  switch (shape.kind) {
    case "string":
      if (typeof x !== "string") fail(path, `must be a string, got ${describe(x)}`);
      return x;
    case "number":
      return encodeNumber(x, path);
    case "bool":
      if (typeof x !== "boolean") fail(path, `must be a boolean, got ${describe(x)}`);
      return x;
    case "duration":
      if (typeof x === "number") return formatDuration(x);
      if (typeof x === "string") return x;
      return fail(path, `must be a duration in milliseconds, got ${describe(x)}`);
    case "secret":
    case "optional-secret":
      if (isSecret(x)) return new Secret(x.value);
      if (x instanceof Secret) return x;
      if (typeof x !== "string") fail(path, `must be a string or secret(), got ${describe(x)}`);
      return shape.kind === "secret" || mode === "display" ? new Secret(x) : x;
    case "capsule":
      if (x instanceof Capsule) return x;
      return new Capsule(x, shape.capsuleType);
    case "array": {
      if (!Array.isArray(x)) fail(path, `must be an array, got ${describe(x)}`);
      const items = shape.items!;
      const out = new Array<Value>(x.length);
      for (let i = 0; i < x.length; i++) out[i] = encodeValue(x[i], items, `${path}[${i}]`, mode);
      return out;
    }
    case "object": {
      if (typeof x !== "object" || Array.isArray(x)) fail(path, `must be an object, got ${describe(x)}`);
      const m: ObjectValue = new Map();
      const entries = x instanceof Map ? [...x.entries()] : Object.entries(x as object);
      for (const [k, v] of entries) {
        const s = shape.props!.get(k) ?? shape.additional!;
        m.set(k, encodeValue(v, s, path ? `${path}.${k}` : k, mode));
      }
      return m;
    }
    default:
      return fromPlain(x);
  }
}

/** Exports (an attributes-only body) as an Alloy object; declared but unset exports get Go zero values. */
export function encodeBodyObject(x: unknown, shape: BodyShape): ObjectValue {
  if (typeof x !== "object" || x === null || Array.isArray(x)) fail("", `must be an object, got ${describe(x)}`);
  const src = x as Record<string, unknown>;
  const out: ObjectValue = new Map();
  for (const name of shape.order) {
    const vs = shape.attrs.get(name);
    if (!vs) continue;
    const v = src[name];
    out.set(name, v === undefined ? zeroValue(vs) : encodeValue(v, vs, name, "exports"));
  }
  if (shape.additional) {
    for (const k of Object.keys(src)) {
      if (shape.attrs.has(k)) continue;
      out.set(k, encodeValue(src[k], shape.additional, k, "exports"));
    }
  }
  return out;
}

/**
 * Decoded arguments as body entries for @ingot/syntax's bodyToTypedJSON (the API's
 * typed JSON): attributes as Alloy values with every secret as Secret ("(secret)"),
 * blocks as block entries with their labels, in schema order.
 */
export function encodeBodyEntries(x: Record<string, unknown>, shape: BodyShape): BodyEntry[] {
  const out: BodyEntry[] = [];
  for (const name of shape.order) {
    const v = x[name];
    if (v === undefined) continue;
    const attr = shape.attrs.get(name);
    if (attr) {
      out.push({ type: "attr", name, value: encodeValue(v, attr, name, "display") });
      continue;
    }
    const block = shape.blocks.get(name);
    if (!block || v === null) continue;
    const items = block.repeated && Array.isArray(v) ? v : [v];
    const label = block.body.label;
    for (const item of items) {
      const entry: BodyEntry = {
        type: "block",
        name,
        body: encodeBodyEntries(item as Record<string, unknown>, block.body),
      };
      if (label !== undefined) entry.label = String((item as Record<string, unknown>)[label]);
      out.push(entry);
    }
  }
  if (shape.additional) {
    for (const k of Object.keys(x)) {
      if (shape.attrs.has(k) || shape.blocks.has(k) || k === shape.label) continue;
      out.push({ type: "attr", name: k, value: encodeValue(x[k], shape.additional, k, "display") });
    }
  }
  return out;
}

/** A copy of plain-JS values with every secret (by schema, or branded) replaced by "(secret)". */
export function redactValue(x: unknown, shape: ValueShape): unknown {
  if (x === null || x === undefined) return x;
  if (isSecret(x) || x instanceof Secret) return REDACTED;
  switch (shape.kind) {
    case "secret":
    case "optional-secret":
      return REDACTED;
    case "array":
      return Array.isArray(x) ? x.map((v) => redactValue(v, shape.items!)) : x;
    case "object": {
      if (typeof x !== "object" || Array.isArray(x)) return x;
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) o[k] = redactValue(v, shape.props!.get(k) ?? shape.additional!);
      return o;
    }
    case "any":
      return redactAny(x);
    default:
      return x;
  }
}

function redactAny(x: unknown): unknown {
  if (x === null || typeof x !== "object") return x;
  if (isSecret(x) || x instanceof Secret) return REDACTED;
  if (Array.isArray(x)) return x.map(redactAny);
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return x;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) o[k] = redactAny(v);
  return o;
}

export function redactBody(x: Record<string, unknown>, shape: BodyShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    const attr = shape.attrs.get(k);
    const block = shape.blocks.get(k);
    if (attr) out[k] = redactValue(v, attr);
    else if (block && v !== null && typeof v === "object") {
      out[k] = Array.isArray(v)
        ? v.map((i) => redactBody(i as Record<string, unknown>, block.body))
        : redactBody(v as Record<string, unknown>, block.body);
    } else out[k] = shape.additional ? redactValue(v, shape.additional) : v;
  }
  return out;
}

/** JSON pointers of secret values; "*" stands for any array index or map key. */
export function secretPaths(shape: BodyShape, prefix = "", acc: string[] = []): string[] {
  const valuePaths = (vs: ValueShape, at: string, seen: Set<ValueShape>): void => {
    if (seen.has(vs)) return;
    if (vs.kind === "secret" || vs.kind === "optional-secret") acc.push(at);
    else if (vs.kind === "array") valuePaths(vs.items!, `${at}/*`, new Set(seen).add(vs));
    else if (vs.kind === "object") {
      const next = new Set(seen).add(vs);
      for (const [k, p] of vs.props!) valuePaths(p, `${at}/${escapePointer(k)}`, next);
      if (vs.additional) valuePaths(vs.additional, `${at}/*`, next);
    }
  };
  for (const [k, vs] of shape.attrs) valuePaths(vs, `${prefix}/${escapePointer(k)}`, new Set());
  for (const [k, b] of shape.blocks) secretPaths(b.body, `${prefix}/${escapePointer(k)}${b.repeated ? "/*" : ""}`, acc);
  return acc;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}
