// String literal quoting and unquoting with the semantics of Go's strconv.Quote and
// strconv.Unquote, which is what Alloy uses for STRING literals and for printing
// string values.

/** Thrown by unquote for a malformed literal (Go's strconv.ErrSyntax). */
export class UnquoteError extends Error {
  constructor(lit: string) {
    super(`invalid syntax: ${lit}`);
    this.name = "UnquoteError";
  }
}

const utf8Decoder = new TextDecoder("utf-8");

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 16;
}

/**
 * The value of a quoted string literal, as Go's strconv.Unquote: `"..."` with Go
 * escapes, `` `...` `` raw strings (carriage returns dropped) and `'c'` single
 * characters. Throws UnquoteError on invalid input.
 */
export function unquote(lit: string): string {
  const n = lit.length;
  if (n < 2) throw new UnquoteError(lit);
  const q = lit.charCodeAt(0);
  if (q === 0x60 /* ` */) {
    const end = lit.indexOf("`", 1);
    if (end !== n - 1) throw new UnquoteError(lit);
    const body = lit.slice(1, n - 1);
    return body.indexOf("\r") === -1 ? body : body.replaceAll("\r", "");
  }
  if (q !== 0x22 /* " */ && q !== 0x27 /* ' */) throw new UnquoteError(lit);
  if (lit.charCodeAt(n - 1) !== q) throw new UnquoteError(lit);

  // Fast path: no escapes, no inner quote, no newline.
  let simple = true;
  for (let i = 1; i < n - 1; i++) {
    const c = lit.charCodeAt(i);
    if (c === 0x5c || c === q || c === 0x0a) {
      simple = false;
      break;
    }
  }
  if (simple && q === 0x22) return lit.slice(1, n - 1);

  // Slow path: decode into UTF-8 bytes, since \x and octal escapes produce raw bytes.
  const bytes: number[] = [];
  let chars = 0;
  let i = 1;
  const last = n - 1;
  while (i < last) {
    const c = lit.charCodeAt(i);
    if (c === q || c === 0x0a) throw new UnquoteError(lit);
    if (c !== 0x5c) {
      // Copy one code point.
      let cp = c;
      let w = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < last) {
        const d = lit.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          w = 2;
        }
      }
      pushRune(bytes, cp);
      i += w;
      chars++;
      if (q === 0x27) break;
      continue;
    }
    // Escape sequence.
    if (i + 1 >= last) throw new UnquoteError(lit);
    const e = lit.charCodeAt(i + 1);
    i += 2;
    switch (e) {
      case 0x61: // a
        bytes.push(7);
        break;
      case 0x62: // b
        bytes.push(8);
        break;
      case 0x66: // f
        bytes.push(12);
        break;
      case 0x6e: // n
        bytes.push(10);
        break;
      case 0x72: // r
        bytes.push(13);
        break;
      case 0x74: // t
        bytes.push(9);
        break;
      case 0x76: // v
        bytes.push(11);
        break;
      case 0x5c: // backslash
        bytes.push(0x5c);
        break;
      case 0x27: // '
      case 0x22: // "
        if (e !== q) throw new UnquoteError(lit);
        bytes.push(e);
        break;
      case 0x78: // x
      case 0x75: // u
      case 0x55: {
        // U
        const digits = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
        if (i + digits > last) throw new UnquoteError(lit);
        let v = 0;
        for (let k = 0; k < digits; k++) {
          const d = hexVal(lit.charCodeAt(i + k));
          if (d >= 16) throw new UnquoteError(lit);
          v = v * 16 + d;
        }
        i += digits;
        if (e === 0x78) {
          bytes.push(v);
        } else {
          if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new UnquoteError(lit);
          pushRune(bytes, v);
        }
        break;
      }
      case 0x30:
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37: {
        let v = e - 0x30;
        if (i + 2 > last) throw new UnquoteError(lit);
        for (let k = 0; k < 2; k++) {
          const d = lit.charCodeAt(i + k) - 0x30;
          if (d < 0 || d > 7) throw new UnquoteError(lit);
          v = v * 8 + d;
        }
        i += 2;
        if (v > 255) throw new UnquoteError(lit);
        bytes.push(v);
        break;
      }
      default:
        throw new UnquoteError(lit);
    }
    chars++;
    if (q === 0x27) break;
  }
  if (i !== last) throw new UnquoteError(lit);
  if (q === 0x27 && chars !== 1) throw new UnquoteError(lit);
  return utf8Decoder.decode(new Uint8Array(bytes));
}

function pushRune(bytes: number[], cp: number): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/** Whether unquote would accept lit. */
export function isValidQuoted(lit: string): boolean {
  try {
    unquote(lit);
    return true;
  } catch {
    return false;
  }
}

const printableRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp >= 0xd800 && cp < 0xe000) return false;
  return printableRe.test(String.fromCodePoint(cp));
}

const hex = "0123456789abcdef";

function hexN(v: number, digits: number): string {
  let s = "";
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) s += hex[(v >>> shift) & 0xf];
  return s;
}

/** A double-quoted Go string literal for s, as Go's strconv.Quote. */
export function quote(s: string): string {
  let out = '"';
  let start = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    // Decode the code point at i.
    let cp = c;
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        w = 2;
      }
    }
    if (cp >= 0x80 && isPrint(cp)) {
      i += w - 1;
      continue;
    }
    out += s.slice(start, i);
    out += escapeRune(cp);
    i += w - 1;
    start = i + 1;
  }
  out += s.slice(start);
  return `${out}"`;
}

function escapeRune(cp: number): string {
  if (cp === 0x22) return '\\"';
  if (cp === 0x5c) return "\\\\";
  return escapeUnprintable(cp);
}

/**
 * strconv's escape of a rune it does not print as is: \a \b \f \n \r \t \v, \xNN
 * for other ASCII controls, else \uNNNN or \UNNNNNNNN. A lone surrogate or a value
 * beyond U+10FFFF cannot come from valid UTF-8: Go sees U+FFFD.
 */
export function escapeUnprintable(cp: number): string {
  switch (cp) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${hexN(cp, 2)}`;
  if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
  if (cp < 0x10000) return `\\u${hexN(cp, 4)}`;
  return `\\U${hexN(cp, 8)}`;
}
