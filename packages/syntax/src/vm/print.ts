// Text forms of expressions and values used in evaluator messages, after Alloy's
// syntax/printer (expressions) and syntax/token/builder (values).
import type { Expr } from "../ast.js";
import { printExpr } from "../printer/index.js";
import { isValidIdentifier } from "../scanner.js";
import type { SourceFile } from "../source.js";
import { quote } from "../strconv.js";
import { tokString } from "../token.js";
import { Capsule, isFunctionValue, Num, type ObjectValue, Secret, typeOf, type Value } from "../value.js";

/**
 * A capsule payload that can present itself as an object (Alloy's
 * ConvertibleIntoCapsule into map[string]Value). Field access, indexing, typed JSON
 * and value printing use it.
 */
export interface ObjectConvertible {
  toAlloyObject(): ObjectValue;
}

/** The object form of a capsule whose payload implements toAlloyObject(), else undefined. */
export function capsuleToObject(c: Capsule): ObjectValue | undefined {
  const p = c.value as Partial<ObjectConvertible> | null | undefined;
  if (p !== null && typeof p === "object" && typeof p.toAlloyObject === "function") {
    try {
      return p.toAlloyObject();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The expression as Alloy's printer writes it on one line: `a.b[0]`, `f(1, "x")`,
 * `[0, 1, 2]`, `{a = 1}`, `1 + 2`. Used to name the failing expression in messages.
 */
export function exprString(e: Expr): string {
  switch (e.kind) {
    case "Identifier":
      return e.ident.name;
    case "Literal":
      return e.value;
    case "Array": {
      let s = "[";
      for (let i = 0; i < e.elements.length; i++) {
        if (i > 0) s += ", ";
        s += exprString(e.elements[i] as Expr);
      }
      return `${s}]`;
    }
    case "Object": {
      let s = "{";
      for (let i = 0; i < e.fields.length; i++) {
        const f = e.fields[i];
        if (f === undefined) continue;
        if (i > 0) s += ", ";
        s += `${f.quoted ? quote(f.name.name) : f.name.name} = ${exprString(f.value)}`;
      }
      return `${s}}`;
    }
    case "Access":
      return `${exprString(e.value)}.${e.name.name}`;
    case "Index":
      return `${exprString(e.value)}[${exprString(e.index)}]`;
    case "Call": {
      let s = `${exprString(e.value)}(`;
      for (let i = 0; i < e.args.length; i++) {
        if (i > 0) s += ", ";
        s += exprString(e.args[i] as Expr);
      }
      return `${s})`;
    }
    case "Unary":
      return `${tokString(e.op)}${exprString(e.value)}`;
    case "Binary":
      return `${exprString(e.left)} ${tokString(e.op)} ${exprString(e.right)}`;
    case "Paren":
      return `(${exprString(e.inner)})`;
  }
}

/**
 * The expression as Alloy's printer.Fprint writes it (line breaks inside arrays,
 * objects and calls follow the source), for naming failing expressions in messages.
 */
export function nodeText(e: Expr, source: SourceFile): string {
  try {
    return printExpr(e, source);
  } catch {
    return exprString(e);
  }
}

/**
 * A float as Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that
 * round-trip, never in exponent form ("1e21" is "1000000000000000000000").
 */
export function floatToString(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const s = String(f);
  const e = s.indexOf("e");
  if (e === -1) return s;
  // Expand d.ddde±x into plain decimal.
  const neg = s[0] === "-";
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf(".");
  const digits = dot === -1 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot === -1 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${"0".repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return neg ? `-${out}` : out;
}

/** A number as Alloy prints it (Number.ToString): ints and uints in decimal, floats by floatToString. */
export function numToString(n: Num): string {
  return typeof n.n === "number" ? floatToString(n.n) : n.n.toString();
}

/** Go-quoted type name of a capsule, as Alloy's Value.Describe: `capsule("alloytypes.Secret")`. */
export function describeValue(v: Value): string {
  if (v instanceof Secret) return `capsule(${quote("alloytypes.Secret")})`;
  if (v instanceof Capsule) return `capsule(${quote(v.typeName)})`;
  return typeOf(v);
}

/** Byte-wise (UTF-8 order) comparison of two strings, as Go compares strings. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from UTF-8 order only between surrogates (astral code
    // points, which sort last in UTF-8) and U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Object keys in Go's sort.Strings order. */
export function sortedKeys(o: ObjectValue): string[] {
  return [...o.keys()].sort(compareStrings);
}

/**
 * A value as Alloy syntax text, as Alloy's token/builder renders it: strings quoted,
 * arrays `[1, 2]`, objects on several lines with sorted keys, secrets as `(secret)`,
 * other capsules by their description, functions as `function`.
 */
export function valueToString(v: Value, indent = ""): string {
  if (v === null) return "null";
  if (typeof v === "string") return quote(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Num) return numToString(v);
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ", ";
      s += valueToString(v[i] as Value, indent);
    }
    return `${s}]`;
  }
  if (v instanceof Map) return objectToString(v, indent);
  if (v instanceof Secret) return "(secret)";
  if (v instanceof Capsule) {
    const o = capsuleToObject(v);
    return o ? objectToString(o, indent) : describeValue(v);
  }
  if (isFunctionValue(v)) return "function";
  return String(v);
}

function objectToString(o: ObjectValue, indent: string): string {
  if (o.size === 0) return "{}";
  const inner = `${indent}\t`;
  let s = "{\n";
  for (const k of sortedKeys(o)) {
    s += `${inner}${isValidIdentifier(k) ? k : quote(k)} = ${valueToString(o.get(k) as Value, inner)},\n`;
  }
  return `${s}${indent}}`;
}
