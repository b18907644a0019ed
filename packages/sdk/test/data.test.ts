import assert from "node:assert/strict";
import { test } from "node:test";
import { hashBytes } from "../src/data/label-bytes.js";
import {
  compareLabels,
  hashLabels,
  labelsEqual,
  labelsFromObject,
  labelsFromPairs,
  labelsString,
  labelsToObject,
  labelValue,
} from "../src/data/labels.js";
import { entryTimestampNs, LogsBatchBuilder, splitTimestampNs } from "../src/data/logs.js";
import {
  appendToAll,
  isStaleAt,
  isStaleNaN,
  type MetricsBatch,
  MetricsBatchBuilder,
  type MetricsReceiver,
  SeriesTable,
  STALE_NAN,
  STALE_NAN_BITS,
} from "../src/data/metrics.js";
import { countDataPoints, countLogRecords, countSpans } from "../src/data/otlp.js";

test("labels are sorted pairs; duplicates keep the last; empty values dropped", () => {
  const l = labelsFromPairs(["job", "a", "__name__", "up", "instance", "", "job", "b"]);
  assert.deepEqual(l, ["__name__", "up", "job", "b"]);
  assert.equal(labelValue(l, "job"), "b");
  assert.equal(labelValue(l, "nope"), "");
  assert.deepEqual(labelsToObject(l), { __name__: "up", job: "b" });
  assert.equal(labelsString(l), '{__name__="up", job="b"}');
  assert.ok(labelsEqual(l, labelsFromObject({ job: "b", __name__: "up" })));
  assert.ok(compareLabels(labelsFromObject({ a: "1" }), labelsFromObject({ a: "2" })) < 0);
  assert.ok(compareLabels(labelsFromObject({ a: "1" }), labelsFromObject({ a: "1", b: "1" })) < 0);
  assert.equal(compareLabels(l, [...l]), 0);
});

test("hashLabels is stable, safe-integer, and separates boundaries", () => {
  const h = hashLabels(["__name__", "up", "job", "x"]);
  assert.equal(h, hashLabels(["__name__", "up", "job", "x"]));
  assert.ok(Number.isSafeInteger(h) && h >= 0);
  assert.notEqual(hashLabels(["ab", "c"]), hashLabels(["a", "bc"]));
  // Pinned value: the hash must not change between releases (it drives sharding and offsets).
  assert.equal(hashLabels([]), 0x811c9dc5 * 0x200000 + (0xcbf29ce4 >>> 11));
  const seen = new Set<number>();
  for (let i = 0; i < 20000; i++) seen.add(hashLabels(["__name__", "m", "i", String(i)]));
  assert.equal(seen.size, 20000);
});

test("SeriesTable interns, looks up and keeps refs stable", () => {
  const t = new SeriesTable();
  const a = t.intern(labelsFromObject({ __name__: "up", job: "a" }));
  const b = t.intern(labelsFromObject({ __name__: "up", job: "b" }));
  assert.equal(t.intern(labelsFromObject({ job: "a", __name__: "up" })), a);
  assert.notEqual(a, b);
  assert.equal(t.size, 2);
  assert.equal(t.lookup(labelsFromObject({ job: "b", __name__: "up" })), b);
  assert.equal(t.lookup(labelsFromObject({ job: "c" })), -1);
  assert.deepEqual(labelsToObject(t.labels(b)), { __name__: "up", job: "b" });
  const enc = t.encoded(a);
  assert.equal(t.hash(a), hashBytes(enc, 0, enc.length));
  assert.notEqual(new SeriesTable().id, t.id);
});

test("SeriesTable keeps refs and lookups right through index growth (100k series)", () => {
  const t = new SeriesTable();
  const n = 100_000;
  for (let i = 0; i < n; i++) assert.equal(t.intern(["__name__", "m", "i", String(i)]), i);
  assert.equal(t.size, n);
  for (let i = 0; i < n; i += 997) {
    assert.equal(t.lookup(["__name__", "m", "i", String(i)]), i);
    assert.equal(t.intern(["__name__", "m", "i", String(i)]), i, "interning again returns the same ref");
    assert.equal(t.labels(i)[3], String(i));
    assert.equal(t.hash(i), hashBytes(t.encoded(i), 0, t.encoded(i).length));
  }
  assert.equal(t.size, n);
  assert.equal(t.lookup(["__name__", "m", "i", String(n)]), -1);
  assert.deepEqual(t.labels(n), []);
  assert.equal(t.hash(-1), 0);
});

test("STALE_NAN has Prometheus's bit pattern and survives typed arrays", () => {
  const bits = new Uint32Array(new Float64Array([STALE_NAN]).buffer);
  assert.equal(bits[0], 2, "payload 2");
  assert.equal((bits[1] as number) & 0x7ff7ffff, STALE_NAN_BITS[0]);
  // The exact wire pattern read back (e.g. from a remote-write body) is recognised too.
  const wire = new DataView(new ArrayBuffer(8));
  wire.setUint32(0, STALE_NAN_BITS[0]);
  wire.setUint32(4, STALE_NAN_BITS[1]);
  assert.ok(isStaleNaN(wire.getFloat64(0)));
  assert.ok(isStaleNaN(STALE_NAN));
  assert.ok(!isStaleNaN(Number.NaN));
  assert.ok(!isStaleNaN(1));
  const b = new MetricsBatchBuilder();
  b.addLabels(["__name__", "x"], 1, STALE_NAN);
  b.addLabels(["__name__", "x"], 2, Number.NaN);
  const batch = b.build();
  assert.ok(isStaleAt(batch.values, 0));
  assert.ok(!isStaleAt(batch.values, 1));
  assert.ok(isStaleNaN(batch.values[0] as number));
});

test("MetricsBatchBuilder grows typed arrays, builds views and reuses buffers", () => {
  const b = new MetricsBatchBuilder();
  for (let i = 0; i < 1000; i++) b.addLabels(labelsFromObject({ __name__: "m", i: String(i % 10) }), 1000 + i, i);
  const batch = b.build();
  assert.equal(batch.length, 1000);
  assert.equal(batch.refs.length, 1000);
  assert.equal(batch.series.size, 10);
  assert.equal(batch.values[999], 999);
  assert.equal(batch.timestamps[5], 1005);
  assert.deepEqual(labelsToObject(batch.series.labels(batch.refs[13] as number)), { __name__: "m", i: "3" });
  const buffer = batch.values.buffer;
  b.reset();
  assert.equal(b.length, 0);
  b.add(0, 1, 2);
  assert.equal(b.build().values.buffer, buffer, "the buffer is reused after reset");
});

test("exemplars, native histograms and metadata travel in columns", () => {
  const b = new MetricsBatchBuilder();
  const ref = b.addLabels(["__name__", "h"], 10, 1);
  b.addExemplar(ref, ["trace_id", "abc"], 0.5, 9);
  b.addHistogram(ref, 10, {
    count: 5,
    sum: 2.5,
    schema: 3,
    zeroThreshold: 1e-128,
    zeroCount: 1,
    positiveSpans: [{ offset: 0, length: 2 }],
    positiveBuckets: [1, 2],
  });
  b.addHistogram(ref, 20, {
    count: 1,
    sum: -1,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    negativeSpans: [{ offset: 1, length: 1 }],
    negativeBuckets: [1],
  });
  b.addMetadata({ family: "h", type: "histogram", help: "a histogram", unit: "" });
  const batch = b.build();
  assert.equal(batch.exemplars?.length, 1);
  assert.deepEqual(batch.exemplars?.labels[0], ["trace_id", "abc"]);
  const h = batch.histograms!;
  assert.equal(h.length, 2);
  assert.deepEqual([...h.positiveBucketStart], [0, 2, 2]);
  assert.deepEqual([...h.positiveBuckets], [1, 2]);
  assert.deepEqual([...h.negativeSpanStart], [0, 0, 1]);
  assert.deepEqual([...h.negativeSpanOffsets], [1]);
  assert.deepEqual([...h.schemas], [3, 0]);
  assert.equal(batch.metadata?.[0]?.type, "histogram");
});

test("appendToAll waits for receivers that return promises, and only then", async () => {
  const got: number[] = [];
  const sync: MetricsReceiver = { append: (b: MetricsBatch) => void got.push(b.length) };
  const b = new MetricsBatchBuilder();
  b.add(b.series.intern(["a", "b"]), 1, 1);
  assert.equal(appendToAll([sync, sync], b.build()), undefined);
  let release!: () => void;
  const slow: MetricsReceiver = { append: () => new Promise<void>((r) => (release = r)) };
  const p = appendToAll([sync, slow], b.build());
  assert.ok(p instanceof Promise);
  let done = false;
  void p!.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  release();
  await p;
  assert.deepEqual(got, [1, 1, 1]);
});

test("LogsBatchBuilder shares stream labels and keeps nanosecond timestamps", () => {
  const b = new LogsBatchBuilder();
  const s1 = labelsFromObject({ job: "a" });
  b.add(s1, 1700000000123, "one", undefined, 456789);
  b.add(labelsFromObject({ job: "b" }), 5, "two", ["trace_id", "x"]);
  b.add(labelsFromObject({ job: "a" }), 6, "three", undefined, 7);
  const batch = b.build();
  assert.equal(batch.length, 3);
  assert.equal(batch.streams.length, 2);
  assert.deepEqual([...batch.streamIndex], [0, 1, 0]);
  assert.equal(entryTimestampNs(batch, 0), 1700000000123456789n);
  assert.equal(entryTimestampNs(batch, 2), 6000007n);
  assert.deepEqual(batch.structuredMetadata?.[1], ["trace_id", "x"]);
  assert.equal(batch.structuredMetadata?.[0], undefined);
  assert.deepEqual(batch.lines, ["one", "two", "three"]);
  assert.deepEqual(splitTimestampNs(1700000000123456789n), { ms: 1700000000123, nanos: 456789 });
  assert.deepEqual(splitTimestampNs(-1n), { ms: -1, nanos: 999999 });
  b.reset();
  assert.equal(b.build().length, 0);
});

test("OTLP request counters", () => {
  assert.equal(
    countSpans({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ traceId: "a", spanId: "b", name: "n", startTimeUnixNano: "1", endTimeUnixNano: "2" }] },
          ],
        },
      ],
    }),
    1,
  );
  assert.equal(countLogRecords({ resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}] }] }] }), 2);
  assert.equal(
    countDataPoints({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: "g", gauge: { dataPoints: [{ timeUnixNano: "1", asDouble: 1 }] } },
                {
                  name: "s",
                  sum: {
                    dataPoints: [
                      { timeUnixNano: "1", asInt: "2" },
                      { timeUnixNano: "2", asInt: 3 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
    3,
  );
});
