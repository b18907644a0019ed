// discovery.http: targets from an HTTP endpoint serving Prometheus http_sd JSON
// (Alloy's discovery.http). Each refresh GETs the URL; a non-200 status, a content
// type other than application/json, or a malformed body fails the refresh with
// Prometheus's messages, keeping the last targets and making the component unhealthy.
// Every target gets `__meta_url`.
import { request as httpRequest, type IncomingMessage, STATUS_CODES } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ComponentDefinition } from "@ingot/sdk";
import {
  authorizationHeader,
  type HttpClientAuthArgs,
  type TlsConfigArgs,
  tlsOptions,
  validateHttpClientAuth,
} from "@ingot/sdk/http-client";
import { RefreshingDiscovery, type RefreshResult, refreshingDefinition, targetsFromGroups } from "../common/refresh.js";

export interface HttpClientArguments extends HttpClientAuthArgs {
  proxy_url?: string;
  follow_redirects: boolean;
  enable_http2: boolean;
  http_headers?: Record<string, string[]>;
  basic_auth?: { username: string; password?: string; password_file?: string };
  authorization?: { type: string; credentials?: string; credentials_file?: string };
  tls_config?: TlsConfigArgs & { insecure_skip_verify: boolean };
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

export const discoveryHttp = refreshingDefinition<HttpArguments>((ctx, args) => new HttpDiscovery(ctx, args));

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
    validateHttpClientAuth(args);
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
  const auth = authorizationHeader(args);
  if (auth !== undefined) h.Authorization = auth;
  return h;
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
    const opts = {
      method: "GET",
      headers: headersFor(args, refreshSeconds),
      timeout: TIMEOUT_MS,
      ...tlsOptions(args.tls_config),
    };
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(u, opts, resolve);
    req.on("timeout", () => req.destroy(new Error(`Get ${JSON.stringify(u.href)}: timeout`)));
    req.on("error", (e) => reject(new Error(`Get ${JSON.stringify(u.href)}: ${e.message}`)));
    req.end();
  });
}

export const components: Record<string, ComponentDefinition> = { "discovery.http": discoveryHttp };
