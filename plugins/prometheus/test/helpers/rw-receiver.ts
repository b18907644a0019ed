// A fault-injecting remote-write 1.0 endpoint on 127.0.0.1: it decodes every request
// (snappy block + prometheus.WriteRequest, decoded with protobufjs from the upstream
// .proto files in ../shared/conformance/prometheus-prompb), records what it accepted,
// and either answers 200 itself or forwards the raw body to a real Prometheus
// (`upstream`) and answers with its status. Faults, switchable at any time:
//   down()         the port is closed (connection refused), open again with up()
//   status: 500    answer 500 (or any status) without accepting anything
//   status: 429    with `retryAfter` seconds in a Retry-After header
//   delayMs        wait before answering (slow receiver)
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { conformancePath } from "@ingot/testkit";
import { uncompressSync } from "snappy";

type Protobuf = typeof import("protobufjs");
const require = createRequire(import.meta.url);
const protobuf = require("protobufjs") as Protobuf;
const protobufjsDir = dirname(require.resolve("protobufjs/package.json"));

let writeRequestType: import("protobufjs").Type | undefined;

/** prometheus.WriteRequest from the upstream prompb/remote.proto. */
export function writeRequestProto(): import("protobufjs").Type {
  if (writeRequestType) return writeRequestType;
  const prompb = conformancePath("prometheus-prompb", "prompb");
  const gogo = conformancePath("gogo-protobuf");
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string) => {
    if (target.startsWith("gogoproto/")) return `${gogo}/${target}`;
    if (target.startsWith("google/protobuf/")) return `${protobufjsDir}/${target}`; // shipped with protobufjs
    if (target.startsWith("/")) return target;
    return `${prompb}/${target}`;
  };
  root.loadSync("remote.proto", { keepCase: true });
  writeRequestType = root.lookupType("prometheus.WriteRequest");
  return writeRequestType;
}

export interface DecodedSeries {
  labels: Record<string, string>;
  samples: Array<{ value: number; timestamp: number }>;
}

/** Decodes a remote-write 1.0 body (snappy block compressed WriteRequest). */
export function decodeWriteRequest(body: Buffer): DecodedSeries[] {
  const raw = uncompressSync(body, { asBuffer: true }) as Buffer;
  const type = writeRequestProto();
  const obj = type.toObject(type.decode(raw), { longs: Number, defaults: true }) as {
    timeseries: Array<{
      labels: Array<{ name: string; value: string }>;
      samples: Array<{ value: number; timestamp: number }>;
    }>;
  };
  return obj.timeseries.map((ts) => ({
    labels: Object.fromEntries(ts.labels.map((l) => [l.name, l.value])),
    samples: ts.samples.map((s) => ({ value: Number(s.value), timestamp: Number(s.timestamp) })),
  }));
}

export interface RequestLogEntry {
  /** ms since epoch when the request arrived */
  at: number;
  status: number;
  samples: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface FaultSettings {
  /** status to answer instead of accepting (e.g. 500, 429); 0 = accept */
  status?: number;
  /** Retry-After header value (seconds) sent with `status` */
  retryAfter?: number;
  /** delay before answering, ms */
  delayMs?: number;
}

export class RemoteWriteReceiver {
  /** Accepted samples per series key (`name{a="b",...}`, labels sorted). */
  readonly series = new Map<string, DecodedSeries>();
  readonly requests: RequestLogEntry[] = [];
  acceptedSamples = 0;
  decodeErrors: string[] = [];
  private fault: FaultSettings = {};
  private server: Server;
  private isUp = false;

  private constructor(
    readonly port: number,
    readonly upstream: string | undefined,
  ) {
    this.server = this.makeServer();
  }

  /** Listens on 127.0.0.1 (a free port); `upstream` = a remote-write URL to forward to. */
  static async start(opts: { upstream?: string } = {}): Promise<RemoteWriteReceiver> {
    const r = new RemoteWriteReceiver(0, opts.upstream);
    r.server.listen(0, "127.0.0.1");
    await once(r.server, "listening");
    (r as { port: number }).port = (r.server.address() as AddressInfo).port;
    r.isUp = true;
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/v1/write`;
  }

  /** Changes the fault mode for the following requests ({} = healthy). */
  set(fault: FaultSettings): void {
    this.fault = { ...fault };
  }

  /** Closes the port and every open connection: senders get connection refused/reset. */
  async down(): Promise<void> {
    if (!this.isUp) return;
    this.isUp = false;
    const closed = once(this.server, "close");
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (this.isUp) return;
    this.server = this.makeServer();
    this.server.listen(this.port, "127.0.0.1");
    await once(this.server, "listening");
    this.isUp = true;
  }

  async close(): Promise<void> {
    await this.down();
  }

  private makeServer(): Server {
    const s = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        this.decodeErrors.push(err.message);
        if (!res.headersSent) res.writeHead(500).end(err.message);
      });
    });
    s.keepAliveTimeout = 30_000;
    return s;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const fault = this.fault;
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    const log = (status: number, samples: number) =>
      this.requests.push({ at, status, samples, headers: { ...req.headers } });
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/api/v1/write") {
      log(404, 0);
      res.writeHead(404).end();
      return;
    }
    if (fault.status) {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
      log(fault.status, 0);
      res.writeHead(fault.status, headers).end(`injected ${fault.status}\n`);
      return;
    }
    let decoded: DecodedSeries[];
    try {
      decoded = decodeWriteRequest(body);
    } catch (err) {
      this.decodeErrors.push((err as Error).message);
      log(400, 0);
      res.writeHead(400).end(`bad body: ${(err as Error).message}\n`);
      return;
    }
    let status = 200;
    let text = "";
    if (this.upstream) {
      const up = await fetch(this.upstream, {
        method: "POST",
        body,
        headers: {
          "Content-Type": String(req.headers["content-type"] ?? "application/x-protobuf"),
          "Content-Encoding": String(req.headers["content-encoding"] ?? "snappy"),
          "X-Prometheus-Remote-Write-Version": String(req.headers["x-prometheus-remote-write-version"] ?? "0.1.0"),
        },
      });
      status = up.status;
      text = await up.text();
    }
    let n = 0;
    if (status >= 200 && status < 300) {
      for (const ts of decoded) {
        const key = seriesKey(ts.labels);
        let rec = this.series.get(key);
        if (!rec) {
          rec = { labels: ts.labels, samples: [] };
          this.series.set(key, rec);
        }
        for (const s of ts.samples) rec.samples.push(s);
        n += ts.samples.length;
      }
      this.acceptedSamples += n;
    }
    log(status, n);
    res.writeHead(status === 200 && !this.upstream ? 204 : status).end(text);
  }

  /** Accepted series whose labels include every pair of `match`. */
  find(match: Record<string, string>): DecodedSeries[] {
    const out: DecodedSeries[] = [];
    for (const s of this.series.values()) {
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) out.push(s);
    }
    return out;
  }
}

/** `name{a="b",...}` with labels sorted by name. */
export function seriesKey(labels: Record<string, string>): string {
  const names = Object.keys(labels)
    .filter((k) => k !== "__name__")
    .sort();
  return `${labels.__name__ ?? ""}{${names.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",")}}`;
}
