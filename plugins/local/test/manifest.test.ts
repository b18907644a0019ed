import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { compileComponentSchemas, type PluginManifest, secret, validateManifest } from "@ingot/sdk";
import { plugin } from "../src/index.js";

// dist/test/manifest.test.js -> package root
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const manifest = JSON.parse(readFileSync(join(packageRoot, "ingot-plugin.json"), "utf8")) as PluginManifest;
const packageJson = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8"));

describe("ingot-plugin.json", () => {
  it("is valid against the sdk's manifest schema", () => {
    const result = validateManifest(manifest);
    assert.ok(result.ok, result.ok ? "" : result.reason);
  });

  it("declares the entry module the package builds, and ships with the package", () => {
    assert.equal(manifest.pluginApi, "^1.0.0");
    assert.ok(existsSync(join(packageRoot, manifest.entry)), `${manifest.entry} exists`);
    assert.ok(packageJson.files.includes("ingot-plugin.json"));
    assert.ok(packageJson.dependencies["@ingot/sdk"]);
  });

  it("declares exactly the components the entry module provides, all generally available", () => {
    assert.deepEqual(manifest.components.map((c) => c.name).sort(), Object.keys(plugin.components).sort());
    for (const c of manifest.components) assert.equal(c.stability, "generally-available");
  });

  it("compiles every schema, and exports encode as the sdk expects", () => {
    const schemas = new Map(manifest.components.map((c) => [c.name, compileComponentSchemas(c)]));
    const file = schemas.get("local.file")!;
    assert.equal(String(file.encodeExports({ content: "plain" }).get("content")), "plain");
    // A secret export becomes an Alloy secret value, which prints as (secret).
    const secretContent = file.encodeExports({ content: secret("hidden") }).get("content");
    assert.equal(typeof secretContent, "object");
    assert.equal(String(secretContent), "(secret)");
    assert.throws(() => file.encodeExports({}), /content/);

    const match = schemas.get("local.file_match")!;
    const targets = match.encodeExports({ targets: [{ __path__: "/a.log", job: "x" }] }).get("targets");
    assert.ok(Array.isArray(targets) && targets.length === 1);
    assert.throws(() => match.encodeExports({ targets: [{ __path__: 1 }] }));
  });
});
