import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  CAPSULE_METRICS_RECEIVER,
  isStaleNaN,
  labelsFromObject,
  labelsToObject,
  type MetricsBatch,
  MetricsBatchBuilder,
  STALE_NAN,
} from "@ingot/sdk";
import { capsule, loadPlugin, type PluginHarness } from "@ingot/sdk/testkit";
import { compressSync } from "snappy";
import type { ReceiveHttpArguments } from "../src/receive-http/index.js";
import type { RemoteWriteArguments, RemoteWriteExports } from "../src/remote-write/index.js";
import { packageRoot, pbEncode, waitUntil } from "./prompb-helpers.js";

let harness: Promise<PluginHarness> | undefined;
const plugin = () => (harness ??= loadPlugin(packageRoot));
const T = 1_700_000_000_000;

interface Seen {
  labels: Record<string, string>;
  t: number;
  v: number;
}

function sink(fail?: () => boolean) {
  const seen: Seen[] = [];
  const batches: MetricsBatch[] = [];
  const recv = capsule(
    {
      async append(b: MetricsBatch) {
        if (fail?.()) throw new Error("downstream is full");
        for (let i = 0; i < b.length; i++)
          seen.push({ labels: labelsToObject(b.series.labels(b.refs[i]!)), t: b.timestamps[i]!, v: b.values[i]! });
        batches.push({ ...b, exemplars: b.exemplars, histograms: b.histograms, metadata: b.metadata });
      },
    },
    CAPSULE_METRICS_RECEIVER,
  );
  return { seen, batches, recv };
}

async function build(recv: unknown) {
  const c = await (await plugin()).build<ReceiveHttpArguments, Record<string, never>>(
    "prometheus.receive_http",
    `http {\n listen_address = "127.0.0.1"\n listen_port = 0\n}\nforward_to = [recv]`,
    { scope: { recv } },
  );
  const addr = (c.debugInfo() as { listen_address: string }).listen_address;
  return { c, url: `http://${addr}/api/v1/metrics/write` };
}

const post = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", ...headers },
  });

const good = () =>
  compressSync(
    pbEncode({
      timeseries: [
        {
          labels: [
            { name: "__name__", value: "up" },
            { name: "job", value: "a" },
          ],
          samples: [
            { value: 1, timestamp: T },
            { value: 0, timestamp: T + 1000 },
          ],
        },
      ],
      metadata: [{ type: 2, metric_family_name: "up", help: "Up.", unit: "" }],
    }),
  );

describe("prometheus.receive_http", () => {
  it("applies Alloy's defaults", async () => {
    const s = sink();
    const a = (await plugin()).decode("prometheus.receive_http", "forward_to = [recv]", { scope: { recv: s.recv } });
    assert.deepEqual((a as unknown as ReceiveHttpArguments).http, {
      listen_address: "",
      listen_port: 8080,
      conn_limit: 0,
      server_read_timeout: 30_000,
      server_write_timeout: 30_000,
      server_idle_timeout: 120_000,
      max_request_body_size: 32 * 1024 * 1024,
      max_decompressed_body_size: 256 * 1024 * 1024,
    });
  });

  it("enforces configurable body limits (compressed and decompressed) with 413, and applies new limits on update", async () => {
    const s = sink();
    const body = (n: number) =>
      pbEncode({
        timeseries: Array.from({ length: n }, (_, i) => ({
          labels: [
            { name: "__name__", value: "limit_test" },
            { name: "i", value: String(i) },
          ],
          samples: [{ value: i, timestamp: T }],
        })),
      });
    const text = (maxBody: number, maxDecoded: number) =>
      `http {
        listen_address = "127.0.0.1"
        listen_port = 0
        max_request_body_size = ${maxBody}
        max_decompressed_body_size = ${maxDecoded}
      }
      forward_to = [recv]`;
    const c = await (await plugin()).build<ReceiveHttpArguments, Record<string, never>>(
      "prometheus.receive_http",
      text(2000, 4000),
      { scope: { recv: s.recv } },
    );
    const url = () => `http://${(c.debugInfo() as { listen_address: string }).listen_address}/api/v1/metrics/write`;
    try {
      const small = compressSync(body(10));
      assert.ok(small.length < 2000);
      assert.equal((await post(url(), small)).status, 204);
      // Random bytes do not compress: over the compressed limit.
      const noisy = compressSync(randomBytes(3000));
      assert.ok(noisy.length > 2000, `compressed ${noisy.length}`);
      const r1 = await post(url(), noisy);
      assert.equal(r1.status, 413);
      assert.match(await r1.text(), /exceeds the limit of 2000/);
      // Compresses well (under 2000) but decompresses to more than 4000 bytes.
      const raw = body(200);
      const big = compressSync(raw);
      assert.ok(big.length < 2000 && raw.length > 4000, `${big.length} / ${raw.length}`);
      const r2 = await post(url(), big);
      assert.equal(r2.status, 413);
      assert.match(await r2.text(), /decompressed body of \d+ bytes exceeds the limit of 4000/);
      // Larger limits: the same body is accepted, on the same listener (no restart).
      const before = url();
      await c.update(text(1 << 20, 1 << 20));
      assert.equal(url(), before);
      assert.equal((await post(url(), big)).status, 204);
      assert.equal(s.seen.filter((x) => x.labels.__name__ === "limit_test").length, 210);
    } finally {
      await c.stop();
    }
  });

  it("decodes remote write requests and forwards them", async () => {
    const s = sink();
    const { c, url } = await build(s.recv);
    try {
      const res = await post(url, good());
      assert.equal(res.status, 204);
      assert.deepEqual(s.seen, [
        { labels: { __name__: "up", job: "a" }, t: T, v: 1 },
        { labels: { __name__: "up", job: "a" }, t: T + 1000, v: 0 },
      ]);
      assert.deepEqual(s.batches[0]!.metadata, [{ family: "up", type: "gauge", help: "Up.", unit: "" }]);
      // No Content-Type / proto parameter of RW 1.0 both accepted.
      assert.equal((await post(url, good(), { "Content-Type": "" })).status, 204);
      assert.equal(
        (await post(url, good(), { "Content-Type": "application/x-protobuf;proto=prometheus.WriteRequest" })).status,
        204,
      );
      assert.match(await c.metrics.metrics(), /prometheus_receive_http_samples_received_total\{type="float"[^}]*\} 6/);
    } finally {
      await c.stop();
    }
  });

  it("answers bad requests with 4xx and a message, downstream failures with 5xx, and keeps serving", async () => {
    let failing = false;
    const s = sink(() => failing);
    const { c, url } = await build(s.recv);
    try {
      const cases: [string, Promise<Response>, number, RegExp][] = [
        ["wrong content type", post(url, good(), { "Content-Type": "application/json" }), 415, /Content-Type/],
        [
          "RW 2.0 message",
          post(url, good(), { "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request" }),
          415,
          /prometheus.WriteRequest/,
        ],
        ["wrong encoding", post(url, good(), { "Content-Encoding": "gzip" }), 415, /Content-Encoding/],
        ["bad snappy", post(url, Buffer.from([0x05, 0xff, 0xff, 0xff])), 400, /snappy/],
        ["not snappy", post(url, Buffer.from("hello world, this is not snappy")), 400, /snappy/],
        ["bad protobuf", post(url, compressSync(Buffer.from([0x0a, 0x7f, 0x01]))), 400, /decode WriteRequest/],
        ["huge declared size", post(url, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0])), 413, /exceeds/],
        ["GET", fetch(url), 405, /POST/],
        ["other path", post(url.replace("/metrics/write", "/write"), good()), 404, /not found/],
      ];
      for (const [name, p, status, msg] of cases) {
        const res = await p;
        assert.equal(res.status, status, name);
        assert.match(await res.text(), msg, name);
      }
      failing = true;
      const res = await post(url, good());
      assert.equal(res.status, 500);
      assert.match(await res.text(), /downstream is full/);
      failing = false;
      assert.equal((await post(url, good())).status, 204);
      assert.equal(s.seen.length, 2);
      assert.match((c.debugInfo() as { last_error: string }).last_error, /downstream is full/);
    } finally {
      await c.stop();
    }
  });

  it("receives what prometheus.remote_write sends (stale markers, exemplars, histograms)", async () => {
    const s = sink();
    const { c, url } = await build(s.recv);
    const rw = await (await plugin()).build<RemoteWriteArguments, RemoteWriteExports>(
      "prometheus.remote_write",
      `endpoint {
        url = ${JSON.stringify(url)}
        send_native_histograms = true
        queue_config { batch_send_deadline = "10ms" }
      }`,
    );
    try {
      const b = new MetricsBatchBuilder();
      const ref = b.series.intern(labelsFromObject({ __name__: "x", a: "1" }));
      b.add(ref, T, 5);
      b.add(ref, T + 1, STALE_NAN);
      b.addExemplar(ref, ["trace_id", "t"], 2, T);
      b.addHistogram(ref, T, {
        count: 2,
        sum: 3,
        schema: 1,
        zeroThreshold: 0,
        zeroCount: 1,
        positiveSpans: [{ offset: 0, length: 1 }],
        positiveBuckets: [1],
      });
      await rw.exports()!.receiver.append(b.build());
      await waitUntil(
        "forwarded",
        () => s.seen.length === 2 && s.batches.some((x) => x.histograms) && s.batches.some((x) => x.exemplars),
      );
      assert.equal(s.seen[0]!.v, 5);
      assert.ok(isStaleNaN(s.seen[1]!.v));
      const h = s.batches.find((x) => x.histograms)!.histograms!;
      assert.equal(h.counts[0], 2);
      assert.equal(h.zeroCounts[0], 1);
    } finally {
      await rw.stop();
      await c.stop();
    }
  });
});
