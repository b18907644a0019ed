// The typed JSON form of values and bodies used by Alloy's HTTP API (upstream
// syntax/encoding/alloyjson): every value is {type, value}, objects are lists of
// {key, value} with sorted keys, secrets never show their content.
import { Capsule, isFunctionValue, Num, Secret, type Value } from "./value.js";
import { capsuleToObject, describeValue, sortedKeys } from "./vm/print.js";

export interface TypedJSONObjectField {
  key: string;
  value: TypedJSONValue;
}

export type TypedJSONValue =
  | { type: "null"; value: null }
  | { type: "number"; value: number }
  | { type: "string"; value: string }
  | { type: "bool"; value: boolean }
  | { type: "array"; value: TypedJSONValue[] }
  | { type: "object"; value: TypedJSONObjectField[] }
  | { type: "function"; value: string }
  | { type: "capsule"; value: string };

export interface TypedJSONAttr {
  name: string;
  type: "attr";
  value: TypedJSONValue;
}

export interface TypedJSONBlock {
  name: string;
  type: "block";
  /** Present only for labeled blocks. */
  label?: string;
  body: TypedJSONStatement[];
}

export type TypedJSONStatement = TypedJSONAttr | TypedJSONBlock;

/**
 * The input of bodyToTypedJSON: a body as a list of entries in order. An attribute
 * holds its evaluated value; a block holds its full dotted name, an optional label
 * and its own entries. (A repeated block is simply several block entries.)
 */
export type BodyEntry =
  | { type: "attr"; name: string; value: Value }
  | { type: "block"; name: string; label?: string; body: BodyEntry[] };

function customString(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== "object") return undefined;
  const ts = (payload as { toString?: unknown }).toString;
  if (typeof ts !== "function" || ts === Object.prototype.toString) return undefined;
  const s = String(ts.call(payload));
  return s === "" ? undefined : s;
}

/**
 * A value in typed JSON form, as alloyjson.MarshalValue: numbers as JSON numbers
 * (float64, so integers beyond 2^53 lose precision as upstream; NaN and infinities
 * have no JSON form and serialize as null), object keys sorted, functions as
 * "function", secrets as "(secret)", capsules whose payload has toAlloyObject() as
 * objects, capsules with their own non-empty toString() as that text, other capsules
 * as their description (`capsule("name")`).
 */
export function valueToTypedJSON(v: Value): TypedJSONValue {
  if (v === null) return { type: "null", value: null };
  if (typeof v === "string") return { type: "string", value: v };
  if (typeof v === "boolean") return { type: "bool", value: v };
  if (v instanceof Num) return { type: "number", value: typeof v.n === "number" ? v.n : Number(v.n) };
  if (Array.isArray(v)) return { type: "array", value: v.map(valueToTypedJSON) };
  if (v instanceof Map) {
    return {
      type: "object",
      value: sortedKeys(v).map((key) => ({ key, value: valueToTypedJSON(v.get(key) as Value) })),
    };
  }
  if (v instanceof Secret) return { type: "capsule", value: "(secret)" };
  if (v instanceof Capsule) {
    const o = capsuleToObject(v);
    if (o) return valueToTypedJSON(o);
    return { type: "capsule", value: customString(v.value) ?? describeValue(v) };
  }
  if (isFunctionValue(v)) return { type: "function", value: "function" };
  return { type: "capsule", value: String(v) };
}

/** A body in typed JSON form, as alloyjson.MarshalBody: attributes and blocks in order. */
export function bodyToTypedJSON(entries: readonly BodyEntry[]): TypedJSONStatement[] {
  const out: TypedJSONStatement[] = [];
  for (const e of entries) {
    if (e.type === "attr") out.push({ name: e.name, type: "attr", value: valueToTypedJSON(e.value) });
    else {
      // Key order as upstream's struct: name, type, label (only when set), body.
      const body = bodyToTypedJSON(e.body);
      out.push(e.label ? { name: e.name, type: "block", label: e.label, body } : { name: e.name, type: "block", body });
    }
  }
  return out;
}

/** Body entries for an object, one attribute per key in key order (alloyjson.MarshalBody of a map). */
export function objectToBodyEntries(o: ReadonlyMap<string, Value>): BodyEntry[] {
  const out: BodyEntry[] = [];
  for (const [name, value] of o) out.push({ type: "attr", name, value });
  return out;
}
