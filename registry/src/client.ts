// A client of the registry's HTTP API, used by `ingot publish`, `ingot plugins install`
// and `import.registry`. Downloads are checked against the integrity the registry
// resolved them with before anyone sees the bytes.
import { verifyIntegrity } from "./integrity.js";
import { API_PREFIX, encodeName } from "./server.js";
import type { VersionRecord } from "./storage.js";

export interface ResolvedVersion extends VersionRecord {
  name: string;
  /** Absolute URL of the artifact. */
  tarball: string;
}

export interface PackageSummary {
  name: string;
  kind: VersionRecord["kind"];
  description?: string;
  latest: string | null;
  versions: number;
}

/** A registry answered with an error status; `message` carries its `error` text. */
export class RegistryError extends Error {
  override name = "RegistryError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface DownloadProgress {
  received: number;
  /** Content-Length when the server sent it. */
  total: number | undefined;
}

/** A response's whole body, reporting progress per chunk (total from Content-Length when given). */
export async function readBody(res: Response, onProgress?: (p: DownloadProgress) => void): Promise<Buffer> {
  const length = Number(res.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      received += chunk.length;
      onProgress?.({ received, total });
    }
  }
  return Buffer.concat(chunks);
}

export class RegistryClient {
  readonly base: string;
  constructor(
    base: string,
    private readonly token?: string,
  ) {
    this.base = base.replace(/\/+$/, "");
  }

  private async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token !== undefined) headers.set("authorization", `Bearer ${this.token}`);
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { ...init, method, headers });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new RegistryError(0, `cannot reach registry ${this.base}: ${cause ?? (e as Error).message}`);
    }
    if (!res.ok) {
      let text = await res.text();
      try {
        text = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new RegistryError(res.status, `registry ${this.base} answered ${res.status}: ${text}`);
    }
    return res;
  }

  private async json<T>(method: string, path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(method, path, init)).json()) as T;
  }

  async list(query?: { q?: string; kind?: string }): Promise<PackageSummary[]> {
    const params = new URLSearchParams();
    if (query?.q) params.set("q", query.q);
    if (query?.kind) params.set("kind", query.kind);
    const qs = params.size > 0 ? `?${params}` : "";
    return (await this.json<{ packages: PackageSummary[] }>("GET", `${API_PREFIX}/packages${qs}`)).packages;
  }

  async versions(name: string): Promise<VersionRecord[]> {
    return (
      await this.json<{ versions: VersionRecord[] }>("GET", `${API_PREFIX}/packages/${encodeName(name)}/versions`)
    ).versions;
  }

  /** The version a range resolves to (the highest not yanked; an exact version even if yanked). */
  resolve(name: string, range = "*"): Promise<ResolvedVersion> {
    return this.json("GET", `${API_PREFIX}/packages/${encodeName(name)}/resolve?range=${encodeURIComponent(range)}`);
  }

  /** Downloads the artifact and verifies it against `resolved.integrity` (throws IntegrityError). */
  async download(resolved: ResolvedVersion, onProgress?: (p: DownloadProgress) => void): Promise<Buffer> {
    const url = new URL(resolved.tarball, `${this.base}/`);
    const path = url.origin === new URL(this.base).origin ? url.pathname : undefined;
    const res = path ? await this.request("GET", path) : await fetch(url);
    if (!res.ok) throw new RegistryError(res.status, `download of ${url} failed: ${res.status}`);
    const bytes = await readBody(res, onProgress);
    verifyIntegrity(bytes, resolved.integrity, `${resolved.name}@${resolved.version}`);
    return bytes;
  }

  publish(name: string, version: string, bytes: Uint8Array): Promise<ResolvedVersion> {
    return this.json("PUT", `${API_PREFIX}/packages/${encodeName(name)}/versions/${encodeURIComponent(version)}`, {
      headers: { "content-type": "application/gzip" },
      body: bytes,
    });
  }

  yank(name: string, version: string, reason?: string): Promise<ResolvedVersion> {
    return this.json(
      "POST",
      `${API_PREFIX}/packages/${encodeName(name)}/versions/${encodeURIComponent(version)}/yank`,
      {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(reason !== undefined ? { reason } : {}),
      },
    );
  }

  unyank(name: string, version: string): Promise<ResolvedVersion> {
    return this.json(
      "DELETE",
      `${API_PREFIX}/packages/${encodeName(name)}/versions/${encodeURIComponent(version)}/yank`,
    );
  }
}
