// An elastic-tabstop column aligner with the semantics of Go's text/tabwriter, and
// the trimmer Alloy's printer puts behind it. Alloy's printer output is defined as
// "what text/tabwriter makes of the printer's raw stream", so the cell splitting,
// column blocks, flush points (a '\f', or a '\n' ending a one-cell line) and
// padding rules below follow Go's algorithm step by step.
//
// Differences from Go, none of which Alloy's printer uses: input is a JS string and
// widths count code points (Go counts runes of UTF-8 bytes: the same for valid
// text); FilterHTML and StripEscape are not supported; the input is written in one
// go and then flushed (Go gives the same result for any split of the writes).

/** Brackets a segment that must not be interpreted (Go uses the byte 0xff). A lone
 *  low surrogate: it cannot occur in text decoded from UTF-8. */
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

interface Cell {
  /** Start and end (exclusive) of the cell text in the input. */
  start: number;
  end: number;
  /** Width in code points, escape characters excluded. */
  width: number;
  /** Terminated by a horizontal tab ('\t') rather than '\v'. */
  htab: boolean;
}

/**
 * Formats text as Go's tabwriter.NewWriter(out, minwidth, tabwidth, padding, padchar,
 * flags) would after one Write(text) and a Flush().
 */
export function tabwrite(text: string, opts: TabWriterOptions): string {
  return new TabWriter(opts).run(text);
}

class TabWriter {
  private readonly minwidth: number;
  private readonly tabwidth: number;
  private readonly padding: number;
  private readonly padchar: string;
  private readonly flags: number;

  private text = "";
  private out: string[] = [];
  /** Buffered lines of cells; the last one is the line being read. */
  private lines: Cell[][] = [[]];
  private widths: number[] = [];
  /** Start of the current (unterminated) cell, and of the buffered text. */
  private cellStart = 0;

  constructor(o: TabWriterOptions) {
    this.minwidth = o.minwidth;
    this.tabwidth = o.tabwidth;
    this.padding = o.padding;
    this.padchar = o.padchar;
    // Tab padding enforces left alignment.
    this.flags = o.padchar === "\t" ? o.flags & ~AlignRight : o.flags;
  }

  run(text: string): string {
    this.text = text;
    const n = text.length;
    let width = 0; // width of the current cell so far
    let inEscape = false;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === ESC) {
        inEscape = !inEscape;
        continue;
      }
      if (!inEscape && (c === 9 || c === 11 || c === 10 || c === 12)) {
        const line = this.lines[this.lines.length - 1] as Cell[];
        line.push({ start: this.cellStart, end: i, width, htab: c === 9 });
        this.cellStart = i + 1;
        width = 0;
        if (c === 10 || c === 12) {
          const ncells = line.length;
          this.lines.push([]);
          if (c === 12 || ncells === 1) {
            // A formfeed always flushes; so does a line with a single cell, which
            // cannot influence the columns of later lines.
            this.flush();
            if (c === 12 && this.flags & Debug) this.out.push("---\n");
          }
        }
        continue;
      }
      // Count code points: the second half of a surrogate pair adds nothing.
      if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
        const p = text.charCodeAt(i - 1);
        if (p >= 0xd800 && p <= 0xdbff) continue;
      }
      width++;
    }
    // Final flush: the pending text is the last cell of the last line.
    if (this.cellStart < n) {
      (this.lines[this.lines.length - 1] as Cell[]).push({ start: this.cellStart, end: n, width, htab: false });
      this.cellStart = n;
    }
    this.flush();
    return this.out.join("");
  }

  private flush(): void {
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.widths = [];
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= (this.lines[cur] as Cell[]).length - 1) continue;
      // A cell exists in this column: print the lines before the block, then
      // measure the block of consecutive lines that have a cell in this column.
      this.writeLines(line0, cur);
      line0 = cur;
      let width = this.minwidth;
      let discardable = true;
      for (; cur < line1; cur++) {
        const line = this.lines[cur] as Cell[];
        if (column >= line.length - 1) break;
        const c = line[column] as Cell;
        const w = c.width + this.padding;
        if (w > width) width = w;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.flags & DiscardEmptyColumns) width = 0;
      // Format the columns to the right of this one for the block.
      this.widths.push(width);
      this.format(line0, cur);
      this.widths.pop();
      line0 = cur;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    const out = this.out;
    const widths = this.widths;
    const text = this.text;
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] as Cell[];
      let useTabs = (this.flags & TabIndent) !== 0;
      for (let j = 0; j < line.length; j++) {
        const c = line[j] as Cell;
        if (j > 0 && this.flags & Debug) out.push("|");
        if (c.start === c.end) {
          if (j < widths.length) this.writePadding(c.width, widths[j] as number, useTabs);
        } else {
          useTabs = false;
          if (!(this.flags & AlignRight)) {
            out.push(text.slice(c.start, c.end));
            if (j < widths.length) this.writePadding(c.width, widths[j] as number, false);
          } else {
            if (j < widths.length) this.writePadding(c.width, widths[j] as number, false);
            out.push(text.slice(c.start, c.end));
          }
        }
      }
      // The last buffered line has no newline (its text, if any, is already a cell).
      if (i + 1 !== this.lines.length) out.push("\n");
    }
  }

  private writePadding(textw: number, cellw: number, useTabs: boolean): void {
    if (this.padchar === "\t" || useTabs) {
      if (this.tabwidth === 0) return; // tabs have no width: no padding possible
      const tw = this.tabwidth;
      const cw = Math.ceil(cellw / tw) * tw;
      const n = cw - textw;
      if (n < 0) throw new Error("tabwriter: internal error");
      this.out.push("\t".repeat(Math.ceil(n / tw)));
      return;
    }
    if (cellw > textw) this.out.push(this.padchar.repeat(cellw - textw));
  }
}

/**
 * Alloy's trimmer: drops trailing blanks and tabs from every line and at the end,
 * turns '\f' into '\n' and '\v' into '\t', and removes ESCAPE characters; text
 * between ESCAPEs is copied unchanged (including trailing blanks and '\f', '\v').
 */
export function trim(text: string): string {
  const out: string[] = [];
  const n = text.length;
  // Pending blanks: text[spaceStart, spaceEnd) when a run of ' '/'\t'/'\v' is open.
  let spaceStart = -1;
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
      spaceStart = s;
      textStart = i;
      // Decide what the run is followed by.
      if (i >= n) return out.join(""); // trailing blanks at the end are dropped
      const d = text.charCodeAt(i);
      if (d === 10 || d === 12) continue; // dropped before a newline
      pushBlanks(out, text, spaceStart, i);
      spaceStart = -1;
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

function pushBlanks(out: string[], text: string, from: number, to: number): void {
  const s = text.slice(from, to);
  out.push(s.indexOf("\v") === -1 ? s : s.replaceAll("\v", "\t"));
}
