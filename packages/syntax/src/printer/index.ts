// The formatter: Alloy's printer.Fprint and `alloy fmt`.
import type { Expr, File } from "../ast.js";
import type { SourceFile } from "../source.js";
import { PosResolver, Printer } from "./printer.js";
import { DiscardEmptyColumns, TabIndent, tabwrite, trim } from "./tabwriter.js";
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
const tabOptions = { minwidth: 0, tabwidth: 8, padding: 1, padchar: " ", flags: DiscardEmptyColumns | TabIndent };

function finish(p: Printer): string {
  return trim(tabwrite(p.finish(), tabOptions));
}

/** What Alloy's printer.Fprint writes for a file: no trailing newline. */
export function printFile(file: File): string {
  const p = new Printer(new PosResolver(file.source));
  p.setComments(file.comments);
  new Walker(p).walkStmts(file.body);
  return finish(p);
}

/**
 * An expression on its own, as printer.Fprint prints an ast.Expr. Line breaks inside
 * arrays, objects and calls follow the source when `source` (the file the expression
 * was parsed from) is given; without it everything is printed on one line.
 */
export function printExpr(expr: Expr, source?: SourceFile): string {
  const p = new Printer(new PosResolver(source));
  new Walker(p).walkExpr(expr);
  return finish(p);
}
