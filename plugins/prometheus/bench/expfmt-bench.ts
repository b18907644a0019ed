// Micro-benchmark of the exposition parsers: parses a generated body (default 100k
// series in 1000 families) in each format and reports MB/s and ns per sample for the
// scrape loop's access pattern (seriesKey + value + timestamp per sample; labels() on
// the first pass only, as a series cache would).
// Run: node plugins/prometheus/dist/bench/expfmt-bench.js [series] [rounds]
import { createRequire } from "node:module";
import { createParser, type ExpositionFormat, type ExpositionParser } from "../src/expfmt/index.js";

const series = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 20);

function textBody(openMetrics: boolean): Buffer {
  const parts: string[] = [];
  const perFamily = 100;
  for (let f = 0; f < series / perFamily; f++) {
    const name = `bench_metric_family_${f}`;
    parts.push(`# HELP ${name}${openMetrics ? "" : "_total"} Help text of family ${f}.\n`);
    parts.push(`# TYPE ${name}${openMetrics ? "" : "_total"} counter\n`);
    for (let s = 0; s < perFamily; s++) {
      parts.push(
        `${name}_total{instance="host-${s % 10}.example.com:9100",job="node",path="/api/v1/items/${s}",code="200"} ${(f * 7919 + s * 104729) % 1000003}.5\n`,
      );
    }
  }
  if (openMetrics) parts.push("# EOF\n");
  return Buffer.from(parts.join(""));
}

/** The same series as delimited MetricFamily messages (encoded with protobufjs, a dev dependency). */
function protoBody(): Buffer {
  const protobuf = createRequire(import.meta.url)("protobufjs") as typeof import("protobufjs");
  const root = protobuf.Root.fromJSON({
    nested: {
      LabelPair: { fields: { name: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
      Counter: { fields: { value: { type: "double", id: 1 } } },
      Metric: {
        fields: {
          label: { rule: "repeated", type: "LabelPair", id: 1 },
          counter: { type: "Counter", id: 3 },
        },
      },
      MetricFamily: {
        fields: {
          name: { type: "string", id: 1 },
          help: { type: "string", id: 2 },
          type: { type: "int32", id: 3 },
          metric: { rule: "repeated", type: "Metric", id: 4 },
        },
      },
    },
  });
  const MF = root.lookupType("MetricFamily");
  const parts: Uint8Array[] = [];
  const perFamily = 100;
  for (let f = 0; f < series / perFamily; f++) {
    const metric = [];
    for (let s = 0; s < perFamily; s++) {
      metric.push({
        label: [
          { name: "code", value: "200" },
          { name: "instance", value: `host-${s % 10}.example.com:9100` },
          { name: "job", value: "node" },
          { name: "path", value: `/api/v1/items/${s}` },
        ],
        counter: { value: ((f * 7919 + s * 104729) % 1000003) + 0.5 },
      });
    }
    parts.push(
      MF.encodeDelimited({
        name: `bench_metric_family_${f}_total`,
        help: `Help text of family ${f}.`,
        type: 0,
        metric,
      }).finish(),
    );
  }
  return Buffer.concat(parts);
}

function run(p: ExpositionParser, withLabels: boolean): number {
  let n = 0;
  let sink = 0;
  for (let e = p.next(); e !== "eof"; e = p.next()) {
    if (e !== "series") continue;
    const k = p.seriesKey();
    sink += k.length + p.value() + (p.timestamp() ?? 0);
    if (withLabels) sink += p.labels().length;
    n++;
  }
  if (sink === -1) console.log(sink);
  return n;
}

function bench(label: string, body: Buffer, format: ExpositionFormat): void {
  // Warm-up (and the cache-miss pass with labels()).
  let t = process.hrtime.bigint();
  const samples = run(createParser(body, format), true);
  const firstNs = Number(process.hrtime.bigint() - t);
  for (let i = 0; i < 3; i++) run(createParser(body, format), false);
  t = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) run(createParser(body, format), false);
  const ns = Number(process.hrtime.bigint() - t) / rounds;
  const mbps = body.length / 1e6 / (ns / 1e9);
  console.log(
    `${label.padEnd(22)} ${(body.length / 1e6).toFixed(1)} MB ${samples} samples: ` +
      `${mbps.toFixed(0)} MB/s, ${(ns / samples).toFixed(0)} ns/sample (first pass with labels(): ${(firstNs / samples).toFixed(0)} ns/sample)`,
  );
}

bench("prometheus text 0.0.4", textBody(false), "prometheus-text");
bench("openmetrics 1.0", textBody(true), "openmetrics-text");
bench("prometheus protobuf", protoBody(), "prometheus-proto");
