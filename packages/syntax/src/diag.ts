// Diagnostics: what went wrong (or may have), and where. Renderers live in diag-render.ts.
import type { Position } from "./source.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  start: Position;
  /** Inclusive end position (the last character of the range). */
  end: Position;
  message: string;
  /** Optional extra text (Alloy's Diagnostic.Value). */
  value?: string;
}

/** Thrown by APIs that fail with one or more diagnostics. */
export class DiagnosticsError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(diagnosticString).join("; "));
    this.name = "DiagnosticsError";
    this.diagnostics = diagnostics;
  }
}

/** "file:line:col: message", as Alloy's Diagnostic.Error(). */
export function diagnosticString(d: Diagnostic): string {
  const p = d.start;
  let where = p.filename;
  if (p.line > 0) where = where ? `${where}:${p.line}:${p.column}` : `${p.line}:${p.column}`;
  return where ? `${where}: ${d.message}` : d.message;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}
