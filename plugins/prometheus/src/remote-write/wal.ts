// The write-ahead log of prometheus.remote_write: numbered segment files under
// <dataPath>/wal holding framed records, written before append() returns.
//
// Record framing: type (u8), payload length (u32 LE), CRC32 of the payload (u32 LE),
// payload. Payloads (varints are protobuf-style; refs are WAL series refs):
//   SERIES     count, then per series: ref, length, the label set as remote write Label
//              fields (sorted; what the queues send as is)
//   SERIES_V1  (type 1, written before SERIES; still replayed) count, then per series:
//              ref, label count, (name, value) as length+UTF-8
//   SAMPLES    count, base timestamp (zigzag), then per sample: ref, zigzag ts delta,
//              8 raw little-endian value bytes (exact bits, stale markers kept)
//   EXEMPLARS  count, then per exemplar: ref, ts as float64, length, prometheus.Exemplar bytes
//   HISTOGRAMS count, then per histogram: ref, ts as float64, length, prometheus.Histogram bytes
// Series refs are the refs of the WAL's WalSeries table: never reused, so a series that
// was garbage-collected and comes back gets a new ref and a new SERIES record.
// Truncation cuts a new segment that starts with every live series (the checkpoint), so
// deleting older segments never loses a definition still needed.
//
// Durability: records are written with write(2) before append() returns, so they
// survive a crash of the process (SIGKILL) at once; the file is fdatasync'ed at most
// every `syncIntervalMs` (default 1s), on segment cut and on close, bounding what a
// power loss can take.
import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import {
  ByteIndex,
  ByteStore,
  decodeLabelBytes,
  encodeLabelBytes,
  growTypedArray,
  hashBytes,
  type Labels,
  type MetricsBatch,
} from "@ingot/sdk";
import { encodeExemplar, encodeHistogram, ProtoWriter } from "../prompb/index.js";

export const REC_SERIES_V1 = 1;
export const REC_SAMPLES = 2;
export const REC_EXEMPLARS = 3;
export const REC_HISTOGRAMS = 4;
export const REC_SERIES = 5;
const REC_MIN = 1;
const REC_MAX = 5;
const HEADER = 9;

/** A position in the WAL: segment index and byte offset in it. */
export interface WalPosition {
  seg: number;
  off: number;
}

export function comparePos(a: WalPosition, b: WalPosition): number {
  return a.seg !== b.seg ? a.seg - b.seg : a.off - b.off;
}

interface Segment {
  index: number;
  size: number;
  lastWriteMs: number;
  /** Bytes of the series snapshot written at its start (not counted against segmentSize). */
  snapshot?: number;
}

export interface WalOptions {
  dir: string;
  segmentSize?: number;
  syncIntervalMs?: number;
  log?: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

export interface WalStats {
  replayedRecords: number;
  corruptions: number;
}

/**
 * The WAL's series: label sets by ref (refs never reused) as encoded Label fields in a
 * ByteStore, which remote_write's queues read directly; a hash index over those bytes;
 * and per series the highest sample timestamp and the last segment written to, for
 * garbage collection.
 */
export class WalSeries {
  readonly store = new ByteStore();
  private readonly index = new ByteIndex(this.store);
  private next = 0;
  /** Highest timestamp appended per ref (ms). */
  lastTs = new Float64Array(1024);
  /** Segment holding the newest record of each ref. */
  lastSeg = new Uint32Array(1024);
  /** Live series. */
  active = 0;
  /** Series created (not replayed) by this process. */
  created = 0;
  /** Series garbage-collected by this process. */
  removed = 0;

  /** Live series (kept for callers that used the SeriesTable's size). */
  get size(): number {
    return this.active;
  }

  /** One past the highest ref ever used. */
  get nextRef(): number {
    return this.next;
  }

  has(ref: number): boolean {
    return this.store.has(ref);
  }

  /** A series' labels (decoded from its stored bytes: for rare paths, not per sample). */
  labels(ref: number): Labels | undefined {
    const b = this.store.bytes(ref);
    return b === undefined ? undefined : decodeLabelBytes(b);
  }

  lookup(labels: Labels): number {
    const enc = encodeLabelBytes(labels);
    return this.index.find(enc, hashBytes(enc, 0, enc.length));
  }

  /** The ref of a label set given in byte form (SeriesTable.encoded), creating it when absent. */
  internEncoded(enc: Uint8Array): number {
    const h = hashBytes(enc, 0, enc.length);
    const found = this.index.find(enc, h);
    if (found >= 0) return found;
    const ref = this.next;
    this.put(ref, enc, h);
    this.created++;
    return ref;
  }

  /** The ref of a label set, creating it (with a new ref) when absent. */
  intern(labels: Labels): number {
    return this.internEncoded(encodeLabelBytes(labels));
  }

  /** Defines a ref read back from the WAL (replay); the first definition of a ref stays. */
  set(ref: number, enc: Uint8Array): void {
    if (this.store.has(ref)) return;
    this.put(ref, enc, hashBytes(enc, 0, enc.length));
  }

  private put(ref: number, enc: Uint8Array, h: number): void {
    this.store.put(ref, enc);
    if (ref >= this.next) this.next = ref + 1;
    this.grow(ref);
    this.lastTs[ref] = -Infinity;
    this.lastSeg[ref] = 0;
    this.index.add(ref, h);
    this.active++;
  }

  private grow(ref: number): void {
    this.lastTs = growTypedArray(this.lastTs, ref + 1);
    this.lastSeg = growTypedArray(this.lastSeg, ref + 1);
  }

  /** Records activity of a ref (replay of sample, exemplar and histogram records). */
  touch(ref: number, ts: number, seg: number): void {
    if (ref >= this.lastTs.length) this.grow(ref);
    if (ts > (this.lastTs[ref] as number)) this.lastTs[ref] = ts;
    if (seg > (this.lastSeg[ref] as number)) this.lastSeg[ref] = seg;
  }

  /**
   * Drops every series whose newest sample is older than `beforeTs` and whose last
   * record is in a segment before `beforeSeg` (one every reader has passed).
   */
  gc(beforeTs: number, beforeSeg: number): number[] {
    const out: number[] = [];
    for (let ref = 0; ref < this.next; ref++) {
      if (!this.store.has(ref)) continue;
      if ((this.lastTs[ref] as number) >= beforeTs || (this.lastSeg[ref] as number) >= beforeSeg) continue;
      out.push(ref);
    }
    if (out.length === 0) return out;
    this.store.forget(out);
    this.index.prune();
    this.active -= out.length;
    this.removed += out.length;
    return out;
  }
}

const segName = (i: number) => String(i).padStart(8, "0");

export class Wal {
  readonly series = new WalSeries();
  readonly dir: string;
  private readonly segmentSize: number;
  private readonly syncInterval: number;
  private readonly log: NonNullable<WalOptions["log"]>;
  private segments: Segment[] = [];
  private fd = -1;
  private dirty = false;
  private lastSync = 0;
  private syncTimer?: NodeJS.Timeout;
  private readonly w = new ProtoWriter(1 << 16);
  private readonly body = new ProtoWriter(1 << 16);
  private readonly msg = new ProtoWriter(1024);
  private readonly sw = new ProtoWriter(1 << 16);
  private readonly ew = new ProtoWriter(1024);
  private readonly hw = new ProtoWriter(1024);
  private readonly listeners = new Set<() => void>();
  readonly stats: WalStats = { replayedRecords: 0, corruptions: 0 };
  samplesAppended = 0;
  exemplarsAppended = 0;
  histogramsAppended = 0;
  bytesWritten = 0;
  fsyncs = 0;
  highestTimestampMs = 0;

  constructor(opts: WalOptions) {
    this.dir = opts.dir;
    this.segmentSize = opts.segmentSize ?? 64 * 1024 * 1024;
    this.syncInterval = opts.syncIntervalMs ?? 1000;
    this.log = opts.log ?? (() => {});
  }

  /** Reads existing segments (rebuilding the series), repairs a torn tail, and starts a new segment. */
  open(): void {
    const names = readdirSync(this.dir)
      .filter((n) => /^\d{8}$/.test(n))
      .sort();
    for (let k = 0; k < names.length; k++) {
      const index = Number(names[k]);
      const path = join(this.dir, names[k] as string);
      const st = statSync(path);
      const seg: Segment = { index, size: st.size, lastWriteMs: st.mtimeMs };
      const valid = this.scan(seg, (type, buf, s, e) => {
        this.stats.replayedRecords++;
        if (type === REC_SERIES) this.replaySeries(buf, s, e);
        else if (type === REC_SERIES_V1) this.replaySeriesV1(buf, s, e);
        else this.replayActivity(type, buf, s, e, index);
      });
      if (valid < st.size) {
        this.stats.corruptions++;
        this.log("warn", "WAL segment corrupt or torn; truncating it", {
          segment: index,
          offset: valid,
          size: st.size,
        });
        const fd = openSync(path, "r+");
        ftruncateSync(fd, valid);
        closeSync(fd);
        seg.size = valid;
      }
      this.segments.push(seg);
    }
    const next = (this.segments.at(-1)?.index ?? 0) + 1;
    this.openSegment(next);
  }

  private replaySeries(buf: Uint8Array, s: number, e: number): void {
    const r = new Cursor(buf, s, e);
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
      const ref = r.uvarint();
      const len = r.uvarint();
      this.series.set(ref, buf.subarray(r.pos, r.pos + len));
      r.pos += len;
    }
  }

  private replaySeriesV1(buf: Uint8Array, s: number, e: number): void {
    const r = new Cursor(buf, s, e);
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
      const ref = r.uvarint();
      const nl = r.uvarint();
      const labels: string[] = [];
      for (let j = 0; j < nl * 2; j++) labels.push(r.string());
      this.series.set(ref, encodeLabelBytes(labels));
    }
  }

  /** Replay: the newest timestamp and segment of each ref, for garbage collection. */
  private replayActivity(type: number, buf: Uint8Array, s: number, e: number, seg: number): void {
    const r = new Cursor(buf, s, e);
    const n = r.uvarint();
    const series = this.series;
    if (type === REC_SAMPLES) {
      const base = r.svarint();
      for (let i = 0; i < n; i++) {
        const ref = r.uvarint();
        const t = base + r.svarint();
        r.pos += 8;
        series.touch(ref, t, seg);
        if (t > this.highestTimestampMs) this.highestTimestampMs = t;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const ref = r.uvarint();
        const t = r.double();
        r.pos += r.uvarint();
        series.touch(ref, t, seg);
      }
    }
  }

  /** Calls visit for every valid record of a segment; returns the offset after the last valid record. */
  private scan(seg: Segment, visit: (type: number, buf: Uint8Array, s: number, e: number) => void): number {
    let pos = 0;
    const reader = new SegmentReader(this.dir);
    for (;;) {
      const rec = reader.next(seg.index, pos, seg.size);
      if (rec === null) {
        reader.close();
        return pos;
      }
      try {
        visit(rec.type, rec.buf, rec.start, rec.end);
      } catch {
        reader.close();
        return pos;
      }
      pos = rec.next;
    }
  }

  private openSegment(index: number): void {
    this.fd = openSync(join(this.dir, segName(index)), "a");
    this.segments.push({ index, size: 0, lastWriteMs: Date.now() });
  }

  get current(): Segment {
    return this.segments.at(-1) as Segment;
  }

  /** The position after the last record written. */
  end(): WalPosition {
    const c = this.current;
    return { seg: c.index, off: c.size };
  }

  /** The index of the oldest segment on disk. */
  firstSegment(): number {
    return (this.segments[0] as Segment).index;
  }

  segmentSizeOf(index: number): number {
    const s = this.segments.find((x) => x.index === index);
    return s ? s.size : -1;
  }

  /** The segment after `index` that exists, or -1. */
  nextSegment(index: number): number {
    for (const s of this.segments) if (s.index > index) return s.index;
    return -1;
  }

  onAppend(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Writes a batch (new series first) to the WAL. Returns once the bytes are written. */
  append(batch: MetricsBatch): void {
    const w = this.w;
    w.reset();
    const map = this.refMap(batch);
    const newSeries = this.body;
    newSeries.reset();
    let nNew = 0;
    const resolve = (ref: number): number => {
      const m = map.arr;
      if (ref < m.length && m[ref] !== 0) return (m[ref] as number) - 1;
      const before = this.series.created;
      const walRef = this.series.internEncoded(batch.series.encoded(ref));
      if (this.series.created > before) {
        writeSeries(newSeries, walRef, this.series.store);
        nNew++;
      }
      if (ref >= map.arr.length) growRefMap(map, ref);
      map.arr[ref] = walRef + 1;
      return walRef;
    };
    // Samples body first (it may discover new series), written after the series record.
    const samples = this.sw;
    samples.reset();
    const n = batch.length;
    if (n > 0) {
      const ts = batch.timestamps;
      const base = Math.round(ts[0] as number);
      samples.uvarint32(n);
      samples.svarint(base);
      const bytes = new Uint8Array(batch.values.buffer, batch.values.byteOffset, n * 8);
      let hi = this.highestTimestampMs;
      const seg = this.current.index;
      const series = this.series;
      const refs = batch.refs;
      // Worst case per sample: ref (5) + zigzag delta (10) + value (8).
      samples.ensure(n * 23 + 16);
      let p = samples.pos;
      for (let i = 0; i < n; i++) {
        const t = Math.round(ts[i] as number);
        if (t > hi) hi = t;
        const pr = refs[i] as number;
        const m = map.arr;
        const wref = pr < m.length && m[pr] !== 0 ? (m[pr] as number) - 1 : resolve(pr);
        const lt = series.lastTs;
        if (t > (lt[wref] as number)) lt[wref] = t;
        series.lastSeg[wref] = seg;
        const sb = samples.buf;
        let v = wref;
        while (v > 127) {
          sb[p++] = (v & 127) | 128;
          v >>>= 7;
        }
        sb[p++] = v;
        const d = t - base;
        if (d >= -1073741824 && d < 1073741824) {
          v = ((d << 1) ^ (d >> 31)) >>> 0;
          while (v > 127) {
            sb[p++] = (v & 127) | 128;
            v >>>= 7;
          }
          sb[p++] = v;
        } else {
          samples.pos = p;
          samples.svarint(d);
          p = samples.pos;
        }
        const o = i * 8;
        sb[p] = bytes[o] as number;
        sb[p + 1] = bytes[o + 1] as number;
        sb[p + 2] = bytes[o + 2] as number;
        sb[p + 3] = bytes[o + 3] as number;
        sb[p + 4] = bytes[o + 4] as number;
        sb[p + 5] = bytes[o + 5] as number;
        sb[p + 6] = bytes[o + 6] as number;
        sb[p + 7] = bytes[o + 7] as number;
        p += 8;
      }
      samples.pos = p;
      this.highestTimestampMs = hi;
    }
    let exemplars: ProtoWriter | undefined;
    const ex = batch.exemplars;
    if (ex && ex.length > 0) {
      exemplars = this.ew;
      exemplars.reset();
      exemplars.uvarint32(ex.length);
      for (let i = 0; i < ex.length; i++) {
        const t = ex.timestamps[i] as number;
        const wref = resolve(ex.refs[i] as number);
        this.series.touch(wref, t, this.current.index);
        exemplars.uvarint32(wref);
        exemplars.double(t);
        this.msg.reset();
        encodeExemplar(this.msg, ex.labels[i] as Labels, ex.values[i] as number, t);
        exemplars.uvarint32(this.msg.pos);
        exemplars.raw(this.msg.bytes());
      }
    }
    let hists: ProtoWriter | undefined;
    const h = batch.histograms;
    if (h && h.length > 0) {
      hists = this.hw;
      hists.reset();
      hists.uvarint32(h.length);
      for (let i = 0; i < h.length; i++) {
        const t = h.timestamps[i] as number;
        if (t > this.highestTimestampMs) this.highestTimestampMs = t;
        const wref = resolve(h.refs[i] as number);
        this.series.touch(wref, t, this.current.index);
        hists.uvarint32(wref);
        hists.double(t);
        this.msg.reset();
        encodeHistogram(this.msg, h, i);
        hists.uvarint32(this.msg.pos);
        hists.raw(this.msg.bytes());
      }
    }
    if (nNew > 0) {
      const body = new ProtoWriter(newSeries.pos + 8);
      body.uvarint32(nNew);
      body.raw(newSeries.bytes());
      frame(w, REC_SERIES, body.bytes());
    }
    // Histograms before exemplars, as Prometheus's agent WAL: a receiver appends a
    // request's entries in order, and an exemplar needs its series to exist.
    if (n > 0) frame(w, REC_SAMPLES, samples.bytes());
    if (hists) frame(w, REC_HISTOGRAMS, hists.bytes());
    if (exemplars) frame(w, REC_EXEMPLARS, exemplars.bytes());
    if (w.pos === 0) return;
    this.samplesAppended += n;
    this.exemplarsAppended += ex?.length ?? 0;
    this.histogramsAppended += h?.length ?? 0;
    this.write(w.bytes());
    // A target's first scrape (all its series new) grows these; later appends are small.
    w.shrink();
    this.body.shrink();
  }

  private write(b: Uint8Array): void {
    // Records of one append always land in the current segment (the series' lastSeg relies
    // on it); the segment is cut after the write that reaches the size.
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    const c = this.current;
    c.size += b.length;
    c.lastWriteMs = Date.now();
    this.bytesWritten += b.length;
    this.dirty = true;
    // The series snapshot at the start of a segment does not count: with many series it
    // can be larger than a segment, and counting it would cut (and rewrite every series)
    // on every append.
    if (c.size - (c.snapshot ?? 0) >= this.segmentSize) this.cut();
    else this.scheduleSync();
    for (const f of this.listeners) f();
  }

  private scheduleSync(): void {
    if (this.syncTimer) return;
    const wait = Math.max(0, this.lastSync + this.syncInterval - Date.now());
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.sync();
    }, wait);
    this.syncTimer.unref();
  }

  sync(): void {
    if (!this.dirty || this.fd < 0) return;
    fdatasyncSync(this.fd);
    this.fsyncs++;
    this.dirty = false;
    this.lastSync = Date.now();
  }

  /** Closes the current segment and starts the next one, beginning with every known series. */
  cut(): void {
    this.sync();
    closeSync(this.fd);
    this.openSegment(this.current.index + 1);
    this.writeAllSeries();
  }

  private writeAllSeries(): void {
    const n = this.series.nextRef;
    const start = this.current.size;
    if (this.series.active === 0) return;
    // Records of 1,000 series keep the write buffers small (~150 KB at typical label sizes).
    const CHUNK = 1000;
    const body = this.body;
    const w = this.w;
    for (let s = 0; s < n; s += CHUNK) {
      const e = Math.min(n, s + CHUNK);
      let count = 0;
      for (let ref = s; ref < e; ref++) if (this.series.has(ref)) count++;
      if (count === 0) continue;
      body.reset();
      body.uvarint32(count);
      for (let ref = s; ref < e; ref++) if (this.series.has(ref)) writeSeries(body, ref, this.series.store);
      w.reset();
      frame(w, REC_SERIES, body.bytes());
      const b = w.bytes();
      let off = 0;
      while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
      this.current.size += b.length;
      this.bytesWritten += b.length;
    }
    this.current.snapshot = this.current.size - start;
    this.dirty = true;
  }

  /**
   * Truncation: deletes closed segments that every reader has passed and that are older
   * than minKeepaliveMs, and any closed segment older than maxKeepaliveMs. Cuts a new
   * segment first so the current one can be deleted next time. Returns deleted indexes.
   */
  truncate(lowestNeeded: number, minKeepaliveMs: number, maxKeepaliveMs: number, now = Date.now()): number[] {
    if (this.current.size > 0) this.cut();
    const deleted: number[] = [];
    const keep: Segment[] = [];
    for (const s of this.segments) {
      const closed = s !== this.current;
      const age = now - s.lastWriteMs;
      const passed = s.index < lowestNeeded;
      if (closed && ((passed && age >= minKeepaliveMs) || age >= maxKeepaliveMs)) {
        try {
          unlinkSync(join(this.dir, segName(s.index)));
        } catch {
          // already gone
        }
        deleted.push(s.index);
      } else keep.push(s);
    }
    this.segments = keep;
    return deleted;
  }

  /**
   * Series garbage collection (Alloy's WAL storage gc): forgets the series whose newest
   * sample is older than beforeTs and whose records are all in segments before beforeSeg.
   * Call before truncate(), whose new segment then holds only the live series.
   */
  gcSeries(beforeTs: number, beforeSeg: number): number[] {
    const removed = this.series.gc(beforeTs, beforeSeg);
    // Producer refs may point at removed WAL refs: rebuild the maps.
    if (removed.length > 0) this.refMapObjs.clear();
    return removed;
  }

  segmentCount(): number {
    return this.segments.length;
  }

  close(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.fd >= 0) {
      this.sync();
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  // Producer table id -> producer ref -> WAL ref + 1 (0 unknown), least recently used
  // first. Every scrape target forwards its own table, so the maps must hold one per
  // target: evicting a live one makes every later batch of that target re-intern all
  // of its series. Bounded by the total of map entries, not by the number of tables.
  private readonly refMapObjs = new Map<number, RefMap>();

  private refMap(batch: MetricsBatch): RefMap {
    const id = batch.series.id;
    let m = this.refMapObjs.get(id);
    if (m) {
      this.refMapObjs.delete(id);
      this.refMapObjs.set(id, m);
      return m;
    }
    m = { arr: new Uint32Array(Math.max(64, batch.series.size)) };
    this.refMapObjs.set(id, m);
    // A new table is rare (a new target, or a producer renumbering): summing is cheap.
    let entries = 0;
    for (const x of this.refMapObjs.values()) entries += x.arr.length;
    for (const [oldId, old] of this.refMapObjs) {
      if (entries <= MAX_REF_MAP_ENTRIES || old === m) break;
      this.refMapObjs.delete(oldId);
      entries -= old.arr.length;
    }
    return m;
  }
}

/** Upper bound on producer-ref map entries kept (4 bytes each): 64 MiB. */
const MAX_REF_MAP_ENTRIES = 1 << 24;

interface RefMap {
  arr: Uint32Array;
}

/** Makes room for ref in a producer-ref map (doubling). */
function growRefMap(m: RefMap, ref: number): void {
  let n = m.arr.length * 2;
  while (n <= ref) n *= 2;
  const a = new Uint32Array(n);
  a.set(m.arr);
  m.arr = a;
}

/** A SERIES entry: ref, length, the stored Label fields. */
function writeSeries(w: ProtoWriter, ref: number, store: ByteStore): void {
  const n = store.len[ref] as number;
  w.uvarint32(ref);
  if (n <= 0) {
    w.uvarint32(0);
    return;
  }
  w.uvarint32(n);
  const o = store.offsetOf(ref);
  w.raw(store.chunkOf(ref).subarray(o, o + n));
}

const utf8d = new TextDecoder();

function frame(w: ProtoWriter, type: number, payload: Uint8Array): void {
  w.ensure(HEADER + payload.length);
  const p = w.pos;
  const buf = w.buf;
  buf[p] = type;
  const len = payload.length;
  const crc = crc32(payload);
  buf[p + 1] = len;
  buf[p + 2] = len >>> 8;
  buf[p + 3] = len >>> 16;
  buf[p + 4] = len >>> 24;
  buf[p + 5] = crc;
  buf[p + 6] = crc >>> 8;
  buf[p + 7] = crc >>> 16;
  buf[p + 8] = crc >>> 24;
  buf.set(payload, p + HEADER);
  w.pos = p + HEADER + len;
}

/** A record read back from a segment; buf[start, end) is the payload. */
export interface WalRecord {
  type: number;
  buf: Uint8Array;
  start: number;
  end: number;
  /** Offset of the next record in the segment. */
  next: number;
}

/** Reads records from segment files through a reusable buffer. */
const READ_AHEAD = 1 << 20;

export class SegmentReader {
  private buf = Buffer.allocUnsafe(READ_AHEAD);
  private bufSeg = -1;
  private bufOff = 0;
  private bufLen = 0;
  private fd = -1;
  private fdSeg = -1;

  constructor(private readonly dir: string) {}

  /** The record at (seg, off) if complete and valid within limit bytes, else null. */
  next(seg: number, off: number, limit: number): WalRecord | null {
    if (off + HEADER > limit) return null;
    if (!this.load(seg, off, HEADER)) return null;
    let p = off - this.bufOff;
    const type = this.buf[p] as number;
    const len = this.buf.readUInt32LE(p + 1);
    const crc = this.buf.readUInt32LE(p + 5);
    if (type < REC_MIN || type > REC_MAX || off + HEADER + len > limit) return null;
    if (!this.load(seg, off, HEADER + len)) return null;
    p = off - this.bufOff;
    const payload = this.buf.subarray(p + HEADER, p + HEADER + len);
    if (crc32(payload) !== crc) return null;
    return { type, buf: this.buf, start: p + HEADER, end: p + HEADER + len, next: off + HEADER + len };
  }

  private load(seg: number, off: number, n: number): boolean {
    if (seg === this.bufSeg && off >= this.bufOff && off + n <= this.bufOff + this.bufLen) return true;
    if (this.fdSeg !== seg) {
      this.close();
      try {
        this.fd = openSync(join(this.dir, segName(seg)), "r");
      } catch {
        return false;
      }
      this.fdSeg = seg;
    }
    // Exactly the size of a record larger than the read-ahead, and back to the read-ahead
    // after it (a target's first scrape writes one large series record, then small ones).
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    else if (this.buf.length > READ_AHEAD && n <= READ_AHEAD) this.buf = Buffer.allocUnsafe(READ_AHEAD);
    const got = readSync(this.fd, this.buf, 0, this.buf.length, off);
    this.bufSeg = seg;
    this.bufOff = off;
    this.bufLen = got;
    return got >= n;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.fdSeg = -1;
    this.bufSeg = -1;
  }
}

/** A varint cursor over WAL payloads. */
export class Cursor {
  constructor(
    public buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error("truncated WAL record");
      const b = this.buf[this.pos++] as number;
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
    }
  }

  svarint(): number {
    const v = this.uvarint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  string(): string {
    const n = this.uvarint();
    const s = this.pos;
    this.pos += n;
    return utf8d.decode(this.buf.subarray(s, s + n));
  }

  double(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }
}
