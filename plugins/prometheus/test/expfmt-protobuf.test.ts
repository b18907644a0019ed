import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { conformancePath } from "@ingot/testkit";
import { createParser, PromTextParser, ProtobufParser } from "../src/expfmt/index.js";
import { collect, parseFailure } from "./expfmt-helpers.js";
import { encodeMetricFamily as enc } from "./helpers/metric-family.js";

const dir = conformancePath("prometheus-common-expfmt", "expfmt", "testdata");
/** Samples as comparable strings "labels value ts" (labels already sorted). */
const samples = (c: ReturnType<typeof collect>) =>
  c.samples.map((s) => `${JSON.stringify(s.labels)} ${s.value} ${s.ts ?? ""}`).sort();

describe("expfmt: protobuf exposition", () => {
  it("decodes testdata/protobuf to the same families and samples as testdata/text", () => {
    const text = collect(new PromTextParser(readFileSync(join(dir, "text"))));
    const pb = collect(new ProtobufParser(readFileSync(join(dir, "protobuf"))));
    assert.equal(Object.keys(pb.types).length, 37);
    assert.equal(pb.samples.length, 248);
    assert.equal(text.samples.length, 248);
    assert.deepEqual(pb.types, text.types);
    assert.deepEqual(pb.help, text.help);
    assert.deepEqual(samples(pb), samples(text));
    // Keys are unique per series.
    assert.equal(new Set(pb.samples.map((s) => s.key)).size, 248);
  });

  it("gives identical results for the gzipped variants", () => {
    const pb = collect(new ProtobufParser(readFileSync(join(dir, "protobuf"))));
    const gz = collect(new ProtobufParser(gunzipSync(readFileSync(join(dir, "protobuf.gz")))));
    assert.deepEqual(gz, pb);
    const text = collect(new PromTextParser(readFileSync(join(dir, "text"))));
    const tgz = collect(new PromTextParser(gunzipSync(readFileSync(join(dir, "text.gz")))));
    assert.deepEqual(tgz, text);
  });

  it("reads several messages from one stream", () => {
    const pb = collect(new ProtobufParser(readFileSync(join(dir, "protobuf-multimessage"))));
    assert.equal(Object.keys(pb.types).length, 6);
    assert.ok(Object.keys(pb.types).every((n) => n.startsWith("swap_")));
  });

  it("is chosen for the protobuf content type", () => {
    const p = createParser(
      Buffer.alloc(0),
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
    );
    assert.ok(p instanceof ProtobufParser);
    assert.equal(p.next(), "eof");
  });

  it("decodes classic histograms, summaries, exemplars, created timestamps and native histograms", () => {
    const body = Buffer.concat([
      enc({
        name: "rpc_total",
        help: "RPCs.",
        type: 0,
        metric: [
          {
            label: [{ name: "method", value: "get" }],
            counter: {
              value: 5,
              exemplar: {
                label: [{ name: "trace_id", value: "abc" }],
                value: 1,
                timestamp: { seconds: 10, nanos: 5e6 },
              },
              createdTimestamp: { seconds: 100 },
            },
            timestampMs: 1234,
          },
        ],
      }),
      enc({ name: "empty", type: 1, metric: [] }),
      enc({
        name: "lat",
        type: 2,
        unit: "",
        metric: [
          {
            summary: {
              sampleCount: 3,
              sampleSum: 1.5,
              quantile: [
                { quantile: 0.5, value: 0.4 },
                { quantile: 1, value: 0.9 },
              ],
            },
          },
        ],
      }),
      enc({
        name: "h",
        type: 4,
        metric: [
          {
            histogram: {
              sampleCount: 4,
              sampleSum: 2,
              bucket: [
                { cumulativeCount: 1, upperBound: 0.5, exemplar: { label: [{ name: "t", value: "x" }], value: 0.3 } },
                { cumulativeCount: 3, upperBound: 1 },
              ],
            },
          },
        ],
      }),
      enc({
        name: "nh",
        type: 4,
        metric: [
          {
            label: [{ name: "a", value: "é" }],
            histogram: {
              sampleCount: 6,
              sampleSum: 10,
              schema: 1,
              zeroThreshold: 0.001,
              zeroCount: 1,
              positiveSpan: [
                { offset: -1, length: 2 },
                { offset: 2, length: 1 },
              ],
              positiveDelta: [1, 1, -1],
              negativeSpan: [{ offset: 0, length: 1 }],
              negativeDelta: [1],
              bucket: [{ cumulativeCount: 6, upperBound: 5 }],
              exemplars: [{ label: [{ name: "t", value: "y" }], value: 2, timestamp: { seconds: 1 } }],
            },
          },
        ],
      }),
    ]);
    const c = collect(new ProtobufParser(body));
    assert.deepEqual(c.types, { rpc_total: "counter", lat: "summary", h: "histogram", nh: "histogram" });
    assert.equal(c.help.rpc_total, "RPCs.");
    assert.deepEqual(
      c.samples.map((s) => [
        s.labels.__name__,
        s.labels.quantile ?? s.labels.le ?? s.labels.method ?? "",
        s.value,
        s.ts,
      ]),
      [
        ["rpc_total", "get", 5, 1234],
        ["lat_count", "", 3, undefined],
        ["lat_sum", "", 1.5, undefined],
        ["lat", "0.5", 0.4, undefined],
        ["lat", "1.0", 0.9, undefined],
        ["h_count", "", 4, undefined],
        ["h_sum", "", 2, undefined],
        ["h_bucket", "0.5", 1, undefined],
        ["h_bucket", "1.0", 3, undefined],
        ["h_bucket", "+Inf", 4, undefined],
      ],
    );
    assert.deepEqual(c.exemplars[0], { key: c.samples[0]?.key, labels: { trace_id: "abc" }, value: 1, ts: 10005 });
    assert.deepEqual(c.exemplars[1]?.labels, { t: "x" });
    assert.equal(c.exemplars[1]?.ts, undefined);
    assert.equal(c.created[c.samples[0]?.key as string], 100000);
    assert.equal(c.histograms.length, 1);
    assert.deepEqual(c.histograms[0]?.labels, { __name__: "nh", a: "é" });
    assert.equal(c.exemplars[2]?.ts, 1000);

    const p = new ProtobufParser(body);
    for (let e = p.next(); e !== "eof"; e = p.next()) {
      if (e !== "histogram") continue;
      const h = p.histogram();
      assert.deepEqual(h, {
        count: 6,
        sum: 10,
        schema: 1,
        zeroThreshold: 0.001,
        zeroCount: 1,
        resetHint: 0,
        positiveSpans: [
          { offset: -1, length: 2 },
          { offset: 2, length: 1 },
        ],
        positiveBuckets: [1, 2, 1],
        negativeSpans: [{ offset: 0, length: 1 }],
        negativeBuckets: [1],
      });
    }
    // With classic histograms on, the native one is followed by its classic series.
    const classic = collect(new ProtobufParser(body, { classicHistograms: true }));
    assert.deepEqual(
      classic.samples
        .filter((s) => s.labels.__name__?.startsWith("nh"))
        .map((s) => `${s.labels.__name__} ${s.labels.le ?? ""} ${s.value}`),
      ["nh_count  6", "nh_sum  10", "nh_bucket 5.0 6", "nh_bucket +Inf 6"],
    );
  });

  it("decodes float native histograms, gauge histograms and negative timestamps", () => {
    const body = Buffer.concat([
      enc({
        name: "fh",
        type: 4,
        metric: [
          {
            histogram: {
              sampleCountFloat: 5.5,
              sampleSum: 7.25,
              schema: -1,
              zeroThreshold: 0.01,
              zeroCountFloat: 0.5,
              positiveSpan: [{ offset: 1, length: 2 }],
              positiveCount: [2, 1.5],
              negativeSpan: [{ offset: -2, length: 1 }],
              negativeCount: [1.5],
              exemplars: [{ label: [{ name: "t", value: "f" }], value: 3, timestamp: { seconds: -2, nanos: 5e8 } }],
            },
            timestampMs: -5000,
          },
        ],
      }),
      enc({
        name: "gh",
        type: 5,
        metric: [
          {
            histogram: {
              sampleCount: 2,
              sampleSum: 1,
              schema: 3,
              positiveSpan: [{ offset: 100000, length: 1 }],
              positiveDelta: [2],
            },
          },
        ],
      }),
      enc({ name: "g", type: 1, metric: [{ gauge: { value: -1.5 }, timestampMs: "-9007199254740991" }] }),
    ]);
    const p = new ProtobufParser(body);
    const got: Array<[string, unknown, number | undefined]> = [];
    for (let e = p.next(); e !== "eof"; e = p.next()) {
      if (e === "histogram") got.push([p.metricName(), p.histogram(), p.timestamp()]);
      else if (e === "series") got.push([p.metricName(), p.value(), p.timestamp()]);
      if (e === "histogram" && p.metricName() === "fh")
        assert.deepEqual(p.exemplar(), { labels: ["t", "f"], value: 3, timestamp: -1500 });
    }
    assert.deepEqual(got, [
      [
        "fh",
        {
          count: 5.5,
          sum: 7.25,
          schema: -1,
          zeroThreshold: 0.01,
          zeroCount: 0.5,
          resetHint: 0,
          positiveSpans: [{ offset: 1, length: 2 }],
          positiveBuckets: [2, 1.5],
          negativeSpans: [{ offset: -2, length: 1 }],
          negativeBuckets: [1.5],
        },
        -5000,
      ],
      [
        "gh",
        {
          count: 2,
          sum: 1,
          schema: 3,
          zeroThreshold: 0,
          zeroCount: 0,
          resetHint: 3, // gauge histogram
          positiveSpans: [{ offset: 100000, length: 1 }],
          positiveBuckets: [2],
          negativeSpans: [],
          negativeBuckets: [],
        },
        undefined,
      ],
      ["g", -1.5, -9007199254740991],
    ]);
    assert.equal(p.metricType(), "gauge");
  });

  it("rejects bad messages", () => {
    assert.match(
      parseFailure(() =>
        collect(new ProtobufParser(enc({ name: "bad-name", type: 1, metric: [{ gauge: { value: 1 } }] }))),
      )?.message ?? "",
      /invalid metric name/,
    );
    assert.match(
      parseFailure(() =>
        collect(
          new ProtobufParser(
            enc({ name: "g", type: 1, metric: [{ label: [{ name: "a-b", value: "1" }], gauge: { value: 1 } }] }),
          ),
        ),
      )?.message ?? "",
      /invalid label name/,
    );
    assert.match(
      parseFailure(() =>
        collect(new ProtobufParser(enc({ name: "g_seconds", unit: "bytes", type: 1, metric: [{ gauge: {} }] }))),
      )?.message ?? "",
      /not a suffix/,
    );
    const good = enc({ name: "g", type: 1, metric: [{ gauge: { value: 1 } }] });
    assert.ok(parseFailure(() => collect(new ProtobufParser(good.subarray(0, good.length - 3)))));
  });
});
