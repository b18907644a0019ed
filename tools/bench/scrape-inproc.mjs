#!/usr/bin/env node
// In-process driver of the scrape path for profiling (no CLI, no remote_write queue):
// one ScrapeLoop per target of a running ../shared/bench/target.js, forwarding to a
// receiver that either drops the batch ("none") or writes it to a real WAL ("wal").
// Reports scrape rounds, samples/s, main-thread CPU, event-loop delay, heap and RSS
// per series. Run under `node --cpu-prof` to see where the time goes.
//
//   node ../shared/bench/target.js --series 1M --targets 100 --base-port 41000 &
//   node tools/bench/scrape-inproc.mjs --ports 41000-41099 --interval 5000 --duration 30 [--sink wal] [--workers 1]
//
// --workers N scrapes in N scrape workers (pool.ts) instead of on the main thread (0, the
// default here); CPU is then the whole process's (process.cpuUsage counts every thread).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";

const root = new URL("../../plugins/prometheus/dist/src/", import.meta.url);
const { ScrapeLoop } = await import(new URL("scrape/loop.js", root).href);
const { ScrapeClient } = await import(new URL("scrape/http.js", root).href);
const { resolveTarget } = await import(new URL("scrape/targets.js", root).href);
const { ScrapeWorkerPool, newClientId } = await import(new URL("scrape/pool.js", root).href);

const { values } = parseArgs({
  options: {
    ports: { type: "string", default: "41000-41099" },
    interval: { type: "string", default: "5000" },
    duration: { type: "string", default: "30" },
    sink: { type: "string", default: "none" },
    warmup: { type: "string", default: "10" },
    workers: { type: "string", default: "0" },
  },
});
const [p0, p1] = values.ports.split("-").map(Number);
const intervalMs = Number(values.interval);
let samples = 0;
let batches = 0;
let wal;
let dir;
if (values.sink === "wal") {
  const { Wal } = await import(new URL("remote-write/wal.js", root).href);
  dir = mkdtempSync(join(tmpdir(), "ingot-inproc-"));
  wal = new Wal({ dir });
  wal.open();
}
const receiver = {
  append(b) {
    samples += b.length;
    batches++;
    if (wal) wal.append(b);
  },
};
const args = {
  targets: [],
  forward_to: [receiver],
  job_name: "bench",
  extra_metrics: false,
  enable_protobuf_negotiation: false,
  honor_labels: false,
  honor_timestamps: true,
  track_timestamps_staleness: false,
  scrape_classic_histograms: false,
  scrape_native_histograms: false,
  scrape_interval: intervalMs,
  scrape_timeout: intervalMs,
  scrape_protocols: ["OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4"],
  scrape_fallback_protocol: "PrometheusText0.0.4",
  metrics_path: "/metrics",
  scheme: "http",
  body_size_limit: 0,
  sample_limit: 0,
  target_limit: 0,
  label_limit: 0,
  label_name_length_limit: 0,
  label_value_length_limit: 0,
  enable_compression: true,
  follow_redirects: true,
  enable_http2: true,
};
const pool = Number(values.workers) > 0 ? new ScrapeWorkerPool(Number(values.workers)) : undefined;
const shared = {
  args,
  client: new ScrapeClient(args),
  receivers: [receiver],
  forcedError: undefined,
  seed: 1,
  pool,
  cid: newClientId(),
};
const defaults = {
  jobName: "bench",
  scheme: "http",
  metricsPath: "/metrics",
  intervalMs,
  timeoutMs: intervalMs,
  params: {},
};
const loops = [];
for (let p = p0; p <= p1; p++) {
  const t = resolveTarget({ __address__: `127.0.0.1:${p}` }, defaults);
  loops.push(new ScrapeLoop(t, shared));
}
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
let cpu0 = process.cpuUsage();
const t0 = Date.now();
let tw = t0;
let samples0 = 0;
setTimeout(() => {
  cpu0 = process.cpuUsage();
  tw = Date.now();
  samples0 = samples;
  h.reset();
}, Number(values.warmup) * 1000);
for (const l of loops) l.start();
const dur = Number(values.duration) * 1000;
const tick = setInterval(() => {
  const up = loops.filter((l) => l.health === "up").length;
  const m = process.memoryUsage();
  console.log(
    `t=${((Date.now() - t0) / 1000).toFixed(0)}s samples=${samples} up=${up}/${loops.length} heapMiB=${(m.heapUsed / 2 ** 20).toFixed(0)} rssMiB=${(m.rss / 2 ** 20).toFixed(0)} loopDelayMaxMs=${(h.max / 1e6).toFixed(0)} err=${loops.find((l) => l.lastError)?.lastError ?? ""}`,
  );
}, 5000);
await new Promise((r) => setTimeout(r, dur + Number(values.warmup) * 1000));
clearInterval(tick);
await Promise.all(loops.map((l) => l.stop(false)));
shared.client.close();
const cpu = process.cpuUsage(cpu0);
const secs = (Date.now() - tw) / 1000;
const total = samples;
samples -= samples0;
global.gc?.();
const m = process.memoryUsage();
const series =
  total /
  Math.max(
    1,
    loops.reduce((a, l) => a + l.scrapes, 0),
  );
console.log(
  JSON.stringify({
    samplesInWindow: samples,
    totalSamples: total,
    batches,
    samplesPerS: Math.round(samples / secs),
    cpuS: (cpu.user + cpu.system) / 1e6,
    cpuSPerMSamples: (cpu.user + cpu.system) / 1e6 / (samples / 1e6),
    loopDelayP99Ms: h.percentile(99) / 1e6,
    loopDelayMaxMs: h.max / 1e6,
    heapUsedMiB: m.heapUsed / 2 ** 20,
    rssMiB: m.rss / 2 ** 20,
    avgSamplesPerScrape: Math.round(series),
    walSegmentsCut: wal ? wal.end().seg : undefined,
    walBytesWritten: wal?.bytesWritten,
  }),
);
wal?.close();
if (dir) rmSync(dir, { recursive: true, force: true });
process.exit(0);
