// Runs one component the way the runtime does (build, run with an AbortSignal,
// update, stop) and records what it publishes, so tests can wait for exports and
// health.
import type { ComponentDefinition, ComponentHealth, HealthState, Logger } from "@ingot/sdk";
import { Registry } from "prom-client";

export interface Started<Exports> {
  exports(): Exports | undefined;
  /** Every exports value published, in order. */
  readonly exportsHistory: Exports[];
  health(): ComponentHealth;
  debugInfo(): unknown;
  update(args: Record<string, unknown>): Promise<void>;
  /** Polls until check returns true, or fails after timeoutMs. */
  waitFor(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return quietLogger;
  },
};

export async function start<Exports>(
  // biome-ignore lint/suspicious/noExplicitAny: any component definition
  def: ComponentDefinition<any, Exports>,
  args: Record<string, unknown>,
): Promise<Started<Exports>> {
  const exportsHistory: Exports[] = [];
  let health: ComponentHealth = { state: "unknown", message: "", updatedAt: new Date() };
  const ctx = {
    id: "test.component",
    dataPath: "",
    logger: quietLogger,
    metrics: new Registry(),
    setExports(e: Exports) {
      exportsHistory.push(e);
    },
    setHealth(state: HealthState, message = "") {
      health = { state, message, updatedAt: new Date() };
    },
  };
  const component = await def.build(ctx, args);
  const abort = new AbortController();
  const running = component.run(abort.signal);
  return {
    exportsHistory,
    exports: () => exportsHistory.at(-1),
    health: () => component.health?.() ?? health,
    debugInfo: () => component.debugInfo?.(),
    update: async (a) => {
      await component.update(a);
    },
    async waitFor(what, check, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      abort.abort();
      await running;
      await component.stop?.();
    },
  };
}
