import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type Diagnostic, diagnosticString } from "@ingot/syntax";
import {
  eventsFor,
  hook,
  newRuntime,
  src,
  standardPlugin,
  tempDir,
  testEntry,
  testManifest,
  writePlugin,
} from "./helpers.js";

const messages = (ds: Diagnostic[]) => ds.map(diagnosticString);

describe("controller: configuration errors", () => {
  it("reports unknown components, duplicates, unknown references and cycles with positions", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    const r = await runtime.load([
      src(
        [
          `nope.thing "x" {}`,
          `${p}.value "a" { value = "1" }`,
          `${p}.value "a" { value = "2" }`,
          `${p}.value "b" { value = ${p}.value.missing.value }`,
          `${p}.value "c" { value = ${p}.value.d.value }`,
          `${p}.value "d" { value = ${p}.value.c.value }`,
          `${p}.value "e" { value = ${p}.value.e.value }`,
          `${p}.value {}`,
        ].join("\n"),
      ),
    ]);
    assert.equal(r.ok, false);
    const len = p.length;
    assert.deepEqual(messages(r.diagnostics), [
      `config.alloy:1:1: cannot find the definition of component name "nope.thing"`,
      `config.alloy:3:1: block ${p}.value.a already declared at config.alloy:2:1`,
      `config.alloy:8:1: component "${p}.value" must have a label`,
      `config.alloy:4:${len + 22}: component "${p}.value.missing.value" does not exist or is out of scope`,
      `config.alloy:5:1: cycle: ${p}.value.c, ${p}.value.d`,
      "config.alloy:7:1: cannot reference self",
    ]);
    // Ranges: the unknown component spans its name; the reference ends at its last part's start.
    const unknown = r.diagnostics[0]!;
    assert.equal(unknown.end.column, "nope.thing".length);
    const ref = r.diagnostics[3]!;
    assert.equal(ref.end.line, 4);
    assert.equal(ref.end.column, len + 22 + `${p}.value.missing.`.length);
    // Nothing runs after a failed first load.
    assert.equal(runtime.ready, false);
    assert.deepEqual(runtime.components(), []);
  });

  it("reports argument validation errors at the offending attribute, and missing ones at the block", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    const r = await runtime.load([
      src(`${p}.value "a" {\n  value = [1]\n}\n${p}.value "b" {\n  valeu = "x"\n}\n${p}.value "c" {\n}\n`),
    ]);
    assert.equal(r.ok, false);
    const ms = messages(r.diagnostics);
    assert.ok(
      ms.some((m) => m.startsWith("config.alloy:2:11: ") && m.includes("should be string, got array")),
      ms.join("\n"),
    );
    assert.ok(
      ms.some((m) => m.startsWith("config.alloy:5:") && m.includes("valeu")),
      ms.join("\n"),
    );
    assert.ok(
      ms.some((m) => m.startsWith("config.alloy:7:1: ") && m.includes('"value"')),
      ms.join("\n"),
    );
    assert.equal(eventsFor(`${p}.value.a`).length, 0, "nothing was built");
  });

  it("refuses components below the stability level with Alloy's message", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    const r = await runtime.load([src(`${p}.experimental "x" {}`)]);
    assert.deepEqual(messages(r.diagnostics), [
      `config.alloy:1:1: component "${p}.experimental" is at stability level "experimental", which is below the minimum allowed stability level "generally-available". Use --stability.level command-line flag to enable "experimental" features`,
    ]);
    const lower = await newRuntime([dir], { stabilityLevel: "experimental" });
    const r2 = await lower.runtime.load([src(`${p}.experimental "x" {}`)]);
    assert.equal(r2.ok, true, messages(r2.diagnostics).join("\n"));
    await lower.runtime.shutdown(1000);
  });

  it("names the refused plugin when a config uses one of its components", async () => {
    const root = tempDir();
    writePlugin(root, "old-plugin", {
      packageJson: { name: "old-plugin", version: "0.9.0" },
      manifest: { ...(testManifest("oldp") as object), pluginApi: "^0.9.0" },
    });
    const { runtime } = await newRuntime([root]);
    const r = await runtime.load([src(`\n  oldp.value "x" { value = "1" }`)]);
    assert.equal(r.ok, false);
    assert.deepEqual(messages(r.diagnostics), [
      'config.alloy:2:3: component "oldp.value" is provided by plugin old-plugin@0.9.0, which was refused: needs plugin API ^0.9.0, but this runtime provides 1.0.0',
    ]);
  });

  it("reserves foreach and refuses unknown import kinds", async () => {
    const { dir } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    const r = await runtime.load([src(`foreach "x" {}\nimport.nope "y" { url = "z" }`)]);
    assert.equal(r.ok, false);
    assert.match(r.diagnostics[0]!.message, /"foreach" block is not supported yet/);
    assert.match(r.diagnostics[1]!.message, /"import\.nope" block is not supported: the imports are import\.file, /);
  });
});

describe("controller: running a graph", () => {
  it("builds in dependency order, passes exports through references and propagates changes down a chain", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime, storagePath } = await newRuntime([dir]);
    const cfg = `
${p}.value "c" { value = ${p}.value.b.value + "-c" }
${p}.value "b" { value = ${p}.value.a.value + "-b" }
${p}.value "a" { value = "x" }
`;
    const r = await runtime.load([src(cfg)]);
    assert.equal(r.ok, true, messages(r.diagnostics).join("\n"));
    assert.equal(runtime.ready, true);
    const a = `${p}.value.a`;
    const b = `${p}.value.b`;
    const c = `${p}.value.c`;
    assert.deepEqual(eventsFor(c, "build")[0]?.args, { value: "x-b-c" });
    // Data directory per component, created before build.
    assert.equal(eventsFor(a, "build")[0]?.dataPath, join(storagePath, a));
    assert.ok(existsSync(join(storagePath, a)));
    // References and health.
    const detail = runtime.component(b)!;
    assert.deepEqual(detail.references, [a]);
    assert.deepEqual(detail.referencedBy, [c]);
    assert.equal(detail.health.state, "healthy");
    assert.deepEqual(detail.plugin, { name: `plugin-${p}`, version: "1.2.3" });
    assert.deepEqual(detail.exports, [{ name: "value", type: "attr", value: { type: "string", value: "x-b" } }]);
    assert.deepEqual(detail.arguments, [{ name: "value", type: "attr", value: { type: "string", value: "x-b" } }]);
    assert.deepEqual(detail.debugInfo, { current: "debug" });
    assert.deepEqual(
      runtime.components().map((s) => s.id),
      [a, b, c],
    );

    // A's exports change: B is re-evaluated, then C, without a reload.
    hook(a)("y");
    await runtime.settled?.();
    assert.deepEqual(eventsFor(b, "update").at(-1)?.args, { value: "y-b" });
    assert.deepEqual(eventsFor(c, "update").at(-1)?.args, { value: "y-b-c" });
    assert.equal(eventsFor(a, "update").length, 0);

    // Publishing the same exports again re-evaluates nothing.
    const updatesBefore = eventsFor(b, "update").length;
    hook(a)("y");
    await runtime.settled?.();
    assert.equal(eventsFor(b, "update").length, updatesBefore);

    // A failed evaluation keeps the last good arguments running and marks the node unhealthy.
    hook(a)("this value is far too long for the schema of b");
    await runtime.settled?.();
    const bd = runtime.component(b)!;
    assert.equal(bd.health.state, "unhealthy");
    assert.match(bd.health.message, /^component evaluation failed: decoding configuration: /);
    assert.deepEqual(bd.arguments, [{ name: "value", type: "attr", value: { type: "string", value: "y-b" } }]);
    assert.equal(eventsFor(b, "update").length, updatesBefore);
    // ...and recovers on the next good one.
    hook(a)("z");
    await runtime.settled?.();
    assert.equal(runtime.component(b)!.health.state, "healthy");
    assert.deepEqual(eventsFor(c, "update").at(-1)?.args, { value: "z-b-c" });
    await runtime.shutdown(2000);
  });

  it("re-evaluates without blocking: a slow update does not hold up another chain", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    await runtime.load([
      src(
        `${p}.value "a" { value = "a" }\n${p}.value "slowdep" { value = ${p}.value.a.value }\n` +
          `${p}.value "x" { value = "x" }\n${p}.value "fastdep" { value = ${p}.value.x.value }`,
      ),
    ]);
    hook(`${p}.value.a`)("slow-a");
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    hook(`${p}.value.x`)("x2");
    while (eventsFor(`${p}.value.fastdep`, "updated").length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.ok(Date.now() - t0 < 200, "the fast chain did not wait for the slow update");
    assert.equal(eventsFor(`${p}.value.slowdep`, "updated").length, 0, "the slow update is still running");
    await runtime.settled?.();
    assert.deepEqual(eventsFor(`${p}.value.slowdep`, "updated").at(-1)?.args, { value: "slow-a" });
    await runtime.shutdown(2000);
  });

  it("keeps the old arguments when update throws", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    await runtime.load([src(`${p}.value "a" { value = "ok" }`)]);
    const r = await runtime.load([src(`${p}.value "a" { value = "fail-update" }`)]);
    assert.equal(r.ok, true);
    assert.match(messages(r.diagnostics)[0]!, /Failed to build component: updating component: update refused$/);
    const d = runtime.component(`${p}.value.a`)!;
    assert.equal(d.health.state, "unhealthy");
    assert.deepEqual(d.arguments, [{ name: "value", type: "attr", value: { type: "string", value: "ok" } }]);
    await runtime.shutdown(2000);
  });

  it("exposes component metrics with component_id, and the controller metrics", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    await runtime.load([src(`${p}.value "a" { value = "1" }\n${p}.value "b" { value = "2" }`)]);
    const text = await runtime.metrics.metrics();
    assert.match(text, new RegExp(`test_builds_total\\{component_id="${p}\\.value\\.a"\\} 1`));
    assert.match(text, new RegExp(`test_builds_total\\{component_id="${p}\\.value\\.b"\\} 1`));
    assert.equal(text.match(/# TYPE test_builds_total counter/g)?.length, 1);
    assert.match(text, /ingot_component_controller_running_components\{health_type="healthy"\} 2/);
    assert.match(text, /ingot_component_evaluation_seconds_count \d+/);
    assert.match(text, /ingot_component_evaluation_queue_size 0/);
    assert.match(
      text,
      new RegExp(
        `ingot_component_controller_health\\{component_id="${p}\\.value\\.a",component_name="${p}\\.value",health_type="healthy"\\} 1`,
      ),
    );
    // Removed components take their series with them.
    await runtime.load([src(`${p}.value "b" { value = "2" }`)]);
    const after = await runtime.metrics.metrics();
    assert.doesNotMatch(after, new RegExp(`component_id="${p}\\.value\\.a"`));
    await runtime.shutdown(2000);
  });

  it("never shows secrets in component output or logs", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime, lines } = await newRuntime([dir]);
    const r = await runtime.load([src(`${p}.secret "s" {\n  password = "hunter2"\n  user = "bob"\n}`)]);
    assert.equal(r.ok, true, messages(r.diagnostics).join("\n"));
    const d = runtime.component(`${p}.secret.s`)!;
    const json = JSON.stringify(d);
    assert.doesNotMatch(json, /hunter2/);
    assert.deepEqual(d.arguments, [
      { name: "password", type: "attr", value: { type: "capsule", value: "(secret)" } },
      { name: "user", type: "attr", value: { type: "string", value: "bob" } },
    ]);
    assert.deepEqual(d.exports, [{ name: "token", type: "attr", value: { type: "capsule", value: "(secret)" } }]);
    assert.doesNotMatch(JSON.stringify(runtime.components()), /hunter2/);
    assert.ok(lines.length > 0);
    await runtime.shutdown(2000);
    assert.doesNotMatch(lines.join("\n"), /hunter2/);
  });

  it("applies the logging block to the root logger", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime, lines } = await newRuntime([dir]);
    const r = await runtime.load([
      src(`logging {\n  level = "warn"\n  format = "json"\n}\n${p}.value "a" { value = "1" }`),
    ]);
    assert.equal(r.ok, true, messages(r.diagnostics).join("\n"));
    const n = lines.length;
    runtime.logger?.info("hidden");
    runtime.logger?.warn("shown");
    assert.equal(lines.length, n + 1);
    assert.equal(JSON.parse(lines.at(-1)!).msg, "shown");
    // Removing the block restores the defaults.
    await runtime.load([src(`${p}.value "a" { value = "1" }`)]);
    runtime.logger?.info("visible again");
    assert.match(lines.at(-1)!, /level=info msg="visible again"/);
    const bad = await runtime.load([src(`logging {\n  level = "loud"\n}`)]);
    assert.equal(bad.ok, false);
    assert.match(messages(bad.diagnostics)[0]!, /^config\.alloy:2:/);
    await runtime.shutdown(2000);
  });
});

describe("controller: plugins failing at import", () => {
  it("fails only the nodes of a plugin whose entry throws, and refuses that plugin", async () => {
    const root = tempDir();
    writePlugin(root, "good", { manifest: testManifest("gd"), entry: testEntry("gd") });
    writePlugin(root, "thrower", {
      packageJson: { name: "thrower", version: "3.0.0", type: "module" },
      manifest: testManifest("thr"),
      entry: `throw new Error("boom at import");`,
    });
    writePlugin(root, "partial", {
      packageJson: { name: "partial", version: "1.0.0", type: "module" },
      manifest: testManifest("prt"),
      entry: `export default { components: {} };`,
    });
    const { runtime, lines } = await newRuntime([root]);
    const r = await runtime.load([
      src(`gd.value "ok" { value = "1" }\nthr.value "bad" { value = "2" }\nprt.value "missing" { value = "3" }`),
    ]);
    assert.equal(r.ok, true);
    const ms = messages(r.diagnostics);
    assert.equal(ms.length, 2, ms.join("\n"));
    assert.match(
      ms[0]!,
      /^config\.alloy:2:1: component "thr\.value" cannot be built: plugin thrower@3\.0\.0 \(.*thrower\) refused: entry module \.\/index\.js failed to import: boom at import$/,
    );
    assert.match(
      ms[1]!,
      /^config\.alloy:3:1: component "prt\.value" cannot be built: plugin partial@1\.0\.0 \(.*partial\) does not define component "prt\.value" in its entry module$/,
    );
    assert.equal(runtime.component("gd.value.ok")?.health.state, "healthy");
    assert.equal(runtime.component("thr.value.bad")?.health.state, "unhealthy");
    const thrower = runtime.plugins().find((p) => p.name === "thrower")!;
    assert.equal(thrower.status, "refused");
    assert.equal(thrower.reason, "entry module ./index.js failed to import: boom at import");
    assert.ok(lines.some((l) => l.includes("plugin thrower@3.0.0") && l.includes("boom at import")));
    assert.equal(runtime.plugins().find((p) => p.name === "partial")?.status, "ok");
    await runtime.shutdown(2000);
  });
});
