// Runtime nodes: one per component (or built-in block) of the running graph. A node
// outlives reloads as long as its id stays in the config; it holds the component
// instance, its last good arguments, its exports and its health parts.
import { join } from "node:path";
import type { Component, ComponentDefinition, ComponentHealth, Logger } from "@ingot/sdk";
import type { ObjectValue } from "@ingot/syntax";
import { Registry } from "prom-client";
import { health, leastHealthy } from "./health.js";
import type { BuiltinSpec, ComponentSpec } from "./plan.js";
import { placeholderExports } from "./scope.js";

export class ComponentNode {
  readonly kind = "component";
  readonly id: string;
  spec: ComponentSpec;
  readonly logger: Logger;
  readonly registry = new Registry();
  readonly dataPath: string;

  definition?: ComponentDefinition;
  /** Why the component cannot be built (plugin refused, definition missing). */
  definitionError?: string;
  instance?: Component;
  /** The arguments the instance runs with (the last good evaluation). */
  args?: Record<string, unknown>;

  /** Exports as published (plain JS) and as Alloy values for scopes. */
  exportsRaw: unknown = undefined;
  exportsValue: ObjectValue;
  /** Bumped on every exports change; lets a load reuse a pre-evaluation. */
  exportsVersion = 0;

  evalHealth: ComponentHealth = health("unknown", "component created");
  runHealth: ComponentHealth = health("unknown", "component created");
  exportsHealth?: ComponentHealth;
  ownHealth?: ComponentHealth;

  abort?: AbortController;
  running?: Promise<void>;
  /** Set once the node left the graph; late callbacks from its component are ignored. */
  removed = false;
  /** When the node was queued for re-evaluation (for the wait-time histogram). */
  queuedAt?: number;

  constructor(spec: ComponentSpec, rootLogger: Logger, storagePath: string) {
    this.id = spec.id;
    this.spec = spec;
    this.logger = rootLogger.child({ component_path: "/", component_id: spec.id });
    this.dataPath = join(storagePath, spec.id);
    this.exportsValue = placeholderExports(spec.component.manifest.exports);
  }

  get name(): string {
    return this.spec.name;
  }

  health(): ComponentHealth {
    let own = this.ownHealth;
    const inst = this.instance;
    if (inst?.health) {
      try {
        own = inst.health();
      } catch (e) {
        own = health("unhealthy", `health check failed: ${(e as Error).message}`);
      }
    }
    return leastHealthy(this.runHealth, this.evalHealth, own, this.exportsHealth);
  }
}

export class BuiltinNode {
  readonly kind = "builtin";
  readonly id: string;
  spec: BuiltinSpec;
  args?: Record<string, unknown>;
  evalHealth: ComponentHealth = health("unknown", "block created");
  removed = false;
  queuedAt?: number;
  readonly exportsValue: ObjectValue = new Map();
  readonly exportsVersion = 0;

  constructor(spec: BuiltinSpec) {
    this.id = spec.id;
    this.spec = spec;
  }
}

export type RuntimeNode = ComponentNode | BuiltinNode;
