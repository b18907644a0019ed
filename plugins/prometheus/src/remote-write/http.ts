// The HTTP client side of an endpoint: auth, TLS, proxy (plain HTTP targets), timeouts.
import http from "node:http";
import https from "node:https";
import {
  authorizationHeader,
  type HttpClientAuthArgs,
  type TlsConfigArgs,
  tlsOptions,
  validateHttpClientAuth,
} from "@ingot/sdk/http-client";

export interface EndpointHttpConfig extends HttpClientAuthArgs {
  url: string;
  remote_timeout: number;
  headers?: Record<string, string>;
  tls_config?: TlsConfigArgs;
  proxy_url?: string;
}

export interface HttpResult {
  status: number;
  retryAfterMs?: number;
  body: string;
}

export const USER_AGENT = "Ingot/0.1.0 (prometheus.remote_write)";

/** Validates the config (throws with a message) and returns a sender. */
export function createSender(cfg: EndpointHttpConfig): {
  send(body: Uint8Array, extraHeaders: Record<string, string>): Promise<HttpResult>;
  close(): void;
} {
  let url: URL;
  try {
    url = new URL(cfg.url);
  } catch {
    throw new Error(`endpoint url ${JSON.stringify(cfg.url)} is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`endpoint url ${JSON.stringify(cfg.url)}: unsupported scheme ${url.protocol.slice(0, -1)}`);
  validateHttpClientAuth(cfg);
  let proxy: URL | undefined;
  if (cfg.proxy_url) {
    proxy = new URL(cfg.proxy_url);
    if (proxy.protocol !== "http:") throw new Error("proxy_url: only http:// proxies are supported");
    if (url.protocol === "https:") throw new Error("proxy_url: proxying https endpoints is not supported yet");
  }
  const tlsOpts = url.protocol === "https:" ? tlsOptions(cfg.tls_config) : {};
  const agent =
    url.protocol === "https:"
      ? new https.Agent({ keepAlive: true, maxSockets: 64, ...tlsOpts })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });

  return {
    send(body, extraHeaders) {
      return new Promise<HttpResult>((resolve, reject) => {
        const headers: Record<string, string | number> = { ...(cfg.headers ?? {}), ...extraHeaders };
        headers["Content-Length"] = body.length;
        const auth = authorizationHeader(cfg);
        if (auth) headers.Authorization = auth;
        const target = proxy ?? url;
        const req = (url.protocol === "https:" ? https : http).request({
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port || undefined,
          path: proxy ? url.href : url.pathname + url.search,
          method: "POST",
          headers,
          agent,
          timeout: cfg.remote_timeout,
          ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
        });
        req.on("timeout", () =>
          req.destroy(new Error(`context deadline exceeded (remote_timeout ${cfg.remote_timeout}ms)`)),
        );
        req.on("error", reject);
        req.on("response", (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            if (text.length < 1024) text += d;
          });
          res.on("error", reject);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const ra = res.headers["retry-after"];
            resolve({ status, body: text.slice(0, 1024), retryAfterMs: parseRetryAfter(ra) });
          });
        });
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Retry-After: seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}
