import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { labelsFromObject, MetricsBatchBuilder } from "@ingot/sdk";
import { Cursor, REC_SAMPLES, REC_SERIES, SegmentReader, Wal } from "../src/remote-write/wal.js";

function batch(b: MetricsBatchBuilder, n: number, t: number) {
  b.reset();
  for (let i = 0; i < n; i++) b.addLabels(labelsFromObject({ __name__: "m", i: String(i) }), t, i);
  return b.build();
}

describe("remote_write WAL", () => {
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
      assert.ok(segs > 3, `cut into ${segs} segments`);
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
});
