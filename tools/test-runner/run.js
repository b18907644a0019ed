#!/usr/bin/env node
// Runs the compiled tests (dist/test/**/*.test.js) of every workspace, or of the
// workspaces named on the command line, in a single `node --test` process so the
// closing summary counts every test.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const groups = ["packages", "plugins", "tools", "registry"];

function workspaces() {
  const out = [];
  for (const g of groups) {
    const dir = join(root, g);
    if (!existsSync(dir)) continue;
    if (existsSync(join(dir, "package.json"))) out.push(dir);
    else for (const name of readdirSync(dir)) out.push(join(dir, name));
  }
  return out.filter((d) => existsSync(join(d, "package.json")));
}

function collect(dir, acc) {
  if (!existsSync(dir)) return acc;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, acc);
    else if (name.endsWith(".test.js")) acc.push(p);
  }
  return acc;
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const only = args.filter((a) => !a.startsWith("--")).map((a) => resolve(root, a));
const dirs = only.length ? only : workspaces();
const files = dirs.flatMap((d) => collect(join(d, "dist", "test"), [])).sort();
if (files.length === 0) {
  console.error("test-runner: no compiled tests found; run `npm run build` first");
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=2", ...flags, ...files.map((f) => relative(process.cwd(), f))],
  { stdio: "inherit" },
);
process.exit(res.status ?? 1);
