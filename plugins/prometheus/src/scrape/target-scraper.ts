// The per-target scrape core, after Prometheus's scrapeLoop minus the storage: fetches a
// target, parses the body through a per-target series cache keyed by a 64-bit hash of
// the series key bytes (cache.ts; labels() only on a miss), tracks staleness and builds
// the report series. It knows no SeriesTable: series are numbered by target-local ids
// and a scrape returns a columnar ScrapeResult (typed arrays of ids, timestamps and
// values, label sets only for ids new to the target). The same class runs in process
// (loop.ts applies the result directly) and in a scrape worker (scrape-worker.ts sends
// the result over with transferable buffers); loop.ts maps local ids to series refs.
// A long body is parsed in slices of at most ~SLICE_MS, yielding in between, so one big
// target cannot stall the rest of its event loop.
import {
  growTypedArray,
  LabelBytesWriter,
  type Labels,
  labelsFromPairs,
  labelValue,
  type MetricMetadata,
  MetricsBatchBuilder,
  type NativeHistogramColumns,
  SeriesTable,
  STALE_NAN,
} from "@ingot/sdk";
import type { ExpositionFormat } from "../expfmt/parser.js";
import type { TextParserBase } from "../expfmt/textbase.js";
import type { ScrapeArguments } from "./args.js";
import { hashKeyBytes, hashKeyString, keyHash, SeriesCache } from "./cache.js";
import { acquireBody, type BodyBuffer, releaseBody } from "./http.js";
import { createParser, formatFromContentType, PROTOCOL_FORMAT } from "./parse.js";

/** Longest stretch of parsing between yields to the event loop, in ms. */
export const SLICE_MS = 5;
/** Entries parsed between checks of the clock. */
const SLICE_CHECK = 2048;

/** The scrape arguments the core reads (structured-cloneable: no receivers). */
export type ScrapeCoreArgs = Omit<ScrapeArguments, "forward_to" | "targets">;

/** What fetches a body (ScrapeClient, or a stub in tests). */
export interface BodySource {
  scrape(
    url: URL,
    timeoutMs: number,
    buf: BodyBuffer,
    signal: AbortSignal,
  ): Promise<{ contentType: string; body: Buffer }>;
}

/** A target as the core needs it (structured-cloneable). */
export interface CoreTarget {
  url: string;
  timeoutMs: number;
  /** Target labels (flat sorted pairs) added to every series. */
  labels: Labels;
}

/** Exemplars of a result; ids are target-local. */
export interface ResultExemplars {
  length: number;
  ids: Uint32Array;
  labels: Labels[];
  values: Float64Array;
  timestamps: Float64Array;
}

/**
 * One scrape's outcome. Samples [0, length) are (ids[i], timestamps[i], values[i]);
 * the last `nReport` of them are the report series (up, scrape_duration_seconds, ...:
 * their ids are meaningless, the applier puts its report refs there). Samples
 * [staleStart, staleEnd) are stale markers of series that vanished.
 */
export interface ScrapeResult {
  err: string | undefined;
  startMs: number;
  durationMs: number;
  length: number;
  ids: Uint32Array;
  timestamps: Float64Array;
  values: Float64Array;
  nReport: number;
  staleStart: number;
  staleEnd: number;
  /**
   * Ids first seen in this scrape and their label sets (target labels applied) in byte
   * form (@ingot/sdk label-bytes), concatenated: set k is newLabels[newLabelEnds[k-1], newLabelEnds[k]).
   */
  newIds: number[];
  newLabels: Uint8Array;
  newLabelEnds: number[];
  exemplars?: ResultExemplars;
  /** refs are target-local ids. */
  histograms?: NativeHistogramColumns;
  metadata?: MetricMetadata[];
  /**
   * After this result's samples: ids were renumbered; compact[newId] = oldId. Series
   * whose id is not listed were forgotten.
   */
  compact?: Int32Array;
  /** The cache was started afresh before this scrape: an id in the stale range may name a series also scraped now. */
  recheckStale: boolean;
}

const NO_BYTES = new Uint8Array(0);
/** Encodes new series' label sets (one per thread; the output is copied at once). */
const labelWriter = new LabelBytesWriter();

const REPORT_COUNT_EXTRA = 8;
const REPORT_COUNT = 5;

class LimitError extends Error {}

/** `a`, or a copy at least `need` long (doubling), new entries -1. */
export function growInt32(a: Int32Array, need: number): Int32Array {
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

// Batches are built with target-local ids in place of refs; the table is never used.
const NO_TABLE = new SeriesTable();

export class TargetScraper {
  private readonly builder = new MetricsBatchBuilder(NO_TABLE);
  /** Series key (hashed) -> local id. */
  private readonly cache = new SeriesCache();
  private nextId = 0;
  /** Per id: the iteration that last saw it (-1 never). */
  private lastSeen: Int32Array = new Int32Array(256).fill(-1);
  private iter = 0;
  /** Ids tracked for staleness in the previous / current scrape. */
  private prev: Uint32Array = new Uint32Array(256);
  private prevN = 0;
  private cur: Uint32Array = new Uint32Array(256);
  private curN = 0;
  private readonly meta = new Map<string, MetricMetadata>();
  private pendingMeta: MetricMetadata[] = [];
  private newIds: number[] = [];
  /** New series' label sets in byte form: encoded at once, so the arrays die young. */
  private newLabels: Uint8Array = NO_BYTES;
  private newLabelsLen = 0;
  private newLabelEnds: number[] = [];
  private cleared = false;
  private readonly url: URL;

  constructor(
    private readonly target: CoreTarget,
    private args: ScrapeCoreArgs,
  ) {
    this.url = new URL(target.url);
  }

  /** New arguments; limits and label handling decide what the cache holds: start it afresh when they change. */
  setArgs(a: ScrapeCoreArgs): void {
    const old = this.args;
    this.args = a;
    if (
      old.honor_labels !== a.honor_labels ||
      old.label_limit !== a.label_limit ||
      old.label_name_length_limit !== a.label_name_length_limit ||
      old.label_value_length_limit !== a.label_value_length_limit
    ) {
      this.cache.clear();
      this.cleared = true;
    }
  }

  /** The ids of the last successful scrape's series (for staleness markers on removal). */
  lastIds(): Uint32Array {
    return this.prev.slice(0, this.prevN);
  }

  /** Number of report series a result carries. */
  reportCount(): number {
    return this.args.extra_metrics ? REPORT_COUNT_EXTRA : REPORT_COUNT;
  }

  /**
   * One scrape. The result's arrays are views over this scraper's buffers, valid until
   * the next call (a worker copies them out). With forcedError set, nothing is fetched.
   */
  async scrape(client: BodySource, signal: AbortSignal, forcedError?: string): Promise<ScrapeResult> {
    const args = this.args;
    const start = Date.now();
    const ts = start;
    const b = this.builder;
    b.reset();
    this.newIds = [];
    this.newLabels = NO_BYTES;
    this.newLabelsLen = 0;
    this.newLabelEnds = [];
    const recheckStale = this.cleared;
    this.cleared = false;
    let err: string | undefined;
    let bytes = 0;
    const counts = { total: 0, added: 0, seriesAdded: 0 };
    let staleStart = 0;
    let staleEnd = 0;
    let compact: Int32Array | undefined;
    if (forcedError) err = forcedError;
    else {
      const body = acquireBody();
      try {
        const res = await client.scrape(this.url, this.target.timeoutMs, body, signal);
        bytes = res.body.length;
        const r = await this.append(res.body, res.contentType, ts, counts, signal);
        staleStart = r.staleStart;
        staleEnd = b.length;
        compact = r.compact;
      } catch (e) {
        err = (e as Error).message;
      } finally {
        releaseBody(body);
      }
    }
    if (err !== undefined) {
      // As Prometheus: drop what was parsed and mark every series of the last scrape stale.
      // Series first seen before the error stay known (the cache holds their ids).
      b.reset();
      compact = undefined;
      for (let i = 0; i < this.prevN; i++) b.add(this.prev[i] as number, ts, STALE_NAN);
      staleStart = 0;
      staleEnd = b.length;
      this.prevN = 0;
      this.iter++;
    }
    const durationMs = Date.now() - start;
    b.add(0, ts, err === undefined ? 1 : 0);
    b.add(0, ts, durationMs / 1000);
    b.add(0, ts, counts.total);
    b.add(0, ts, counts.added);
    b.add(0, ts, counts.seriesAdded);
    if (args.extra_metrics) {
      b.add(0, ts, this.target.timeoutMs / 1000);
      b.add(0, ts, args.sample_limit);
      b.add(0, ts, err === undefined ? bytes : -1);
    }
    const batch = b.build();
    const result: ScrapeResult = {
      err,
      startMs: start,
      durationMs,
      length: batch.length,
      ids: batch.refs,
      timestamps: batch.timestamps,
      values: batch.values,
      nReport: this.reportCount(),
      staleStart,
      staleEnd,
      newIds: this.newIds,
      newLabels: this.newLabels.subarray(0, this.newLabelsLen),
      newLabelEnds: this.newLabelEnds,
      recheckStale: recheckStale && err === undefined,
    };
    if (batch.exemplars) {
      const e = batch.exemplars;
      result.exemplars = {
        length: e.length,
        ids: e.refs,
        labels: e.labels,
        values: e.values,
        timestamps: e.timestamps,
      };
    }
    if (batch.histograms) result.histograms = batch.histograms;
    if (batch.metadata) result.metadata = batch.metadata;
    if (compact) result.compact = compact;
    return result;
  }

  private async append(
    body: Buffer,
    contentType: string,
    ts: number,
    counts: { total: number; added: number; seriesAdded: number },
    signal: AbortSignal,
  ): Promise<{ staleStart: number; compact: Int32Array | undefined }> {
    const a = this.args;
    let format: ExpositionFormat | undefined = formatFromContentType(contentType);
    if (format === undefined) {
      format = PROTOCOL_FORMAT[a.scrape_fallback_protocol];
      if (format === undefined)
        throw new Error(
          `received unsupported Content-Type ${JSON.stringify(contentType)} and no fallback_scrape_protocol specified for target`,
        );
    }
    const p = createParser(body, format, { classicHistograms: a.scrape_classic_histograms });
    // Text parsers expose the key's byte range: hash it in place, no string per sample.
    const tp = typeof (p as Partial<TextParserBase>).seriesKeyStart === "function" ? (p as TextParserBase) : undefined;
    const bytes = tp?.body();
    const b = this.builder;
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
        let id = cache.get(h1, h2, klen);
        if (id < 0) {
          const lset = this.mutate(p.labels());
          this.checkLimits(lset);
          id = this.nextId++;
          cache.set(h1, h2, klen, id);
          this.newIds.push(id);
          this.addNewLabels(lset);
          counts.seriesAdded++;
        }
        keysSeen++;
        if (id >= this.lastSeen.length) this.lastSeen = growInt32(this.lastSeen, id + 1);
        if (this.lastSeen[id] === iter) continue; // duplicate series in one body: ignored, as Prometheus
        this.lastSeen[id] = iter;
        const parsedTs = p.timestamp();
        const t = honorTs && parsedTs !== undefined ? parsedTs : ts;
        if (e === "series") b.add(id, t, p.value());
        else b.addHistogram(id, t, p.histogram());
        const ex = p.exemplar();
        if (ex) b.addExemplar(id, ex.labels, ex.value, ex.timestamp ?? t);
        if (parsedTs === undefined || trackTsStale) {
          if (this.curN === this.cur.length) this.cur = growU32(this.cur, this.curN + 1);
          this.cur[this.curN++] = id;
        }
        counts.added++;
        if (sampleLimit > 0 && counts.added > sampleLimit) throw new LimitError("sample limit exceeded");
      } else if (e === "type" || e === "help" || e === "unit") {
        this.noteMetadata(e, p.metricFamily(), e === "type" ? p.metricType() : e === "help" ? p.help() : p.unit());
      }
    }
    // Series of the previous scrape not seen now: stale.
    const staleStart = b.length;
    for (let i = 0; i < this.prevN; i++) {
      const id = this.prev[i] as number;
      if (this.lastSeen[id] !== iter) b.add(id, ts, STALE_NAN);
    }
    const tmp = this.prev;
    this.prev = this.cur;
    this.prevN = this.curN;
    this.cur = tmp;
    this.curN = 0;
    this.flushMetadata();
    // Cache: forget keys not seen in this (successful) scrape, as Prometheus's iterDone.
    let compact: Int32Array | undefined;
    if (cache.size > keysSeen) {
      const seen = this.lastSeen;
      cache.retain((id) => seen[id] === iter);
      if (this.nextId > 2 * cache.size + 1024) compact = this.compact();
    }
    return { staleStart, compact };
  }

  /** Renumbers the live ids 0..n-1 (the id space is append-only otherwise); returns new -> old. */
  private compact(): Int32Array {
    const newToOld = new Int32Array(this.cache.size);
    const oldToNew = new Int32Array(this.nextId).fill(-1);
    let n = 0;
    this.cache.remap((old) => {
      let id = oldToNew[old] as number;
      if (id < 0) {
        id = n++;
        oldToNew[old] = id;
        newToOld[id] = old;
      }
      return id;
    });
    const seen = new Int32Array(Math.max(256, n * 2)).fill(-1);
    for (let i = 0; i < n; i++) seen[i] = this.lastSeen[newToOld[i] as number] as number;
    let k = 0;
    for (let i = 0; i < this.prevN; i++) {
      const id = oldToNew[this.prev[i] as number] as number;
      if (id >= 0) this.prev[k++] = id;
    }
    this.prevN = k;
    this.lastSeen = seen;
    this.nextId = n;
    return n === newToOld.length ? newToOld : newToOld.slice(0, n);
  }

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

  private addNewLabels(lset: Labels): void {
    const enc = labelWriter.encode(lset);
    const need = this.newLabelsLen + enc.length;
    this.newLabels = growTypedArray(this.newLabels, need);
    this.newLabels.set(enc, this.newLabelsLen);
    this.newLabelsLen = need;
    this.newLabelEnds.push(need);
  }

  /** Adds the target labels to a scraped label set (honor_labels semantics). */
  private mutate(scraped: Labels): Labels {
    const t = this.target.labels;
    if (this.args.honor_labels) {
      const pairs = t.slice();
      for (let i = 0; i < scraped.length; i++) pairs.push(scraped[i] as string);
      return labelsFromPairs(pairs);
    }
    const pairs: string[] = [];
    for (let i = 0; i < scraped.length; i += 2) {
      let name = scraped[i] as string;
      if (labelValue(t, name) !== "") {
        name = `exported_${name}`;
        while (labelValue(t, name) !== "" || labelValue(scraped, name) !== "") name = `exported_${name}`;
      }
      pairs.push(name, scraped[i + 1] as string);
    }
    for (let i = 0; i < t.length; i++) pairs.push(t[i] as string);
    return labelsFromPairs(pairs);
  }

  private checkLimits(l: Labels): void {
    const a = this.args;
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
