// The HTTP server over a real runtime that runs a throwaway plugin from a temp dir.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ConfigSource, createRuntime, type IngotRuntime } from "@ingot/runtime";
import { type ComponentJSON, createServer, type IngotServer, type ReloadResult } from "../src/index.js";
import { testPluginName, testPluginVersion, writeTestPlugin } from "./test-plugin.js";

const goodConfig = `test.value "a" {
  value = "hello"
  token = "s3cr3t-token"
}

test.value "b" {
  value = test.value.a.value + "!"
}

test.plain "p" {}
`;

let runtime: IngotRuntime;
let server: IngotServer;
let base: string;
/** What the next /-/reload loads (or throws). */
let nextConfig: string | Error = goodConfig;

async function reload(): Promise<ReloadResult> {
  if (nextConfig instanceof Error) throw nextConfig;
  const sources: ConfigSource[] = [{ name: "main.alloy", text: nextConfig }];
  return { ...(await runtime.load(sources)), sources };
}

async function get(path: string, init?: RequestInit): Promise<{ status: number; type: string; body: string }> {
  const r = await fetch(base + path, init);
  return { status: r.status, type: r.headers.get("content-type") ?? "", body: await r.text() };
}

interface Statement {
  name: string;
  type: string;
  value: unknown;
}
interface PluginJSON {
  name: string;
  version: string;
  status: string;
  loaded: boolean;
  components: { name: string; stability: string }[];
}
type Detail = ComponentJSON & { arguments: Statement[]; exports: Statement[] };

async function getJSON<T>(path: string): Promise<T> {
  const r = await get(path);
  assert.equal(r.status, 200, `${path}: ${r.body}`);
  assert.match(r.type, /^application\/json/);
  return JSON.parse(r.body) as T;
}

before(async () => {
  const { root, pluginsDir } = writeTestPlugin();
  runtime = await createRuntime({
    storagePath: mkdtempSync(join(tmpdir(), "ingot-server-data-")),
    stabilityLevel: "generally-available",
    pluginPaths: [pluginsDir],
    searchRoots: [root],
  });
  server = await createServer(runtime, { listenAddr: "127.0.0.1:0", reload });
  base = `http://${server.address}`;
});

after(async () => {
  await server?.close();
  await runtime?.shutdown(5000);
});

test("listens on loopback on the port it was given (0 = a free one)", () => {
  assert.match(server.address, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(server.address, "127.0.0.1:0");
});

test("/-/ready is 503 before the first load and 200 after", async () => {
  assert.equal(runtime.ready, false);
  assert.deepEqual(await get("/-/ready"), {
    status: 503,
    type: "text/plain; charset=utf-8",
    body: "Ingot is not ready.\n",
  });
  const r = await get("/-/reload", { method: "POST" });
  assert.deepEqual([r.status, r.body], [200, "config reloaded\n"]);
  assert.deepEqual(await get("/-/ready"), {
    status: 200,
    type: "text/plain; charset=utf-8",
    body: "Ingot is ready.\n",
  });
});

test("/-/healthy is 200 when every component is healthy", async () => {
  const r = await get("/-/healthy");
  assert.deepEqual([r.status, r.body], [200, "All Ingot components are healthy.\n"]);
});

test("/metrics serves the runtime registry in the Prometheus text format", async () => {
  const r = await get("/metrics");
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/plain; version=0\.0\.4/);
  assert.match(r.body, /^# HELP /m);
  // The component's own counter, labelled with its id.
  assert.match(r.body, /^test_value_updates_total\{[^}]*component_id="test\.value\.a"[^}]*\} 1$/m);
});

test("/api/v0/web/components lists components with health, references and plugin", async () => {
  const list = await getJSON<ComponentJSON[]>("/api/v0/web/components");
  const byId = new Map(list.map((c) => [c.moduleID ? `${c.moduleID}/${c.localID}` : c.localID, c]));
  assert.deepEqual([...byId.keys()].sort(), ["test.plain.p", "test.value.a", "test.value.b"]);
  const a = byId.get("test.value.a") as ComponentJSON;
  assert.equal(a.name, "test.value");
  assert.equal(a.label, "a");
  assert.equal(a.moduleID, "");
  assert.equal(a.type, "block");
  assert.equal(a.health.state, "healthy");
  assert.ok(!Number.isNaN(Date.parse(a.health.updatedTime)));
  assert.deepEqual(a.plugin, { name: testPluginName, version: testPluginVersion });
  assert.deepEqual(a.referencesTo, []);
  assert.deepEqual(a.referencedBy, ["test.value.b"]);
  assert.deepEqual(byId.get("test.value.b")?.referencesTo, ["test.value.a"]);
  // The list carries no arguments or exports (as Alloy's).
  assert.equal(a.arguments, undefined);
});

test("/api/v0/web/components/{id} has arguments, exports and debug info; secrets never shown", async () => {
  const raw = await get("/api/v0/web/components/test.value.a");
  assert.equal(raw.status, 200);
  assert.ok(!raw.body.includes("s3cr3t-token"), "the secret leaked");
  const a = JSON.parse(raw.body) as Detail;
  const arg = (name: string) => a.arguments.find((s) => s.name === name);
  assert.deepEqual(arg("value"), { name: "value", type: "attr", value: { type: "string", value: "hello" } });
  assert.match(JSON.stringify(arg("token")), /\(secret\)/);
  assert.deepEqual(a.exports, [{ name: "value", type: "attr", value: { type: "string", value: "hello" } }]);
  assert.deepEqual(a.debugInfo, { updates: "counted" });
  const b = await getJSON<Detail>("/api/v0/web/components/test.value.b");
  assert.deepEqual(b.exports, [{ name: "value", type: "attr", value: { type: "string", value: "hello!" } }]);
});

test("an unknown component is a 404 with a message", async () => {
  const r = await get("/api/v0/web/components/test.value.nope");
  assert.deepEqual([r.status, r.body], [404, 'component "test.value.nope" not found\n']);
});

test("/api/v0/web/plugins lists the discovered plugin and its components", async () => {
  const plugins = await getJSON<PluginJSON[]>("/api/v0/web/plugins");
  const p = plugins.find((x) => x.name === testPluginName);
  assert.ok(p, JSON.stringify(plugins));
  assert.equal(p.version, testPluginVersion);
  assert.equal(p.status, "ok");
  assert.equal(p.loaded, true);
  assert.deepEqual(
    p.components.map((c) => [c.name, c.stability]),
    [
      ["test.value", "generally-available"],
      ["test.plain", "generally-available"],
    ],
  );
});

test("/api/v0/component/{id}/... reaches the component's handler with its own path and the raw body", async () => {
  const r = await get("/api/v0/component/test.value.a/some/path?x=1", { method: "POST", body: "raw body {" });
  assert.equal(r.status, 200, r.body);
  const seen = JSON.parse(r.body);
  assert.equal(seen.method, "POST");
  assert.equal(seen.path, "/some/path");
  assert.equal(seen.url, "/api/v0/component/test.value.a/some/path?x=1");
  assert.equal(seen.body, "raw body {");
  const root = JSON.parse((await get("/api/v0/component/test.value.a")).body);
  assert.equal(root.path, "/");
});

test("component routes: unknown component or no handler is 404; a failing handler is a 500", async () => {
  assert.equal((await get("/api/v0/component/test.value.zzz/x")).status, 404);
  const plain = await get("/api/v0/component/test.plain.p/x");
  assert.deepEqual([plain.status, plain.body], [404, 'component "test.plain.p" has no HTTP handler\n']);
  const failed = await get("/api/v0/component/test.value.a/fail");
  assert.equal(failed.status, 500);
  assert.match(failed.body, /handler exploded/);
  const bad = await get("/api/v0/component/%E0%A4%A");
  assert.equal(bad.status, 400);
  // Still serving.
  assert.equal((await get("/-/ready")).status, 200);
});

test("unknown paths are a 404 with a message", async () => {
  const r = await get("/nope");
  assert.deepEqual([r.status, r.body], [404, "404 page not found: GET /nope\n"]);
});

test("a bad reload is a 400 with the diagnostics and keeps the old graph", async () => {
  nextConfig = 'test.value "a" {\n  value = test.value.missing.value\n}\n';
  const r = await get("/-/reload");
  assert.equal(r.status, 400);
  assert.match(r.body, /^Error: main\.alloy:2:\d+: /m);
  assert.match(r.body, /\n2 \| {3}value = test\.value\.missing\.value\n/);
  const ids = (await getJSON<ComponentJSON[]>("/api/v0/web/components")).map((c) => c.localID).sort();
  assert.deepEqual(ids, ["test.plain.p", "test.value.a", "test.value.b"]);

  nextConfig = new Error("open missing.alloy: no such file or directory");
  const thrown = await get("/-/reload", { method: "POST" });
  assert.deepEqual([thrown.status, thrown.body], [400, "open missing.alloy: no such file or directory\n"]);
  assert.equal((await getJSON<ComponentJSON[]>("/api/v0/web/components")).length, 3);
});

test("a good reload changes the graph; /-/healthy then lists the unhealthy component", async () => {
  nextConfig = 'test.value "a" {\n  value = "hello"\n}\n\ntest.value "sick" {\n  value   = "x"\n  healthy = false\n}\n';
  const r = await get("/-/reload", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });
  assert.deepEqual([r.status, r.body], [200, "config reloaded\n"]);
  const ids = (await getJSON<ComponentJSON[]>("/api/v0/web/components")).map((c) => c.localID).sort();
  assert.deepEqual(ids, ["test.value.a", "test.value.sick"]);
  const h = await get("/-/healthy");
  assert.deepEqual([h.status, h.body], [500, "unhealthy components: test.value.sick\n"]);
  const sick = await getJSON<Detail>("/api/v0/web/components/test.value.sick");
  assert.equal(sick.health.state, "unhealthy");
  assert.equal(sick.health.message, "told to be unhealthy");
  nextConfig = goodConfig;
});
