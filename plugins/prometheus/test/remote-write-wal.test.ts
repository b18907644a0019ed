import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import { labelsFromObject, MetricsBatchBuilder } from "@ingot/sdk";
import { encodeLabelFields } from "../src/prompb/index.js";
import { Cursor, REC_SAMPLES, REC_SERIES, REC_SERIES_V1, SegmentReader, Wal } from "../src/remote-write/wal.js";

function batch(b: MetricsBatchBuilder, n: number, t: number) {
  b.reset();
  for (let i = 0; i < n; i++) b.addLabels(labelsFromObject({ __name__: "m", i: String(i) }), t, i);
  return b.build();
}

/** A framed WAL record: type, payload length and CRC-32 (u32 LE), payload. */
function record(type: number, payload: number[]): Buffer {
  const p = Buffer.from(payload);
  const h = Buffer.alloc(9);
  h[0] = type;
  h.writeUInt32LE(p.length, 1);
  h.writeUInt32LE(crc32(p), 5);
  return Buffer.concat([h, p]);
}

describe("remote_write WAL", () => {
  it("stores series as remote write Label fields and replays the type-1 series records of earlier versions", () => {
    const dir = mkdtempSync(join(tmpdir(), "ingot-wal-v1-"));
    try {
      // Written by an earlier version: SERIES_V1 {ref 0: a="1", __name__ first} and a sample of ref 0 at t=5.
      const str = (s: string) => [s.length, ...Buffer.from(s)];
      const v1 = record(REC_SERIES_V1, [1, 0, 2, ...str("__name__"), ...str("up"), ...str("a"), ...str("1")]);
      const sample = record(REC_SAMPLES, [1, 10, 0, 0, ...new Array(8).fill(0)]);
      writeFileSync(join(dir, "00000001"), Buffer.concat([v1, sample]));
      const wal = new Wal({ dir });
      wal.open();
      assert.equal(wal.stats.corruptions, 0);
      assert.deepEqual(wal.series.labels(0), ["__name__", "up", "a", "1"]);
      assert.deepEqual(wal.series.store.bytes(0), encodeLabelFields(["__name__", "up", "a", "1"]));
      assert.equal(wal.series.lastTs[0], 5);
      // The same labels from a producer find the replayed ref; new series get new refs.
      const b = new MetricsBatchBuilder();
      b.addLabels(["__name__", "up", "a", "1"], 10, 1);
      b.addLabels(["__name__", "up", "a", "2"], 10, 1);
      wal.append(b.build());
      assert.equal(wal.series.active, 2);
      assert.equal(wal.series.lookup(["__name__", "up", "a", "2"]), 1);
      wal.close();
      // Its own records (type 5) replay to the same series.
      const again = new Wal({ dir });
      again.open();
      assert.deepEqual(again.series.labels(1), ["__name__", "up", "a", "2"]);
      assert.equal(again.series.lookup(["__name__", "up", "a", "1"]), 0);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cuts segments, truncates by delivery and keepalive, and replays series", () => {
    const dir = mkdtempSync(join(tmpdir(), "ingot-wal-"));
    try {
      const wal = new Wal({ dir, segmentSize: 4096 });
      wal.open();
      const b = new MetricsBatchBuilder();
      for (let k = 0; k < 20; k++) wal.append(batch(b, 50, 1000 * k));
      assert.equal(wal.series.size, 50);
      assert.equal(wal.samplesAppended, 1000);
      const segs = wal.segmentCount();
      assert.ok(segs >= 3, `cut into ${segs} segments`);
      // Records read back: the first segment starts with the series record, then samples.
      const r = new SegmentReader(dir);
      const first = r.next(1, 0, 1 << 30)!;
      assert.equal(first.type, REC_SERIES);
      const second = r.next(1, first.next, 1 << 30)!;
      assert.equal(second.type, REC_SAMPLES);
      const c = new Cursor(second.buf, second.start, second.end);
      assert.equal(c.uvarint(), 50);
      r.close();
      // Nothing delivered: min keepalive keeps everything, max keepalive not reached.
      const now = Date.now();
      assert.deepEqual(wal.truncate(1, 300_000, 8 * 3600_000, now), []);
      // Delivered up to segment 3: segments 1 and 2 go once older than min keepalive.
      assert.deepEqual(wal.truncate(3, 300_000, 8 * 3600_000, now + 600_000), [1, 2]);
      // Past max keepalive everything closed goes, delivered or not.
      const before = wal.end().seg;
      const deleted = wal.truncate(1, 300_000, 3600_000, now + 2 * 3600_000);
      assert.ok(deleted.length > 0 && deleted.every((s) => s <= before));
      wal.close();
      // Reopen: series come back from the segment written at truncation.
      const again = new Wal({ dir, segmentSize: 4096 });
      again.open();
      assert.equal(again.series.size, 50);
      assert.deepEqual(again.series.labels(7), labelsFromObject({ __name__: "m", i: "7" }));
      assert.ok(again.end().seg > before);
      again.close();
      assert.ok(readdirSync(dir).length >= 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps one producer-ref map per producer table: 100 tables in turn re-intern nothing after the first round", () => {
    const dir = mkdtempSync(join(tmpdir(), "ingot-wal-maps-"));
    try {
      const wal = new Wal({ dir });
      wal.open();
      // One builder (one SeriesTable) per scrape target, as prometheus.scrape forwards them.
      const builders = Array.from({ length: 100 }, () => new MetricsBatchBuilder());
      const series = wal.series;
      const intern = series.internEncoded.bind(series);
      let interned = 0;
      series.internEncoded = (enc) => {
        interned++;
        return intern(enc);
      };
      const round = (t: number) => {
        builders.forEach((b, k) => {
          b.reset();
          for (let i = 0; i < 20; i++)
            b.addLabels(labelsFromObject({ __name__: "m", target: String(k), i: String(i) }), t, i);
          wal.append(b.build());
        });
      };
      round(1000);
      assert.equal(interned, 2000);
      round(2000);
      round(3000);
      assert.equal(interned, 2000, "later rounds resolve every ref from the maps");
      assert.equal(wal.series.size, 2000);
      wal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("garbage-collects series at truncation, writes only live series to the new segment, and gives a returning series a new ref", () => {
    const dir = mkdtempSync(join(tmpdir(), "ingot-wal-gc-"));
    try {
      const wal = new Wal({ dir });
      wal.open();
      const b = new MetricsBatchBuilder();
      const churn = (gen: number, t: number) => {
        b.reset();
        for (let i = 0; i < 100; i++)
          b.addLabels(labelsFromObject({ __name__: "m", gen: String(gen), i: String(i) }), t, i);
        return b.build();
      };
      wal.append(churn(1, 1000)); // segment 1
      wal.truncate(1, 0, 1e12); // cut: segment 2
      for (let k = 0; k < 3; k++) wal.append(churn(2, 5000 + k));
      assert.equal(wal.series.active, 200);
      // Generation 1 has no sample at/after 2000, but its segment (1) is not passed yet.
      assert.deepEqual(wal.gcSeries(2000, 1), []);
      // Passed (readers are in segment 2): generation 1 goes, generation 2 stays.
      const removed = wal.gcSeries(2000, 2);
      assert.equal(removed.length, 100);
      assert.equal(wal.series.active, 100);
      assert.equal(wal.series.removed, 100);
      assert.equal(wal.series.labels(removed[0] as number), undefined);
      wal.truncate(2, 0, 1e12); // deletes 1 (passed); new segment 3 holds only live series
      const r = new SegmentReader(dir);
      const first = r.next(3, 0, 1 << 30)!;
      assert.equal(first.type, REC_SERIES);
      assert.equal(new Cursor(first.buf, first.start, first.end).uvarint(), 100);
      r.close();
      // A generation-1 series coming back gets a new ref (refs are never reused).
      b.reset();
      b.addLabels(labelsFromObject({ __name__: "m", gen: "1", i: "0" }), 9000, 1);
      wal.append(b.build());
      const back = wal.series.lookup(labelsFromObject({ __name__: "m", gen: "1", i: "0" }));
      assert.ok(back >= 200, `new ref ${back}`);
      assert.equal(wal.series.active, 101);
      wal.close();
      // Replay: what the remaining segments define. Segment 2 (not passed yet) starts with
      // the series live when it was cut, so generation 1 comes back, with no samples: the
      // next collection drops it again (as Prometheus's agent after loading a checkpoint).
      const again = new Wal({ dir });
      again.open();
      assert.equal(again.series.active, 201);
      assert.deepEqual(again.series.labels(back), labelsFromObject({ __name__: "m", gen: "1", i: "0" }));
      assert.equal(again.series.lastTs[back], 9000);
      assert.equal(again.series.lastTs[0], Number.NEGATIVE_INFINITY);
      assert.equal(again.gcSeries(6000, 1e9).length, 200, "generation 1 and 2 (last sample 5002) collected");
      assert.equal(again.series.active, 1);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("does not count the series snapshot against the segment size (no cut on every append with many series)", () => {
    const dir = mkdtempSync(join(tmpdir(), "ingot-wal-snap-"));
    try {
      const wal = new Wal({ dir, segmentSize: 2048 });
      wal.open();
      const b = new MetricsBatchBuilder();
      wal.append(batch(b, 300, 1000)); // > 2048 bytes: cut, the new segment starts with 300 series
      const seg = wal.end().seg;
      assert.equal(seg, 2);
      assert.ok(wal.end().off > 2048, `snapshot of ${wal.end().off} bytes is larger than a segment`);
      for (let k = 0; k < 10; k++) wal.append(batch(b, 5, 2000 + k));
      assert.equal(wal.end().seg, seg, "small appends after a large snapshot stay in the segment");
      for (let k = 0; k < 40; k++) wal.append(batch(b, 5, 3000 + k));
      assert.ok(wal.end().seg > seg, "cut once 2048 bytes of records follow the snapshot");
      wal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
