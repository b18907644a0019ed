// import.git's fetcher: isomorphic-git over smart HTTP(S), loaded on first use. The
// repository is cloned once under `<storage.path>/modules/git/repos/` (one working tree
// per repository and revision), fetched at every pull, and the revision (HEAD, a
// branch, a tag or a commit) checked out; the content is the file at `path`, or the
// *.alloy files of the directory at `path`. module_path is the checkout's directory
// of the content, so relative import.file paths in it reach the rest of the repository.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { FetchResult, RemoteFetcher } from "./remote.js";

export interface GitImportArgs {
  repository: string;
  revision?: string;
  path: string;
  /** Milliseconds. */
  pull_frequency?: number;
  basic_auth?: { username?: string; password?: string; password_file?: string };
}

type Git = typeof import("isomorphic-git");
type HttpClient = typeof import("isomorphic-git/http/node");

let loaded: Promise<{ git: Git; http: HttpClient["default"] }> | undefined;

function loadGit() {
  loaded ??= Promise.all([import("isomorphic-git"), import("isomorphic-git/http/node")]).then(([g, h]) => ({
    git: ((g as { default?: Git }).default ?? g) as Git,
    http: (h as HttpClient).default,
  }));
  return loaded;
}

/** One pull at a time per working tree (several imports may share a repository and revision). */
const locks = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  locks.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

export class GitFetcher implements RemoteFetcher {
  readonly kind = "git";
  private readonly dir: string;

  constructor(
    private readonly args: GitImportArgs,
    _baseDir: string,
    storagePath: string,
  ) {
    const id = createHash("sha256").update(`${args.repository}#${this.revision}`).digest("hex").slice(0, 24);
    this.dir = join(storagePath, "modules", "git", "repos", id);
  }

  private get revision(): string {
    return this.args.revision ?? "HEAD";
  }

  get location(): string {
    return `${this.args.repository}#${this.revision}:${this.args.path}`;
  }

  private onAuth() {
    const b = this.args.basic_auth;
    if (!b) return undefined;
    const password = b.password_file ? fs.readFileSync(b.password_file, "utf8").trim() : (b.password ?? "");
    return () => ({ username: b.username ?? "", password });
  }

  fetch(): Promise<FetchResult> {
    return serialized(this.dir, () => this.pull());
  }

  private async pull(): Promise<FetchResult> {
    const { git, http } = await loadGit();
    const dir = this.dir;
    const url = this.args.repository;
    const onAuth = this.onAuth();
    const common = { fs, http, dir, ...(onAuth ? { onAuth } : {}) };
    if (!fs.existsSync(join(dir, ".git"))) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      await git.init({ fs, dir });
      await git.addRemote({ fs, dir, remote: "origin", url });
    }
    const f = await git.fetch({ ...common, remote: "origin", tags: true, singleBranch: false, prune: true });
    const oid = await this.resolveRevision(git, f.defaultBranch ?? undefined);
    await git.checkout({ fs, dir, ref: oid, force: true });
    return this.readContent(oid);
  }

  private async resolveRevision(git: Git, defaultBranch: string | undefined): Promise<string> {
    const dir = this.dir;
    const rev = this.revision;
    const tryRef = async (ref: string) => {
      try {
        return await git.resolveRef({ fs, dir, ref });
      } catch {
        return undefined;
      }
    };
    if (rev === "HEAD") {
      const branch = defaultBranch?.replace(/^refs\/heads\//, "");
      const oid = branch ? await tryRef(`refs/remotes/origin/${branch}`) : await tryRef("refs/remotes/origin/HEAD");
      if (oid) return oid;
      throw new Error(`repository ${this.args.repository} has no HEAD`);
    }
    const byRef = (await tryRef(`refs/remotes/origin/${rev}`)) ?? (await tryRef(`refs/tags/${rev}`));
    if (byRef) {
      // An annotated tag names a tag object: the commit is what it points at.
      const tag = await git.readTag({ fs, dir, oid: byRef }).catch(() => undefined);
      return tag ? tag.tag.object : byRef;
    }
    if (/^[0-9a-f]{4,40}$/i.test(rev)) {
      try {
        return await git.expandOid({ fs, dir, oid: rev.toLowerCase() });
      } catch {
        // fall through
      }
    }
    throw new Error(`revision ${JSON.stringify(rev)} not found in ${this.args.repository} (a branch, tag or commit)`);
  }

  private async readContent(oid: string): Promise<FetchResult> {
    const target = resolve(this.dir, this.args.path);
    if (target !== this.dir && !target.startsWith(`${this.dir}/`)) {
      throw new Error(`path ${JSON.stringify(this.args.path)} is outside the repository`);
    }
    let st: fs.Stats;
    try {
      st = await stat(target);
    } catch {
      throw new Error(`path ${JSON.stringify(this.args.path)} does not exist in ${this.location} (commit ${oid})`);
    }
    const files = new Map<string, string>();
    if (st.isDirectory()) {
      for (const n of (await readdir(target)).filter((n) => n.endsWith(".alloy")).sort()) {
        if ((await stat(join(target, n))).isFile()) files.set(n, await readFile(join(target, n), "utf8"));
      }
      return { files, revision: oid, isDir: true, modulePath: target };
    }
    files.set(target.slice(dirname(target).length + 1), await readFile(target, "utf8"));
    return { files, revision: oid, isDir: false, modulePath: dirname(target) };
  }
}
