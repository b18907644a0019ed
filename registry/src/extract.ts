// Writes a tarball that readTarball accepted into a new directory. Paths were already
// checked (no absolute paths, no "..", links inside the package, nothing below a
// symlink); the directory must not exist, and files are created exclusively, so
// nothing already on disk is followed or overwritten.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Tarball } from "./tarball.js";

export function extractTarball(tarball: Tarball, dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir); // fails when it exists
  for (const e of tarball.entries) {
    const target = join(dir, ...e.path.split("/"));
    switch (e.type) {
      case "directory":
        mkdirSync(target, { recursive: true, mode: 0o755 });
        break;
      case "file":
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, e.data as Buffer, { flag: "wx", mode: e.mode & 0o111 ? 0o755 : 0o644 });
        break;
      case "hardlink":
        // A copy: the content is the same, and no link can reach outside later.
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, tarball.files.get(e.path) as Buffer, { flag: "wx", mode: 0o644 });
        break;
      case "symlink":
        mkdirSync(dirname(target), { recursive: true });
        symlinkSync(e.linkTarget as string, target);
        break;
    }
  }
}
