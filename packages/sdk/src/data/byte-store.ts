// Byte strings by small integer ref (encoded label sets by series ref), in 256 KiB chunks
// (small enough that a table of a few thousand series wastes little of its last one).
// Compared with a string array per label set this is about half the memory and nothing
// for the GC to trace; compared with one doubling byte arena there is no slack from
// doubling and no copy when it grows.

import { growTypedArray } from "./typed-arrays.js";

const CHUNK_BITS = 18;
const CHUNK = 1 << CHUNK_BITS;
const OFFSET_MASK = CHUNK - 1;
/** loc holds the chunk index in its top 14 bits: 4 GiB in all. */
const MAX_CHUNKS = 1 << (32 - CHUNK_BITS);
const EMPTY = new Uint8Array(0);

export class ByteStore {
  static readonly CHUNK_SIZE = CHUNK;
  /** The bytes; an entry lies within one chunk (a larger one gets a chunk of its own). */
  chunks: Uint8Array[] = [];
  /** Per ref: chunk index << 18 | offset in the chunk. */
  loc = new Uint32Array(1024);
  /** Per ref: 0 absent, -1 present with no bytes (nothing to send), > 0 byte length. */
  len = new Int32Array(1024);
  /** The chunk new entries go to, and the bytes used in it. */
  private currentChunk = -1;
  private used = CHUNK;
  private live = 0;
  private garbage = 0;

  /** Stores a ref's bytes (null or empty: present, nothing to send). A ref is stored once. */
  put(ref: number, enc: Uint8Array | null): void {
    if (ref >= this.len.length) this.growRefs(ref);
    const n = enc === null ? 0 : enc.length;
    if (n === 0) {
      this.len[ref] = -1;
      return;
    }
    this.loc[ref] = this.place(enc as Uint8Array);
    this.len[ref] = n;
    this.live += n;
  }

  has(ref: number): boolean {
    return ref < this.len.length && this.len[ref] !== 0;
  }

  /** A view of a ref's bytes (empty for "nothing to send"), or undefined when absent. */
  bytes(ref: number): Uint8Array | undefined {
    const n = ref < this.len.length ? (this.len[ref] as number) : 0;
    if (n === 0) return undefined;
    if (n < 0) return EMPTY;
    const loc = this.loc[ref] as number;
    const o = loc & OFFSET_MASK;
    return (this.chunks[loc >>> CHUNK_BITS] as Uint8Array).subarray(o, o + n);
  }

  /** The chunk holding a ref's bytes and their offset in it (for encoders' hot loops). */
  chunkOf(ref: number): Uint8Array {
    return this.chunks[(this.loc[ref] as number) >>> CHUNK_BITS] as Uint8Array;
  }

  offsetOf(ref: number): number {
    return (this.loc[ref] as number) & OFFSET_MASK;
  }

  /** Whether a ref holds exactly buf[s, e). */
  equals(ref: number, buf: Uint8Array, s: number, e: number): boolean {
    const n = ref < this.len.length ? (this.len[ref] as number) : 0;
    if (n === 0) return false;
    if (n < 0) return e === s;
    if (n !== e - s) return false;
    const c = this.chunkOf(ref);
    const o = this.offsetOf(ref);
    for (let i = 0; i < n; i++) if (c[o + i] !== buf[s + i]) return false;
    return true;
  }

  /** Removes refs; the space is reclaimed by compaction once it is half of what is stored. */
  forget(refs: readonly number[]): void {
    for (const r of refs) {
      if (r >= this.len.length) continue;
      const n = this.len[r] as number;
      if (n > 0) {
        this.garbage += n;
        this.live -= n;
      }
      this.len[r] = 0;
    }
    if (this.garbage > CHUNK && this.garbage > this.live) this.compact();
  }

  private place(enc: Uint8Array): number {
    const n = enc.length;
    if (n > CHUNK) {
      // Its own chunk; the current one stays open for the next entries.
      const idx = this.addChunk(new Uint8Array(n));
      (this.chunks[idx] as Uint8Array).set(enc);
      return idx << CHUNK_BITS;
    }
    if (this.used + n > CHUNK) {
      this.addChunk(new Uint8Array(CHUNK));
      this.used = 0;
    }
    const idx = this.currentChunk;
    (this.chunks[idx] as Uint8Array).set(enc, this.used);
    const loc = (idx << CHUNK_BITS) | this.used;
    this.used += n;
    return loc >>> 0;
  }

  private addChunk(c: Uint8Array): number {
    if (this.chunks.length >= MAX_CHUNKS) throw new Error("byte store full (4 GiB)");
    this.chunks.push(c);
    const idx = this.chunks.length - 1;
    if (c.length === CHUNK) this.currentChunk = idx;
    return idx;
  }

  private compact(): void {
    const old = this.chunks;
    const oldLoc = this.loc;
    this.chunks = [];
    this.loc = new Uint32Array(oldLoc.length);
    this.used = CHUNK;
    this.currentChunk = -1;
    for (let r = 0; r < this.len.length; r++) {
      const n = this.len[r] as number;
      if (n <= 0) continue;
      const l = oldLoc[r] as number;
      const o = l & OFFSET_MASK;
      this.loc[r] = this.place((old[l >>> CHUNK_BITS] as Uint8Array).subarray(o, o + n));
    }
    this.garbage = 0;
  }

  private growRefs(ref: number): void {
    this.loc = growTypedArray(this.loc, ref + 1);
    this.len = growTypedArray(this.len, ref + 1);
  }
}
