// The registry commands' flags and usage errors, in process (no registry needed).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseSize } from "../src/cmd-registry.js";
import { installedPluginDirs } from "../src/installed-plugins.js";
import { cliInProcess, pluginManifest } from "./helpers.js";

const cli = cliInProcess;

test("--max-artifact-size takes bytes or a unit", () => {
  assert.equal(parseSize("1024"), 1024);
  assert.equal(parseSize("50MiB"), 50 * 1024 * 1024);
  assert.equal(parseSize("2mb"), 2_000_000);
  assert.equal(parseSize("1.5KiB"), 1536);
  assert.throws(() => parseSize("lots"), /invalid argument "lots" for "--max-artifact-size" flag/);
});

test("usage errors name what is missing", async () => {
  const saved = process.env.INGOT_REGISTRY;
  delete process.env.INGOT_REGISTRY;
  try {
    assert.deepEqual(await cli(["plugins", "install", "x"]), {
      code: 1,
      stdout: "",
      stderr:
        "Error: no registry: pass --registry URL or set INGOT_REGISTRY (an Ingot registry), or pass --npm or --npm-registry URL (the npm registry protocol)\n",
    });
  } finally {
    if (saved !== undefined) process.env.INGOT_REGISTRY = saved;
  }
  assert.match((await cli(["plugins", "install"])).stderr, /"ingot plugins install" accepts 1 arg\(s\), received 0/);
  assert.match(
    (await cli(["plugins", "install", "Bad Name", "--registry", "http://x"])).stderr,
    /invalid package name/,
  );
  assert.match((await cli(["plugins", "frob"])).stderr, /unknown command "frob" for "ingot plugins"/);
  assert.match((await cli(["registry"])).stderr, /missing subcommand for "ingot registry": want "serve"/);
  assert.match((await cli(["registry", "serve", "--listen-addr", "nope"])).stderr, /missing port in address/);
  assert.match((await cli(["publish"])).stderr, /accepts 1 arg\(s\), received 0/);
});

test("publish --dry-run checks and packs without a registry, deterministically", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ingot-dry-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "ingot-plugin-dry", version: "0.0.1" }));
  writeFileSync(join(dir, "index.js"), "export default { components: {} };\n");
  writeFileSync(join(dir, "ingot-plugin.json"), pluginManifest("dry.run"));
  const a = await cli(["publish", "--dry-run", dir]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^ingot-plugin-dry@0\.0\.1 \(plugin, \d+ bytes, not published\)\nintegrity sha512-\S+\n$/);
  assert.equal((await cli(["publish", "--dry-run", dir])).stdout, a.stdout);
  writeFileSync(join(dir, "ingot-plugin.json"), "{}");
  const bad = await cli(["publish", "--dry-run", dir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: plugin ingot-plugin-dry@0\.0\.1 \(\S+\) refused: invalid ingot-plugin\.json: /);
});

test("installed plugins: plain packages, scoped packages and pack members, in name order", () => {
  const dir = mkdtempSync(join(tmpdir(), "ingot-installed-"));
  const mk = (p: string, file: string, body = "{}") => {
    mkdirSync(join(dir, p), { recursive: true });
    writeFileSync(join(dir, p, file), body);
  };
  mk("b-plugin", "ingot-plugin.json");
  mk("@acme/scoped", "ingot-plugin.json");
  mk("a-pack", "ingot-pack.json", JSON.stringify({ plugins: ["one", "two"] }));
  mk("not-a-plugin", "package.json");
  mk(".staging-x", "ingot-plugin.json");
  assert.deepEqual(installedPluginDirs(dir), [
    join(dir, "@acme", "scoped"),
    join(dir, "a-pack", "one"),
    join(dir, "a-pack", "two"),
    join(dir, "b-plugin"),
  ]);
});
