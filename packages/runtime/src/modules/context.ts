// What a graph needs to know about the module it runs: where names resolve, its
// module_path, the prefix of its node ids and, inside a custom component, the
// argument values given to it and where its exports go.
import type { Value } from "@ingot/syntax";
import type { ImportSnapshot, ModuleScope } from "./scope.js";

/** Argument values of one custom component instance; argument nodes listen for changes. */
export class ModuleArguments {
  values: Record<string, unknown> = {};
  private readonly listeners = new Map<string, () => void>();

  set(values: Record<string, unknown>): void {
    this.values = values;
    for (const l of this.listeners.values()) l();
  }

  has(name: string): boolean {
    return Object.hasOwn(this.values, name);
  }

  listen(name: string, fn: () => void): () => void {
    this.listeners.set(name, fn);
    return () => {
      if (this.listeners.get(name) === fn) this.listeners.delete(name);
    };
  }
}

export interface ModuleContext {
  /** The scope enclosing the graph (declares and imports visible to it). */
  scope: ModuleScope;
  /** Absolute directory of the module's file: `module_path`, and the base of relative import paths. */
  modulePath: string;
  /** Directory of the root config (where ingot.lock lives); the root's modulePath when absent. */
  rootDir?: string;
  /** Prefix of global ids: "" at the root, "b.cc/" inside custom component b.cc. */
  prefix: string;
  /** Set inside a custom component (argument and export blocks are allowed only there). */
  arguments?: ModuleArguments;
  setExport?(name: string, value: Value): void;
  removeExport?(name: string): void;
}

/** A graph of its own, run by a custom component instance. */
export interface Subgraph {
  loadBlocks(
    blocks: { block: import("@ingot/syntax").BlockStmt; source: import("@ingot/syntax").SourceFile }[],
    ctx: ModuleContext,
  ): Promise<import("../api.js").LoadResult>;
  shutdown(deadlineMs: number): Promise<void>;
  /** Its component nodes, nested ones included. */
  allComponentNodes(): import("../node.js").ComponentNode[];
  /** The least healthy of its components. */
  health(): import("@ingot/sdk").ComponentHealth | undefined;
}

/** What planning and module blocks need from the controller running a graph. */
export interface ModuleHost {
  ctx: ModuleContext;
  /** The current content of an import node of this graph (by node id). */
  importSnapshot(nodeId: string): ImportSnapshot | undefined;
  createSubgraph(): Subgraph;
}

/** A host for checking a configuration without running it (validate): imports have no content. */
export function staticHost(ctx: ModuleContext): ModuleHost {
  return {
    ctx,
    importSnapshot: () => undefined,
    createSubgraph() {
      throw new Error("custom components do not run while validating");
    },
  };
}
