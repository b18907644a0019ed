// A client of the npm registry protocol (registry.npmjs.org, Verdaccio, Artifactory,
// GitHub Packages...): fetch a package's packument, resolve a range or dist-tag the way
// npm does, download the tarball and verify it against `dist.integrity` (sha512 SRI),
// falling back to the sha1 `shasum` with a warning for packages published without one.
import { createHash, timingSafeEqual } from "node:crypto";
import satisfies from "semver/functions/satisfies.js";
import valid from "semver/functions/valid.js";
import maxSatisfying from "semver/ranges/max-satisfying.js";
import validRange from "semver/ranges/valid.js";
import { type DownloadProgress, readBody } from "./client.js";
import { IntegrityError, integrityOf } from "./integrity.js";

export const NPM_DEFAULT_REGISTRY = "https://registry.npmjs.org";

/** The part of a packument's version entry the client uses. */
export interface NpmVersion {
  name: string;
  version: string;
  deprecated?: string;
  dist: { tarball: string; integrity?: string; shasum?: string };
}

export interface NpmPackument {
  name: string;
  "dist-tags"?: Record<string, string>;
  versions: Record<string, NpmVersion>;
}

export interface NpmResolved {
  name: string;
  version: string;
  /** Absolute URL of the tarball. */
  tarball: string;
  /** The sha512 SRI string the packument declares, if any. */
  integrity?: string;
  /** The hex sha1 the packument declares (older packages), if any. */
  shasum?: string;
  deprecated?: string;
}

/** An npm registry answered with an error status, or could not be reached (status 0). */
export class NpmRegistryError extends Error {
  override name = "NpmRegistryError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The sha512 member of an SRI string ("sha512-... sha1-..." lists several), if any. */
export function sha512Of(integrity: string | undefined): string | undefined {
  return integrity
    ?.split(/\s+/)
    .map((s) => s.replace(/\?.*$/, ""))
    .find((s) => /^sha512-[A-Za-z0-9+/]{86}==$/.test(s));
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Picks a version as npm does (npm-pick-manifest): a dist-tag names its version; an
 * exact version is itself (deprecated or not); for a range, the `latest` tag when it satisfies the range,
 * else the highest satisfying version, preferring versions that are not deprecated.
 * Prereleases only when the range names one.
 */
export function pickVersion(doc: NpmPackument, wanted: string | undefined): NpmVersion | undefined {
  const tags = doc["dist-tags"] ?? {};
  const spec = wanted === undefined || wanted === "" ? "latest" : wanted;
  const tagged = tags[spec];
  if (tagged !== undefined && validRange(spec) === null) return doc.versions[tagged];
  if (valid(spec) === spec) return doc.versions[spec];
  // No `latest` tag (a hand-made packument): the highest version, as for "*".
  const range = spec === "latest" ? "*" : spec;
  if (validRange(range) === null) return undefined;
  const all = Object.values(doc.versions);
  const latest = tags.latest !== undefined ? doc.versions[tags.latest] : undefined;
  for (const pool of [all.filter((v) => !v.deprecated), all]) {
    if (latest && pool.includes(latest) && satisfies(latest.version, range)) return latest;
    const best = maxSatisfying(
      pool.map((v) => v.version),
      range,
    );
    if (best) return doc.versions[best];
  }
  return undefined;
}

/** Encodes a name for an npm registry URL ("@scope/x" -> "@scope%2Fx"; npm sends the same). */
export function npmEncodeName(name: string): string {
  return name.startsWith("@") ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

export class NpmRegistryClient {
  readonly base: string;
  constructor(
    base: string = NPM_DEFAULT_REGISTRY,
    private readonly token?: string,
  ) {
    this.base = base.replace(/\/+$/, "");
  }

  private async get(url: string, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    // The token only goes to the registry's own origin (tarballs may live on a CDN).
    if (this.token !== undefined && new URL(url).origin === new URL(this.base).origin) {
      headers.authorization = `Bearer ${this.token}`;
    }
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new NpmRegistryError(0, `cannot reach npm registry ${this.base}: ${cause ?? (e as Error).message}`);
    }
    return res;
  }

  /** The package's packument (the abbreviated "corgi" form when the registry has it). */
  async packument(name: string): Promise<NpmPackument> {
    const res = await this.get(
      `${this.base}/${npmEncodeName(name)}`,
      "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*",
    );
    if (res.status === 404) {
      await res.body?.cancel();
      throw new NpmRegistryError(404, `package ${name} not found in npm registry ${this.base}`);
    }
    if (!res.ok) {
      const text = (await res.text()).slice(0, 200);
      throw new NpmRegistryError(res.status, `npm registry ${this.base} answered ${res.status}: ${text}`);
    }
    let doc: NpmPackument;
    try {
      doc = (await res.json()) as NpmPackument;
    } catch (e) {
      throw new NpmRegistryError(res.status, `npm registry ${this.base}: packument of ${name} is not JSON: ${e}`);
    }
    if (typeof doc !== "object" || doc === null || typeof doc.versions !== "object" || doc.versions === null) {
      throw new NpmRegistryError(res.status, `npm registry ${this.base}: packument of ${name} has no versions`);
    }
    return doc;
  }

  /** Resolves a range, exact version or dist-tag (default `latest`). */
  async resolve(name: string, wanted?: string): Promise<NpmResolved> {
    const doc = await this.packument(name);
    const spec = wanted === undefined || wanted === "" ? "latest" : wanted;
    const tagged = doc["dist-tags"]?.[spec] !== undefined || spec === "latest";
    if (!tagged && valid(spec) !== spec && validRange(spec) === null) {
      throw new NpmRegistryError(400, `invalid semver range or dist-tag ${JSON.stringify(spec)}`);
    }
    const v = pickVersion(doc, spec);
    if (!v) throw new NpmRegistryError(404, `no version of ${name} satisfies ${JSON.stringify(spec)}`);
    if (typeof v.dist?.tarball !== "string") {
      throw new NpmRegistryError(502, `npm registry ${this.base}: ${name}@${v.version} has no dist.tarball`);
    }
    const integrity = sha512Of(v.dist.integrity);
    return {
      name,
      version: v.version,
      tarball: new URL(v.dist.tarball, `${this.base}/`).href,
      ...(integrity !== undefined ? { integrity } : {}),
      ...(typeof v.dist.shasum === "string" ? { shasum: v.dist.shasum.toLowerCase() } : {}),
      ...(typeof v.deprecated === "string" && v.deprecated !== "" ? { deprecated: v.deprecated } : {}),
    };
  }

  /**
   * Downloads the tarball and verifies it: against the sha512 integrity, else against
   * the sha1 shasum (calling `onWeak`); refuses a version that declares neither.
   */
  async download(
    resolved: NpmResolved,
    onProgress?: (p: DownloadProgress) => void,
    onWeak?: (message: string) => void,
  ): Promise<Buffer> {
    const what = `${resolved.name}@${resolved.version}`;
    if (resolved.integrity === undefined && resolved.shasum === undefined) {
      throw new NpmRegistryError(502, `${what} declares neither dist.integrity nor dist.shasum; refusing it`);
    }
    const res = await this.get(resolved.tarball, "application/octet-stream, */*");
    if (!res.ok) {
      await res.body?.cancel();
      throw new NpmRegistryError(res.status, `download of ${resolved.tarball} failed: ${res.status}`);
    }
    const bytes = await readBody(res, onProgress);
    if (resolved.integrity !== undefined) {
      const actual = integrityOf(bytes);
      if (!sameText(actual, resolved.integrity)) throw new IntegrityError(what, resolved.integrity, actual);
    } else {
      const expected = resolved.shasum as string;
      const actual = createHash("sha1").update(bytes).digest("hex");
      if (!sameText(actual, expected)) throw new IntegrityError(what, `sha1 ${expected}`, `sha1 ${actual}`);
      onWeak?.(`${what} has no sha512 dist.integrity; verified only its sha1 shasum`);
    }
    return bytes;
  }
}
