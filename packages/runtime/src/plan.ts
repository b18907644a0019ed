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
  /** Runnable nodes, dependencies before dependants. */
  order: (ComponentSpec | BuiltinSpec)[];
  diagnostics: Diagnostic[];
}

export interface PlanOptions {
  registry: PluginRegistry;
  stabilityLevel: Stability;
}

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

  // Built-in blocks (logging) first, so they apply before components are built.
  const isBuiltin = (b: ConfigBlock) => builtinBlocks.has(blockName(b.block));
  const ordered = [...blocks.filter(isBuiltin), ...blocks.filter((b) => !isBuiltin(b))];
  for (const b of ordered) {
    const name = blockName(b.block);
    const label = b.block.label;
    const id = label === "" ? name : `${name}.${label}`;
    const base = { id, block: b.block, source: b.source, references: [] as Reference[] };

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
      diagnostics.push(atName(b, `component "${name}" must have a label`));
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
      if (isStdlibIdentifier(root.name)) continue;
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
  return { graph, order, diagnostics };
}
