// The lexical scanner, after Alloy's syntax/scanner. It works on UTF-16 char codes
// (positions are UTF-16 offsets), decodes surrogate pairs into code points, and
// reports the same errors, at the same places, as Alloy.
import type { Pos } from "./source.js";
import { isPrint } from "./strconv.js";
import { Tok } from "./token.js";

export type ScanErrorHandler = (pos: Pos, msg: string) => void;

/** Scanner mode flags. */
export const ScanMode = {
  /** Return comments as COMMENT tokens instead of skipping them. */
  IncludeComments: 1,
  /** Never insert TERMINATOR tokens (for testing, as upstream's dontInsertTerms). */
  DontInsertTerms: 2,
} as const;

const EOF = -1;
const INTERN_SIZE = 4096;
const BOM = 0xfeff;

const letterRe = /^\p{L}$/u;
const digitRe = /^\p{Nd}$/u;

function isUnicodeLetter(ch: number): boolean {
  return letterRe.test(String.fromCodePoint(ch));
}

function isUnicodeDigit(ch: number): boolean {
  return digitRe.test(String.fromCodePoint(ch));
}

/** Whether ch may start an identifier (Unicode letter or underscore). */
export function isLetter(ch: number): boolean {
  if (ch < 0x80) {
    const l = ch | 0x20;
    return (l >= 0x61 && l <= 0x7a) || ch === 0x5f;
  }
  return isUnicodeLetter(ch);
}

/** Whether ch is a digit (ASCII or Unicode decimal digit). */
export function isDigit(ch: number): boolean {
  if (ch < 0x80) return ch >= 0x30 && ch <= 0x39;
  return isUnicodeDigit(ch);
}

function isDecimal(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

function digitVal(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  const l = ch | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return 16;
}

/** Go's fmt "%#U" of a code point: U+0007, or U+2026 '…' when printable. */
export function formatCodePoint(ch: number): string {
  let hex = ch.toString(16).toUpperCase();
  while (hex.length < 4) hex = `0${hex}`;
  const s = `U+${hex}`;
  return ch >= 0 && ch <= 0x10ffff && isPrint(ch) ? `${s} '${String.fromCodePoint(ch)}'` : s;
}

/**
 * Scanner tokenizes Alloy source. Call scan() repeatedly; after each call the
 * token's kind, position and literal are in tok, pos and lit. The literal is the
 * source text for IDENT, NUMBER, FLOAT, STRING, BOOL, NULL and COMMENT tokens
 * (comments lose carriage returns as upstream), "\n" for TERMINATOR, the
 * offending text for ILLEGAL, and "" otherwise.
 */
export class Scanner {
  private readonly src: string;
  private readonly len: number;
  private readonly eh: ScanErrorHandler | undefined;
  private readonly mode: number;

  private ch = EOF; // current code point
  private offset = 0; // offset of ch
  private readOffset = 0; // offset after ch
  private insertTerm = false;
  private pos0 = 0; // start of the string being scanned
  // A direct-mapped cache of literal strings and where each was seen in src.
  private readonly internStrs: (string | undefined)[] = new Array(INTERN_SIZE).fill(undefined);
  private readonly internStarts = new Int32Array(INTERN_SIZE);

  /** Number of errors reported so far. */
  errorCount = 0;
  /** Kind of the last scanned token. */
  tok: Tok = Tok.EOF;
  /** Offset of the last scanned token. */
  pos: Pos = 0;
  /** Literal of the last scanned token. */
  lit = "";

  constructor(src: string, eh?: ScanErrorHandler, mode = 0) {
    this.src = src;
    this.len = src.length;
    this.eh = eh;
    this.mode = mode;
    this.next();
    if (this.ch === BOM) this.next(); // a leading byte order mark is ignored
  }

  private error(offset: number, msg: string): void {
    this.errorCount++;
    if (this.eh !== undefined) this.eh(offset, msg);
  }

  private next(): void {
    const ro = this.readOffset;
    if (ro >= this.len) {
      this.offset = this.len;
      this.ch = EOF;
      return;
    }
    this.offset = ro;
    const c = this.src.charCodeAt(ro);
    if (c < 0x80 && c !== 0) {
      this.ch = c;
      this.readOffset = ro + 1;
      return;
    }
    this.nextSpecial(c, ro);
  }

  private nextSpecial(c: number, ro: number): void {
    if (c === 0) {
      this.error(ro, "illegal character NUL");
      this.ch = 0;
      this.readOffset = ro + 1;
      return;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && ro + 1 < this.len) {
        const d = this.src.charCodeAt(ro + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.ch = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          this.readOffset = ro + 2;
          return;
        }
      }
      // A lone surrogate is what an invalid UTF-8 byte would be to Go.
      this.error(ro, "illegal UTF-8 encoding");
      this.ch = 0xfffd;
      this.readOffset = ro + 1;
      return;
    }
    if (c === BOM && ro > 0) this.error(ro, "illegal byte order mark");
    this.ch = c;
    this.readOffset = ro + 1;
  }

  /** The current character (a method, so that TypeScript does not narrow it across next()). */
  private cur(): number {
    return this.ch;
  }

  private peek(): number {
    return this.readOffset < this.len ? this.src.charCodeAt(this.readOffset) : 0;
  }

  /** Scans the next token; see tok, pos and lit. */
  scan(): Tok {
    for (;;) {
      // Skip whitespace. The characters skipped are plain ASCII, so the state can be
      // set directly instead of through next().
      let ch = this.ch;
      if (ch === 0x20 || ch === 0x09 || ch === 0x0d || (ch === 0x0a && !this.insertTerm)) {
        const src = this.src;
        const len = this.len;
        const nl = !this.insertTerm;
        let i = this.readOffset;
        while (i < len) {
          const c = src.charCodeAt(i);
          if (c === 0x20 || c === 0x09 || c === 0x0d || (c === 0x0a && nl)) i++;
          else break;
        }
        this.readOffset = i;
        this.next();
        ch = this.ch;
      }

      const pos = this.offset;
      let insertTerm = false;
      let tok: Tok;
      let lit = "";

      const lower = ch | 0x20;
      if ((lower >= 0x61 && lower <= 0x7a) || ch === 0x5f || (ch >= 0x80 && isLetter(ch))) {
        lit = this.scanIdentifier();
        tok = Tok.IDENT;
        insertTerm = true;
        const n = lit.length;
        if (n === 4) {
          if (lit === "true") tok = Tok.BOOL;
          else if (lit === "null") tok = Tok.NULL;
        } else if (n === 5 && lit === "false") tok = Tok.BOOL;
      } else if (isDecimal(ch) || (ch === 0x2e && isDecimal(this.peek()))) {
        insertTerm = true;
        tok = this.scanNumber();
        lit = this.intern(pos, this.offset);
      } else {
        this.next(); // make progress; ch is the first character, this.ch the second
        switch (ch) {
          case EOF:
            if (this.insertTerm) {
              this.insertTerm = false;
              return this.set(pos, Tok.TERMINATOR, "\n");
            }
            tok = Tok.EOF;
            break;
          case 0x0a: // only reachable when insertTerm is set
            this.insertTerm = false;
            return this.set(pos, Tok.TERMINATOR, "\n");
          case 0x27: // '
            this.error(pos, "illegal single-quoted string; use double quotes");
            insertTerm = true;
            tok = Tok.ILLEGAL;
            lit = this.scanString(0x27, true, false);
            break;
          case 0x22: // "
            insertTerm = true;
            tok = Tok.STRING;
            lit = this.scanString(0x22, true, false);
            break;
          case 0x60: // `
            insertTerm = true;
            tok = Tok.STRING;
            lit = this.scanString(0x60, false, true);
            break;
          case 0x7c: // |
            if (this.ch !== 0x7c) this.error(this.offset, "missing second | in ||");
            else this.next();
            tok = Tok.OR;
            break;
          case 0x26: // &
            if (this.ch !== 0x26) this.error(this.offset, "missing second & in &&");
            else this.next();
            tok = Tok.AND;
            break;
          case 0x21: // !
            tok = this.switch2(Tok.NOT, Tok.NEQ);
            break;
          case 0x3d: // =
            tok = this.switch2(Tok.ASSIGN, Tok.EQ);
            break;
          case 0x3c: // <
            tok = this.switch2(Tok.LT, Tok.LTE);
            break;
          case 0x3e: // >
            tok = this.switch2(Tok.GT, Tok.GTE);
            break;
          case 0x2b:
            tok = Tok.ADD;
            break;
          case 0x2d:
            tok = Tok.SUB;
            break;
          case 0x2a:
            tok = Tok.MUL;
            break;
          case 0x2f: // /
            if (this.ch === 0x2f || this.ch === 0x2a) {
              // A comment. When a terminator is due, it goes before the comment if
              // the comment runs to the end of the line.
              if (this.insertTerm && this.findLineEnd()) {
                this.ch = 0x2f;
                this.offset = pos;
                this.readOffset = pos + 1;
                this.insertTerm = false;
                return this.set(pos, Tok.TERMINATOR, "\n");
              }
              const comment = this.scanComment();
              if ((this.mode & ScanMode.IncludeComments) === 0) {
                this.insertTerm = false;
                continue;
              }
              tok = Tok.COMMENT;
              lit = comment;
            } else {
              tok = Tok.DIV;
            }
            break;
          case 0x25:
            tok = Tok.MOD;
            break;
          case 0x5e:
            tok = Tok.POW;
            break;
          case 0x7b:
            tok = Tok.LCURLY;
            break;
          case 0x7d:
            insertTerm = true;
            tok = Tok.RCURLY;
            break;
          case 0x28:
            tok = Tok.LPAREN;
            break;
          case 0x29:
            insertTerm = true;
            tok = Tok.RPAREN;
            break;
          case 0x5b:
            tok = Tok.LBRACK;
            break;
          case 0x5d:
            insertTerm = true;
            tok = Tok.RBRACK;
            break;
          case 0x2c:
            tok = Tok.COMMA;
            break;
          case 0x2e:
            tok = Tok.DOT;
            break;
          default:
            // next() already reported a misplaced byte order mark.
            if (ch !== BOM) this.error(pos, `illegal character ${formatCodePoint(ch)}`);
            insertTerm = this.insertTerm;
            tok = Tok.ILLEGAL;
            lit = String.fromCodePoint(ch);
        }
      }

      if ((this.mode & ScanMode.DontInsertTerms) === 0) this.insertTerm = insertTerm;
      return this.set(pos, tok, lit);
    }
  }

  /**
   * src[start:end] as a string, shared with earlier equal literals when possible, so
   * that repeated identifiers and literals do not each allocate a new string.
   */
  private intern(start: number, end: number): string {
    const n = end - start;
    if (n > 64) return this.src.slice(start, end);
    const src = this.src;
    let h = n;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + src.charCodeAt(i)) | 0;
    const slot = h & (INTERN_SIZE - 1);
    const cand = this.internStrs[slot];
    if (cand !== undefined && cand.length === n) {
      // Compare against the earlier occurrence in the source text (one flat string).
      const cs = this.internStarts[slot] as number;
      let i = 0;
      while (i < n && src.charCodeAt(cs + i) === src.charCodeAt(start + i)) i++;
      if (i === n) return cand;
    }
    const str = src.slice(start, end);
    this.internStrs[slot] = str;
    this.internStarts[slot] = start;
    return str;
  }

  private set(pos: Pos, tok: Tok, lit: string): Tok {
    this.pos = pos;
    this.tok = tok;
    this.lit = lit;
    return tok;
  }

  private switch2(a: Tok, b: Tok): Tok {
    if (this.ch === 0x3d) {
      this.next();
      return b;
    }
    return a;
  }

  private scanIdentifier(): string {
    const src = this.src;
    const len = this.len;
    const off = this.offset;
    let i = this.readOffset;
    for (; i < len; i++) {
      const b = src.charCodeAt(i);
      if ((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x5f || (b >= 0x30 && b <= 0x39)) continue;
      if (b > 0 && b < 0x80) {
        // ASCII that ends the identifier: no error to report, so set the state directly.
        this.ch = b;
        this.offset = i;
        this.readOffset = i + 1;
        return this.intern(off, i);
      }
      this.readOffset = i;
      this.next();
      while (this.ch >= 0 && (isLetter(this.ch) || isDigit(this.ch))) this.next();
      return this.intern(off, this.offset);
    }
    this.offset = len;
    this.readOffset = len;
    this.ch = EOF;
    return this.intern(off, len);
  }

  private scanNumber(): Tok {
    let tok: Tok = Tok.NUMBER;
    const off = this.offset;
    if (this.ch !== 0x2e) this.digits();
    if (this.ch === 0x2e) {
      tok = Tok.FLOAT;
      this.next();
      this.digits();
    }
    if ((this.ch | 0x20) === 0x65 && this.ch >= 0) {
      tok = Tok.FLOAT;
      this.next();
      if (this.ch === 0x2b || this.ch === 0x2d) this.next();
      if (this.digits() === 0) this.error(off, "exponent has no digits");
    }
    return tok;
  }

  private digits(): number {
    let n = 0;
    while (isDecimal(this.ch)) {
      this.next();
      n++;
    }
    return n;
  }

  private scanString(until: number, escapes: boolean, multiline: boolean): string {
    this.skipString(until, escapes, multiline);
    return this.intern(this.pos0, this.offset);
  }

  private skipString(until: number, escapes: boolean, multiline: boolean): void {
    const src = this.src;
    const len = this.len;
    const off = this.offset - 1; // the opening quote was consumed already
    this.pos0 = off;
    for (;;) {
      const ch = this.ch;
      if ((ch === 0x0a && !multiline) || ch === EOF) {
        this.error(off, "string literal not terminated");
        break;
      }
      if (ch === until) {
        this.next();
        break;
      }
      if (ch === 0x5c && escapes) {
        this.next();
        this.scanEscape();
        continue;
      }
      // A plain character: skip it and the plain ASCII characters after it.
      let i = this.readOffset;
      while (i < len) {
        const c = src.charCodeAt(i);
        if (c === until || c === 0x5c || c === 0x0a || c === 0 || c >= 0x80) break;
        i++;
      }
      this.readOffset = i;
      this.next();
    }
  }

  private scanEscape(): void {
    const off = this.offset;
    let n: number;
    let base: number;
    let max: number;
    switch (this.ch) {
      case 0x61:
      case 0x62:
      case 0x66:
      case 0x6e:
      case 0x72:
      case 0x74:
      case 0x76:
      case 0x5c:
      case 0x22:
        this.next();
        return;
      case 0x30:
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37:
        n = 3;
        base = 8;
        max = 255;
        break;
      case 0x78: // x
        this.next();
        n = 2;
        base = 16;
        max = 255;
        break;
      case 0x75: // u
        this.next();
        n = 4;
        base = 16;
        max = 0x10ffff;
        break;
      case 0x55: // U
        this.next();
        n = 8;
        base = 16;
        max = 0x10ffff;
        break;
      default:
        this.error(off, this.cur() === EOF ? "escape sequence not terminated" : "unknown escape sequence");
        return;
    }
    let x = 0;
    for (; n > 0; n--) {
      const d = this.cur() < 0 ? 16 : digitVal(this.cur());
      if (d >= base) {
        this.error(
          off,
          this.cur() === EOF
            ? "escape sequence not terminated"
            : `illegal character ${formatCodePoint(this.cur())} in escape sequence`,
        );
        return;
      }
      x = x * base + d;
      this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) this.error(off, "escape sequence is invalid Unicode code point");
  }

  private scanComment(): string {
    const src = this.src;
    const len = this.len;
    const off = this.offset - 1; // the initial '/' was consumed already
    let numCR = 0;
    let block = false;
    if (this.cur() === 0x2f) {
      // //-style: runs to the end of the line, newline excluded.
      this.next();
      for (;;) {
        const ch = this.cur();
        if (ch === 0x0a || ch === EOF) break;
        if (ch === 0x0d) numCR++;
        let i = this.readOffset;
        while (i < len) {
          const c = src.charCodeAt(i);
          if (c === 0x0a || c === 0x0d || c === 0 || c >= 0x80) break;
          i++;
        }
        this.readOffset = i;
        this.next();
      }
    } else {
      block = true;
      this.next();
      let closed = false;
      while (this.cur() !== EOF) {
        const ch = this.cur();
        if (ch === 0x0d) numCR++;
        if (ch !== 0x2a) {
          // Skip plain ASCII characters up to the next '*'.
          let i = this.readOffset;
          while (i < len) {
            const c = src.charCodeAt(i);
            if (c === 0x2a || c === 0x0d || c === 0 || c >= 0x80) break;
            i++;
          }
          this.readOffset = i;
          this.next();
          continue;
        }
        this.next();
        if (this.cur() === 0x2f) {
          this.next();
          closed = true;
          break;
        }
      }
      if (!closed) this.error(off, "block comment not terminated");
    }
    let lit = src.slice(off, this.offset);
    if (numCR > 0 && lit.length >= 1 && lit.charCodeAt(lit.length - 1) === 0x0d) {
      lit = lit.slice(0, -1);
      numCR--;
    }
    if (numCR > 0) lit = stripCR(lit, block);
    return lit;
  }

  /**
   * Whether the comment starting at the current '/' (already consumed) and any
   * block comments after it on the same line run to the end of the line.
   * The scanner state is restored afterwards.
   */
  private findLineEnd(): boolean {
    const start = this.offset - 1;
    const result = this.findLineEnd0();
    this.ch = 0x2f;
    this.offset = start;
    this.readOffset = start + 1;
    this.next();
    return result;
  }

  private findLineEnd0(): boolean {
    while (this.cur() === 0x2f || this.cur() === 0x2a) {
      if (this.cur() === 0x2f) return true; // //-style comments always end the line
      this.next();
      while (this.cur() !== EOF) {
        const ch = this.cur();
        if (ch === 0x0a) return true;
        this.next();
        if (ch === 0x2a && this.cur() === 0x2f) {
          this.next();
          break;
        }
      }
      // Is there a newline after the block comment? (insertTerm is set, so
      // newlines are not skipped.)
      while (this.cur() === 0x20 || this.cur() === 0x09 || this.cur() === 0x0d) this.next();
      if (this.cur() === EOF || this.cur() === 0x0a) return true;
      if (this.cur() !== 0x2f) return false;
      this.next();
    }
    return false;
  }
}

function stripCR(s: string, block: boolean): string {
  let out = "";
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (
      c !== 0x0d ||
      (block &&
        out.length > 2 &&
        out.charCodeAt(out.length - 1) === 0x2a &&
        j + 1 < s.length &&
        s.charCodeAt(j + 1) === 0x2f)
    ) {
      out += s[j];
    }
  }
  return out;
}

/** Whether s is a valid identifier (and not a keyword), as Alloy's scanner.IsValidIdentifier. */
export function isValidIdentifier(s: string): boolean {
  if (s.length === 0) return false;
  if (s === "true" || s === "false" || s === "null") return false;
  let first = true;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (first ? !isLetter(c) : !(isLetter(c) || isDigit(c))) return false;
    first = false;
  }
  return true;
}

/**
 * s turned into a valid identifier, as Alloy's scanner.SanitizeIdentifier:
 * invalid characters become "_" and a leading digit gets a "_" prefix.
 * Throws for an empty string.
 */
export function sanitizeIdentifier(s: string): string {
  if (s === "") throw new Error("cannot generate a new identifier for an empty string");
  if (isValidIdentifier(s)) return s;
  let out = "";
  let first = true;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (first && isDigit(c)) out = "_";
    first = false;
    out += isLetter(c) || isDigit(c) ? ch : "_";
  }
  if (!isValidIdentifier(out))
    throw new Error(`invalid identifier ${JSON.stringify(out)} generated for ${JSON.stringify(s)}`);
  return out;
}
