// The registry's HTTP API (fastify): list and search packages, list versions, resolve
// a semver range, download a version, publish (bearer token; versions are immutable)
// and yank. Every endpoint is described in docs/registry.md.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "@ingot/sdk";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import rcompare from "semver/functions/rcompare.js";
import valid from "semver/functions/valid.js";
import maxSatisfying from "semver/ranges/max-satisfying.js";
import validRange from "semver/ranges/valid.js";
import { inspectArtifact } from "./artifact.js";
import { integrityOf, matchesIntegrity } from "./integrity.js";
import { invalidNameReason, invalidVersionReason } from "./names.js";
import { ArtifactExistsError, type PackageRecord, type RegistryStorage, type VersionRecord } from "./storage.js";
import { DEFAULT_MAX_ARTIFACT_SIZE, readTarball, TarballError } from "./tarball.js";

export interface RegistryServerOptions {
  storage: RegistryStorage;
  /** Bearer tokens allowed to publish and yank. None: the registry is read-only. */
  tokens: readonly string[];
  /** Largest artifact accepted, in bytes (default 50 MiB). */
  maxArtifactSize?: number;
  /** Largest unpacked contents, in bytes (default ten times maxArtifactSize). */
  maxUnpackedSize?: number;
  /** Re-hash stored artifacts before serving them and refuse any that changed (default true). */
  verifyOnRead?: boolean;
  logger?: Logger;
}

export const API_PREFIX = "/api/v1";

/** Encodes a package name for a URL path segment ("@scope/name" -> "@scope%2Fname"). */
export function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/^%40/, "@");
}

export function tarballPath(name: string, version: string): string {
  return `${API_PREFIX}/packages/${encodeName(name)}/versions/${encodeURIComponent(version)}/tarball`;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function hashToken(t: string): Buffer {
  return createHash("sha256").update(t).digest();
}

/** Serializes async work per key (publishes and yanks of one package). */
class KeyedMutex {
  private tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

function versionsSorted(rec: PackageRecord): VersionRecord[] {
  return Object.values(rec.versions).sort((a, b) => rcompare(a.version, b.version));
}

/** The highest version that is not yanked and not a prerelease (npm's "latest" without dist-tags). */
function latestOf(rec: PackageRecord): string | undefined {
  const candidates = Object.values(rec.versions)
    .filter((v) => !v.yanked)
    .map((v) => v.version);
  return maxSatisfying(candidates, "*") ?? undefined;
}

function summary(rec: PackageRecord) {
  return {
    name: rec.name,
    kind: rec.kind,
    ...(rec.description !== undefined ? { description: rec.description } : {}),
    latest: latestOf(rec) ?? null,
    versions: Object.keys(rec.versions).length,
  };
}

export function createRegistryServer(options: RegistryServerOptions): FastifyInstance {
  const { storage, logger } = options;
  const maxArtifactSize = options.maxArtifactSize ?? DEFAULT_MAX_ARTIFACT_SIZE;
  const limits = {
    maxArtifactSize,
    ...(options.maxUnpackedSize !== undefined ? { maxUnpackedSize: options.maxUnpackedSize } : {}),
  };
  const verifyOnRead = options.verifyOnRead ?? true;
  const tokens = options.tokens.map(hashToken);
  const mutex = new KeyedMutex();
  const app = Fastify({ logger: false, return503OnClosing: true });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply.code(400).send({
        error: `artifact refused: artifact is larger than the limit of ${maxArtifactSize} bytes`,
      });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) logger?.error("registry request failed", { method: req.method, url: req.url, err: err.message });
    return reply.code(status).send({ error: err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route for ${req.method} ${req.url}` }));

  const authorize = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const presented = m ? hashToken(m[1] as string) : undefined;
    if (!presented || !tokens.some((t) => timingSafeEqual(t, presented))) {
      reply.header("www-authenticate", 'Bearer realm="ingot-registry"');
      const why =
        tokens.length === 0
          ? "publishing is disabled: the registry has no tokens (--token-file)"
          : presented
            ? "invalid token"
            : "missing bearer token";
      await reply.code(401).send({ error: `unauthorized: ${why}` });
    }
  };

  const nameParam = (req: FastifyRequest): string => {
    const name = (req.params as { name: string }).name;
    const bad = invalidNameReason(name);
    if (bad) throw new HttpError(400, bad);
    return name;
  };
  const versionParam = (req: FastifyRequest): string => {
    const version = (req.params as { version: string }).version;
    const bad = invalidVersionReason(version);
    if (bad) throw new HttpError(400, bad);
    return version;
  };
  const mustRead = async (name: string): Promise<PackageRecord> => {
    const rec = await storage.readPackage(name);
    if (!rec) throw new HttpError(404, `package ${name} not found`);
    return rec;
  };
  const mustVersion = (rec: PackageRecord, version: string): VersionRecord => {
    const v = rec.versions[version];
    if (!v) throw new HttpError(404, `version ${rec.name}@${version} not found`);
    return v;
  };
  const withUrl = (req: FastifyRequest, name: string, v: VersionRecord) => ({
    name,
    ...v,
    tarball: `${req.protocol}://${req.host}${tarballPath(name, v.version)}`,
  });

  app.addHook("onClose", async () => {
    await storage.close?.();
  });

  app.get("/-/healthy", async () => ({ status: "ok" }));

  app.get(`${API_PREFIX}/packages`, async (req) => {
    const q = ((req.query as { q?: string }).q ?? "").toLowerCase();
    const kind = (req.query as { kind?: string }).kind;
    const out = [];
    for (const name of await storage.listPackages()) {
      const rec = await storage.readPackage(name);
      if (!rec) continue;
      if (kind && rec.kind !== kind) continue;
      if (q !== "") {
        const components = Object.values(rec.versions).flatMap((v) => [
          ...(v.plugins ?? []).flatMap((p) => p.components),
          ...(v.declares ?? []).map((d) => d.name),
        ]);
        const hay = [rec.name, rec.description ?? "", ...components].join("\n").toLowerCase();
        if (!hay.includes(q)) continue;
      }
      out.push(summary(rec));
    }
    return { packages: out };
  });

  app.get(`${API_PREFIX}/packages/:name`, async (req) => {
    const rec = await mustRead(nameParam(req));
    return { ...summary(rec), versions: versionsSorted(rec) };
  });

  app.get(`${API_PREFIX}/packages/:name/versions`, async (req) => {
    const rec = await mustRead(nameParam(req));
    return { name: rec.name, versions: versionsSorted(rec) };
  });

  app.get(`${API_PREFIX}/packages/:name/resolve`, async (req) => {
    const name = nameParam(req);
    const range = (req.query as { range?: string }).range || "*";
    const rec = await mustRead(name);
    let version: string | undefined;
    if (valid(range) === range) {
      // An exact version resolves even when yanked (as a lockfile pin would).
      version = rec.versions[range] ? range : undefined;
    } else {
      if (validRange(range) === null) throw new HttpError(400, `invalid semver range ${JSON.stringify(range)}`);
      const candidates = Object.values(rec.versions)
        .filter((v) => !v.yanked)
        .map((v) => v.version);
      version = maxSatisfying(candidates, range) ?? undefined;
    }
    if (!version) throw new HttpError(404, `no version of ${name} satisfies ${JSON.stringify(range)}`);
    return withUrl(req, name, mustVersion(rec, version));
  });

  app.get(`${API_PREFIX}/packages/:name/versions/:version`, async (req) => {
    const name = nameParam(req);
    const version = versionParam(req);
    return withUrl(req, name, mustVersion(await mustRead(name), version));
  });

  app.get(`${API_PREFIX}/packages/:name/versions/:version/tarball`, async (req, reply) => {
    const name = nameParam(req);
    const version = versionParam(req);
    const v = mustVersion(await mustRead(name), version);
    const bytes = await storage.readArtifact(name, version);
    if (!bytes) throw new HttpError(404, `artifact of ${name}@${version} is missing from storage`);
    if (verifyOnRead && !matchesIntegrity(bytes, v.integrity)) {
      logger?.error("stored artifact does not match its integrity", { name, version });
      throw new HttpError(
        500,
        `stored artifact of ${name}@${version} does not match its integrity; refusing to serve it`,
      );
    }
    return reply
      .header("content-type", "application/gzip")
      .header("x-ingot-integrity", v.integrity)
      .header(
        "content-disposition",
        `attachment; filename="${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz"`,
      )
      .send(bytes);
  });

  app.register(async (scope) => {
    scope.addContentTypeParser(
      ["application/gzip", "application/x-gzip", "application/octet-stream", "application/x-tar"],
      { parseAs: "buffer", bodyLimit: maxArtifactSize },
      (_req, body, done) => done(null, body),
    );

    scope.put(`${API_PREFIX}/packages/:name/versions/:version`, { onRequest: authorize }, async (req, reply) => {
      const name = nameParam(req);
      const version = versionParam(req);
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new HttpError(400, "artifact refused: empty body; send the .tgz with content-type application/gzip");
      }
      let info: ReturnType<typeof inspectArtifact>;
      try {
        info = inspectArtifact(await readTarball(body, limits));
      } catch (e) {
        if (e instanceof TarballError) throw new HttpError(400, `artifact refused: ${e.message}`);
        throw e;
      }
      if (info.name !== name || info.version !== version) {
        throw new HttpError(
          400,
          `artifact refused: the URL names ${name}@${version} but the artifact is ${info.name}@${info.version}`,
        );
      }
      const record = await mutex.run(name, async () => {
        const rec: PackageRecord = (await storage.readPackage(name)) ?? { name, kind: info.kind, versions: {} };
        if (rec.versions[version])
          throw new HttpError(409, `${name}@${version} is already published; versions are immutable`);
        if (rec.kind !== info.kind) {
          throw new HttpError(409, `${name} is a ${rec.kind}; cannot publish a ${info.kind} under the same name`);
        }
        try {
          await storage.writeArtifact(name, version, body);
        } catch (e) {
          if (e instanceof ArtifactExistsError) {
            throw new HttpError(409, `${name}@${version} is already published; versions are immutable`);
          }
          throw e;
        }
        const v: VersionRecord = {
          version,
          integrity: integrityOf(body),
          size: body.length,
          publishedAt: new Date().toISOString(),
          kind: info.kind,
          ...(info.description !== undefined ? { description: info.description } : {}),
          yanked: false,
          ...(info.kind === "module"
            ? {
                declares: (info.module?.declares ?? []).map((d) => ({
                  name: d.name,
                  ...(d.description !== undefined ? { description: d.description } : {}),
                })),
              }
            : { plugins: info.plugins }),
        };
        rec.versions[version] = v;
        if (info.description !== undefined) rec.description = info.description;
        await storage.writePackage(rec);
        return v;
      });
      logger?.info("published", { name, version, integrity: record.integrity });
      return reply.code(201).send(withUrl(req, name, record));
    });
  });

  const setYanked = (yanked: boolean) => async (req: FastifyRequest) => {
    const name = nameParam(req);
    const version = versionParam(req);
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    const v = await mutex.run(name, async () => {
      const rec = await mustRead(name);
      const v = mustVersion(rec, version);
      v.yanked = yanked;
      if (yanked) {
        v.yankedAt = new Date().toISOString();
        if (typeof reason === "string") v.yankReason = reason;
      } else {
        delete v.yankedAt;
        delete v.yankReason;
      }
      await storage.writePackage(rec);
      return v;
    });
    logger?.info(yanked ? "yanked" : "unyanked", { name, version });
    return withUrl(req, name, v);
  };
  app.post(`${API_PREFIX}/packages/:name/versions/:version/yank`, { onRequest: authorize }, setYanked(true));
  app.delete(`${API_PREFIX}/packages/:name/versions/:version/yank`, { onRequest: authorize }, setYanked(false));

  return app;
}
