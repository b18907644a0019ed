// Source files and positions. A position (Pos) is a UTF-16 offset into the file's
// text, or NoPos. Line and column numbers are 1-based, and columns count UTF-8 bytes
// as Alloy (Go) does, so "file:line:col" matches Alloy's output for any input.

export type Pos = number;
export const NoPos: Pos = -1;

export interface Position {
  filename: string;
  /** UTF-16 offset into the text (what JS strings index by). */
  offset: number;
  /** 1-based line; 0 when the position is unknown. */
  line: number;
  /** 1-based column in UTF-8 bytes; 0 when unknown. */
  column: number;
}

export const unknownPosition = (filename = ""): Position => ({ filename, offset: -1, line: 0, column: 0 });

export function positionString(p: Position): string {
  let s = p.filename;
  if (p.line > 0) {
    s = s ? `${s}:${p.line}:${p.column}` : `${p.line}:${p.column}`;
  }
  return s || "-";
}

export class SourceFile {
  readonly name: string;
  readonly text: string;
  /** Offsets at which each line starts; lineStarts[0] === 0. */
  readonly lineStarts: number[];

  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
    const starts = [0];
    let i = text.indexOf("\n");
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf("\n", i + 1);
    }
    this.lineStarts = starts;
  }

  /** Index (0-based) of the line holding offset. */
  lineIndex(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(pos: Pos): Position {
    if (pos < 0) return unknownPosition(this.name);
    const offset = Math.min(pos, this.text.length);
    const li = this.lineIndex(offset);
    const start = this.lineStarts[li] as number;
    return { filename: this.name, offset, line: li + 1, column: utf8Length(this.text, start, offset) + 1 };
  }

  /** Text of the 1-based line n, without its newline. */
  lineText(n: number): string {
    const start = this.lineStarts[n - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[n];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** UTF-8 byte offset of a UTF-16 offset (what Alloy reports as Offset). */
  byteOffset(pos: Pos): number {
    return utf8Length(this.text, 0, pos);
  }
}

/** UTF-8 byte length of text[from:to]. */
export function utf8Length(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
