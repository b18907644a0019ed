// Test helpers: the upstream remote write protos loaded with protobufjs (the reference
// decoder), and a local remote write receiver on 127.0.0.1 that records requests.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { conformancePath } from "@ingot/testkit";
import protobuf from "protobufjs";
import { uncompressSync } from "snappy";

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function protoText(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/^import "gogoproto\/gogo.proto";$/m, "")
    .replace(/^import "types.proto";$/m, "")
    .replace(/\s*\[\(gogoproto\.[a-z_]+\) = (true|false)\]/g, "")
    .replace(/^option go_package.*$/m, "");
}

let rootCache: protobuf.Root | undefined;
/** prometheus.WriteRequest and friends from the conformance copy of prompb. */
export function prompbRoot(): protobuf.Root {
  if (rootCache) return rootCache;
  const dir = conformancePath("prometheus-prompb", "prompb");
  const root = new protobuf.Root();
  protobuf.parse(protoText(join(dir, "types.proto")), root, { keepCase: true });
  protobuf.parse(protoText(join(dir, "remote.proto")), root, { keepCase: true });
  rootCache = root;
  return root;
}

export interface PbLabel {
  name: string;
  value: string;
}
export interface PbSample {
  value: number;
  timestamp: number;
}
export interface PbSeries {
  labels: PbLabel[];
  samples: PbSample[];
  exemplars: { labels: PbLabel[]; value: number; timestamp: number }[];
  histograms: Record<string, unknown>[];
}
export interface PbWriteRequest {
  timeseries: PbSeries[];
  metadata: { type: string; metric_family_name: string; help: string; unit: string }[];
}

/** Decodes WriteRequest bytes with protobufjs (longs as numbers, enums as strings, defaults filled). */
export function pbDecode(bytes: Uint8Array): PbWriteRequest {
  const T = prompbRoot().lookupType("prometheus.WriteRequest");
  return T.toObject(T.decode(bytes), { longs: Number, enums: String, defaults: true, arrays: true }) as PbWriteRequest;
}

export function pbEncode(obj: Record<string, unknown>): Uint8Array {
  const T = prompbRoot().lookupType("prometheus.WriteRequest");
  return T.encode(T.fromObject(obj)).finish();
}

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  req: PbWriteRequest;
  status: number;
}

export type Behaviour = (
  n: number,
  r: Recorded,
) => { status: number; headers?: Record<string, string>; delayMs?: number; body?: string };

/** A remote write receiver on 127.0.0.1 (random port). `behave` picks each response; default 204. */
export async function startReceiver(behave?: Behaviour) {
  const requests: Recorded[] = [];
  let n = 0;
  const state: { behave: Behaviour } = { behave: behave ?? (() => ({ status: 204 })) };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    let decoded: PbWriteRequest = { timeseries: [], metadata: [] };
    let raw: Buffer = Buffer.alloc(0);
    try {
      raw = uncompressSync(body, { asBuffer: true }) as Buffer;
      decoded = pbDecode(raw);
    } catch (e) {
      res.writeHead(400).end(`bad body: ${(e as Error).message}`);
      return;
    }
    const rec: Recorded = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      raw,
      req: decoded,
      status: 0,
    };
    const b = state.behave(n++, rec);
    rec.status = b.status;
    requests.push(rec);
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    res.writeHead(b.status, b.headers ?? {}).end(b.body ?? "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    port,
    requests,
    state,
    /** Accepted (2xx) requests' series. */
    accepted(): PbSeries[] {
      return requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.req.timeseries);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export async function waitUntil(what: string, f: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function labelsOf(s: { labels: PbLabel[] }): Record<string, string> {
  const o: Record<string, string> = {};
  for (const l of s.labels) o[l.name] = l.value;
  return o;
}
