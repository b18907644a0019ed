// The content behind one import block (import.file, import.string or a remote source:
// import.http, import.git) and the imports nested in it, after Alloy's
// ImportConfigNode: the content may hold only declare and import blocks; nested
// imports are loaded (and watched) by their parent and resolve relative to the
// importing module's directory. Every content change produces a new snapshot; a failed
// read keeps the last good one. Remote content goes through RemoteContent (cache, lock).
import { type FSWatcher, watch } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { ComponentHealth } from "@ingot/sdk";
import {
  type BlockStmt,
  blockName,
  diagnosticString,
  endPos,
  hasErrors,
  parseFile,
  Scope,
  type SourceFile,
  startPos,
} from "@ingot/syntax";
import { health } from "../health.js";
import { makeFetcher } from "./fetchers.js";
import { IMPORT_BLOCKS, type ImportKind, importSchemas } from "./import-schemas.js";
import { errorMessage, RemoteContent, type RemoteEnv } from "./remote.js";
import { ImportSnapshot, ModuleScope } from "./scope.js";

export type { ImportKind };

export interface ImportArgs {
  filename?: string;
  detector?: "fsnotify" | "poll";
  /** Milliseconds. */
  poll_frequency?: number;
  pull_frequency?: number;
  content?: string;
  [key: string]: unknown;
}

/** What an import needs besides its arguments: its id in its module and, for remote sources, the cache and lock. */
export interface SourceEnv {
  localId: string;
  remote?: RemoteEnv;
}

const REMOTE: ReadonlySet<ImportKind> = new Set(["http", "git", "registry", "s3"]);

interface ParsedModule {
  declares: { block: BlockStmt; source: SourceFile }[];
  imports: { label: string; source: ImportSource }[];
}

function sameTexts(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export class ImportSource {
  snapshot?: ImportSnapshot;
  /** Why the last read or parse failed (the last good snapshot stays). */
  error?: string;
  private texts = new Map<string, string>();
  private parsed?: ParsedModule;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private running = false;
  private reading: Promise<void> = Promise.resolve();
  private remote?: RemoteContent;

  constructor(
    readonly kind: ImportKind,
    private args: ImportArgs,
    /** module_path of the importing module: base of relative file names, module_path of strings. */
    private readonly baseDir: string,
    private readonly onChange: () => void,
    private readonly env: SourceEnv = { localId: `import.${kind}` },
  ) {}

  private remoteContent(): RemoteContent {
    if (!this.remote) {
      const env = this.env.remote;
      if (!env) throw new Error(`import.${this.kind} needs a storage path for its cache`);
      this.remote = new RemoteContent(env, this.env.localId, makeFetcher(this.kind, this.args, this.baseDir, env));
    }
    return this.remote;
  }

  private get path(): string {
    return resolve(this.baseDir, this.args.filename ?? "");
  }

  /** module_path inside the imported content. */
  private modulePathOf(isDir: boolean): string {
    if (this.kind === "string") return this.baseDir;
    return isDir ? this.path : dirname(this.path);
  }

  setArgs(args: ImportArgs): void {
    const restart =
      this.running &&
      (args.filename !== this.args.filename ||
        args.detector !== this.args.detector ||
        args.poll_frequency !== this.args.poll_frequency ||
        args.pull_frequency !== this.args.pull_frequency);
    this.args = args;
    this.remote = undefined;
    if (restart) {
      this.stopWatching();
      this.startWatching();
    }
  }

  private async readTexts(): Promise<{
    texts: Map<string, string>;
    isDir: boolean;
    modulePath?: string;
    warning?: string;
  }> {
    const texts = new Map<string, string>();
    if (this.kind === "string") {
      texts.set("import.string", this.args.content ?? "");
      return { texts, isDir: false };
    }
    if (REMOTE.has(this.kind)) {
      const r = await this.remoteContent().read(this.snapshot === undefined);
      for (const name of [...r.files.keys()].sort()) texts.set(join(r.dir, name), r.files.get(name) as string);
      return { texts, isDir: r.isDir, modulePath: r.modulePath, warning: r.warning };
    }
    const p = this.path;
    const st = await stat(p);
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.endsWith(".alloy")).sort();
      for (const n of names) {
        const f = join(p, n);
        if ((await stat(f)).isFile()) texts.set(f, await readFile(f, "utf8"));
      }
      return { texts, isDir: true };
    }
    texts.set(p, await readFile(p, "utf8"));
    return { texts, isDir: false };
  }

  /**
   * Reads the content (and nested imports). Returns whether the snapshot changed;
   * throws when reading or parsing fails (the previous snapshot stays).
   */
  async load(): Promise<boolean> {
    const { texts, isDir, modulePath: remotePath, warning } = await this.readTexts();
    if (this.snapshot && sameTexts(texts, this.texts) && (remotePath ?? this.lastModulePath) === this.lastModulePath) {
      this.error = warning;
      return false;
    }
    const modulePath = remotePath ?? this.modulePathOf(isDir);
    const parsed: ParsedModule = { declares: [], imports: [] };
    try {
      for (const [name, text] of texts) {
        const { file, diagnostics } = parseFile(name, text);
        if (hasErrors(diagnostics)) {
          throw new Error(
            `imported content from "${name}" cannot be parsed: ${diagnostics.map(diagnosticString).join("; ")}`,
          );
        }
        for (const stmt of file.body) {
          if (stmt.kind !== "Block") throw new Error("only declare and import blocks are allowed in a module");
          const bn = blockName(stmt);
          const kind = IMPORT_BLOCKS[bn];
          if (bn === "declare") parsed.declares.push({ block: stmt, source: file.source });
          else if (kind) {
            parsed.imports.push({
              label: stmt.label,
              source: await this.nestedImport(stmt, file.source, kind, modulePath),
            });
          } else throw new Error(`only declare and import blocks are allowed in a module, got ${bn}`);
        }
      }
    } catch (e) {
      for (const i of parsed.imports) i.source.close();
      throw e;
    }
    const old = this.parsed;
    this.texts = texts;
    this.parsed = parsed;
    this.rebuild(modulePath);
    if (old) for (const i of old.imports) i.source.close();
    if (this.running) for (const i of parsed.imports) i.source.startWatching();
    this.error = warning;
    return true;
  }

  private async nestedImport(block: BlockStmt, source: SourceFile, kind: ImportKind, modulePath: string) {
    const scope = new Scope(new Map([["module_path", modulePath]]));
    const r = importSchemas(kind).decodeArguments(block.body, scope, source, {
      start: startPos(block),
      end: endPos(block),
    });
    if (!r.ok) {
      throw new Error(
        `imported node ${block.label} failed to evaluate, ${r.diagnostics.map(diagnosticString).join("; ")}`,
      );
    }
    let child: ImportSource;
    const env: SourceEnv = { localId: `${blockName(block)}.${block.label}`, remote: this.env.remote };
    child = new ImportSource(
      kind,
      r.value as ImportArgs,
      modulePath,
      () => {
        // A nested import changed: new declares for this module too.
        if (this.parsed?.imports.some((i) => i.source === child)) {
          this.rebuild(this.lastModulePath);
          this.onChange();
        }
      },
      env,
    );
    await child.load();
    return child;
  }

  private lastModulePath = "";

  /** A new snapshot from the parsed content and the nested imports' current snapshots. */
  private rebuild(modulePath: string): void {
    this.lastModulePath = modulePath;
    const parsed = this.parsed as ParsedModule;
    const scope = new ModuleScope();
    for (const { block, source } of parsed.declares) {
      if (scope.declares.has(block.label)) continue; // Alloy logs "declare block redefined" and keeps the first
      scope.declares.set(block.label, { name: block.label, block, source, scope, modulePath });
    }
    for (const i of parsed.imports) if (i.source.snapshot) scope.imports.set(i.label, i.source.snapshot);
    this.snapshot = new ImportSnapshot(scope.declares);
  }

  health(): ComponentHealth {
    if (this.error) return health("unhealthy", this.error);
    for (const i of this.parsed?.imports ?? []) {
      const h = i.source.health();
      if (h.state !== "healthy") return h;
    }
    return health("healthy", "content loaded");
  }

  /** Re-reads after a change at the source; failures keep the last good content. */
  private refresh(): void {
    this.reading = this.reading.then(async () => {
      if (!this.running) return;
      try {
        if (await this.load()) this.onChange();
      } catch (e) {
        this.error = `failed to read import content: ${errorMessage(e)}`;
      }
    });
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.refresh();
    }, 20);
  }

  /** Watches the source (file imports): fsnotify-style events with polling as the fallback. */
  startWatching(): void {
    if (this.running) return;
    this.running = true;
    for (const i of this.parsed?.imports ?? []) i.source.startWatching();
    if (REMOTE.has(this.kind)) {
      const every = Math.max(10, (this.args.poll_frequency ?? this.args.pull_frequency ?? 60_000) as number);
      this.timer = setInterval(() => this.refresh(), every);
      this.timer.unref?.();
      return;
    }
    if (this.kind !== "file") return;
    const p = this.path;
    if ((this.args.detector ?? "fsnotify") === "fsnotify") {
      try {
        // Watch the directory holding a file, so editors' rename-over writes are seen.
        const isDir = this.texts.size !== 1 || !this.texts.has(p);
        const target = isDir ? p : dirname(p);
        const name = basename(p);
        this.watcher = watch(target, (_event, file) => {
          if (isDir || file === null || file === name) this.schedule();
        });
        this.watcher.on("error", () => this.stopFsWatcher());
      } catch {
        this.watcher = undefined;
      }
    }
    const every = Math.max(10, this.args.poll_frequency ?? 60_000);
    this.timer = setInterval(() => this.refresh(), every);
    this.timer.unref?.();
  }

  private stopFsWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private stopWatching(): void {
    this.running = false;
    this.stopFsWatcher();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = undefined;
    this.debounce = undefined;
    for (const i of this.parsed?.imports ?? []) i.source.close();
  }

  close(): void {
    this.stopWatching();
  }
}
