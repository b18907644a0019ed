// The shared shape of the refreshing discovery components (file, http, dns): a
// refresh every refresh_interval (and on demand, e.g. a file watch or an update),
// refreshes never overlapping, exports published only when the targets change, and
// health reporting the last refresh's error.
import { type Component, type ComponentContext, type ComponentDefinition, WakeableSleep } from "@ingot/sdk";

/** A discovery target: label name to value (Alloy's list(map(string)) element). */
export type Target = Record<string, string>;

export interface TargetsExports {
  targets: Target[];
}

export interface RefreshResult {
  targets: Target[];
  /** Errors of this refresh (the targets then hold what could be kept). */
  errors: string[];
}

export abstract class RefreshingDiscovery<Args extends { refresh_interval: number }> implements Component<Args> {
  protected args: Args;
  private targets: Target[] | undefined;
  private lastRefresh: Date | undefined;
  private lastErrors: string[] = [];
  private refreshing: Promise<void> = Promise.resolve();
  private readonly timer = new WakeableSleep();
  private refreshCount = 0;

  constructor(
    protected readonly ctx: ComponentContext<TargetsExports>,
    args: Args,
  ) {
    this.validate(args);
    this.args = args;
  }

  /** Throws with a message when the arguments are invalid. */
  protected abstract validate(args: Args): void;
  /** One discovery pass. */
  protected abstract discover(signal?: AbortSignal): Promise<RefreshResult>;

  async run(signal: AbortSignal): Promise<void> {
    this.onStart(signal);
    try {
      while (!signal.aborted) {
        const ticked = await this.timer.sleep(this.args.refresh_interval, signal);
        if (ticked) await this.refresh();
      }
    } finally {
      this.onStop();
    }
  }

  /** Hook: start watchers. */
  protected onStart(_signal: AbortSignal): void {}
  /** Hook: stop watchers. */
  protected onStop(): void {}

  async update(args: Args): Promise<void> {
    this.validate(args);
    this.args = args;
    this.onUpdate();
    this.timer.wake(); // restart the timer
    await this.refresh();
  }

  protected onUpdate(): void {}

  debugInfo(): unknown {
    return {
      targets: this.targets?.length ?? 0,
      last_refresh: this.lastRefresh?.toISOString() ?? null,
      refreshes: this.refreshCount,
      errors: this.lastErrors,
    };
  }

  /** Runs one refresh after any in progress. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.refreshOnce());
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    let result: RefreshResult;
    try {
      result = await this.discover();
    } catch (e) {
      result = { targets: this.targets ?? [], errors: [e instanceof Error ? e.message : String(e)] };
    }
    this.refreshCount++;
    this.lastRefresh = new Date();
    this.lastErrors = result.errors;
    for (const err of result.errors) this.ctx.logger.error("discovery refresh failed", { err });
    if (result.errors.length > 0) this.ctx.setHealth("unhealthy", result.errors.join("; "));
    else this.ctx.setHealth("healthy");
    if (this.targets && sameTargets(this.targets, result.targets)) return;
    this.targets = result.targets;
    this.ctx.setExports({ targets: result.targets });
  }
}

export function sameTargets(a: readonly Target[], b: readonly Target[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Target;
    const y = b[i] as Target;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) if (x[k] !== y[k]) return false;
  }
  return true;
}

/**
 * Targets of Prometheus target groups (`[{targets: [...], labels: {...}}]`), as
 * file_sd and http_sd read them: each target string becomes `__address__`, merged
 * over the group's labels and the `extra` labels (__meta_filepath, __meta_url).
 * Throws with Prometheus-like messages on a malformed document.
 */
export function targetsFromGroups(doc: unknown, extra: Target): Target[] {
  if (!Array.isArray(doc)) throw new Error(`expected a list of target groups, got ${describeJson(doc)}`);
  const out: Target[] = [];
  doc.forEach((g, i) => {
    if (g === null || g === undefined) throw new Error("nil target group item found");
    if (typeof g !== "object" || Array.isArray(g))
      throw new Error(`target group ${i}: expected an object, got ${describeJson(g)}`);
    const group = g as Record<string, unknown>;
    for (const k of Object.keys(group))
      if (k !== "targets" && k !== "labels") throw new Error(`target group ${i}: unknown field ${JSON.stringify(k)}`);
    const labels: Target = {};
    if (group.labels !== undefined && group.labels !== null) {
      if (typeof group.labels !== "object" || Array.isArray(group.labels))
        throw new Error(`target group ${i}: labels must be a map of strings`);
      for (const [name, value] of Object.entries(group.labels as Record<string, unknown>)) {
        if (name.length === 0) throw new Error(`${JSON.stringify(name)} is not a valid label name`);
        if (typeof value !== "string")
          throw new Error(`target group ${i}: label ${name}: expected a string, got ${describeJson(value)}`);
        labels[name] = value;
      }
    }
    const targets = group.targets ?? [];
    if (!Array.isArray(targets)) throw new Error(`target group ${i}: targets must be a list of strings`);
    for (const t of targets) {
      if (typeof t !== "string") throw new Error(`target group ${i}: target must be a string, got ${describeJson(t)}`);
      const target: Target = { ...labels, ...extra, __address__: t };
      out.push(target);
    }
  });
  return out;
}

function describeJson(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : typeof v;
}

/**
 * The definition of a refreshing discovery component: build() runs one refresh before
 * it returns, so the first targets are exported when the component is built.
 */
export function refreshingDefinition<Args extends { refresh_interval: number }>(
  create: (ctx: ComponentContext<TargetsExports>, args: Args) => RefreshingDiscovery<Args>,
): ComponentDefinition<Args, TargetsExports> {
  return {
    async build(ctx, args) {
      const c = create(ctx, args);
      await c.refresh();
      return c;
    },
  };
}
