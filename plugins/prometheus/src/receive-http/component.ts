// prometheus.receive_http: a Prometheus remote write 1.0 receiver at
// POST /api/v1/metrics/write. Bodies are snappy (block format) + protobuf
// prometheus.WriteRequest, decoded at the byte level straight into MetricsBatches and
// forwarded to forward_to. Bad bodies get a 4xx with the reason; a failing downstream
// gets a 5xx (so the sender retries); nothing a client sends can crash the process.
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import {
  appendToAll,
  type ComponentContext,
  defineComponent,
  MetricsBatchBuilder,
  type MetricsReceiver,
  SeriesTable,
} from "@ingot/sdk";
import type * as PromClient from "prom-client";
import { uncompressSync } from "snappy";
import { ProtoError, snappyDeclaredLength, WriteRequestDecoder } from "../prompb/index.js";

const { Counter, Histogram } = createRequire(import.meta.url)("prom-client") as typeof PromClient;

export interface ReceiveHttpArguments {
  forward_to: MetricsReceiver[];
  http: {
    listen_address: string;
    listen_port: number;
    conn_limit: number;
    server_read_timeout: number;
    server_write_timeout: number;
    server_idle_timeout: number;
    /** Ingot extension: largest compressed body accepted (bytes). */
    max_request_body_size: number;
    /** Ingot extension: largest decompressed body accepted (bytes). */
    max_decompressed_body_size: number;
  };
}

export const WRITE_PATH = "/api/v1/metrics/write";
/** Default largest compressed body accepted (http.max_request_body_size). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Default largest decompressed body accepted (http.max_decompressed_body_size). */
export const MAX_DECODED_BYTES = 256 * 1024 * 1024;
/** Series kept in the receiver's intern table before it starts a new one. */
const MAX_TABLE_SERIES = 1_000_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const receiveHttp = defineComponent<ReceiveHttpArguments, Record<string, never>>({
  async build(ctx: ComponentContext<Record<string, never>>, args: ReceiveHttpArguments) {
    let current = args;
    let table = new SeriesTable();
    const decoder = new WriteRequestDecoder();
    const pool: MetricsBatchBuilder[] = [];
    const requests = new Counter({
      name: "prometheus_receive_http_requests_total",
      help: "Remote write requests received, by HTTP status code.",
      labelNames: ["code"],
      registers: [ctx.metrics],
    });
    const received = new Counter({
      name: "prometheus_receive_http_samples_received_total",
      help: "Samples (floats, exemplars and histograms) received and forwarded.",
      labelNames: ["type"],
      registers: [ctx.metrics],
    });
    const duration = new Histogram({
      name: "prometheus_receive_http_request_duration_seconds",
      help: "Time to decode and forward a remote write request.",
      registers: [ctx.metrics],
    });
    let lastError = "";
    let lastErrorTime = 0;
    let served = 0;

    async function handle(req: http.IncomingMessage): Promise<void> {
      if ((req.url ?? "").split("?")[0] !== WRITE_PATH) throw new HttpError(404, "404 page not found");
      if (req.method !== "POST") throw new HttpError(405, `method ${req.method} not allowed; use POST`);
      const ct = (req.headers["content-type"] ?? "").toLowerCase();
      if (ct !== "") {
        const [mt, ...params] = ct.split(";").map((s) => s.trim());
        if (mt !== "application/x-protobuf")
          throw new HttpError(415, `unsupported Content-Type ${JSON.stringify(ct)}; expected application/x-protobuf`);
        const proto = params.find((p) => p.startsWith("proto="));
        if (proto && proto !== "proto=prometheus.writerequest")
          throw new HttpError(
            415,
            `unsupported remote write protobuf message ${proto.slice(6)}; accepted: prometheus.WriteRequest`,
          );
      }
      const enc = (req.headers["content-encoding"] ?? "snappy").toLowerCase();
      if (enc !== "snappy")
        throw new HttpError(415, `unsupported Content-Encoding ${JSON.stringify(enc)}; expected snappy`);
      const maxBody = current.http.max_request_body_size ?? MAX_BODY_BYTES;
      const maxDecoded = current.http.max_decompressed_body_size ?? MAX_DECODED_BYTES;
      const declared = Number(req.headers["content-length"] ?? "-1");
      if (declared > maxBody) throw new HttpError(413, `body of ${declared} bytes exceeds the limit of ${maxBody}`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > maxBody) throw new HttpError(413, `body exceeds the limit of ${maxBody} bytes`);
        chunks.push(c);
      }
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      const decl = snappyDeclaredLength(body);
      if (decl < 0) throw new HttpError(400, "snappy: corrupt input");
      if (decl > maxDecoded)
        throw new HttpError(413, `decompressed body of ${decl} bytes exceeds the limit of ${maxDecoded}`);
      let raw: Buffer;
      try {
        raw = uncompressSync(body, { asBuffer: true }) as Buffer;
      } catch (e) {
        throw new HttpError(400, `snappy: corrupt input (${(e as Error).message})`);
      }
      if (table.size > MAX_TABLE_SERIES) {
        table = new SeriesTable();
        decoder.reset();
        pool.length = 0;
      }
      let b = pool.pop();
      if (!b || b.series !== table) b = new MetricsBatchBuilder(table);
      try {
        let stats: ReturnType<WriteRequestDecoder["decode"]>;
        try {
          stats = decoder.decode(raw, b);
        } catch (e) {
          if (e instanceof ProtoError || e instanceof RangeError)
            throw new HttpError(400, `failed to decode WriteRequest: ${(e as Error).message}`);
          throw e;
        }
        const batch = b.build();
        try {
          await appendToAll(current.forward_to, batch);
        } catch (e) {
          throw new HttpError(500, `failed to forward samples: ${(e as Error).message}`);
        }
        if (stats.samples) received.labels("float").inc(stats.samples);
        if (stats.exemplars) received.labels("exemplar").inc(stats.exemplars);
        if (stats.histograms) received.labels("histogram").inc(stats.histograms);
      } finally {
        b.reset();
        if (b.series === table) pool.push(b);
      }
    }

    const server = http.createServer((req, res) => {
      const t0 = performance.now();
      handle(req).then(
        () => {
          served++;
          requests.labels("204").inc();
          duration.observe((performance.now() - t0) / 1000);
          res.writeHead(204).end();
        },
        (e: unknown) => {
          const status = e instanceof HttpError ? e.status : 500;
          const msg = e instanceof Error ? e.message : String(e);
          lastError = msg;
          lastErrorTime = Date.now();
          requests.labels(String(status)).inc();
          if (status >= 500) ctx.logger.warn("remote write request failed", { status, err: msg });
          else ctx.logger.debug("remote write request rejected", { status, err: msg });
          if (res.headersSent) return void res.destroy();
          res.writeHead(status, {
            "Content-Type": "text/plain; charset=utf-8",
            Connection: status === 413 ? "close" : "keep-alive",
          });
          res.end(`${msg}\n`);
          // Stop reading an oversized body.
          if (status === 413) req.destroy();
        },
      );
    });
    server.on("clientError", (_err, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      else socket.destroy();
    });

    async function listen(a: ReceiveHttpArguments["http"]): Promise<void> {
      server.requestTimeout = a.server_read_timeout;
      server.headersTimeout = Math.min(a.server_read_timeout, 60_000) || 60_000;
      server.keepAliveTimeout = a.server_idle_timeout;
      server.timeout = a.server_write_timeout + a.server_read_timeout;
      if (a.conn_limit > 0) server.maxConnections = a.conn_limit;
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) =>
          reject(new Error(`cannot listen on ${a.listen_address}:${a.listen_port}: ${e.message}`));
        server.once("error", onError);
        server.listen({ host: a.listen_address || undefined, port: a.listen_port }, () => {
          server.off("error", onError);
          resolve();
        });
      });
    }
    async function close(): Promise<void> {
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    }

    await listen(args.http);
    ctx.setHealth("healthy", `listening on ${address()}`);
    ctx.setExports({});

    function address(): string {
      const a = server.address() as AddressInfo | null;
      if (!a) return "";
      return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    }

    return {
      async run(signal: AbortSignal) {
        if (signal.aborted) return;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
      async update(next: ReceiveHttpArguments) {
        // The body limits are read per request: only listener settings restart the server.
        const listener = (h: ReceiveHttpArguments["http"]) =>
          JSON.stringify({ ...h, max_request_body_size: 0, max_decompressed_body_size: 0 });
        const changed = listener(next.http) !== listener(current.http);
        current = next;
        if (changed) {
          await close();
          await listen(next.http);
          ctx.setHealth("healthy", `listening on ${address()}`);
        }
      },
      async stop() {
        server.closeAllConnections();
        await close();
      },
      debugInfo() {
        return {
          listen_address: address(),
          path: WRITE_PATH,
          requests_served: served,
          series_interned: table.size,
          last_error: lastError,
          last_error_time: lastErrorTime ? new Date(lastErrorTime).toISOString() : "",
        };
      },
    };
  },
});
