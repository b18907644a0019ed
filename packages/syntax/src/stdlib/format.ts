// string.format: Go's fmt.Sprintf over Alloy values.
//
// Alloy decodes each argument into a Go interface{} before calling fmt.Sprintf:
// null -> nil, ints -> int (uint64 beyond int64), floats -> float64, arrays ->
// []interface {}, objects -> map[string]interface {}, secrets -> alloytypes.Secret
// (a string type, printed as is). This file reproduces fmt's output for those types,
// including its in-band error strings (%!d(string=x), %!s(MISSING), %!(EXTRA ...)).

import { escapeUnprintable, isPrint } from "../strconv.js";
import { Capsule, isFunctionValue, Num, Secret, type Value } from "../value.js";
import { compareUtf8, formatFloat, runeCount, utf8Encoder } from "./util.js";

const MAX_INT64 = (1n << 63n) - 1n;

/** Go's reflect type string of the decoded argument. */
function goType(v: Value): string {
  if (v === null) return "<nil>";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (v instanceof Num) {
    if (v.kind === "float") return "float64";
    if (v.kind === "uint" && (v.n as bigint) > MAX_INT64) return "uint64";
    return "int";
  }
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof Map) return "map[string]interface {}";
  if (v instanceof Secret) return "alloytypes.Secret";
  if (v instanceof Capsule) return v.typeName;
  return "func";
}

const ldigits = "0123456789abcdefx";
const udigits = "0123456789ABCDEFX";

function hex2(n: number, digits: string): string {
  return (digits[(n >> 4) & 0xf] as string) + (digits[n & 0xf] as string);
}

/** strconv's escaping of one rune inside a quoted string or rune literal. */
function escapeRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return `\\${String.fromCodePoint(cp)}`;
  if (asciiOnly) {
    if (cp < 0x80 && isPrint(cp)) return String.fromCodePoint(cp);
  } else if (isPrint(cp)) {
    return String.fromCodePoint(cp);
  }
  return escapeUnprintable(cp);
}

/** strconv.Quote / QuoteToASCII. */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0) as number, 0x22, asciiOnly);
  return `${out}"`;
}

/** strconv.QuoteRune / QuoteRuneToASCII. */
function goQuoteRune(cp: number, asciiOnly: boolean): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
  return `'${escapeRune(cp, 0x27, asciiOnly)}'`;
}

/** strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x60 || c === 0xfeff || c === 0x7f) return false;
    if (c < 0x20 && c !== 9) return false;
    if (c >= 0xd800 && c < 0xe000) return false;
  }
  return true;
}

class Printer {
  buf = "";
  // Flags.
  sharp = false;
  plus = false;
  minus = false;
  space = false;
  zero = false;
  sharpV = false;
  plusV = false;
  wid = 0;
  widPresent = false;
  prec = 0;
  precPresent = false;

  clearFlags(): void {
    this.sharp = this.plus = this.minus = this.space = this.zero = false;
    this.sharpV = this.plusV = false;
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = false;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? "0" : " ").repeat(n);
  }

  /** Appends s padded to the width (counted in runes). */
  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  truncate(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      let i = 0;
      for (const ch of s) {
        n--;
        if (n < 0) return s.slice(0, i);
        i += ch.length;
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) this.pad(`\`${s}\``);
    else this.pad(goQuote(s, this.plus));
  }

  fmtSx(s: string, digits: string): void {
    const b = utf8Encoder.encode(s);
    let length = b.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) {
        width += 2;
      }
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = "";
    if (this.sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += " ";
        if (this.sharp) out += `0${digits[16]}`;
      }
      out += hex2(b[i] as number, digits);
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtInteger(u: bigint, base: number, negative: boolean, verb: string, digits: string): void {
    // u is the magnitude.
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s: string;
    if (base === 10) s = u.toString(10);
    else {
      s = u.toString(base);
      if (digits === udigits) s = s.toUpperCase();
    }
    if (prec > s.length) s = "0".repeat(prec - s.length) + s;
    if (this.sharp) {
      switch (base) {
        case 2:
          s = `0b${s}`;
          break;
        case 8:
          if (s[0] !== "0") s = `0${s}`;
          break;
        case 16:
          s = `0${digits[16]}${s}`;
          break;
      }
    }
    if (verb === "O") s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (this.plus) s = `+${s}`;
    else if (this.space) s = ` ${s}`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtC(u: bigint): void {
    let cp = u > 0x10ffffn ? 0xfffd : Number(u);
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
    this.pad(String.fromCodePoint(cp));
  }

  fmtQc(u: bigint): void {
    let cp = u > 0x10ffffn ? 0xfffd : Number(u);
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
    const s = String.fromCodePoint(cp);
    if (this.sharp && canBackquote(s)) this.pad(`\`${s}\``);
    else this.pad(goQuoteRune(cp, this.plus));
  }

  fmtUnicode(u: bigint): void {
    let hex = u.toString(16).toUpperCase();
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    if (hex.length < prec) hex = "0".repeat(prec - hex.length) + hex;
    let s = `U+${hex}`;
    if (this.sharp && u <= 0x10ffffn) {
      const cp = Number(u);
      if (!(cp >= 0xd800 && cp < 0xe000) && isPrint(cp)) s += ` '${String.fromCodePoint(cp)}'`;
    }
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtFloat(v: number, verb: string, defPrec: number): void {
    const prec = this.precPresent ? this.prec : defPrec;
    let num = formatFloat(v, verb as "e", prec);
    if (num[0] === "-" || num[0] === "+") {
      // keep
    } else {
      num = `+${num}`;
    }
    if (this.space && num[0] === "+" && !this.plus) num = ` ${num.slice(1)}`;
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === "N" && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp) {
      let digits = 0;
      if (verb === "g" || verb === "G") {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = "";
      let body = num;
      const ei = body.search(/[eE]/);
      if (ei >= 0) {
        tail = body.slice(ei);
        body = body.slice(0, ei);
      }
      let hasDot = false;
      let sawNonzero = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i];
        if (c === ".") hasDot = true;
        else {
          if (c !== "0") sawNonzero = true;
          if (sawNonzero) digits--;
        }
      }
      if (!hasDot) {
        if (body.length === 2 && body[1] === "0") digits--;
        body += ".";
      }
      while (digits > 0) {
        body += "0";
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== "+") {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  badVerb(verb: string, v: Value | undefined): void {
    this.buf += `%!${verb}(`;
    if (v === undefined || v === null) {
      this.buf += "<nil>";
    } else {
      this.buf += `${goType(v)}=`;
      this.printValue(v, "v", 0);
    }
    this.buf += ")";
  }

  printInteger(u: bigint, verb: string, v: Value): void {
    const negative = u < 0n;
    const mag = negative ? -u : u;
    switch (verb) {
      case "v":
        if (this.sharpV && goType(v) === "uint64") {
          const sharp = this.sharp;
          this.sharp = true;
          this.fmtInteger(mag, 16, false, "v", ldigits);
          this.sharp = sharp;
        } else {
          this.fmtInteger(mag, 10, negative, verb, ldigits);
        }
        return;
      case "d":
        this.fmtInteger(mag, 10, negative, verb, ldigits);
        return;
      case "b":
        this.fmtInteger(mag, 2, negative, verb, ldigits);
        return;
      case "o":
      case "O":
        this.fmtInteger(mag, 8, negative, verb, ldigits);
        return;
      case "x":
        this.fmtInteger(mag, 16, negative, verb, ldigits);
        return;
      case "X":
        this.fmtInteger(mag, 16, negative, verb, udigits);
        return;
      case "c":
        this.fmtC(negative ? BigInt.asUintN(64, u) : u);
        return;
      case "q":
        this.fmtQc(negative ? BigInt.asUintN(64, u) : u);
        return;
      case "U":
        this.fmtUnicode(negative ? BigInt.asUintN(64, u) : u);
        return;
    }
    this.badVerb(verb, v);
  }

  printString(s: string, verb: string, v: Value): void {
    switch (verb) {
      case "v":
        if (this.sharpV) this.fmtQ(s);
        else this.fmtS(s);
        return;
      case "s":
        this.fmtS(s);
        return;
      case "x":
        this.fmtSx(s, ldigits);
        return;
      case "X":
        this.fmtSx(s, udigits);
        return;
      case "q":
        this.fmtQ(s);
        return;
    }
    this.badVerb(verb, v);
  }

  /** Prints a non-nil value (printValue in fmt). */
  printValue(v: Value, verb: string, depth: number): void {
    if (v === null) {
      // A nil interface{} inside a slice or map.
      if (depth === 0) {
        this.badVerb(verb, null);
        return;
      }
      this.buf += this.sharpV ? "interface {}(nil)" : "<nil>";
      return;
    }
    if (typeof v === "boolean") {
      if (verb === "t" || verb === "v") this.pad(v ? "true" : "false");
      else this.badVerb(verb, v);
      return;
    }
    if (typeof v === "string" || v instanceof Secret) {
      this.printString(typeof v === "string" ? v : v.value, verb, v);
      return;
    }
    if (v instanceof Num) {
      if (v.kind === "float") {
        const f = v.n as number;
        switch (verb) {
          case "v":
            this.fmtFloat(f, "g", -1);
            return;
          case "g":
          case "G":
            this.fmtFloat(f, verb, -1);
            return;
          case "f":
          case "e":
          case "E":
            this.fmtFloat(f, verb, 6);
            return;
          case "F":
            this.fmtFloat(f, "f", 6);
            return;
        }
        this.badVerb(verb, v);
        return;
      }
      this.printInteger(v.n as bigint, verb, v);
      return;
    }
    if (Array.isArray(v)) {
      if (this.sharpV) {
        this.buf += "[]interface {}{";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) this.buf += ", ";
          this.printValue(v[i] as Value, verb, depth + 1);
        }
        this.buf += "}";
      } else {
        this.buf += "[";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) this.buf += " ";
          this.printValue(v[i] as Value, verb, depth + 1);
        }
        this.buf += "]";
      }
      return;
    }
    if (v instanceof Map) {
      this.buf += this.sharpV ? "map[string]interface {}{" : "map[";
      const keys = [...v.keys()].sort(compareUtf8);
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) this.buf += this.sharpV ? ", " : " ";
        const k = keys[i] as string;
        this.printString(k, verb, k);
        this.buf += ":";
        this.printValue(v.get(k) as Value, verb, depth + 1);
      }
      this.buf += this.sharpV ? "}" : "]";
      return;
    }
    if (v instanceof Capsule) {
      // Opaque Go values: print the type name.
      if (verb === "v" || verb === "s") this.pad(`<${v.typeName}>`);
      else this.badVerb(verb, v);
      return;
    }
    if (isFunctionValue(v)) {
      if (verb === "v") this.pad(`<func ${v.name}>`);
      else this.badVerb(verb, v);
    }
  }

  printArg(arg: Value, verb: string): void {
    if (arg === null) {
      if (verb === "T" || verb === "v") this.pad("<nil>");
      else this.badVerb(verb, null);
      return;
    }
    if (verb === "T") {
      this.fmtS(goType(arg));
      return;
    }
    if (verb === "p") {
      this.badVerb(verb, arg);
      return;
    }
    this.printValue(arg, verb, 0);
  }
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

/** parsenum: returns [num, isnum, newi]. */
function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (c - 48);
    isnum = true;
  }
  return [num, isnum, i];
}

/** intFromArg: [num, isInt, newArgNum]. */
function intFromArg(a: Value[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum] as Value;
    if (v instanceof Num && v.kind !== "float") {
      const n = v.n as bigint;
      if (n <= MAX_INT64 && n >= -(1n << 63n)) {
        if (n <= 1000001n && n >= -1000001n) num = Number(n);
        else num = 1e9; // tooLarge below
        isInt = true;
      }
    }
    newArgNum = argNum + 1;
    if (tooLarge(num)) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

/** Go's fmt.Sprintf(format, args...) with Alloy values as the arguments. */
export function sprintf(format: string, a: Value[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (argNum0: number, i: number): [number, number, boolean] => {
    if (i >= end || format[i] !== "[") return [argNum0, i, false];
    reordered = true;
    // parseArgNumber
    let index = 0;
    let wid = 1;
    let ok = false;
    if (end - i >= 3) {
      for (let j = i + 1; j < end; j++) {
        if (format[j] === "]") {
          const [width, isnum, newi] = parsenum(format, i + 1, j);
          if (!isnum || newi !== j) {
            index = 0;
            wid = j - i + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = j - i + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && index < a.length) return [index, i + wid, true];
    goodArgNum = false;
    return [argNum0, i + wid, ok];
  };

  let i = 0;
  formatLoop: while (i < end) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== "%") i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++; // skip %
    p.clearFlags();
    simple: for (; i < end; i++) {
      const c = format[i] as string;
      switch (c) {
        case "#":
          p.sharp = true;
          break;
        case "0":
          p.zero = true;
          break;
        case "+":
          p.plus = true;
          break;
        case "-":
          p.minus = true;
          break;
        case " ":
          p.space = true;
          break;
        default:
          if (c >= "a" && c <= "z" && argNum < a.length) {
            if (c === "v") {
              p.sharpV = p.sharp;
              p.sharp = false;
              p.plusV = p.plus;
              p.plus = false;
            }
            p.printArg(a[argNum] as Value, c);
            argNum++;
            i++;
            continue formatLoop;
          }
          break simple;
      }
    }

    [argNum, i, afterIndex] = argNumber(argNum, i);

    // Width.
    if (i < end && format[i] === "*") {
      i++;
      [p.wid, p.widPresent, argNum] = intFromArg(a, argNum);
      if (!p.widPresent) p.buf += "%!(BADWIDTH)";
      if (p.wid < 0) {
        p.wid = -p.wid;
        p.minus = true;
        p.zero = false;
      }
      afterIndex = false;
    } else {
      [p.wid, p.widPresent, i] = parsenum(format, i, end);
      if (afterIndex && p.widPresent) goodArgNum = false;
    }

    // Precision.
    if (i + 1 < end && format[i] === ".") {
      i++;
      if (afterIndex) goodArgNum = false;
      [argNum, i, afterIndex] = argNumber(argNum, i);
      if (i < end && format[i] === "*") {
        i++;
        [p.prec, p.precPresent, argNum] = intFromArg(a, argNum);
        if (p.prec < 0) {
          p.prec = 0;
          p.precPresent = false;
        }
        if (!p.precPresent) p.buf += "%!(BADPREC)";
        afterIndex = false;
      } else {
        [p.prec, p.precPresent, i] = parsenum(format, i, end);
        if (!p.precPresent) {
          p.prec = 0;
          p.precPresent = true;
        }
      }
    }

    if (!afterIndex) [argNum, i, afterIndex] = argNumber(argNum, i);

    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }

    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;

    if (verb === "%") {
      p.buf += "%";
    } else if (!goodArgNum) {
      p.buf += `%!${verb}(BADINDEX)`;
    } else if (argNum >= a.length) {
      p.buf += `%!${verb}(MISSING)`;
    } else {
      if (verb === "v") {
        p.sharpV = p.sharp;
        p.sharp = false;
        p.plusV = p.plus;
        p.plus = false;
      }
      if (verb === "w") p.badVerb(verb, a[argNum] as Value);
      else p.printArg(a[argNum] as Value, verb);
      argNum++;
    }
  }

  if (!reordered && argNum < a.length) {
    p.clearFlags();
    p.buf += "%!(EXTRA ";
    for (let j = argNum; j < a.length; j++) {
      if (j > argNum) p.buf += ", ";
      const arg = a[j] as Value;
      if (arg === null) p.buf += "<nil>";
      else {
        p.buf += `${goType(arg)}=`;
        p.printArg(arg, "v");
      }
    }
    p.buf += ")";
  }
  return p.buf;
}
