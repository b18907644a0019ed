import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bodyToTypedJSON, objectToBodyEntries, Secret } from "@ingot/syntax";
import { CAPSULE_METRICS_RECEIVER } from "../src/data/metrics.js";
import { argumentsEqual, capsule, loadPlugin } from "../src/testkit.js";

// dist/test -> test/fixtures (fixtures are plain JS, not compiled).
const fixture = fileURLToPath(new URL("../../test/fixtures/echo-plugin", import.meta.url));

interface EchoExports {
  upper: string;
  interval: number;
  token?: string;
  receiver: { append(b: { length: number }): void };
}

test("loads the fixture plugin: manifest, schemas, entry", async () => {
  const h = await loadPlugin(fixture);
  assert.equal(h.packageName, "ingot-plugin-echo-fixture");
  assert.equal(h.version, "1.2.3");
  assert.deepEqual(
    h.manifest.components.map((c) => c.name),
    ["demo.echo"],
  );
  assert.deepEqual(h.decode("demo.echo", 'text = "a"\ninterval = "1m"'), {
    text: "a",
    interval: 60000,
    forward_to: [],
    fail_run: false,
    bad_exports: false,
  });
  assert.throws(
    () => h.decode("demo.echo", "interval = 5"),
    (e: Error) => {
      assert.match(e.message, /invalid arguments for demo.echo:/);
      assert.match(e.message, /missing required attribute "text"/);
      assert.match(e.message, /time: missing unit in duration "5"/);
      return true;
    },
  );
});

test("build, exports, health, logs, metrics, data dir, update, stop", async () => {
  const h = await loadPlugin(fixture);
  const seen: number[] = [];
  const recv = capsule({ append: (b: { length: number }) => void seen.push(b.length) }, CAPSULE_METRICS_RECEIVER);
  const c = await h.build<Record<string, unknown>, EchoExports>(
    "demo.echo",
    'text = "hello"\ninterval = "90s"\ntoken = pw\nforward_to = [recv]',
    { scope: { recv, pw: new Secret("s3cret") } },
  );
  assert.equal(c.id, "demo.echo.test");
  const e = await c.waitForExports((x) => x.upper === "HELLO");
  assert.equal(e.interval, 90000);
  // Exports as other components would see them.
  const typed = bodyToTypedJSON(objectToBodyEntries(c.exportsValue()!));
  assert.deepEqual(
    typed.find((s) => s.name === "interval"),
    { name: "interval", type: "attr", value: { type: "string", value: "1m30s" } },
  );
  assert.deepEqual(c.health().state, "healthy");
  assert.match(c.logs[0]!, /level=info msg=built component_path=\/ component_id=demo.echo.test text=hello/);
  await c.waitFor("the run to write its file", () => existsSync(join(c.dataPath, "runs.log")));
  assert.equal(await readFile(join(c.dataPath, "runs.log"), "utf8"), "run\n");

  // Same arguments: no update. New ones: update, new exports, metrics counted.
  await c.update('text = "hello"\ninterval = "1m30s"\ntoken = pw\nforward_to = [recv]');
  assert.deepEqual(c.debugInfo(), { updates: 0, received: [] });
  await c.update('text = "again"\ntoken = pw\nforward_to = [recv]');
  await c.waitForExports((x) => x.upper === "AGAIN");
  assert.deepEqual(seen, [1]);
  assert.match(await c.metrics.metrics(), /demo_echo_updates_total\{component_id="demo.echo.test"\} 1/);
  assert.equal(c.exportsHistory.length, 2);

  // The receiver it exports is a capsule others can send to.
  const exported = c.exports()!.receiver;
  exported.append({ length: 7 });
  assert.deepEqual((c.debugInfo() as { received: number[] }).received, [7]);

  const dir = c.dataPath;
  await c.stop();
  assert.equal(existsSync(dir), false, "the temporary data directory is removed");
});

test("waitForExports times out with the last exports in the message", async () => {
  const h = await loadPlugin(fixture);
  const c = await h.build<Record<string, unknown>, EchoExports>("demo.echo", 'text = "x"');
  await assert.rejects(
    c.waitForExports((x) => x.upper === "never", 50),
    /no matching exports within 50 ms \(last: \{"upper":"X"/,
  );
  await c.stop();
});

test("invalid exports are dropped and make the component unhealthy, as in the runtime", async () => {
  const h = await loadPlugin(fixture);
  const c = await h.build<Record<string, unknown>, EchoExports>("demo.echo", 'text = "x"');
  await c.waitForExports();
  await c.update('text = "y"\nbad_exports = true');
  assert.equal(c.exportsHistory.length, 1, "the invalid exports were not recorded");
  assert.equal(c.health().state, "unhealthy");
  assert.equal(c.health().message, 'invalid exports: exports of "demo.echo": upper: must be string');
  assert.ok(c.logs.some((l) => l.includes("level=error") && l.includes("invalid exports")));
  await c.update('text = "z"');
  assert.equal(c.health().state, "healthy");
  assert.equal(c.exports()?.upper, "Z");
  await c.stop();
});

test("a run that fails leaves the component exited", async () => {
  const h = await loadPlugin(fixture);
  const c = await h.build("demo.echo", 'text = "x"\nfail_run = true');
  await c.waitFor("exit", () => c.health().state === "exited");
  assert.equal(c.health().message, "run failed: asked to fail");
  await c.stop();
});

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function pluginDir(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "ingot-sdk-plugin-"));
  dirs.push(d);
  await writeFile(join(d, "package.json"), JSON.stringify({ name: "broken", version: "0.0.1", type: "module" }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
  return d;
}

const component = (extra: Record<string, unknown> = {}) => ({
  name: "x.y",
  stability: "experimental",
  arguments: { type: "object" },
  exports: { type: "object" },
  ...extra,
});

const refusals: [string, Record<string, string>, RegExp][] = [
  ["no manifest", {}, /plugin broken@0.0.1 \(.*\): cannot read ingot-plugin.json/],
  [
    "bad manifest",
    {
      "ingot-plugin.json": JSON.stringify({
        pluginApi: "^1.0.0",
        entry: "./i.js",
        components: [component({ stability: "beta" })],
      }),
    },
    /ingot-plugin.json: components\[0\].stability: must be one of experimental, public-preview, generally-available/,
  ],
  [
    "bad schema",
    {
      "ingot-plugin.json": JSON.stringify({
        pluginApi: "^1.0.0",
        entry: "./i.js",
        components: [
          component({ arguments: { type: "object", properties: { a: { "x-alloy-block": true, type: "string" } } } }),
        ],
      }),
    },
    /component "x.y": arguments schema: \/properties\/a: x-alloy-block needs/,
  ],
  [
    "entry throws",
    {
      "ingot-plugin.json": JSON.stringify({ pluginApi: "^1.0.0", entry: "./i.js", components: [component()] }),
      "i.js": 'throw new Error("kaboom");',
    },
    /entry .\/i.js failed to load: kaboom/,
  ],
  [
    "component missing from entry",
    {
      "ingot-plugin.json": JSON.stringify({ pluginApi: "^1.0.0", entry: "./i.js", components: [component()] }),
      "i.js": "export default { components: {} };",
    },
    /entry does not define component x.y declared in ingot-plugin.json/,
  ],
];

for (const [name, files, re] of refusals) {
  test(`loadPlugin refuses: ${name}`, async () => {
    await assert.rejects(loadPlugin(await pluginDir(files)), re);
  });
}

test("argumentsEqual compares data by value and payloads by identity", () => {
  const r = { append() {} };
  assert.ok(argumentsEqual({ a: [1, { b: "x" }], r }, { a: [1, { b: "x" }], r }));
  assert.ok(!argumentsEqual({ r }, { r: { append() {} } }));
  assert.ok(!argumentsEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(argumentsEqual(Number.NaN, Number.NaN));
});
