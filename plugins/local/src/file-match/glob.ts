// Expands one `__path__` glob to the regular files it matches, with doublestar
// semantics (`**` spans directories, `*` matches dotfiles, braces and classes), the
// way Alloy's local.file_match uses bmatcuk/doublestar. Matching is done with
// picomatch on paths relative to the pattern's static base directory, so the walk
// starts there and never visits unrelated parts of the filesystem.
import type { Dirent, Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import picomatch from "picomatch";

export interface GlobMatch {
  /** The path as the glob spells it (relative when the pattern is relative). */
  path: string;
  /** Absolute path. */
  abs: string;
  stats: Stats;
}

const MATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true };

/** Whether `path` (as globbed, or absolute) matches an exclude pattern. */
export function makeExcluder(pattern: string): (m: GlobMatch) => boolean {
  if (pattern === "") return () => false;
  const isMatch = picomatch(pattern, MATCH_OPTIONS);
  // An absolute exclude is compared with the absolute path, a relative one with the
  // path as globbed (what doublestar.PathMatch sees in Alloy).
  const absolute = pattern.startsWith("/");
  return (m) => isMatch(absolute ? m.abs : m.path);
}

/** Files (never directories) matching `pattern`, resolved against `cwd`. Unsorted. */
export async function globFiles(pattern: string, cwd: string): Promise<GlobMatch[]> {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) {
    const abs = resolve(cwd, pattern);
    const stats = await statOrNull(abs);
    return stats && !stats.isDirectory() ? [{ path: pattern, abs, stats }] : [];
  }
  const base = scan.base;
  const absBase = resolve(cwd, base === "" ? "." : base);
  const isMatch = picomatch(scan.glob, MATCH_OPTIONS);
  const maxDepth = maxWalkDepth(scan.glob);
  const out: GlobMatch[] = [];
  await walk(absBase, "", 1, maxDepth, isMatch, (rel, absPath, stats) => {
    out.push({ path: base === "" ? rel : join(base, rel), abs: absPath, stats });
  });
  return out;
}

/** How many directory levels below the base a glob can reach (Infinity with `**`). */
function maxWalkDepth(glob: string): number {
  if (glob.includes("**")) return Number.POSITIVE_INFINITY;
  // A slash inside braces ({a/b,c}) makes the depth vary; walk without a bound then.
  if (/\{[^}]*\/[^}]*\}/.test(glob)) return Number.POSITIVE_INFINITY;
  return glob.split("/").length;
}

async function walk(
  absDir: string,
  relDir: string,
  depth: number,
  maxDepth: number,
  isMatch: (rel: string) => boolean,
  onFile: (rel: string, abs: string, stats: Stats) => void,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(absDir, { withFileTypes: true });
  } catch {
    return; // a missing or unreadable directory simply matches nothing
  }
  for (const entry of entries) {
    const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
    const absPath = join(absDir, entry.name);
    let isDir = entry.isDirectory();
    let stats: Stats | null = null;
    if (entry.isSymbolicLink()) {
      stats = await statOrNull(absPath);
      if (!stats) continue; // dangling link
      isDir = stats.isDirectory();
      // Symlinked directories are not descended under an unbounded `**`, which
      // could otherwise loop forever.
      if (isDir && maxDepth === Number.POSITIVE_INFINITY) continue;
    }
    if (isDir) {
      if (depth < maxDepth) await walk(absPath, rel, depth + 1, maxDepth, isMatch, onFile);
      continue;
    }
    if (!isMatch(rel)) continue;
    stats ??= await statOrNull(absPath);
    if (stats) onFile(rel, absPath, stats);
  }
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
