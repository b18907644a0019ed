// The graph controller, after Alloy's controller.Loader: loads a configuration into a
// graph of nodes, evaluates it in topological order (building components on their
// first good evaluation, updating them only when their arguments change), re-evaluates
// dependants when exports change through a non-blocking queue, applies reloads
// atomically (all-or-nothing before anything changes) and stops components sources
// before sinks.
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { CompiledComponentSchemas, ComponentContext, Logger, RootLogger, Stability } from "@ingot/sdk";
import {
  type BlockStmt,
  type Diagnostic,
  diagnosticString,
  endPos,
  hasErrors,
  type ObjectValue,
  type SourceFile,
  startPos,
  unknownPosition,
} from "@ingot/syntax";
import type { ConfigSource, LoadResult } from "./api.js";
import type { BuiltinContext } from "./builtins.js";
import { type ConfigBlock, parseSources } from "./config.js";
import { deepEqual } from "./deep-equal.js";
import type { PluginRegistry } from "./discovery.js";
import { health } from "./health.js";
import type { ControllerMetrics, RuntimeRegistry } from "./metrics.js";
import { sameRevision } from "./modules/blocks.js";
import type { ModuleContext, ModuleHost, Subgraph } from "./modules/context.js";
import { ModuleScope } from "./modules/scope.js";
import { BuiltinNode, ComponentNode, type RuntimeNode } from "./node.js";
import type { ComponentSpec, NodeSpec, Plan } from "./plan.js";
import { planGraph } from "./plan.js";
import type { DefinitionResult, PluginModules } from "./plugin-module.js";
import { placeholderExportsOf, scopeFor } from "./scope.js";

export interface ControllerOptions {
  registry: PluginRegistry;
  modules: PluginModules;
  logger: RootLogger;
  storagePath: string;
  stabilityLevel: Stability;
  metrics: RuntimeRegistry;
  /** Set for the graph of a custom component instance (nested inside another controller). */
  nested?: boolean;
}

/** The root module's context: module_path is the directory of the first config file. */
export function rootModuleContext(sources: readonly ConfigSource[]): ModuleContext {
  const first = sources[0]?.name;
  return { scope: new ModuleScope(), modulePath: first ? resolve(dirname(first)) : process.cwd(), prefix: "" };
}

/** A pre-evaluation result a load may reuse when the exports it read are unchanged. */
interface TrialResult {
  args: Record<string, unknown>;
  /** The nodes (and export versions) it read; undefined when it read placeholders. */
  reads?: [RuntimeNode, number][];
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

export function blockRange(block: BlockStmt): { start: number; end: number } {
  return { start: startPos(block), end: endPos(block) };
}

function atBlock(source: SourceFile, block: BlockStmt, message: string): Diagnostic {
  return {
    severity: "error",
    start: source.position(startPos(block)),
    end: source.position(endPos(block)),
    message,
  };
}

/** Whether a decode diagnostic is about a value's type (knowable without running anything). */
export function isTypeDiagnostic(d: Diagnostic): boolean {
  return / should be [a-z]+, got [a-z]+/.test(d.message) || /expected capsule\(/.test(d.message);
}

/**
 * Drops diagnostics that placeholder exports may have caused: those inside an
 * attribute that reads a placeholder, unless they are about types. `placeholder`
 * tells which referenced ids only had placeholder exports.
 */
export function filterPlaceholderDiagnostics(
  diags: readonly Diagnostic[],
  spec: NodeSpec,
  placeholder: (id: string) => boolean,
): Diagnostic[] {
  const ranges = spec.references.filter((r) => placeholder(r.target)).map((r) => r.attribute);
  if (ranges.length === 0) return [...diags];
  return diags.filter(
    (d) =>
      isTypeDiagnostic(d) ||
      d.start.filename !== spec.source.name ||
      !ranges.some((r) => d.start.offset >= r.start && d.start.offset <= r.end),
  );
}

// One shared abort reason: building a DOMException (with its stack) per component is costly.
const STOPPED = new DOMException("component stopped", "AbortError");

function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

export class Controller {
  private plan?: Plan;
  private nodes = new Map<string, RuntimeNode>();
  /** Runnable nodes of the current graph, dependencies first. */
  private order: RuntimeNode[] = [];
  private topoIndex = new Map<RuntimeNode, number>();

  // The re-evaluation queue: coalesced (a set), drained asynchronously in
  // topological order, one evaluation per node at a time.
  private readonly pending = new Set<RuntimeNode>();
  private readonly inFlight = new Map<RuntimeNode, Promise<void>>();
  private paused = false;
  private drainScheduled = false;
  private idleWaiters: (() => void)[] = [];

  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();
  ready = false;
  /** Ingot's HTTP address once the server listens (ComponentContext.httpAddress). */
  httpAddress: string | undefined;

  private readonly builtinCtx: BuiltinContext;
  metrics!: ControllerMetrics;
  /** The module this graph runs in (the root, or a custom component instance). */
  private moduleCtx: ModuleContext = { scope: new ModuleScope(), modulePath: process.cwd(), prefix: "" };
  private readonly host: ModuleHost;

  constructor(private readonly opts: ControllerOptions) {
    this.builtinCtx = {
      logger: opts.logger,
      initialLogging: { level: opts.logger.level, format: opts.logger.format },
    };
    const controller = this;
    this.host = {
      get ctx() {
        return controller.moduleCtx;
      },
      importSnapshot: (id) => {
        const n = this.nodes.get(id);
        const raw = n?.kind === "component" ? (n.exportsRaw as { snapshot?: unknown } | undefined) : undefined;
        return raw?.snapshot as ReturnType<ModuleHost["importSnapshot"]>;
      },
      createSubgraph: () => this.createSubgraph(),
    };
  }

  /** A controller for a custom component instance's body, sharing this one's plugins and metrics. */
  private createSubgraph(): Subgraph {
    const sub = new Controller({ ...this.opts, nested: true });
    sub.metrics = this.metrics;
    sub.httpAddress = this.httpAddress;
    return {
      loadBlocks: (blocks, ctx) => sub.loadBlocks(blocks, ctx),
      shutdown: (ms) => sub.shutdown(ms),
      allComponentNodes: () => sub.allComponentNodes(),
      health: () => {
        let worst: ReturnType<ComponentNode["health"]> | undefined;
        const rank = { healthy: 0, unknown: 1, unhealthy: 2, exited: 3 } as const;
        for (const n of sub.componentNodes()) {
          const h = n.health();
          if (!worst || rank[h.state] > rank[worst.state]) worst = h;
        }
        return worst;
      },
    };
  }

  /** Every component node, those inside custom components too (ids are global: `b.cc/x.y.z`). */
  allComponentNodes(): ComponentNode[] {
    const out: ComponentNode[] = [];
    for (const n of this.componentNodes()) {
      out.push(n);
      if (n.nestedComponents) out.push(...n.nestedComponents());
    }
    return out;
  }

  private get logger(): Logger {
    return this.opts.logger;
  }

  // ---- queries ----

  componentNodes(): ComponentNode[] {
    return this.order.filter((n): n is ComponentNode => n.kind === "component");
  }

  componentNode(id: string): ComponentNode | undefined {
    const n = this.nodes.get(id);
    return n?.kind === "component" ? n : undefined;
  }

  dependencies(id: string): string[] {
    return this.plan?.graph.dependencies(id) ?? [];
  }

  dependants(id: string): string[] {
    return this.plan?.graph.dependants(id) ?? [];
  }

  queueSize(): number {
    return this.pending.size;
  }

  /** Resolves once no evaluation is queued or running. */
  settled(): Promise<void> {
    if (this.pending.size === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.pending.size !== 0 || this.inFlight.size !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  // ---- loading ----

  /** Loads (or reloads) a configuration; loads run one at a time. */
  load(sources: readonly ConfigSource[]): Promise<LoadResult> {
    const p = this.chain.then(() => this.doLoad(sources));
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Loads the body of a custom component (already parsed) in its module context. */
  loadBlocks(blocks: readonly ConfigBlock[], ctx: ModuleContext): Promise<LoadResult> {
    const p = this.chain.then(() => this.doLoad(undefined, blocks, ctx));
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async doLoad(
    sources: readonly ConfigSource[] | undefined,
    moduleBlocks?: readonly ConfigBlock[],
    ctx?: ModuleContext,
  ): Promise<LoadResult> {
    if (this.closed) {
      return {
        ok: false,
        diagnostics: [
          {
            severity: "error",
            start: unknownPosition(),
            end: unknownPosition(),
            message: "the runtime is shutting down",
          },
        ],
      };
    }
    const started = performance.now();
    let blocks: readonly ConfigBlock[];
    const diagnostics: Diagnostic[] = [];
    if (sources) {
      const parsed = parseSources(sources);
      diagnostics.push(...parsed.diagnostics);
      if (hasErrors(diagnostics)) return { ok: false, diagnostics };
      blocks = parsed.blocks;
      ctx = rootModuleContext(sources);
    } else blocks = moduleBlocks ?? [];
    const previousCtx = this.moduleCtx;
    this.moduleCtx = ctx ?? previousCtx;

    const plan = planGraph(blocks, {
      registry: this.opts.registry,
      stabilityLevel: this.opts.stabilityLevel,
      host: this.host,
    });
    diagnostics.push(...plan.diagnostics);
    if (hasErrors(diagnostics)) {
      this.moduleCtx = previousCtx;
      return { ok: false, diagnostics };
    }

    const definitions = await this.importDefinitions(plan);
    const trial = this.preEvaluate(plan);
    diagnostics.push(...trial.diagnostics);
    if (hasErrors(diagnostics)) {
      this.moduleCtx = previousCtx;
      return { ok: false, diagnostics };
    }

    // Everything checks out: apply. From here on failures are per node.
    const nested = this.opts.nested === true;
    if (nested) this.logger.debug("starting module graph evaluation", { module: this.moduleCtx.prefix });
    else this.logger.info("starting complete graph evaluation");
    if (!nested) this.metrics.evaluating.set(1);
    await this.pauseQueue();
    try {
      diagnostics.push(...(await this.apply(plan, definitions, trial.results)));
    } finally {
      if (!nested) this.metrics.evaluating.set(0);
      this.resumeQueue();
    }
    this.ready = true;
    if (!nested) {
      this.logger.info("finished complete graph evaluation", {
        duration: `${(performance.now() - started).toFixed(3)}ms`,
      });
    }
    return { ok: true, diagnostics };
  }

  /** Imports (lazily, once per plugin) the definitions of components not yet built. */
  private async importDefinitions(plan: Plan): Promise<Map<string, DefinitionResult>> {
    const out = new Map<string, DefinitionResult>();
    const jobs: Promise<void>[] = [];
    for (const spec of plan.order) {
      if (spec.kind !== "component") continue;
      const existing = this.nodes.get(spec.id);
      if (existing?.kind === "component" && existing.instance) continue;
      jobs.push(
        this.opts.modules.definition(spec.component).then((r) => {
          out.set(spec.id, r);
        }),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  /**
   * Evaluates every node's arguments without touching the running graph: references
   * to nodes that already run read their real exports, references to new nodes read
   * placeholder exports (the zero value of the exports schema), and problems those
   * placeholders may cause are left to the apply step.
   */
  private preEvaluate(plan: Plan): { diagnostics: Diagnostic[]; results: Map<string, TrialResult> } {
    const diagnostics: Diagnostic[] = [];
    const results = new Map<string, TrialResult>();
    const placeholder = placeholderExportsOf(plan);
    const existing = (id: string): RuntimeNode | undefined => this.nodes.get(id);
    const exportsOf = (id: string): ObjectValue => existing(id)?.exportsValue ?? placeholder(id);
    const isPlaceholder = (id: string) => existing(id) === undefined;
    for (const spec of plan.order) {
      const schemas = spec.kind === "component" ? spec.component.schemas : spec.builtin.schemas;
      const scope = scopeFor(spec.references, exportsOf, this.constants());
      const r = schemas.decodeArguments(spec.block.body, scope, spec.source, blockRange(spec.block));
      if (!r.ok) {
        diagnostics.push(...filterPlaceholderDiagnostics(r.diagnostics, spec, isPlaceholder));
        continue;
      }
      const reads: [RuntimeNode, number][] = [];
      let real = true;
      for (const ref of spec.references) {
        const n = existing(ref.target);
        if (!n) {
          real = false;
          break;
        }
        reads.push([n, n.exportsVersion]);
      }
      results.set(spec.id, real ? { args: r.value, reads } : { args: r.value });
    }
    return { diagnostics, results };
  }

  private isRemoved(node: RuntimeNode, plan: Plan): boolean {
    const spec = plan.graph.get(node.id);
    return !spec || spec.kind !== node.kind;
  }

  private async apply(
    plan: Plan,
    definitions: Map<string, DefinitionResult>,
    trial: Map<string, TrialResult>,
  ): Promise<Diagnostic[]> {
    const diagnostics: Diagnostic[] = [];

    // 1. Stop what left the config, dependants before their dependencies.
    const removed = this.order.filter((n) => this.isRemoved(n, plan)).reverse();
    for (const n of removed) {
      if (n.kind === "component") await this.stopNode(n, Date.now() + 10_000);
      else {
        n.removed = true;
        n.spec.builtin.reset?.(this.builtinCtx);
      }
      this.pending.delete(n);
    }

    // 2. The new graph: existing nodes keep their instance, new ones are created.
    const nodes = new Map<string, RuntimeNode>();
    const order: RuntimeNode[] = [];
    for (const spec of plan.order) {
      let node = this.nodes.get(spec.id);
      if (node && node.kind === spec.kind && !node.removed) {
        if (spec.kind === "component") (node as ComponentNode).spec = spec;
        else (node as BuiltinNode).spec = spec;
      } else if (spec.kind === "component") {
        const cn = new ComponentNode(spec, this.logger, this.opts.storagePath, this.moduleCtx.prefix);
        this.opts.metrics.addComponent(cn.globalId, cn.registry);
        node = cn;
      } else {
        node = new BuiltinNode(spec);
      }
      if (node.kind === "component" && !node.instance) {
        const def = definitions.get(spec.id);
        if (def?.ok) {
          node.definition = def.definition;
          node.definitionError = undefined;
        } else if (def) node.definitionError = def.reason;
      }
      nodes.set(spec.id, node);
      order.push(node);
    }
    this.plan = plan;
    this.nodes = nodes;
    this.order = order;
    this.topoIndex = new Map(order.map((n, i) => [n, i]));

    // 3. Evaluate in dependency order: each node as soon as the nodes it references
    // are done, so independent branches build concurrently (their I/O overlaps).
    // Pre-evaluations are reused when the exports they read held still.
    const evaluated = new Map<RuntimeNode, Promise<Diagnostic[]>>();
    const evaluateOne = (node: RuntimeNode): Promise<Diagnostic[]> => {
      this.pending.delete(node);
      node.queuedAt = undefined;
      const t = trial.get(node.id);
      const reuse = t?.reads?.every(([n, v]) => n.exportsVersion === v && this.nodes.get(n.id) === n)
        ? t.args
        : undefined;
      return this.evaluate(node, reuse).catch((e) => [
        atBlock(node.spec.source, node.spec.block, `Failed to build component: ${errorMessage(e)}`),
      ]);
    };
    for (const node of order) {
      const deps: Promise<Diagnostic[]>[] = [];
      for (const id of plan.graph.dependencies(node.id)) {
        const n = nodes.get(id);
        const p = n && evaluated.get(n);
        if (p) deps.push(p);
      }
      evaluated.set(node, deps.length === 0 ? evaluateOne(node) : Promise.all(deps).then(() => evaluateOne(node)));
    }
    for (const node of order) diagnostics.push(...(await (evaluated.get(node) as Promise<Diagnostic[]>)));

    // 4. Run what was built and is not running yet.
    for (const node of order) {
      if (node.kind === "component" && node.instance && !node.running) this.start(node);
    }
    return diagnostics;
  }

  // ---- evaluation ----

  private scopeOf(node: RuntimeNode) {
    return scopeFor(
      node.spec.references,
      (id) => {
        const n = this.nodes.get(id);
        return n ? n.exportsValue : new Map();
      },
      this.constants(),
    );
  }

  /** module_path for this graph's expressions. */
  private constants(): ObjectValue {
    return new Map([["module_path", this.moduleCtx.modulePath]]);
  }

  /** Evaluates one node: decode, then build or update. Returns the problems found. */
  private async evaluate(node: RuntimeNode, precomputed?: Record<string, unknown>): Promise<Diagnostic[]> {
    const t0 = performance.now();
    try {
      return node.kind === "component"
        ? await this.evaluateComponent(node, precomputed)
        : await this.evaluateBuiltin(node, precomputed);
    } finally {
      this.metrics.evaluationSeconds.observe((performance.now() - t0) / 1000);
    }
  }

  /**
   * The node's arguments decoded in its current scope, or the diagnostics (the node is
   * then unhealthy with `healthPrefix` and the messages).
   */
  private decode(
    node: RuntimeNode,
    schemas: CompiledComponentSchemas,
    healthPrefix: string,
  ): Record<string, unknown> | Diagnostic[] {
    const spec = node.spec;
    const r = schemas.decodeArguments(spec.block.body, this.scopeOf(node), spec.source, blockRange(spec.block));
    if (r.ok) return r.value;
    node.evalHealth = health("unhealthy", `${healthPrefix}${r.diagnostics.map(diagnosticString).join("; ")}`);
    return r.diagnostics;
  }

  private async evaluateBuiltin(node: BuiltinNode, precomputed?: Record<string, unknown>): Promise<Diagnostic[]> {
    const spec = node.spec;
    const decoded = precomputed ?? this.decode(node, spec.builtin.schemas, "block evaluation failed: ");
    if (Array.isArray(decoded)) return decoded;
    const args = decoded;
    if (!deepEqual(node.args, args)) {
      try {
        await spec.builtin.apply(args, this.builtinCtx);
        node.args = args;
      } catch (e) {
        const msg = errorMessage(e);
        node.evalHealth = health("unhealthy", `block evaluation failed: ${msg}`);
        return [atBlock(spec.source, spec.block, `Failed to evaluate node for config block: ${msg}`)];
      }
    }
    node.evalHealth = health("healthy", "block evaluated");
    return [];
  }

  private async evaluateComponent(node: ComponentNode, precomputed?: Record<string, unknown>): Promise<Diagnostic[]> {
    const spec = node.spec;
    const decoded =
      precomputed ?? this.decode(node, spec.component.schemas, "component evaluation failed: decoding configuration: ");
    if (Array.isArray(decoded)) return decoded;
    const args = decoded;
    if (!node.instance) return this.build(node, spec, args);
    const revision = spec.component.revision?.();
    if (!deepEqual(node.args, args) || !sameRevision(revision, node.revision)) {
      try {
        node.noteSecrets(args);
        await node.instance.update(args);
        node.setArgs(args);
        node.revision = revision;
      } catch (e) {
        // The component keeps running with its previous arguments.
        const msg = spec.component.customComponent ? errorMessage(e) : `updating component: ${errorMessage(e)}`;
        node.evalHealth = health("unhealthy", `component evaluation failed: ${msg}`);
        return [atBlock(spec.source, spec.block, `Failed to build component: ${msg}`)];
      }
    }
    node.evalHealth = health("healthy", "component evaluated");
    return [];
  }

  private async build(node: ComponentNode, spec: ComponentSpec, args: Record<string, unknown>): Promise<Diagnostic[]> {
    if (!node.definition) {
      const msg = node.definitionError ?? "no component definition";
      node.evalHealth = health("unhealthy", `component evaluation failed: ${msg}`);
      return [atBlock(spec.source, spec.block, `component "${spec.name}" cannot be built: ${msg}`)];
    }
    try {
      await mkdir(node.dataPath, { recursive: true });
      node.noteSecrets(args);
      node.revision = spec.component.revision?.();
      const instance = await node.definition.build(this.contextFor(node), args);
      if (!instance || typeof instance.run !== "function" || typeof instance.update !== "function") {
        throw new Error("build did not return a component (an object with run and update)");
      }
      node.instance = instance;
      node.setArgs(args);
      const nestedOf = (instance as { nestedComponents?: () => ComponentNode[] }).nestedComponents;
      if (typeof nestedOf === "function") node.nestedComponents = () => nestedOf.call(instance);
    } catch (e) {
      const msg = spec.component.customComponent ? errorMessage(e) : `building component: ${errorMessage(e)}`;
      node.evalHealth = health("unhealthy", `component evaluation failed: ${msg}`);
      node.logger.error("failed to build component", { error: errorMessage(e) });
      return [atBlock(spec.source, spec.block, `Failed to build component: ${msg}`)];
    }
    node.evalHealth = health("healthy", "component evaluated");
    return [];
  }

  private contextFor(node: ComponentNode): ComponentContext<unknown> {
    const controller = this;
    return {
      id: node.globalId,
      dataPath: node.dataPath,
      logger: node.logger,
      metrics: node.registry,
      get httpAddress() {
        return controller.httpAddress;
      },
      httpPathPrefix: `/api/v0/component/${node.globalId}/`,
      setExports: (exports: unknown) => this.onExports(node, exports),
      setHealth: (state, message) => {
        node.ownHealth = health(state, message ?? "");
      },
    };
  }

  private onExports(node: ComponentNode, exports: unknown): void {
    if (node.removed) return;
    let value: ObjectValue;
    try {
      value = node.spec.component.schemas.encodeExports(exports);
    } catch (e) {
      node.exportsHealth = health("unhealthy", `invalid exports: ${errorMessage(e)}`);
      node.logger.error("component published invalid exports", { error: errorMessage(e) });
      return;
    }
    node.exportsHealth = undefined;
    if (node.exportsRaw !== undefined && deepEqual(node.exportsRaw, exports)) return;
    node.exportsRaw = exports;
    node.exportsValue = value;
    node.exportsVersion++;
    this.enqueueDependants(node.id);
  }

  // ---- the re-evaluation queue ----

  private enqueueDependants(id: string): void {
    const graph = this.plan?.graph;
    if (!graph) return;
    const now = performance.now();
    for (const dep of graph.dependants(id)) {
      const n = this.nodes.get(dep);
      if (!n) continue;
      this.pending.add(n);
      n.queuedAt ??= now;
    }
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.paused || this.closed || this.pending.size === 0) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.paused || this.closed) return;
    const ready = [...this.pending].filter((n) => !this.inFlight.has(n));
    ready.sort((a, b) => (this.topoIndex.get(a) ?? 0) - (this.topoIndex.get(b) ?? 0));
    for (const node of ready) {
      this.pending.delete(node);
      if (node.removed || this.nodes.get(node.id) !== node) continue;
      if (node.queuedAt !== undefined) {
        this.metrics.dependenciesWaitSeconds.observe((performance.now() - node.queuedAt) / 1000);
        node.queuedAt = undefined;
      }
      const job = this.evaluate(node)
        .then((diags) => {
          for (const d of diags) {
            this.logger.error("failed to evaluate component", { component_id: node.id, error: diagnosticString(d) });
          }
          if (node.kind === "component" && node.instance && !node.running && !node.removed && !this.closed) {
            this.start(node);
          }
        })
        .catch((e) =>
          this.logger.error("failed to evaluate component", { component_id: node.id, error: errorMessage(e) }),
        )
        .finally(() => {
          this.inFlight.delete(node);
          if (this.pending.size > 0) this.scheduleDrain();
          this.notifyIdle();
        });
      this.inFlight.set(node, job);
    }
    this.notifyIdle();
  }

  private async pauseQueue(): Promise<void> {
    this.paused = true;
    await Promise.all(this.inFlight.values());
  }

  private resumeQueue(): void {
    this.paused = false;
    this.scheduleDrain();
    this.notifyIdle();
  }

  // ---- running and stopping ----

  private start(node: ComponentNode): void {
    const instance = node.instance;
    if (!instance) return;
    const ac = new AbortController();
    node.abort = ac;
    node.runHealth = health("healthy", "started component");
    node.running = (async () => {
      try {
        await instance.run(ac.signal);
        node.runHealth = health("exited", "component shut down cleanly");
        if (!ac.signal.aborted) node.logger.warn("component exited before it was stopped");
      } catch (e) {
        node.runHealth = health("exited", `component shut down with error: ${errorMessage(e)}`);
        node.logger.error("component exited with error", { error: errorMessage(e) });
      }
    })();
  }

  /** Aborts a component and waits (until the deadline) for run to end and stop to finish. */
  private async stopNode(node: ComponentNode, deadline: number): Promise<boolean> {
    node.removed = true;
    node.abort?.abort(STOPPED);
    const instance = node.instance;
    const running = node.running;
    const done = (async () => {
      if (running) await running;
      try {
        await instance?.stop?.();
      } catch (e) {
        node.logger.error("failed to stop component", { error: errorMessage(e) });
      }
    })();
    const finished = await withTimeout(done, deadline - Date.now());
    this.opts.metrics.removeComponent(node.globalId);
    return finished;
  }

  /**
   * Stops every component, dependants before the components they reference (a scrape
   * before the remote_write it feeds), waiting for each within the overall deadline;
   * components still running at the deadline are aborted and left behind with a log line.
   */
  async shutdown(deadlineMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + deadlineMs;
    await withTimeout(this.chain, deadline - Date.now());
    await withTimeout(Promise.all(this.inFlight.values()), deadline - Date.now());
    const stragglers: string[] = [];
    for (const node of [...this.order].reverse()) {
      if (node.kind !== "component") continue;
      if (Date.now() >= deadline) {
        node.removed = true;
        node.abort?.abort(STOPPED);
        stragglers.push(node.id);
        continue;
      }
      if (!(await this.stopNode(node, deadline))) stragglers.push(node.id);
    }
    if (stragglers.length > 0) {
      this.logger.warn("shutdown deadline reached; giving up on components that have not stopped", {
        components: stragglers.join(","),
      });
    } else if (!this.opts.nested) this.logger.info("all components stopped");
    this.pending.clear();
    this.notifyIdle();
  }
}
