// local.file_match: discovers files on disk from glob patterns and exports them as
// targets (Alloy's local.file_match). It re-globs every sync_period and right after
// each update; exports change only when the matched set changes.
// Type-only imports: at run time this module needs nothing from the sdk.
import { type Component, type ComponentContext, type ComponentDefinition, WakeableSleep } from "@ingot/sdk";
import { matchTargets, sameTargets, type Target } from "./targets.js";

export interface FileMatchArguments {
  path_targets: Target[];
  /** Milliseconds (decoded from a duration such as "10s"). */
  sync_period: number;
  /** Milliseconds; 0 turns the filter off. */
  ignore_older_than: number;
}

export interface FileMatchExports {
  targets: Target[];
}

export const fileMatch: ComponentDefinition<FileMatchArguments, FileMatchExports> = {
  async build(ctx, args) {
    const component = new FileMatchComponent(ctx, args);
    await component.sync();
    return component;
  },
};

class FileMatchComponent implements Component<FileMatchArguments> {
  private args: FileMatchArguments;
  private targets: Target[] | undefined;
  private lastSync: Date | undefined;
  private lastErrors: { path: string; error: string }[] = [];
  private syncing: Promise<void> = Promise.resolve();
  /** Wakes the run loop so the sync timer restarts after an update. */
  private readonly timer = new WakeableSleep();

  constructor(
    private readonly ctx: ComponentContext<FileMatchExports>,
    args: FileMatchArguments,
  ) {
    validate(args);
    this.args = args;
    ctx.setHealth("healthy");
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const ticked = await this.timer.sleep(this.args.sync_period, signal);
      if (ticked) await this.sync();
    }
  }

  async update(args: FileMatchArguments): Promise<void> {
    validate(args);
    this.args = args;
    this.timer.wake(); // restart the sync timer, as Alloy does on update
    await this.sync();
  }

  debugInfo(): unknown {
    return {
      targets: this.targets?.length ?? 0,
      last_sync: this.lastSync?.toISOString() ?? null,
      errors: this.lastErrors,
    };
  }

  /** One glob pass over every path target; syncs never overlap. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncOnce());
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const { targets, errors } = await matchTargets(this.args.path_targets, {
      ignoreOlderThanMs: this.args.ignore_older_than,
      cwd: process.cwd(),
      now: Date.now(),
    });
    this.lastSync = new Date();
    this.lastErrors = errors;
    for (const e of errors) this.ctx.logger.error("error getting paths", { path: e.path, err: e.error });
    if (this.targets && sameTargets(this.targets, targets)) return;
    this.targets = targets;
    this.ctx.setExports({ targets });
  }
}

function validate(args: FileMatchArguments): void {
  if (!(args.sync_period > 0)) throw new Error("sync_period must be greater than 0");
  if (args.ignore_older_than < 0) throw new Error("ignore_older_than must not be negative");
}
