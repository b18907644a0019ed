// discovery.file: targets from JSON and YAML files in Prometheus file_sd format
// (`[{targets: [...], labels: {...}}]`), each with `__meta_filepath` (Alloy's
// discovery.file). Files are re-read every refresh_interval and when their directory
// changes (fs.watch). A file that cannot be read or parsed keeps its last good targets
// and makes the component unhealthy until it is fixed, as Prometheus keeps them.
import { type FSWatcher, watch } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { ComponentDefinition } from "@ingot/sdk";
import {
  RefreshingDiscovery,
  type RefreshResult,
  refreshingDefinition,
  type Target,
  targetsFromGroups,
} from "../common/refresh.js";

export interface FileArguments {
  files: string[];
  /** Milliseconds. */
  refresh_interval: number;
}

export const FILEPATH_LABEL = "__meta_filepath";

export const discoveryFile = refreshingDefinition<FileArguments>((ctx, args) => new FileDiscovery(ctx, args));

let yamlModule: Promise<typeof import("yaml")> | undefined;

class FileDiscovery extends RefreshingDiscovery<FileArguments> {
  /** Last good targets per file, kept when a later read fails. */
  private lastGood = new Map<string, Target[]>();
  private watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private running = false;

  protected validate(args: FileArguments): void {
    for (const f of args.files) {
      const ext = extname(f).toLowerCase();
      if (ext !== ".json" && ext !== ".yml" && ext !== ".yaml")
        throw new Error(
          `path name ${JSON.stringify(f)} is not valid for file discovery: it must end in .json, .yml or .yaml`,
        );
      if (/[*?[]/.test(dirname(f)))
        throw new Error(
          `path name ${JSON.stringify(f)} is not valid for file discovery: only the last path element may hold a glob`,
        );
    }
  }

  protected override onStart(): void {
    this.running = true;
    this.startWatching();
  }

  protected override onStop(): void {
    this.running = false;
    this.stopWatching();
    clearTimeout(this.debounce);
  }

  protected override onUpdate(): void {
    if (this.running) {
      this.stopWatching();
      this.startWatching();
    }
  }

  private startWatching(): void {
    const dirs = new Set(this.args.files.map((f) => dirname(f)));
    for (const d of dirs) {
      try {
        const w = watch(d, { persistent: false }, () => {
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => void this.refresh(), 50);
        });
        w.on("error", () => w.close());
        this.watchers.push(w);
      } catch (e) {
        this.ctx.logger.warn("cannot watch directory; relying on refresh_interval", { dir: d, err: String(e) });
      }
    }
  }

  private stopWatching(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  protected async discover(): Promise<RefreshResult> {
    const targets: Target[] = [];
    const errors: string[] = [];
    const seen = new Set<string>();
    for (const pattern of this.args.files) {
      for (const path of await glob(pattern)) {
        if (seen.has(path)) continue;
        seen.add(path);
        try {
          const ts = await readTargets(path);
          this.lastGood.set(path, ts);
          targets.push(...ts);
        } catch (e) {
          errors.push(`error reading file ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}`);
          targets.push(...(this.lastGood.get(path) ?? []));
        }
      }
    }
    for (const p of [...this.lastGood.keys()]) if (!seen.has(p)) this.lastGood.delete(p);
    return { targets, errors };
  }
}

async function readTargets(path: string): Promise<Target[]> {
  const text = await readFile(path, "utf8");
  const ext = extname(path).toLowerCase();
  let doc: unknown;
  if (ext === ".json") doc = JSON.parse(text);
  else {
    const yaml = await (yamlModule ??= import("yaml"));
    doc = yaml.parse(text) ?? [];
  }
  return targetsFromGroups(doc, { [FILEPATH_LABEL]: path });
}

/** Go filepath.Glob for a pattern whose last element may hold `*`, `?` and `[...]`; sorted. */
export async function glob(pattern: string): Promise<string[]> {
  const base = basename(pattern);
  if (!/[*?[]/.test(base)) {
    try {
      await stat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const dir = dirname(pattern);
  const re = globRegex(base);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => (pattern.startsWith(`${dir}/`) || dir !== "." ? join(dir, n) : n));
}

function globRegex(p: string): RegExp {
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = p.indexOf("]", i + 2);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      let cls = p.slice(i + 1, end);
      if (cls.startsWith("^")) cls = `!${cls.slice(1)}`;
      re += cls.startsWith("!") ? `[^${cls.slice(1).replace(/\\/g, "\\\\")}]` : `[${cls.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < p.length) {
      re += `\\${p[++i]}`;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export const components: Record<string, ComponentDefinition> = { "discovery.file": discoveryFile };
