// The whole remote write send path in one process: WAL append, WAL read-back, sharding,
// encoding, snappy and HTTP to a receiver in a child process that only answers 204.
// Reports this process's CPU seconds per million samples delivered (user + system,
// snappy's thread pool included) and the wall time.
// Run: node plugins/prometheus/dist/bench/remote-write-queue-bench.js [series=100000] [rounds=10]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelsFromObject, MetricsBatchBuilder } from "@ingot/sdk";
import { Registry } from "prom-client";
import { RemoteWriteMetrics } from "../src/remote-write/metrics.js";
import { EndpointQueue } from "../src/remote-write/queue.js";
import { Wal } from "../src/remote-write/wal.js";

const SERIES = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 10);

const child = spawn(
  process.execPath,
  [
    "-e",
    `const s=require("node:http").createServer((q,r)=>{q.on("data",()=>{});q.on("end",()=>{r.writeHead(204);r.end()})});
     s.listen(0,"127.0.0.1",()=>console.log(s.address().port))`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const port = await new Promise<number>((resolve) => child.stdout.once("data", (d) => resolve(Number(String(d)))));

const dir = mkdtempSync(join(tmpdir(), "ingot-rwq-bench-"));
const wal = new Wal({ dir });
wal.open();
const url = `http://127.0.0.1:${port}/api/v1/write`;
const q = new EndpointQueue({
  cfg: {
    url,
    name: "bench",
    remote_timeout: 30_000,
    send_exemplars: true,
    send_native_histograms: false,
    queue_config: {
      capacity: 10_000,
      min_shards: 4,
      max_shards: 50,
      max_samples_per_send: 2000,
      batch_send_deadline: 5000,
      min_backoff: 30,
      max_backoff: 5000,
      retry_on_http_429: true,
      sample_age_limit: 0,
    },
    metadata_config: { send: false, send_interval: 60_000, max_samples_per_send: 2000 },
  },
  wal,
  externalLabels: ["cluster", "prod"],
  rules: [],
  metrics: new RemoteWriteMetrics(new Registry(), () => wal).forEndpoint("bench", url),
  start: wal.end(),
  log: () => {},
});
q.start();

const labels = Array.from({ length: SERIES }, (_, i) =>
  labelsFromObject({
    __name__: `node_metric_${i % 500}_total`,
    instance: `host-${i % 100}.example.com:9100`,
    job: "node",
    cpu: String(i % 64),
    mode: ["idle", "user", "system", "iowait"][i % 4] as string,
  }),
);
const T = Date.now();
// The batches are built before timing: producing them is the scrape's cost, not this path's.
const batches = Array.from({ length: ROUNDS }, (_, r) => {
  const b = new MetricsBatchBuilder();
  for (let i = 0; i < SERIES; i++) b.addLabels(labels[i] as string[], T + r * 1000, Math.random() * 1000);
  return b.build();
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const batch of batches) {
  wal.append(batch);
  await new Promise((res) => setImmediate(res));
}
const total = SERIES * ROUNDS;
while (q.stats.sent < total) await new Promise((res) => setTimeout(res, 5));
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - t0) / 1000;
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(
  `${total} samples, ${SERIES} series: ${((cpuS / total) * 1e6).toFixed(2)} CPU-s per million samples ` +
    `(user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s), wall ${wall.toFixed(2)} s, ` +
    `${(total / wall / 1000).toFixed(0)}k samples/s`,
);
await q.stop();
wal.close();
child.kill("SIGKILL");
rmSync(dir, { recursive: true, force: true });
