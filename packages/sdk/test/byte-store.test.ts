import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteStore } from "../src/index.js";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("ByteStore", () => {
  it("keeps bytes by ref; null or empty is present with nothing to send; absent is undefined", () => {
    const s = new ByteStore();
    s.put(3, bytes(5, 7));
    s.put(4, null);
    s.put(5, new Uint8Array(0));
    assert.deepEqual(s.bytes(3), bytes(5, 7));
    assert.equal(s.len[3], 5);
    assert.deepEqual(s.bytes(4), new Uint8Array(0));
    assert.equal(s.len[4], -1);
    assert.equal(s.len[5], -1);
    assert.equal(s.bytes(0), undefined);
    assert.equal(s.bytes(10_000), undefined, "beyond the ref arrays");
    assert.equal(s.has(3), true);
    assert.equal(s.has(4), true);
    assert.equal(s.has(2), false);
    assert.equal(s.equals(3, bytes(5, 7), 0, 5), true);
    assert.equal(s.equals(3, bytes(5, 8), 0, 5), false);
    assert.equal(s.equals(3, bytes(4, 7), 0, 4), false);
    assert.equal(s.equals(4, bytes(1, 0), 0, 0), true, "empty equals empty");
  });

  it("fills chunks without splitting an entry; a larger entry gets a chunk of its own", () => {
    const s = new ByteStore();
    const n = 3000;
    for (let r = 0; r < n; r++) s.put(r, bytes(1000, r & 255));
    assert.equal(s.chunks.length, Math.ceil(n / Math.floor(ByteStore.CHUNK_SIZE / 1000)));
    for (let r = 0; r < n; r++) {
      const b = s.bytes(r) as Uint8Array;
      assert.equal(b.length, 1000);
      assert.ok(
        b.every((x) => x === (r & 255)),
        `ref ${r}`,
      );
      assert.equal(s.chunkOf(r)[s.offsetOf(r)], r & 255);
    }
    const big = bytes(ByteStore.CHUNK_SIZE + 10, 9);
    s.put(n, big);
    s.put(n + 1, bytes(10, 1));
    assert.deepEqual(s.bytes(n), big);
    assert.deepEqual(s.bytes(n + 1), bytes(10, 1));
    assert.equal(s.offsetOf(n), 0);
    assert.notEqual(s.chunkOf(n), s.chunkOf(n + 1), "the big entry's chunk is its own");
  });

  it("forgets refs and compacts once the garbage outweighs what is live, keeping every live entry", () => {
    const s = new ByteStore();
    for (let r = 0; r < 4000; r++) s.put(r, bytes(1000, r & 255));
    const before = s.chunks.length;
    s.forget(Array.from({ length: 3000 }, (_, i) => i));
    assert.ok(s.chunks.length < before, `${s.chunks.length} chunks after compaction (was ${before})`);
    for (let r = 0; r < 3000; r++) assert.equal(s.bytes(r), undefined);
    for (let r = 3000; r < 4000; r++) assert.ok((s.bytes(r) as Uint8Array).every((x) => x === (r & 255)));
    // A forgotten ref can be stored again.
    s.put(5, bytes(3, 1));
    assert.deepEqual(s.bytes(5), bytes(3, 1));
  });
});
