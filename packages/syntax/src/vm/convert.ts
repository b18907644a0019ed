// Conversions between value types, after Alloy's value.Decode rules for primitive
// targets (syntax/internal/value: convertValue, tryCapsuleConvert, alloytypes.Secret).
import { Capsule, Num, Secret, typeOf, type Value, type ValueType } from "../value.js";
import { ValueError, ValueTypeError } from "./errors.js";
import { parseGoFloat } from "./ops.js";
import { capsuleToObject, describeValue, numToString } from "./print.js";

/**
 * A conversion target: a value type, "secret" (Alloy's alloytypes.Secret) or "any"
 * (no conversion).
 */
export type TargetType = ValueType | "secret" | "any";

/** Throws ValueTypeError ("expected X, got Y") unless v has type t. */
export function expectType(v: Value, t: ValueType): void {
  if (typeOf(v) !== t) throw new ValueTypeError(v, t);
}

const maxUint64 = (1n << 64n) - 1n;
const maxInt64 = (1n << 63n) - 1n;
const minInt64 = -(1n << 63n);

/** Go's strconv.ParseInt(s, 10, 64) / ParseUint(s, 10, 64), or undefined when invalid or out of range. */
function parseDecimalInteger(s: string, signed: boolean): bigint | undefined {
  let i = 0;
  if (signed && (s[0] === "-" || s[0] === "+")) i = 1;
  if (i >= s.length) return undefined;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const v = BigInt(s);
  if (signed ? v < minInt64 || v > maxInt64 : v > maxUint64) return undefined;
  return v;
}

/**
 * A string converted to a number as Alloy does when a string is used where a number
 * is expected: a leading "-" parses as int, text containing ".", "e" or "E" as float,
 * anything else as uint. Throws ValueTypeError when the text is not such a number.
 */
export function stringToNumber(s: string): Num {
  if (s !== "") {
    if (s[0] === "-") {
      const v = parseDecimalInteger(s, true);
      if (v !== undefined) return Num.int(v);
    } else if (s.includes(".") || s.includes("e") || s.includes("E")) {
      try {
        return Num.float(parseGoFloat(s));
      } catch {
        // fall through to the type error
      }
    } else {
      const v = parseDecimalInteger(s, false);
      if (v !== undefined) return Num.uint(v);
    }
  }
  throw new ValueTypeError(s, "number");
}

/**
 * Converts v for use where a value of type `target` is expected, following Alloy's
 * decoding rules for primitive targets:
 *   - a value of the target type is returned as is; null is returned as is for every
 *     target (Alloy decodes null as the target's zero value; the caller picks it);
 *   - number -> string uses Alloy's number text (`3.9`, `24`);
 *   - string -> number parses as stringToNumber;
 *   - string -> secret wraps the string; a secret never converts to a string
 *     ("secrets may not be converted into strings");
 *   - a capsule whose payload has toAlloyObject() converts to an object;
 *   - anything else throws ValueTypeError ("expected X, got Y") or ValueError.
 */
export function convertTo(v: Value, target: TargetType): Value {
  if (v === null || target === "any") return v;
  const from = typeOf(v);
  switch (target) {
    case "secret":
      if (v instanceof Secret) return v;
      if (typeof v === "string") return new Secret(v);
      if (v instanceof Capsule)
        throw new ValueError(v, `expected capsule("alloytypes.Secret"), got ${describeValue(v)}`);
      throw new ValueTypeError(v, "capsule");
    case "string":
      if (typeof v === "string") return v;
      if (v instanceof Num) return numToString(v);
      if (v instanceof Secret) throw new ValueError(v, "secrets may not be converted into strings");
      throw new ValueTypeError(v, "string");
    case "number":
      if (v instanceof Num) return v;
      if (typeof v === "string") return stringToNumber(v);
      throw new ValueTypeError(v, "number");
    case "object":
      if (from === "object") return v;
      if (v instanceof Capsule) {
        const o = capsuleToObject(v);
        if (o) return o;
      }
      throw new ValueTypeError(v, "object");
    default:
      if (from !== target) throw new ValueTypeError(v, target);
      return v;
  }
}
