// Packs a directory into an npm-style tarball (entries under "package/"),
// deterministically: the same files give the same bytes, so the same integrity.
// Entries are sorted, every mtime is fixed, owner names and ids are left out, and
// modes lose group/other write bits (node-tar's portable mode).
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { create } from "tar";

/** The mtime every entry gets (npm uses the same date for reproducible packs). */
export const PACK_MTIME = new Date("1985-10-26T08:15:00.000Z");

/** Files always packed when present, whatever package.json's "files" says. */
const ALWAYS = ["package.json", "ingot-plugin.json", "ingot-pack.json", "ingot-module.json"];
const ALWAYS_PREFIXES = ["readme", "license", "licence", "changelog"];

function ignored(name: string): boolean {
  return name.startsWith(".") || name === "node_modules" || name.endsWith(".tgz");
}

function walk(root: string, dir: string, out: Set<string>): void {
  const st = lstatSync(dir);
  if (!st.isDirectory()) {
    out.add(relative(root, dir).split(sep).join("/"));
    return;
  }
  for (const name of readdirSync(dir)) {
    if (ignored(name)) continue;
    walk(root, join(dir, name), out);
  }
}

/**
 * The package paths to pack, sorted: package.json's "files" (plain paths of files or
 * directories) when present, else everything but dotfiles, node_modules and .tgz
 * files; manifests, README, LICENSE and CHANGELOG always.
 */
export function packFileList(dir: string): string[] {
  const out = new Set<string>();
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files?: unknown }).files;
  } catch {
    files = undefined;
  }
  if (Array.isArray(files)) {
    for (const f of files) {
      if (typeof f !== "string") continue;
      try {
        walk(dir, join(dir, f), out);
      } catch {
        // A listed path that does not exist is skipped, as npm does.
      }
    }
    for (const name of readdirSync(dir)) {
      const lower = name.toLowerCase();
      if (ALWAYS.includes(name) || ALWAYS_PREFIXES.some((p) => lower.startsWith(p))) walk(dir, join(dir, name), out);
    }
  } else {
    walk(dir, dir, out);
  }
  return [...out].filter((p) => p !== "").sort();
}

/** Packs the directory; resolves with the gzipped tarball. */
export async function packDirectory(dir: string): Promise<Buffer> {
  const list = packFileList(dir);
  const chunks: Buffer[] = [];
  const stream = create(
    {
      cwd: dir,
      gzip: { level: 9 },
      portable: true,
      mtime: PACK_MTIME,
      prefix: "package",
      noDirRecurse: true,
    },
    list,
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
