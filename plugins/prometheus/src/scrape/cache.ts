// The scrape loop's series cache (Prometheus's scrapeCache.series): raw series key of a
// scraped line -> ref in the loop's SeriesTable, so labels are only built for new series.
// Keys are not kept as strings: each key is identified by a 64-bit hash of its bytes
// (two independent 32-bit lanes) plus its length, stored in typed arrays with open
// addressing — 16 bytes a slot, at most half the slots used, no object per series.
// Two different keys of one target collide only with probability ~n²/2^65 (about 3e-8
// for a million series), which we accept as Prometheus accepts its 64-bit series hashes.

/** Lanes of the last keyHash call (module state: no allocation per sample). */
export const keyHash = { h1: 0, h2: 0 };

/**
 * Hashes bytes b[start, end) into keyHash: 4 bytes at a time, lane 1 as MurmurHash3's
 * x86_32 body, lane 2 a multiplicative hash of the same words with other constants.
 */
export function hashKeyBytes(b: Uint8Array, start: number, end: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  let i = start;
  const end4 = end - 3;
  for (; i < end4; i += 4) {
    const w =
      (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = Math.imul(h2 ^ w, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  for (; i < end; i++) {
    const c = b[i] as number;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  keyHash.h1 = h1;
  keyHash.h2 = h2;
}

/** Hashes the UTF-16 code units of a string key (parsers without byte offsets). */
export function hashKeyString(s: string): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  keyHash.h1 = h1;
  keyHash.h2 = h2;
}

const EMPTY = -1;

export class SeriesCache {
  private h1 = new Int32Array(256);
  private h2 = new Int32Array(256);
  private len = new Int32Array(256);
  private ref = new Int32Array(256).fill(EMPTY);
  private mask = 255;
  private n = 0;

  get size(): number {
    return this.n;
  }

  private slot(h1: number, h2: number): number {
    let x = Math.imul(h1 ^ (h2 >>> 7), 0x9e3779b1);
    x ^= x >>> 15;
    return x & this.mask;
  }

  /** The ref of the key (keyHash lanes + byte length), or -1. */
  get(h1: number, h2: number, len: number): number {
    const refs = this.ref;
    let i = this.slot(h1, h2);
    for (;;) {
      const r = refs[i] as number;
      if (r === EMPTY) return -1;
      if (this.h1[i] === h1 && this.h2[i] === h2 && this.len[i] === len) return r;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds a key that get() did not find. */
  set(h1: number, h2: number, len: number, ref: number): void {
    if (2 * (this.n + 1) > this.ref.length) this.resize(this.ref.length * 2, () => true);
    this.put(h1, h2, len, ref);
    this.n++;
  }

  private put(h1: number, h2: number, len: number, ref: number): void {
    const refs = this.ref;
    let i = this.slot(h1, h2);
    while (refs[i] !== EMPTY) i = (i + 1) & this.mask;
    this.h1[i] = h1;
    this.h2[i] = h2;
    this.len[i] = len;
    refs[i] = ref;
  }

  /** Keeps only the entries whose ref passes `keep` (rebuilding the table, shrinking it when sparse). */
  retain(keep: (ref: number) => boolean): void {
    let live = 0;
    for (let i = 0; i < this.ref.length; i++) {
      const r = this.ref[i] as number;
      if (r !== EMPTY && keep(r)) live++;
    }
    let cap = 256;
    while (cap < 2 * live + 2) cap *= 2;
    this.resize(cap, keep);
  }

  /** Replaces every ref by map(ref). */
  remap(map: (ref: number) => number): void {
    for (let i = 0; i < this.ref.length; i++) {
      const r = this.ref[i] as number;
      if (r !== EMPTY) this.ref[i] = map(r);
    }
  }

  /** Calls f for every cached ref. */
  forEachRef(f: (ref: number) => void): void {
    for (let i = 0; i < this.ref.length; i++) {
      const r = this.ref[i] as number;
      if (r !== EMPTY) f(r);
    }
  }

  clear(): void {
    this.h1 = new Int32Array(256);
    this.h2 = new Int32Array(256);
    this.len = new Int32Array(256);
    this.ref = new Int32Array(256).fill(EMPTY);
    this.mask = 255;
    this.n = 0;
  }

  private resize(cap: number, keep: (ref: number) => boolean): void {
    const { h1, h2, len, ref } = this;
    this.h1 = new Int32Array(cap);
    this.h2 = new Int32Array(cap);
    this.len = new Int32Array(cap);
    this.ref = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    let n = 0;
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i] as number;
      if (r === EMPTY || !keep(r)) continue;
      this.put(h1[i] as number, h2[i] as number, len[i] as number, r);
      n++;
    }
    this.n = n;
  }
}
