// One target's scrape loop, after Prometheus's scrapeLoop: scrapes on a fixed schedule
// (offset by the target's hash), parses the body into a reused MetricsBatchBuilder
// through a per-target series cache keyed by a 64-bit hash of the series key bytes
// (cache.ts; labels() only on a miss, with interned names and values), adds the report
// series, writes staleness markers for series that vanished, and forwards the batch,
// awaiting backpressure. A long body is parsed in slices of at most ~SLICE_MS, yielding
// to the event loop in between, so one big target cannot stall the rest of the process
// (WAL writes, remote_write sends, HTTP) for the whole parse.
import {
  appendToAll,
  type Labels,
  labelsFromPairs,
  labelValue,
  type MetricMetadata,
  MetricsBatchBuilder,
  type MetricsReceiver,
  SeriesTable,
  STALE_NAN,
} from "@ingot/sdk";
import type { ExpositionFormat } from "../expfmt/parser.js";
import type { TextParserBase } from "../expfmt/textbase.js";
import type { ScrapeArguments } from "./args.js";
import { hashKeyBytes, hashKeyString, internString, keyHash, SeriesCache } from "./cache.js";
import { BodyBuffer, type ScrapeClient } from "./http.js";
import { createParser, formatFromContentType, PROTOCOL_FORMAT } from "./parse.js";
import { type ResolvedTarget, scrapeOffsetMs } from "./targets.js";

/** What every loop of a component shares; replaced as a whole when the arguments change. */
export interface LoopShared {
  args: ScrapeArguments;
  client: ScrapeClient;
  receivers: readonly MetricsReceiver[];
  /** Set when target_limit is exceeded: every scrape fails with it. */
  forcedError: string | undefined;
  seed: number;
}

/** Longest stretch of parsing between yields to the event loop, in ms. */
export const SLICE_MS = 5;
/** Entries parsed between checks of the clock. */
const SLICE_CHECK = 2048;

export type TargetHealth = "up" | "down" | "unknown";

class LimitError extends Error {}

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

function growInt32(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Int32Array(n).fill(-1);
  b.set(a);
  return b;
}

function growU32(a: Uint32Array, need: number): Uint32Array {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}

export class ScrapeLoop {
  health: TargetHealth = "unknown";
  lastError = "";
  lastScrape: Date | undefined;
  lastDurationMs = 0;
  scrapes = 0;

  private builder = new MetricsBatchBuilder(new SeriesTable());
  private readonly body = new BodyBuffer();
  /** Series key (hashed) -> ref in the builder's table. */
  private cache = new SeriesCache();
  /** Per ref: the iteration that last saw it (-1 never). */
  private lastSeen: Int32Array = new Int32Array(256).fill(-1);
  private iter = 0;
  /** Refs tracked for staleness in the previous / current scrape. */
  private prev: Uint32Array = new Uint32Array(256);
  private prevN = 0;
  private cur: Uint32Array = new Uint32Array(256);
  private curN = 0;
  private reportRefs: number[] = [];
  private readonly meta = new Map<string, MetricMetadata>();
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(
    readonly target: ResolvedTarget,
    private shared: LoopShared,
  ) {
    this.internReport();
  }

  setShared(s: LoopShared): void {
    const old = this.shared.args;
    this.shared = s;
    // Limits and label handling decide what the cache holds: start it afresh.
    const a = s.args;
    if (
      old.honor_labels !== a.honor_labels ||
      old.label_limit !== a.label_limit ||
      old.label_name_length_limit !== a.label_name_length_limit ||
      old.label_value_length_limit !== a.label_value_length_limit
    )
      this.cache.clear();
  }

  private internReport(): void {
    const t = this.target.labels;
    this.reportRefs = REPORT_NAMES.map((n) => this.builder.series.intern(labelsFromPairs([...t, "__name__", n])));
  }

  start(): void {
    this.done = this.run();
  }

  /** Stops the loop; with stale = true, marks every series of the last scrape stale. */
  async stop(stale: boolean): Promise<void> {
    this.abort.abort();
    await this.done;
    if (!stale || this.scrapes === 0) return;
    const b = this.builder;
    b.reset();
    const now = Date.now();
    for (let i = 0; i < this.prevN; i++) b.add(this.prev[i] as number, now, STALE_NAN);
    this.prevN = 0;
    const nReport = this.shared.args.extra_metrics ? 8 : 5;
    for (let i = 0; i < nReport; i++) b.add(this.reportRefs[i] as number, now, STALE_NAN);
    try {
      await appendToAll(this.shared.receivers, b.build());
    } catch {
      // A failing receiver must not block the removal.
    }
    b.reset();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const interval = this.target.intervalMs;
    let next = Date.now() + scrapeOffsetMs(this.target.hash, this.shared.seed, interval, Date.now());
    while (!signal.aborted) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal.aborted) break;
      await this.scrapeOnce(signal);
      next += interval;
      const now = Date.now();
      if (next < now) next += Math.ceil((now - next) / interval) * interval;
    }
  }

  /** One scrape: fetch, parse, report, forward. Exposed for tests and benchmarks. */
  async scrapeOnce(signal: AbortSignal): Promise<void> {
    const { args, client } = this.shared;
    const start = Date.now();
    const ts = start;
    const b = this.builder;
    b.reset();
    let err: string | undefined;
    let bytes = 0;
    const counts = { total: 0, added: 0, seriesAdded: 0 };
    if (this.shared.forcedError) err = this.shared.forcedError;
    else {
      try {
        const res = await client.scrape(this.target.url, this.target.timeoutMs, this.body, signal);
        bytes = res.body.length;
        await this.append(res.body, res.contentType, ts, counts, signal);
      } catch (e) {
        err = (e as Error).message;
      }
      this.body.shrink();
    }
    if (signal.aborted && err !== undefined) return;
    if (err !== undefined) {
      // As Prometheus: drop what was parsed and mark every series of the last scrape stale.
      b.reset();
      for (let i = 0; i < this.prevN; i++) b.add(this.prev[i] as number, ts, STALE_NAN);
      this.prevN = 0;
      this.iter++;
    }
    const duration = (Date.now() - start) / 1000;
    const r = this.reportRefs;
    b.add(r[0] as number, ts, err === undefined ? 1 : 0);
    b.add(r[1] as number, ts, duration);
    b.add(r[2] as number, ts, counts.total);
    b.add(r[3] as number, ts, counts.added);
    b.add(r[4] as number, ts, counts.seriesAdded);
    if (args.extra_metrics) {
      b.add(r[5] as number, ts, this.target.timeoutMs / 1000);
      b.add(r[6] as number, ts, args.sample_limit);
      b.add(r[7] as number, ts, err === undefined ? bytes : -1);
    }
    this.scrapes++;
    this.health = err === undefined ? "up" : "down";
    this.lastError = err ?? "";
    this.lastScrape = new Date(start);
    this.lastDurationMs = Date.now() - start;
    try {
      await appendToAll(this.shared.receivers, b.build());
    } catch (e) {
      this.lastError ||= `appending to receivers: ${(e as Error).message}`;
    }
    b.reset();
  }

  private async append(
    body: Buffer,
    contentType: string,
    ts: number,
    counts: { total: number; added: number; seriesAdded: number },
    signal: AbortSignal,
  ): Promise<void> {
    const a = this.shared.args;
    let format: ExpositionFormat | undefined = formatFromContentType(contentType);
    if (format === undefined) {
      format = PROTOCOL_FORMAT[a.scrape_fallback_protocol];
      if (format === undefined)
        throw new Error(
          `received unsupported Content-Type ${JSON.stringify(contentType)} and no fallback_scrape_protocol specified for target`,
        );
    }
    const p = createParser(body, format);
    // Text parsers expose the key's byte range: hash it in place, no string per sample.
    const tp = typeof (p as Partial<TextParserBase>).seriesKeyStart === "function" ? (p as TextParserBase) : undefined;
    const bytes = tp?.body();
    const b = this.builder;
    const table = b.series;
    const iter = ++this.iter;
    const honorTs = a.honor_timestamps;
    const trackTsStale = a.track_timestamps_staleness;
    const sampleLimit = a.sample_limit;
    const cache = this.cache;
    this.curN = 0;
    let keysSeen = 0;
    let sinceCheck = 0;
    let sliceStart = performance.now();
    for (;;) {
      if (++sinceCheck === SLICE_CHECK) {
        sinceCheck = 0;
        const now = performance.now();
        if (now - sliceStart > SLICE_MS) {
          await yieldToLoop();
          if (signal.aborted) throw new Error("scrape cancelled");
          sliceStart = performance.now();
        }
      }
      const e = p.next();
      if (e === "eof") break;
      if (e === "series" || e === "histogram") {
        counts.total++;
        let klen: number;
        if (tp !== undefined) {
          const ks = tp.seriesKeyStart();
          const ke = tp.seriesKeyEnd();
          hashKeyBytes(bytes as Uint8Array, ks, ke);
          klen = ke - ks;
        } else {
          const key = p.seriesKey();
          hashKeyString(key);
          klen = key.length;
        }
        const h1 = keyHash.h1;
        const h2 = keyHash.h2;
        let ref = cache.get(h1, h2, klen);
        if (ref < 0) {
          const lset = this.mutate(p.labels());
          this.checkLimits(lset);
          ref = table.intern(lset);
          cache.set(h1, h2, klen, ref);
          counts.seriesAdded++;
        }
        keysSeen++;
        if (ref >= this.lastSeen.length) this.lastSeen = growInt32(this.lastSeen, ref + 1);
        if (this.lastSeen[ref] === iter) continue; // duplicate series in one body: ignored, as Prometheus
        this.lastSeen[ref] = iter;
        const parsedTs = p.timestamp();
        const t = honorTs && parsedTs !== undefined ? parsedTs : ts;
        if (e === "series") b.add(ref, t, p.value());
        else b.addHistogram(ref, t, p.histogram());
        const ex = p.exemplar();
        if (ex) b.addExemplar(ref, ex.labels, ex.value, ex.timestamp ?? t);
        if (parsedTs === undefined || trackTsStale) {
          if (this.curN === this.cur.length) this.cur = growU32(this.cur, this.curN + 1);
          this.cur[this.curN++] = ref;
        }
        counts.added++;
        if (sampleLimit > 0 && counts.added > sampleLimit) throw new LimitError("sample limit exceeded");
      } else if (e === "type" || e === "help" || e === "unit") {
        this.noteMetadata(e, p.metricFamily(), e === "type" ? p.metricType() : e === "help" ? p.help() : p.unit());
      }
    }
    // Series of the previous scrape not seen now: stale.
    for (let i = 0; i < this.prevN; i++) {
      const ref = this.prev[i] as number;
      if (this.lastSeen[ref] !== iter) b.add(ref, ts, STALE_NAN);
    }
    const tmp = this.prev;
    this.prev = this.cur;
    this.prevN = this.curN;
    this.cur = tmp;
    this.curN = 0;
    this.flushMetadata();
    // Cache: forget keys not seen in this (successful) scrape, as Prometheus's iterDone.
    if (cache.size > keysSeen) {
      const seen = this.lastSeen;
      cache.retain((ref) => seen[ref] === iter);
      if (table.size > 2 * cache.size + 1024) this.rotateTable();
    }
  }

  private pendingMeta: MetricMetadata[] = [];

  private noteMetadata(kind: "type" | "help" | "unit", family: string, value: string): void {
    let m = this.meta.get(family);
    if (m === undefined) {
      m = { family, type: "unknown", help: "", unit: "" };
      this.meta.set(family, m);
    }
    const field = kind === "type" ? "type" : kind;
    if (m[field] !== value) {
      const next = { ...m, [field]: value } as MetricMetadata;
      this.meta.set(family, next);
      this.pendingMeta.push(next);
    }
  }

  private flushMetadata(): void {
    if (this.pendingMeta.length === 0) return;
    const seen = new Set<string>();
    for (let i = this.pendingMeta.length - 1; i >= 0; i--) {
      const m = this.pendingMeta[i] as MetricMetadata;
      if (seen.has(m.family)) continue;
      seen.add(m.family);
      this.builder.addMetadata(this.meta.get(m.family) as MetricMetadata);
    }
    this.pendingMeta = [];
  }

  /** Starts a new series table holding only live series (the old one is append-only). */
  private rotateTable(): void {
    const old = this.builder.series;
    const table = new SeriesTable();
    const remap = new Map<number, number>();
    const map = (ref: number) => {
      let n = remap.get(ref);
      if (n === undefined) {
        n = table.intern(old.labels(ref));
        remap.set(ref, n);
      }
      return n;
    };
    const seen = new Int32Array(Math.max(256, this.cache.size * 2)).fill(-1);
    this.cache.remap((ref) => {
      const n = map(ref);
      seen[n] = this.lastSeen[ref] as number;
      return n;
    });
    for (let i = 0; i < this.prevN; i++) this.prev[i] = map(this.prev[i] as number);
    this.lastSeen = seen;
    this.builder = new MetricsBatchBuilder(table);
    this.internReport();
  }

  /** Adds the target labels to a scraped label set (honor_labels semantics). */
  private mutate(scraped: Labels): Labels {
    const t = this.target.labels;
    if (this.shared.args.honor_labels) {
      const pairs = t.slice();
      for (let i = 0; i < scraped.length; i++) pairs.push(internString(scraped[i] as string));
      return labelsFromPairs(pairs);
    }
    const pairs: string[] = [];
    for (let i = 0; i < scraped.length; i += 2) {
      let name = scraped[i] as string;
      if (labelValue(t, name) !== "") {
        name = `exported_${name}`;
        while (labelValue(t, name) !== "" || labelValue(scraped, name) !== "") name = `exported_${name}`;
      }
      pairs.push(internString(name), internString(scraped[i + 1] as string));
    }
    for (let i = 0; i < t.length; i++) pairs.push(t[i] as string);
    return labelsFromPairs(pairs);
  }

  private checkLimits(l: Labels): void {
    const a = this.shared.args;
    const met = labelValue(l, "__name__").slice(0, 50);
    const n = l.length >> 1;
    if (a.label_limit > 0 && n > a.label_limit)
      throw new LimitError(`label_limit exceeded (metric: ${met}, number of labels: ${n}, limit: ${a.label_limit})`);
    if (a.label_name_length_limit === 0 && a.label_value_length_limit === 0) return;
    for (let i = 0; i < l.length; i += 2) {
      const name = l[i] as string;
      const value = l[i + 1] as string;
      const nl = Buffer.byteLength(name);
      if (a.label_name_length_limit > 0 && nl > a.label_name_length_limit)
        throw new LimitError(
          `label_name_length_limit exceeded (metric: ${met}, label name: ${name.slice(0, 50)}, length: ${nl}, limit: ${a.label_name_length_limit})`,
        );
      const vl = Buffer.byteLength(value);
      if (a.label_value_length_limit > 0 && vl > a.label_value_length_limit)
        throw new LimitError(
          `label_value_length_limit exceeded (metric: ${met}, label name: ${name.slice(0, 50)}, value: ${JSON.stringify(value.slice(0, 50))}, length: ${vl}, limit: ${a.label_value_length_limit})`,
        );
    }
  }
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
