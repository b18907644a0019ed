// Remote module sources (import.http, import.git, ...): a fetcher gets the content
// (one file, or the files of a module directory); RemoteContent adds the policy:
// the last good content is cached under `<storage.path>/modules/`, the `modules` key of
// `ingot.lock` (beside the config) pins it by sha512 integrity, a failed fetch falls
// back to the cache (the import turns unhealthy), and content that does not match the
// lock or a cached file that does not match its integrity is refused.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";

/** Files of a module, by path relative to the module (`module.alloy`, `lib/x.alloy`). */
export type ModuleFiles = Map<string, string>;

export interface FetchResult {
  files: ModuleFiles;
  /** What the source calls this content: an ETag, a commit, a version. */
  revision: string;
  /** A directory of files (module_path is the directory) or a single file. */
  isDir: boolean;
  /** module_path of the content when not the cache's files directory (a Git checkout). */
  modulePath?: string;
}

export interface RemoteFetcher {
  readonly kind: string;
  /** Where the content comes from, as recorded in the lock (`<url>`, `<repo>#<rev>:<path>`). */
  readonly location: string;
  fetch(): Promise<FetchResult>;
}

/** One import in the `modules` key of ingot.lock. */
export interface LockedModule {
  kind: string;
  location: string;
  revision: string;
  /** `sha512-<base64>` of the content (see contentIntegrity). */
  integrity: string;
  files: string[];
}

/** Where remote imports keep and pin their content. */
export interface RemoteEnv {
  storagePath: string;
  /** ingot.lock beside the root config. */
  lockPath: string;
  /**
   * "run": the lock pins content. "update" (`ingot modules update`): the lock is
   * ignored, every import is fetched and recorded in `collected`.
   */
  mode: "run" | "update";
  collected?: Map<string, LockedModule>;
}

export const LOCKFILE_NAME = "ingot.lock";

/** sha512 over the files in name order: `name \0 byteLength \0 content` each. */
export function contentIntegrity(files: ModuleFiles): string {
  const h = createHash("sha512");
  for (const name of [...files.keys()].sort()) {
    const text = files.get(name) as string;
    h.update(`${name}\0${Buffer.byteLength(text)}\0`);
    h.update(text);
  }
  return `sha512-${h.digest("base64")}`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The lock key of an import: its block id in its module and its location. */
export function lockKey(localId: string, location: string): string {
  return `${localId} ${location}`;
}

/** The `modules` key of ingot.lock; undefined when there is no lockfile. */
export function readLockedModules(lockPath: string): Record<string, LockedModule> | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const lock = JSON.parse(text) as { modules?: Record<string, LockedModule> };
  return lock.modules ?? {};
}

/** Replaces the `modules` key of ingot.lock, keeping every other key as it is. */
export function writeLockedModules(lockPath: string, modules: Map<string, LockedModule>): void {
  let lock: Record<string, unknown> = { lockfileVersion: 1 };
  try {
    lock = JSON.parse(readFileSync(lockPath, "utf8")) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  lock.modules = Object.fromEntries([...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const tmp = `${lockPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
  renameSync(tmp, lockPath);
}

interface CacheMeta {
  kind: string;
  location: string;
  revision: string;
  integrity: string;
  isDir: boolean;
  files: string[];
  modulePath?: string;
}

export interface CachedContent {
  files: ModuleFiles;
  isDir: boolean;
  revision: string;
  integrity: string;
  /** Directory holding the files. */
  dir: string;
  /** module_path of the content. */
  modulePath: string;
}

/** `<storage.path>/modules/<kind>/<hash of location>/`: meta.json and files/. */
export class ModuleCache {
  readonly root: string;

  constructor(storagePath: string, kind: string, location: string) {
    const id = createHash("sha256").update(location).digest("hex").slice(0, 24);
    this.root = join(storagePath, "modules", kind, id);
  }

  get filesDir(): string {
    return join(this.root, "files");
  }

  /** The cached content, verified against its recorded integrity; throws when tampered. */
  read(): CachedContent | undefined {
    let meta: CacheMeta;
    try {
      meta = JSON.parse(readFileSync(join(this.root, "meta.json"), "utf8")) as CacheMeta;
    } catch {
      return undefined;
    }
    const files: ModuleFiles = new Map();
    for (const name of meta.files) files.set(name, readFileSync(this.path(name), "utf8"));
    if (contentIntegrity(files) !== meta.integrity) {
      throw new Error(`cached module content in ${this.root} does not match its integrity ${meta.integrity}`);
    }
    const dir = this.filesDir;
    const modulePath = meta.modulePath ?? dir;
    return { files, isDir: meta.isDir, revision: meta.revision, integrity: meta.integrity, dir, modulePath };
  }

  private path(name: string): string {
    const p = join(this.filesDir, name);
    if (!p.startsWith(this.filesDir + sep)) throw new Error(`module file name escapes the module: ${name}`);
    return p;
  }

  write(kind: string, location: string, r: FetchResult, integrity: string): CachedContent {
    rmSync(this.filesDir, { recursive: true, force: true });
    mkdirSync(this.filesDir, { recursive: true });
    for (const [name, text] of r.files) {
      const p = this.path(name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    const meta: CacheMeta = {
      kind,
      location,
      revision: r.revision,
      integrity,
      isDir: r.isDir,
      files: [...r.files.keys()].sort(),
      ...(r.modulePath !== undefined ? { modulePath: r.modulePath } : {}),
    };
    const tmp = join(this.root, `meta.json.${process.pid}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(meta, null, 2)}\n`);
    renameSync(tmp, join(this.root, "meta.json"));
    const dir = this.filesDir;
    return { files: r.files, isDir: r.isDir, revision: r.revision, integrity, dir, modulePath: r.modulePath ?? dir };
  }
}

export interface RemoteRead extends CachedContent {
  /** Set when the content is not the source's current one (fetch failed or refused). */
  warning?: string;
}

/** A remote import's content with caching and pinning. */
export class RemoteContent {
  private readonly cache: ModuleCache;
  private readonly key: string;

  constructor(
    private readonly env: RemoteEnv,
    localId: string,
    private readonly fetcher: RemoteFetcher,
  ) {
    this.cache = new ModuleCache(env.storagePath, fetcher.kind, fetcher.location);
    this.key = lockKey(localId, fetcher.location);
  }

  /**
   * The content to run. `startup`: a cached copy matching the lock is used without
   * fetching (the next poll fetches). Throws when there is nothing good to run.
   */
  async read(startup: boolean): Promise<RemoteRead> {
    const { kind, location } = this.fetcher;
    if (this.env.mode === "update") {
      const r = await this.fetcher.fetch();
      const integrity = contentIntegrity(r.files);
      const files = [...r.files.keys()].sort();
      this.env.collected?.set(this.key, { kind, location, revision: r.revision, integrity, files });
      return this.cache.write(kind, location, r, integrity);
    }
    const locked = readLockedModules(this.env.lockPath)?.[this.key];
    let cached: CachedContent | undefined;
    let cacheError: string | undefined;
    try {
      cached = this.cache.read();
    } catch (e) {
      cacheError = errorMessage(e);
    }
    if (cached && locked && cached.integrity !== locked.integrity) {
      cacheError = `cached module content does not match ingot.lock (${locked.integrity})`;
      cached = undefined;
    }
    if (startup && locked && cached) return cached;
    let r: FetchResult;
    try {
      r = await this.fetcher.fetch();
    } catch (e) {
      const why = `fetching ${location}: ${errorMessage(e)}`;
      if (cached) return { ...cached, warning: `${why} (running the cached content)` };
      throw new Error(cacheError ? `${why}; ${cacheError}` : why);
    }
    const integrity = contentIntegrity(r.files);
    if (locked && integrity !== locked.integrity) {
      const why =
        `the content of ${location} (${integrity}, revision ${r.revision}) does not match ingot.lock ` +
        `(${locked.integrity}, revision ${locked.revision}): run "ingot modules update" to accept it`;
      if (cached) return { ...cached, warning: `${why} (running the pinned cached content)` };
      throw new Error(cacheError ? `${why}; ${cacheError}` : why);
    }
    if (cached && cached.integrity === integrity && cached.revision === r.revision) return cached;
    return this.cache.write(kind, location, r, integrity);
  }
}
