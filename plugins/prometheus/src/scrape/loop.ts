// One target's scrape loop, after Prometheus's scrapeLoop: scrapes on a fixed schedule
// (offset by the target's hash) and forwards each scrape's samples to the receivers,
// awaiting backpressure. The scrape itself (fetch, gunzip, parse, series cache,
// staleness, report values) is a TargetScraper (target-scraper.ts), run either in a
// scrape worker (pool.ts; once the main thread is busy, by default) or in process. Its result names series by
// target-local ids; this loop owns the target's SeriesTable and maps ids to refs
// (label sets arrive only for ids new to the target), puts its report refs on the
// report samples and hands the columns on as a MetricsBatch without copying them.
import {
  abortableSleep,
  appendToAll,
  labelsFromPairs,
  type MetricsBatch,
  MetricsBatchBuilder,
  type MetricsReceiver,
  SeriesTable,
  STALE_NAN,
} from "@ingot/sdk";
import type { ScrapeArguments } from "./args.js";
import type { ScrapeWorkerPool } from "./pool.js";
import {
  type BodySource,
  type CoreTarget,
  growInt32,
  type ScrapeCoreArgs,
  type ScrapeResult,
  TargetScraper,
} from "./target-scraper.js";
import { type ResolvedTarget, scrapeOffsetMs } from "./targets.js";

export { SLICE_MS } from "./target-scraper.js";

/** What every loop of a component shares; replaced as a whole when the arguments change. */
export interface LoopShared {
  args: ScrapeArguments;
  client: BodySource;
  receivers: readonly MetricsReceiver[];
  /** Set when target_limit is exceeded: every scrape fails with it. */
  forcedError: string | undefined;
  seed: number;
  /** Scrape workers; undefined: scrape in process. */
  pool?: ScrapeWorkerPool | undefined;
  /** Identifies args + client in the workers (a new one whenever they change). */
  cid?: number;
}

export type TargetHealth = "up" | "down" | "unknown";

const REPORT_NAMES = [
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
  "scrape_timeout_seconds",
  "scrape_sample_limit",
  "scrape_body_size_bytes",
];

const coreArgsCache = new WeakMap<ScrapeArguments, ScrapeCoreArgs>();

/** The arguments without the receivers and targets (what a scrape worker gets). */
export function coreArgs(a: ScrapeArguments): ScrapeCoreArgs {
  let c = coreArgsCache.get(a);
  if (c === undefined) {
    const { forward_to: _f, targets: _t, ...rest } = a;
    c = rest;
    coreArgsCache.set(a, c);
  }
  return c;
}

let nextTargetId = 1;

export class ScrapeLoop {
  health: TargetHealth = "unknown";
  lastError = "";
  lastScrape: Date | undefined;
  lastDurationMs = 0;
  scrapes = 0;

  /** Unique in the process: the target's name in the workers. */
  readonly tid = nextTargetId++;
  readonly core: CoreTarget;
  private table = new SeriesTable();
  /** Target-local id -> ref in the table (-1 unknown). */
  private map: Int32Array = new Int32Array(256).fill(-1);
  private reportRefs: number[] = [];
  private scraper: TargetScraper | undefined;
  /** Refs of the last in-process scrape, until the first scrape in a worker (moveToWorker). */
  private movedRefs: Int32Array | undefined;
  private readonly pool: ScrapeWorkerPool | undefined;
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(
    readonly target: ResolvedTarget,
    private shared: LoopShared,
  ) {
    this.core = { url: target.url.href, timeoutMs: target.timeoutMs, labels: target.labels };
    this.pool = shared.pool;
    this.internReport();
  }

  setShared(s: LoopShared): void {
    this.shared = s;
    // Workers see the new arguments with the next scrape (by cid).
    this.scraper?.setArgs(coreArgs(s.args));
  }

  private internReport(): void {
    const t = this.target.labels;
    this.reportRefs = REPORT_NAMES.map((n) => this.table.intern(labelsFromPairs([...t, "__name__", n])));
  }

  start(): void {
    if (this.done) return;
    this.pool?.attach();
    this.done = this.run();
  }

  /** Stops the loop; with stale = true, marks every series of the last scrape stale. */
  async stop(stale: boolean): Promise<void> {
    this.abort.abort();
    await this.done;
    let ids: Uint32Array | undefined;
    if (this.scraper) ids = this.scraper.lastIds();
    else if (this.pool) {
      try {
        ids = await this.pool.remove(this, stale && this.scrapes > 0);
      } catch {
        // A failed worker lost the target's state: no markers for its series.
      }
    }
    if (this.pool && this.done) this.pool.detach();
    if (!stale || this.scrapes === 0) return;
    const b = new MetricsBatchBuilder(this.table);
    const now = Date.now();
    if (ids)
      for (let i = 0; i < ids.length; i++) {
        const ref = this.map[ids[i] as number] as number;
        if (ref >= 0) b.add(ref, now, STALE_NAN);
      }
    const nReport = this.shared.args.extra_metrics ? 8 : 5;
    for (let i = 0; i < nReport; i++) b.add(this.reportRefs[i] as number, now, STALE_NAN);
    try {
      await appendToAll(this.shared.receivers, b.build());
    } catch {
      // A failing receiver must not block the removal.
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const interval = this.target.intervalMs;
    let next = Date.now() + scrapeOffsetMs(this.target.hash, this.shared.seed, interval, Date.now());
    while (!signal.aborted) {
      const wait = next - Date.now();
      if (wait > 0) await abortableSleep(wait, signal);
      if (signal.aborted) break;
      await this.scrapeOnce(signal);
      next += interval;
      const now = Date.now();
      if (next < now) next += Math.ceil((now - next) / interval) * interval;
    }
  }

  /** One scrape: fetch, parse, report, forward. Exposed for tests and benchmarks. */
  async scrapeOnce(signal: AbortSignal): Promise<void> {
    const s = this.shared;
    let res: ScrapeResult;
    let failed = false;
    let inWorker = false;
    const start = Date.now();
    try {
      if (this.pool?.useWorkers()) {
        if (this.scraper) this.moveToWorker();
        inWorker = true;
        res = await this.pool.scrape(this, s, signal);
      } else {
        this.scraper ??= new TargetScraper(this.core, coreArgs(s.args));
        res = await this.scraper.scrape(s.client, signal, s.forcedError);
        this.pool?.noteScrape(res.length, res.newIds.length);
      }
    } catch (e) {
      if (signal.aborted) return;
      failed = true;
      res = failedResult(start, (e as Error).message, s.args, this.target.timeoutMs);
    }
    if (signal.aborted && res.err !== undefined) return;
    const batch = this.toBatch(res);
    this.scrapes++;
    this.health = res.err === undefined ? "up" : "down";
    this.lastError = res.err ?? "";
    this.lastScrape = new Date(res.startMs);
    this.lastDurationMs = res.durationMs;
    const moved = this.movedRefs && this.staleAfterMove(batch, res.err !== undefined);
    try {
      await appendToAll(s.receivers, batch);
      if (moved) await appendToAll(s.receivers, moved);
    } catch (e) {
      this.lastError ||= `appending to receivers: ${(e as Error).message}`;
    }
    // The receivers are done with the batch's arrays (MetricsBatch ownership).
    if (inWorker && !failed) this.pool?.recycle(this, res);
    if (res.compact) this.renumber(res.compact);
  }

  /** The result as a batch of this target's table: ids mapped to refs in place. */
  private toBatch(res: ScrapeResult): MetricsBatch {
    const table = this.table;
    let from = 0;
    for (let k = 0; k < res.newIds.length; k++) {
      const id = res.newIds[k] as number;
      const to = res.newLabelEnds[k] as number;
      if (id >= this.map.length) this.map = growInt32(this.map, id + 1);
      this.map[id] = table.internEncoded(res.newLabels.subarray(from, to));
      from = to;
    }
    const map = this.map;
    let n = res.length;
    const nr = res.nReport;
    const refs = res.ids;
    const body = n - nr;
    for (let i = 0; i < body; i++) refs[i] = map[refs[i] as number] as number;
    for (let k = 0; k < nr; k++) refs[body + k] = this.reportRefs[k] as number;
    if (res.recheckStale && res.staleEnd > res.staleStart) n = dropLiveStale(res, n);
    const batch: MetricsBatch = {
      series: table,
      length: n,
      refs: refs.subarray(0, n),
      timestamps: res.timestamps.subarray(0, n),
      values: res.values.subarray(0, n),
    };
    if (res.exemplars) {
      const e = res.exemplars;
      for (let i = 0; i < e.length; i++) e.ids[i] = map[e.ids[i] as number] as number;
      batch.exemplars = { length: e.length, refs: e.ids, labels: e.labels, values: e.values, timestamps: e.timestamps };
    }
    if (res.histograms) {
      const h = res.histograms;
      for (let i = 0; i < h.length; i++) h.refs[i] = map[h.refs[i] as number] as number;
      batch.histograms = h;
    }
    if (res.metadata) batch.metadata = res.metadata;
    return batch;
  }

  /**
   * The target moves from scraping in process to a worker (the pool turned its workers
   * on). The worker starts with no state and announces every series afresh; the refs of
   * the last in-process scrape are kept to mark those it no longer reports stale.
   */
  private moveToWorker(): void {
    const ids = (this.scraper as TargetScraper).lastIds();
    const refs = new Int32Array(ids.length);
    let k = 0;
    for (let i = 0; i < ids.length; i++) {
      const ref = this.map[ids[i] as number] ?? -1;
      if (ref >= 0) refs[k++] = ref;
    }
    this.movedRefs = refs.subarray(0, k);
    this.scraper = undefined;
  }

  /** Staleness markers for the series of the last in-process scrape that the first scrape in a worker lacks (all, if it failed). */
  private staleAfterMove(batch: MetricsBatch, failed: boolean): MetricsBatch | undefined {
    const refs = this.movedRefs as Int32Array;
    this.movedRefs = undefined;
    const present = new Set<number>();
    if (!failed) for (let i = 0; i < batch.length; i++) present.add(batch.refs[i] as number);
    const b = new MetricsBatchBuilder(this.table);
    const now = Date.now();
    for (let i = 0; i < refs.length; i++) if (!present.has(refs[i] as number)) b.add(refs[i] as number, now, STALE_NAN);
    return b.length > 0 ? b.build() : undefined;
  }

  /** The scraper renumbered its ids: start a new table holding only the live series. */
  private renumber(newToOld: Int32Array): void {
    const old = this.table;
    const table = new SeriesTable();
    const map = new Int32Array(Math.max(256, newToOld.length * 2)).fill(-1);
    for (let i = 0; i < newToOld.length; i++) {
      const ref = this.map[newToOld[i] as number] ?? -1;
      if (ref >= 0) map[i] = table.intern(old.labels(ref));
    }
    this.table = table;
    this.map = map;
    this.internReport();
  }
}

/**
 * After the scraper's cache was started afresh, a vanished id may name a series that was
 * scraped again under a new id: drop stale markers of refs sampled in this scrape.
 */
function dropLiveStale(res: ScrapeResult, n: number): number {
  const refs = res.ids;
  const live = new Set<number>();
  for (let i = 0; i < res.staleStart; i++) live.add(refs[i] as number);
  let w = res.staleStart;
  for (let i = res.staleStart; i < n; i++) {
    if (i < res.staleEnd && live.has(refs[i] as number)) continue;
    refs[w] = refs[i] as number;
    res.timestamps[w] = res.timestamps[i] as number;
    res.values[w] = res.values[i] as number;
    w++;
  }
  return w;
}

/** A scrape that failed outside the scraper (a worker died): the report series only. */
function failedResult(start: number, err: string, args: ScrapeArguments, timeoutMs: number): ScrapeResult {
  const durationMs = Date.now() - start;
  const vals = [0, durationMs / 1000, 0, 0, 0];
  if (args.extra_metrics) vals.push(timeoutMs / 1000, args.sample_limit, -1);
  return {
    err,
    startMs: start,
    durationMs,
    length: vals.length,
    ids: new Uint32Array(vals.length),
    timestamps: new Float64Array(vals.length).fill(start),
    values: Float64Array.from(vals),
    nReport: vals.length,
    staleStart: 0,
    staleEnd: 0,
    newIds: [],
    newLabels: new Uint8Array(0),
    newLabelEnds: [],
    recheckStale: false,
  };
}
