// json_path(json, path): JSONPath queries with the syntax and semantics of
// github.com/ohler55/ojg/jp (Parse + Expr.Get), the library Alloy uses.
//
// The JSON text is parsed like ojg's oj.ParseString: integers stay ints, other
// numbers are floats. Object members are visited in document order (ojg visits Go
// maps in random order).

import { makeFunction, Num, type ObjectValue, type Value } from "../value.js";
import { decodeJSON, JSONSyntaxError } from "./json.js";
import { argString } from "./util.js";

type Frag =
  | { t: "root" }
  | { t: "at" }
  | { t: "child"; name: string }
  | { t: "nth"; i: number }
  | { t: "wild" }
  | { t: "descent" }
  | { t: "slice"; s: number[] }
  | { t: "union"; keys: (string | number)[] }
  | { t: "filter"; eq: Eq };

type Eq =
  | { k: "val"; v: Value }
  | { k: "path"; x: Frag[] }
  | { k: "list"; items: Value[] }
  | { k: "rx"; re: RegExp }
  | { k: "not"; e: Eq }
  | { k: "group"; e: Eq }
  | { k: "bin"; op: string; l: Eq; r: Eq }
  | { k: "fn"; name: string; args: Eq[] };

const MAX_END = 2147483647;

// ojg's tokenMap: characters that may appear in an unbracketed child name.
function isTokenChar(c: number): boolean {
  if (c >= 0x80) return true;
  if ((c >= 0x30 && c <= 0x3b) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7e)) return true;
  return c === 0x23 || c === 0x25 || c === 0x3f || c === 0x5e || c === 0x5f;
}

// ojg's eqMap 'o' entries: characters of operators.
const OP_CHARS = new Set(["!", "&", "*", "+", "-", "/", "<", "=", ">", "e", "h", "i", "|", "~"]);
const OPS: Record<string, number> = {
  "==": 3,
  "!=": 3,
  "<": 3,
  ">": 3,
  "<=": 3,
  ">=": 3,
  "||": 4,
  "&&": 4,
  "+": 2,
  "-": 2,
  "*": 1,
  "/": 1,
  in: 3,
  empty: 3,
  has: 3,
  "=~": 0,
  "~=": 0,
};

class PathParser {
  private readonly buf: string;
  pos = 0;
  constructor(buf: string) {
    this.buf = buf;
  }

  raise(msg: string): never {
    throw new Error(`${msg} at ${this.pos + 1} in ${this.buf}`);
  }

  parse(): Frag[] {
    const x = this.readExpr();
    if (this.pos < this.buf.length) this.raise("parse error");
    return x;
  }

  readExpr(): Frag[] {
    const x: Frag[] = [];
    let first = true;
    let lastDescent = false;
    for (;;) {
      const f = this.nextFrag(first, lastDescent);
      if (f === undefined) return x;
      first = false;
      lastDescent = f.t === "descent";
      x.push(f);
    }
  }

  private nextFrag(first: boolean, lastDescent: boolean): Frag | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const b = this.buf[this.pos] as string;
    this.pos++;
    switch (b) {
      case "$":
        return first ? { t: "root" } : undefined;
      case "@":
        return first ? { t: "at" } : undefined;
      case ".":
        return this.afterDot();
      case "*":
        return { t: "wild" };
      case "[":
        return this.afterBracket();
      case "]":
        this.pos--;
        return undefined;
    }
    this.pos--;
    if (isTokenChar(b.charCodeAt(0))) {
      if (first) return this.afterDot();
      if (lastDescent) return this.afterDotDot();
    }
    return undefined;
  }

  private afterDot(): Frag {
    if (this.pos >= this.buf.length) this.raise("not terminated");
    const b = this.buf[this.pos] as string;
    this.pos++;
    if (b === "*") return { t: "wild" };
    if (b === ".") return { t: "descent" };
    if (!isTokenChar(b.charCodeAt(0))) this.raise(`an expression fragment can not start with a '${b}'`);
    let token = b;
    while (this.pos < this.buf.length && isTokenChar(this.buf.charCodeAt(this.pos))) token += this.buf[this.pos++];
    return { t: "child", name: token };
  }

  private afterDotDot(): Frag {
    let token = this.buf[this.pos++] as string;
    while (this.pos < this.buf.length && isTokenChar(this.buf.charCodeAt(this.pos))) token += this.buf[this.pos++];
    return { t: "child", name: token };
  }

  private skipSpace(): string {
    let b = "";
    while (this.pos < this.buf.length) {
      b = this.buf[this.pos] as string;
      this.pos++;
      if (b !== " ") break;
    }
    return b;
  }

  private nextNonSpace(): string {
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos] as string;
      if (b !== " ") return b;
      this.pos++;
    }
    return "";
  }

  private afterBracket(): Frag {
    if (this.pos >= this.buf.length) this.raise("not terminated");
    let b = this.skipSpace();
    switch (b) {
      case "*":
        if (this.skipSpace() !== "]") this.raise("not terminated");
        return { t: "wild" };
      case "'":
      case '"': {
        const s = this.readStr(b);
        b = this.skipSpace();
        if (b === "]") return { t: "child", name: s };
        if (b === ",") return this.readUnion(s, b);
        return this.raise("invalid bracket fragment");
      }
      case ":":
        return this.readSlice(0);
      case "?":
        return this.readFilter();
      case "(":
        return this.raise("scripts not implemented yet");
    }
    if (b === "-" || (b >= "0" && b <= "9")) {
      let i: number;
      [i, b] = this.readInt(b);
      for (;;) {
        switch (b) {
          case " ":
            b = this.skipSpace();
            continue;
          case "]":
            return { t: "nth", i };
          case ",":
            return this.readUnion(i, b);
          case ":":
            return this.readSlice(i);
        }
        return this.raise("invalid bracket fragment");
      }
    }
    this.pos--;
    return this.raise("parse error");
  }

  private readInt(b: string): [number, string] {
    const neg = b === "-";
    if (neg) {
      if (this.pos >= this.buf.length) this.raise("expected a number");
      b = this.buf[this.pos++] as string;
    }
    const start = this.pos;
    let i = 0;
    for (;;) {
      if (b < "0" || b > "9" || b.length !== 1) break;
      i = i * 10 + (b.charCodeAt(0) - 48);
      if (this.pos >= this.buf.length) break;
      b = this.buf[this.pos++] as string;
    }
    if (this.pos === start) this.raise("expected a number");
    return [neg ? -i : i, b];
  }

  private readSlice(i: number): Frag {
    if (this.pos >= this.buf.length) this.raise("not terminated");
    const f: number[] = [i];
    let b = this.buf[this.pos] as string;
    if (b === "]") {
      f.push(MAX_END);
      this.pos++;
      return { t: "slice", s: f };
    }
    b = this.skipSpace();
    if (b === ":") {
      f.push(MAX_END);
      if (this.pos >= this.buf.length) this.raise("not terminated");
      b = this.buf[this.pos++] as string;
      if (b !== "]") {
        [i, b] = this.readInt(b);
        f.push(i);
      }
    } else {
      [i, b] = this.readInt(b);
      f.push(i);
      if (b === ":") {
        if (this.pos >= this.buf.length) this.raise("not terminated");
        b = this.buf[this.pos++] as string;
        if (b !== "]") {
          [i, b] = this.readInt(b);
          f.push(i);
        }
      }
    }
    if (b !== "]") this.raise("invalid slice syntax");
    return { t: "slice", s: f };
  }

  private readUnion(v: string | number, b: string): Frag {
    if (this.pos >= this.buf.length) this.raise("not terminated");
    const keys: (string | number)[] = [v];
    for (;;) {
      if (b === "]") return { t: "union", keys };
      if (b !== ",") this.raise("invalid union syntax");
      b = this.skipSpace();
      if (b === "'" || b === '"') {
        keys.push(this.readStr(b));
        b = this.skipSpace();
      } else if (b === "-" || (b >= "0" && b <= "9" && b.length === 1)) {
        let i: number;
        [i, b] = this.readInt(b);
        keys.push(i);
        if (b === " ") b = this.skipSpace();
      } else {
        this.raise("invalid union syntax");
      }
    }
  }

  private readStr(term: string): string {
    let out = "";
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos++] as string;
      if (b === term) return out;
      if (b !== "\\") {
        out += b;
        continue;
      }
      const e = this.buf[this.pos++];
      switch (e) {
        case "b":
          out += "\b";
          break;
        case "t":
          out += "\t";
          break;
        case "n":
          out += "\n";
          break;
        case "f":
          out += "\f";
          break;
        case "r":
          out += "\r";
          break;
        case '"':
        case "'":
        case "\\":
          out += e;
          break;
        case "x": {
          const h = this.buf.slice(this.pos, this.pos + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new Error(`0x${hex2(h)} is not a valid hexadecimal character`);
          out += String.fromCharCode(Number.parseInt(h, 16));
          this.pos += 2;
          break;
        }
        case "u":
        case "U": {
          const h = this.buf.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) throw new Error(`0x${hex2(h)} is not a valid hexadecimal character`);
          out += String.fromCharCode(Number.parseInt(h, 16));
          this.pos += 4;
          break;
        }
        default:
          throw new Error(
            `0x${(e ?? "").charCodeAt(0).toString(16).padStart(2, "0")} (${e ?? ""}) is not a valid escaped character`,
          );
      }
    }
    return out;
  }

  private readFilter(): Frag {
    if (this.pos >= this.buf.length) this.raise("not terminated");
    const eq = this.readEq(4);
    const b = this.nextNonSpace();
    if (this.pos >= this.buf.length || b !== "]") this.raise("not terminated");
    this.pos++;
    return { t: "filter", eq };
  }

  /** Reads an equation with operators of precedence up to maxPrec (lower binds tighter). */
  private readEq(maxPrec: number): Eq {
    let left = this.readOperand();
    for (;;) {
      if (this.pos >= this.buf.length) return left;
      const b = this.nextNonSpace();
      if (b === "," || b === ")" || b === "]" || b === "") return left;
      const save = this.pos;
      const op = this.readOp();
      const prec = OPS[op] as number;
      if (prec > maxPrec) {
        this.pos = save;
        return left;
      }
      const right = this.readEq(Math.max(prec - 1, 0));
      left = { k: "bin", op, l: left, r: right };
      // Operators of the same precedence associate to the left.
    }
  }

  private readOp(): string {
    let token = "";
    let b = this.nextNonSpace();
    for (;;) {
      if (!OP_CHARS.has(b) && (token === "" || !partialOp(token, b))) break;
      token += b;
      if (b === "-" && token.length > 1) this.raise(`'${token}' is not a valid operation`);
      this.pos++;
      if (this.pos >= this.buf.length) this.raise("equation not terminated");
      b = this.buf[this.pos] as string;
    }
    if (OPS[token] === undefined) this.raise(`'${token}' is not a valid operation`);
    return token;
  }

  private readOperand(): Eq {
    const b = this.nextNonSpace();
    switch (b) {
      case "!":
        this.pos++;
        return { k: "not", e: this.readEq(4) };
      case "'":
      case '"':
        this.pos++;
        return { k: "val", v: this.readStr(b) };
      case "n":
        this.readToken("null");
        return { k: "val", v: null };
      case "N":
        this.readToken("Nothing");
        return { k: "val", v: null };
      case "t":
        this.readToken("true");
        return { k: "val", v: true };
      case "f":
        this.readToken("false");
        return { k: "val", v: false };
      case "@":
      case "$":
        return { k: "path", x: this.readExpr() };
      case "(": {
        this.pos++;
        const e = this.readEq(4);
        if (this.nextNonSpace() !== ")") this.raise("not terminated");
        this.pos++;
        return { k: "group", e };
      }
      case "[":
        return { k: "list", items: this.readList() };
      case "/":
        this.pos++;
        return { k: "rx", re: this.readRegex() };
      case "l":
        return this.readFunc("length");
      case "c":
        return this.readFunc("count");
      case "m":
        return this.readFunc("match");
      case "s":
        return this.readFunc("search");
    }
    if (b === "-" || (b >= "0" && b <= "9" && b.length === 1)) {
      this.pos++;
      return { k: "val", v: this.readNum(b) };
    }
    return this.raise("expected a value");
  }

  private readToken(word: string): void {
    for (const t of word) {
      if (this.pos >= this.buf.length || this.buf[this.pos] !== t) this.raise(`expected ${word}`);
      this.pos++;
    }
  }

  private readFunc(name: string): Eq {
    if (this.buf.startsWith(`${name}(`, this.pos)) {
      this.pos += name.length + 1;
      const args = [this.readEq(4)];
      let b = this.nextNonSpace();
      if (b === ",") {
        this.pos++;
        args.push(this.readEq(4));
        b = this.nextNonSpace();
      }
      if (b !== ")") this.raise("not terminated");
      this.pos++;
      return { k: "fn", name, args };
    }
    return this.raise(`expected a ${name} function`);
  }

  private readNum(b: string): Value {
    let num = b;
    const digits = () => {
      while (this.pos < this.buf.length && /[0-9]/.test(this.buf[this.pos] as string)) num += this.buf[this.pos++];
    };
    digits();
    let isFloat = false;
    if (this.buf[this.pos] === ".") {
      isFloat = true;
      num += ".";
      this.pos++;
      digits();
    }
    if (this.buf[this.pos] === "e" || this.buf[this.pos] === "E") {
      isFloat = true;
      num += this.buf[this.pos++];
      if (this.pos >= this.buf.length) this.raise("expected a number");
      if (this.buf[this.pos] === "+" || this.buf[this.pos] === "-") num += this.buf[this.pos++];
      digits();
    }
    if (isFloat) return Num.float(Number(num));
    try {
      const n = BigInt(num);
      if (n > (1n << 63n) - 1n || n < -(1n << 63n))
        this.raise(`strconv.ParseInt: parsing "${num}": value out of range`);
      return Num.int(n);
    } catch (e) {
      if (e instanceof Error && e.message.includes(" at ")) throw e;
      return this.raise(`strconv.ParseInt: parsing "${num}": invalid syntax`);
    }
  }

  private readList(): Value[] {
    this.pos++;
    const list: Value[] = [];
    while (this.pos < this.buf.length) {
      const eq = this.readEq(4);
      list.push(eq.k === "val" ? eq.v : null);
      const b = this.skipSpace();
      if (b === "]") break;
      if (b !== ",") this.raise("expected a comma or an array close");
    }
    return list;
  }

  private readRegex(): RegExp {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos++];
      if (b === "/") break;
      if (b === "\\") this.pos++;
    }
    return compileRegex(this.buf.slice(start, this.pos - 1), (m) => this.raise(m));
  }
}

function hex2(s: string): string {
  return (s.charCodeAt(0) || 0).toString(16).padStart(2, "0");
}

function partialOp(token: string, b: string): boolean {
  for (const k of Object.keys(OPS)) {
    if (token.length < k.length && k.startsWith(token) && b === k[token.length]) return true;
  }
  return false;
}

/** Compiles a Go RE2 pattern as a JS RegExp (leading inline flags become flags). */
function compileRegex(src: string, fail: (msg: string) => never): RegExp {
  let flags = "u";
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    for (const f of m[1] as string) if (f !== "U" && !flags.includes(f)) flags += f;
    src = src.slice(m[0].length);
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    return fail(`error parsing regexp: ${(e as Error).message}`);
  }
}

// --- evaluation ---------------------------------------------------------------

function isContainer(v: Value): v is Value[] | ObjectValue {
  return Array.isArray(v) || v instanceof Map;
}

function children(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return [...v.values()];
  return [];
}

function nth(v: Value, i: number): { ok: boolean; v: Value } {
  if (!Array.isArray(v)) return { ok: false, v: null };
  if (i < 0) i += v.length;
  if (i >= 0 && i < v.length) return { ok: true, v: v[i] as Value };
  return { ok: false, v: null };
}

function sliceIndexes(len: number, s: number[]): number[] {
  let start = s[0] ?? 0;
  let end = s.length > 1 ? (s[1] as number) : MAX_END;
  const step = s.length > 2 ? (s[2] as number) : 1;
  if (step === 0) return [];
  if (start < 0) {
    start += len;
    if (start < 0) start = 0;
  }
  if (end < 0) end += len;
  if (len <= start) return [];
  const out: number[] = [];
  if (step > 0) {
    if (end > len) end = len;
    for (let i = start; i < end; i += step) out.push(i);
  } else {
    if (end < -1) end = -1;
    for (let i = start; end < i; i += step) out.push(i);
  }
  return out;
}

function get(x: Frag[], data: Value): Value[] {
  const results: Value[] = [];
  if (x.length === 0) return results;
  const apply = (fi: number, v: Value): void => {
    if (fi === x.length) {
      results.push(v);
      return;
    }
    const f = x[fi] as Frag;
    switch (f.t) {
      case "root":
        apply(fi + 1, data);
        return;
      case "at":
        apply(fi + 1, v);
        return;
      case "child":
        if (v instanceof Map && v.has(f.name)) apply(fi + 1, v.get(f.name) as Value);
        return;
      case "nth": {
        const r = nth(v, f.i);
        if (r.ok) apply(fi + 1, r.v);
        return;
      }
      case "wild":
        for (const c of children(v)) apply(fi + 1, c);
        return;
      case "union":
        for (const k of f.keys) {
          if (typeof k === "string") {
            if (v instanceof Map && v.has(k)) apply(fi + 1, v.get(k) as Value);
          } else {
            const r = nth(v, k);
            if (r.ok) apply(fi + 1, r.v);
          }
        }
        return;
      case "slice":
        if (Array.isArray(v)) for (const i of sliceIndexes(v.length, f.s)) apply(fi + 1, v[i] as Value);
        return;
      case "filter":
        for (const c of children(v)) if (truthy(evalEq(f.eq, c))) apply(fi + 1, c);
        return;
      case "descent":
        if (fi === x.length - 1) {
          descentLast(v, true);
          return;
        }
        descent(fi, v);
        return;
    }
  };
  const descent = (fi: number, v: Value): void => {
    if (!isContainer(v)) {
      apply(fi + 1, v);
      return;
    }
    for (const c of children(v)) if (isContainer(c)) descent(fi, c);
    apply(fi + 1, v);
  };
  const descentLast = (v: Value, top: boolean): void => {
    if (isContainer(v)) {
      results.push(...children(v));
      for (const c of children(v)) if (isContainer(c)) descentLast(c, false);
    }
    if (top) results.push(v);
  };
  apply(0, data);
  return results;
}

function first(x: Frag[], data: Value): Value {
  const r = get(x, data);
  return r.length > 0 ? (r[0] as Value) : null;
}

function truthy(v: Value): boolean {
  return v === true;
}

type Scalar = Value;

function numCmp(a: Num, b: Num): number {
  if (typeof a.n === "bigint" && typeof b.n === "bigint") return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  const x = a.toNumber();
  const y = b.toNumber();
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

function eqValues(a: Scalar, b: Scalar): boolean {
  if (a instanceof Num && b instanceof Num) return numCmp(a, b) === 0;
  if (a === null || typeof a !== "object") return a === b;
  return false;
}

function compare(a: Scalar, b: Scalar): number | undefined {
  if (a instanceof Num && b instanceof Num) {
    const c = numCmp(a, b);
    return Number.isNaN(c) ? undefined : c;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function arith(op: string, a: Value, b: Value): Value {
  if (a instanceof Num && b instanceof Num) {
    if (typeof a.n === "bigint" && typeof b.n === "bigint") {
      switch (op) {
        case "+":
          return Num.int(a.n + b.n);
        case "-":
          return Num.int(a.n - b.n);
        case "*":
          return Num.int(a.n * b.n);
        case "/":
          return b.n === 0n ? null : Num.int(a.n / b.n);
      }
    }
    const x = a.toNumber();
    const y = b.toNumber();
    switch (op) {
      case "+":
        return Num.float(x + y);
      case "-":
        return Num.float(x - y);
      case "*":
        return Num.float(x * y);
      case "/":
        return y === 0 ? null : Num.float(x / y);
    }
  }
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  return null;
}

function lengthOf(v: Value): Value {
  if (typeof v === "string") return Num.int([...v].length);
  if (Array.isArray(v)) return Num.int(v.length);
  if (v instanceof Map) return Num.int(v.size);
  return null;
}

function evalEq(eq: Eq, v: Value): Value {
  switch (eq.k) {
    case "val":
      return eq.v;
    case "path":
      return first(eq.x, v);
    case "list":
      return eq.items;
    case "rx":
      return null;
    case "group":
      return evalEq(eq.e, v);
    case "not":
      return evalEq(eq.e, v) !== true;
    case "fn": {
      const a = eq.args[0] as Eq;
      switch (eq.name) {
        case "length":
          return lengthOf(evalEq(a, v));
        case "count":
          return a.k === "path" ? Num.int(get(a.x, v).length) : null;
        case "match":
        case "search": {
          const s = evalEq(a, v);
          const r = eq.args[1];
          if (typeof s !== "string" || r === undefined) return false;
          const re = r.k === "rx" ? r.re : typeof evalEq(r, v) === "string" ? safeRegex(evalEq(r, v) as string) : null;
          if (!re) return false;
          if (eq.name === "match") {
            const m = new RegExp(`^(?:${re.source})$`, re.flags).exec(s);
            return m !== null;
          }
          return re.test(s);
        }
      }
      return null;
    }
    case "bin": {
      if (eq.op === "=~" || eq.op === "~=") {
        const l = evalEq(eq.l, v);
        if (typeof l !== "string") return false;
        const re =
          eq.r.k === "rx" ? eq.r.re : typeof evalEq(eq.r, v) === "string" ? safeRegex(evalEq(eq.r, v) as string) : null;
        return re ? re.test(l) : false;
      }
      const l = evalEq(eq.l, v);
      const r = evalEq(eq.r, v);
      switch (eq.op) {
        case "==":
          return eqValues(l, r);
        case "!=":
          return !eqValues(l, r);
        case "<": {
          const c = compare(l, r);
          return c !== undefined && c < 0;
        }
        case ">": {
          const c = compare(l, r);
          return c !== undefined && c > 0;
        }
        case "<=": {
          const c = compare(l, r);
          return c !== undefined && c <= 0;
        }
        case ">=": {
          const c = compare(l, r);
          return c !== undefined && c >= 0;
        }
        case "||":
          return l === true || r === true;
        case "&&":
          return l === true && r === true;
        case "+":
        case "-":
        case "*":
        case "/":
          return arith(eq.op, l, r);
        case "in":
          return Array.isArray(r) && r.some((e) => eqValues(l, e));
        case "empty": {
          if (typeof r !== "boolean") return false;
          const n = lengthOf(l);
          return n instanceof Num && (n.n === 0n) === r;
        }
        case "has":
          return typeof r === "boolean" && (l !== null) === r;
      }
      return null;
    }
  }
}

function safeRegex(src: string): RegExp | null {
  try {
    return compileRegex(src, (m) => {
      throw new Error(m);
    });
  } catch {
    return null;
  }
}

/** Parses a JSONPath expression like ojg's jp.ParseString; throws with ojg's message. */
export function parseJSONPath(path: string): Frag[] {
  return new PathParser(path).parse();
}

/** json_path(jsonString, path): the values at path in the JSON document. */
export function jsonPath(jsonString: string, path: string): Value[] {
  const x = parseJSONPath(path);
  let data: Value;
  try {
    data = decodeJSON(jsonString, { intNumbers: true });
  } catch (e) {
    if (e instanceof JSONSyntaxError) {
      // ojg reports the position as line:column.
      const before = jsonString.slice(0, e.offset);
      const line = before.split("\n").length;
      const col = e.offset - before.lastIndexOf("\n");
      throw new Error(`${e.message} at ${line}:${col}`);
    }
    throw e;
  }
  return get(x, data);
}

export const jsonPathFn = makeFunction("json_path", 2, 2, (args) => jsonPath(argString(args, 0), argString(args, 1)));
