#!/usr/bin/env node
// Creates an Ingot plugin package: a thin wrapper of `ingot plugins new NAME [--dir DIR]`
// (see docs/plugin-authoring.md, "Scaffolding"). Usage:
//   node tools/create-plugin/index.js @acme/ingot-plugin-tally --dir ingot-plugin-tally
// Not a workspace (no package.json): it needs nothing installed beyond the built CLI.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../packages/cli/bin/ingot.js", import.meta.url));
const res = spawnSync(process.execPath, [bin, "plugins", "new", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(res.status ?? 1);
