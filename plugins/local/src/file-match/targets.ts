// Targets are Alloy's discovery targets: maps of label name to string value. This
// module finds the files each path target matches and orders the result so equal
// sets always produce equal (deep-equal) exports.
import type * as Glob from "./glob.js";

// The glob code (and picomatch, ~20 ms to import) loads on the first sync, so a
// configuration using only local.file never pays for it.
let globModule: Promise<typeof Glob> | undefined;
const loadGlob = (): Promise<typeof Glob> => (globModule ??= import("./glob.js"));

export type Target = Record<string, string>;

export const PATH_LABEL = "__path__";
export const PATH_EXCLUDE_LABEL = "__path_exclude__";

export interface MatchOptions {
  /** Skip files whose modification time is older than this many ms (0: keep all). */
  ignoreOlderThanMs: number;
  /** Directory relative patterns are resolved against. */
  cwd: string;
  /** Current time, for ignore_older_than. */
  now: number;
}

export interface MatchResult {
  targets: Target[];
  /** One entry per path target whose glob failed (kept for debug info and logs). */
  errors: { path: string; error: string }[];
}

/**
 * Every file matched by every path target, as a target holding the target's labels
 * with `__path__` set to the file's absolute path. A target without `__path__`
 * matches nothing.
 */
export async function matchTargets(pathTargets: readonly Target[], opts: MatchOptions): Promise<MatchResult> {
  const { globFiles, makeExcluder } = await loadGlob();
  const targets: Target[] = [];
  const errors: MatchResult["errors"] = [];
  for (const target of pathTargets) {
    const pattern = target[PATH_LABEL] ?? "";
    if (pattern === "") continue;
    const excluded = makeExcluder(target[PATH_EXCLUDE_LABEL] ?? "");
    try {
      for (const m of await globFiles(pattern, opts.cwd)) {
        if (excluded(m)) continue;
        if (opts.ignoreOlderThanMs > 0 && m.stats.mtimeMs < opts.now - opts.ignoreOlderThanMs) continue;
        targets.push({ ...target, [PATH_LABEL]: m.abs });
      }
    } catch (err) {
      errors.push({ path: pattern, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { targets: sortTargets(targets), errors };
}

/** Sorts by `__path__`, then by the remaining labels, so output is deterministic. */
export function sortTargets(targets: Target[]): Target[] {
  const keyed = targets.map((t) => ({ t, key: targetKey(t) }));
  keyed.sort((a, b) => compare(a.t[PATH_LABEL] ?? "", b.t[PATH_LABEL] ?? "") || compare(a.key, b.key));
  return keyed.map((k) => k.t);
}

/** Whether two sorted target lists hold the same targets. */
export function sameTargets(a: readonly Target[], b: readonly Target[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (targetKey(a[i]!) !== targetKey(b[i]!)) return false;
  return true;
}

function targetKey(t: Target): string {
  return JSON.stringify(
    Object.keys(t)
      .sort()
      .map((k) => [k, t[k]]),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
