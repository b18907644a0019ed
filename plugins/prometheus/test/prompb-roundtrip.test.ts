import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStaleNaN, labelsFromObject, labelsToObject, MetricsBatchBuilder, STALE_NAN } from "@ingot/sdk";
import {
  encodeExemplar,
  encodeHistogram,
  encodeLabelFields,
  ProtoWriter,
  WriteRequestDecoder,
  writeMessageSeries,
  writeMetadata,
  writeSampleNumber,
} from "../src/prompb/index.js";
import { labelsOf, pbDecode, pbEncode } from "./prompb-helpers.js";

const T = 1_700_000_000_123;

describe("prompb encoder", () => {
  it("writes samples protobufjs decodes exactly (specials, negative and zero timestamps)", () => {
    const w = new ProtoWriter(16);
    const lf = encodeLabelFields(
      labelsFromObject({ __name__: "m", job: "j", ünï: "cödé" }),
      labelsFromObject({ cluster: "c", job: "ext" }),
    );
    const values = [1.5, 0, -0, -3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e308, 5e-324, 42];
    const times = [T, T + 1, 0, -1, -1_700_000_000_000, 2 ** 52, 1, 127, 128, 16384];
    for (let i = 0; i < values.length; i++) writeSampleNumber(w, lf, times[i] as number, values[i] as number);
    const req = pbDecode(w.bytes());
    assert.equal(req.timeseries.length, values.length);
    for (let i = 0; i < values.length; i++) {
      const s = req.timeseries[i]!;
      // Series labels win over external ones; merged set stays sorted.
      assert.deepEqual(
        s.labels.map((l) => l.name),
        ["__name__", "cluster", "job", "ünï"],
      );
      assert.deepEqual(labelsOf(s), { __name__: "m", cluster: "c", job: "j", ünï: "cödé" });
      assert.equal(s.samples.length, 1);
      assert.ok(
        Object.is(s.samples[0]!.value, values[i]) || (values[i] === 0 && s.samples[0]!.value === 0),
        `value ${i}`,
      );
      assert.equal(s.samples[0]!.timestamp, times[i], `timestamp ${i}`);
    }
  });

  it("writes the stale marker with Prometheus's exact bits 0x7ff0000000000002", () => {
    const w = new ProtoWriter();
    writeSampleNumber(w, encodeLabelFields(["__name__", "up"]), T, STALE_NAN);
    const bytes = w.bytes();
    const i = bytes.indexOf(0x09);
    const tail = Buffer.from(bytes.subarray(bytes.length - 17));
    assert.ok(i > 0);
    // value field: tag 0x09 then 8 bytes little-endian 02 00 00 00 00 00 f0 7f
    assert.ok(tail.includes(Buffer.from([0x09, 2, 0, 0, 0, 0, 0, 0xf0, 0x7f])), tail.toString("hex"));
  });

  it("writes exemplars, integer and float native histograms and metadata", () => {
    const b = new MetricsBatchBuilder();
    const ref = b.series.intern(labelsFromObject({ __name__: "h" }));
    b.addHistogram(ref, T, {
      count: 12,
      sum: 3.5,
      schema: 3,
      zeroThreshold: 1e-128,
      zeroCount: 2,
      resetHint: 2,
      positiveSpans: [
        { offset: -2, length: 2 },
        { offset: 3, length: 1 },
      ],
      positiveBuckets: [1, 4, 2],
      negativeSpans: [{ offset: 1, length: 1 }],
      negativeBuckets: [3],
    });
    b.addHistogram(ref, T + 1, {
      count: 1.5,
      sum: -1,
      schema: -2,
      zeroThreshold: 0,
      zeroCount: 0.5,
      positiveSpans: [{ offset: 0, length: 1 }],
      positiveBuckets: [1],
    });
    const cols = b.build().histograms!;
    const w = new ProtoWriter();
    const lf = encodeLabelFields(["__name__", "h"]);
    const msg = new ProtoWriter();
    for (let i = 0; i < 2; i++) {
      msg.reset();
      encodeHistogram(msg, cols, i);
      writeMessageSeries(w, lf, 4, msg.bytes().slice());
    }
    msg.reset();
    encodeExemplar(msg, labelsFromObject({ trace_id: "abc" }), 0.25, T);
    writeMessageSeries(w, lf, 3, msg.bytes().slice());
    writeMetadata(w, { family: "h", type: "histogram", help: 'Help\nwith "quotes"', unit: "seconds" });
    const req = pbDecode(w.bytes());
    const h0 = req.timeseries[0]!.histograms[0]!;
    assert.equal(h0.count_int, 12);
    assert.equal(h0.sum, 3.5);
    assert.equal(h0.schema, 3);
    assert.equal(h0.zero_count_int, 2);
    assert.equal(h0.zero_threshold, 1e-128);
    assert.equal(h0.reset_hint, "NO");
    assert.equal(h0.timestamp, T);
    assert.deepEqual(h0.positive_spans, [
      { offset: -2, length: 2 },
      { offset: 3, length: 1 },
    ]);
    assert.deepEqual(h0.positive_deltas, [1, 3, -2]);
    assert.deepEqual(h0.negative_deltas, [3]);
    const h1 = req.timeseries[1]!.histograms[0]!;
    assert.equal(h1.count_float, 1.5);
    assert.equal(h1.zero_count_float, 0.5);
    assert.equal(h1.schema, -2);
    assert.deepEqual(h1.positive_counts, [1]);
    const ex = req.timeseries[2]!.exemplars[0]!;
    assert.deepEqual(labelsOf(ex), { trace_id: "abc" });
    assert.equal(ex.value, 0.25);
    assert.equal(ex.timestamp, T);
    assert.deepEqual(req.metadata, [
      { type: "HISTOGRAM", metric_family_name: "h", help: 'Help\nwith "quotes"', unit: "seconds" },
    ]);
  });

  it("grows its buffer and keeps long UTF-8 labels intact", () => {
    const w = new ProtoWriter(8);
    const big = "x".repeat(20_000) + "é";
    const lf = encodeLabelFields(labelsFromObject({ __name__: "a".repeat(300), v: big }));
    for (let i = 0; i < 50; i++) writeSampleNumber(w, lf, T + i, i);
    const req = pbDecode(w.bytes());
    assert.equal(req.timeseries.length, 50);
    assert.equal(labelsOf(req.timeseries[49]!).v, big);
    assert.equal(req.timeseries[49]!.samples[0]!.timestamp, T + 49);
  });
});

describe("prompb decoder", () => {
  it("decodes what protobufjs encodes into a MetricsBatch (samples, exemplars, histograms, metadata)", () => {
    const bytes = pbEncode({
      timeseries: [
        {
          labels: [
            { name: "__name__", value: "a" },
            { name: "job", value: "x" },
          ],
          samples: [
            { value: 1, timestamp: T },
            { value: -2.5, timestamp: T + 1000 },
          ],
          exemplars: [{ labels: [{ name: "trace_id", value: "t1" }], value: 9, timestamp: T }],
        },
        // Unsorted labels and an empty value: sorted and the empty label dropped.
        {
          labels: [
            { name: "z", value: "1" },
            { name: "__name__", value: "b" },
            { name: "e", value: "" },
          ],
          samples: [{ value: 3, timestamp: -5 }],
        },
        {
          labels: [{ name: "__name__", value: "h" }],
          histograms: [
            {
              count_int: 5,
              sum: 1,
              schema: 1,
              zero_threshold: 0.001,
              zero_count_int: 1,
              positive_spans: [{ offset: 1, length: 2 }],
              positive_deltas: [2, 0],
              reset_hint: 3,
              timestamp: T,
            },
          ],
        },
        {
          labels: [
            { name: "__name__", value: "a" },
            { name: "job", value: "x" },
          ],
          samples: [{ value: 7, timestamp: T + 2000 }],
        },
      ],
      metadata: [{ type: 1, metric_family_name: "a", help: "A counter", unit: "" }],
    });
    const dec = new WriteRequestDecoder();
    const b = new MetricsBatchBuilder();
    const stats = dec.decode(bytes, b);
    assert.deepEqual(stats, { samples: 4, exemplars: 1, histograms: 1, metadata: 1 });
    const batch = b.build();
    assert.equal(batch.length, 4);
    assert.deepEqual(labelsToObject(batch.series.labels(batch.refs[0]!)), { __name__: "a", job: "x" });
    assert.deepEqual(batch.series.labels(batch.refs[2]!), ["__name__", "b", "z", "1"]);
    assert.equal(batch.refs[3], batch.refs[0], "same series, same ref (byte cache)");
    assert.deepEqual([...batch.values], [1, -2.5, 3, 7]);
    assert.deepEqual([...batch.timestamps], [T, T + 1000, -5, T + 2000]);
    assert.deepEqual(batch.exemplars!.labels[0], ["trace_id", "t1"]);
    const h = batch.histograms!;
    assert.equal(h.counts[0], 5);
    assert.equal(h.resetHints[0], 3);
    assert.deepEqual([...h.positiveBuckets], [2, 2]);
    assert.deepEqual(batch.metadata, [{ family: "a", type: "counter", help: "A counter", unit: "" }]);
  });

  it("round-trips its own encoding, stale markers included", () => {
    const w = new ProtoWriter();
    const lf = encodeLabelFields(labelsFromObject({ __name__: "up", instance: "i" }));
    writeSampleNumber(w, lf, T, STALE_NAN);
    writeSampleNumber(w, lf, T + 1, Number.NaN);
    const b = new MetricsBatchBuilder();
    new WriteRequestDecoder().decode(w.bytes(), b);
    const batch = b.build();
    assert.ok(isStaleNaN(batch.values[0]!));
    assert.ok(Number.isNaN(batch.values[1]!) && !isStaleNaN(batch.values[1]!));
  });

  it("rejects malformed input with a ProtoError, never hangs or crashes", () => {
    const good = pbEncode({
      timeseries: [{ labels: [{ name: "__name__", value: "a" }], samples: [{ value: 1, timestamp: T }] }],
    });
    const dec = new WriteRequestDecoder();
    for (let cut = 1; cut < good.length; cut++) {
      const b = new MetricsBatchBuilder();
      assert.throws(
        () => dec.decode(good.subarray(0, cut), b),
        (e: Error) => e.name === "ProtoError" || e instanceof RangeError,
        `cut ${cut}`,
      );
    }
    assert.throws(() => dec.decode(Uint8Array.from([0x0f, 1, 2]), new MetricsBatchBuilder()), /wire type/);
  });
});
