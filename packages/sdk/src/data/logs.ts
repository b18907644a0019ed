// The logs data model components exchange: batches of log entries in columns, with
// the label sets of their streams shared, after Loki's push model. A LogsReceiver is
// what a `forward_to` list of loki.* components holds.
import { hashLabels, type Labels, labelsEqual } from "./labels.js";

/** Capsule type name of a LogsReceiver (x-alloy-capsule in schemas). */
export const CAPSULE_LOGS_RECEIVER = "LogsReceiver";

/**
 * A batch of log entries. Entry i belongs to stream streams[streamIndex[i]] and has
 * the time timestampsMs[i] (whole ms since the epoch) + nanos[i] (0..999999 ns within
 * that ms), the text lines[i], and optional structured metadata.
 *
 * Ownership as for MetricsBatch: arrays are valid until append() returns or its
 * promise resolves; copy what you keep.
 */
export interface LogsBatch {
  length: number;
  /** Distinct stream label sets (sorted label arrays). */
  streams: Labels[];
  streamIndex: Uint32Array;
  timestampsMs: Float64Array;
  nanos: Uint32Array;
  lines: string[];
  /** Loki structured metadata per entry (sorted label arrays), when any entry has some. */
  structuredMetadata?: (Labels | undefined)[];
}

/** Where log entries are sent; return a promise to apply backpressure. */
export interface LogsReceiver {
  append(batch: LogsBatch): void | Promise<void>;
}

/** An entry's timestamp in nanoseconds since the epoch (exact, as a bigint). */
export function entryTimestampNs(batch: LogsBatch, i: number): bigint {
  return BigInt(batch.timestampsMs[i] as number) * 1_000_000n + BigInt(batch.nanos[i] as number);
}

/** Splits a nanosecond timestamp into the batch's ms + ns columns. */
export function splitTimestampNs(ns: bigint): { ms: number; nanos: number } {
  let ms = ns / 1_000_000n;
  let rest = ns % 1_000_000n;
  if (rest < 0n) {
    rest += 1_000_000n;
    ms -= 1n;
  }
  return { ms: Number(ms), nanos: Number(rest) };
}

/** Sends a batch to every receiver; undefined when all accepted synchronously. */
export function appendLogsToAll(receivers: readonly LogsReceiver[], batch: LogsBatch): Promise<void> | undefined {
  let pending: Promise<void>[] | undefined;
  for (const r of receivers) {
    const p = r.append(batch);
    if (p) (pending ??= []).push(p);
  }
  return pending ? Promise.all(pending).then(() => undefined) : undefined;
}

function grow<T extends Float64Array | Uint32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Builds LogsBatches, interning stream label sets within the batch. */
export class LogsBatchBuilder {
  private n = 0;
  private streams: Labels[] = [];
  private streamByHash = new Map<number, number[]>();
  private idx = new Uint32Array(64);
  private ms = new Float64Array(64);
  private ns = new Uint32Array(64);
  private lines: string[] = [];
  private meta?: (Labels | undefined)[];

  get length(): number {
    return this.n;
  }

  /** Adds an entry; the timestamp is ms (fractions allowed) plus optional extra ns. */
  add(stream: Labels, timestampMs: number, line: string, structuredMetadata?: Labels, extraNanos = 0): void {
    const i = this.n;
    if (i === this.idx.length) {
      this.idx = grow(this.idx, i + 1);
      this.ms = grow(this.ms, i + 1);
      this.ns = grow(this.ns, i + 1);
    }
    const whole = Math.floor(timestampMs);
    let nanos = Math.round((timestampMs - whole) * 1e6) + extraNanos;
    let msPart = whole;
    if (nanos >= 1_000_000) {
      msPart += Math.floor(nanos / 1_000_000);
      nanos %= 1_000_000;
    }
    this.idx[i] = this.streamRef(stream);
    this.ms[i] = msPart;
    this.ns[i] = nanos;
    this.lines[i] = line;
    if (structuredMetadata !== undefined && structuredMetadata.length > 0) {
      this.meta ??= new Array(i);
      this.meta[i] = structuredMetadata;
    } else if (this.meta) this.meta[i] = undefined;
    this.n = i + 1;
  }

  private streamRef(stream: Labels): number {
    const h = hashLabels(stream);
    const list = this.streamByHash.get(h);
    if (list) for (const r of list) if (labelsEqual(this.streams[r] as Labels, stream)) return r;
    const r = this.streams.length;
    this.streams.push(stream);
    if (list) list.push(r);
    else this.streamByHash.set(h, [r]);
    return r;
  }

  build(): LogsBatch {
    const n = this.n;
    const b: LogsBatch = {
      length: n,
      streams: this.streams.slice(),
      streamIndex: this.idx.subarray(0, n),
      timestampsMs: this.ms.subarray(0, n),
      nanos: this.ns.subarray(0, n),
      lines: this.lines.slice(0, n),
    };
    if (this.meta) {
      const m = this.meta.slice(0, n);
      m.length = n;
      b.structuredMetadata = m;
    }
    return b;
  }

  reset(): void {
    this.n = 0;
    this.streams = [];
    this.streamByHash.clear();
    this.lines.length = 0;
    this.meta = undefined;
  }
}
