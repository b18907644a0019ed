// The formatter: Alloy's printer.Fprint and `alloy fmt`.
import type { Expr, File } from "../ast.js";
import type { Diagnostic } from "../diag.js";
import { hasErrors } from "../diag.js";
import { parseFile } from "../parser.js";
import type { SourceFile } from "../source.js";
import { PosResolver, Printer, RawSink } from "./printer.js";
import { DiscardEmptyColumns, TabIndent, TabWriter, type TabWriterOptions } from "./tabwriter.js";
import { Walker } from "./walker.js";

export {
  AlignRight,
  Debug,
  DiscardEmptyColumns,
  ESCAPE,
  TabIndent,
  type TabWriterOptions,
  tabwrite,
  trim,
} from "./tabwriter.js";

/** The tabwriter settings of Alloy's printer: NewWriter(w, 0, 8, 1, ' ', DiscardEmptyColumns|TabIndent). */
export const alloyTabOptions: TabWriterOptions = {
  minwidth: 0,
  tabwidth: 8,
  padding: 1,
  padchar: " ",
  flags: DiscardEmptyColumns | TabIndent,
};

/** What Alloy's printer.Fprint writes for a file: no trailing newline. */
export function printFile(file: File): string {
  const tw = new TabWriter(alloyTabOptions, true);
  const p = new Printer(new PosResolver(file.source), tw);
  p.setComments(file.comments);
  new Walker(p).walkStmts(file.body);
  p.finish();
  return tw.close();
}

/**
 * The raw stream Alloy's printer hands to the tabwriter for a file ('\t'/'\v' cell
 * ends, '\f' section breaks, comments bracketed by ESCAPE). For tests and debugging.
 */
export function rawPrinterStream(file: File): string {
  const sink = new RawSink();
  const p = new Printer(new PosResolver(file.source), sink);
  p.setComments(file.comments);
  new Walker(p).walkStmts(file.body);
  p.finish();
  return sink.out;
}

/**
 * An expression on its own, as printer.Fprint prints an ast.Expr. Line breaks inside
 * arrays, objects and calls follow the source when `source` (the file the expression
 * was parsed from) is given; without it everything is printed on one line.
 */
export function printExpr(expr: Expr, source?: SourceFile): string {
  const tw = new TabWriter(alloyTabOptions, true);
  const p = new Printer(new PosResolver(source), tw);
  new Walker(p).walkExpr(expr);
  p.finish();
  return tw.close();
}

export interface FormatResult {
  /** The formatted text; absent when the input has syntax errors. */
  output?: string;
  diagnostics: Diagnostic[];
}

/**
 * What `alloy fmt` writes for text: the printer output followed by one "\n". On a
 * syntax error there is no output, only the parser's diagnostics.
 *
 * Trailing-newline rule: the printer never ends its output with a newline (the
 * trimmer drops trailing blank lines), so a formatted file ends with exactly one
 * "\n"; an empty file (or one holding only whitespace) formats to "\n".
 */
export function format(text: string, filename = "<stdin>"): FormatResult {
  const { file, diagnostics } = parseFile(filename, text);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { output: `${printFile(file)}\n`, diagnostics };
}
