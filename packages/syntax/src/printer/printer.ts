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

/** A resolved position: byte offset, 1-based line, 1-based byte column (line 0 = invalid). */
export interface GoPosition {
  offset: number;
  line: number;
  column: number;
}

const invalidPosition: GoPosition = { offset: 0, line: 0, column: 0 };

/** Resolves AST positions (UTF-16 offsets) to Go-style byte positions. */
export class PosResolver {
  private readonly src: SourceFile | undefined;
  private readonly ascii: boolean;
  private lineStartBytes: number[] | undefined;

  constructor(src: SourceFile | undefined) {
    this.src = src;
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

  /** The 1-based line of pos, 0 if invalid. */
  line(pos: Pos): number {
    if (pos < 0 || !this.src) return 0;
    return this.src.lineIndex(pos) + 1;
  }

  position(pos: Pos): GoPosition {
    const src = this.src;
    if (pos < 0 || !src) return invalidPosition;
    const li = src.lineIndex(pos);
    const start = src.lineStarts[li] as number;
    if (this.ascii) return { offset: pos, line: li + 1, column: pos - start + 1 };
    const starts = this.lineStartBytes ?? this.computeLineStartBytes();
    const col = byteLength(src.text, start, Math.min(pos, src.text.length)) + 1 + Math.max(0, pos - src.text.length);
    return { offset: (starts[li] as number) + col - 1, line: li + 1, column: col };
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
  return n > maxNewlines ? maxNewlines : n;
}

export class Printer {
  readonly res: PosResolver;
  private readonly out: string[] = [];
  private outLen = 0;
  private indent = 0;
  private lastTok: number = LITERAL;
  private whitespace: number[] = [];

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
  // Last AST-space position written (through writeString).
  private lastLine = 0;
  // Output-space line/column.
  private outCol = 1;

  constructor(res: PosResolver) {
    this.res = res;
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
        this.commentOffset = this.res.valid((g[0] as Comment).pos)
          ? this.res.position((g[0] as Comment).pos).offset
          : -1;
        return;
      }
    }
    this.commentOffset = -1;
  }

  private commentBefore(nextOff: number): boolean {
    return this.commentOffset !== -1 && this.commentOffset <= nextOff;
  }

  // ---- the Write(args...) instructions ----

  /** Buffers a whitespace instruction. */
  ws(w: Whitespace): void {
    if (w === wsIgnore) return;
    if (this.whitespace.length === whitespaceCap) this.writeWhitespace(whitespaceCap);
    this.whitespace.push(w);
    this.lastTok = LITERAL;
  }

  /** Sets the AST-space position to a real source position (ignored if invalid). */
  pos(p: Pos): void {
    if (!this.res.valid(p)) return;
    const gp = this.res.position(p);
    this.posOff = gp.offset;
    this.posLine = gp.line;
    this.posCol = gp.column;
  }

  /** Writes an identifier (or a joined block name). */
  ident(name: string): void {
    this.lastTok = Tok.IDENT;
    this.emit(name);
  }

  /** Writes literal text of the given token kind. */
  literal(kind: Tok, text: string): void {
    this.lastTok = kind;
    this.emit(text);
  }

  /** Writes an operator or punctuation token. */
  token(t: Tok, text: string): void {
    // Keep tokens that would re-scan as one apart ("1 ." and "/ *").
    const first = text.charCodeAt(0);
    if ((this.lastTok === Tok.NUMBER && first === 0x2e) || (this.lastTok === Tok.DIV && first === 0x2a)) {
      if (this.whitespace.length !== 0) throw new Error("printer: whitespace buffer not empty");
      this.whitespace.push(wsBlank);
    }
    this.lastTok = t;
    this.emit(text);
  }

  private emit(data: string): void {
    const nOff = this.posOff;
    const nLine = this.posLine;
    const nCol = this.posCol;
    this.flush(nOff, nLine, this.lastTok);
    this.writeString(nOff, nLine, nCol, data, false);
  }

  /** The final flush: writes the remaining comments. Returns the raw stream. */
  finish(): string {
    this.flush(MAX, MAX, EOF);
    return this.out.join("");
  }

  // ---- comments ----

  private flush(nextOff: number, nextLine: number, tok: number): void {
    if (this.commentBefore(nextOff)) this.injectComments(nextOff, nextLine, tok);
    else if (tok !== EOF) this.writeWhitespace(this.whitespace.length);
  }

  private injectComments(nextOff: number, nextLine: number, tok: number): void {
    let last: Comment | undefined;
    while (this.commentBefore(nextOff)) {
      for (const c of this.curGroup) {
        this.writeCommentPrefix(nextLine, c);
        const cp = this.res.position(c.pos);
        this.writeString(cp.offset, cp.line, cp.column, c.text, true);
        last = c;
      }
      this.nextComment();
    }
    this.writeCommentSuffix(nextLine, tok, last as Comment);
  }

  private writeCommentPrefix(nextLine: number, c: Comment): void {
    if (this.outLen === 0) return; // nothing before the first comment of the output
    const cLine = this.res.line(c.pos);
    if (cLine === this.lastLine) {
      // Same line as the last token: a tab separates them (aligning trailing
      // comments), or a space if the next token follows on the same line too.
      this.writeByte(cLine === nextLine ? " " : "\t", 1);
      return;
    }
    // Apply pending indentation changes up to the first real whitespace, which is
    // dropped: the comment's own line breaks replace it.
    const ws = this.whitespace;
    let count = 0;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (w === wsIndent || w === wsUnindent) continue;
      if (w === wsBlank || w === wsVTab || w === wsNewline || w === wsFormfeed) ws[i] = wsIgnore;
      count = i;
      break;
    }
    this.writeWhitespace(count);
    let newlines = 0;
    if (cLine > 0 && this.lastLine > 0) newlines = cLine - this.lastLine;
    if (newlines > 0) this.writeByte("\f", newlineLimit(newlines));
  }

  private writeCommentSuffix(nextLine: number, tok: number, last: Comment): void {
    if (tok === EOF) return; // no blank lines at the end of the file
    // A block comment on the line of the next token gets a space after it.
    if (last.text.charCodeAt(1) === 0x2a && nextLine === this.res.line(last.pos + last.text.length - 1)) {
      this.writeByte(" ", 1);
    }
    const newlines = nextLine - this.lastLine;
    let droppedFF = false;
    const ws = this.whitespace;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (w === wsBlank || w === wsVTab) ws[i] = wsIgnore;
      else if (w === wsNewline || w === wsFormfeed) {
        if (w === wsFormfeed) droppedFF = true;
        ws[i] = wsIgnore;
      }
    }
    this.writeWhitespace(ws.length);
    if (newlines > 0) this.writeByte(droppedFF ? "\f" : "\n", newlineLimit(newlines));
  }

  // ---- raw output ----

  private push(s: string): void {
    this.out.push(s);
    this.outLen += s.length;
  }

  private writeString(pOff: number, pLine: number, pCol: number, s: string, isLit: boolean): void {
    if (this.outCol === 1) this.writeIndent();
    if (pLine > 0) {
      this.posOff = pOff;
      this.posLine = pLine;
      this.posCol = pCol;
    }
    if (isLit) this.push(ESCAPE + s + ESCAPE);
    else this.push(s);

    const len = byteLength(s);
    let newlines = 0;
    let lastNL = -1;
    for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) {
      newlines++;
      lastNL = i;
    }
    for (let i = s.indexOf("\f"); i !== -1; i = s.indexOf("\f", i + 1)) {
      newlines++;
      if (i > lastNL) lastNL = i;
    }
    this.posOff += len;
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
    if (depth > 0) this.push("\t".repeat(depth));
    this.posOff += depth;
    this.posCol += depth;
    this.outCol += depth;
  }

  /** Writes the whitespace character ch n times. */
  private writeByte(ch: string, n: number): void {
    if (this.outCol === 1) this.writeIndent();
    this.push(n === 1 ? ch : ch.repeat(n));
    this.posOff += n;
    if (ch === "\n" || ch === "\f") {
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
          this.writeByte(String.fromCharCode(w), 1);
      }
    }
    if (n === ws.length) ws.length = 0;
    else if (n > 0) ws.splice(0, n);
  }
}
