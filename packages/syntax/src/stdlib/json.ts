// JSON decoding with Go's encoding/json semantics and error messages, and JSON
// encoding like json.Marshal (sorted object keys, HTML-safe escaping).

import { Capsule, isFunctionValue, Num, type ObjectValue, Secret, type Value } from "../value.js";
import { compareUtf8, formatFloat } from "./util.js";

/** Go's scanner quoteChar for a byte in a syntax error message. */
function quoteChar(s: string, i: number): string {
  const c = s.charCodeAt(i);
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  let b = c;
  if (c >= 0x80) {
    // Go reports the first UTF-8 byte of the character, shown as the rune U+00XX.
    const cp = s.codePointAt(i) as number;
    b = cp < 0x800 ? 0xc0 | (cp >> 6) : cp < 0x10000 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18);
  }
  switch (b) {
    case 7:
      return "'\\a'";
    case 8:
      return "'\\b'";
    case 12:
      return "'\\f'";
    case 10:
      return "'\\n'";
    case 13:
      return "'\\r'";
    case 9:
      return "'\\t'";
    case 11:
      return "'\\v'";
    case 0x5c:
      return "'\\\\'";
  }
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, "0")}'`;
  if (b >= 0x80 && b < 0xa0) return `'\\u00${b.toString(16).padStart(2, "0")}'`;
  if (b === 0xad) return "'\\u00ad'";
  return `'${String.fromCharCode(b)}'`;
}

export class JSONSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = "JSONSyntaxError";
    this.offset = offset;
  }
}

/** Options for number decoding. */
export interface JSONDecodeOptions {
  /** Decode integral literals as ints (ojg) instead of float64 (encoding/json). */
  intNumbers?: boolean;
}

class JSONParser {
  private readonly s: string;
  private i = 0;
  private readonly intNumbers: boolean;
  constructor(s: string, opts: JSONDecodeOptions) {
    this.s = s;
    this.intNumbers = opts.intNumbers ?? false;
  }

  private fail(context: string): never {
    if (this.i >= this.s.length) throw new JSONSyntaxError("unexpected end of JSON input", this.i);
    throw new JSONSyntaxError(`invalid character ${quoteChar(this.s, this.i)} ${context}`, this.i);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  parseTop(): Value {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail("after top-level value");
    return v;
  }

  private value(): Value {
    const s = this.s;
    if (this.i >= s.length) this.fail("looking for beginning of value");
    const c = s.charCodeAt(this.i);
    switch (c) {
      case 0x7b /* { */:
        return this.object();
      case 0x5b /* [ */:
        return this.array();
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        this.literal("true");
        return true;
      case 0x66 /* f */:
        this.literal("false");
        return false;
      case 0x6e /* n */:
        this.literal("null");
        return null;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail("looking for beginning of value");
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.s[this.i] !== word[k]) {
        if (k === 0) this.fail("looking for beginning of value");
        this.fail(`in literal ${word} (expecting '${word[k]}')`);
      }
      this.i++;
    }
  }

  private isDigit(i: number): boolean {
    const c = this.s.charCodeAt(i);
    return c >= 0x30 && c <= 0x39;
  }

  private number(): Value {
    const s = this.s;
    const start = this.i;
    let isInt = true;
    if (s[this.i] === "-") {
      this.i++;
      if (!this.isDigit(this.i)) this.fail("in numeric literal");
    }
    if (s[this.i] === "0") this.i++;
    else while (this.isDigit(this.i)) this.i++;
    if (s[this.i] === ".") {
      isInt = false;
      this.i++;
      if (!this.isDigit(this.i)) this.fail("after decimal point in numeric literal");
      while (this.isDigit(this.i)) this.i++;
    }
    if (s[this.i] === "e" || s[this.i] === "E") {
      isInt = false;
      this.i++;
      if (s[this.i] === "+" || s[this.i] === "-") this.i++;
      if (!this.isDigit(this.i)) this.fail("in exponent of numeric literal");
      while (this.isDigit(this.i)) this.i++;
    }
    const text = s.slice(start, this.i);
    if (this.intNumbers && isInt) {
      const b = BigInt(text);
      if (b >= -(1n << 63n) && b < 1n << 63n) return Num.int(b);
    }
    const f = Number(text);
    if (!Number.isFinite(f)) {
      throw new Error(`json: cannot unmarshal number ${text} into Go value of type float64`);
    }
    return Num.float(f);
  }

  private string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = "";
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail("in string literal");
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail("in string literal");
      if (c === 0x5c) {
        out += s.slice(start, this.i);
        this.i++;
        if (this.i >= s.length) this.fail("in string escape code");
        const e = s[this.i];
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out += e;
            this.i++;
            break;
          case "b":
            out += "\b";
            this.i++;
            break;
          case "f":
            out += "\f";
            this.i++;
            break;
          case "n":
            out += "\n";
            this.i++;
            break;
          case "r":
            out += "\r";
            this.i++;
            break;
          case "t":
            out += "\t";
            this.i++;
            break;
          case "u": {
            this.i++;
            let cp = this.hex4();
            if (cp >= 0xd800 && cp < 0xdc00) {
              // A surrogate pair needs a following \uDC00-\uDFFF escape.
              if (s[this.i] === "\\" && s[this.i + 1] === "u") {
                const save = this.i;
                this.i += 2;
                const lo = this.hex4();
                if (lo >= 0xdc00 && lo < 0xe000) {
                  cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else {
                  this.i = save;
                  cp = 0xfffd;
                }
              } else {
                cp = 0xfffd;
              }
            } else if (cp >= 0xdc00 && cp < 0xe000) {
              cp = 0xfffd;
            }
            out += String.fromCodePoint(cp);
            break;
          }
          default:
            this.fail("in string escape code");
        }
        start = this.i;
        continue;
      }
      if (c >= 0xd800 && c < 0xe000) {
        // Lone surrogates cannot come from UTF-8 text; Go would see invalid bytes -> U+FFFD.
        const ok = c < 0xdc00 && this.i + 1 < s.length && (s.charCodeAt(this.i + 1) & 0xfc00) === 0xdc00;
        if (!ok) {
          out += `${s.slice(start, this.i)}\ufffd`;
          this.i++;
          start = this.i;
          continue;
        }
        this.i++;
      }
      this.i++;
    }
  }

  private hex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      if (this.i >= this.s.length) this.fail("in \\u hexadecimal character escape");
      const c = this.s.charCodeAt(this.i);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      else this.fail("in \\u hexadecimal character escape");
      v = v * 16 + d;
      this.i++;
    }
    return v;
  }

  private array(): Value[] {
    this.i++;
    const out: Value[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === "]") {
        this.i++;
        return out;
      }
      this.fail("after array element");
    }
  }

  private object(): ObjectValue {
    this.i++;
    const out: ObjectValue = new Map();
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("looking for beginning of object key string");
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("after object key");
      this.i++;
      this.ws();
      const v = this.value();
      out.set(key, v);
      this.ws();
      const c = this.s[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === "}") {
        this.i++;
        return out;
      }
      this.fail("after object key:value pair");
    }
  }
}

/**
 * Decodes JSON like Go's json.Unmarshal into interface{}: numbers become float64
 * (unless intNumbers), objects become objects. Throws with Go's error message.
 */
export function decodeJSON(text: string, opts: JSONDecodeOptions = {}): Value {
  return new JSONParser(text, opts).parseTop();
}

/** Go's encoding/json string encoding (HTML-safe). */
export function encodeJSONString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x0a:
          esc = "\\n";
          break;
        case 0x0d:
          esc = "\\r";
          break;
        case 0x09:
          esc = "\\t";
          break;
        case 0x08:
          esc = "\\b";
          break;
        case 0x0c:
          esc = "\\f";
          break;
        default:
          esc = `\\u00${c.toString(16).padStart(2, "0")}`;
      }
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = "\\\\";
    else if (c === 0x3c) esc = "\\u003c";
    else if (c === 0x3e) esc = "\\u003e";
    else if (c === 0x26) esc = "\\u0026";
    else if (c === 0x2028) esc = "\\u2028";
    else if (c === 0x2029) esc = "\\u2029";
    else if (c >= 0xd800 && c < 0xe000) {
      const pair = c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      esc = "\\ufffd";
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out + s.slice(start)}"`;
}

/** Go's encoding/json float64 encoding. */
export function encodeJSONFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, "g", -1)}`);
  const abs = Math.abs(f);
  let fmt: "e" | "f" = "f";
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = "e";
  let s = formatFloat(f, fmt, -1);
  if (fmt === "e") {
    const n = s.length;
    if (n >= 4 && s[n - 4] === "e" && s[n - 3] === "-" && s[n - 2] === "0") s = s.slice(0, n - 2) + s[n - 1];
  }
  return s;
}

/** json.Marshal of a value decoded as interface{} (objects with sorted keys). */
export function encodeJSON(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return encodeJSONString(v);
  if (v instanceof Num) {
    if (typeof v.n === "bigint") return v.n.toString();
    return encodeJSONFloat(v.n);
  }
  if (Array.isArray(v)) return `[${v.map(encodeJSON).join(",")}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort(compareUtf8);
    return `{${keys.map((k) => `${encodeJSONString(k)}:${encodeJSON(v.get(k) as Value)}`).join(",")}}`;
  }
  if (v instanceof Secret) return encodeJSONString(v.value);
  if (v instanceof Capsule) throw new Error(`json: unsupported type: ${v.typeName}`);
  if (isFunctionValue(v)) throw new Error("json: unsupported type: func");
  throw new Error("json: unsupported value");
}
