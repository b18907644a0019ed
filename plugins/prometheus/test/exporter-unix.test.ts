import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ComponentContext, createLogger, type Labels, labelsToObject } from "@ingot/sdk";
import { Registry } from "prom-client";
import type { ExporterExports, UnixArguments } from "../src/exporter-unix/index.js";
import { components } from "../src/exporter-unix/index.js";
import { createParser } from "../src/scrape/parse.js";
import { collector, promPlugin } from "./scrape-helpers.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ingot-unix-"));
  const w = async (p: string, s: string) => {
    await mkdir(join(dir, p, ".."), { recursive: true });
    await writeFile(join(dir, p), s);
  };
  await w("stat", "cpu  10 20 30 40 50 60 70 80 90 100\ncpu0 100 200 300 400 500 600 700 800 900 1000\nintr 1\n");
  await w("meminfo", "MemTotal:       1000 kB\nActive(anon):     2 kB\nHugePages_Total:       3\n");
  await w("loadavg", "0.50 0.25 0.10 1/100 1234\n");
  await w(
    "1/mounts",
    "/dev/vda / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n/dev/vdb /mnt/with\\040space ext4 ro 0 0\n",
  );
  await w(
    "net/dev",
    "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n  eth0: 1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n",
  );
  await w(
    "diskstats",
    " 254 0 vda 100 2 300 40 500 6 700 80 0 90 100 11 12 13 14 15 16\n 254 1 vda1 1 1 1 1 1 1 1 1 0 1 1 1 1 1 1 1 1\n   7 0 loop0 1 1 1 1 1 1 1 1 0 1 1 1 1 1 1 1 1\n",
  );
  await w("sys/kernel/domainname", "(none)\n");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Builds the component directly (to reach its HTTP handler) and serves the handler on 127.0.0.1. */
async function serve(args: Partial<UnixArguments>) {
  const plugin = await promPlugin();
  const decoded = plugin.decode(
    "prometheus.exporter.unix",
    Object.entries(args)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join("\n"),
  ) as unknown as UnixArguments;
  let exports: ExporterExports | undefined;
  const ctx = {
    id: "prometheus.exporter.unix.t",
    dataPath: dir,
    logger: createLogger({ level: "error" }),
    metrics: new Registry(),
    httpAddress: "127.0.0.1:1",
    httpPathPrefix: "/api/v0/component/prometheus.exporter.unix.t/",
    setExports: (e: ExporterExports) => {
      exports = e;
    },
    setHealth: () => {},
  } as unknown as ComponentContext<ExporterExports>;
  const def = components["prometheus.exporter.unix"] as unknown as {
    build(c: typeof ctx, a: UnixArguments): Promise<{ handler: (q: unknown, s: unknown, p: string) => void }>;
  };
  const comp = await def.build(ctx, decoded);
  const server = http.createServer((req, res) => {
    const prefix = "/api/v0/component/prometheus.exporter.unix.t";
    comp.handler(req, res, (req.url ?? "").slice(prefix.length).split("?")[0] as string);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0/component/prometheus.exporter.unix.t`;
  return {
    exports: () => exports,
    base,
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    text: async () => (await fetch(`${base}/metrics`)).text(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function parse(text: string): { labels: Labels; value: number }[] {
  const p = createParser(Buffer.from(text), "prometheus-text");
  const out: { labels: Labels; value: number }[] = [];
  for (let e = p.next(); e !== "eof"; e = p.next())
    if (e === "series") out.push({ labels: p.labels(), value: p.value() });
  return out;
}

describe("prometheus.exporter.unix", () => {
  it("reads procfs fixtures into node_exporter's names and labels", async () => {
    const s = await serve({
      procfs_path: dir,
      set_collectors: ["cpu", "meminfo", "loadavg", "filesystem", "netdev", "diskstats", "uname", "time"],
    });
    try {
      const text = await s.text();
      const samples = parse(text);
      const get = (name: string, labels: Record<string, string> = {}) =>
        samples.find(
          (x) =>
            labelsToObject(x.labels).__name__ === name &&
            Object.entries(labels).every(([k, v]) => labelsToObject(x.labels)[k] === v),
        )?.value;
      assert.equal(get("node_cpu_seconds_total", { cpu: "0", mode: "user" }), 1);
      assert.equal(get("node_cpu_seconds_total", { cpu: "0", mode: "steal" }), 8);
      assert.equal(get("node_cpu_guest_seconds_total", { cpu: "0", mode: "nice" }), 10);
      assert.equal(samples.filter((x) => labelsToObject(x.labels).__name__ === "node_cpu_seconds_total").length, 8);
      assert.equal(get("node_memory_MemTotal_bytes"), 1024000);
      assert.equal(get("node_memory_Active_anon_bytes"), 2048);
      assert.equal(get("node_memory_HugePages_Total"), 3);
      assert.equal(get("node_load1"), 0.5);
      assert.equal(get("node_load5"), 0.25);
      assert.equal(get("node_load15"), 0.1);
      assert.ok((get("node_filesystem_size_bytes", { device: "/dev/vda", fstype: "ext4", mountpoint: "/" }) ?? 0) > 0);
      assert.equal(get("node_filesystem_readonly", { mountpoint: "/" }), 0);
      assert.equal(get("node_filesystem_readonly", { mountpoint: "/mnt/with space" }), 1);
      assert.equal(get("node_filesystem_device_error", { mountpoint: "/mnt/with space" }), 1, "no such mount here");
      assert.equal(get("node_filesystem_size_bytes", { mountpoint: "/proc" }), undefined, "excluded by default");
      assert.equal(get("node_network_receive_bytes_total", { device: "eth0" }), 1000);
      assert.equal(get("node_network_receive_multicast_total", { device: "eth0" }), 6);
      assert.equal(get("node_network_transmit_carrier_total", { device: "eth0" }), 11);
      assert.equal(get("node_network_transmit_bytes_total", { device: "lo" }), 5);
      assert.equal(get("node_disk_read_bytes_total", { device: "vda" }), 300 * 512);
      assert.equal(get("node_disk_io_time_seconds_total", { device: "vda" }), 0.09);
      assert.equal(get("node_disk_flush_requests_total", { device: "vda" }), 15);
      assert.equal(get("node_disk_reads_completed_total", { device: "vda1" }), undefined, "partitions excluded");
      assert.equal(get("node_disk_reads_completed_total", { device: "loop0" }), undefined);
      assert.equal(get("node_uname_info", { sysname: "Linux", domainname: "(none)" }), 1);
      assert.ok(Math.abs((get("node_time_seconds") ?? 0) - Date.now() / 1000) < 5);
      assert.equal(get("node_scrape_collector_success", { collector: "cpu" }), 1);
      assert.match(
        text,
        /^# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode\.\n# TYPE node_cpu_seconds_total counter$/m,
      );
      assert.match(text, /^# TYPE node_network_receive_bytes_total counter$/m);
      assert.match(
        text,
        /^# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes\.$/m,
      );
      assert.deepEqual(s.exports(), {
        targets: [
          {
            __address__: "127.0.0.1:1",
            __metrics_path__: "/api/v0/component/prometheus.exporter.unix.t/metrics",
            instance: process.env.HOSTNAME || (await import("node:os")).hostname(),
            job: "integrations/unix",
          },
        ],
      });
    } finally {
      await s.close();
    }
  });

  it("on this host: the collectors give node_exporter's metric names", async () => {
    const s = await serve({});
    try {
      const names = new Set(parse(await s.text()).map((x) => labelsToObject(x.labels).__name__));
      // Names node_exporter 1.x prints for these collectors on any Linux host.
      for (const n of [
        "node_cpu_seconds_total",
        "node_memory_MemTotal_bytes",
        "node_memory_MemAvailable_bytes",
        "node_load1",
        "node_load5",
        "node_load15",
        "node_filesystem_size_bytes",
        "node_filesystem_avail_bytes",
        "node_filesystem_free_bytes",
        "node_filesystem_files",
        "node_filesystem_files_free",
        "node_filesystem_readonly",
        "node_network_receive_bytes_total",
        "node_network_transmit_bytes_total",
        "node_uname_info",
        "node_time_seconds",
        "node_scrape_collector_duration_seconds",
      ])
        assert.ok(names.has(n), `missing ${n}`);
    } finally {
      await s.close();
    }
  });

  it("is scraped by prometheus.scrape end to end", async () => {
    const s = await serve({ procfs_path: dir, set_collectors: ["loadavg"] });
    const col = collector();
    const plugin = await promPlugin();
    const c = await plugin.build(
      "prometheus.scrape",
      `targets = [{"__address__" = "${s.address}", "__metrics_path__" = "/api/v0/component/prometheus.exporter.unix.t/metrics", job = "integrations/unix"}]
       forward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"`,
      { scope: { r: col.cap }, label: "unix" },
    );
    try {
      await col.waitFor(() => col.of("node_load1").length > 0);
      assert.equal(col.of("node_load1")[0]?.v, 0.5);
      assert.equal(col.of("node_load1")[0]?.labels.job, "integrations/unix");
      assert.equal(col.of("up")[0]?.v, 1);
    } finally {
      await c.stop();
      await s.close();
    }
  });
});

describe("prometheus.exporter.self", () => {
  it("exports a target at Ingot's /metrics", async () => {
    const plugin = await promPlugin();
    const c = await plugin.build<Record<string, never>, ExporterExports>("prometheus.exporter.self", "", {
      httpAddress: "127.0.0.1:12399",
    } as never);
    try {
      const e = await c.waitForExports((x) => (x?.targets.length ?? 0) > 0);
      assert.equal(e.targets[0]?.__address__, "127.0.0.1:12399");
      assert.equal(e.targets[0]?.__metrics_path__, "/metrics");
      assert.equal(e.targets[0]?.job, "integrations/alloy");
      assert.ok(e.targets[0]?.instance);
      assert.equal(c.health().state, "healthy");
    } finally {
      await c.stop();
    }
  });
});
