// The token printer behind the formatter, after Alloy's syntax/printer (itself modelled
// on go/printer). The walker (walker.ts) sends tokens, positions and whitespace
// instructions; the printer buffers whitespace, injects comments where they fall in
// source order, and produces a raw stream with '\t'/'\v' cell separators, '\f'
// section breaks and ESCAPE-bracketed comments. tabwriter.ts then aligns that stream
// and trims trailing blanks.
//
// Positions are tracked as Go does, in UTF-8 bytes: an "AST-space" position that is
// set from real source positions where the walker has them and otherwise estimated
// by adding the byte length of what was written. Comment placement compares these
// offsets with the comments' offsets, so the byte arithmetic matters for exactness.
import type { Comment, CommentGroup } from "../ast.js";
import type { Pos, SourceFile } from "../source.js";
import { Tok } from "../token.js";
import { ESCAPE } from "./tabwriter.js";

/** Resolves AST positions (UTF-16 offsets) to Go-style byte positions. Lookups
 *  mostly move forward through the file, so the last line found is tried first. */
export class PosResolver {
  private readonly src: SourceFile | undefined;
  private readonly starts: number[];
  private readonly textLen: number;
  private readonly ascii: boolean;
  private lineStartBytes: number[] | undefined;
  private hint = 0;
  // Result of the last resolve().
  rOffset = 0;
  rLine = 0;
  rColumn = 0;

  constructor(src: SourceFile | undefined) {
    this.src = src;
    this.starts = src ? src.lineStarts : [0];
    this.textLen = src ? src.text.length : 0;
    let ascii = true;
    if (src) {
      const t = src.text;
      for (let i = 0; i < t.length; i++) {
        if (t.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
    }
    this.ascii = ascii;
  }

  /** Whether pos resolves to a real position (Go's Pos.Valid). */
  valid(pos: Pos): boolean {
    return pos >= 0 && this.src !== undefined;
  }

  private lineIndex(pos: number): number {
    const starts = this.starts;
    const n = starts.length;
    const h = this.hint;
    if (pos >= (starts[h] as number)) {
      if (h + 1 >= n || pos < (starts[h + 1] as number)) return h;
      if (h + 2 >= n || pos < (starts[h + 2] as number)) {
        this.hint = h + 1;
        return h + 1;
      }
    }
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return lo;
  }

  /** The 1-based line of pos, 0 if invalid. */
  line(pos: Pos): number {
    if (pos < 0 || !this.src) return 0;
    return this.lineIndex(pos) + 1;
  }

  /** Resolves pos into rOffset/rLine/rColumn (all 0 if invalid). */
  resolve(pos: Pos): void {
    const src = this.src;
    if (pos < 0 || !src) {
      this.rOffset = 0;
      this.rLine = 0;
      this.rColumn = 0;
      return;
    }
    const li = this.lineIndex(pos);
    const start = this.starts[li] as number;
    this.rLine = li + 1;
    if (this.ascii) {
      this.rOffset = pos;
      this.rColumn = pos - start + 1;
      return;
    }
    const starts = this.lineStartBytes ?? this.computeLineStartBytes();
    const end = Math.min(pos, this.textLen);
    const col = byteLength(src.text, start, end) + 1 + (pos - end);
    this.rOffset = (starts[li] as number) + col - 1;
    this.rColumn = col;
  }

  private computeLineStartBytes(): number[] {
    const src = this.src as SourceFile;
    const starts = src.lineStarts;
    const out = new Array<number>(starts.length);
    let bytes = 0;
    out[0] = 0;
    for (let i = 1; i < starts.length; i++) {
      bytes += byteLength(src.text, starts[i - 1] as number, starts[i] as number);
      out[i] = bytes;
    }
    this.lineStartBytes = out;
    return out;
  }
}

/** Where the printer's raw stream goes (a TabWriter, or a RawSink in tests). */
export interface Sink {
  /** Text holding none of '\t', '\v', '\n', '\f'. */
  text(s: string): void;
  /** Text that may hold those characters. */
  write(s: string): void;
  /** Text that the tabwriter must not interpret (comments). */
  escaped(s: string): void;
  /** The character c (' ', '\t', '\v', '\n' or '\f') n times. */
  byte(c: number, n: number): void;
}

/** Collects the raw stream as Go's printer hands it to the tabwriter (escapes as ESCAPE). */
export class RawSink implements Sink {
  out = "";
  text(s: string): void {
    this.out += s;
  }
  write(s: string): void {
    this.out += s;
  }
  escaped(s: string): void {
    this.out += ESCAPE + s + ESCAPE;
  }
  byte(c: number, n: number): void {
    this.out += String.fromCharCode(c).repeat(n);
  }
}

/** UTF-8 byte length of s[from:to]. */
export function byteLength(s: string, from = 0, to = s.length): number {
  let n = to - from;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for 2 code units
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

// Whitespace instructions buffered by the printer (the values are the characters
// they stand for, as upstream).
export const wsIgnore = 0;
export const wsBlank = 0x20;
export const wsVTab = 0x0b;
export const wsNewline = 0x0a;
export const wsFormfeed = 0x0c;
export const wsIndent = 0x3e; // '>'
export const wsUnindent = 0x3c; // '<'
export type Whitespace =
  | typeof wsIgnore
  | typeof wsBlank
  | typeof wsVTab
  | typeof wsNewline
  | typeof wsFormfeed
  | typeof wsIndent
  | typeof wsUnindent;

/** lastTok value after whitespace (Go's token.LITERAL). */
const LITERAL = -1;
/** Token passed for the final flush. */
const EOF = Tok.EOF;
const maxNewlines = 2;
const whitespaceCap = 16;
const MAX = Number.MAX_SAFE_INTEGER;

function newlineLimit(n: number): number {
  return Math.min(n, maxNewlines);
}

/** What writeString writes: punctuation and names, literals (which may hold tabs
 *  and newlines), or comments (escaped from the tabwriter). */
const TEXT = 0;
const LIT = 1;
const COMMENT = 2;

export class Printer {
  readonly res: PosResolver;
  private readonly sink: Sink;
  /** Whether anything was written yet (Go: len(p.output) > 0). */
  private wrote = false;
  private indent = 0;
  private lastTok: number = LITERAL;
  /** Buffered whitespace instructions: whitespace[0, nws). */
  private readonly whitespace = new Uint8Array(whitespaceCap);
  private nws = 0;

  // Comments still to print.
  private comments: CommentGroup[] = [];
  private commentIdx = 0;
  private curGroup: CommentGroup = [];
  /** Byte offset of the first comment of curGroup, -1 when there is none. */
  private commentOffset = -1;

  // AST-space position (estimated).
  private posOff = 0;
  private posLine = 1;
  private posCol = 1;
  // Line of the last AST-space position written (through writeString).
  private lastLine = 0;
  // Output-space column.
  private outCol = 1;

  constructor(res: PosResolver, sink: Sink) {
    this.res = res;
    this.sink = sink;
  }

  setComments(groups: CommentGroup[]): void {
    this.comments = groups;
    this.commentIdx = 0;
    this.nextComment();
  }

  private nextComment(): void {
    while (this.commentIdx < this.comments.length) {
      const g = this.comments[this.commentIdx++] as CommentGroup;
      if (g.length > 0) {
        this.curGroup = g;
        const pos = (g[0] as Comment).pos;
        if (this.res.valid(pos)) {
          this.res.resolve(pos);
          this.commentOffset = this.res.rOffset;
        } else {
          this.commentOffset = -1;
        }
        return;
      }
    }
    this.commentOffset = -1;
  }

  // ---- the Write(args...) instructions ----

  /** Buffers a whitespace instruction. */
  ws(w: Whitespace): void {
    if (w === wsIgnore) return;
    if (this.nws === whitespaceCap) this.writeWhitespace(whitespaceCap);
    this.whitespace[this.nws++] = w;
    this.lastTok = LITERAL;
  }

  /** Sets the AST-space position to a real source position (ignored if invalid). */
  pos(p: Pos): void {
    const res = this.res;
    if (!res.valid(p)) return;
    res.resolve(p);
    this.posOff = res.rOffset;
    this.posLine = res.rLine;
    this.posCol = res.rColumn;
  }

  /** Writes an identifier (or a joined block name). */
  ident(name: string): void {
    this.lastTok = Tok.IDENT;
    this.emit(name, TEXT);
  }

  /** Writes literal text of the given token kind. */
  literal(kind: Tok, text: string): void {
    this.lastTok = kind;
    this.emit(text, LIT);
  }

  /** Writes an operator or punctuation token. */
  token(t: Tok, text: string): void {
    // Keep tokens that would re-scan as one apart ("1 ." and "/ *").
    const first = text.charCodeAt(0);
    if ((this.lastTok === Tok.NUMBER && first === 0x2e) || (this.lastTok === Tok.DIV && first === 0x2a)) {
      if (this.nws !== 0) throw new Error("printer: whitespace buffer not empty");
      this.whitespace[this.nws++] = wsBlank;
    }
    this.lastTok = t;
    this.emit(text, TEXT);
  }

  private emit(data: string, kind: number): void {
    const nOff = this.posOff;
    const nLine = this.posLine;
    const nCol = this.posCol;
    // flush: comments before the next token, else the pending whitespace.
    if (this.commentOffset !== -1 && this.commentOffset <= nOff) this.injectComments(nOff, nLine, this.lastTok);
    else this.writeWhitespace(this.nws);
    this.writeString(nOff, nLine, nCol, data, kind);
  }

  /** The final flush: writes the remaining comments (and no pending whitespace). */
  finish(): void {
    if (this.commentOffset !== -1) this.injectComments(MAX, MAX, EOF);
  }

  // ---- comments ----

  private injectComments(nextOff: number, nextLine: number, tok: number): void {
    let last: Comment | undefined;
    const res = this.res;
    while (this.commentOffset !== -1 && this.commentOffset <= nextOff) {
      for (const c of this.curGroup) {
        this.writeCommentPrefix(nextLine, c);
        res.resolve(c.pos);
        this.writeString(res.rOffset, res.rLine, res.rColumn, c.text, COMMENT);
        last = c;
      }
      this.nextComment();
    }
    this.writeCommentSuffix(nextLine, tok, last as Comment);
  }

  private writeCommentPrefix(nextLine: number, c: Comment): void {
    if (!this.wrote) return; // nothing before the first comment of the output
    const cLine = this.res.line(c.pos);
    if (cLine === this.lastLine) {
      // Same line as the last token: a tab separates them (aligning trailing
      // comments), or a space if the next token follows on the same line too.
      this.writeByte(cLine === nextLine ? 0x20 : 0x09, 1);
      return;
    }
    // Apply pending indentation changes up to the first real whitespace, which is
    // dropped: the comment's own line breaks replace it. (Later entries stay.)
    const ws = this.whitespace;
    let count = 0;
    for (let i = 0; i < this.nws; i++) {
      const w = ws[i];
      if (w === wsIndent || w === wsUnindent) continue;
      if (w === wsBlank || w === wsVTab || w === wsNewline || w === wsFormfeed) ws[i] = wsIgnore;
      count = i;
      break;
    }
    this.writeWhitespace(count);
    let newlines = 0;
    if (cLine > 0 && this.lastLine > 0) newlines = cLine - this.lastLine;
    if (newlines > 0) this.writeByte(0x0c, newlineLimit(newlines));
  }

  private writeCommentSuffix(nextLine: number, tok: number, last: Comment): void {
    if (tok === EOF) return; // no blank lines at the end of the file
    // A block comment on the line of the next token gets a space after it.
    if (last.text.charCodeAt(1) === 0x2a && nextLine === this.res.line(last.pos + last.text.length - 1)) {
      this.writeByte(0x20, 1);
    }
    const newlines = nextLine - this.lastLine;
    let droppedFF = false;
    const ws = this.whitespace;
    for (let i = 0; i < this.nws; i++) {
      const w = ws[i];
      if (w === wsBlank || w === wsVTab) ws[i] = wsIgnore;
      else if (w === wsNewline || w === wsFormfeed) {
        if (w === wsFormfeed) droppedFF = true;
        ws[i] = wsIgnore;
      }
    }
    this.writeWhitespace(this.nws);
    if (newlines > 0) this.writeByte(droppedFF ? 0x0c : 0x0a, newlineLimit(newlines));
  }

  // ---- raw output ----

  private writeString(pOff: number, pLine: number, pCol: number, s: string, kind: number): void {
    if (this.outCol === 1) this.writeIndent();
    if (pLine > 0) {
      this.posOff = pOff;
      this.posLine = pLine;
      this.posCol = pCol;
    }
    this.wrote = true;
    const sink = this.sink;
    if (kind === TEXT) sink.text(s);
    else if (kind === LIT) sink.write(s);
    else sink.escaped(s);

    const len = byteLength(s);
    this.posOff += len;
    // Only literals and comments can span lines.
    let lastNL = -1;
    let newlines = 0;
    if (kind !== TEXT) {
      for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) {
        newlines++;
        lastNL = i;
      }
      for (let i = s.indexOf("\f"); i !== -1; i = s.indexOf("\f", i + 1)) {
        newlines++;
        if (i > lastNL) lastNL = i;
      }
    }
    if (newlines > 0) {
      this.posLine += newlines;
      // Go: len(s) - lastNewlineIdx, in bytes.
      const col = byteLength(s, lastNL, s.length);
      this.posCol = col;
      this.outCol = col;
    } else {
      this.posCol += len;
      this.outCol += len;
    }
    this.lastLine = this.posLine;
  }

  private writeIndent(): void {
    const depth = this.indent;
    if (depth > 0) {
      this.sink.byte(0x09, depth);
      this.wrote = true;
    }
    this.posOff += depth;
    this.posCol += depth;
    this.outCol += depth;
  }

  /** Writes the whitespace character c n times. */
  private writeByte(c: number, n: number): void {
    if (this.outCol === 1) this.writeIndent();
    this.sink.byte(c, n);
    this.wrote = true;
    this.posOff += n;
    if (c === 0x0a || c === 0x0c) {
      this.posLine += n;
      this.posCol = 1;
      this.outCol = 1;
      return;
    }
    this.posCol += n;
    this.outCol += n;
  }

  /** Writes the first n buffered whitespace instructions. */
  private writeWhitespace(n: number): void {
    if (n === 0) return;
    const ws = this.whitespace;
    for (let i = 0; i < n; i++) {
      const w = ws[i] as number;
      switch (w) {
        case wsIgnore:
          break;
        case wsIndent:
          this.indent++;
          break;
        case wsUnindent:
          this.indent--;
          if (this.indent < 0) throw new Error("printer: negative indentation");
          break;
        default:
          this.writeByte(w, 1);
      }
    }
    // Shift the remaining entries down.
    if (n < this.nws) ws.copyWithin(0, n, this.nws);
    this.nws -= n;
  }
}
