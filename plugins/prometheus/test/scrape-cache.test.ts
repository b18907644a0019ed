import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashKeyBytes, hashKeyString, internString, keyHash, SeriesCache } from "../src/scrape/cache.js";

const enc = new TextEncoder();
function hashOf(s: string): [number, number] {
  const b = enc.encode(`xx${s}yy`);
  hashKeyBytes(b, 2, b.length - 2);
  return [keyHash.h1, keyHash.h2];
}

describe("scrape series cache", () => {
  it("hashes the key bytes of a range, independent of what surrounds it", () => {
    const a = hashOf('m{a="1"}');
    const b = enc.encode('zzzm{a="1"}');
    hashKeyBytes(b, 3, b.length);
    assert.deepEqual([keyHash.h1, keyHash.h2], a);
    assert.notDeepEqual(hashOf('m{a="2"}'), a);
    assert.notDeepEqual(hashOf('m{a="1"} '), a);
    // ASCII keys hash the same as bytes or as a string? Not required; but distinct strings differ.
    hashKeyString('m{a="1"}');
    const s1 = [keyHash.h1, keyHash.h2];
    hashKeyString('m{a="2"}');
    assert.notDeepEqual([keyHash.h1, keyHash.h2], s1);
  });

  it("has no hash collisions over 200k similar keys (both lanes)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const [h1, h2] = hashOf(`bench_requests_${i % 100}_total{idx="${i}",path="/api/v1/resource/${i}"}`);
      seen.add(`${h1}:${h2}`);
    }
    assert.equal(seen.size, 200_000);
  });

  it("maps keys to refs, grows, retains live entries and remaps", () => {
    const c = new SeriesCache();
    const n = 50_000;
    const keys: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const k = hashOf(`k${i}`);
      keys.push(k);
      assert.equal(c.get(k[0], k[1], String(i).length + 1), -1);
      c.set(k[0], k[1], String(i).length + 1, i);
    }
    assert.equal(c.size, n);
    for (let i = 0; i < n; i++) assert.equal(c.get(keys[i]![0], keys[i]![1], String(i).length + 1), i);
    // The length is part of the key.
    assert.equal(c.get(keys[5]![0], keys[5]![1], 99), -1);
    c.retain((ref) => ref % 2 === 0);
    assert.equal(c.size, n / 2);
    for (let i = 0; i < n; i++)
      assert.equal(c.get(keys[i]![0], keys[i]![1], String(i).length + 1), i % 2 === 0 ? i : -1);
    c.remap((ref) => ref + 1);
    assert.equal(c.get(keys[4]![0], keys[4]![1], 2), 5);
    let count = 0;
    c.forEachRef(() => count++);
    assert.equal(count, n / 2);
    c.clear();
    assert.equal(c.size, 0);
    assert.equal(c.get(keys[4]![0], keys[4]![1], 2), -1);
  });

  it("interns strings: equal values share one string", () => {
    const a = internString(["GE", "T"].join(""));
    const b = internString(["G", "ET"].join(""));
    assert.equal(a, "GET");
    assert.equal(a, b);
    const long = "x".repeat(200);
    assert.equal(internString(long), long);
  });
});
