// import.http's fetcher: one request (method, headers, client auth and TLS as Alloy's
// HTTP client block) returning the module text; the ETag (or the content hash) is
// its revision. node:http/https, so TLS settings apply per request.
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { FetchResult, RemoteFetcher } from "./remote.js";

export interface HttpClientArgs {
  bearer_token?: string;
  bearer_token_file?: string;
  follow_redirects?: boolean;
  basic_auth?: { username?: string; password?: string; password_file?: string };
  authorization?: { type?: string; credentials?: string; credentials_file?: string };
  tls_config?: {
    ca_pem?: string;
    ca_file?: string;
    cert_pem?: string;
    cert_file?: string;
    key_pem?: string;
    key_file?: string;
    server_name?: string;
    insecure_skip_verify?: boolean;
  };
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

const fileText = (p: string) => readFileSync(p, "utf8").trim();

/** The Authorization header of a client block (at most one kind of auth, as Alloy checks). */
export function authorizationHeader(c: HttpClientArgs | undefined): string | undefined {
  if (!c) return undefined;
  const kinds = [c.basic_auth, c.authorization, c.bearer_token, c.bearer_token_file].filter((x) => x !== undefined);
  if (kinds.length > 1) {
    throw new Error("at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured");
  }
  if (c.basic_auth) {
    const pw = c.basic_auth.password_file ? fileText(c.basic_auth.password_file) : (c.basic_auth.password ?? "");
    return `Basic ${Buffer.from(`${c.basic_auth.username ?? ""}:${pw}`).toString("base64")}`;
  }
  if (c.authorization) {
    const cred = c.authorization.credentials_file
      ? fileText(c.authorization.credentials_file)
      : (c.authorization.credentials ?? "");
    return `${c.authorization.type ?? "Bearer"} ${cred}`;
  }
  if (c.bearer_token !== undefined) return `Bearer ${c.bearer_token}`;
  if (c.bearer_token_file !== undefined) return `Bearer ${fileText(c.bearer_token_file)}`;
  return undefined;
}

function tlsOptions(t: HttpClientArgs["tls_config"]): RequestOptions & Record<string, unknown> {
  if (!t) return {};
  return {
    ca: t.ca_pem ?? (t.ca_file ? readFileSync(t.ca_file) : undefined),
    cert: t.cert_pem ?? (t.cert_file ? readFileSync(t.cert_file) : undefined),
    key: t.key_pem ?? (t.key_file ? readFileSync(t.key_file) : undefined),
    servername: t.server_name,
    rejectUnauthorized: t.insecure_skip_verify !== true,
  };
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
