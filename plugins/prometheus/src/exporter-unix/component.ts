// prometheus.exporter.unix: node_exporter-compatible host metrics served on the
// component's HTTP handler (/api/v0/component/<id>/metrics) and exported as a target.
import { hostname } from "node:os";
import { type ComponentContext, defineComponent } from "@ingot/sdk";
import { COLLECTORS, Out, type UnixOptions } from "./collectors.js";

export interface UnixArguments {
  set_collectors?: string[];
  enable_collectors?: string[];
  disable_collectors?: string[];
  include_exporter_metrics: boolean;
  procfs_path: string;
  sysfs_path: string;
  rootfs_path: string;
  udev_data_path: string;
  filesystem: { fs_types_exclude: string; mount_points_exclude: string; mount_timeout: number };
  netdev: { device_include?: string; device_exclude?: string; address_info: boolean };
  disk: { device_include?: string; device_exclude?: string };
}

export interface ExporterExports {
  targets: Record<string, string>[];
}

/** node_exporter's default-enabled collectors (what Alloy enables without set_collectors). */
const NODE_EXPORTER_DEFAULTS = [
  "arp",
  "bcache",
  "bonding",
  "btrfs",
  "conntrack",
  "cpu",
  "cpufreq",
  "diskstats",
  "dmi",
  "edac",
  "entropy",
  "fibrechannel",
  "filefd",
  "filesystem",
  "hwmon",
  "infiniband",
  "ipvs",
  "loadavg",
  "mdadm",
  "meminfo",
  "netclass",
  "netdev",
  "netstat",
  "nfs",
  "nfsd",
  "nvme",
  "os",
  "powersupplyclass",
  "pressure",
  "rapl",
  "schedstat",
  "selinux",
  "sockstat",
  "softnet",
  "stat",
  "tapestats",
  "textfile",
  "thermal_zone",
  "time",
  "timex",
  "udp_queues",
  "uname",
  "vmstat",
  "watchdog",
  "xfs",
  "zfs",
];

/** The address targets point at: Ingot's HTTP server (ctx.httpAddress once it listens). */
export function ingotAddress(ctx: ComponentContext<ExporterExports>): string {
  return ctx.httpAddress ?? "127.0.0.1:12345";
}

/** Alloy's instance label for exporters: $HOSTNAME, else the OS host name. */
export function defaultInstance(): string {
  return process.env.HOSTNAME || hostname();
}

/** Re-exports the targets once the HTTP server's address is known (it may start after build). */
export async function exportWhenListening(
  ctx: ComponentContext<ExporterExports>,
  make: () => ExporterExports,
  signal: AbortSignal,
): Promise<void> {
  while (ctx.httpAddress === undefined && !signal.aborted) {
    await new Promise((r) => setTimeout(r, 200).unref());
  }
  if (!signal.aborted) ctx.setExports(make());
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function regex(s: string | undefined): RegExp | undefined {
  return s ? new RegExp(`^(?:${s})$`) : undefined;
}

function options(a: UnixArguments): { opts: UnixOptions; collectors: string[]; unsupported: string[] } {
  const opts: UnixOptions = {
    procfs: a.procfs_path,
    sysfs: a.sysfs_path,
    rootfs: a.rootfs_path,
    fsTypesExclude: new RegExp(a.filesystem.fs_types_exclude),
    mountPointsExclude: new RegExp(a.filesystem.mount_points_exclude),
    mountTimeoutMs: a.filesystem.mount_timeout,
    netdevInclude: regex(a.netdev.device_include),
    netdevExclude: regex(a.netdev.device_exclude),
    diskInclude: regex(a.disk.device_include),
    diskExclude: regex(a.disk.device_exclude),
  };
  let set = a.set_collectors && a.set_collectors.length > 0 ? [...a.set_collectors] : [...NODE_EXPORTER_DEFAULTS];
  for (const c of a.enable_collectors ?? []) if (!set.includes(c)) set.push(c);
  set = set.filter((c) => !(a.disable_collectors ?? []).includes(c));
  const collectors = set.filter((c) => c in COLLECTORS).sort();
  const unsupported = set.filter((c) => !(c in COLLECTORS));
  return { opts, collectors, unsupported };
}

export const unixComponent = defineComponent<UnixArguments, ExporterExports>({
  build(ctx: ComponentContext<ExporterExports>, args: UnixArguments) {
    let cfg = options(args);
    let includeExporter = args.include_exporter_metrics;
    const targets = (): ExporterExports => ({
      targets: [
        {
          __address__: ingotAddress(ctx),
          __metrics_path__: `${ctx.httpPathPrefix}metrics`,
          instance: defaultInstance(),
          job: "integrations/unix",
        },
      ],
    });
    const report = () => {
      if (cfg.unsupported.length > 0)
        ctx.logger.debug("collectors not implemented by Ingot are skipped", { collectors: cfg.unsupported.join(",") });
    };
    report();
    ctx.setExports(targets());
    ctx.setHealth("healthy");
    let scrapes = 0;

    const collect = async (): Promise<string> => {
      const out = new Out();
      const results: [string, number, boolean][] = [];
      for (const name of cfg.collectors) {
        const start = performance.now();
        const part = new Out();
        let ok = true;
        try {
          await (COLLECTORS[name] as (o: UnixOptions, out: Out) => Promise<void>)(cfg.opts, part);
          out.text += part.text;
        } catch (e) {
          ok = false;
          ctx.logger.error("collector failed", { name, err: (e as Error).message });
        }
        results.push([name, (performance.now() - start) / 1000, ok]);
      }
      out.family("node_scrape_collector_duration_seconds", "node_exporter: Duration of a collector scrape.", "gauge");
      for (const [n, d] of results) out.sample("node_scrape_collector_duration_seconds", { collector: n }, d);
      out.family("node_scrape_collector_success", "node_exporter: Whether a collector succeeded.", "gauge");
      for (const [n, , ok] of results) out.sample("node_scrape_collector_success", { collector: n }, ok ? 1 : 0);
      if (includeExporter) {
        out.family("node_exporter_scrapes_total", "Total number of scrapes of this exporter.", "counter");
        out.sample("node_exporter_scrapes_total", undefined, ++scrapes);
      }
      return out.text;
    };

    return {
      run: (signal: AbortSignal) => exportWhenListening(ctx, targets, signal),
      update(next: UnixArguments) {
        cfg = options(next);
        includeExporter = next.include_exporter_metrics;
        report();
      },
      debugInfo: () => ({ collectors: cfg.collectors, not_implemented: cfg.unsupported }),
      handler(_req, res, path) {
        if (path !== "/metrics") {
          res.writeHead(404, { "Content-Type": "text/plain" });
          res.end("not found\n");
          return;
        }
        collect().then(
          (text) => {
            res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
            res.end(text);
          },
          (e: Error) => {
            res.writeHead(500, { "Content-Type": "text/plain" });
            res.end(`${e.message}\n`);
          },
        );
      },
    };
  },
});
