// Shared helpers of the standard library: argument decoding with Alloy's conversion
// rules (value.Decode of Go function arguments) and Go-compatible number formatting.

import { ArgError, Capsule, Num, Secret, typeOf, type Value } from "../value.js";
import { ElementError, ValueError, ValueTypeError } from "../vm/errors.js";

/** Upstream's type name of a value in messages ("number", "string", "capsule", ...). */
export function typeName(v: Value): string {
  return typeOf(v);
}

/** The message of a value.TypeError: `expected string, got number`. */
export function typeErrorMessage(expected: string, v: Value): string {
  return `expected ${expected}, got ${typeName(v)}`;
}

/** Throws an ArgError for argument index when it has the wrong type. */
export function argTypeError(index: number, expected: string, v: Value): never {
  throw new ArgError(index, typeErrorMessage(expected, v));
}

/** Checks the argument count like value.Call does for Go functions. */
export function checkArity(args: Value[], min: number, max: number): void {
  if (max === -1) {
    if (args.length < min) throw new Error(`expected at least ${min} args, got ${args.length}`);
  } else if (args.length < min || args.length > max) {
    throw new Error(`expected ${min} args, got ${args.length}`);
  }
}

export const SECRET_TO_STRING = "secrets may not be converted into strings";

/**
 * The string value of a number as Alloy converts numbers to strings
 * (strconv.FormatInt/FormatUint, or FormatFloat(f, 'f', -1, 64)).
 */
export function numberToString(n: Num): string {
  if (typeof n.n === "bigint") return n.n.toString();
  return formatFloatShortest(n.n, "f");
}

/**
 * Decodes a value into a Go string as value.Decode does: strings as is, numbers
 * converted, null becomes "", secrets and other types fail. Returns an error message
 * or the string.
 */
export function decodeString(v: Value): string | { error: string } {
  if (typeof v === "string") return v;
  if (v === null) return "";
  if (v instanceof Num) return numberToString(v);
  if (v instanceof Secret) return { error: SECRET_TO_STRING };
  return { error: typeErrorMessage("string", v) };
}

/** Decodes argument index of args as a Go string, throwing ArgError on failure. */
export function argString(args: Value[], index: number): string {
  const r = decodeString(args[index] ?? null);
  if (typeof r === "string") return r;
  throw new ArgError(index, r.error);
}

/**
 * An ArgError for element j of the array argument index. Its message is the inner
 * error's text; its cause is a value error path (ElementError) that lets the evaluator
 * point at the element itself, as Alloy does.
 */
export function elementArgError(index: number, array: Value, j: number, inner: ValueError): ArgError {
  const e = new ArgError(index, inner.message);
  (e as { cause?: unknown }).cause = new ElementError(array, j, inner);
  return e;
}

/** A value.TypeError for v. */
export function valueTypeError(v: Value, expected: string): ValueTypeError {
  return new ValueTypeError(v, expected);
}

/** Decodes argument index as a Go []string (null is an empty slice). */
export function argStringArray(args: Value[], index: number): string[] {
  const v = args[index] ?? null;
  if (v === null) return [];
  if (!Array.isArray(v)) return argTypeError(index, "array", v);
  const out: string[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const el = v[i] as Value;
    const r = decodeString(el);
    if (typeof r !== "string") {
      const inner = el instanceof Secret ? new ValueError(el, r.error) : new ValueTypeError(el, "string");
      throw elementArgError(index, v, i, inner);
    }
    out[i] = r;
  }
  return out;
}

/** Decodes argument index as an alloytypes.Secret: secrets and strings (and numbers) are accepted. */
export function argSecret(args: Value[], index: number): string {
  const v = args[index] ?? null;
  if (v instanceof Secret) return v.value;
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (v instanceof Capsule) {
    // An OptionalSecret-like capsule holding {value} converts too.
    const inner = v.value as { value?: unknown } | null;
    if (inner && typeof inner === "object" && typeof inner.value === "string") return inner.value;
  }
  return argTypeError(index, "capsule", v);
}

// ---------------------------------------------------------------------------
// Go strconv float formatting.

/** Exact decimal expansion of a finite, non-negative double: digits (no leading zeros) and point position. */
export interface Decimal {
  /** Decimal digits without leading or trailing zeros ("" for zero). */
  d: string;
  /** Position of the decimal point relative to the start of d (value = 0.d * 10^dp). */
  dp: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function trimDecimal(d: string, dp: number): Decimal {
  let start = 0;
  while (start < d.length && d.charCodeAt(start) === 48) {
    start++;
    dp--;
  }
  let end = d.length;
  while (end > start && d.charCodeAt(end - 1) === 48) end--;
  if (start === end) return { d: "", dp: 0 };
  return { d: d.slice(start, end), dp };
}

/** The exact decimal value of |x| (x finite). */
export function exactDecimal(x: number): Decimal {
  x = Math.abs(x);
  if (x === 0) return { d: "", dp: 0 };
  f64[0] = x;
  const lo = u32[0] as number;
  const hi = u32[1] as number;
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) {
    e = -1074;
  } else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  if (e >= 0) {
    const s = (mant << BigInt(e)).toString();
    return trimDecimal(s, s.length);
  }
  // mant * 2^e = mant * 5^-e / 10^-e
  const s = (mant * 5n ** BigInt(-e)).toString();
  return trimDecimal(s, s.length + e);
}

/** The shortest decimal that round-trips to x (x finite, non-zero), like strconv's shortest mode. */
export function shortestDecimal(x: number): Decimal {
  x = Math.abs(x);
  if (x === 0) return { d: "", dp: 0 };
  const s = x.toExponential(); // shortest round-trip digits
  const ei = s.indexOf("e");
  const mant = s.slice(0, ei).replace(".", "");
  const exp = Number(s.slice(ei + 1));
  return trimDecimal(mant, exp + 1);
}

/** Rounds a decimal to nd significant digits, half to even on exact ties (like strconv's decimal.Round). */
export function roundDecimal(dec: Decimal, nd: number): Decimal {
  const { d, dp } = dec;
  if (nd < 0) return { d: "", dp: 0 };
  if (nd >= d.length) return dec;
  // Decide whether to round up.
  let up: boolean;
  const c = d.charCodeAt(nd) - 48;
  if (c > 5) up = true;
  else if (c < 5) up = false;
  else if (nd + 1 < d.length)
    up = true; // digits after the 5 are non-zero (trailing zeros were trimmed)
  else up = nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1; // exact half: round to even
  if (!up) return trimDecimal(d.slice(0, nd), dp);
  // Round up: increment the prefix.
  const digits = d.slice(0, nd).split("");
  let i = nd - 1;
  while (i >= 0) {
    if (digits[i] === "9") {
      digits[i] = "0";
      i--;
    } else {
      digits[i] = String.fromCharCode((digits[i] as string).charCodeAt(0) + 1);
      break;
    }
  }
  if (i < 0) return trimDecimal(`1${digits.join("")}`, dp + 1);
  return trimDecimal(digits.join(""), dp);
}

function digitAt(dec: Decimal, i: number): string {
  return i >= 0 && i < dec.d.length ? (dec.d[i] as string) : "0";
}

function fmtE(neg: boolean, dec: Decimal, prec: number, fmtc: string): string {
  let s = neg ? "-" : "";
  s += dec.d.length === 0 ? "0" : (dec.d[0] as string);
  if (prec > 0) {
    s += ".";
    let i = 1;
    const m = Math.min(dec.d.length, prec + 1);
    if (i < m) {
      s += dec.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) s += "0";
  }
  s += fmtc;
  let exp = dec.dp - 1;
  if (dec.d.length === 0) exp = 0;
  let ch = "+";
  if (exp < 0) {
    ch = "-";
    exp = -exp;
  }
  s += ch;
  s += exp < 10 ? `0${exp}` : String(exp);
  return s;
}

function fmtF(neg: boolean, dec: Decimal, prec: number): string {
  let s = neg ? "-" : "";
  if (dec.dp > 0) {
    const m = Math.min(dec.d.length, dec.dp);
    s += dec.d.slice(0, m);
    for (let i = m; i < dec.dp; i++) s += "0";
  } else {
    s += "0";
  }
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) s += digitAt(dec, dec.dp + i - 1);
  }
  return s;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64) for fmt in e, E, f, g, G (prec -1 = shortest).
 */
export function formatFloat(x: number, fmt: "e" | "E" | "f" | "g" | "G", prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "+Inf";
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let dec: Decimal;
  if (shortest) {
    dec = shortestDecimal(x);
    switch (fmt) {
      case "e":
      case "E":
        prec = Math.max(dec.d.length - 1, 0);
        break;
      case "f":
        prec = Math.max(dec.d.length - dec.dp, 0);
        break;
      case "g":
      case "G":
        prec = dec.d.length;
        break;
    }
  } else {
    const exact = exactDecimal(x);
    switch (fmt) {
      case "e":
      case "E":
        dec = roundDecimal(exact, prec + 1);
        break;
      case "f":
        dec = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        dec = roundDecimal(exact, prec);
        break;
    }
  }
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, dec, prec, fmt);
    case "f":
      return fmtF(neg, dec, prec);
  }
  // %g
  let eprec = prec;
  const nd = dec.d.length;
  if (eprec > nd && nd >= dec.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = dec.dp - 1;
  if (nd !== 0 && (exp < -4 || exp >= eprec)) {
    if (prec > nd) prec = nd;
    return fmtE(neg, dec, prec - 1, fmt === "g" ? "e" : "E");
  }
  if (nd === 0) return fmtF(neg, dec, 0);
  if (prec > dec.dp) prec = nd;
  return fmtF(neg, dec, Math.max(prec - dec.dp, 0));
}

/** strconv.FormatFloat(x, fmt, -1, 64). */
export function formatFloatShortest(x: number, fmt: "e" | "f" | "g"): string {
  return formatFloat(x, fmt, -1);
}

/** Encodes a JS string as UTF-8 bytes. */
export const utf8Encoder = new TextEncoder();
/** Decodes UTF-8 bytes, replacing invalid sequences with U+FFFD like Go's string conversion when printed. */
export const utf8Decoder = new TextDecoder("utf-8");

/** Number of Unicode code points in s (Go's utf8.RuneCountInString). */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Go's string order (byte-wise UTF-8, which orders like code points), for sorting map keys. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
