// Where custom component names resolve: declares visible from a module (its own and
// those of enclosing modules) and imported namespaces. Alloy's custom component
// registry: a declare body sees the declares and imports of the module that defined
// it, never those of whoever instantiates it.
import type { BlockStmt, SourceFile } from "@ingot/syntax";

/** One `declare "name" { ... }` block and the module it was defined in. */
export interface DeclareDef {
  name: string;
  block: BlockStmt;
  source: SourceFile;
  /** The scope the declare was defined in (its body resolves names there). */
  scope: ModuleScope;
  /** module_path of the defining module: the directory of its file. */
  modulePath: string;
}

/**
 * The declares an import currently provides: a new instance on every content change
 * (a class, so exports holding it compare by identity).
 */
export class ImportSnapshot {
  constructor(readonly declares: Map<string, DeclareDef>) {}
}

export class ModuleScope {
  readonly declares = new Map<string, DeclareDef>();
  /** Namespaces of imports whose content is already known (nested imports of imported modules). */
  readonly imports = new Map<string, ImportSnapshot>();
  /** Namespaces of import nodes of a running graph: their content as it is now. */
  readonly importNodes = new Map<string, () => ImportSnapshot | undefined>();

  constructor(readonly parent?: ModuleScope) {}

  declare(name: string): DeclareDef | undefined {
    for (let s: ModuleScope | undefined = this; s; s = s.parent) {
      const d = s.declares.get(name);
      if (d) return d;
    }
    return undefined;
  }

  /** Whether a namespace is known here, and how to get its current content. */
  importNamespace(ns: string): (() => ImportSnapshot | undefined) | undefined {
    for (let s: ModuleScope | undefined = this; s; s = s.parent) {
      const i = s.imports.get(ns);
      if (i) return () => i;
      const node = s.importNodes.get(ns);
      if (node) return node;
    }
    return undefined;
  }
}
