// Byte-level protobuf writing for remote write 1.0 (prometheus.WriteRequest): a growable
// buffer reused between requests, and helpers that write the messages of
// prompb/types.proto straight from the columnar data model. Nothing is allocated per
// sample: a series' label fields are encoded once (encodeLabelFields) and copied into
// every TimeSeries that carries one of its samples.
import { type Labels, type MetricMetadata, type NativeHistogramColumns, STALE_NAN_BITS } from "@ingot/sdk";

const TWO32 = 4294967296;
const utf8 = new TextEncoder();

/** A growable byte buffer with protobuf primitives. reset() keeps the memory. */
export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;

  constructor(initial = 64 * 1024) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.pos = 0;
  }

  /** The bytes written so far (a view, valid until the next write or reset). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  /** After a use far below its size (one large batch), gives the memory back; the content is dropped. */
  shrink(): void {
    if (this.buf.length > 1 << 20 && this.pos < this.buf.length >> 3) {
      this.buf = new Uint8Array(Math.max(64 * 1024, this.pos * 2));
      this.view = new DataView(this.buf.buffer);
      this.pos = 0;
    }
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An unsigned varint < 2^32. */
  uvarint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    while (v > 127) {
      buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** A varint of an integral number in the int64 range (negative as two's complement, 10 bytes). */
  varint64(v: number): void {
    this.ensure(10);
    if (v >= 0 && v < TWO32) {
      this.uvarint32(v);
      return;
    }
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = (v % TWO32) >>> 0;
      hi = Math.floor(v / TWO32) >>> 0;
    } else {
      const a = -v;
      lo = (a % TWO32) >>> 0;
      hi = Math.floor(a / TWO32) >>> 0;
      // Two's complement of (hi, lo).
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
      if (lo === 0xffffffff) {
        lo = 0;
        hi = (hi + 1) >>> 0;
      } else lo = (lo + 1) >>> 0;
    }
    const buf = this.buf;
    let p = this.pos;
    while (hi > 0 || lo > 127) {
      buf[p++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[p++] = lo;
    this.pos = p;
  }

  /** zigzag + varint for sint32/sint64 of small magnitude. */
  svarint(v: number): void {
    if (v >= -1073741824 && v < 1073741824) this.uvarint32(((v << 1) ^ (v >> 31)) >>> 0);
    else this.varint64(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** 8 raw little-endian bytes given as two 32-bit words. */
  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = lo;
    buf[p + 1] = lo >>> 8;
    buf[p + 2] = lo >>> 16;
    buf[p + 3] = lo >>> 24;
    buf[p + 4] = hi;
    buf[p + 5] = hi >>> 8;
    buf[p + 6] = hi >>> 16;
    buf[p + 7] = hi >>> 24;
    this.pos = p + 8;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A length-delimited string field. */
  stringField(tag: number, s: string): void {
    this.byte(tag);
    // Worst case 3 bytes per UTF-16 unit, plus the length varint.
    this.ensure(s.length * 3 + 5);
    let ascii = true;
    for (let i = 0; i < s.length; i++)
      if (s.charCodeAt(i) > 127) {
        ascii = false;
        break;
      }
    if (ascii && s.length < 128) {
      const buf = this.buf;
      let p = this.pos;
      buf[p++] = s.length;
      for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
      return;
    }
    const b = utf8.encode(s);
    this.uvarint32(b.length);
    this.raw(b);
  }

  /** Starts a length-delimited field whose length is unknown: reserves `reserve` bytes for it. */
  beginLen(tag: number, reserve = 2): number {
    this.byte(tag);
    this.ensure(reserve);
    const at = this.pos;
    this.pos += reserve;
    return at;
  }

  /** Closes a field opened with beginLen, moving the body if its length needs more bytes. */
  endLen(at: number, reserve = 2): void {
    const len = this.pos - at - reserve;
    let n = 1;
    while (len >= 2 ** (7 * n)) n++;
    if (n !== reserve) {
      this.ensure(n - reserve);
      this.buf.copyWithin(at + n, at + reserve, this.pos);
      this.pos += n - reserve;
    }
    let v = len;
    let p = at;
    for (let i = 0; i < n - 1; i++) {
      this.buf[p++] = (v & 127) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[p] = v;
  }
}

/** The number of bytes of a varint < 2^32. */
export function uvarintSize(v: number): number {
  return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
}

/**
 * The label fields of a TimeSeries (field 1, one prometheus.Label each) for a label set,
 * optionally merged with external labels (the series' own labels win, as Prometheus).
 * Cache the result per series and copy it into each TimeSeries.
 */
export function encodeLabelFields(labels: Labels, external?: Labels): Uint8Array {
  const w = new ProtoWriter(256);
  let i = 0;
  let j = 0;
  const ext = external ?? [];
  while (i < labels.length || j < ext.length) {
    let name: string;
    let value: string;
    if (j >= ext.length || (i < labels.length && (labels[i] as string) <= (ext[j] as string))) {
      name = labels[i] as string;
      value = labels[i + 1] as string;
      if (j < ext.length && ext[j] === name) j += 2;
      i += 2;
    } else {
      name = ext[j] as string;
      value = ext[j + 1] as string;
      j += 2;
    }
    const at = w.beginLen(0x0a, 1);
    w.stringField(0x0a, name);
    w.stringField(0x12, value);
    w.endLen(at, 1);
  }
  return w.bytes().slice();
}

const valueBits = new Float64Array(1);
const valueWords = new Uint32Array(valueBits.buffer);

/**
 * Appends one TimeSeries (field 1 of WriteRequest) holding one sample. `words` is a
 * Uint32Array view over the values' bytes (two words per value) so the exact bits are
 * copied, NaN payloads included; stale markers are written as STALE_NAN_BITS.
 */
export function writeSampleSeries(w: ProtoWriter, labelFields: Uint8Array, ts: number, lo: number, hi: number): void {
  writeSampleSeriesFrom(w, labelFields, 0, labelFields.length, ts, lo, hi);
}

/** writeSampleSeries with the label fields at src[srcOff, srcOff + lfLen) (an arena). */
export function writeSampleSeriesFrom(
  w: ProtoWriter,
  src: Uint8Array,
  srcOff: number,
  lfLen: number,
  ts: number,
  lo: number,
  hi: number,
): void {
  // Sample body: value (0x09 + 8) when non-zero bits, timestamp (0x10 + varint) when non-zero.
  if (lo === 2 && (hi & 0x7ff7ffff) === 0x7ff00000) hi = STALE_NAN_BITS[0];
  const hasValue = lo !== 0 || hi !== 0;
  const tsLen = ts === 0 ? 0 : 1 + varint64Size(ts);
  const sampleLen = (hasValue ? 9 : 0) + tsLen;
  const seriesLen = lfLen + 1 + uvarintSize(sampleLen) + sampleLen;
  // One bounds check, then straight byte writes (this runs once per sample sent).
  w.ensure(seriesLen + 16);
  const buf = w.buf;
  let p = w.pos;
  buf[p++] = 0x0a;
  let v = seriesLen;
  while (v > 127) {
    buf[p++] = (v & 127) | 128;
    v >>>= 7;
  }
  buf[p++] = v;
  if (lfLen < 64) for (let i = 0; i < lfLen; i++) buf[p + i] = src[srcOff + i] as number;
  else buf.set(src.subarray(srcOff, srcOff + lfLen), p);
  p += lfLen;
  buf[p++] = 0x12;
  buf[p++] = sampleLen; // at most 9 + 11 < 128
  if (hasValue) {
    buf[p] = 0x09;
    buf[p + 1] = lo;
    buf[p + 2] = lo >>> 8;
    buf[p + 3] = lo >>> 16;
    buf[p + 4] = lo >>> 24;
    buf[p + 5] = hi;
    buf[p + 6] = hi >>> 8;
    buf[p + 7] = hi >>> 16;
    buf[p + 8] = hi >>> 24;
    p += 9;
  }
  if (ts !== 0) {
    buf[p++] = 0x10;
    if (ts > 0 && ts < 9007199254740992) {
      let l = (ts % TWO32) >>> 0;
      let h = Math.floor(ts / TWO32) >>> 0;
      while (h > 0 || l > 127) {
        buf[p++] = (l & 127) | 128;
        l = ((l >>> 7) | (h << 25)) >>> 0;
        h >>>= 7;
      }
      buf[p++] = l;
    } else {
      w.pos = p;
      w.varint64(ts);
      p = w.pos;
    }
  }
  w.pos = p;
}

/** Appends a TimeSeries of one sample given as a JS number. */
export function writeSampleNumber(w: ProtoWriter, labelFields: Uint8Array, ts: number, value: number): void {
  valueBits[0] = value;
  writeSampleSeries(w, labelFields, ts, valueWords[0] as number, valueWords[1] as number);
}

/** Appends one TimeSeries carrying a pre-encoded Exemplar (field 3) or Histogram (field 4) message. */
export function writeMessageSeries(w: ProtoWriter, labelFields: Uint8Array, field: 3 | 4, msg: Uint8Array): void {
  const seriesLen = labelFields.length + 1 + uvarintSize(msg.length) + msg.length;
  w.byte(0x0a);
  w.uvarint32(seriesLen);
  w.raw(labelFields);
  w.byte(field === 3 ? 0x1a : 0x22);
  w.uvarint32(msg.length);
  w.raw(msg);
}

export function varint64Size(v: number): number {
  if (v < 0) return 10;
  if (v < TWO32) return uvarintSize(v);
  let n = 5;
  let x = Math.floor(v / 34359738368); // 2^35
  while (x > 0) {
    n++;
    x = Math.floor(x / 128);
  }
  return n;
}

/** Encodes a prometheus.Exemplar message body. */
export function encodeExemplar(w: ProtoWriter, labels: Labels, value: number, ts: number): void {
  for (let i = 0; i < labels.length; i += 2) {
    const at = w.beginLen(0x0a, 1);
    w.stringField(0x0a, labels[i] as string);
    w.stringField(0x12, labels[i + 1] as string);
    w.endLen(at, 1);
  }
  if (value !== 0 || Object.is(value, -0)) {
    w.byte(0x11);
    w.double(value);
  }
  if (!Number.isNaN(ts) && ts !== 0) {
    w.byte(0x18);
    w.varint64(ts);
  }
}

/** Encodes histogram i of the columns as a prometheus.Histogram message body (float counts when not integral). */
export function encodeHistogram(w: ProtoWriter, h: NativeHistogramColumns, i: number): void {
  const pb0 = h.positiveBucketStart[i] as number;
  const pb1 = h.positiveBucketStart[i + 1] as number;
  const nb0 = h.negativeBucketStart[i] as number;
  const nb1 = h.negativeBucketStart[i + 1] as number;
  const count = h.counts[i] as number;
  const zc = h.zeroCounts[i] as number;
  // Integer histogram when every count is a non-negative integer.
  let integral = isCount(count) && isCount(zc);
  for (let k = pb0; integral && k < pb1; k++) integral = isCount(h.positiveBuckets[k] as number);
  for (let k = nb0; integral && k < nb1; k++) integral = isCount(h.negativeBuckets[k] as number);
  if (integral) {
    w.byte(0x08);
    w.varint64(count);
  } else {
    w.byte(0x11);
    w.double(count);
  }
  w.byte(0x19);
  w.double(h.sums[i] as number);
  w.byte(0x20);
  w.svarint(h.schemas[i] as number);
  w.byte(0x29);
  w.double(h.zeroThresholds[i] as number);
  if (integral) {
    w.byte(0x30);
    w.varint64(zc);
  } else {
    w.byte(0x39);
    w.double(zc);
  }
  writeSide(
    w,
    h.negativeSpanStart,
    h.negativeSpanOffsets,
    h.negativeSpanLengths,
    i,
    h.negativeBuckets,
    nb0,
    nb1,
    0x42,
    0x4a,
    0x52,
    integral,
  );
  writeSide(
    w,
    h.positiveSpanStart,
    h.positiveSpanOffsets,
    h.positiveSpanLengths,
    i,
    h.positiveBuckets,
    pb0,
    pb1,
    0x5a,
    0x62,
    0x6a,
    integral,
  );
  const hint = h.resetHints[i] as number;
  if (hint !== 0) {
    w.byte(0x70);
    w.uvarint32(hint);
  }
  const ts = h.timestamps[i] as number;
  if (ts !== 0) {
    w.byte(0x78);
    w.varint64(ts);
  }
}

function isCount(v: number): boolean {
  return v >= 0 && Number.isInteger(v) && v <= Number.MAX_SAFE_INTEGER;
}

function writeSide(
  w: ProtoWriter,
  spanStart: Uint32Array,
  offsets: Int32Array,
  lengths: Uint32Array,
  i: number,
  buckets: Float64Array,
  b0: number,
  b1: number,
  spanTag: number,
  deltaTag: number,
  countTag: number,
  integral: boolean,
): void {
  const s0 = spanStart[i] as number;
  const s1 = spanStart[i + 1] as number;
  for (let s = s0; s < s1; s++) {
    const at = w.beginLen(spanTag, 1);
    const off = offsets[s] as number;
    if (off !== 0) {
      w.byte(0x08);
      w.svarint(off);
    }
    const len = lengths[s] as number;
    if (len !== 0) {
      w.byte(0x10);
      w.uvarint32(len);
    }
    w.endLen(at, 1);
  }
  if (b1 === b0) return;
  if (integral) {
    const at = w.beginLen(deltaTag, 2);
    let prev = 0;
    for (let k = b0; k < b1; k++) {
      const c = buckets[k] as number;
      w.svarint(c - prev);
      prev = c;
    }
    w.endLen(at, 2);
  } else {
    w.byte(countTag);
    w.uvarint32((b1 - b0) * 8);
    for (let k = b0; k < b1; k++) w.double(buckets[k] as number);
  }
}

const METRIC_TYPES: Record<string, number> = {
  unknown: 0,
  counter: 1,
  gauge: 2,
  histogram: 3,
  gaugehistogram: 4,
  summary: 5,
  info: 6,
  stateset: 7,
};

/** Appends a MetricMetadata (field 3 of WriteRequest). */
export function writeMetadata(w: ProtoWriter, m: MetricMetadata): void {
  const at = w.beginLen(0x1a, 2);
  const t = METRIC_TYPES[m.type] ?? 0;
  if (t !== 0) {
    w.byte(0x08);
    w.uvarint32(t);
  }
  if (m.family) w.stringField(0x12, m.family);
  if (m.help) w.stringField(0x22, m.help);
  if (m.unit) w.stringField(0x2a, m.unit);
  w.endLen(at, 2);
}
