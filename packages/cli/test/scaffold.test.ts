// `ingot plugins new`: scaffold a plugin into a temporary directory, give it what
// `npm install` would (@ingot/sdk and @types/node linked from this repository), build
// it with its own scripts (tsc, then build.js with @ingot/sdk/build), run its own
// tests with node --test, check it packs for publishing, and run a config using its
// sample component through the real `ingot` command, reading the exports over HTTP.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "@ingot/testkit";
import { namespaceFor } from "../src/scaffold.js";
import { ensureBundle } from "./bundle.js";
import { componentDetail, exportValue, linkSdk, runConfig } from "./helpers.js";
import { bin, type RunningIngot } from "./ingot-process.js";

const root = mkdtempSync(join(tmpdir(), "ingot-scaffold-"));
const pluginsDir = join(root, "plugins");
const pkgDir = join(pluginsDir, "counter");
const NAME = "@acme/ingot-plugin-tally";
let ingot: RunningIngot | undefined;

function run(file: string, args: string[], cwd = root) {
  // Without NODE_TEST_CONTEXT: a nested `node --test` would otherwise report to this runner.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return spawnSync(file, args, { cwd, encoding: "utf8", env: { ...env, NO_COLOR: "1" } });
}

before(() => ensureBundle());

after(async () => {
  ingot?.proc.kill("SIGTERM");
  await ingot?.exited;
  rmSync(root, { recursive: true, force: true });
});

test("tools/create-plugin wraps `ingot plugins new`", () => {
  const dir = join(root, "via-tool");
  const r = run(process.execPath, [
    join(repoRoot, "tools", "create-plugin", "index.js"),
    "ingot-plugin-web-x",
    "--dir",
    dir,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /component: web_x\.counter/);
  assert.match(readFileSync(join(dir, "ingot-plugin.json"), "utf8"), /"name": "web_x\.counter"/);
});

test("component namespaces come from the package name", () => {
  assert.equal(namespaceFor("@acme/ingot-plugin-tally"), "tally");
  assert.equal(namespaceFor("ingot-plugin-web-x.y"), "web_x_y");
  assert.equal(namespaceFor("9lives"), "_9lives");
  assert.equal(namespaceFor("ingot-plugin-"), "plugin");
});

test("plugins new: scaffold, build, its own tests, publish --dry-run, ingot run", async () => {
  const made = run(process.execPath, [bin, "plugins", "new", NAME, "--dir", pkgDir]);
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /^created @acme\/ingot-plugin-tally in \S+\n {2}component: tally\.counter\n/);
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(pkg.name, NAME);
  assert.equal(pkg.type, "module");
  assert.deepEqual(Object.keys(pkg.dependencies), ["@ingot/sdk"]);
  assert.ok(pkg.devDependencies.esbuild);
  assert.equal(pkg.scripts.build, "tsc -p tsconfig.json && node build.js");
  assert.ok(existsSync(join(pkgDir, "test", "tally.test.ts")));

  // A second scaffold into the same (non-empty) directory is refused; bad names too.
  const again = run(process.execPath, [bin, "plugins", "new", NAME, "--dir", pkgDir]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^Error: \S+ already exists and is not empty\n$/);
  assert.match(run(process.execPath, [bin, "plugins", "new", "Bad Name"]).stderr, /invalid package name/);

  // What `npm install` would give the author.
  linkSdk(pkgDir, { typesNode: true });

  // Its build script, step by step as `npm run build` runs it.
  const [tsc, tscArgs, node, buildJs] = pkg.scripts.build.split(/\s+&&\s+/).flatMap((s: string) => {
    const [tool, ...rest] = s.split(/\s+/);
    return [tool, rest];
  });
  assert.equal(tsc, "tsc");
  assert.equal(node, "node");
  execFileSync(join(repoRoot, "node_modules", ".bin", "tsc"), tscArgs, { cwd: pkgDir, stdio: "pipe" });
  execFileSync(process.execPath, buildJs, { cwd: pkgDir, stdio: "pipe" });
  assert.ok(existsSync(join(pkgDir, "dist", "plugin.js")));

  // Its own tests, as `npm test` runs them.
  const [testTool, ...testArgs] = pkg.scripts.test.split(/\s+/);
  assert.equal(testTool, "node");
  const tested = run(process.execPath, testArgs, pkgDir);
  assert.equal(tested.status, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /# pass 2\n# fail 0\n/);

  // It packs and passes the checks `ingot publish` runs.
  const dry = run(process.execPath, [bin, "publish", "--dry-run", pkgDir]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^@acme\/ingot-plugin-tally@0\.1\.0 \(plugin, \d+ bytes, not published\)\n/);

  // And it runs in a config.
  const config = join(root, "config.alloy");
  writeFileSync(config, 'tally.counter "answer" {\n  start    = 41\n  step     = 1\n  interval = "1h"\n}\n');
  ingot = await runConfig(config, { cwd: root, storagePath: join(root, "data"), pluginsDir });
  const detail = await componentDetail(ingot, "tally.counter.answer");
  assert.equal(detail.health.state, "healthy");
  assert.deepEqual(detail.plugin, { name: NAME, version: "0.1.0" });
  assert.equal(exportValue(detail, "value"), 41);
});
