import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashKeyBytes, hashKeyString, keyHash, SeriesCache } from "../src/scrape/cache.js";

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
});

describe("scrape loop slices", () => {
  it("parses a large body in slices, letting timers run, and still appends every sample", async () => {
    const { ScrapeLoop, SLICE_MS } = await import("../src/scrape/loop.js");
    const { resolveTarget } = await import("../src/scrape/targets.js");
    const n = 150_000;
    const lines: string[] = ["# TYPE m counter"];
    for (let i = 0; i < n; i++) lines.push(`m{idx="${i}",path="/api/v1/resource/${i}"} ${i}`);
    const body = Buffer.from(`${lines.join("\n")}\n`);
    let appended = 0;
    let ref0Labels: string[] = [];
    const receiver = {
      append(b: { length: number; series: { labels(r: number): readonly string[] }; refs: Uint32Array }) {
        appended += b.length;
        if (b.length > 0) ref0Labels = [...b.series.labels(b.refs[0] as number)];
      },
    };
    const args = {
      honor_labels: false,
      honor_timestamps: true,
      track_timestamps_staleness: false,
      sample_limit: 0,
      label_limit: 0,
      label_name_length_limit: 0,
      label_value_length_limit: 0,
      extra_metrics: false,
      scrape_fallback_protocol: "PrometheusText0.0.4",
    };
    const client = { scrape: async () => ({ contentType: "text/plain; version=0.0.4", body }) };
    const t = resolveTarget(
      { __address__: "127.0.0.1:1" },
      { jobName: "j", scheme: "http", metricsPath: "/metrics", intervalMs: 60_000, timeoutMs: 10_000, params: {} },
    );
    assert.notEqual(typeof t, "string");
    type LoopArgs = ConstructorParameters<typeof ScrapeLoop>;
    const loop = new ScrapeLoop(
      t as LoopArgs[0],
      { args, client, receivers: [receiver], forcedError: undefined, seed: 1 } as unknown as LoopArgs[1],
    );
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await loop.scrapeOnce(new AbortController().signal);
    const ms = performance.now() - t0;
    clearInterval(timer);
    assert.equal(loop.health, "up", loop.lastError);
    assert.equal(appended, n + 5, "every sample plus the 5 report series");
    assert.deepEqual(ref0Labels, [
      "__name__",
      "m",
      "idx",
      "0",
      "instance",
      "127.0.0.1:1",
      "job",
      "j",
      "path",
      "/api/v1/resource/0",
    ]);
    // The parse took several slices; timers ran in between.
    assert.ok(ms > 2 * SLICE_MS, `parse took ${ms} ms`);
    assert.ok(ticks > 0, `no timer ran during a ${ms.toFixed(0)} ms parse`);
    // A second scrape hits the cache: no series added, same refs.
    appended = 0;
    await loop.scrapeOnce(new AbortController().signal);
    assert.equal(appended, n + 5);
  });
});
