// Byte-level decoding of remote write 1.0 requests (prometheus.WriteRequest) straight
// into a MetricsBatchBuilder. Label sets are looked up by a hash of their encoded bytes
// first, so a series seen before costs no string decoding; only new series are decoded
// and interned.
import {
  hashBytes,
  type Labels,
  labelsFromPairs,
  type MetricMetadata,
  type MetricsBatchBuilder,
  type MetricType,
  type NativeHistogram,
  type SeriesTable,
} from "@ingot/sdk";
import { WireReader } from "../protowire/reader.js";

export class ProtoError extends Error {
  override name = "ProtoError";
}

const protoError = (message: string) => new ProtoError(message);

const TYPES: MetricType[] = [
  "unknown",
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "info",
  "stateset",
];

/** Statistics of one decoded request. */
export interface DecodeStats {
  samples: number;
  exemplars: number;
  histograms: number;
  metadata: number;
}

/**
 * Decodes WriteRequests into a builder's batch. Keeps a cache from the encoded labels'
 * bytes to series refs of the builder's table; call reset() to forget it (with a new table).
 */
export class WriteRequestDecoder {
  private cacheHash = new Map<number, number>();
  private cacheBytes: Uint8Array[] = [];
  private cacheRef: number[] = [];
  private pairs: string[] = [];
  private exLabels: string[] = [];

  /** Forgets cached series (call when the builder's table is replaced). */
  reset(): void {
    this.cacheHash.clear();
    this.cacheBytes.length = 0;
    this.cacheRef.length = 0;
  }

  get cachedSeries(): number {
    return this.cacheRef.length;
  }

  /** Appends the request's data to the builder. Throws ProtoError on malformed input. */
  decode(buf: Uint8Array, builder: MetricsBatchBuilder): DecodeStats {
    const stats: DecodeStats = { samples: 0, exemplars: 0, histograms: 0, metadata: 0 };
    const r = new WireReader(buf, 0, buf.length, protoError);
    while (r.pos < r.end) {
      const key = r.uvarint();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 1 && wire === 2) {
        const n = r.len();
        const end = r.pos + n;
        this.timeSeries(r, end, builder, stats);
        r.pos = end;
      } else if (field === 3 && wire === 2) {
        const n = r.len();
        const end = r.pos + n;
        builder.addMetadata(metadata(r.sub(r.pos, end)));
        stats.metadata++;
        r.pos = end;
      } else r.skip(wire);
    }
    if (r.pos !== r.end) throw new ProtoError("truncated message");
    return stats;
  }

  private timeSeries(r: WireReader, end: number, builder: MetricsBatchBuilder, stats: DecodeStats): void {
    // First pass: find the span of the label fields (contiguous in practice; if not,
    // they are decoded one by one).
    const start = r.pos;
    const outerEnd = r.end;
    r.end = end;
    let labelStart = -1;
    let labelEnd = -1;
    let contiguous = true;
    while (r.pos < end) {
      const at = r.pos;
      const key = r.uvarint();
      const wire = key & 7;
      if (key >>> 3 === 1 && wire === 2) {
        if (labelStart < 0) labelStart = at;
        else if (labelEnd !== at) contiguous = false;
        const n = r.len();
        r.pos += n;
        labelEnd = r.pos;
      } else r.skip(wire);
    }
    let ref: number;
    if (labelStart < 0) ref = builder.series.intern(labelsFromPairs([]));
    else if (contiguous) ref = this.seriesRef(r.buf, labelStart, labelEnd, builder.series);
    else ref = builder.series.intern(this.decodeLabels(r.buf, start, end));
    // Second pass: samples, exemplars, histograms.
    r.pos = start;
    while (r.pos < end) {
      const key = r.uvarint();
      const field = key >>> 3;
      const wire = key & 7;
      if (wire !== 2 || field === 1 || field > 4) {
        r.skip(wire);
        continue;
      }
      const n = r.len();
      const mend = r.pos + n;
      r.end = mend;
      if (field === 2) {
        let v = 0;
        let t = 0;
        while (r.pos < mend) {
          const k = r.uvarint();
          if (k === 0x09) v = r.double();
          else if (k === 0x10) t = r.int64();
          else r.skip(k & 7);
        }
        builder.add(ref, t, v);
        stats.samples++;
      } else if (field === 3) {
        this.exemplar(r, ref, builder);
        stats.exemplars++;
      } else {
        builder.addHistogram(ref, ...histogram(r));
        stats.histograms++;
      }
      r.end = end;
      r.pos = mend;
    }
    r.end = outerEnd;
  }

  private seriesRef(buf: Uint8Array, s: number, e: number, table: SeriesTable): number {
    const h = hashBytes(buf, s, e);
    const idx = this.cacheHash.get(h);
    if (idx !== undefined && idx >= 0) {
      const b = this.cacheBytes[idx] as Uint8Array;
      if (b.length === e - s) {
        let same = true;
        for (let i = 0; i < b.length; i++)
          if (b[i] !== buf[s + i]) {
            same = false;
            break;
          }
        if (same) return this.cacheRef[idx] as number;
      }
    }
    const ref = table.intern(this.decodeLabels(buf, s, e));
    if (idx === undefined) {
      this.cacheHash.set(h, this.cacheRef.length);
      this.cacheBytes.push(Uint8Array.prototype.slice.call(buf, s, e));
      this.cacheRef.push(ref);
    } else this.cacheHash.set(h, -1); // collision: stop caching this hash
    return ref;
  }

  private decodeLabels(buf: Uint8Array, s: number, e: number): Labels {
    const pairs = this.pairs;
    pairs.length = 0;
    decodeLabelFields(buf, s, e, pairs);
    let sorted = true;
    for (let n = 2; n <= pairs.length; n += 2) {
      if (n > 2 && (pairs[n - 4] as string) >= (pairs[n - 2] as string)) sorted = false;
      if (pairs[n - 1] === "") sorted = false;
    }
    return sorted ? pairs.slice() : labelsFromPairs(pairs);
  }

  private exemplar(r: WireReader, ref: number, builder: MetricsBatchBuilder): void {
    const pairs = this.exLabels;
    pairs.length = 0;
    let v = 0;
    let t = Number.NaN;
    while (r.pos < r.end) {
      const k = r.uvarint();
      if (k === 0x0a) labelPair(r, pairs);
      else if (k === 0x11) v = r.double();
      else if (k === 0x18) t = r.int64();
      else r.skip(k & 7);
    }
    builder.addExemplar(ref, labelsFromPairs(pairs), v, t);
  }
}

/** Appends the (name, value) pairs of the Label fields in buf[s, e) to pairs, in their order. */
function decodeLabelFields(buf: Uint8Array, s: number, e: number, pairs: string[]): void {
  const r = new WireReader(buf, s, e, protoError);
  while (r.pos < e) {
    const key = r.uvarint();
    if (key !== 0x0a) r.skip(key & 7);
    else labelPair(r, pairs);
  }
}

/** Decodes the Label message (name 1, value 2) at r.pos and appends its name and value to pairs. */
function labelPair(r: WireReader, pairs: string[]): void {
  const n = r.len();
  const lend = r.pos + n;
  const l = r.sub(r.pos, lend);
  let name = "";
  let value = "";
  while (l.pos < lend) {
    const k = l.uvarint();
    if (k === 0x0a) name = l.string();
    else if (k === 0x12) value = l.string();
    else l.skip(k & 7);
  }
  pairs.push(name, value);
  r.pos = lend;
}

function metadata(r: WireReader): MetricMetadata {
  const m: MetricMetadata = { family: "", type: "unknown", help: "", unit: "" };
  while (r.pos < r.end) {
    const k = r.uvarint();
    if (k === 0x08) m.type = TYPES[r.uvarint()] ?? "unknown";
    else if (k === 0x12) m.family = r.string();
    else if (k === 0x22) m.help = r.string();
    else if (k === 0x2a) m.unit = r.string();
    else r.skip(k & 7);
  }
  return m;
}

/** Decodes a prometheus.Histogram body into [timestamp, histogram] with absolute bucket counts. */
export function histogram(r: WireReader): [number, NativeHistogram] {
  const h: NativeHistogram = {
    count: 0,
    sum: 0,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    resetHint: 0,
    positiveSpans: [],
    positiveBuckets: [],
    negativeSpans: [],
    negativeBuckets: [],
  };
  let ts = 0;
  const posDeltas: number[] = [];
  const negDeltas: number[] = [];
  while (r.pos < r.end) {
    const k = r.uvarint();
    switch (k) {
      case 0x08:
        h.count = r.uvarint();
        break;
      case 0x11:
        h.count = r.double();
        break;
      case 0x19:
        h.sum = r.double();
        break;
      case 0x20:
        h.schema = r.svarint();
        break;
      case 0x29:
        h.zeroThreshold = r.double();
        break;
      case 0x30:
        h.zeroCount = r.uvarint();
        break;
      case 0x39:
        h.zeroCount = r.double();
        break;
      case 0x42:
        (h.negativeSpans as { offset: number; length: number }[]).push(span(r));
        break;
      case 0x5a:
        (h.positiveSpans as { offset: number; length: number }[]).push(span(r));
        break;
      case 0x4a:
        packed(r, negDeltas, true);
        break;
      case 0x48:
        negDeltas.push(r.svarint());
        break;
      case 0x62:
        packed(r, posDeltas, true);
        break;
      case 0x60:
        posDeltas.push(r.svarint());
        break;
      case 0x52:
        packed(r, h.negativeBuckets as number[], false);
        break;
      case 0x51:
        (h.negativeBuckets as number[]).push(r.double());
        break;
      case 0x6a:
        packed(r, h.positiveBuckets as number[], false);
        break;
      case 0x69:
        (h.positiveBuckets as number[]).push(r.double());
        break;
      case 0x70:
        h.resetHint = r.uvarint();
        break;
      case 0x78:
        ts = r.int64();
        break;
      default:
        r.skip(k & 7);
    }
  }
  let acc = 0;
  for (const d of posDeltas) (h.positiveBuckets as number[]).push((acc += d));
  acc = 0;
  for (const d of negDeltas) (h.negativeBuckets as number[]).push((acc += d));
  return [ts, h];
}

function span(r: WireReader): { offset: number; length: number } {
  const n = r.len();
  const end = r.pos + n;
  const s = { offset: 0, length: 0 };
  while (r.pos < end) {
    const k = r.uvarint();
    if (k === 0x08) s.offset = r.svarint();
    else if (k === 0x10) s.length = r.uvarint();
    else r.skip(k & 7);
  }
  r.pos = end;
  return s;
}

function packed(r: WireReader, out: number[], zigzag: boolean): void {
  const n = r.len();
  const end = r.pos + n;
  if (zigzag) while (r.pos < end) out.push(r.svarint());
  else while (r.pos < end) out.push(r.double());
  if (r.pos !== end) throw r.error("bad packed field");
}
