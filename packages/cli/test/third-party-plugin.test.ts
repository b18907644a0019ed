// A third party's plugin, written from docs/plugin-authoring.md alone: the test takes
// the package.json, ingot-plugin.json and entry module shown on that page, installs
// @ingot/sdk into the new package's node_modules, builds it with the page's esbuild
// command, and runs a config using it through the real `ingot` command. If the page
// and the code drift apart, this fails.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "@ingot/testkit";
import { ensureBundle } from "./bundle.js";
import { componentDetail, exportValue, linkSdk, runConfig } from "./helpers.js";
import { bin, type RunningIngot } from "./ingot-process.js";

const doc = readFileSync(join(repoRoot, "docs", "plugin-authoring.md"), "utf8");

/** The first fenced block of the given language after the marker text. */
function blockAfter(marker: string, lang: string): string {
  const at = doc.indexOf(marker);
  assert.ok(at >= 0, `docs/plugin-authoring.md no longer contains ${JSON.stringify(marker)}`);
  const open = doc.indexOf(`\`\`\`${lang}\n`, at);
  assert.ok(open >= 0, `no ${lang} block after ${JSON.stringify(marker)}`);
  const start = open + lang.length + 4;
  return doc.slice(start, doc.indexOf("\n```", start) + 1);
}

const root = mkdtempSync(join(tmpdir(), "ingot-third-party-"));
const pluginsDir = join(root, "plugins");
const pkgDir = join(pluginsDir, "ingot-plugin-demo");
let ingot: RunningIngot | undefined;

before(() => {
  ensureBundle();
  mkdirSync(join(pkgDir, "src"), { recursive: true });
  writeFileSync(join(pkgDir, "package.json"), blockAfter("`package.json`:", "json"));
  writeFileSync(join(pkgDir, "ingot-plugin.json"), blockAfter("`ingot-plugin.json`:", "json"));
  writeFileSync(join(pkgDir, "src", "index.ts"), blockAfter("## The entry module", "ts"));
  // What `npm install` would give the author: the sdk and its dependencies.
  linkSdk(pkgDir);
  // The page's build script, run as `npm run build` would run it.
  const script = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).scripts.build as string;
  const [tool, ...args] = script.split(/\s+/);
  assert.equal(tool, "esbuild");
  execFileSync(join(repoRoot, "node_modules", ".bin", "esbuild"), args, { cwd: pkgDir, stdio: "pipe" });
});

after(async () => {
  ingot?.proc.kill("SIGTERM");
  await ingot?.exited;
});

test("plugin-authoring.md: the documented plugin is discovered by `ingot plugins list`", () => {
  const out = execFileSync(
    process.execPath,
    [bin, "plugins", "list", "--format", "json", "--plugins.path", pluginsDir],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  const plugins = JSON.parse(out) as {
    name: string;
    status: string;
    reason?: string;
    components: { name: string }[];
  }[];
  const demo = plugins.find((p) => p.name === "ingot-plugin-demo");
  assert.ok(demo, `ingot-plugin-demo not listed: ${out}`);
  assert.equal(demo.status, "ok", demo.reason);
  assert.deepEqual(
    demo.components.map((c) => c.name),
    ["demo.echo"],
  );
});

test("plugin-authoring.md: the documented plugin runs in a config and exports its value", async () => {
  const config = join(root, "config.alloy");
  writeFileSync(config, 'demo.echo "greeting" {\n  text     = "hello"\n  interval = "50ms"\n}\n');
  ingot = await runConfig(config, { cwd: root, storagePath: join(root, "data"), pluginsDir });
  const detail = await componentDetail(ingot, "demo.echo.greeting");
  assert.equal(detail.health.state, "healthy");
  assert.deepEqual(detail.plugin, { name: "ingot-plugin-demo", version: "1.0.0" });
  assert.equal(exportValue(detail, "upper"), "HELLO");
});
