// node_exporter-compatible collectors reading procfs, sysfs and statfs. Each returns
// metric families in the text exposition format (names, labels and help strings as
// node_exporter 1.x prints them).
import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";

export interface UnixOptions {
  procfs: string;
  sysfs: string;
  rootfs: string;
  fsTypesExclude: RegExp;
  mountPointsExclude: RegExp;
  mountTimeoutMs: number;
  netdevInclude?: RegExp;
  netdevExclude?: RegExp;
  diskInclude?: RegExp;
  diskExclude?: RegExp;
}

/** Text output of one collector run. */
export class Out {
  text = "";
  private readonly declared = new Set<string>();
  family(name: string, help: string, type: "counter" | "gauge"): void {
    if (this.declared.has(name)) return;
    this.declared.add(name);
    this.text += `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
  }
  sample(name: string, labels: Record<string, string> | undefined, v: number): void {
    let s = name;
    if (labels) {
      const keys = Object.keys(labels);
      if (keys.length > 0) {
        s += "{";
        keys.forEach((k, i) => {
          const val = (labels[k] as string).replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
          s += `${i > 0 ? "," : ""}${k}="${val}"`;
        });
        s += "}";
      }
    }
    this.text += `${s} ${fmt(v)}\n`;
  }
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

const read = (p: string) => readFile(p, "utf8");

export type Collector = (o: UnixOptions, out: Out) => Promise<void>;

const USER_HZ = 100;
const CPU_MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];

export const cpu: Collector = async (o, out) => {
  const stat = await read(join(o.procfs, "stat"));
  const lines = stat.split("\n").filter((l) => /^cpu\d+ /.test(l));
  out.family("node_cpu_guest_seconds_total", "Seconds the CPUs spent in guests (VMs) for each mode.", "counter");
  const guest: string[] = [];
  for (const l of lines) {
    const f = l.trim().split(/\s+/);
    const id = (f[0] as string).slice(3);
    guest.push(id, String(Number(f[9] ?? 0) / USER_HZ), String(Number(f[10] ?? 0) / USER_HZ));
  }
  for (let i = 0; i < guest.length; i += 3) {
    out.sample("node_cpu_guest_seconds_total", { cpu: guest[i] as string, mode: "nice" }, Number(guest[i + 2]));
    out.sample("node_cpu_guest_seconds_total", { cpu: guest[i] as string, mode: "user" }, Number(guest[i + 1]));
  }
  out.family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", "counter");
  for (const l of lines) {
    const f = l.trim().split(/\s+/);
    const id = (f[0] as string).slice(3);
    const vals: [string, number][] = CPU_MODES.map((m, i) => [m, Number(f[i + 1] ?? 0) / USER_HZ]);
    vals.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [mode, v] of vals) out.sample("node_cpu_seconds_total", { cpu: id, mode }, v);
  }
};

export const meminfo: Collector = async (o, out) => {
  const text = await read(join(o.procfs, "meminfo"));
  const fams: [string, number][] = [];
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (!m) continue;
    let key = (m[1] as string).replace(/\(/g, "_").replace(/\)/g, "");
    let v = Number(m[2]);
    if (m[3]) {
      key += "_bytes";
      v *= 1024;
    }
    fams.push([key, v]);
  }
  fams.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [key, v] of fams) {
    const name = `node_memory_${key}`;
    out.family(name, `Memory information field ${key}.`, "gauge");
    out.sample(name, undefined, v);
  }
};

export const loadavg: Collector = async (o, out) => {
  const f = (await read(join(o.procfs, "loadavg"))).trim().split(/\s+/);
  const names: [string, string][] = [
    ["node_load1", "1m load average."],
    ["node_load15", "15m load average."],
    ["node_load5", "5m load average."],
  ];
  const idx: Record<string, number> = { node_load1: 0, node_load5: 1, node_load15: 2 };
  for (const [n, help] of names) {
    out.family(n, help, "gauge");
    out.sample(n, undefined, Number(f[idx[n] as number]));
  }
};

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export const filesystem: Collector = async (o, out) => {
  let mounts: string;
  try {
    mounts = await read(join(o.procfs, "1", "mounts"));
  } catch {
    mounts = await read(join(o.procfs, "mounts"));
  }
  const seen = new Set<string>();
  const rows: { labels: Record<string, string>; st?: import("node:fs").StatsFs; ro: number }[] = [];
  for (const line of mounts.split("\n")) {
    const f = line.split(" ");
    if (f.length < 4) continue;
    const device = unescapeMount(f[0] as string);
    const mountpoint = unescapeMount(f[1] as string);
    const fstype = f[2] as string;
    if (o.mountPointsExclude.test(mountpoint) || o.fsTypesExclude.test(fstype)) continue;
    const key = `${device}\u0000${mountpoint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ro = (f[3] as string).split(",").includes("ro") ? 1 : 0;
    const labels = { device, fstype, mountpoint };
    try {
      const st = (await withTimeout(statfs(join(o.rootfs, mountpoint)), o.mountTimeoutMs)) as import("node:fs").StatsFs;
      rows.push({ labels, st, ro });
    } catch {
      rows.push({ labels, ro });
    }
  }
  const fam = (name: string, help: string, get: (r: (typeof rows)[number]) => number | undefined) => {
    out.family(name, help, "gauge");
    for (const r of rows) {
      const v = get(r);
      if (v !== undefined) out.sample(name, r.labels, v);
    }
  };
  fam("node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.", (r) =>
    r.st ? r.st.bavail * r.st.bsize : undefined,
  );
  fam(
    "node_filesystem_device_error",
    "Whether an error occurred while getting statistics for the given device.",
    (r) => (r.st ? 0 : 1),
  );
  fam("node_filesystem_files", "Filesystem total file nodes.", (r) => r.st?.files);
  fam("node_filesystem_files_free", "Filesystem total free file nodes.", (r) => r.st?.ffree);
  fam("node_filesystem_free_bytes", "Filesystem free space in bytes.", (r) =>
    r.st ? r.st.bfree * r.st.bsize : undefined,
  );
  fam("node_filesystem_readonly", "Filesystem read-only status.", (r) => r.ro);
  fam("node_filesystem_size_bytes", "Filesystem size in bytes.", (r) => (r.st ? r.st.blocks * r.st.bsize : undefined));
};

const NET_RX = ["bytes", "packets", "errs", "drop", "fifo", "frame", "compressed", "multicast"];
const NET_TX = ["bytes", "packets", "errs", "drop", "fifo", "colls", "carrier", "compressed"];

export const netdev: Collector = async (o, out) => {
  const text = await read(join(o.procfs, "net", "dev"));
  const stats = new Map<string, Map<string, number>>();
  for (const line of text.split("\n").slice(2)) {
    const c = line.indexOf(":");
    if (c < 0) continue;
    const dev = line.slice(0, c).trim();
    if (o.netdevInclude && !o.netdevInclude.test(dev)) continue;
    if (o.netdevExclude?.test(dev)) continue;
    const f = line
      .slice(c + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const m = new Map<string, number>();
    for (const [i, k] of NET_RX.entries()) m.set(`receive_${k}`, f[i] ?? 0);
    for (const [i, k] of NET_TX.entries()) m.set(`transmit_${k}`, f[i + 8] ?? 0);
    stats.set(dev, m);
  }
  const keys = [...NET_RX.map((k) => `receive_${k}`), ...NET_TX.map((k) => `transmit_${k}`)].sort();
  const devs = [...stats.keys()].sort();
  for (const k of keys) {
    const name = `node_network_${k}_total`;
    out.family(name, `Network device statistic ${k}.`, "counter");
    for (const d of devs) out.sample(name, { device: d }, stats.get(d)?.get(k) ?? 0);
  }
};

// [name, help, field index (after major, minor, device), scale, type]
const DISK: [string, string, number, number, "counter" | "gauge"][] = [
  ["node_disk_reads_completed_total", "The total number of reads completed successfully.", 0, 1, "counter"],
  ["node_disk_reads_merged_total", "The total number of reads merged.", 1, 1, "counter"],
  ["node_disk_read_bytes_total", "The total number of bytes read successfully.", 2, 512, "counter"],
  ["node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", 3, 0.001, "counter"],
  ["node_disk_writes_completed_total", "The total number of writes completed successfully.", 4, 1, "counter"],
  ["node_disk_writes_merged_total", "The number of writes merged.", 5, 1, "counter"],
  ["node_disk_written_bytes_total", "The total number of bytes written successfully.", 6, 512, "counter"],
  [
    "node_disk_write_time_seconds_total",
    "This is the total number of seconds spent by all writes.",
    7,
    0.001,
    "counter",
  ],
  ["node_disk_io_now", "The number of I/Os currently in progress.", 8, 1, "gauge"],
  ["node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", 9, 0.001, "counter"],
  ["node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", 10, 0.001, "counter"],
  ["node_disk_discards_completed_total", "The total number of discards completed successfully.", 11, 1, "counter"],
  ["node_disk_discards_merged_total", "The total number of discards merged.", 12, 1, "counter"],
  ["node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.", 13, 1, "counter"],
  [
    "node_disk_discard_time_seconds_total",
    "This is the total number of seconds spent by all discards.",
    14,
    0.001,
    "counter",
  ],
  ["node_disk_flush_requests_total", "The total number of flush requests completed successfully", 15, 1, "counter"],
  [
    "node_disk_flush_requests_time_seconds_total",
    "This is the total number of seconds spent by all flush requests.",
    16,
    0.001,
    "counter",
  ],
];

export const diskstats: Collector = async (o, out) => {
  const text = await read(join(o.procfs, "diskstats"));
  const rows: [string, number[]][] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const dev = f[2] as string;
    if (o.diskInclude && !o.diskInclude.test(dev)) continue;
    if (o.diskExclude?.test(dev)) continue;
    rows.push([dev, f.slice(3).map(Number)]);
  }
  const sorted = [...DISK].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [name, help, idx, scale, type] of sorted) {
    const have = rows.filter(([, v]) => v.length > idx);
    if (have.length === 0) continue;
    out.family(name, help, type);
    for (const [dev, v] of have) out.sample(name, { device: dev }, (v[idx] as number) * scale);
  }
};

export const uname: Collector = async (o, out) => {
  let domainname = "(none)";
  try {
    domainname = (await read(join(o.procfs, "sys", "kernel", "domainname"))).trim();
  } catch {}
  out.family("node_uname_info", "Labeled system information as provided by the uname system call.", "gauge");
  out.sample(
    "node_uname_info",
    {
      domainname,
      machine: os.machine(),
      nodename: os.hostname(),
      release: os.release(),
      sysname: os.type(),
      version: os.version(),
    },
    1,
  );
};

export const time: Collector = async (_o, out) => {
  out.family("node_time_seconds", "System time in seconds since epoch (1970).", "gauge");
  out.sample("node_time_seconds", undefined, Date.now() / 1000);
  const zone = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" })
    .formatToParts(new Date())
    .find((p) => p.type === "timeZoneName")?.value;
  out.family("node_time_zone_offset_seconds", "System time zone offset in seconds.", "gauge");
  out.sample("node_time_zone_offset_seconds", { time_zone: zone ?? "UTC" }, -new Date().getTimezoneOffset() * 60);
};

export const COLLECTORS: Record<string, Collector> = {
  cpu,
  diskstats,
  filesystem,
  loadavg,
  meminfo,
  netdev,
  time,
  uname,
};
