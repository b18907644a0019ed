// The scrape HTTP client: GET over node:http/https with keep-alive, a timeout, gzip,
// a body size limit, auth headers (basic, bearer, authorization; files re-read per
// request as Prometheus does), TLS options and an HTTP proxy. The body lands in a
// buffer reused across scrapes of one target.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { acceptHeader } from "../expfmt/negotiate.js";
import type { ScrapeArguments } from "./args.js";

export class ScrapeError extends Error {}

export const BODY_SIZE_LIMIT_ERROR = "body size limit exceeded";

export const USER_AGENT = "Ingot/0.1.0";

function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    throw new ScrapeError(`unable to read ${what} file ${path}: ${(e as Error).message}`);
  }
}

/** Checks the auth arguments as Prometheus's HTTPClientConfig.Validate; returns an error message. */
export function validateHttpArgs(a: ScrapeArguments): string | undefined {
  if (a.bearer_token && a.bearer_token_file)
    return "at most one of bearer_token & bearer_token_file must be configured";
  const n = (a.basic_auth ? 1 : 0) + (a.authorization ? 1 : 0) + (a.bearer_token || a.bearer_token_file ? 1 : 0);
  if (n > 1) return "at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured";
  const b = a.basic_auth;
  if (b) {
    if (b.username && b.username_file) return "at most one of basic_auth username & username_file must be configured";
    if (b.password && b.password_file) return "at most one of basic_auth password & password_file must be configured";
  }
  const z = a.authorization;
  if (z) {
    if (z.credentials && z.credentials_file)
      return "at most one of authorization credentials & credentials_file must be configured";
    if ((z.type ?? "Bearer").toLowerCase() === "basic")
      return `authorization type cannot be set to "basic", use "basic_auth" instead`;
  }
  if (a.proxy_url) {
    try {
      const u = new URL(a.proxy_url);
      if (u.protocol !== "http:") return `proxy_url: only http:// proxies are supported, got ${u.protocol}`;
    } catch {
      return `proxy_url: invalid URL ${JSON.stringify(a.proxy_url)}`;
    }
  }
  return undefined;
}

/** One component's HTTP settings, shared by its targets; rebuilt when the arguments change. */
export class ScrapeClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly accept: string;
  private readonly proxy: URL | undefined;

  constructor(private readonly args: ScrapeArguments) {
    this.accept = acceptHeader(args.scrape_protocols);
    this.proxy = args.proxy_url ? new URL(args.proxy_url) : undefined;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const t = args.tls_config ?? {};
    const tlsOpts: https.AgentOptions = { keepAlive: true, maxSockets: 1 };
    const file = (p: string | undefined) => (p ? readFileSync(p) : undefined);
    const ca = t.ca_pem ?? file(t.ca_file);
    if (ca) tlsOpts.ca = ca;
    const cert = t.cert_pem ?? file(t.cert_file);
    if (cert) tlsOpts.cert = cert;
    const key = t.key_pem ?? file(t.key_file);
    if (key) tlsOpts.key = key;
    if (t.server_name) tlsOpts.servername = t.server_name;
    if (t.insecure_skip_verify) tlsOpts.rejectUnauthorized = false;
    if (t.min_version) tlsOpts.minVersion = t.min_version.replace("TLS1", "TLSv1.") as https.AgentOptions["minVersion"];
    this.httpsAgent = new https.Agent(tlsOpts);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private headers(timeoutMs: number): http.OutgoingHttpHeaders {
    const a = this.args;
    const h: http.OutgoingHttpHeaders = {
      Accept: this.accept,
      "Accept-Encoding": a.enable_compression ? "gzip" : "identity",
      "User-Agent": USER_AGENT,
      "X-Prometheus-Scrape-Timeout-Seconds": String(timeoutMs / 1000),
    };
    if (a.basic_auth) {
      const b = a.basic_auth;
      const user = b.username_file ? readSecretFile(b.username_file, "basic auth username") : (b.username ?? "");
      const pass = b.password_file ? readSecretFile(b.password_file, "basic auth password") : (b.password ?? "");
      h.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    } else if (a.authorization) {
      const z = a.authorization;
      const cred = z.credentials_file ? readSecretFile(z.credentials_file, "authorization credentials") : z.credentials;
      h.Authorization = `${z.type ?? "Bearer"} ${cred ?? ""}`;
    } else if (a.bearer_token || a.bearer_token_file) {
      const tok = a.bearer_token_file ? readSecretFile(a.bearer_token_file, "bearer token") : a.bearer_token;
      h.Authorization = `Bearer ${tok}`;
    }
    return h;
  }

  /**
   * GETs the URL; resolves with the content type and the (uncompressed) body, which is
   * a view of `buf.data` valid until buf is released (see acquireBody).
   */
  scrape(
    url: URL,
    timeoutMs: number,
    buf: BodyBuffer,
    signal: AbortSignal,
  ): Promise<{ contentType: string; body: Buffer }> {
    const limit = Math.max(this.args.body_size_limit, 0);
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err: Error | undefined, value?: { contentType: string; body: Buffer }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(value as { contentType: string; body: Buffer });
      };
      const onAbort = () => finish(new ScrapeError("scrape cancelled"));
      const headers = this.headers(timeoutMs);
      const isHttps = url.protocol === "https:";
      let req: http.ClientRequest;
      const onResponse = (res: http.IncomingMessage) => {
        if (done) {
          // Finished (cancelled, timed out): buf may already serve another scrape.
          res.resume();
          return;
        }
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          finish(new ScrapeError(`server returned HTTP status ${status} ${res.statusMessage ?? ""}`.trimEnd()));
          return;
        }
        const contentType = String(res.headers["content-type"] ?? "");
        const gz = String(res.headers["content-encoding"] ?? "").toLowerCase() === "gzip";
        let stream: NodeJS.ReadableStream = res;
        if (gz) {
          const gunzip = zlib.createGunzip();
          gunzip.on("error", (e) => finish(new ScrapeError(`decompressing the response: ${e.message}`)));
          res.pipe(gunzip);
          stream = gunzip;
        }
        buf.length = 0;
        stream.on("data", (chunk: Buffer) => {
          if (done) return;
          if (limit > 0 && buf.length + chunk.length > limit) {
            finish(new ScrapeError(BODY_SIZE_LIMIT_ERROR));
            return;
          }
          buf.append(chunk);
        });
        stream.on("end", () => finish(undefined, { contentType, body: buf.view() }));
        stream.on("error", (e: Error) => finish(new ScrapeError(e.message)));
      };
      if (this.proxy && !isHttps) {
        req = http.request(
          {
            host: this.proxy.hostname,
            port: this.proxy.port || 80,
            path: url.href,
            method: "GET",
            headers: { ...headers, Host: url.host },
            agent: this.httpAgent,
          },
          onResponse,
        );
      } else if (isHttps) {
        req = https.request(url, { method: "GET", headers, agent: this.httpsAgent }, onResponse);
      } else {
        req = http.request(url, { method: "GET", headers, agent: this.httpAgent }, onResponse);
      }
      req.on("error", (e) => finish(new ScrapeError(`Get "${url.href}": ${e.message}`)));
      const timer = setTimeout(
        () => finish(new ScrapeError(`Get "${url.href}": context deadline exceeded`)),
        timeoutMs,
      );
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort);
      req.end();
    });
  }
}

/** A growable byte buffer for response bodies, reused across scrapes (acquireBody). */
export class BodyBuffer {
  data = Buffer.allocUnsafe(16 * 1024);
  length = 0;
  append(chunk: Buffer): void {
    const need = this.length + chunk.length;
    if (need > this.data.length) {
      let n = this.data.length * 2;
      while (n < need) n *= 2;
      const b = Buffer.allocUnsafe(n);
      this.data.copy(b, 0, 0, this.length);
      this.data = b;
    }
    chunk.copy(this.data, this.length);
    this.length = need;
  }
  view(): Buffer {
    return this.data.subarray(0, this.length);
  }
  /** Drops a large buffer after a small scrape so one huge body doesn't pin memory. */
  shrink(): void {
    if (this.data.length > 1 << 20 && this.length < this.data.length >> 3)
      this.data = Buffer.allocUnsafe(this.length * 2 || 16384);
  }
}

/**
 * Body buffers shared by the targets of a thread: a target holds one only while it
 * fetches and parses, so memory follows the scrapes in flight (usually one or two), not
 * the number of targets. The largest idle buffers are kept, as their bodies come back.
 */
const idleBodies: BodyBuffer[] = [];
const MAX_IDLE_BODIES = 2;

export function acquireBody(): BodyBuffer {
  const b = idleBodies.pop() ?? new BodyBuffer();
  b.length = 0;
  return b;
}

export function releaseBody(b: BodyBuffer): void {
  b.shrink();
  b.length = 0;
  if (idleBodies.length < MAX_IDLE_BODIES) {
    // Sorted by size, largest last: the next scrape gets the largest.
    let i = idleBodies.length;
    while (i > 0 && (idleBodies[i - 1] as BodyBuffer).data.length > b.data.length) i--;
    idleBodies.splice(i, 0, b);
  }
}
