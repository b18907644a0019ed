// One endpoint's queue: reads records from the WAL (not from memory), spreads samples
// over shards by series (so each series keeps its order), and each shard sends batches
// of up to max_samples_per_send or after batch_send_deadline, retrying with exponential
// backoff. The number of shards follows Prometheus's queue_manager: every 10s the
// desired count is computed from the incoming and outgoing rates and the backlog.
// Delivery progress is tracked per WAL record: once every sample of a record is sent
// (or dropped), the "delivered up to" position moves past it.

import { abortableSleep, ByteStore, type Labels, type MetricMetadata } from "@ingot/sdk";
import { type RelabelRule, relabelLabels } from "@ingot/sdk/relabel";
import { compressSync } from "snappy";
import {
  encodeLabelFields,
  ProtoWriter,
  writeMessageSeries,
  writeMetadata,
  writeSampleSeriesFrom,
} from "../prompb/index.js";
import { createSender, type EndpointHttpConfig, type HttpResult, USER_AGENT } from "./http.js";
import type { QueueMetrics } from "./metrics.js";
import {
  Cursor,
  REC_EXEMPLARS,
  REC_HISTOGRAMS,
  REC_SAMPLES,
  SegmentReader,
  type Wal,
  type WalPosition,
} from "./wal.js";

export interface QueueConfig {
  capacity: number;
  min_shards: number;
  max_shards: number;
  max_samples_per_send: number;
  batch_send_deadline: number;
  min_backoff: number;
  max_backoff: number;
  retry_on_http_429: boolean;
  sample_age_limit: number;
}

export interface MetadataConfig {
  send: boolean;
  send_interval: number;
  max_samples_per_send: number;
}

export interface EndpointConfig extends EndpointHttpConfig {
  name: string;
  send_exemplars: boolean;
  send_native_histograms: boolean;
  queue_config: QueueConfig;
  metadata_config: MetadataConfig;
}

const KIND_SAMPLE = 0;
const KIND_EXEMPLAR = 1;
const KIND_HISTOGRAM = 2;
/** Prometheus's shardUpdateDuration. */
export const SHARD_UPDATE_MS = 10_000;

const HEADERS = {
  "Content-Encoding": "snappy",
  "Content-Type": "application/x-protobuf",
  "User-Agent": USER_AGENT,
  "X-Prometheus-Remote-Write-Version": "0.1.0",
};

class Shard {
  n = 0;
  head = 0;
  refs = new Uint32Array(256);
  ts = new Float64Array(256);
  lo = new Uint32Array(256);
  hi = new Uint32Array(256);
  seq = new Uint32Array(256);
  kind = new Uint8Array(256);
  blobs: (Uint8Array | undefined)[] = [];
  firstAt = 0;
  inFlight: Promise<void> | undefined;
  private wake?: () => void;

  get count(): number {
    return this.n - this.head;
  }

  push(ref: number, ts: number, lo: number, hi: number, seq: number, kind: number, blob: Uint8Array | undefined): void {
    if (this.n === this.refs.length) this.grow();
    const i = this.n++;
    this.refs[i] = ref;
    this.ts[i] = ts;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.seq[i] = seq;
    this.kind[i] = kind;
    if (blob !== undefined || this.blobs.length > i) this.blobs[i] = blob;
    if (i === this.head) this.firstAt = Date.now();
  }

  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  waitFor(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(t);
        signal.removeEventListener("abort", finish);
        this.wake = undefined;
        resolve();
      };
      t = setTimeout(finish, ms);
      this.wake = finish;
      signal.addEventListener("abort", finish, { once: true });
    });
  }

  /** Drops the sent prefix; called only when nothing is in flight. */
  compact(): void {
    if (this.head === 0) return;
    const h = this.head;
    const c = this.n - h;
    this.refs.copyWithin(0, h, this.n);
    this.ts.copyWithin(0, h, this.n);
    this.lo.copyWithin(0, h, this.n);
    this.hi.copyWithin(0, h, this.n);
    this.seq.copyWithin(0, h, this.n);
    this.kind.copyWithin(0, h, this.n);
    if (this.blobs.length > 0) this.blobs = this.blobs.slice(h, this.n);
    this.n = c;
    this.head = 0;
  }

  private grow(): void {
    const size = this.refs.length * 2;
    const g = <T extends Uint32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.refs = g(this.refs);
    this.ts = g(this.ts);
    this.lo = g(this.lo);
    this.hi = g(this.hi);
    this.seq = g(this.seq);
    this.kind = g(this.kind);
  }
}

/** An encoded request and what it holds. */
interface Batch {
  body: Uint8Array;
  total: number;
  ns: number;
  ne: number;
  nh: number;
  /** Entries left out as older than sample_age_limit. */
  tooOld: number;
  maxTs: number;
}

const EMPTY = new Uint8Array(0);
/**
 * Copy snappy's output into a V8-allocated Buffer: the addon's own buffer is then freed at
 * once on this thread and reused by its allocator, instead of living until a GC.
 */
const COPY_OUT = { copyOutputData: true };

class Ewma {
  private rate = 0;
  private init = false;
  private pending = 0;
  add(n: number): void {
    this.pending += n;
  }
  tick(intervalS: number): void {
    const instant = this.pending / intervalS;
    this.pending = 0;
    if (this.init) this.rate += 0.2 * (instant - this.rate);
    else {
      this.rate = instant;
      this.init = true;
    }
  }
  get value(): number {
    return this.rate;
  }
}

export interface EndpointDebug {
  name: string;
  url: string;
  shards: number;
  desired_shards: number;
  pending_samples: number;
  read_position: string;
  delivered_position: string;
  samples_sent: number;
  samples_failed: number;
  samples_retried: number;
  samples_dropped: number;
  last_error: string;
  last_error_time: string;
  last_send_time: string;
}

export class EndpointQueue {
  readonly cfg: EndpointConfig;
  private readonly wal: Wal;
  private readonly external: Labels;
  private readonly rules: RelabelRule[];
  private readonly m: QueueMetrics;
  private readonly log: (level: "debug" | "info" | "warn" | "error", msg: string, f?: Record<string, unknown>) => void;
  private readonly sender: ReturnType<typeof createSender>;
  /**
   * One request buffer for every shard: a request is encoded and compressed in one
   * synchronous step, so shards never share it mid-use. Snappy runs on this thread on
   * purpose: its async form runs on libuv's pool, where the addon's allocator (mimalloc)
   * kept ~100 MiB of freed request buffers resident at 100k samples/s.
   */
  private readonly writer = new ProtoWriter(1 << 16);
  private readonly reader: SegmentReader;
  private readPos: WalPosition;
  /** Everything before this position is delivered. */
  delivered: WalPosition;
  // Records dispatched and not yet fully delivered, oldest first.
  private recBase = 0;
  private recHead = 0;
  private recRemaining: number[] = [];
  private recEndSeg: number[] = [];
  private recEndOff: number[] = [];
  /**
   * The encoded label fields to send, by WAL ref. Without write_relabel_config and
   * external_labels they are the WAL's own (no copy); otherwise each series' relabelled
   * labels are encoded once into this endpoint's store.
   * len: 0 not encoded yet (or gone), -1 not sent (relabelled away or empty), > 0 encoded.
   */
  private readonly labelCache: ByteStore;
  private readonly sharesWalLabels: boolean;
  private shards: Shard[] = [];
  private numShards: number;
  private desiredShards: number;
  private resharding = false;
  private readonly shardUpdateMs: number;
  private readonly abort = new AbortController();
  private pumping = false;
  private loops: Promise<void>[] = [];
  private readonly samplesIn = new Ewma();
  private readonly samplesOut = new Ewma();
  private readonly sendDuration = new Ewma();
  private readonly samplesDroppedRate = new Ewma();
  private highestSentTs = 0;
  private lastSendOk = Date.now();
  private unsubscribe?: () => void;
  private timers: NodeJS.Timeout[] = [];
  readonly stats = { sent: 0, failed: 0, retried: 0, dropped: 0, lastError: "", lastErrorTime: 0, lastSendTime: 0 };
  metadataSource: () => MetricMetadata[] = () => [];

  constructor(opts: {
    cfg: EndpointConfig;
    wal: Wal;
    externalLabels: Labels;
    rules: RelabelRule[];
    metrics: QueueMetrics;
    start: WalPosition;
    log: EndpointQueue["log"];
    /** How often the shard count is recomputed (tests use less than Prometheus's 10s). */
    shardUpdateMs?: number;
  }) {
    this.shardUpdateMs = opts.shardUpdateMs ?? SHARD_UPDATE_MS;
    this.cfg = opts.cfg;
    this.wal = opts.wal;
    this.external = opts.externalLabels;
    this.rules = opts.rules;
    this.sharesWalLabels = opts.rules.length === 0 && opts.externalLabels.length === 0;
    this.labelCache = this.sharesWalLabels ? opts.wal.series.store : new ByteStore();
    this.m = opts.metrics;
    this.log = opts.log;
    this.sender = createSender(opts.cfg);
    this.reader = new SegmentReader(opts.wal.dir);
    this.readPos = { ...opts.start };
    this.delivered = { ...opts.start };
    this.numShards = opts.cfg.queue_config.min_shards;
    this.desiredShards = this.numShards;
  }

  start(): void {
    this.m.shardsMin.set(this.cfg.queue_config.min_shards);
    this.m.shardsMax.set(this.cfg.queue_config.max_shards);
    this.startShards(this.numShards);
    this.unsubscribe = this.wal.onAppend(() => this.pump());
    const upd = setInterval(() => this.updateShards(), this.shardUpdateMs);
    upd.unref();
    this.timers.push(upd);
    if (this.cfg.metadata_config.send) {
      const md = setInterval(() => void this.sendMetadata(), this.cfg.metadata_config.send_interval);
      md.unref();
      this.timers.push(md);
    }
    this.pump();
  }

  /** Stops sending; what is not delivered stays in the WAL. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    for (const s of this.shards) s.notify();
    await Promise.allSettled(this.loops);
    this.reader.close();
    this.sender.close();
  }

  private startShards(n: number): void {
    this.shards = [];
    this.loops = [];
    for (let i = 0; i < n; i++) {
      const s = new Shard();
      this.shards.push(s);
      this.loops.push(this.runShard(s));
    }
    this.numShards = n;
    this.m.shards.set(n);
  }

  pending(): number {
    let p = 0;
    for (const s of this.shards) p += s.count;
    return p;
  }

  /** Reads WAL records into the shards while there is room. */
  pump(): void {
    if (this.pumping || this.resharding || this.abort.signal.aborted) return;
    this.pumping = true;
    try {
      const limit = this.cfg.queue_config.capacity * this.numShards;
      let pending = this.pending();
      while (pending < limit) {
        const end = this.wal.end();
        const pos = this.readPos;
        let size = pos.seg === end.seg ? end.off : this.wal.segmentSizeOf(pos.seg);
        if (size < 0) {
          // The segment was deleted (max_keepalive_time) or never existed: skip ahead.
          const next = this.wal.nextSegment(pos.seg);
          if (next < 0) break;
          this.skipTo({ seg: next, off: 0 });
          continue;
        }
        if (pos.off >= size) {
          if (pos.seg === end.seg) break;
          const next = this.wal.nextSegment(pos.seg);
          if (next < 0) break;
          this.skipTo({ seg: next, off: 0 });
          continue;
        }
        const rec = this.reader.next(pos.seg, pos.off, size);
        if (rec === null) {
          // Corrupt tail of a closed segment: move on.
          this.log("warn", "skipping unreadable WAL data", { segment: pos.seg, offset: pos.off });
          size = -1;
          const next = this.wal.nextSegment(pos.seg);
          if (next < 0) break;
          this.skipTo({ seg: next, off: 0 });
          continue;
        }
        const seq = this.recBase + this.recRemaining.length;
        const count = this.dispatch(rec.type, rec.buf, rec.start, rec.end, seq);
        this.recRemaining.push(count);
        this.recEndSeg.push(pos.seg);
        this.recEndOff.push(rec.next);
        this.readPos = { seg: pos.seg, off: rec.next };
        pending += count;
        if (count === 0) this.advance();
      }
      this.m.pending.set(pending);
    } finally {
      this.pumping = false;
    }
    for (const s of this.shards) if (s.count >= this.cfg.queue_config.max_samples_per_send) s.notify();
  }

  private skipTo(p: WalPosition): void {
    // A marker record with nothing to deliver keeps the delivered position moving.
    this.recRemaining.push(0);
    this.recEndSeg.push(p.seg);
    this.recEndOff.push(p.off);
    this.readPos = p;
    this.advance();
  }

  /** Encodes (once) a series' label fields into the arena; false when it is not sent. */
  private labelsFor(ref: number): boolean {
    const c = this.labelCache;
    const n = ref < c.len.length ? (c.len[ref] as number) : 0;
    if (n !== 0 || this.sharesWalLabels) return n > 0;
    const labels = this.wal.series.labels(ref);
    // No labels: the definition was lost (corruption) or the series was garbage-collected.
    let enc: Uint8Array | null = null;
    if (labels !== undefined) {
      const l = relabelLabels(labels, this.rules);
      enc = l === null || l.length === 0 ? null : encodeLabelFields(l, this.external);
    }
    c.put(ref, enc);
    return enc !== null;
  }

  /** Forgets the encoded labels of garbage-collected series. */
  forgetSeries(refs: readonly number[]): void {
    if (!this.sharesWalLabels) this.labelCache.forget(refs);
  }

  /** Highest sample timestamp delivered (ms), 0 before the first send. */
  get highestSentTimestampMs(): number {
    return this.highestSentTs;
  }

  private dispatch(type: number, buf: Uint8Array, s: number, e: number, seq: number): number {
    const r = new Cursor(buf, s, e);
    const n = r.uvarint();
    const shards = this.shards;
    const ns = shards.length;
    let count = 0;
    let dropped = 0;
    if (type === REC_SAMPLES) {
      const base = r.svarint();
      const words = new Uint32Array(2);
      const wb = new Uint8Array(words.buffer);
      for (let i = 0; i < n; i++) {
        const ref = r.uvarint();
        const t = base + r.svarint();
        for (let k = 0; k < 8; k++) wb[k] = buf[r.pos + k] as number;
        r.pos += 8;
        if (!this.labelsFor(ref)) {
          dropped++;
          continue;
        }
        (shards[ref % ns] as Shard).push(ref, t, words[0] as number, words[1] as number, seq, KIND_SAMPLE, undefined);
        count++;
      }
      this.samplesIn.add(n);
    } else if (type === REC_EXEMPLARS || type === REC_HISTOGRAMS) {
      const want = type === REC_EXEMPLARS ? this.cfg.send_exemplars : this.cfg.send_native_histograms;
      for (let i = 0; i < n; i++) {
        const ref = r.uvarint();
        const t = r.double();
        const len = r.uvarint();
        const blob = Uint8Array.prototype.slice.call(buf, r.pos, r.pos + len);
        r.pos += len;
        if (!want) continue;
        if (!this.labelsFor(ref)) {
          dropped++;
          continue;
        }
        const kind = type === REC_EXEMPLARS ? KIND_EXEMPLAR : KIND_HISTOGRAM;
        (shards[ref % ns] as Shard).push(ref, t, 0, 0, seq, kind, blob);
        count++;
      }
      if (want) this.samplesIn.add(n);
    }
    if (dropped > 0) this.drop("dropped_series", dropped);
    return count;
  }

  private drop(reason: string, n: number): void {
    this.stats.dropped += n;
    this.m.dropped(reason).inc(n);
    this.samplesDroppedRate.add(n);
  }

  private complete(seq: number): void {
    const i = seq - this.recBase;
    this.recRemaining[i] = (this.recRemaining[i] as number) - 1;
  }

  private advance(): void {
    let h = this.recHead;
    const rem = this.recRemaining;
    const base = this.recBase;
    let moved = false;
    while (h - base < rem.length && rem[h - base] === 0) {
      this.delivered = { seg: this.recEndSeg[h - base] as number, off: this.recEndOff[h - base] as number };
      h++;
      moved = true;
    }
    this.recHead = h;
    if (moved && h - base > 4096) {
      const k = h - base;
      this.recRemaining = rem.slice(k);
      this.recEndSeg = this.recEndSeg.slice(k);
      this.recEndOff = this.recEndOff.slice(k);
      this.recBase = h;
    }
  }

  private async runShard(s: Shard): Promise<void> {
    const q = this.cfg.queue_config;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const c = s.count;
      if (c === 0 && this.resharding) return;
      const due =
        c > 0 && (c >= q.max_samples_per_send || Date.now() - s.firstAt >= q.batch_send_deadline || this.resharding);
      if (!due) {
        await s.waitFor(
          c > 0 ? Math.max(1, q.batch_send_deadline - (Date.now() - s.firstAt)) : q.batch_send_deadline,
          signal,
        );
        continue;
      }
      s.compact();
      const p = this.sendBatch(s, Math.min(c, q.max_samples_per_send));
      s.inFlight = p;
      await p;
      s.inFlight = undefined;
      this.pump();
    }
  }

  /**
   * Encodes entries [start, end) of a shard into its writer, leaving out those older than
   * cutoff (sample_age_limit), and compresses the request.
   */
  private encodeBatch(s: Shard, start: number, end: number, cutoff: number): Batch {
    const w = this.writer;
    w.reset();
    let nSamples = 0;
    let nEx = 0;
    let nHist = 0;
    let tooOld = 0;
    let maxTs = 0;
    const refs = s.refs;
    const tsA = s.ts;
    const kinds = s.kind;
    const lc = this.labelCache;
    for (let i = start; i < end; i++) {
      const t = tsA[i] as number;
      if (t < cutoff) {
        tooOld++;
        continue;
      }
      const ref = refs[i] as number;
      const chunk = lc.chunkOf(ref);
      const lOff = lc.offsetOf(ref);
      const lLen = lc.len[ref] as number;
      const kind = kinds[i] as number;
      if (kind === KIND_SAMPLE) {
        writeSampleSeriesFrom(w, chunk, lOff, lLen, t, s.lo[i] as number, s.hi[i] as number);
        nSamples++;
      } else {
        const lf = chunk.subarray(lOff, lOff + lLen);
        writeMessageSeries(w, lf, kind === KIND_EXEMPLAR ? 3 : 4, s.blobs[i] as Uint8Array);
        if (kind === KIND_EXEMPLAR) nEx++;
        else nHist++;
      }
      if (t > maxTs) maxTs = t;
    }
    const total = nSamples + nEx + nHist;
    const body = total > 0 ? compressSync(w.bytes(), COPY_OUT) : EMPTY;
    return { body, total, ns: nSamples, ne: nEx, nh: nHist, tooOld, maxTs };
  }

  private ageCutoff(): number {
    const limit = this.cfg.queue_config.sample_age_limit;
    return limit > 0 ? Date.now() - limit : Number.NEGATIVE_INFINITY;
  }

  private async sendBatch(s: Shard, k: number): Promise<void> {
    const start = s.head;
    const end = start + k;
    // As Prometheus's sendSamples, the send time fed to the shard calculation includes
    // building the request (encode + snappy), not only the HTTP exchange.
    const begin = performance.now();
    let b = this.encodeBatch(s, start, end, this.ageCutoff());
    if (b.tooOld > 0) this.drop("too_old", b.tooOld);
    if (b.total > 0) {
      // Before each retry, samples that became older than sample_age_limit are dropped
      // and the request rebuilt without them (as Prometheus's attemptStore does).
      const rebuild =
        this.cfg.queue_config.sample_age_limit > 0
          ? async () => {
              const before = b.tooOld;
              b = this.encodeBatch(s, start, end, this.ageCutoff());
              if (b.tooOld > before) this.drop("too_old", b.tooOld - before);
              return b;
            }
          : undefined;
      const ok = await this.sendWithRetry(b, begin, rebuild);
      if (ok === undefined) return; // stopping: leave the batch queued (it is still in the WAL)
      if (ok && b.total > 0) {
        this.stats.sent += b.ns;
        this.m.samplesTotal.inc(b.ns);
        if (b.ne) this.m.exemplarsTotal.inc(b.ne);
        if (b.nh) this.m.histogramsTotal.inc(b.nh);
        this.m.bytesTotal.inc(b.body.length);
        if (b.maxTs > this.highestSentTs) {
          this.highestSentTs = b.maxTs;
          this.m.highestSent.set(b.maxTs / 1000);
        }
      }
    }
    for (let i = start; i < end; i++) this.complete(s.seq[i] as number);
    if (s.blobs.length > 0) for (let i = start; i < end && i < s.blobs.length; i++) s.blobs[i] = undefined;
    s.head = end;
    this.advance();
    this.m.pending.set(this.pending());
  }

  /** true: delivered (or nothing left after age filtering); false: dropped (non-recoverable); undefined: stopped. */
  private async sendWithRetry(
    batch: Batch,
    begin: number,
    rebuild?: () => Promise<Batch>,
  ): Promise<boolean | undefined> {
    let b = batch;
    const q = this.cfg.queue_config;
    const signal = this.abort.signal;
    let backoff = q.min_backoff;
    // Prometheus counts a batch's samples and its whole send time (retries included) once
    // it is done, delivered or dropped: these feed the shard calculation.
    const done = (ok: boolean): boolean => {
      this.samplesOut.add(b.total);
      this.sendDuration.add((performance.now() - begin) / 1000);
      return ok;
    };
    for (;;) {
      if (signal.aborted) return undefined;
      const t0 = performance.now();
      let res: HttpResult | undefined;
      let err: string | undefined;
      try {
        res = await this.sender.send(b.body, HEADERS);
      } catch (e) {
        err = (e as Error).message;
      }
      const dur = (performance.now() - t0) / 1000;
      this.m.batchDuration.observe(dur);
      if (res && res.status >= 200 && res.status < 300) {
        this.lastSendOk = Date.now();
        this.stats.lastSendTime = Date.now();
        return done(true);
      }
      const recoverable =
        err !== undefined ||
        (res as HttpResult).status >= 500 ||
        ((res as HttpResult).status === 429 && q.retry_on_http_429);
      const msg = err ?? `server returned HTTP status ${res?.status}: ${res?.body.trim()}`;
      this.stats.lastError = msg;
      this.stats.lastErrorTime = Date.now();
      if (!recoverable) {
        this.log("error", "non-recoverable error", { url: this.cfg.url, count: b.total, err: msg });
        this.stats.failed += b.total;
        if (b.ns) this.m.samplesFailed.inc(b.ns);
        if (b.ne) this.m.exemplarsFailed.inc(b.ne);
        if (b.nh) this.m.histogramsFailed.inc(b.nh);
        this.m.dropped("non_recoverable_error").inc(b.total);
        this.stats.dropped += b.total;
        return done(false);
      }
      this.stats.retried += b.total;
      if (b.ns) this.m.samplesRetried.inc(b.ns);
      if (b.ne) this.m.exemplarsRetried.inc(b.ne);
      if (b.nh) this.m.histogramsRetried.inc(b.nh);
      let delay = backoff;
      if (res?.status === 429 && res.retryAfterMs !== undefined) delay = res.retryAfterMs;
      else if (res && res.status >= 500 && res.retryAfterMs !== undefined) delay = Math.max(backoff, res.retryAfterMs);
      // Jitter: up to 10% extra.
      delay = Math.min(delay, Math.max(q.max_backoff, res?.retryAfterMs ?? 0)) * (1 + Math.random() * 0.1);
      this.log("warn", "failed to send batch, retrying", {
        url: this.cfg.url,
        err: msg,
        retry_in_ms: Math.round(delay),
      });
      await abortableSleep(delay, signal);
      backoff = Math.min(backoff * 2, q.max_backoff);
      if (rebuild && !signal.aborted) {
        b = await rebuild();
        if (b.total === 0) return done(true);
      }
    }
  }

  private async sendMetadata(): Promise<void> {
    const md = this.metadataSource();
    if (md.length === 0 || this.abort.signal.aborted) return;
    const per = this.cfg.metadata_config.max_samples_per_send;
    const w = new ProtoWriter(4096);
    for (let i = 0; i < md.length; i += per) {
      w.reset();
      for (const m of md.slice(i, i + per)) writeMetadata(w, m);
      const body = compressSync(w.bytes(), COPY_OUT);
      try {
        const res = await this.sender.send(body, HEADERS);
        if (res.status >= 200 && res.status < 300) this.m.metadataTotal.inc(Math.min(per, md.length - i));
        else {
          this.m.metadataFailed.inc(Math.min(per, md.length - i));
          this.log("warn", "failed to send metadata", { url: this.cfg.url, status: res.status, body: res.body.trim() });
        }
      } catch (e) {
        this.m.metadataFailed.inc(Math.min(per, md.length - i));
        this.log("warn", "failed to send metadata", { url: this.cfg.url, err: (e as Error).message });
      }
      this.m.metadataBytes.inc(body.length);
    }
  }

  /** Prometheus's updateShardsLoop: every interval compute the desired shards, reshard if allowed. */
  private updateShards(): void {
    const intervalS = this.shardUpdateMs / 1000;
    this.samplesIn.tick(intervalS);
    this.samplesOut.tick(intervalS);
    this.sendDuration.tick(intervalS);
    this.samplesDroppedRate.tick(intervalS);
    const r = this.calculateDesiredShards();
    this.desiredShards = r.desired;
    this.m.shardsDesired.set(r.desired);
    if (r.shards === this.numShards || this.resharding) return;
    // Prometheus's shouldReshard: not when nothing was sent successfully since the last check
    // (more shards would only add load to a failing endpoint).
    if (Date.now() - this.lastSendOk > this.shardUpdateMs + this.cfg.queue_config.batch_send_deadline) return;
    void this.reshard(r.shards);
  }

  calculateDesiredShards(): DesiredShards {
    const q = this.cfg.queue_config;
    return computeDesiredShards({
      numShards: this.numShards,
      minShards: q.min_shards,
      maxShards: q.max_shards,
      inRate: this.samplesIn.value,
      outRate: this.samplesOut.value,
      droppedRate: this.samplesDroppedRate.value,
      outDurationRate: this.sendDuration.value,
      highestRecvS: this.wal.highestTimestampMs / 1000,
      highestSentS: this.highestSentTs / 1000,
    });
  }

  /** Waits for in-flight sends, then moves pending samples (in order) to n new shards. */
  async reshard(n: number): Promise<void> {
    if (this.resharding || this.abort.signal.aborted) return;
    this.resharding = true;
    try {
      const old = this.shards;
      for (const s of old) s.notify();
      await Promise.allSettled(this.loops.map((p) => p));
      // The old loops return once their shards are empty or the queue stops; unsent
      // samples of a stopped shard are moved over.
      if (this.abort.signal.aborted) return;
      this.resharding = false;
      this.startShards(n);
      for (const s of old) {
        for (let i = s.head; i < s.n; i++) {
          const ref = s.refs[i] as number;
          (this.shards[ref % n] as Shard).push(
            ref,
            s.ts[i] as number,
            s.lo[i] as number,
            s.hi[i] as number,
            s.seq[i] as number,
            s.kind[i] as number,
            s.blobs[i],
          );
        }
      }
      this.log("info", "resharded", { url: this.cfg.url, shards: n });
    } finally {
      this.resharding = false;
    }
    this.pump();
  }

  debug(): EndpointDebug {
    return {
      name: this.cfg.name,
      url: this.cfg.url,
      shards: this.numShards,
      desired_shards: this.desiredShards,
      pending_samples: this.pending(),
      read_position: `${this.readPos.seg}:${this.readPos.off}`,
      delivered_position: `${this.delivered.seg}:${this.delivered.off}`,
      samples_sent: this.stats.sent,
      samples_failed: this.stats.failed,
      samples_retried: this.stats.retried,
      samples_dropped: this.stats.dropped,
      last_error: this.stats.lastError,
      last_error_time: this.stats.lastErrorTime ? new Date(this.stats.lastErrorTime).toISOString() : "",
      last_send_time: this.stats.lastSendTime ? new Date(this.stats.lastSendTime).toISOString() : "",
    };
  }
}

/** What Prometheus's calculateDesiredShards reads; rates are EWMAs per second. */
export interface ShardInputs {
  numShards: number;
  minShards: number;
  maxShards: number;
  /** Samples read from the WAL per second. */
  inRate: number;
  /** Samples sent (or dropped by a non-recoverable error) per second. */
  outRate: number;
  /** Samples dropped before sending (relabelled away, too old) per second. */
  droppedRate: number;
  /** Seconds spent sending per second (summed over shards, retries included). */
  outDurationRate: number;
  /** Highest timestamp appended to the WAL, in seconds. */
  highestRecvS: number;
  /** Highest timestamp sent, in seconds. */
  highestSentS: number;
}

export interface DesiredShards {
  /** The raw desired number (the prometheus_remote_storage_shards_desired gauge). */
  desired: number;
  /** The shard count to run: numShards when within the tolerance, else clamped to min..max. */
  shards: number;
}

/** Changes smaller than this fraction of the current shard count are ignored. */
export const SHARD_TOLERANCE = 0.3;

/**
 * Prometheus's QueueManager.calculateDesiredShards (storage/remote/queue_manager.go),
 * as a pure function: the time to send one sample times the rate to keep up with plus
 * 5% of the backlog per second; no change within ±30% of the current count; no
 * downsharding while more than 10s behind; clamped to min_shards..max_shards.
 */
export function computeDesiredShards(x: ShardInputs): DesiredShards {
  if (x.outRate <= 0) return { desired: x.numShards, shards: x.numShards };
  const keptRatio = x.outRate / (x.droppedRate + x.outRate);
  const delay = x.highestRecvS - x.highestSentS;
  const pending = delay * x.inRate * keptRatio;
  const backlogCatchup = 0.05 * pending;
  const timePerSample = x.outDurationRate / x.outRate;
  const desired = timePerSample * (x.inRate * keptRatio + backlogCatchup);
  const lower = x.numShards * (1 - SHARD_TOLERANCE);
  const upper = x.numShards * (1 + SHARD_TOLERANCE);
  const ceil = Math.ceil(desired);
  if (lower <= ceil && ceil <= upper) return { desired, shards: x.numShards };
  let n = ceil;
  if (n < x.numShards && delay > 10) return { desired, shards: x.numShards };
  if (n > x.maxShards) n = x.maxShards;
  else if (n < x.minShards) n = x.minShards;
  return { desired, shards: n };
}
