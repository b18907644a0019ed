// End to end with real parts (issue 4: "native and classic histograms where the format
// carries them"): a target on 127.0.0.1 serving the Prometheus protobuf exposition
// (delimited io.prometheus.client.MetricFamily) with a native histogram (integer
// buckets: positive and negative spans, zero bucket, schema 0), a float native histogram
// (schema 1), a classic histogram and exemplars → `ingot run` with prometheus.scrape
// (scrape_protocols = ["PrometheusProto", ...]) → prometheus.remote_write → a real
// Prometheus 2.42 (--enable-feature=native-histograms,exemplar-storage), asserted
// through its query API. A second endpoint, a receiver here that decodes the requests
// with protobufjs, checks the wire form (integer deltas vs float counts).
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { uncompressSync } from "snappy";
import { IngotProcess, writeConfig } from "./helpers/ingot.js";
import { encodeMetricFamily as enc } from "./helpers/metric-family.js";
import { httpGet, waitFor } from "./helpers/procs.js";
import { PrometheusServer } from "./helpers/prometheus.js";
import { writeRequestProto } from "./helpers/rw-receiver.js";

const PROTO_CT = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/** The exposition body: delimited MetricFamily messages, encoded with protobufjs from the client_model .proto. */
function expositionBody(exemplarSeconds: number): Buffer {
  const ts = { seconds: exemplarSeconds };
  return Buffer.concat([
    enc({
      name: "e2e_nh_seconds",
      help: "A native histogram with integer buckets.",
      type: 4, // HISTOGRAM
      metric: [
        {
          label: [{ name: "path", value: "/a" }],
          histogram: {
            sampleCount: 8,
            sampleSum: 12.5,
            schema: 0,
            zeroThreshold: 0.001,
            zeroCount: 1,
            // Buckets 0, 1 and 3 of schema 0: (0.5,1] = 2, (1,2] = 3, (4,8] = 1 (deltas 2, +1, -2).
            positiveSpan: [
              { offset: 0, length: 2 },
              { offset: 1, length: 1 },
            ],
            positiveDelta: [2, 1, -2],
            // Bucket 0 negative: [-1,-0.5) = 1.
            negativeSpan: [{ offset: 0, length: 1 }],
            negativeDelta: [1],
            exemplars: [{ label: [{ name: "trace_id", value: "nh1" }], value: 0.7, timestamp: ts }],
          },
        },
      ],
    }),
    enc({
      name: "e2e_nh_float_seconds",
      help: "A native histogram with float buckets.",
      type: 4,
      metric: [
        {
          histogram: {
            sampleCountFloat: 5.5,
            sampleSum: 7.25,
            schema: 1,
            zeroThreshold: 0.01,
            zeroCountFloat: 0.5,
            positiveSpan: [{ offset: 1, length: 2 }],
            positiveCount: [2, 1.5],
            negativeSpan: [{ offset: 0, length: 1 }],
            negativeCount: [1.5],
          },
        },
      ],
    }),
    enc({
      name: "e2e_classic_seconds",
      help: "A classic histogram.",
      type: 4,
      metric: [
        {
          histogram: {
            sampleCount: 4,
            sampleSum: 2,
            bucket: [
              {
                cumulativeCount: 1,
                upperBound: 0.5,
                exemplar: { label: [{ name: "trace_id", value: "c1" }], value: 0.3, timestamp: ts },
              },
              { cumulativeCount: 3, upperBound: 1 },
            ],
          },
        },
      ],
    }),
  ]);
}

/** A scrape target answering every GET /metrics with the protobuf body; records request headers. */
async function protobufTarget(
  body: Buffer,
): Promise<{ server: Server; address: string; requests: IncomingHttpHeaders[] }> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    res.writeHead(200, { "Content-Type": PROTO_CT }).end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

interface PbHistogram {
  count_int?: number;
  count_float?: number;
  sum: number;
  schema: number;
  zero_threshold: number;
  zero_count_int?: number;
  zero_count_float?: number;
  negative_spans: Array<{ offset: number; length: number }>;
  negative_deltas: number[];
  negative_counts: number[];
  positive_spans: Array<{ offset: number; length: number }>;
  positive_deltas: number[];
  positive_counts: number[];
  timestamp: number;
}

/** A remote write endpoint decoding every request with protobufjs: histograms per metric name. */
async function recordingEndpoint(): Promise<{
  server: Server;
  url: string;
  histograms: Map<string, PbHistogram[]>;
  order: string[][];
}> {
  const histograms = new Map<string, PbHistogram[]>();
  // Per request, the TimeSeries in order as "<name> <s|e|h>" (samples, exemplars, histograms).
  const order: string[][] = [];
  const type = writeRequestProto();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = uncompressSync(Buffer.concat(chunks), { asBuffer: true }) as Buffer;
      const msg = type.toObject(type.decode(raw), { longs: Number, defaults: true, oneofs: true }) as {
        timeseries: Array<{
          labels: Array<{ name: string; value: string }>;
          samples: unknown[];
          exemplars: unknown[];
          histograms: PbHistogram[];
        }>;
      };
      const seen: string[] = [];
      order.push(seen);
      for (const ts of msg.timeseries) {
        const name = ts.labels.find((l) => l.name === "__name__")?.value ?? "";
        if (ts.samples.length > 0) seen.push(`${name} s`);
        if (ts.exemplars.length > 0) seen.push(`${name} e`);
        if (ts.histograms.length > 0) seen.push(`${name} h`);
        for (const h of ts.histograms) {
          const list = histograms.get(name) ?? [];
          list.push(h);
          histograms.set(name, list);
        }
      }
      res.writeHead(200).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, histograms, order };
}

/** A native histogram sample from the query API: [ts, {count, sum, buckets: [rule, lo, hi, count][]}]. */
interface PromHistogramSample {
  metric: Record<string, string>;
  histogram: [number, { count: string; sum: string; buckets?: Array<[number, string, string, string]> }];
}

async function promApi<T>(prom: PrometheusServer, path: string, params: Record<string, string>): Promise<T> {
  const r = await httpGet(`${prom.url}${path}?${new URLSearchParams(params).toString()}`);
  const body = JSON.parse(r.body) as { status: string; data: T; error?: string };
  if (r.status !== 200 || body.status !== "success")
    throw new Error(`${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return body.data;
}

describe("e2e: protobuf exposition with native histograms → ingot → Prometheus", { timeout: 90_000 }, () => {
  let prom: PrometheusServer;
  let target: Awaited<ReturnType<typeof protobufTarget>>;
  let rec: Awaited<ReturnType<typeof recordingEndpoint>>;
  let ingot: IngotProcess | undefined;
  let dir: string;
  const exemplarSeconds = Math.floor(Date.now() / 1000);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ingot-e2e-nh-"));
    [prom, target, rec] = await Promise.all([
      PrometheusServer.start({ features: ["native-histograms", "exemplar-storage"] }),
      protobufTarget(expositionBody(exemplarSeconds)),
      recordingEndpoint(),
    ]);
    const config = await writeConfig(
      dir,
      "native-histograms",
      `
prometheus.scrape "nh" {
  targets                  = [{"__address__" = "${target.address}"}]
  forward_to               = [prometheus.remote_write.out.receiver]
  job_name                 = "nh"
  scrape_interval          = "1s"
  scrape_timeout           = "900ms"
  scrape_protocols         = ["PrometheusProto", "OpenMetricsText1.0.0", "PrometheusText0.0.4"]
  scrape_native_histograms = true
}

prometheus.remote_write "out" {
  endpoint {
    name                   = "prom"
    url                    = "${prom.writeUrl}"
    send_native_histograms = true
    send_exemplars         = true
    queue_config {
      batch_send_deadline = "200ms"
    }
  }
  endpoint {
    name                   = "rec"
    url                    = "${rec.url}"
    send_native_histograms = true
    queue_config {
      batch_send_deadline = "200ms"
    }
  }
}
`,
    );
    ingot = await IngotProcess.start({ configFile: config, storagePath: join(dir, "data") });
  });

  after(async () => {
    await ingot?.stop();
    target?.server.close();
    target?.server.closeAllConnections();
    rec?.server.close();
    rec?.server.closeAllConnections();
    await prom?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("negotiates the protobuf format first", async () => {
    await waitFor("a scrape", async () => target.requests.length > 0, { timeoutMs: 30_000, intervalMs: 100 });
    assert.match(
      String(target.requests[0]?.accept),
      /^application\/vnd\.google\.protobuf;proto=io\.prometheus\.client\.MetricFamily;encoding=delimited;q=0\.6,/,
    );
  });

  it("stores the integer native histogram in Prometheus: count, sum, buckets, quantile", async () => {
    const sel = 'e2e_nh_seconds{job="nh",path="/a"}';
    const count = await waitFor(
      "histogram_count in Prometheus",
      async () => {
        const r = await prom.query(`histogram_count(${sel})`);
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.equal(count[0]?.value[1], "8");
    assert.deepEqual(count[0]?.metric, { instance: target.address, job: "nh", path: "/a" });
    assert.equal((await prom.query(`histogram_sum(${sel})`))[0]?.value[1], "12.5");
    // Cumulative counts: [-1,-0.5) 1, zero bucket 1, (0.5,1] 2 → rank 4 of 8 ends at 1.
    assert.equal((await prom.query(`histogram_quantile(0.5, ${sel})`))[0]?.value[1], "1");

    const data = await promApi<{ result: PromHistogramSample[] }>(prom, "/api/v1/query", { query: sel });
    assert.equal(data.result.length, 1);
    const h = data.result[0]?.histogram[1];
    assert.equal(h?.count, "8");
    assert.equal(h?.sum, "12.5");
    // [boundary rule, lower, upper, count]: 0 = (lo, hi], 1 = [lo, hi), 3 = [lo, hi].
    assert.deepEqual(h?.buckets, [
      [1, "-1", "-0.5", "1"],
      [3, "-0.001", "0.001", "1"],
      [0, "0.5", "1", "2"],
      [0, "1", "2", "3"],
      [0, "4", "8", "1"],
    ]);
  });

  it("stores the float native histogram in Prometheus", async () => {
    const sel = 'e2e_nh_float_seconds{job="nh"}';
    const data = await waitFor(
      "the float histogram in Prometheus",
      async () => {
        const r = await promApi<{ result: PromHistogramSample[] }>(prom, "/api/v1/query", { query: sel });
        return r.result.length > 0 ? r.result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const h = data[0]?.histogram[1];
    assert.equal(h?.count, "5.5");
    assert.equal(h?.sum, "7.25");
    // Schema 1: bucket i spans (2^((i-1)/2), 2^(i/2)]; negative ones mirrored. (Bounds
    // compared to 12 digits: Prometheus's table of 2^(k/2^schema) rounds the last bit.)
    const r12 = (x: string) => Number(Number(x).toPrecision(12));
    assert.deepEqual(
      h?.buckets?.map(([rule, lo, hi, n]) => [rule, r12(lo), r12(hi), Number(n)]),
      [
        [1, -1, r12(String(-(2 ** -0.5))), 1.5],
        [3, -0.01, 0.01, 0.5],
        [0, 1, r12(String(2 ** 0.5)), 2],
        [0, r12(String(2 ** 0.5)), 2, 1.5],
      ],
    );
    assert.equal((await prom.query(`histogram_count(${sel})`))[0]?.value[1], "5.5");
  });

  it("stores the classic histogram as _bucket, _count and _sum series", async () => {
    const buckets = await waitFor(
      "classic buckets in Prometheus",
      async () => {
        const r = await prom.query('e2e_classic_seconds_bucket{job="nh"}');
        return r.length === 3 ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.deepEqual(buckets.map((s) => [s.metric.le, s.value[1]]).sort(), [
      ["+Inf", "4"],
      ["0.5", "1"],
      ["1.0", "3"],
    ]);
    assert.equal((await prom.query('e2e_classic_seconds_count{job="nh"}'))[0]?.value[1], "4");
    assert.equal((await prom.query('e2e_classic_seconds_sum{job="nh"}'))[0]?.value[1], "2");
    assert.equal(
      (await prom.query('histogram_quantile(0.5, e2e_classic_seconds_bucket{job="nh"})'))[0]?.value[1],
      "0.75",
    );
  });

  it("delivers the exemplars of both histograms", async () => {
    const now = Date.now() / 1000;
    const query = async (q: string) =>
      promApi<
        Array<{
          seriesLabels: Record<string, string>;
          exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
        }>
      >(prom, "/api/v1/query_exemplars", { query: q, start: String(exemplarSeconds - 60), end: String(now + 60) });
    const classic = await waitFor(
      "classic exemplar",
      async () => {
        const r = await query('e2e_classic_seconds_bucket{job="nh"}');
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    assert.equal(classic[0]?.seriesLabels.le, "0.5");
    assert.deepEqual(classic[0]?.exemplars[0]?.labels, { trace_id: "c1" });
    assert.equal(classic[0]?.exemplars[0]?.value, "0.3");
    assert.equal(classic[0]?.exemplars[0]?.timestamp, exemplarSeconds);
    const native = await waitFor(
      "native histogram exemplar",
      async () => {
        const r = await query('e2e_nh_seconds{job="nh"}');
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    assert.equal(native.length, 1);
    assert.deepEqual(native[0]?.exemplars[0]?.labels, { trace_id: "nh1" });
    assert.equal(native[0]?.exemplars[0]?.value, "0.7");
  });

  it("sends native histograms as remote write 1.0 Histograms: float counts or integer deltas", async () => {
    const got = await waitFor(
      "float histogram at the recording endpoint",
      async () => rec.histograms.get("e2e_nh_float_seconds")?.[0],
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.equal(got.count_float, 5.5);
    assert.equal(got.sum, 7.25);
    assert.equal(got.schema, 1);
    assert.equal(got.zero_threshold, 0.01);
    assert.equal(got.zero_count_float, 0.5);
    assert.deepEqual(got.positive_spans, [{ offset: 1, length: 2 }]);
    assert.deepEqual(got.positive_counts, [2, 1.5]);
    assert.deepEqual(got.negative_spans, [{ offset: 0, length: 1 }]);
    assert.deepEqual(got.negative_counts, [1.5]);
    assert.deepEqual(got.positive_deltas, []);
    // The integer one keeps integer deltas on the wire.
    const int = rec.histograms.get("e2e_nh_seconds")?.[0];
    assert.equal(int?.count_int, 8);
    assert.equal(int?.zero_count_int, 1);
    assert.deepEqual(int?.positive_deltas, [2, 1, -2]);
    assert.deepEqual(int?.negative_deltas, [1]);
    assert.deepEqual(int?.positive_counts, []);
    // A histogram goes out before its exemplar (as Prometheus's agent WAL orders them):
    // receivers append in request order, and Prometheus drops an exemplar whose series
    // does not exist yet.
    const withBoth = rec.order.filter((r) => r.includes("e2e_nh_seconds e") && r.includes("e2e_nh_seconds h"));
    assert.ok(withBoth.length > 0, "a request carries the native histogram and its exemplar");
    for (const r of withBoth) assert.ok(r.indexOf("e2e_nh_seconds h") < r.indexOf("e2e_nh_seconds e"), r.join(", "));
  });
});
