// An elastic-tabstop column aligner with the semantics of Go's text/tabwriter, and
// the trimmer Alloy's printer puts behind it. Alloy's printer output is defined as
// "what text/tabwriter makes of the printer's raw stream", so the cell splitting,
// column blocks, flush points (a '\f', or a '\n' ending a one-cell line) and
// padding rules below follow Go's algorithm step by step.
//
// The writer is fed in pieces whose kind the printer knows (plain text, text that
// may hold control characters, escaped text, whitespace bytes), which spares a
// second scan of the output. Escaped text (Go brackets it with 0xff bytes) is kept
// in cells between ESCAPE characters. With `trimmed` output, the trimmer (trailing
// blanks dropped, escapes removed) is applied while writing.
//
// Differences from Go, none of which Alloy's printer uses: widths count code points
// of JS strings (Go counts runes of UTF-8 bytes: the same for valid text);
// FilterHTML and StripEscape are not supported.

/** Brackets an escaped segment in raw streams (Go uses the byte 0xff). A lone low
 *  surrogate: it cannot occur in text decoded from UTF-8. */
export const ESCAPE = "\uDFFF";
const ESC = 0xdfff;

/** Force right-alignment of cell content. */
export const AlignRight = 1 << 2;
/** Handle empty columns as if they were not present in the input. */
export const DiscardEmptyColumns = 1 << 3;
/** Always use tabs for indentation columns (padding of leading empty cells). */
export const TabIndent = 1 << 4;
/** Print a vertical bar between columns and "---" at section (formfeed) breaks. */
export const Debug = 1 << 5;

export interface TabWriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: string;
  flags: number;
}

/** Number of code points in s. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const spaces: string[] = [];
const tabs: string[] = [];
for (let i = 0; i <= 64; i++) {
  spaces.push(" ".repeat(i));
  tabs.push("\t".repeat(i));
}

function repeatChar(ch: string, n: number): string {
  if (n <= 64) {
    if (ch === " ") return spaces[n] as string;
    if (ch === "\t") return tabs[n] as string;
  }
  return ch.repeat(n);
}

export class TabWriter {
  private readonly minwidth: number;
  private readonly tabwidth: number;
  private readonly padding: number;
  private readonly padchar: string;
  private readonly flags: number;
  private readonly trimmed: boolean;

  // The cell being read.
  private cur = "";
  private curWidth = 0;
  private curEsc = false;

  // Buffered cells, flat: text, width, and bit 1 = htab, bit 2 = holds escapes.
  private cText: string[] = [];
  private cWidth: number[] = [];
  private cFlags: number[] = [];
  private nCells = 0;
  /** Index of the first cell of each buffered line; the last line is being read. */
  private lineStart: number[] = [0];
  private nLines = 1;
  private widths: number[] = [];
  private nWidths = 0;

  // Output.
  private out = "";
  /** Trimmed mode: blanks not yet written (dropped if a newline or the end follows). */
  private pending = "";

  constructor(o: TabWriterOptions, trimmed = false) {
    this.minwidth = o.minwidth;
    this.tabwidth = o.tabwidth;
    this.padding = o.padding;
    this.padchar = o.padchar;
    // Tab padding enforces left alignment.
    this.flags = o.padchar === "\t" ? o.flags & ~AlignRight : o.flags;
    this.trimmed = trimmed;
  }

  /** Appends text holding none of '\t', '\v', '\n', '\f'. */
  text(s: string): void {
    this.cur += s;
    this.curWidth += codePoints(s);
  }

  /** Appends text that may hold cell or line terminators. */
  write(s: string): void {
    let from = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 9 || c === 11 || c === 10 || c === 12) {
        if (i > from) this.text(s.slice(from, i));
        this.terminate(c);
        from = i + 1;
      }
    }
    if (from < s.length) this.text(from === 0 ? s : s.slice(from));
  }

  /** Appends an escaped segment: never split, its width is its code point count. */
  escaped(s: string): void {
    this.cur += ESCAPE + s + ESCAPE;
    this.curWidth += codePoints(s);
    this.curEsc = true;
  }

  /** Appends the character c (' ', '\t', '\v', '\n' or '\f') n times. */
  byte(c: number, n: number): void {
    if (c === 32) {
      this.text(repeatChar(" ", n));
      return;
    }
    for (let i = 0; i < n; i++) this.terminate(c);
  }

  /** Writes a raw stream with ESCAPE-bracketed segments, as Go's Write. */
  writeRaw(s: string): void {
    let i = 0;
    while (i < s.length) {
      const e = s.indexOf(ESCAPE, i);
      if (e === -1) {
        this.write(i === 0 ? s : s.slice(i));
        return;
      }
      if (e > i) this.write(s.slice(i, e));
      const end = s.indexOf(ESCAPE, e + 1);
      if (end === -1) {
        // Unterminated: the rest is escaped.
        this.cur += s.slice(e);
        this.curWidth += codePoints(s.slice(e + 1));
        this.curEsc = true;
        return;
      }
      this.escaped(s.slice(e + 1, end));
      i = end + 1;
    }
  }

  /** Flushes everything and returns the output. */
  close(): string {
    if (this.cur !== "") this.pushCell(false);
    this.flush();
    return this.out;
  }

  private pushCell(htab: boolean): void {
    const k = this.nCells++;
    this.cText[k] = this.cur;
    this.cWidth[k] = this.curWidth;
    this.cFlags[k] = (htab ? 1 : 0) | (this.curEsc ? 2 : 0);
    this.cur = "";
    this.curWidth = 0;
    this.curEsc = false;
  }

  private terminate(c: number): void {
    this.pushCell(c === 9);
    if (c === 10 || c === 12) {
      const ls = this.lineStart;
      const ncells = this.nCells - (ls[this.nLines - 1] as number);
      ls[this.nLines++] = this.nCells;
      if (c === 12 || ncells === 1) {
        // A formfeed always flushes; so does a line with a single cell, which
        // cannot influence the columns of later lines.
        this.flush();
        if (c === 12 && this.flags & Debug) this.emitText("---\n", false);
      }
    }
  }

  private flush(): void {
    this.format(0, this.nLines);
    this.nCells = 0;
    this.nLines = 1;
    this.nWidths = 0;
  }

  /** Number of cells of line i. */
  private lineLen(i: number): number {
    const ls = this.lineStart;
    return (i + 1 < this.nLines ? (ls[i + 1] as number) : this.nCells) - (ls[i] as number);
  }

  private format(line0: number, line1: number): void {
    const column = this.nWidths;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= this.lineLen(cur) - 1) continue;
      // A cell exists in this column: print the lines before the block, then
      // measure the block of consecutive lines that have a cell in this column.
      this.writeLines(line0, cur);
      line0 = cur;
      let width = this.minwidth;
      let discardable = true;
      for (; cur < line1; cur++) {
        if (column >= this.lineLen(cur) - 1) break;
        const k = (this.lineStart[cur] as number) + column;
        const cw = this.cWidth[k] as number;
        const w = cw + this.padding;
        if (w > width) width = w;
        if (cw > 0 || (this.cFlags[k] as number) & 1) discardable = false;
      }
      if (discardable && this.flags & DiscardEmptyColumns) width = 0;
      // Format the columns to the right of this one for the block.
      this.widths[this.nWidths++] = width;
      this.format(line0, cur);
      this.nWidths--;
      line0 = cur;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    const widths = this.widths;
    const nw = this.nWidths;
    const nLines = this.nLines;
    const debug = (this.flags & Debug) !== 0;
    const right = (this.flags & AlignRight) !== 0;
    for (let i = line0; i < line1; i++) {
      const first = this.lineStart[i] as number;
      const n = this.lineLen(i);
      let useTabs = (this.flags & TabIndent) !== 0;
      for (let j = 0; j < n; j++) {
        const k = first + j;
        if (j > 0 && debug) this.emitText("|", false);
        const t = this.cText[k] as string;
        if (t === "") {
          if (j < nw) this.writePadding(this.cWidth[k] as number, widths[j] as number, useTabs);
        } else {
          useTabs = false;
          const esc = ((this.cFlags[k] as number) & 2) !== 0;
          if (!right) {
            this.emitText(t, esc);
            if (j < nw) this.writePadding(this.cWidth[k] as number, widths[j] as number, false);
          } else {
            if (j < nw) this.writePadding(this.cWidth[k] as number, widths[j] as number, false);
            this.emitText(t, esc);
          }
        }
      }
      // The last buffered line has no newline (its text, if any, is already a cell).
      if (i + 1 !== nLines) this.emitNewline();
    }
  }

  private writePadding(textw: number, cellw: number, useTabs: boolean): void {
    if (this.padchar === "\t" || useTabs) {
      if (this.tabwidth === 0) return; // tabs have no width: no padding possible
      const tw = this.tabwidth;
      const cw = Math.ceil(cellw / tw) * tw;
      const n = cw - textw;
      if (n < 0) throw new Error("tabwriter: internal error");
      this.emitBlank(repeatChar("\t", Math.ceil(n / tw)));
      return;
    }
    if (cellw > textw) this.emitBlank(repeatChar(this.padchar, cellw - textw));
  }

  // ---- output, optionally through the trimmer ----

  private emitBlank(s: string): void {
    if (!this.trimmed) this.out += s;
    else if (this.padchar === " " || this.padchar === "\t" || s.charCodeAt(0) === 9) {
      this.pending = this.pending === "" ? s : this.pending + s;
    } else this.emitText(s, false);
  }

  private emitNewline(): void {
    this.pending = "";
    this.out += "\n";
  }

  /** Writes cell text; `esc` if it holds ESCAPE-bracketed segments. */
  private emitText(t: string, esc: boolean): void {
    if (!this.trimmed) {
      this.out += t;
      return;
    }
    if (!esc) {
      this.emitPlain(t);
      return;
    }
    let i = 0;
    while (i < t.length) {
      const e = t.indexOf(ESCAPE, i);
      if (e === -1) {
        this.emitPlain(i === 0 ? t : t.slice(i));
        return;
      }
      if (e > i) this.emitPlain(t.slice(i, e));
      let end = t.indexOf(ESCAPE, e + 1);
      if (end === -1) end = t.length;
      // Escaped text is written unchanged, after any pending blanks.
      this.out += this.pending + t.slice(e + 1, end);
      this.pending = "";
      i = end + 1;
    }
  }

  /** Trimmer on unescaped text, which holds no line breaks outside Debug output:
   *  blanks are held back until something follows them. */
  private emitPlain(t: string): void {
    if (t.indexOf("\n") !== -1 || t.indexOf("\f") !== -1) {
      let from = 0;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10 || c === 12) {
          this.flushPlain(t, from, i);
          this.emitNewline();
          from = i + 1;
        }
      }
      this.flushPlain(t, from, t.length);
      return;
    }
    this.flushPlain(t, 0, t.length);
  }

  private flushPlain(t: string, from: number, to: number): void {
    // Split off trailing blanks.
    let k = to;
    while (k > from) {
      const c = t.charCodeAt(k - 1);
      if (c !== 32 && c !== 9 && c !== 11) break;
      k--;
    }
    if (k > from) {
      const body = from === 0 && k === t.length ? t : t.slice(from, k);
      if (this.pending !== "") {
        this.out += this.pending;
        this.pending = "";
      }
      this.out += body.indexOf("\v") === -1 ? body : body.replaceAll("\v", "\t");
    }
    if (k < to) {
      const blanks = t.slice(k, to);
      this.pending += blanks.indexOf("\v") === -1 ? blanks : blanks.replaceAll("\v", "\t");
    }
  }
}

/**
 * Formats a raw stream (ESCAPE-bracketed segments allowed) as Go's
 * tabwriter.NewWriter(out, minwidth, tabwidth, padding, padchar, flags) would after
 * one Write and a Flush.
 */
export function tabwrite(text: string, opts: TabWriterOptions): string {
  const w = new TabWriter(opts);
  w.writeRaw(text);
  return w.close();
}

/**
 * Alloy's trimmer: drops trailing blanks and tabs from every line and at the end,
 * turns '\f' into '\n' and '\v' into '\t', and removes ESCAPE characters; text
 * between ESCAPEs is copied unchanged (including trailing blanks and '\f', '\v').
 */
export function trim(text: string): string {
  const out: string[] = [];
  const n = text.length;
  let textStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 11) {
      if (textStart < i) out.push(text.slice(textStart, i));
      const s = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d !== 32 && d !== 9 && d !== 11) break;
        i++;
      }
      textStart = i;
      if (i >= n) return out.join(""); // trailing blanks at the end are dropped
      const d = text.charCodeAt(i);
      if (d === 10 || d === 12) continue; // dropped before a newline
      out.push(text.slice(s, i).replaceAll("\v", "\t"));
      continue;
    }
    if (c === 10 || c === 12) {
      if (textStart < i) out.push(text.slice(textStart, i));
      out.push("\n");
      i++;
      textStart = i;
      continue;
    }
    if (c === ESC) {
      if (textStart < i) out.push(text.slice(textStart, i));
      const end = text.indexOf(ESCAPE, i + 1);
      if (end === -1) {
        out.push(text.slice(i + 1));
        return out.join("");
      }
      out.push(text.slice(i + 1, end));
      i = end + 1;
      textStart = i;
      continue;
    }
    i++;
  }
  if (textStart < n) out.push(text.slice(textStart, n));
  return out.join("");
}
