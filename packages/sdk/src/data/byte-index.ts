// A content index over a ByteStore: the ref holding given bytes. Open addressing with
// linear probing (a slot holds ref + 1, 0 is empty), never more than half full, and the
// 32-bit hash of each ref (hashBytes) kept so that growing or rebuilding the index never
// reads the bytes again. No object per entry.
import type { ByteStore } from "./byte-store.js";
import { growTypedArray } from "./typed-arrays.js";

export class ByteIndex {
  private hashes = new Uint32Array(64);
  private slots = new Int32Array(128);
  private indexed = 0;
  /** One past the highest ref indexed. */
  private end = 0;

  constructor(private readonly store: ByteStore) {}

  /** The indexed ref holding enc[0, enc.length) (h = hashBytes of it), or -1. */
  find(enc: Uint8Array, h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = slotOf(h) & mask; ; i = (i + 1) & mask) {
      const r = (slots[i] as number) - 1;
      if (r < 0) return -1;
      if (this.hashes[r] === h && this.store.equals(r, enc, 0, enc.length)) return r;
    }
  }

  /** Indexes a ref, once, under its hash; its bytes must already be in the store. */
  add(ref: number, h: number): void {
    this.hashes = growTypedArray(this.hashes, ref + 1);
    this.hashes[ref] = h;
    if (ref >= this.end) this.end = ref + 1;
    // A rebuild indexes every stored ref, this one included.
    if (2 * (this.indexed + 1) > this.slots.length) this.rebuild(this.slots.length * 2);
    else this.insert(ref);
  }

  /** The hash a ref was indexed under (0 for a ref never indexed). */
  hash(ref: number): number {
    return ref >= 0 && ref < this.hashes.length ? (this.hashes[ref] as number) : 0;
  }

  /** Drops the refs the store no longer has (after ByteStore.forget). */
  prune(): void {
    let live = 0;
    for (let ref = 0; ref < this.end; ref++) if (this.store.has(ref)) live++;
    let size = 128;
    while (size < 2 * (live + 1)) size *= 2;
    this.rebuild(size);
  }

  /** A new slot table of `size` holding every indexed ref still in the store. */
  private rebuild(size: number): void {
    this.slots = new Int32Array(size);
    this.indexed = 0;
    for (let ref = 0; ref < this.end; ref++) if (this.store.has(ref)) this.insert(ref);
  }

  private insert(ref: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = slotOf(this.hashes[ref] as number) & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = ref + 1;
    this.indexed++;
  }
}

/** A well-mixed slot from a 32-bit hash. */
function slotOf(h: number): number {
  const x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return x ^ (x >>> 13);
}
