// discovery.http: targets from an HTTP endpoint serving Prometheus http_sd JSON
// (Alloy's discovery.http). Each refresh GETs the URL; a non-200 status, a content
// type other than application/json, or a malformed body fails the refresh with
// Prometheus's messages, keeping the last targets and making the component unhealthy.
// Every target gets `__meta_url`.
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, STATUS_CODES } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ComponentDefinition } from "@ingot/sdk";
import { RefreshingDiscovery, type RefreshResult, type TargetsExports, targetsFromGroups } from "../common/refresh.js";

export interface HttpClientArguments {
  bearer_token?: string;
  bearer_token_file?: string;
  proxy_url?: string;
  follow_redirects: boolean;
  enable_http2: boolean;
  http_headers?: Record<string, string[]>;
  basic_auth?: { username: string; password?: string; password_file?: string };
  authorization?: { type: string; credentials?: string; credentials_file?: string };
  tls_config?: {
    ca_pem?: string;
    ca_file?: string;
    cert_pem?: string;
    cert_file?: string;
    key_pem?: string;
    key_file?: string;
    server_name?: string;
    insecure_skip_verify: boolean;
    min_version?: string;
  };
}

export interface HttpArguments extends HttpClientArguments {
  url: string;
  /** Milliseconds. */
  refresh_interval: number;
}

export const URL_LABEL = "__meta_url";
const CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;
const MAX_REDIRECTS = 10;
const TIMEOUT_MS = 30_000;

export const discoveryHttp: ComponentDefinition<HttpArguments, TargetsExports> = {
  async build(ctx, args) {
    const c = new HttpDiscovery(ctx, args);
    await c.refresh();
    return c;
  },
};

class HttpDiscovery extends RefreshingDiscovery<HttpArguments> {
  protected validate(args: HttpArguments): void {
    let u: URL;
    try {
      u = new URL(args.url);
    } catch {
      throw new Error(`invalid url ${JSON.stringify(args.url)}`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("URL scheme must be 'http' or 'https'");
    if (u.host === "") throw new Error("host is missing in URL");
    const auths = [
      args.basic_auth !== undefined,
      args.authorization !== undefined,
      args.bearer_token !== undefined,
      args.bearer_token_file !== undefined,
    ].filter(Boolean).length;
    if (auths > 1)
      throw new Error("at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured");
    if (args.authorization?.type.toLowerCase() === "basic")
      throw new Error(`authorization type cannot be set to "basic", use "basic_auth" instead`);
    if (args.basic_auth?.password !== undefined && args.basic_auth.password_file !== undefined)
      throw new Error("at most one of basic_auth password & password_file must be configured");
    if (args.proxy_url) throw new Error("proxy_url is not supported by discovery.http yet");
  }

  protected async discover(): Promise<RefreshResult> {
    const { url } = this.args;
    const body = await fetchBody(url, this.args, Math.round(this.args.refresh_interval / 1000));
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (e) {
      throw new Error((e as Error).message);
    }
    return { targets: targetsFromGroups(doc, { [URL_LABEL]: url }), errors: [] };
  }
}

function headersFor(args: HttpClientArguments, refreshSeconds: number): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {
    Accept: "application/json",
    "User-Agent": "Ingot",
    "X-Prometheus-Refresh-Interval-Seconds": String(refreshSeconds),
  };
  for (const [k, v] of Object.entries(args.http_headers ?? {})) h[k] = v;
  const file = (p: string) => readFileSync(p, "utf8").trim();
  if (args.basic_auth) {
    const pw = args.basic_auth.password_file ? file(args.basic_auth.password_file) : (args.basic_auth.password ?? "");
    h.Authorization = `Basic ${Buffer.from(`${args.basic_auth.username}:${pw}`).toString("base64")}`;
  } else if (args.authorization) {
    const cred = args.authorization.credentials_file
      ? file(args.authorization.credentials_file)
      : (args.authorization.credentials ?? "");
    h.Authorization = `${args.authorization.type} ${cred}`;
  } else if (args.bearer_token !== undefined) h.Authorization = `Bearer ${args.bearer_token}`;
  else if (args.bearer_token_file !== undefined) h.Authorization = `Bearer ${file(args.bearer_token_file)}`;
  return h;
}

function tlsOptions(args: HttpClientArguments): Record<string, unknown> {
  const t = args.tls_config;
  if (!t) return {};
  const o: Record<string, unknown> = { rejectUnauthorized: !t.insecure_skip_verify };
  if (t.ca_pem) o.ca = t.ca_pem;
  else if (t.ca_file) o.ca = readFileSync(t.ca_file);
  if (t.cert_pem) o.cert = t.cert_pem;
  else if (t.cert_file) o.cert = readFileSync(t.cert_file);
  if (t.key_pem) o.key = t.key_pem;
  else if (t.key_file) o.key = readFileSync(t.key_file);
  if (t.server_name) o.servername = t.server_name;
  if (t.min_version) o.minVersion = t.min_version.replace(/^TLS1(\d)$/, "TLSv1.$1").replace("TLSv1.0", "TLSv1");
  return o;
}

/** GETs the URL (following redirects when allowed) and returns the body of a 200 JSON response. */
export async function fetchBody(url: string, args: HttpClientArguments, refreshSeconds: number): Promise<string> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const res = await get(current, args, refreshSeconds);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location && args.follow_redirects) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new Error("stopped after 10 redirects");
      current = new URL(res.headers.location, current);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new Error(`server returned HTTP status ${status} ${STATUS_CODES[status] ?? ""}`.trimEnd());
    }
    const ct = res.headers["content-type"] ?? "";
    if (!CONTENT_TYPE.test(ct)) {
      res.resume();
      throw new Error(`unsupported content type ${JSON.stringify(ct)}`);
    }
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
}

function get(u: URL, args: HttpClientArguments, refreshSeconds: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const opts = { method: "GET", headers: headersFor(args, refreshSeconds), timeout: TIMEOUT_MS, ...tlsOptions(args) };
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(u, opts, resolve);
    req.on("timeout", () => req.destroy(new Error(`Get ${JSON.stringify(u.href)}: timeout`)));
    req.on("error", (e) => reject(new Error(`Get ${JSON.stringify(u.href)}: ${e.message}`)));
    req.end();
  });
}

export const components: Record<string, ComponentDefinition> = { "discovery.http": discoveryHttp };
