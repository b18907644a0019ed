// Rebuilds the CLI bundle when it is older than the compiled JS it is made from
// (`tsc -b` alone does not re-bundle).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@ingot/testkit";

const cliDir = join(repoRoot, "packages", "cli");
const bundle = join(cliDir, "dist", "ingot.cjs");
const inputs = [
  "packages/cli",
  "packages/syntax",
  "packages/sdk",
  "packages/runtime",
  "packages/server",
  "registry",
].map((p) => join(repoRoot, p, "dist", "src"));

function newestInput(): number {
  let newest = 0;
  for (const dir of inputs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      if (name.endsWith(".js")) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
    }
  }
  return newest;
}

let checked = false;

export function ensureBundle(): void {
  if (checked) return;
  let stale = true;
  try {
    stale = statSync(bundle).mtimeMs < newestInput();
  } catch {}
  if (stale) {
    const r = spawnSync(process.execPath, ["build.js"], { cwd: cliDir, encoding: "utf8" });
    assert.equal(r.status, 0, `bundling the CLI failed: ${r.stderr}`);
  }
  checked = true;
}
