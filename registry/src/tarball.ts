// Reads a gzipped tarball into memory and refuses anything unsafe to unpack: not
// gzip or not tar, entries with absolute paths or ".." segments, links whose target
// leaves the package, device files, too many or too large contents. Every refusal is
// a TarballError whose message is the reason clients see (400 from the registry,
// `Error: ...` from the CLI). The reader never touches the disk.
import { gunzipSync } from "node:zlib";
import { Parser, type ReadEntry } from "tar";

export class TarballError extends Error {
  override name = "TarballError";
}

export interface TarballLimits {
  /** Largest compressed artifact, in bytes. */
  maxArtifactSize: number;
  /** Largest total of unpacked contents, in bytes (guards against gzip bombs). */
  maxUnpackedSize?: number;
  /** Most entries. */
  maxEntries?: number;
}

export const DEFAULT_MAX_ARTIFACT_SIZE = 50 * 1024 * 1024;

export interface TarballEntry {
  /** Path inside the package, with the top-level directory (npm's `package/`) removed. */
  path: string;
  type: "file" | "directory" | "symlink" | "hardlink";
  /** File contents (files only). */
  data?: Buffer;
  /** Link target as stored (links only): relative to the link's directory for symlinks, to the package root for hard links. */
  linkTarget?: string;
  /** Permission bits (files and directories). */
  mode: number;
}

export interface Tarball {
  /** The top-level directory every entry was under (npm packs use "package"). */
  root: string;
  entries: TarballEntry[];
  /** Files by package path. */
  files: Map<string, Buffer>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Splits a tar path into segments, refusing absolute paths and ".." segments. */
function segments(raw: string, what: string): string[] {
  const path = raw.replace(/\\/g, "/");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    throw new TarballError(`${what} ${JSON.stringify(raw)} is an absolute path`);
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new TarballError(`${what} ${JSON.stringify(raw)} contains ".." (path traversal)`);
  return parts;
}

/** Resolves a link target against a directory inside the package; undefined when it leaves the package. */
function insidePackage(dir: string[], target: string): string | undefined {
  if (target.startsWith("/") || /^[A-Za-z]:/.test(target)) return undefined;
  const out = [...dir];
  for (const part of target.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join("/");
}

/** Parses and checks the tarball; throws TarballError with the reason when it is refused. */
export async function readTarball(bytes: Uint8Array, limits: TarballLimits): Promise<Tarball> {
  const maxArtifact = limits.maxArtifactSize;
  const maxUnpacked = limits.maxUnpackedSize ?? maxArtifact * 10;
  const maxEntries = limits.maxEntries ?? 10_000;
  if (bytes.length > maxArtifact) {
    throw new TarballError(`artifact is ${bytes.length} bytes, larger than the limit of ${maxArtifact} bytes`);
  }
  if (bytes.length < 2 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) {
    throw new TarballError("artifact is not a gzip-compressed tarball (.tgz)");
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: maxUnpacked + 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE" || /Cannot create a Buffer larger/.test(err.message)) {
      throw new TarballError(`unpacked contents are larger than the limit of ${maxUnpacked} bytes`);
    }
    throw new TarballError(`artifact is not valid gzip: ${err.message}`);
  }
  if (tar.length < 512) throw new TarballError("artifact is not a tar archive (too short)");

  const raw: { entry: ReadEntry; parts: string[]; data: Buffer[] }[] = [];
  let failure: Error | undefined;
  let unpacked = 0;
  await new Promise<void>((resolve) => {
    const parser = new Parser({
      strict: true,
      onwarn: (_code, message) => {
        failure ??= new TarballError(`artifact is not a valid tar archive: ${message}`);
      },
      onReadEntry: (entry: ReadEntry) => {
        const item = { entry, parts: [] as string[], data: [] as Buffer[] };
        try {
          item.parts = segments(entry.path, "entry");
          if (raw.length >= maxEntries) throw new TarballError(`artifact has more than ${maxEntries} entries`);
          unpacked += entry.size;
          if (unpacked > maxUnpacked)
            throw new TarballError(`unpacked contents are larger than the limit of ${maxUnpacked} bytes`);
        } catch (e) {
          failure ??= e as Error;
        }
        raw.push(item);
        entry.on("data", (chunk: Buffer) => item.data.push(chunk));
      },
    });
    parser.on("error", (e: Error) => {
      failure ??= new TarballError(`artifact is not a valid tar archive: ${e.message}`);
    });
    parser.on("close", () => resolve());
    parser.on("end", () => resolve());
    parser.end(tar);
  });
  if (failure) throw failure;
  if (raw.length === 0) throw new TarballError("artifact is an empty tar archive");

  // Every entry sits under one top-level directory, as in npm packs ("package/").
  const root = raw[0]?.parts[0] as string;
  const entries: TarballEntry[] = [];
  const files = new Map<string, Buffer>();
  const seenPaths = new Set<string>();
  for (const { entry, parts, data } of raw) {
    if (parts[0] !== root || parts.length === 0) {
      throw new TarballError(`entry ${JSON.stringify(entry.path)} is outside the top-level directory "${root}/"`);
    }
    const inner = parts.slice(1);
    const path = inner.join("/");
    const mode = (entry.mode ?? 0o644) & 0o777;
    switch (entry.type) {
      case "Directory":
        if (path !== "") entries.push({ path, type: "directory", mode });
        continue;
      case "File":
      case "OldFile":
      case "ContiguousFile": {
        if (path === "")
          throw new TarballError(`entry ${JSON.stringify(entry.path)} is a file in place of the top-level directory`);
        if (seenPaths.has(path)) throw new TarballError(`entry ${JSON.stringify(entry.path)} appears twice`);
        seenPaths.add(path);
        const buf = Buffer.concat(data);
        entries.push({ path, type: "file", data: buf, mode });
        files.set(path, buf);
        continue;
      }
      case "SymbolicLink": {
        const target = entry.linkpath ?? "";
        if (insidePackage(inner.slice(0, -1), target) === undefined) {
          throw new TarballError(
            `symlink ${JSON.stringify(entry.path)} -> ${JSON.stringify(target)} points outside the package`,
          );
        }
        seenPaths.add(path);
        entries.push({ path, type: "symlink", linkTarget: target, mode });
        continue;
      }
      case "Link": {
        // Hard link targets are archive paths (under the top-level directory).
        const target = entry.linkpath ?? "";
        let targetParts: string[];
        try {
          targetParts = segments(target, "hard link target");
        } catch {
          throw new TarballError(
            `hard link ${JSON.stringify(entry.path)} -> ${JSON.stringify(target)} points outside the package`,
          );
        }
        if (targetParts[0] !== root || !files.has(targetParts.slice(1).join("/"))) {
          throw new TarballError(
            `hard link ${JSON.stringify(entry.path)} -> ${JSON.stringify(target)} points outside the package`,
          );
        }
        const targetPath = targetParts.slice(1).join("/");
        seenPaths.add(path);
        entries.push({ path, type: "hardlink", linkTarget: targetPath, mode });
        files.set(path, files.get(targetPath) as Buffer);
        continue;
      }
      default:
        throw new TarballError(`entry ${JSON.stringify(entry.path)} has unsupported type ${entry.type}`);
    }
  }
  // A link's target was resolved along the archive's own paths, which holds only if no
  // entry sits below a symlink (a link reached through a symlinked directory could climb
  // out from wherever that directory points).
  const symlinks = new Set(entries.filter((e) => e.type === "symlink").map((e) => e.path));
  if (symlinks.size > 0) {
    for (const e of entries) {
      const parts = e.path.split("/");
      for (let i = 1; i < parts.length; i++) {
        const prefix = parts.slice(0, i).join("/");
        if (symlinks.has(prefix)) {
          throw new TarballError(
            `entry ${JSON.stringify(`${root}/${e.path}`)} lies below the symlink ${JSON.stringify(`${root}/${prefix}`)}`,
          );
        }
      }
    }
  }
  return { root, entries, files };
}
