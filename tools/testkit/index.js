// Test helpers shared across workspaces. Plain JS with hand-written types so that no
// package needs to build anything to use them.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Where upstream conformance data lives: $INGOT_CONFORMANCE_DIR or ../shared/conformance. */
export function conformanceDir() {
  return process.env.INGOT_CONFORMANCE_DIR
    ? resolve(process.env.INGOT_CONFORMANCE_DIR)
    : resolve(repoRoot, "..", "shared", "conformance");
}

/**
 * Absolute path of a file or folder in the conformance data. Throws a clear error
 * (failing the test, never skipping it) when the data is absent.
 */
export function conformancePath(...parts) {
  const dir = conformanceDir();
  const p = join(dir, ...parts);
  if (!existsSync(p)) {
    throw new Error(
      `conformance data missing: ${p} does not exist. Put the upstream conformance folder at ` +
        `../shared/conformance beside the checkout, or set INGOT_CONFORMANCE_DIR to its path.`,
    );
  }
  return p;
}

/** Parses a txtar archive (golang.org/x/tools/txtar): a comment, then `-- name --` sections. */
export function parseTxtar(text) {
  const files = [];
  const re = /^-- (.+?) --[ \t]*$/gm;
  let m = re.exec(text);
  const comment = m ? text.slice(0, m.index) : text;
  while (m) {
    const name = m[1].trim();
    const start = m.index + m[0].length + 1;
    const next = re.exec(text);
    const end = next ? next.index : text.length;
    files.push({ name, data: start <= end ? text.slice(start, end) : "" });
    m = next;
  }
  return { comment, files };
}

export function readTxtar(path) {
  return parseTxtar(readFileSync(path, "utf8"));
}
