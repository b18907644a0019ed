// Scrape workers: a small pool of worker_threads (scrape-worker.ts) that fetch, gunzip
// and parse targets, so scraping uses more than the main thread's core. One pool per
// process, shared by every prometheus.scrape component, created lazily when the first
// loop starts and terminated when the last one stops. Each target is pinned to one
// worker by its hash (the worker keeps its series cache between scrapes). Workers are
// unref'ed while idle, so they never keep the process alive. A worker that dies fails
// the scrapes in flight (their targets report down with the error) and is started
// afresh on the next scrape; its targets then re-announce every series.
//
// By default the pool is automatic: targets scrape in process until the main thread is
// busy (event-loop utilization above INGOT_SCRAPE_WORKERS_ELU, 0.6, over three 10 s
// windows in a row that did not mostly create new series),
// then every target moves to the workers for as long as the pool is in use. A worker
// isolate costs tens of MiB, which a light load (100k series @1s keeps the main thread
// ~20 % busy) does not need to pay. INGOT_SCRAPE_WORKERS=N (N ≥ 1) starts N workers at
// once; 0 scrapes in process always. The automatic size is availableParallelism() - 1,
// at least 1 and at most 4.
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { LoopShared } from "./loop.js";
import { coreArgs } from "./loop.js";
import type { CoreTarget, ScrapeResult } from "./target-scraper.js";

/** Messages to a worker. */
export type ToWorker =
  | {
      t: "scrape";
      rid: number;
      tid: number;
      cid: number;
      /** The client's arguments, the first time this worker sees the cid. */
      args?: unknown;
      /** The target, the first time this worker sees it. */
      target?: CoreTarget;
      forcedError?: string | undefined;
    }
  | { t: "abort"; tid: number }
  | { t: "remove"; rid: number; tid: number; wantIds: boolean }
  | { t: "dropClient"; cid: number }
  | { t: "recycle"; buffers: ArrayBuffer[] };

/** Messages from a worker: the answer to request rid. */
export type FromWorker =
  | { rid: number; result: ScrapeResult }
  | { rid: number; ids: Uint32Array | undefined }
  | { rid: number; error: string };

/** The loop state the pool needs (ScrapeLoop). */
export interface PoolTarget {
  readonly tid: number;
  readonly core: CoreTarget;
  readonly target: { hash: number };
}

/** The explicit worker count from INGOT_SCRAPE_WORKERS, or undefined (automatic). */
function explicitWorkerCount(): number | undefined {
  const env = process.env.INGOT_SCRAPE_WORKERS;
  if (env !== undefined && env.trim() !== "" && env.trim() !== "auto") {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, 16);
  }
  return undefined;
}

/** Worker count from INGOT_SCRAPE_WORKERS, or the default. 0 = no workers. */
export function scrapeWorkerCount(): number {
  return explicitWorkerCount() ?? Math.min(4, Math.max(1, availableParallelism() - 1));
}

/** Main-thread event-loop utilization above which an automatic pool starts its workers. */
function autoThreshold(): number {
  const v = Number(process.env.INGOT_SCRAPE_WORKERS_ELU);
  return process.env.INGOT_SCRAPE_WORKERS_ELU !== undefined && v >= 0 && v <= 1 ? v : 0.6;
}

let theP: ScrapeWorkerPool | undefined;

/** The process's pool, or undefined when workers are off (INGOT_SCRAPE_WORKERS=0). */
export function scrapeWorkerPool(): ScrapeWorkerPool | undefined {
  const n = scrapeWorkerCount();
  if (n === 0) return undefined;
  const auto = explicitWorkerCount() === undefined;
  if (theP === undefined || (theP.idle && (theP.size !== n || theP.auto !== auto)))
    theP = new ScrapeWorkerPool(n, auto ? { threshold: autoThreshold() } : undefined);
  return theP;
}

/** When an automatic pool starts its workers. */
export interface AutoStart {
  /** Event-loop utilization (0..1) of the main thread over a window that turns the workers on. */
  threshold: number;
  /** The window, in ms (default 10 s). */
  windowMs?: number;
  /** Consecutive busy windows needed (default 3). */
  windows?: number;
}

let nextCid = 1;
/** A new client id (a component's arguments + HTTP client, as the workers know them). */
export function newClientId(): number {
  return nextCid++;
}

interface Pending {
  resolve(m: FromWorker): void;
  reject(e: Error): void;
}

class Slot {
  worker: Worker | undefined;
  readonly pending = new Map<number, Pending>();
  readonly targets = new Set<number>();
  readonly clients = new Set<number>();
}

/** The worker entry: next to this module, both in the tsc output and in the bundle (dist/scrape-worker.js). */
const WORKER_URL = new URL("./scrape-worker.js", import.meta.url);

export class ScrapeWorkerPool {
  private readonly slots: Slot[];
  private users = 0;
  private nextRid = 1;
  /** Automatic start: undefined when the workers are always used. */
  private readonly autoStart: Required<AutoStart> | undefined;
  private active: boolean;
  private elu = performance.eventLoopUtilization();
  private windowStart = performance.now();
  private windowSamples = 0;
  private busyWindows = 0;
  private windowNewSeries = 0;

  constructor(
    readonly size: number,
    auto?: AutoStart,
  ) {
    this.slots = Array.from({ length: size }, () => new Slot());
    this.autoStart = auto && { windowMs: 10_000, windows: 3, ...auto };
    this.active = auto === undefined;
  }

  get auto(): boolean {
    return this.autoStart !== undefined;
  }

  /**
   * Whether scrapes go to the workers now. An automatic pool says no until the main
   * thread's event-loop utilization over a window exceeds the threshold, then yes for
   * as long as the pool is in use.
   */
  useWorkers(): boolean {
    const a = this.autoStart;
    if (this.active || a === undefined) return true;
    const now = performance.now();
    if (now - this.windowStart >= a.windowMs) {
      const busy = performance.eventLoopUtilization(this.elu).utilization;
      // A window that created many series is the one-off cost of new targets (labels,
      // WAL series records), not the steady load: moving then would build every cache
      // twice (RSS +40 % at 1M series).
      const settling = this.windowNewSeries > this.windowSamples * 0.1;
      this.elu = performance.eventLoopUtilization();
      this.windowStart = now;
      this.windowSamples = 0;
      this.windowNewSeries = 0;
      // Several busy windows in a row: a GC or a WAL segment cut does not move targets.
      this.busyWindows = busy > a.threshold && !settling ? this.busyWindows + 1 : 0;
      if (this.busyWindows >= a.windows) this.active = true;
    }
    return this.active;
  }

  /** An in-process scrape's sample and new-series counts (for the automatic start). */
  noteScrape(samples: number, newSeries: number): void {
    this.windowSamples += samples;
    this.windowNewSeries += newSeries;
  }

  get idle(): boolean {
    return this.users === 0;
  }

  /** Number of running workers (for tests). */
  get running(): number {
    return this.slots.filter((s) => s.worker !== undefined).length;
  }

  attach(): void {
    this.users++;
  }

  /** The last loop gone: workers are terminated (an automatic pool waits for load again). */
  detach(): void {
    if (--this.users > 0) return;
    this.users = 0;
    if (this.autoStart) {
      this.active = false;
      this.busyWindows = 0;
      this.elu = performance.eventLoopUtilization();
      this.windowStart = performance.now();
    }
    for (const s of this.slots) {
      const w = s.worker;
      if (!w) continue;
      this.fail(s, w, new Error("scrape workers stopped"));
      void w.terminate();
    }
  }

  private slotOf(t: PoolTarget): Slot {
    return this.slots[(t.target.hash >>> 0) % this.slots.length] as Slot;
  }

  private ensure(s: Slot): Worker {
    if (s.worker) return s.worker;
    // A small young generation: the worker allocates little per sample, and each isolate
    // would otherwise reserve its own semi-spaces (~20 MiB RSS at 100k series).
    const w = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    w.unref();
    s.worker = w;
    s.targets.clear();
    s.clients.clear();
    w.on("message", (m: FromWorker) => {
      const p = s.pending.get(m.rid);
      if (!p) return;
      s.pending.delete(m.rid);
      if (s.pending.size === 0 && s.worker === w) w.unref();
      if ("error" in m) p.reject(new Error(m.error));
      else p.resolve(m);
    });
    w.on("error", (e) => this.fail(s, w, e));
    w.on("exit", (code) => this.fail(s, w, new Error(`exited with code ${code}`)));
    return w;
  }

  /** The worker is gone: requests in flight fail; the next one starts a new worker. */
  private fail(s: Slot, w: Worker, e: Error): void {
    if (s.worker !== w) return;
    s.worker = undefined;
    const pending = [...s.pending.values()];
    s.pending.clear();
    for (const p of pending) p.reject(new Error(`scrape worker failed: ${e.message}`));
    void w.terminate();
  }

  private request(s: Slot, msg: ToWorker & { rid: number }): Promise<FromWorker> {
    const w = this.ensure(s);
    return new Promise((resolve, reject) => {
      if (s.pending.size === 0) w.ref();
      s.pending.set(msg.rid, { resolve, reject });
      w.postMessage(msg);
    });
  }

  /** Scrapes a target in its worker. */
  async scrape(t: PoolTarget, shared: LoopShared, signal: AbortSignal): Promise<ScrapeResult> {
    const s = this.slotOf(t);
    const w = this.ensure(s);
    const cid = shared.cid ?? 0;
    const msg: ToWorker & { rid: number } = { t: "scrape", rid: this.nextRid++, tid: t.tid, cid };
    if (!s.clients.has(cid)) {
      msg.args = coreArgs(shared.args);
      s.clients.add(cid);
    }
    if (!s.targets.has(t.tid)) {
      msg.target = t.core;
      s.targets.add(t.tid);
    }
    if (shared.forcedError) msg.forcedError = shared.forcedError;
    const onAbort = () => w.postMessage({ t: "abort", tid: t.tid } satisfies ToWorker);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const m = await this.request(s, msg);
      return (m as { result: ScrapeResult }).result;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Forgets a target in its worker; with wantIds, returns the ids of its last scrape. */
  async remove(t: PoolTarget, wantIds: boolean): Promise<Uint32Array | undefined> {
    const s = this.slotOf(t);
    if (!s.worker || !s.targets.has(t.tid)) return undefined;
    s.targets.delete(t.tid);
    const m = await this.request(s, { t: "remove", rid: this.nextRid++, tid: t.tid, wantIds });
    return (m as { ids: Uint32Array | undefined }).ids;
  }

  /** Hands a forwarded result's sample buffers back to the target's worker for reuse. */
  recycle(t: PoolTarget, r: ScrapeResult): void {
    const w = this.slotOf(t).worker;
    if (!w) return;
    const buffers = [r.ids.buffer, r.timestamps.buffer, r.values.buffer] as ArrayBuffer[];
    if (buffers[0] === buffers[1] || buffers[1] === buffers[2]) return;
    w.postMessage({ t: "recycle", buffers } satisfies ToWorker, buffers);
  }

  /** For tests: terminates the worker of a target as if it had crashed. */
  async kill(t: PoolTarget): Promise<void> {
    await this.slotOf(t).worker?.terminate();
  }

  /** A component's old arguments are no longer used. */
  dropClient(cid: number): void {
    for (const s of this.slots) {
      if (!s.worker || !s.clients.has(cid)) continue;
      s.clients.delete(cid);
      s.worker.postMessage({ t: "dropClient", cid } satisfies ToWorker);
    }
  }
}
