// Literals and operators with Alloy's exact semantics (syntax/internal/transform).

import { structurallyEqual } from "../internal/deep-equal.js";
import { quote, unquote } from "../strconv.js";
import { Tok, tokString } from "../token.js";
import { Capsule, Num, type NumberKind, Secret, typeOf, type Value, type ValueType } from "../value.js";
import { compareStrings } from "./print.js";

const MIN_INT64 = -(1n << 63n);
const TWO63 = 2 ** 63;

/** An operator failure: which operand (0 = left/only, 1 = right) and the message. */
export class OpError extends Error {
  readonly side: 0 | 1;
  constructor(side: 0 | 1, message: string) {
    super(message);
    this.name = "OpError";
    this.side = side;
  }
}

// ---------------------------------------------------------------------------
// Literals

function parseError(fn: string, lit: string, reason: string): Error {
  return new Error(`strconv.${fn}: parsing ${quote(lit)}: ${reason}`);
}

/**
 * An unsigned integer with Go's base-0 rules (0x, 0o, 0b prefixes, a leading 0 for
 * octal, underscores only between digits or after a prefix), or undefined if invalid.
 */
function parseGoUnsigned(s: string): bigint | undefined {
  let base = 10;
  let i = 0;
  let last: "start" | "digit" | "_" = "start";
  let digits = 0;
  if (s.length > 1 && s[0] === "0") {
    const p = s[1]?.toLowerCase();
    if (p === "x" || p === "o" || p === "b") {
      base = p === "x" ? 16 : p === "o" ? 8 : 2;
      i = 2;
    } else {
      base = 8;
      i = 1;
      digits = 1;
    }
    last = "digit";
  }
  const b = BigInt(base);
  let v = 0n;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      if (last !== "digit") return undefined;
      last = "_";
      continue;
    }
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
    else return undefined;
    if (d >= base) return undefined;
    v = v * b + BigInt(d);
    digits++;
    last = "digit";
  }
  if (digits === 0 || last !== "digit") return undefined;
  return v;
}

const decimalFloat = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Go's strconv.ParseFloat(s, 64) for decimal input; throws Go's error text. */
export function parseGoFloat(s: string): number {
  if (!decimalFloat.test(s)) {
    const l = s.toLowerCase().replace(/^[+-]/, "");
    if (l === "inf" || l === "infinity") return s[0] === "-" ? -Infinity : Infinity;
    if (l === "nan") return Number.NaN;
    throw parseError("ParseFloat", s, "invalid syntax");
  }
  const f = Number(s);
  if (!Number.isFinite(f)) throw parseError("ParseFloat", s, "value out of range");
  return f;
}

/** The value of a literal token, as Alloy's ValueFromLiteral. Throws Error on a bad literal. */
export function valueFromLiteral(lit: string, tok: Tok): Value {
  switch (tok) {
    case Tok.NULL:
      return null;
    case Tok.NUMBER: {
      const v = parseGoUnsigned(lit);
      if (v !== undefined) {
        if (v < 1n << 63n) return Num.int(v);
        if (v < 1n << 64n) return Num.uint(v);
      }
      return Num.float(parseGoFloat(lit));
    }
    case Tok.FLOAT:
      return Num.float(parseGoFloat(lit));
    case Tok.STRING:
      try {
        return unquote(lit);
      } catch {
        throw new Error("invalid syntax");
      }
    case Tok.BOOL:
      if (lit === "true") return true;
      if (lit === "false") return false;
      throw new Error(`invalid boolean literal ${quote(lit)}`);
    default:
      throw new Error(`${tokString(tok)} is not a valid token`);
  }
}

// ---------------------------------------------------------------------------
// Number kinds

const kindPrec: Record<NumberKind, number> = { uint: 0, int: 1, float: 2 };

/** The kind both operands are converted to: uint < int < float. */
export function fitNumberKinds(a: NumberKind, b: NumberKind): NumberKind {
  return kindPrec[a] > kindPrec[b] ? a : b;
}

/** Go's int64(f) on amd64 (out of range and NaN give the minimum int64). */
export function floatToInt64(f: number): bigint {
  if (!(f >= -TWO63 && f < TWO63)) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** Go's uint64(f) on amd64. */
export function floatToUint64(f: number): bigint {
  if (f < TWO63 || Number.isNaN(f)) return BigInt.asUintN(64, floatToInt64(f));
  const x = floatToInt64(f - TWO63);
  return BigInt.asUintN(64, x ^ MIN_INT64);
}

/** The number as Go's Number.Int(): int64, wrapping uints and truncating floats. */
export function numInt(n: Num): bigint {
  if (typeof n.n === "number") return floatToInt64(n.n);
  return n.kind === "uint" ? BigInt.asIntN(64, n.n) : n.n;
}

/** The number as Go's Number.Uint(). */
export function numUint(n: Num): bigint {
  if (typeof n.n === "number") return floatToUint64(n.n);
  return n.kind === "int" ? BigInt.asUintN(64, n.n) : n.n;
}

/** The number as Go's Number.Float(). */
export function numFloat(n: Num): number {
  return typeof n.n === "number" ? n.n : Number(n.n);
}

function intPow(n: bigint, m: bigint, bits: "int" | "uint"): bigint {
  if (m === 0n || n === 1n) return 1n;
  if (n === 0n && m > 0n) return 0n;
  if (m < 2n) return n; // Alloy's loop multiplies (m-1) times: none for m <= 1.
  // Square-and-multiply modulo 2^64 gives what repeated wrapping multiplication gives.
  let result = 1n;
  let base = BigInt.asUintN(64, n);
  let e = m;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asUintN(64, result * base);
    base = BigInt.asUintN(64, base * base);
    e >>= 1n;
  }
  return bits === "int" ? BigInt.asIntN(64, result) : result;
}

/** Go's math.Pow special cases that differ from JavaScript's. */
function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

// ---------------------------------------------------------------------------
// Equality

/** Deep equality as Alloy's `==`: numbers across kinds, arrays/objects deeply, functions never. */
export function valuesEqual(a: Value, b: Value): boolean {
  return structurallyEqual(a, b, operatorScalarsEqual);
}

function operatorScalarsEqual(a: Value, b: Value): boolean {
  if (a === b) {
    if (a instanceof Num) return !(typeof a.n === "number" && Number.isNaN(a.n));
    return a === null || typeof a !== "object" || a instanceof Secret || a instanceof Capsule;
  }
  if (a === null || b === null) return false;
  const ta = typeof a;
  if (ta !== typeof b) return false;
  if (ta !== "object") return false; // distinct strings or booleans
  if (a instanceof Num) {
    if (!(b instanceof Num)) return false;
    switch (fitNumberKinds(a.kind, b.kind)) {
      case "uint":
        return numUint(a) === numUint(b);
      case "int":
        return numInt(a) === numInt(b);
      default:
        return numFloat(a) === numFloat(b);
    }
  }
  if (a instanceof Secret) return b instanceof Secret && a.value === b.value;
  if (a instanceof Capsule) return b instanceof Capsule && a.value === b.value;
  return false; // functions are never equal; arrays and objects never meet scalars
}

// ---------------------------------------------------------------------------
// Binary and unary operators

const allowed: Record<number, readonly ValueType[]> = {
  [Tok.OR]: ["bool"],
  [Tok.AND]: ["bool"],
  [Tok.ADD]: ["number", "string", "capsule"],
  [Tok.SUB]: ["number"],
  [Tok.MUL]: ["number"],
  [Tok.DIV]: ["number"],
  [Tok.MOD]: ["number"],
  [Tok.POW]: ["number"],
  [Tok.LT]: ["number", "string"],
  [Tok.GT]: ["number", "string"],
  [Tok.LTE]: ["number", "string"],
  [Tok.GTE]: ["number", "string"],
};

function notAllowed(side: 0 | 1, op: Tok, t: ValueType): OpError {
  const list = allowed[op] ?? [];
  return new OpError(side, `should be one of [${list.join(" ")}] for binop ${tokString(op)}, got ${t}`);
}

function divByZero(r: Num): boolean {
  return typeof r.n === "number" ? r.n === 0 : r.n === 0n;
}

/**
 * Applies a binary operator as Alloy's transform.BinaryOp. Both operands are already
 * evaluated (Alloy's `&&` and `||` never short-circuit). Throws OpError naming the
 * operand at fault.
 */
export function binaryOp(lhs: Value, op: Tok, rhs: Value): Value {
  // Strings meeting secrets become secrets (Alloy's tryUnwrapCapsules).
  if (lhs instanceof Secret) {
    if (typeof rhs === "string") rhs = new Secret(rhs);
  } else if (rhs instanceof Secret && typeof lhs === "string") {
    lhs = new Secret(lhs);
  }

  if (op === Tok.EQ) return valuesEqual(lhs, rhs);
  if (op === Tok.NEQ) return !valuesEqual(lhs, rhs);

  // Fast path: two numbers always pass the type checks below for every operator but
  // `&&` and `||`, so go straight to the arithmetic.
  if (lhs instanceof Num && rhs instanceof Num && op !== Tok.OR && op !== Tok.AND) return numOp(lhs, op, rhs);

  const lt = typeOf(lhs);
  const rt = typeOf(rhs);
  const list = allowed[op];
  if (list === undefined) throw new OpError(0, `unexpected binop ${tokString(op)}`);
  if (!list.includes(lt)) throw notAllowed(0, op, lt);
  if (!list.includes(rt)) throw notAllowed(1, op, rt);
  if (lt !== rt) throw new OpError(1, `should be ${lt}, got ${rt}`);

  switch (op) {
    case Tok.OR:
      return (lhs as boolean) || (rhs as boolean);
    case Tok.AND:
      return (lhs as boolean) && (rhs as boolean);
    case Tok.ADD:
      if (lt === "string") return (lhs as string) + (rhs as string);
      if (lt === "capsule") {
        if (lhs instanceof Secret) return new Secret(lhs.value + (rhs instanceof Secret ? rhs.value : ""));
        throw new OpError(0, `could not perform binop + for unknown types lhs ${lt} rhs ${rt}`);
      }
      return numOp(lhs as Num, op, rhs as Num);
    case Tok.LT:
    case Tok.GT:
    case Tok.LTE:
    case Tok.GTE:
      if (lt === "string") {
        return compareOp(compareStrings(lhs as string, rhs as string), op, 0);
      }
      return numOp(lhs as Num, op, rhs as Num);
    default:
      return numOp(lhs as Num, op, rhs as Num);
  }
}

function numOp(l: Num, op: Tok, r: Num): Value {
  if ((op === Tok.DIV || op === Tok.MOD) && divByZero(r)) throw new OpError(1, "divide by zero error");
  const kind = l.kind === r.kind ? l.kind : fitNumberKinds(l.kind, r.kind);
  if (kind === "float") return floatOp(numFloat(l), op, numFloat(r));
  if (kind === "int") return intOp(numInt(l), op, numInt(r), kind);
  return intOp(numUint(l), op, numUint(r), kind);
}

function floatOp(a: number, op: Tok, b: number): Value {
  switch (op) {
    case Tok.ADD:
      return Num.float(a + b);
    case Tok.SUB:
      return Num.float(a - b);
    case Tok.MUL:
      return Num.float(a * b);
    case Tok.DIV:
      return Num.float(a / b);
    case Tok.MOD:
      return Num.float(a % b);
    case Tok.POW:
      return Num.float(goPow(a, b));
  }
  return compareOp(a, op, b);
}

/** Arithmetic on int64 or uint64 operands; Num.int/Num.uint wrap the result to 64 bits. */
function intOp(a: bigint, op: Tok, b: bigint, kind: "int" | "uint"): Value {
  const make = kind === "int" ? Num.int : Num.uint;
  switch (op) {
    case Tok.ADD:
      return make(a + b);
    case Tok.SUB:
      return make(a - b);
    case Tok.MUL:
      return make(a * b);
    case Tok.DIV:
      return make(a / b); // truncates toward zero like Go; MinInt64 / -1 wraps to MinInt64
    case Tok.MOD:
      return make(a % b);
    case Tok.POW:
      return make(intPow(a, b, kind));
  }
  return compareOp(a, op, b);
}

/** An ordering operator on two operands of one type (numbers or string comparison results). */
function compareOp<T extends number | bigint>(a: T, op: Tok, b: T): boolean {
  switch (op) {
    case Tok.LT:
      return a < b;
    case Tok.GT:
      return a > b;
    case Tok.LTE:
      return a <= b;
    case Tok.GTE:
      return a >= b;
  }
  throw new OpError(0, `unexpected binop ${tokString(op)}`);
}

/** Applies `!` or `-` as Alloy's transform.UnaryOp; throws OpError (side 0). */
export function unaryOp(op: Tok, v: Value): Value {
  if (op === Tok.NOT) {
    if (typeof v !== "boolean") throw new OpError(0, `should be bool, got ${typeOf(v)}`);
    return !v;
  }
  if (op === Tok.SUB) {
    if (!(v instanceof Num)) throw new OpError(0, `should be number, got ${typeOf(v)}`);
    if (typeof v.n === "number") return Num.float(-v.n);
    // Alloy always negates integers as int64, even uints.
    return Num.int(-numInt(v));
  }
  throw new OpError(0, `unexpected unary operator ${tokString(op)}`);
}
