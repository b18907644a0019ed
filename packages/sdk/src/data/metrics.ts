// The metrics data model components exchange: interned series and columnar batches
// of samples in typed arrays (no object per sample), after Prometheus's
// storage.Appender. A MetricsReceiver is what `forward_to` lists hold.
import { ByteIndex } from "./byte-index.js";
import { ByteStore } from "./byte-store.js";
import { decodeLabelBytes, hashBytes, LabelBytesWriter } from "./label-bytes.js";
import { EMPTY_LABELS, type Labels } from "./labels.js";
import { growTypedArray } from "./typed-arrays.js";

/** Capsule type name of a MetricsReceiver (x-alloy-capsule in schemas). */
export const CAPSULE_METRICS_RECEIVER = "MetricsReceiver";

/** Index of a series in its SeriesTable. */
export type SeriesRef = number;

let nextTableId = 1;

/**
 * An append-only intern table of label sets: each distinct set gets a small integer
 * ref, stable for the table's life, so a receiver can cache its own per-series state
 * by (table.id, ref). A producer that wants to forget series starts a new table.
 *
 * Label sets are kept in their byte form (label-bytes.ts) in a ByteStore: labels(ref)
 * decodes a fresh array (consumers look a series up once and cache by ref), encoded(ref)
 * is the stored bytes. Memory per series: the bytes and a ByteIndex entry (a 4-byte hash
 * and 4-byte slots at most half full) — no object per series.
 */
export class SeriesTable {
  /** Unique per table in this process. */
  readonly id = nextTableId++;
  private readonly store = new ByteStore();
  private readonly index = new ByteIndex(this.store);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The ref of a label set, adding it if new. */
  intern(labels: Labels): SeriesRef {
    return this.internEncoded(labelScratch.encode(labels));
  }

  /** The ref of a label set given in byte form (label-bytes.ts; copied when new), adding it if new. */
  internEncoded(enc: Uint8Array): SeriesRef {
    const h = hashBytes(enc, 0, enc.length);
    const found = this.index.find(enc, h);
    if (found >= 0) return found;
    const ref = this.count++;
    this.store.put(ref, enc);
    this.index.add(ref, h);
    return ref;
  }

  /** The ref of a label set already in the table, or -1. */
  lookup(labels: Labels): SeriesRef {
    const enc = labelScratch.encode(labels);
    return this.index.find(enc, hashBytes(enc, 0, enc.length));
  }

  /** A series' labels, decoded (a new array each call); empty for an unknown ref. */
  labels(ref: SeriesRef): Labels {
    const b = ref >= 0 && ref < this.count ? this.store.bytes(ref) : undefined;
    return b === undefined || b.length === 0 ? EMPTY_LABELS : decodeLabelBytes(b);
  }

  /**
   * A series' labels in byte form (label-bytes.ts): a view of the stored bytes, which
   * never move (the table only grows). Empty for an unknown ref or an empty label set.
   */
  encoded(ref: SeriesRef): Uint8Array {
    return (ref >= 0 && ref < this.count ? this.store.bytes(ref) : undefined) ?? NO_BYTES;
  }

  /** A stable 32-bit hash of a series' labels (hashBytes of the byte form), kept from interning. */
  hash(ref: SeriesRef): number {
    return ref < this.count ? this.index.hash(ref) : 0;
  }
}

const labelScratch = new LabelBytesWriter();
const NO_BYTES = new Uint8Array(0);

// ---- stale markers ----
// Prometheus marks a series stale with the NaN bit pattern 0x7ff0000000000002. That
// is a signalling NaN, and V8 sets the quiet bit when it loads one into a JS number,
// so in memory the marker is 0x7ff8000000000002: recognise it by its payload (low word
// 2) whatever the quiet bit, and write STALE_NAN_BITS to the wire.

/** Prometheus's exact wire bits of the stale marker, as [high word, low word]. */
export const STALE_NAN_BITS: readonly [number, number] = [0x7ff00000, 2];

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
scratchBits[0] = 2;
scratchBits[1] = 0x7ff00000;

/** The staleness marker as a JS number (a NaN with payload 2). */
export const STALE_NAN: number = scratch[0] as number;

function staleBits(lo: number, hi: number): boolean {
  return lo === 2 && (hi & 0x7ff7ffff) === 0x7ff00000;
}

/** Whether v is the stale marker (not just any NaN). */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  scratch[0] = v;
  return staleBits(scratchBits[0] as number, scratchBits[1] as number);
}

/** Whether values[i] holds the stale marker, reading the stored bits directly. */
export function isStaleAt(values: Float64Array, i: number): boolean {
  const bits = new Uint32Array(values.buffer, values.byteOffset + i * 8, 2);
  return staleBits(bits[0] as number, bits[1] as number);
}

// ---- batches ----

export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "info"
  | "stateset"
  | "unknown";

/** Metadata of a metric family (Prometheus's metadata.Metadata). */
export interface MetricMetadata {
  /** The metric family name (without _total/_bucket suffixes of samples). */
  family: string;
  type: MetricType;
  help: string;
  unit: string;
}

/** Exemplars in columns; refs point into the batch's series table. */
export interface ExemplarColumns {
  length: number;
  refs: Uint32Array;
  /** The exemplar's own labels (trace_id...). */
  labels: Labels[];
  values: Float64Array;
  /** ms since epoch; NaN when the exemplar carries no timestamp. */
  timestamps: Float64Array;
}

/**
 * Native (sparse) histograms in columns. Scalars per histogram in typed arrays;
 * spans and buckets of histogram i live at [start[i], start[i+1]) of the shared arrays.
 * Bucket counts are absolute (not deltas), as float64 for integer and float histograms.
 */
export interface NativeHistogramColumns {
  length: number;
  refs: Uint32Array;
  timestamps: Float64Array;
  counts: Float64Array;
  sums: Float64Array;
  schemas: Int8Array;
  zeroThresholds: Float64Array;
  zeroCounts: Float64Array;
  /** 0 unknown, 1 yes (counter reset), 2 no, 3 gauge histogram (Prometheus's CounterResetHint). */
  resetHints: Uint8Array;
  positiveSpanStart: Uint32Array;
  positiveSpanOffsets: Int32Array;
  positiveSpanLengths: Uint32Array;
  positiveBucketStart: Uint32Array;
  positiveBuckets: Float64Array;
  negativeSpanStart: Uint32Array;
  negativeSpanOffsets: Int32Array;
  negativeSpanLengths: Uint32Array;
  negativeBucketStart: Uint32Array;
  negativeBuckets: Float64Array;
}

/**
 * A batch of samples. Sample i is (series.labels(refs[i]), timestamps[i], values[i])
 * for i < length; the arrays may be longer than length. Timestamps are ms since the
 * epoch. A value may be STALE_NAN. Samples of one series are in time order.
 *
 * Ownership: the typed arrays belong to the producer and are valid only until
 * append() returns (or its promise resolves); a receiver that keeps data copies it.
 * The series table lives on and its refs stay valid.
 */
export interface MetricsBatch {
  series: SeriesTable;
  length: number;
  refs: Uint32Array;
  timestamps: Float64Array;
  values: Float64Array;
  exemplars?: ExemplarColumns;
  histograms?: NativeHistogramColumns;
  metadata?: MetricMetadata[];
}

/**
 * What components send metrics to (a `forward_to` element; exported as `receiver`).
 * Return a promise to apply backpressure: the producer waits for it before sending more.
 */
export interface MetricsReceiver {
  append(batch: MetricsBatch): void | Promise<void>;
}

/**
 * Sends one batch to every receiver; resolves when all have accepted it. Returns
 * undefined (no promise allocated) when every receiver accepted synchronously.
 */
export function appendToAll(receivers: readonly MetricsReceiver[], batch: MetricsBatch): Promise<void> | undefined {
  let pending: Promise<void>[] | undefined;
  for (const r of receivers) {
    const p = r.append(batch);
    if (p) (pending ??= []).push(p);
  }
  return pending ? Promise.all(pending).then(() => undefined) : undefined;
}

/** One native histogram, as given to MetricsBatchBuilder.addHistogram. */
export interface NativeHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  resetHint?: number;
  positiveSpans?: { offset: number; length: number }[];
  positiveBuckets?: number[];
  negativeSpans?: { offset: number; length: number }[];
  negativeBuckets?: number[];
}

/**
 * Builds batches in growable typed arrays. build() returns views over the builder's
 * buffers (no copy); reset() starts the next batch reusing them, so a producer that
 * awaits append() before reset() allocates nothing per sample in steady state.
 */
export class MetricsBatchBuilder {
  readonly series: SeriesTable;
  private n = 0;
  private refs = new Uint32Array(64);
  private ts = new Float64Array(64);
  private vals = new Float64Array(64);
  private ex?: { n: number; refs: Uint32Array; labels: Labels[]; values: Float64Array; ts: Float64Array };
  private h?: HistogramBuffers;
  private meta?: MetricMetadata[];

  constructor(series: SeriesTable = new SeriesTable()) {
    this.series = series;
  }

  get length(): number {
    return this.n;
  }

  /** Adds a sample of an interned series. */
  add(ref: SeriesRef, timestampMs: number, value: number): void {
    const i = this.n;
    if (i === this.refs.length) {
      this.refs = growTypedArray(this.refs, i + 1);
      this.ts = growTypedArray(this.ts, i + 1);
      this.vals = growTypedArray(this.vals, i + 1);
    }
    this.refs[i] = ref;
    this.ts[i] = timestampMs;
    this.vals[i] = value;
    this.n = i + 1;
  }

  /** Interns the labels and adds a sample; returns the series ref (cache it to skip interning). */
  addLabels(labels: Labels, timestampMs: number, value: number): SeriesRef {
    const ref = this.series.intern(labels);
    this.add(ref, timestampMs, value);
    return ref;
  }

  addExemplar(ref: SeriesRef, labels: Labels, value: number, timestampMs = Number.NaN): void {
    const e = (this.ex ??= {
      n: 0,
      refs: new Uint32Array(8),
      labels: [],
      values: new Float64Array(8),
      ts: new Float64Array(8),
    });
    const i = e.n;
    e.refs = growTypedArray(e.refs, i + 1);
    e.values = growTypedArray(e.values, i + 1);
    e.ts = growTypedArray(e.ts, i + 1);
    e.refs[i] = ref;
    e.labels[i] = labels;
    e.values[i] = value;
    e.ts[i] = timestampMs;
    e.n = i + 1;
  }

  addHistogram(ref: SeriesRef, timestampMs: number, h: NativeHistogram): void {
    (this.h ??= new HistogramBuffers()).add(ref, timestampMs, h);
  }

  addMetadata(m: MetricMetadata): void {
    (this.meta ??= []).push(m);
  }

  /** The batch so far, as views over the builder's buffers (valid until reset()). */
  build(): MetricsBatch {
    const b: MetricsBatch = {
      series: this.series,
      length: this.n,
      refs: this.refs.subarray(0, this.n),
      timestamps: this.ts.subarray(0, this.n),
      values: this.vals.subarray(0, this.n),
    };
    if (this.ex && this.ex.n > 0) {
      const e = this.ex;
      b.exemplars = {
        length: e.n,
        refs: e.refs.subarray(0, e.n),
        labels: e.labels.slice(0, e.n),
        values: e.values.subarray(0, e.n),
        timestamps: e.ts.subarray(0, e.n),
      };
    }
    if (this.h && this.h.n > 0) b.histograms = this.h.build();
    if (this.meta && this.meta.length > 0) b.metadata = this.meta.slice();
    return b;
  }

  /** Empties the builder, keeping its buffers and series table. */
  reset(): void {
    this.n = 0;
    if (this.ex) {
      this.ex.n = 0;
      this.ex.labels.length = 0;
    }
    this.h?.reset();
    if (this.meta) this.meta.length = 0;
  }
}

class HistogramBuffers {
  n = 0;
  refs = new Uint32Array(8);
  ts = new Float64Array(8);
  counts = new Float64Array(8);
  sums = new Float64Array(8);
  schemas = new Int8Array(8);
  zt = new Float64Array(8);
  zc = new Float64Array(8);
  hints = new Uint8Array(8);
  pss = new Uint32Array(9);
  pso = new Int32Array(8);
  psl = new Uint32Array(8);
  pbs = new Uint32Array(9);
  pb = new Float64Array(8);
  nss = new Uint32Array(9);
  nso = new Int32Array(8);
  nsl = new Uint32Array(8);
  nbs = new Uint32Array(9);
  nb = new Float64Array(8);

  add(ref: number, t: number, h: NativeHistogram): void {
    const i = this.n;
    const need = i + 1;
    this.refs = growTypedArray(this.refs, need);
    this.ts = growTypedArray(this.ts, need);
    this.counts = growTypedArray(this.counts, need);
    this.sums = growTypedArray(this.sums, need);
    this.schemas = growTypedArray(this.schemas, need);
    this.zt = growTypedArray(this.zt, need);
    this.zc = growTypedArray(this.zc, need);
    this.hints = growTypedArray(this.hints, need);
    this.pss = growTypedArray(this.pss, need + 1);
    this.pbs = growTypedArray(this.pbs, need + 1);
    this.nss = growTypedArray(this.nss, need + 1);
    this.nbs = growTypedArray(this.nbs, need + 1);
    this.refs[i] = ref;
    this.ts[i] = t;
    this.counts[i] = h.count;
    this.sums[i] = h.sum;
    this.schemas[i] = h.schema;
    this.zt[i] = h.zeroThreshold;
    this.zc[i] = h.zeroCount;
    this.hints[i] = h.resetHint ?? 0;
    // Positive side.
    let s = this.pss[i] as number;
    const ps = h.positiveSpans ?? [];
    this.pso = growTypedArray(this.pso, s + ps.length);
    this.psl = growTypedArray(this.psl, s + ps.length);
    for (const sp of ps) {
      this.pso[s] = sp.offset;
      this.psl[s++] = sp.length;
    }
    this.pss[i + 1] = s;
    let b = this.pbs[i] as number;
    const pb = h.positiveBuckets ?? [];
    this.pb = growTypedArray(this.pb, b + pb.length);
    for (const c of pb) this.pb[b++] = c;
    this.pbs[i + 1] = b;
    // Negative side.
    s = this.nss[i] as number;
    const ns = h.negativeSpans ?? [];
    this.nso = growTypedArray(this.nso, s + ns.length);
    this.nsl = growTypedArray(this.nsl, s + ns.length);
    for (const sp of ns) {
      this.nso[s] = sp.offset;
      this.nsl[s++] = sp.length;
    }
    this.nss[i + 1] = s;
    b = this.nbs[i] as number;
    const nb = h.negativeBuckets ?? [];
    this.nb = growTypedArray(this.nb, b + nb.length);
    for (const c of nb) this.nb[b++] = c;
    this.nbs[i + 1] = b;
    this.n = need;
  }

  build(): NativeHistogramColumns {
    const n = this.n;
    return {
      length: n,
      refs: this.refs.subarray(0, n),
      timestamps: this.ts.subarray(0, n),
      counts: this.counts.subarray(0, n),
      sums: this.sums.subarray(0, n),
      schemas: this.schemas.subarray(0, n),
      zeroThresholds: this.zt.subarray(0, n),
      zeroCounts: this.zc.subarray(0, n),
      resetHints: this.hints.subarray(0, n),
      positiveSpanStart: this.pss.subarray(0, n + 1),
      positiveSpanOffsets: this.pso.subarray(0, this.pss[n]),
      positiveSpanLengths: this.psl.subarray(0, this.pss[n]),
      positiveBucketStart: this.pbs.subarray(0, n + 1),
      positiveBuckets: this.pb.subarray(0, this.pbs[n]),
      negativeSpanStart: this.nss.subarray(0, n + 1),
      negativeSpanOffsets: this.nso.subarray(0, this.nss[n]),
      negativeSpanLengths: this.nsl.subarray(0, this.nss[n]),
      negativeBucketStart: this.nbs.subarray(0, n + 1),
      negativeBuckets: this.nb.subarray(0, this.nbs[n]),
    };
  }

  reset(): void {
    this.n = 0;
  }
}
