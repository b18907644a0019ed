// Runtime nodes: one per component (or built-in block) of the running graph. A node
// outlives reloads as long as its id stays in the config; it holds the component
// instance, its last good arguments, its exports and its health parts.
import { join } from "node:path";
import type { Component, ComponentDefinition, ComponentHealth, Logger } from "@ingot/sdk";
import type { ObjectValue } from "@ingot/syntax";
import { Registry } from "prom-client";
import { health, leastHealthy } from "./health.js";
import type { BuiltinSpec, ComponentSpec } from "./plan.js";
import { scrubbingLogger, secretValues } from "./redact.js";
import { placeholderExports } from "./scope.js";

export class ComponentNode {
  readonly kind = "component";
  readonly id: string;
  /** The id across modules: `b.cc/testcomponents.count.inc` inside custom component b.cc. */
  readonly globalId: string;
  spec: ComponentSpec;
  readonly logger: Logger;
  readonly registry = new Registry();
  readonly dataPath: string;

  definition?: ComponentDefinition;
  /** Why the component cannot be built (plugin refused, definition missing). */
  definitionError?: string;
  instance?: Component;
  /** The arguments the instance runs with (the last good evaluation). */
  private currentArgs?: Record<string, unknown>;
  /** Secret strings of the current arguments, scrubbed from the component's log lines. */
  private secrets: ReadonlySet<string> = new Set();

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
  /** What a custom component was built from (its declare); a change means an update. */
  revision?: unknown;
  /** For custom components: the component nodes running inside the instance. */
  nestedComponents?: () => ComponentNode[];

  constructor(spec: ComponentSpec, rootLogger: Logger, storagePath: string, prefix = "") {
    this.id = spec.id;
    this.globalId = prefix + spec.id;
    this.spec = spec;
    const path = prefix === "" ? "/" : `/${prefix.slice(0, -1)}`;
    this.logger = scrubbingLogger(
      rootLogger.child({ component_path: path, component_id: spec.id }),
      () => this.secrets,
    );
    this.dataPath = join(storagePath, this.globalId);
    this.exportsValue = placeholderExports(spec.component.manifest.exports);
  }

  get args(): Record<string, unknown> | undefined {
    return this.currentArgs;
  }

  /** Records the arguments the component now runs with. */
  setArgs(args: Record<string, unknown>): void {
    this.currentArgs = args;
  }

  /** Adds the secrets of arguments about to be handed to the component (before build/update). */
  noteSecrets(args: Record<string, unknown>): void {
    const paths = this.spec.component.schemas.secretArgumentPaths;
    if (paths.length === 0) return;
    const found = secretValues(args, paths);
    if (found.size > 0) this.secrets = new Set([...this.secrets, ...found]);
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
