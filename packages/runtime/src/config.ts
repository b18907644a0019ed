// Parsing a configuration: every source file of one config (a file, or each *.alloy
// of a directory) contributes its top-level blocks to one graph.
import { type BlockStmt, type Diagnostic, endPos, parseFile, type SourceFile, startPos } from "@ingot/syntax";
import type { ConfigSource } from "./api.js";

export interface ConfigBlock {
  block: BlockStmt;
  source: SourceFile;
}

export interface ParsedConfig {
  blocks: ConfigBlock[];
  /** File texts by name, for rendering diagnostics. */
  texts: Map<string, string>;
  diagnostics: Diagnostic[];
}

export function parseSources(sources: readonly ConfigSource[]): ParsedConfig {
  const out: ParsedConfig = { blocks: [], texts: new Map(), diagnostics: [] };
  for (const src of sources) {
    out.texts.set(src.name, src.text);
    const { file, diagnostics } = parseFile(src.name, src.text);
    out.diagnostics.push(...diagnostics);
    for (const stmt of file.body) {
      if (stmt.kind === "Block") {
        out.blocks.push({ block: stmt, source: file.source });
        continue;
      }
      // Alloy's wording for a top-level attribute (Go's %T of the statement).
      out.diagnostics.push({
        severity: "error",
        start: file.source.position(startPos(stmt)),
        end: file.source.position(endPos(stmt)),
        message: "unsupported statement type *ast.AttributeStmt",
      });
    }
  }
  return out;
}
