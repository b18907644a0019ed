// The real Prometheus 2.42 (remote-write receiver) and node_exporter 1.5 from Debian,
// started on loopback ports with temp directories, plus a small query-API client.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, httpGet, ManagedProcess, requireBinary, waitHttpOk } from "./procs.js";

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface PromRange {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** A Prometheus server receiving remote write (`--web.enable-remote-write-receiver`). */
export class PrometheusServer {
  private constructor(
    readonly proc: ManagedProcess,
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where remote write goes: http://127.0.0.1:<port>/api/v1/write. */
  get writeUrl(): string {
    return `${this.url}/api/v1/write`;
  }

  /** `features`: --enable-feature values (e.g. native-histograms, exemplar-storage). */
  static async start(opts: { features?: string[] } = {}): Promise<PrometheusServer> {
    const bin = requireBinary("prometheus");
    const dir = await mkdtemp(join(tmpdir(), "ingot-e2e-prom-"));
    // Minimal config: no scrapes of its own, it only stores what is written to it.
    await writeFile(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 60s\nscrape_configs: []\n");
    const port = await freePort();
    const proc = new ManagedProcess("prometheus", bin, [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
      "--log.level=warn",
      ...(opts.features?.length ? [`--enable-feature=${opts.features.join(",")}`] : []),
    ]);
    const server = new PrometheusServer(proc, port, dir);
    try {
      await waitHttpOk(`${server.url}/-/ready`, proc, 30_000);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private async api<T>(path: string, params: Array<[string, string]>): Promise<T> {
    const qs = new URLSearchParams(params).toString();
    const r = await httpGet(`${this.url}${path}?${qs}`);
    const body = JSON.parse(r.body) as { status: string; data: T; error?: string };
    if (r.status !== 200 || body.status !== "success") {
      throw new Error(`prometheus ${path}?${qs}: HTTP ${r.status} ${body.error ?? r.body.slice(0, 300)}`);
    }
    return body.data;
  }

  /** Instant query (`/api/v1/query`): the vector result (a range selector gives matrix rows). */
  async query(expr: string): Promise<PromSample[]> {
    const data = await this.api<{ resultType: string; result: PromSample[] }>("/api/v1/query", [["query", expr]]);
    return data.result;
  }

  /** Instant query of a range selector, e.g. `metric[5m]`: every stored sample. */
  async queryRange(expr: string): Promise<PromRange[]> {
    const data = await this.api<{ resultType: string; result: PromRange[] }>("/api/v1/query", [["query", expr]]);
    return data.result;
  }

  /** `/api/v1/series` for the matchers over the last `sinceSec` seconds: label sets. */
  async series(matchers: string[], sinceSec = 600): Promise<Array<Record<string, string>>> {
    const now = Date.now() / 1000;
    return this.api<Array<Record<string, string>>>("/api/v1/series", [
      ...matchers.map((m): [string, string] => ["match[]", m]),
      ["start", String(now - sinceSec)],
      ["end", String(now + 60)],
    ]);
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** prometheus-node-exporter on a loopback port. */
export class NodeExporter {
  private constructor(
    readonly proc: ManagedProcess,
    readonly port: number,
  ) {}

  /** host:port, as a scrape target's __address__. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<NodeExporter> {
    const bin = requireBinary("prometheus-node-exporter");
    const port = await freePort();
    const proc = new ManagedProcess("prometheus-node-exporter", bin, [
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ]);
    const ne = new NodeExporter(proc, port);
    try {
      await waitHttpOk(`http://${ne.address}/metrics`, proc, 20_000);
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return ne;
  }

  /** Its current exposition (what a scrape sees). */
  async metrics(): Promise<string> {
    return (await httpGet(`http://${this.address}/metrics`)).body;
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
