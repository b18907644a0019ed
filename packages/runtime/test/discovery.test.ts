import assert from "node:assert/strict";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { candidatePackages, discoverPlugins, refusedMessage } from "../src/discovery.js";
import { newRuntime, src, tempDir, testEntry, testManifest, writePlugin } from "./helpers.js";

const minimalComponent = (name: string) => ({
  name,
  stability: "generally-available",
  arguments: { type: "object", properties: {}, additionalProperties: false },
  exports: { type: "object", properties: {}, additionalProperties: false },
});

describe("discovery", () => {
  it("finds a plugin directory itself, its subdirectories, and scoped packages in node_modules", () => {
    const root = tempDir();
    const direct = writePlugin(root, "direct", { manifest: testManifest("d") });
    const holder = join(root, "holder");
    writePlugin(holder, "b-plugin", {
      manifest: { pluginApi: "^1.0.0", entry: "./index.js", components: [minimalComponent("b.one")] },
    });
    writePlugin(holder, "a-plugin", {
      manifest: { pluginApi: "^1.0.0", entry: "./index.js", components: [minimalComponent("a.one")] },
    });
    mkdirSync(join(holder, "not-a-plugin"));
    const project = join(root, "project");
    writePlugin(join(project, "node_modules", "@scope"), "scoped", {
      manifest: { pluginApi: "^1.0.0", entry: "./index.js", components: [minimalComponent("s.one")] },
    });
    // A workspace-style symlink to the same package is found once.
    symlinkSync(direct, join(project, "node_modules", "linked"));
    const found = candidatePackages({ pluginPaths: [direct, holder], searchRoots: [project] });
    assert.deepEqual(
      found.map((p) => p.slice(root.length)),
      ["/direct", "/holder/a-plugin", "/holder/b-plugin", "/project/node_modules/@scope/scoped"],
    );
  });

  it("reads name and version and registers every component with compiled schemas", () => {
    const root = tempDir();
    writePlugin(root, "good", {
      packageJson: { name: "@acme/good", version: "2.0.1" },
      manifest: testManifest("good"),
      entry: testEntry("good"),
    });
    const reg = discoverPlugins({ pluginPaths: [root], searchRoots: [] });
    assert.equal(reg.plugins.length, 1);
    const p = reg.plugins[0]!;
    assert.equal(p.status, "ok");
    assert.equal(p.name, "@acme/good");
    assert.equal(p.version, "2.0.1");
    assert.deepEqual([...reg.components.keys()], ["good.value", "good.secret", "good.experimental", "good.slow"]);
    assert.equal(typeof reg.components.get("good.value")?.schemas.decodeArguments, "function");
  });

  it("refuses broken plugins, each with one message, and keeps the others", () => {
    const root = tempDir();
    const ok = { pluginApi: "^1.0.0", entry: "./index.js" };
    writePlugin(root, "a-broken-json", { manifest: "{ not json" });
    writePlugin(root, "b-bad-schema", { manifest: { entry: "./index.js", components: [] } });
    writePlugin(root, "c-bad-args", {
      manifest: {
        ...ok,
        components: [
          { ...minimalComponent("c.bad"), arguments: { type: "object", properties: { x: { $ref: "#/nope" } } } },
        ],
      },
    });
    writePlugin(root, "d-api-range", {
      manifest: { ...ok, pluginApi: "^2.0.0", components: [minimalComponent("d.one")] },
    });
    writePlugin(root, "e-invalid-range", {
      manifest: { ...ok, pluginApi: "^^1", components: [minimalComponent("e.one")] },
    });
    writePlugin(root, "f-first", { manifest: { ...ok, components: [minimalComponent("dup.name")] } });
    writePlugin(root, "g-second", {
      manifest: { ...ok, components: [minimalComponent("g.own"), minimalComponent("dup.name")] },
    });
    writePlugin(root, "h-no-package-json", {
      packageJson: null,
      manifest: { ...ok, components: [minimalComponent("h.one")] },
    });
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (m: string) => warnings.push(m),
      error() {},
      child() {
        return logger;
      },
    };
    const reg = discoverPlugins({ pluginPaths: [root], searchRoots: [], logger });
    const byName = new Map(reg.plugins.map((p) => [p.name, p]));
    const reason = (n: string) => byName.get(n)?.reason ?? "";
    assert.match(reason("a-broken-json"), /^ingot-plugin\.json is not valid JSON: /);
    assert.match(reason("b-bad-schema"), /^invalid ingot-plugin\.json: .*pluginApi/);
    assert.match(reason("c-bad-args"), /^component "c\.bad": .*arguments schema/);
    assert.equal(reason("d-api-range"), "needs plugin API ^2.0.0, but this runtime provides 1.0.0");
    assert.equal(reason("e-invalid-range"), 'pluginApi "^^1" is not a valid semver range');
    assert.equal(byName.get("f-first")?.status, "ok");
    assert.equal(
      reason("g-second"),
      `component "dup.name" is already provided by plugin f-first@1.0.0 (${join(root, "f-first")})`,
    );
    assert.match(reason("h-no-package-json"), /^cannot read package\.json/);
    assert.equal(reg.plugins.filter((p) => p.status === "refused").length, 7);
    // One log line per refused plugin, in the documented form.
    assert.equal(warnings.length, 7);
    const g = byName.get("g-second")!;
    assert.ok(warnings.includes(refusedMessage(g)));
    assert.match(refusedMessage(g), /^plugin g-second@1\.0\.0 \(.*g-second\) refused: component "dup\.name"/);
    // The good plugin's component is registered; the refused ones' names are remembered.
    assert.equal(reg.components.get("dup.name")?.plugin.name, "f-first");
    assert.equal(reg.refusedNames.get("g.own")?.name, "g-second");
    assert.equal(reg.refusedNames.has("dup.name"), false);
  });

  it("lists plugins through the runtime, refused ones with reasons, lazily loaded", async () => {
    const root = tempDir();
    writePlugin(root, "good", { manifest: testManifest("lz"), entry: testEntry("lz") });
    writePlugin(root, "old", { manifest: { ...(testManifest("old") as object), pluginApi: "^0.1.0" } });
    const { runtime, lines } = await newRuntime([root]);
    const plugins = runtime.plugins();
    assert.deepEqual(
      plugins.map((p) => [p.name, p.status, p.loaded]),
      [
        ["good", "ok", false],
        ["old", "refused", false],
      ],
    );
    assert.equal(plugins[0]?.components.length, 4);
    assert.ok(lines.some((l) => l.includes("plugin old@1.0.0") && l.includes("refused: needs plugin API ^0.1.0")));
    const r = await runtime.load([src('lz.value "a" { value = "x" }')]);
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    assert.equal(runtime.plugins()[0]?.loaded, true);
    await runtime.shutdown(2000);
  });
});
