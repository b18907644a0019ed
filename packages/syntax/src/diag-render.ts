// Pretty-printing of diagnostics with a source excerpt, in the exact format of Alloy's
// syntax/diag printer (what `alloy validate` and `alloy run` print):
//
//   Error: main.alloy:2:18: string literal not terminated
//
//   1 | // context line before
//   2 | local.file_match "applogs {
//     |                  ^
//   3 | context line after
//
// Columns are 1-based UTF-8 byte columns (as in Position). Tabs and vertical tabs show
// as four spaces, carriage returns are dropped from the excerpt, and a range that spans
// several lines is drawn with a bar down the left margin.
import type { Diagnostic } from "./diag.js";
import type { Position } from "./source.js";
import { positionString } from "./source.js";

const tabWidth = 4;

export interface RenderOptions {
  /** Colour the header (ANSI escapes, as fatih/color does upstream). Default false. */
  color?: boolean;
  /** Lines of context before the range. Default 1. */
  contextBefore?: number;
  /** Lines of context after the range. Default 1. */
  contextAfter?: number;
}

/** File contents by name: a map, or a lookup returning undefined when unknown. */
export type FileLookup = Map<string, string> | ReadonlyMap<string, string> | ((filename: string) => string | undefined);

const RED_BOLD = "\x1b[31;1m";
const YELLOW_BOLD = "\x1b[33;1m";
const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

/**
 * Renders diagnostics as Alloy's diag.Fprint does: a header per diagnostic, then the
 * source excerpt when the file is known, with one blank line between diagnostics.
 * The result ends with a newline after the last excerpt (or header), and is "" when
 * there are no diagnostics.
 */
export function renderDiagnostics(
  diags: readonly Diagnostic[],
  files: FileLookup,
  options: RenderOptions = {},
): string {
  const lookup = typeof files === "function" ? files : (name: string) => files.get(name);
  const before = options.contextBefore ?? 1;
  const after = options.contextAfter ?? 1;
  const out: string[] = [];
  for (let i = 0; i < diags.length; i++) {
    const d = diags[i] as Diagnostic;
    out.push(renderHeader(d, options.color === true));
    const start = d.start;
    const end = d.end && d.end.line > 0 ? d.end : start;
    const text = lookup(start.filename);
    if (text !== undefined && start.filename === end.filename) {
      renderRange(out, text, start, end, before, after);
    }
    if (i + 1 < diags.length) out.push("\n");
  }
  return out.join("");
}

/** The header line of one diagnostic: "Error: file:line:col: message\n". */
export function renderHeader(d: Diagnostic, color = false): string {
  const label = d.severity === "error" ? "Error: " : d.severity === "warning" ? "Warning: " : "";
  const rest = `${positionString(d.start)}: ${d.message}\n`;
  if (!color) return label + rest;
  const labelColor = d.severity === "error" ? RED_BOLD : YELLOW_BOLD;
  return `${label ? labelColor + label + RESET : ""}${BOLD}${rest}${RESET}`;
}

function renderRange(out: string[], text: string, start: Position, end: Position, before: number, after: number): void {
  out.push("\n");
  const lines = text.split("\n");
  const firstLine = Math.max(start.line - before, 1);
  const lastLine = Math.min(end.line + after, lines.length);
  const multiline = end.line - start.line > 0;
  const prefixWidth = String(lastLine).length;
  const blankPrefix = " ".repeat(prefixWidth);

  for (let n = firstLine; n <= lastLine; n++) {
    const line = lines[n - 1] as string;
    let s = String(n).padStart(prefixWidth, " ");
    s += " | ";
    if (multiline) s += inRange(n, 0, start, end) ? "| " : "  ";
    s += expandLine(line);
    s += "\n";
    out.push(s);

    if (n === start.line || (multiline && n === end.line)) {
      let f = blankPrefix;
      if (multiline && n === start.line) f += " |  _";
      else if (multiline && n === end.line) f += " | |_";
      else f += " | ";
      f += focusLine(line, n, start, end);
      f += "\n";
      out.push(f);
    }
  }
}

/** The line as shown in the excerpt: CR dropped, TAB and VT as four spaces. */
function expandLine(line: string): string {
  let simple = true;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 9 || c === 11 || c === 13) {
      simple = false;
      break;
    }
  }
  if (simple) return line;
  let s = "";
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 13) continue;
    if (c === 9 || c === 11) s += "    ";
    else s += line[i];
  }
  return s;
}

/**
 * The underline for one line: a character per code point of the line (four for a tab),
 * '^' inside the range, ' ' (or '_' for multi-line ranges) outside, stopping after the
 * end column on the range's last line. Columns are UTF-8 byte columns of each code point.
 */
function focusLine(line: string, n: number, start: Position, end: Position): string {
  const blank = end.line - start.line > 0 ? "_" : " ";
  const blankTab = blank.repeat(tabWidth);
  let s = "";
  let col = 1; // byte column of the code point at i
  for (let i = 0; i < line.length; ) {
    if (n === end.line && col > end.column) break;
    const c = line.charCodeAt(i);
    let units = 1;
    let bytes: number;
    if (c < 0x80) bytes = 1;
    else if (c < 0x800) bytes = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes = 4;
        units = 2;
      } else bytes = 3;
    } else bytes = 3;
    if (c === 9 || c === 11) s += blankTab;
    else if (inRange(n, col, start, end)) s += "^";
    else s += blank;
    i += units;
    col += bytes;
  }
  return s;
}

function inRange(line: number, col: number, start: Position, end: Position): boolean {
  if (line < start.line || line > end.line) return false;
  if (line === start.line) return col >= start.column;
  if (line === end.line) return col <= end.column;
  return true;
}
