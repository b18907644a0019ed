// Runtime values of the Alloy language.
//
// Representation (chosen so the evaluator stays exact and consumers stay simple):
//   null, boolean, string   -> themselves
//   number                  -> Num: kind "int" | "uint" (bigint, 64-bit wrapping) or "float" (number)
//   array                   -> Value[]
//   object                  -> ObjectValue (a Map, so any key is safe and insertion order is kept)
//   function                -> FunctionValue
//   capsule                 -> Capsule (an opaque live object, e.g. a receiver), or Secret
// toJS()/fromJS() convert to and from plain JavaScript for consumers such as JSON Schema
// validation in the runtime.

export type NumberKind = "int" | "uint" | "float";

export class Num {
  readonly kind: NumberKind;
  /** bigint for int and uint, number for float. */
  readonly n: bigint | number;
  private constructor(kind: NumberKind, n: bigint | number) {
    this.kind = kind;
    this.n = n;
  }
  static int(v: bigint | number): Num {
    return new Num("int", BigInt.asIntN(64, typeof v === "bigint" ? v : BigInt(Math.trunc(v))));
  }
  static uint(v: bigint | number): Num {
    return new Num("uint", BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(Math.trunc(v))));
  }
  static float(v: number): Num {
    return new Num("float", v);
  }
  /** The value as a JS number (may lose precision beyond 2^53). */
  toNumber(): number {
    return typeof this.n === "number" ? this.n : Number(this.n);
  }
  /** The value as a bigint, truncating floats toward zero. */
  toBigInt(): bigint {
    return typeof this.n === "bigint" ? this.n : BigInt(Math.trunc(this.n));
  }
}

export type ObjectValue = Map<string, Value>;

/** A callable value. Arguments arrive already evaluated. */
export interface FunctionValue {
  readonly kind: "function";
  readonly name: string;
  /** Minimum argument count. */
  readonly minArgs: number;
  /** Maximum argument count, or -1 for variadic. */
  readonly maxArgs: number;
  call(args: Value[]): Value;
}

/** An opaque live object passed between components (receivers, handles...). */
export class Capsule {
  readonly value: unknown;
  /** A name for the Go-like type shown in messages, e.g. "storage.Appendable". */
  readonly typeName: string;
  constructor(value: unknown, typeName = "capsule") {
    this.value = value;
    this.typeName = typeName;
  }
}

/** A sensitive string. It never converts to a string implicitly. */
export class Secret {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return "(secret)";
  }
  toJSON(): string {
    return "(secret)";
  }
}

export type Value = null | boolean | string | Num | Value[] | ObjectValue | FunctionValue | Capsule | Secret;

export type ValueType = "null" | "number" | "string" | "bool" | "array" | "object" | "function" | "capsule";

export function typeOf(v: Value): ValueType {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
  }
  if (v instanceof Num) return "number";
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "object";
  if (v instanceof Capsule || v instanceof Secret) return "capsule";
  return "function";
}

export function isFunctionValue(v: Value): v is FunctionValue {
  return typeof v === "object" && v !== null && (v as FunctionValue).kind === "function" && !(v instanceof Map);
}

export function makeFunction(
  name: string,
  minArgs: number,
  maxArgs: number,
  call: (args: Value[]) => Value,
): FunctionValue {
  return { kind: "function", name, minArgs, maxArgs, call };
}

export function objectOf(entries: Record<string, Value> | Iterable<[string, Value]>): ObjectValue {
  if (Symbol.iterator in Object(entries)) return new Map(entries as Iterable<[string, Value]>);
  return new Map(Object.entries(entries as Record<string, Value>));
}

/** Plain JavaScript form of a value type, for consumers outside the language. */
export type JSValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | JSValue[]
  | { [k: string]: JSValue }
  | FunctionValue
  | Capsule
  | Secret;

/**
 * Converts to plain JavaScript: numbers become JS numbers (ints beyond 2^53 stay
 * bigint), objects plain objects, capsules and secrets stay as they are.
 */
export function toJS(v: Value): JSValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (v instanceof Num) {
    if (typeof v.n === "number") return v.n;
    return v.n >= BigInt(Number.MIN_SAFE_INTEGER) && v.n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.n) : v.n;
  }
  if (Array.isArray(v)) return v.map(toJS);
  if (v instanceof Map) {
    const o: { [k: string]: JSValue } = {};
    for (const [k, x] of v)
      Object.defineProperty(o, k, { value: toJS(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

/**
 * Converts plain JavaScript into a value: integral numbers become ints, other numbers
 * floats, plain objects objects; class instances that are not values become capsules.
 */
export function fromJS(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case "boolean":
    case "string":
      return x;
    case "number":
      return Number.isInteger(x) ? Num.int(x) : Num.float(x);
    case "bigint":
      return x < 0n || x <= BigInt.asIntN(64, (1n << 63n) - 1n) ? Num.int(x) : Num.uint(x);
    case "function":
      return new Capsule(x, "function");
  }
  if (x instanceof Num || x instanceof Capsule || x instanceof Secret) return x;
  if (Array.isArray(x)) return x.map(fromJS);
  if (x instanceof Map) {
    const m: ObjectValue = new Map();
    for (const [k, v] of x) m.set(String(k), fromJS(v));
    return m;
  }
  if (isFunctionValue(x as Value)) return x as FunctionValue;
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    const m: ObjectValue = new Map();
    for (const k of Object.keys(x as object)) m.set(k, fromJS((x as Record<string, unknown>)[k]));
    return m;
  }
  return new Capsule(x, (proto?.constructor?.name as string | undefined) ?? "capsule");
}

/**
 * Thrown by a function when its index-th argument is bad; the evaluator reports the
 * error at that argument's position. Any other error thrown by a function is reported
 * at the call expression.
 */
export class ArgError extends Error {
  readonly index: number;
  constructor(index: number, message: string) {
    super(message);
    this.name = "ArgError";
    this.index = index;
  }
}
