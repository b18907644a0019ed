// Sleeps that end early when a component stops (abortableSleep), or also when its
// arguments change (WakeableSleep: components that poll, Alloy's refresh_interval,
// sync_period, restart their timer on update).

/** Resolves true after `ms`, false as soon as the signal aborts (at once if it already has). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new WakeableSleep().sleep(ms, signal);
}

export class WakeableSleep {
  private wakeFn: (() => void) | undefined;

  /** Resolves true after `ms`, false when woken early or aborted. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const done = (ticked: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.wakeFn = undefined;
        resolve(ticked);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(true), ms);
      this.wakeFn = () => done(false);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Ends the current sleep early (resolving it false); nothing when none is pending. */
  wake(): void {
    this.wakeFn?.();
  }
}
