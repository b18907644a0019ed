import assert from "node:assert/strict";
import { appendFile, cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { labelsFromObject, type MetricsBatch, MetricsBatchBuilder, type MetricsReceiver, STALE_NAN } from "@ingot/sdk";
import { loadPlugin, type PluginHarness } from "@ingot/sdk/testkit";
import type { RemoteWriteArguments, RemoteWriteExports } from "../src/remote-write/index.js";
import { labelsOf, packageRoot, startReceiver, waitUntil } from "./prompb-helpers.js";

let harness: Promise<PluginHarness> | undefined;
const plugin = () => (harness ??= loadPlugin(packageRoot));
const T0 = Date.now() - 60_000;
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "ingot-rw-"));
  dirs.push(d);
  return d;
}

function config(url: string, extra = "", queue = "") {
  const q: Record<string, string> = { batch_send_deadline: '"20ms"', min_backoff: '"10ms"', max_backoff: '"200ms"' };
  for (const line of queue.split("\n")) {
    const m = /^\s*(\w+)\s*=\s*(.+)$/.exec(line);
    if (m) q[m[1]!] = m[2]!;
  }
  const qtext = Object.entries(q)
    .map(([k, v]) => `${k} = ${v}`)
    .join("\n");
  return `
    external_labels = { cluster = "c1" }
    endpoint {
      url = ${JSON.stringify(url)}
      ${extra.includes("remote_timeout") ? "" : 'remote_timeout = "2s"'}
      ${extra}
      queue_config {
        ${qtext}
      }
      metadata_config { send_interval = "100ms" }
    }
  `;
}

async function build(text: string, dataPath?: string) {
  return (await plugin()).build<RemoteWriteArguments, RemoteWriteExports>(
    "prometheus.remote_write",
    text,
    dataPath ? { dataPath } : {},
  );
}

/** A batch of `n` series × 1 sample at time t, values base+i. */
function batchOf(b: MetricsBatchBuilder, n: number, t: number, base = 0): MetricsBatch {
  b.reset();
  for (let i = 0; i < n; i++) b.addLabels(labelsFromObject({ __name__: "m", i: String(i) }), t, base + i);
  return b.build();
}

async function append(r: MetricsReceiver, batch: MetricsBatch) {
  await r.append(batch);
}

describe("prometheus.remote_write", () => {
  it("applies Alloy's defaults", async () => {
    const a = (await plugin()).decode(
      "prometheus.remote_write",
      `endpoint { url = "http://x" }`,
    ) as unknown as RemoteWriteArguments;
    const e = a.endpoint![0]!;
    assert.equal(e.remote_timeout, 30_000);
    assert.equal(e.send_exemplars, true);
    assert.equal(e.send_native_histograms, false);
    assert.deepEqual(e.queue_config, {
      capacity: 10000,
      min_shards: 1,
      max_shards: 50,
      max_samples_per_send: 2000,
      batch_send_deadline: 5000,
      min_backoff: 30,
      max_backoff: 5000,
      retry_on_http_429: true,
      sample_age_limit: 0,
    });
    assert.deepEqual(e.metadata_config, { send: true, send_interval: 60_000, max_samples_per_send: 2000 });
    assert.deepEqual(a.wal, {
      truncate_frequency: 7_200_000,
      min_keepalive_time: 300_000,
      max_keepalive_time: 28_800_000,
    });
  });

  it("sends remote write 1.0 requests: headers, sorted labels, exact values, order, exemplars, histograms, metadata", async () => {
    const rx = await startReceiver();
    const c = await build(
      config(
        rx.url,
        `send_native_histograms = true\nheaders = { "X-Scope-OrgID" = "t1" }`,
        "max_samples_per_send = 50",
      ),
    );
    try {
      const r = c.exports()!.receiver;
      const b = new MetricsBatchBuilder();
      const specials = [
        0,
        -1.5,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NaN,
        1.7976931348623157e308,
        5e-324,
        1e-10,
        123456789.12345679,
      ];
      const ref = b.series.intern(labelsFromObject({ __name__: "special:colon_metric", lbl: 'ünïcödé "q" \n' }));
      for (let i = 0; i < specials.length; i++) b.add(ref, T0 + i, specials[i]!);
      const stale = b.addLabels(labelsFromObject({ __name__: "gone", job: "j" }), T0, 1);
      b.add(stale, T0 + 1000, STALE_NAN);
      b.addLabels(labelsFromObject({ __name__: "zero_ts" }), 0, 7);
      b.addExemplar(ref, labelsFromObject({ trace_id: "abc123", span_id: "def" }), 999, T0);
      b.addHistogram(ref, T0, {
        count: 3,
        sum: 1,
        schema: 0,
        zeroThreshold: 0,
        zeroCount: 0,
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveBuckets: [1, 2],
      });
      b.addMetadata({ family: "special:colon_metric", type: "counter", help: "multi\nline", unit: "" });
      await append(r, b.build());
      for (let k = 0; k < 3; k++) await append(r, batchOf(b, 100, T0 + k * 1000, k * 1000));
      await waitUntil(
        "all samples",
        () => rx.accepted().reduce((n, s) => n + s.samples.length, 0) >= specials.length + 3 + 300,
      );
      await waitUntil("metadata", () => rx.requests.some((q) => q.req.metadata.length > 0));
      for (const q of rx.requests) {
        assert.equal(q.method, "POST");
        assert.equal(q.headers["content-encoding"], "snappy");
        assert.equal(q.headers["content-type"], "application/x-protobuf");
        assert.equal(q.headers["x-prometheus-remote-write-version"], "0.1.0");
        assert.match(q.headers["user-agent"] ?? "", /^Ingot\//);
        assert.equal(q.headers["x-scope-orgid"], "t1");
        const n = q.req.timeseries.length;
        assert.ok(n <= 50, `batch of ${n} > max_samples_per_send`);
      }
      const series = rx.accepted();
      for (const s of series) {
        const names = s.labels.map((l) => l.name);
        assert.deepEqual(names, [...names].sort(), "labels sorted");
        assert.equal(new Set(names).size, names.length, "no duplicate label names");
        assert.ok(names.includes("__name__"));
        assert.equal(labelsOf(s).cluster, "c1", "external label");
      }
      const sp = series.filter((s) => labelsOf(s).__name__ === "special:colon_metric" && s.samples.length > 0);
      assert.equal(labelsOf(sp[0]!).lbl, 'ünïcödé "q" \n');
      const got = sp.map((s) => s.samples[0]!);
      assert.deepEqual(
        got.map((s) => s.timestamp),
        specials.map((_, i) => T0 + i),
        "per-series order kept",
      );
      for (const [i, s] of got.entries())
        assert.ok(Object.is(s.value, specials[i]) || (specials[i] === 0 && s.value === 0), `value ${i}`);
      const gone = series.filter((s) => labelsOf(s).__name__ === "gone").flatMap((s) => s.samples);
      // Stale marker bits on the wire.
      const raw = rx.requests.map((q) => q.raw).find((x) => x.includes(Buffer.from("gone")))!;
      assert.ok(raw.includes(Buffer.from([0x09, 2, 0, 0, 0, 0, 0, 0xf0, 0x7f])), "stale NaN bits 0x7ff0000000000002");
      assert.ok(Number.isNaN(gone[1]!.value));
      assert.equal(series.find((s) => labelsOf(s).__name__ === "zero_ts")!.samples[0]!.timestamp, 0);
      const ex = series.flatMap((s) => s.exemplars);
      assert.deepEqual(labelsOf(ex[0]!), { span_id: "def", trace_id: "abc123" });
      const h = series.flatMap((s) => s.histograms);
      assert.equal(h[0]!.count_int, 3);
      assert.deepEqual(h[0]!.positive_deltas, [1, 1]);
      const md = rx.requests.flatMap((q) => q.req.metadata);
      assert.deepEqual(md[0], {
        type: "COUNTER",
        metric_family_name: "special:colon_metric",
        help: "multi\nline",
        unit: "",
      });
      let metrics = "";
      for (let k = 0; k < 100 && !/prometheus_remote_storage_metadata_total\{[^}]*\} \d+\n/.test(metrics); k++) {
        await new Promise((res) => setTimeout(res, 20));
        metrics = await c.metrics.metrics();
      }
      assert.match(metrics, /prometheus_remote_storage_metadata_total\{[^}]*\} \d+\n/);
      assert.match(
        metrics,
        /prometheus_remote_storage_samples_total\{remote_name="[0-9a-f]{6}",url="[^"]+"[^}]*\} 312\n/,
      );
      assert.match(metrics, /prometheus_remote_write_wal_samples_appended_total\{[^}]*\} 312\n/);
      const info = c.debugInfo() as { endpoints: { samples_sent: number }[] };
      assert.ok(info.endpoints[0]!.samples_sent >= 300);
    } finally {
      await c.stop();
      await rx.close();
    }
  });

  it("retries 5xx with exponential backoff, drops 4xx (except 429) with a counted reason and carries on", async () => {
    const rx = await startReceiver((n, rec) => {
      const first = rec.req.timeseries[0] ? labelsOf(rec.req.timeseries[0]) : {};
      if (first.__name__ === "bad") return { status: 400, body: "bad sample" };
      if (first.__name__ === "unauth") return { status: 401 };
      return n < 4 ? { status: [500, 502, 503, 504][n]! } : { status: 200 };
    });
    const c = await build(config(rx.url, "", "max_samples_per_send = 1000"));
    try {
      const r = c.exports()!.receiver;
      const b = new MetricsBatchBuilder();
      await append(r, batchOf(b, 10, T0));
      await waitUntil("delivery after 5xx", () => rx.accepted().length === 10);
      const times = rx.requests.slice(0, 5).map((q) => q.headers.date);
      assert.equal(times.length, 5);
      const deliveredAt = rx.requests.length;
      assert.equal(deliveredAt, 5, "4 failures then success, one batch");
      b.reset();
      b.addLabels(["__name__", "bad"], T0, 1);
      await append(r, b.build());
      await waitUntil("400", () => rx.requests.some((q) => q.status === 400));
      b.reset();
      b.addLabels(["__name__", "unauth"], T0, 1);
      await append(r, b.build());
      await waitUntil("401", () => rx.requests.some((q) => q.status === 401));
      await append(r, batchOf(b, 5, T0 + 1000));
      await waitUntil("later batch", () => rx.accepted().length === 15);
      // 400 and 401: exactly one attempt each.
      assert.equal(rx.requests.filter((q) => q.status === 400).length, 1);
      assert.equal(rx.requests.filter((q) => q.status === 401).length, 1);
      const m = await c.metrics.metrics();
      assert.match(m, /prometheus_remote_storage_samples_retried_total\{[^}]*\} 40\b/);
      assert.match(m, /prometheus_remote_storage_samples_failed_total\{[^}]*\} 2\b/);
      assert.match(
        m,
        /prometheus_remote_storage_samples_dropped_total\{[^}]*reason="non_recoverable_error"[^}]*\} 2\b/,
      );
      assert.match((c.debugInfo() as { endpoints: { last_error: string }[] }).endpoints[0]!.last_error, /401/);
    } finally {
      await c.stop();
      await rx.close();
    }
  });

  it("backs off exponentially between retries", async () => {
    const at: number[] = [];
    const rx = await startReceiver((n) => {
      at.push(Date.now());
      return n < 4 ? { status: 503 } : { status: 204 };
    });
    const c = await build(config(rx.url, "", `min_backoff = "100ms"\nmax_backoff = "2s"`));
    try {
      await append(c.exports()!.receiver, batchOf(new MetricsBatchBuilder(), 3, T0));
      await waitUntil("delivered", () => rx.accepted().length === 3);
      const gaps = at.slice(1).map((t, i) => t - at[i]!);
      // 100, 200, 400 ms (± 10% jitter): each gap at least the doubled backoff. The first
      // gap stays well under the third's minimum however late a loaded machine runs the
      // timer, so a constant backoff cannot pass.
      assert.ok(gaps[0]! >= 90 && gaps[1]! >= 180 && gaps[2]! >= 360, `gaps ${gaps}`);
      assert.ok(gaps[0]! < 340, `exponential: ${gaps}`);
    } finally {
      await c.stop();
      await rx.close();
    }
  });

  it("honours Retry-After on 429, and drops 429 when retry_on_http_429 = false", async () => {
    const at: number[] = [];
    const rx = await startReceiver((n) => {
      at.push(Date.now());
      return n === 0 ? { status: 429, headers: { "Retry-After": "1" } } : { status: 204 };
    });
    const c = await build(config(rx.url));
    try {
      await append(c.exports()!.receiver, batchOf(new MetricsBatchBuilder(), 2, T0));
      await waitUntil("delivered", () => rx.accepted().length === 2);
      assert.ok(at[1]! - at[0]! >= 950, `waited ${at[1]! - at[0]!}ms`);
    } finally {
      await c.stop();
      await rx.close();
    }
    const rx2 = await startReceiver(() => ({ status: 429 }));
    const c2 = await build(config(rx2.url, "", "retry_on_http_429 = false"));
    try {
      await append(c2.exports()!.receiver, batchOf(new MetricsBatchBuilder(), 2, T0));
      await waitUntil(
        "dropped",
        () => (c2.debugInfo() as { endpoints: { samples_dropped: number }[] }).endpoints[0]!.samples_dropped === 2,
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(rx2.requests.length, 1);
    } finally {
      await c2.stop();
      await rx2.close();
    }
  });

  it("keeps everything through an endpoint outage and slow responses", async () => {
    let rx = await startReceiver();
    const port = rx.port;
    const url = rx.url;
    await rx.close();
    const c = await build(config(url, `remote_timeout = "150ms"`));
    try {
      const r = c.exports()!.receiver;
      const b = new MetricsBatchBuilder();
      for (let k = 0; k < 5; k++) await append(r, batchOf(b, 20, T0 + k * 1000, k * 100));
      await new Promise((res) => setTimeout(res, 300));
      assert.match((c.debugInfo() as { endpoints: { last_error: string }[] }).endpoints[0]!.last_error, /ECONNREFUSED/);
      // Back up, but slow at first (timeouts), then fine.
      const rx2 = await startReceiverOn(port, (n) => (n < 2 ? { status: 204, delayMs: 400 } : { status: 204 }));
      rx = rx2;
      await waitUntil(
        "all delivered",
        () => {
          const seen = new Set(rx2.accepted().map((s) => `${labelsOf(s).i}@${s.samples[0]!.timestamp}`));
          return seen.size === 100;
        },
        15_000,
      );
      const per = new Map<string, number[]>();
      for (const s of rx2.accepted()) {
        const k = labelsOf(s).i!;
        (per.get(k) ?? per.set(k, []).get(k)!).push(s.samples[0]!.timestamp);
      }
      for (const [k, ts] of per) {
        const dedup = ts.filter((t, i) => i === 0 || t !== ts[i - 1]);
        assert.deepEqual(
          dedup,
          [...new Set(ts)].sort((a, b) => a - b),
          `order of series ${k}`,
        );
      }
    } finally {
      await c.stop();
      await rx.close();
    }
  });

  it("replays the WAL after a crash: a snapshot of the data dir taken mid-stream delivers what was not acknowledged", async () => {
    const rx = await startReceiver();
    const dir = await tempDir();
    const c = await build(config(rx.url, `name = "primary"`), dir);
    const snap = await tempDir();
    try {
      const r = c.exports()!.receiver;
      const b = new MetricsBatchBuilder();
      await append(r, batchOf(b, 10, T0));
      await waitUntil("first delivered", () => rx.accepted().length === 10);
      await new Promise((res) => setTimeout(res, 1100)); // positions saved
      rx.state.behave = () => ({ status: 503 });
      for (let k = 1; k <= 4; k++) await append(r, batchOf(b, 10, T0 + k * 1000, k * 10));
      await new Promise((res) => setTimeout(res, 100));
      // The crash: whatever is on disk now.
      await cp(dir, snap, { recursive: true });
    } finally {
      await c.stop();
    }
    // A torn write at the tail of the last segment.
    const segs = (await readdir(join(snap, "wal"))).filter((n) => /^\d+$/.test(n)).sort();
    await appendFile(join(snap, "wal", segs.at(-1)!), Buffer.from([2, 200, 0, 0, 0, 1, 2, 3]));
    const rx2 = await startReceiver();
    // Same endpoint name, so its "delivered up to" position applies (the URL changed: new port).
    const c2 = await build(config(rx2.url, `name = "primary"`), snap);
    try {
      await waitUntil("replayed", () => rx2.accepted().length >= 40, 5_000).catch((e) => {
        console.log(c2.debugInfo(), c2.logs, rx2.requests.length);
        throw e;
      });
      await new Promise((res) => setTimeout(res, 200));
      const ts = new Set(rx2.accepted().map((s) => s.samples[0]!.timestamp));
      for (let k = 1; k <= 4; k++) assert.ok(ts.has(T0 + k * 1000), `batch ${k} delivered after restart`);
      assert.ok(!ts.has(T0), "acknowledged batch not sent again");
      const info = c2.debugInfo() as { wal: { corruptions: number; replayed_records: number } };
      assert.equal(info.wal.corruptions, 1);
      assert.ok(info.wal.replayed_records >= 5);
      // Appends after the restart still flow (series known from the replay).
      await append(c2.exports()!.receiver, batchOf(new MetricsBatchBuilder(), 10, T0 + 9000));
      await waitUntil("new data", () => rx2.accepted().some((s) => s.samples[0]!.timestamp === T0 + 9000));
    } finally {
      await c2.stop();
      await rx2.close();
      await rx.close();
    }
  });

  it("applies write_relabel_config per endpoint and counts dropped series", async () => {
    const rx = await startReceiver();
    const c = await build(
      config(
        rx.url,
        `write_relabel_config {
        source_labels = ["i"]
        regex = "[0-4]"
        action = "drop"
      }
      write_relabel_config {
        target_label = "env"
        replacement = "prod"
      }`,
      ),
    );
    try {
      await append(c.exports()!.receiver, batchOf(new MetricsBatchBuilder(), 10, T0));
      await waitUntil("kept", () => rx.accepted().length === 5);
      for (const s of rx.accepted()) {
        assert.ok(Number(labelsOf(s).i) >= 5);
        assert.equal(labelsOf(s).env, "prod");
      }
      assert.match(await c.metrics.metrics(), /samples_dropped_total\{[^}]*reason="dropped_series"[^}]*\} 5/);
    } finally {
      await c.stop();
      await rx.close();
    }
  });

  it("applies sample_age_limit again before every retry: samples that grew too old while retrying are dropped", async () => {
    let failUntil = Date.now() + 60_000;
    const rx = await startReceiver(() => (Date.now() < failUntil ? { status: 503 } : { status: 204 }));
    const c = await build(config(rx.url, "", `sample_age_limit = "300ms"\nmax_backoff = "50ms"`));
    try {
      const r = c.exports()!.receiver;
      const b = new MetricsBatchBuilder();
      const t = Date.now();
      await append(r, batchOf(b, 10, t));
      // Fresh when first built: the first attempt carries all 10.
      await waitUntil("first attempt", () => rx.requests.length > 0);
      assert.equal(rx.requests[0]!.req.timeseries.length, 10);
      const dropped = async () =>
        Number(/samples_dropped_total\{[^}]*reason="too_old"[^}]*\} (\d+)/.exec(await c.metrics.metrics())?.[1] ?? 0);
      const end = Date.now() + 5_000;
      while ((await dropped()) < 10 && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
      assert.equal(await dropped(), 10, "dropped as too_old on a retry");
      const attempts = rx.requests.length;
      assert.ok(attempts >= 2, `retried ${attempts} times before the samples expired`);
      for (const req of rx.requests) assert.ok(req.req.timeseries.every((ts) => ts.samples[0]!.timestamp === t));
      // The endpoint recovers: the expired samples are not sent, new ones are.
      failUntil = 0;
      await append(r, batchOf(b, 10, Date.now(), 100));
      await waitUntil("fresh delivered", () => rx.accepted().length === 10);
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(rx.accepted().length, 10);
      assert.ok(rx.accepted().every((ts) => ts.samples[0]!.timestamp !== t));
      const info = c.debugInfo() as { endpoints: { samples_sent: number; samples_dropped: number }[] };
      assert.equal(info.endpoints[0]!.samples_sent, 10);
      assert.equal(info.endpoints[0]!.samples_dropped, 10);
    } finally {
      await c.stop();
      await rx.close();
    }
  });

  it("garbage-collects churned series at truncation: active series fall, and stay down after a restart", async () => {
    const rx = await startReceiver();
    const dir = await tempDir();
    const text = `${config(rx.url, `name = "gc"`)}
      wal {
        truncate_frequency = "150ms"
        min_keepalive_time = "50ms"
      }`;
    const active = (c: { debugInfo(): unknown }) =>
      (c.debugInfo() as { wal: { active_series: number } }).wal.active_series;
    const gen = (b: MetricsBatchBuilder, g: string, t: number) => {
      b.reset();
      for (let i = 0; i < 100; i++) b.addLabels(labelsFromObject({ __name__: "churn", gen: g, i: String(i) }), t, i);
      return b.build();
    };
    const c = await build(text, dir);
    const b = new MetricsBatchBuilder();
    let timer: NodeJS.Timeout | undefined;
    try {
      const r = c.exports()!.receiver;
      await append(r, gen(b, "old", Date.now() - 60_000));
      await waitUntil("old delivered", () => rx.accepted().length === 100);
      // The old generation stops; the new one keeps coming.
      timer = setInterval(() => void r.append(gen(b, "new", Date.now())), 30);
      await waitUntil("both generations in memory", () => active(c) === 200);
      const removed = () => (c.debugInfo() as { wal: { removed_series: number } }).wal.removed_series;
      await waitUntil("old generation collected", () => removed() > 0, 10_000);
      assert.equal(removed(), 100);
      assert.equal(active(c), 100);
      const m = await c.metrics.metrics();
      assert.match(m, /prometheus_remote_write_wal_storage_active_series(\{[^}]*\})? 100\b/);
      assert.match(m, /prometheus_remote_write_wal_storage_removed_series_total(\{[^}]*\})? 100\b/);
      // More truncations while the new generation keeps coming: the segments that still
      // defined the old one are passed and deleted.
      await new Promise((res) => setTimeout(res, 500));
      assert.equal(active(c), 100);
    } finally {
      clearInterval(timer);
      await c.stop();
    }
    // Restart: the old generation's segments are gone, so it is not replayed.
    const c2 = await build(text, dir);
    try {
      assert.equal(active(c2), 100);
      // An old series coming back is a new series with its own labels.
      const before = rx.accepted().length;
      await append(c2.exports()!.receiver, gen(b, "old", Date.now()));
      await waitUntil("old generation again", () => rx.accepted().length >= before + 100);
      const back = rx
        .accepted()
        .slice(before)
        .filter((s) => labelsOf(s).gen === "old");
      assert.equal(new Set(back.map((s) => labelsOf(s).i)).size, 100);
      assert.equal(active(c2), 200);
    } finally {
      await c2.stop();
      await rx.close();
    }
  });
});

async function startReceiverOn(port: number, behave: Parameters<typeof startReceiver>[0]) {
  // startReceiver picks a random port; retry binding the given one through a tiny proxy-free path.
  const { default: http } = await import("node:http");
  const rx = await startReceiver(behave);
  // Forward the old port to the new receiver.
  const fwd = http.createServer((req, res) => {
    const p = http.request(
      { host: "127.0.0.1", port: rx.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      },
    );
    p.on("error", () => res.destroy());
    req.pipe(p);
  });
  await new Promise<void>((r) => fwd.listen(port, "127.0.0.1", () => r()));
  return {
    ...rx,
    async close() {
      fwd.closeAllConnections();
      await new Promise<void>((r) => fwd.close(() => r()));
      await rx.close();
    },
  };
}
