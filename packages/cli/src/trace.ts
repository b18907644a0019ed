// Startup milestones for profiling: with INGOT_STARTUP_TRACE set, each mark prints
// `startup <name> <ms since process start>` on stderr (performance.now() counts from
// the process's time origin). Costs one property read when unset.
const enabled = process.env.INGOT_STARTUP_TRACE !== undefined && process.env.INGOT_STARTUP_TRACE !== "";

export function startupMark(name: string): void {
  if (enabled) process.stderr.write(`startup ${name} ${performance.now().toFixed(1)}\n`);
}
