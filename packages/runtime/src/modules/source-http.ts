// import.http's fetcher: one request (method, headers, client auth and TLS as Alloy's
// HTTP client block) returning the module text; the ETag (or the content hash) is
// its revision. node:http/https, so TLS settings apply per request.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { authorizationHeader, type HttpClientAuthArgs, type TlsConfigArgs, tlsOptions } from "@ingot/sdk/http-client";
import type { FetchResult, RemoteFetcher } from "./remote.js";

export interface HttpClientArgs extends HttpClientAuthArgs {
  follow_redirects?: boolean;
  tls_config?: TlsConfigArgs;
}

export interface HttpImportArgs {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** Milliseconds. */
  poll_frequency?: number;
  poll_timeout?: number;
  client?: HttpClientArgs;
}

function once(url: URL, args: HttpImportArgs, timeoutMs: number): Promise<IncomingMessage> {
  const headers: Record<string, string> = { ...(args.headers ?? {}) };
  const auth = authorizationHeader(args.client);
  if (auth !== undefined) headers.authorization = auth;
  const req = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req(
      url,
      { method: args.method ?? "GET", headers, timeout: timeoutMs, ...tlsOptions(args.client?.tls_config) },
      resolve,
    );
    r.on("timeout", () => r.destroy(new Error(`request timed out after ${timeoutMs}ms`)));
    r.on("error", reject);
    r.end();
  });
}

export class HttpFetcher implements RemoteFetcher {
  readonly kind = "http";

  constructor(private readonly args: HttpImportArgs) {}

  get location(): string {
    return this.args.url;
  }

  async fetch(): Promise<FetchResult> {
    const timeoutMs = this.args.poll_timeout ?? 10_000;
    let url = new URL(this.args.url);
    for (let hops = 0; ; hops++) {
      const res = await once(url, this.args, timeoutMs);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && this.args.client?.follow_redirects !== false) {
        res.resume();
        if (hops >= 10) throw new Error("too many redirects");
        url = new URL(res.headers.location, url);
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      if (status < 200 || status >= 300) throw new Error(`unexpected status code ${status}`);
      const etag = res.headers.etag;
      const last = url.pathname.split("/").pop() ?? "";
      const name = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(last) ? last : "module.alloy";
      return { files: new Map([[name, body]]), revision: etag ?? "", isDir: false };
    }
  }
}
