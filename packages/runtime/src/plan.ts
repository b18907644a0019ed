// Turns a parsed configuration into a graph plan: one node per top-level block
// (`name.label`), the component or built-in each stands for, the references between
// them, and every diagnostic Alloy's loader reports before evaluation (unknown
// components, stability gate, duplicates, unknown references, cycles).

import { STABILITY_ORDER, type Stability } from "@ingot/sdk";
import {
  type BlockStmt,
  blockName,
  type Diagnostic,
  endPos,
  isStdlibIdentifier,
  positionString,
  type SourceFile,
  startPos,
} from "@ingot/syntax";
import { type BuiltinBlock, builtinBlocks, reservedBlockMessage } from "./builtins.js";
import type { ConfigBlock } from "./config.js";
import { Graph } from "./dag.js";
import type { ComponentRecord, PluginRegistry } from "./discovery.js";
import {
  argumentRecord,
  customRecord,
  exportRecord,
  importRecord,
  importResolver,
  notFoundInImport,
} from "./modules/blocks.js";
import { type ModuleHost, staticHost } from "./modules/context.js";
import { IMPORT_BLOCKS } from "./modules/import-schemas.js";
import { ModuleScope } from "./modules/scope.js";
import { type Reference, resolveTraversal, traversalsOf } from "./references.js";

interface BaseSpec {
  id: string;
  block: BlockStmt;
  source: SourceFile;
  /** Resolved references to other nodes, in source order. */
  references: Reference[];
}

export interface ComponentSpec extends BaseSpec {
  kind: "component";
  name: string;
  label: string;
  component: ComponentRecord;
}

export interface BuiltinSpec extends BaseSpec {
  kind: "builtin";
  builtin: BuiltinBlock;
}

/** A block that cannot run (unknown or gated component): kept so references to it do not cascade. */
export interface InvalidSpec extends BaseSpec {
  kind: "invalid";
}

export type NodeSpec = ComponentSpec | BuiltinSpec | InvalidSpec;

export interface Plan {
  graph: Graph<NodeSpec>;
  /** Declares defined at this level, over the enclosing module's scope. */
  scope: ModuleScope;
  /** Runnable nodes, dependencies before dependants. */
  order: (ComponentSpec | BuiltinSpec)[];
  diagnostics: Diagnostic[];
}

export interface PlanOptions {
  registry: PluginRegistry;
  stabilityLevel: Stability;
  /** The module the graph runs in (declares, imports, module_path); the root when absent. */
  host?: ModuleHost;
}

/** Constants every module's expressions see besides the standard library. */
export const MODULE_CONSTANTS = ["module_path"];

const IMPORT_KINDS = IMPORT_BLOCKS;

function err(source: SourceFile, start: number, end: number, message: string): Diagnostic {
  return { severity: "error", start: source.position(start), end: source.position(end), message };
}

/** A diagnostic spanning a block's name, as Alloy places component-level errors. */
function atName(b: ConfigBlock, message: string, length?: number): Diagnostic {
  const len = length ?? blockName(b.block).length;
  return err(b.source, b.block.namePos, b.block.namePos + len - 1, message);
}

export function stabilityAllowed(s: Stability, min: Stability): boolean {
  return STABILITY_ORDER.indexOf(s) >= STABILITY_ORDER.indexOf(min);
}

/** Alloy's featuregate.CheckAllowed text. */
export function stabilityMessage(name: string, s: Stability, min: Stability): string {
  return (
    `component "${name}" is at stability level "${s}", which is below the minimum allowed stability level ` +
    `"${min}". Use --stability.level command-line flag to enable "${s}" features`
  );
}

function unknownComponentMessage(name: string, registry: PluginRegistry): string {
  const refused = registry.refusedNames.get(name);
  if (refused) {
    return `component "${name}" is provided by plugin ${refused.name}@${refused.version}, which was refused: ${refused.reason}`;
  }
  return `cannot find the definition of component name "${name}"`;
}

export function planGraph(blocks: readonly ConfigBlock[], opts: PlanOptions): Plan {
  const diagnostics: Diagnostic[] = [];
  const graph = new Graph<NodeSpec>();
  const declared = new Map<string, ConfigBlock>();
  const host = opts.host ?? staticHost({ scope: new ModuleScope(), modulePath: "", prefix: "" });
  const inModule = host?.ctx.arguments !== undefined;
  const scope = new ModuleScope(host?.ctx.scope);
  const modulePath = host?.ctx.modulePath ?? "";

  // Declares first (usable before their block), then the namespaces of this level's imports.
  const importIds = new Map<string, string>();
  for (const b of blocks) {
    const name = blockName(b.block);
    if (name === "declare") {
      const label = b.block.label;
      if (label === "") {
        diagnostics.push(atName(b, "declare block must have a label"));
        continue;
      }
      const first = declared.get(`declare.${label}`);
      if (first) {
        const where = positionString(first.source.position(startPos(first.block)));
        diagnostics.push(atName(b, `block declare.${label} already declared at ${where}`));
        continue;
      }
      declared.set(`declare.${label}`, b);
      scope.declares.set(label, { name: label, block: b.block, source: b.source, scope, modulePath });
    } else if (IMPORT_KINDS[name] && b.block.label !== "" && !importIds.has(b.block.label)) {
      importIds.set(b.block.label, `${name}.${b.block.label}`);
    }
  }

  const importEdges: [string, string][] = [];
  for (const [ns, importId] of importIds) scope.importNodes.set(ns, () => host.importSnapshot(importId));
  // Built-in blocks (logging) first, so they apply before components are built.
  const isBuiltin = (b: ConfigBlock) => builtinBlocks.has(blockName(b.block));
  const ordered = [...blocks.filter(isBuiltin), ...blocks.filter((b) => !isBuiltin(b))];
  for (const b of ordered) {
    const name = blockName(b.block);
    const label = b.block.label;
    const id = label === "" ? name : `${name}.${label}`;
    const base = { id, block: b.block, source: b.source, references: [] as Reference[] };

    if (name === "declare") continue;
    const reserved = reservedBlockMessage(name);
    if (reserved) {
      diagnostics.push(atName(b, reserved));
      continue;
    }
    const builtin = builtinBlocks.get(name);
    if (builtin) {
      if (builtin.labeled && label === "") {
        diagnostics.push(atName(b, `${name} block must have a label`));
        continue;
      }
      if (!builtin.labeled && label !== "") {
        diagnostics.push(atName(b, `block "${name}" does not support specifying labels`));
        continue;
      }
    } else if (label === "") {
      const what = name === "argument" || name === "export" ? `${name} block` : `component "${name}"`;
      diagnostics.push(atName(b, `${what} must have a label`));
      continue;
    }

    const first = declared.get(id);
    if (first) {
      const where = positionString(first.source.position(startPos(first.block)));
      diagnostics.push(atName(b, `block ${id} already declared at ${where}`, id.length));
      continue;
    }
    declared.set(id, b);

    if (builtin) {
      graph.add({ ...base, kind: "builtin", builtin });
      continue;
    }
    const moduleRecord = moduleBlockRecord(b, name, label, host, scope, importIds, inModule, diagnostics);
    if (moduleRecord === undefined) continue;
    if (moduleRecord) {
      const ns = name.split(".")[0] as string;
      const spec: ComponentSpec = { ...base, kind: "component", name, label, component: moduleRecord };
      graph.add(spec);
      const importId = importIds.get(ns);
      if (IMPORT_KINDS[name] || name === "argument" || name === "export") {
        // not a custom component
      } else if (scope.declare(name)) {
        // A local declare may use any of this level's imports: reload it when one changes.
        for (const other of importIds.values()) importEdges.push([id, other]);
      } else if (importId) importEdges.push([id, importId]);
      continue;
    }
    const component = opts.registry.components.get(name);
    if (!component) {
      diagnostics.push(atName(b, unknownComponentMessage(name, opts.registry)));
      graph.add({ ...base, kind: "invalid" });
      continue;
    }
    if (!stabilityAllowed(component.stability, opts.stabilityLevel)) {
      diagnostics.push(atName(b, stabilityMessage(name, component.stability, opts.stabilityLevel)));
      graph.add({ ...base, kind: "invalid" });
      continue;
    }
    graph.add({ ...base, kind: "component", name, label, component });
  }

  // Custom components from an import depend on the import node.
  for (const [from, to] of importEdges) if (graph.has(to)) graph.addEdge(from, to);

  // References: resolve every traversal by its longest known prefix.
  const isNode = (id: string) => graph.has(id);
  for (const spec of graph.all()) {
    for (const { traversal, attribute } of traversalsOf(spec.block.body, startPos, endPos)) {
      const target = resolveTraversal(traversal, isNode);
      if (target !== undefined) {
        spec.references.push({ target, traversal, attribute });
        graph.addEdge(spec.id, target);
        continue;
      }
      const root = traversal[0] as { name: string; pos: number };
      if (isStdlibIdentifier(root.name) || MODULE_CONSTANTS.includes(root.name)) continue;
      const last = traversal[traversal.length - 1] as { pos: number };
      diagnostics.push(
        err(
          spec.source,
          root.pos,
          last.pos,
          `component "${traversal.map((t) => t.name).join(".")}" does not exist or is out of scope`,
        ),
      );
    }
  }

  // Cycles, as Alloy's dag.Validate: "cycle: a, b" (ids sorted), positioned at the
  // first block of the cycle in source order.
  for (const cycle of graph.cycles()) {
    const inCycle = new Set(cycle);
    const firstSpec = graph.all().find((s) => inCycle.has(s.id)) as NodeSpec;
    diagnostics.push(
      err(firstSpec.source, startPos(firstSpec.block), firstSpec.block.lcurly, `cycle: ${cycle.join(", ")}`),
    );
  }
  for (const id of graph.selfReferences()) {
    const s = graph.get(id) as NodeSpec;
    diagnostics.push(err(s.source, startPos(s.block), s.block.lcurly, "cannot reference self"));
  }

  const order = graph
    .topologicalOrder()
    .filter((s): s is ComponentSpec | BuiltinSpec => s.kind === "component" || s.kind === "builtin");
  return { graph, scope, order, diagnostics };
}

/**
 * The record of a module block (argument, export, import.*, a custom component), null
 * for any other block, undefined when the block is refused (diagnostic pushed).
 */
function moduleBlockRecord(
  b: ConfigBlock,
  name: string,
  label: string,
  host: ModuleHost,
  scope: ModuleScope,
  importIds: Map<string, string>,
  inModule: boolean,
  diagnostics: Diagnostic[],
): ComponentRecord | null | undefined {
  if (name === "argument" || name === "export") {
    if (!inModule) {
      diagnostics.push(atName(b, `${name} blocks only allowed inside a module`));
      return undefined;
    }
    return name === "argument" ? argumentRecord(label, host.ctx) : exportRecord(label, host.ctx);
  }
  const kind = IMPORT_KINDS[name];
  if (kind) return importRecord(kind, host);
  const local = scope.declare(name);
  if (local) {
    // Its body may use imports of any enclosing level: their content is part of what it is built from.
    const namespaces = visibleImports(scope);
    return customRecord(
      name,
      () => local,
      host,
      () => [local, ...namespaces.map((get) => get())],
      declaredArguments(local),
    );
  }
  const dot = name.indexOf(".");
  if (dot < 0) return null;
  const ns = name.slice(0, dot);
  const declareName = name.slice(dot + 1);
  const importId = importIds.get(ns);
  if (importId) return customRecord(name, importResolver(host, importId, ns, declareName), host);
  const inherited = scope.importNamespace(ns);
  if (inherited) {
    return customRecord(
      name,
      () => {
        const def = inherited()?.declares.get(declareName);
        if (!def) throw notFoundInImport(ns, declareName);
        return def;
      },
      host,
    );
  }
  return null;
}

/** The arguments a declare takes: required unless `optional = true` is written. */
function declaredArguments(def: { block: BlockStmt }): Record<string, { required: boolean }> {
  const out: Record<string, { required: boolean }> = {};
  for (const stmt of def.block.body) {
    if (stmt.kind !== "Block" || blockName(stmt) !== "argument" || stmt.label === "") continue;
    const optional = stmt.body.some(
      (a) =>
        a.kind === "Attribute" &&
        a.name.name === "optional" &&
        a.value.kind === "Literal" &&
        (a.value as { value: unknown }).value === "true",
    );
    out[stmt.label] = { required: !optional };
  }
  return out;
}

/** Every import namespace visible from a scope (all levels), as getters of their content. */
function visibleImports(scope: ModuleScope): (() => unknown)[] {
  const out: (() => unknown)[] = [];
  for (let s: ModuleScope | undefined = scope; s; s = s.parent) {
    for (const snap of s.imports.values()) out.push(() => snap);
    for (const get of s.importNodes.values()) out.push(get);
  }
  return out;
}
