// The auth and TLS parts of Alloy's HTTP client blocks (basic_auth, authorization,
// bearer_token / bearer_token_file, tls_config), shared by every component and import
// that makes HTTP requests: decoded arguments → an Authorization header value and
// node:tls options, plus the JSON-Schema fragments of those blocks.
import { readFileSync } from "node:fs";

export interface BasicAuthArgs {
  username?: string;
  password?: string;
  password_file?: string;
}

export interface AuthorizationArgs {
  type?: string;
  credentials?: string;
  credentials_file?: string;
}

export interface TlsConfigArgs {
  ca_pem?: string;
  ca_file?: string;
  cert_pem?: string;
  cert_file?: string;
  key_pem?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify?: boolean;
  min_version?: string;
}

/** The auth fields of a client block, as decoded. */
export interface HttpClientAuthArgs {
  bearer_token?: string;
  bearer_token_file?: string;
  basic_auth?: BasicAuthArgs;
  authorization?: AuthorizationArgs;
}

const fileText = (p: string) => readFileSync(p, "utf8").trim();

/**
 * Throws Alloy's message when more than one kind of auth is configured (an empty
 * bearer_token or bearer_token_file does not count, as in Alloy).
 */
export function validateHttpClientAuth(c: HttpClientAuthArgs | undefined): void {
  if (!c) return;
  const kinds = [c.basic_auth, c.authorization, c.bearer_token || undefined, c.bearer_token_file || undefined];
  if (kinds.filter((x) => x !== undefined).length > 1) {
    throw new Error("at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured");
  }
}

/**
 * The Authorization header value of a client block (files are read on every call, so
 * rotated secrets apply to the next request), or undefined without auth. Validates first.
 */
export function authorizationHeader(c: HttpClientAuthArgs | undefined): string | undefined {
  if (!c) return undefined;
  validateHttpClientAuth(c);
  if (c.basic_auth) {
    const b = c.basic_auth;
    const pw = b.password_file ? fileText(b.password_file) : (b.password ?? "");
    return `Basic ${Buffer.from(`${b.username ?? ""}:${pw}`).toString("base64")}`;
  }
  if (c.authorization) {
    const a = c.authorization;
    const cred = a.credentials_file ? fileText(a.credentials_file) : (a.credentials ?? "");
    return `${a.type || "Bearer"} ${cred}`;
  }
  if (c.bearer_token) return `Bearer ${c.bearer_token}`;
  if (c.bearer_token_file) return `Bearer ${fileText(c.bearer_token_file)}`;
  return undefined;
}

/** Node TLS options (for https.request or an https.Agent) of a tls_config block; {} without one. */
export function tlsOptions(t: TlsConfigArgs | undefined): {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  servername?: string;
  minVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  rejectUnauthorized?: boolean;
} {
  if (!t) return {};
  const o: ReturnType<typeof tlsOptions> = { rejectUnauthorized: t.insecure_skip_verify !== true };
  const pemOrFile = (pem?: string, file?: string) => pem || (file ? readFileSync(file) : undefined);
  const ca = pemOrFile(t.ca_pem, t.ca_file);
  if (ca) o.ca = ca;
  const cert = pemOrFile(t.cert_pem, t.cert_file);
  if (cert) o.cert = cert;
  const key = pemOrFile(t.key_pem, t.key_file);
  if (key) o.key = key;
  if (t.server_name) o.servername = t.server_name;
  if (t.min_version) {
    // Alloy's TLS10..TLS13 → Node's TLSv1..TLSv1.3.
    o.minVersion = t.min_version.replace(/^TLS1(\d)$/, "TLSv1.$1").replace("TLSv1.0", "TLSv1") as never;
  }
  return o;
}

// JSON-Schema fragments of the blocks (Ingot's Alloy mapping: x-alloy-block, secrets).
/** A string argument Alloy treats as a secret. */
export const secretSchema = { type: "string", "x-alloy-type": "secret" } as const;
const secret = secretSchema;
/** An Alloy block of the given properties (no other attributes allowed). */
export const blockSchema = (properties: Record<string, unknown>) => ({
  "x-alloy-block": true,
  type: "object",
  properties,
  additionalProperties: false,
});

/** basic_auth { username, password, password_file }. */
export const basicAuthSchema = blockSchema({
  username: { type: "string" },
  password: secret,
  password_file: { type: "string" },
});

/** authorization { type = "Bearer", credentials, credentials_file }. */
export const authorizationSchema = blockSchema({
  type: { type: "string", default: "Bearer" },
  credentials: secret,
  credentials_file: { type: "string" },
});

/** tls_config { ca_pem, ca_file, cert_pem, cert_file, key_pem, key_file, server_name, insecure_skip_verify, min_version }. */
export const tlsConfigSchema = blockSchema({
  ca_pem: { type: "string" },
  ca_file: { type: "string" },
  cert_pem: { type: "string" },
  cert_file: { type: "string" },
  key_pem: secret,
  key_file: { type: "string" },
  server_name: { type: "string" },
  insecure_skip_verify: { type: "boolean", default: false },
  min_version: { type: "string" },
});

/** The auth and TLS properties of a client block (add follow_redirects, proxy_url, … as the component has them). */
export const httpClientAuthSchemaProperties = {
  bearer_token: secret,
  bearer_token_file: { type: "string" },
  basic_auth: basicAuthSchema,
  authorization: authorizationSchema,
  tls_config: tlsConfigSchema,
} as const;
