// End-to-end tests of `ingot run`: the real CLI bundle, the real runtime and the
// first-party local plugin, over HTTP and signals.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ensureBundle } from "./bundle.js";
import { eventually, httpGet, type RunningIngot, startIngot } from "./ingot-process.js";

interface Statement {
  name: string;
  type: string;
  value: { type: string; value: unknown };
}
interface ComponentJSON {
  name: string;
  localID: string;
  moduleID: string;
  label?: string;
  health: { state: string; message: string; updatedTime: string };
  referencesTo: string[];
  referencedBy: string[];
  plugin: { name: string; version: string };
  arguments?: Statement[];
  exports?: Statement[];
}

const dir = mkdtempSync(join(tmpdir(), "ingot-run-"));
const config = join(dir, "config.alloy");
const target = join(dir, "target.txt");
const pointer = join(dir, "pointer.txt");
const secretFile = join(dir, "secret.txt");

// pointer.txt holds the path of target.txt: local.file.copy reads the file local.file.pointer names.
const goodConfig = `local.file "pointer" {
  filename = "${pointer}"
}

local.file "copy" {
  filename = local.file.pointer.content
}

local.file "secret" {
  filename  = "${secretFile}"
  is_secret = true
}

local.file_match "logs" {
  path_targets = [{"__path__" = "${dir}/*.log"}]
}
`;

let ingot: RunningIngot;

before(async () => {
  ensureBundle();
  writeFileSync(target, "target content");
  writeFileSync(pointer, target);
  writeFileSync(secretFile, "hunter2-very-secret");
  writeFileSync(join(dir, "app.log"), "a log line\n");
  writeFileSync(config, goodConfig);
  ingot = await startIngot([
    "run",
    "--server.http.listen-addr=127.0.0.1:0",
    "--storage.path",
    join(dir, "data"),
    config,
  ]);
  await eventually(async () => (await httpGet(`${ingot.base}/-/ready`)).status === 200);
});

after(async () => {
  if (ingot.proc.exitCode === null) ingot.proc.kill("SIGKILL");
});

const components = async () =>
  JSON.parse((await httpGet(`${ingot.base}/api/v0/web/components`)).body) as ComponentJSON[];
const component = async (id: string) =>
  JSON.parse((await httpGet(`${ingot.base}/api/v0/web/components/${id}`)).body) as ComponentJSON;

test("prints the listen address and serves /-/ready and /-/healthy on loopback", async () => {
  assert.match(ingot.address, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(ingot.address, "127.0.0.1:0");
  assert.deepEqual(await httpGet(`${ingot.base}/-/ready`), {
    status: 200,
    type: "text/plain; charset=utf-8",
    body: "Ingot is ready.\n",
  });
  const h = await httpGet(`${ingot.base}/-/healthy`);
  assert.deepEqual([h.status, h.body], [200, "All Ingot components are healthy.\n"]);
});

test("/metrics has process, controller and per-component series", async () => {
  const m = await httpGet(`${ingot.base}/metrics`);
  assert.equal(m.status, 200);
  assert.match(m.type, /^text\/plain; version=0\.0\.4/);
  assert.match(m.body, /^process_cpu_user_seconds_total /m);
  assert.match(m.body, /running_components/);
  assert.match(m.body, /component_id="local\.file\.copy"/);
});

test("the components API shows arguments, exports, health, references and the plugin", async () => {
  const list = await components();
  assert.deepEqual(list.map((c) => c.localID).sort(), [
    "local.file.copy",
    "local.file.pointer",
    "local.file.secret",
    "local.file_match.logs",
  ]);
  const copy = await component("local.file.copy");
  assert.equal(copy.name, "local.file");
  assert.equal(copy.label, "copy");
  assert.equal(copy.health.state, "healthy");
  assert.equal(copy.plugin.name, "@ingot/plugin-local");
  assert.deepEqual(copy.referencesTo, ["local.file.pointer"]);
  assert.deepEqual((await component("local.file.pointer")).referencedBy, ["local.file.copy"]);
  const filename = copy.arguments?.find((s) => s.name === "filename");
  assert.deepEqual(filename?.value, { type: "string", value: target });
  const content = copy.exports?.find((s) => s.name === "content");
  assert.deepEqual(content?.value, { type: "string", value: "target content" });

  const raw = await httpGet(`${ingot.base}/api/v0/web/components/local.file.secret`);
  assert.equal(raw.status, 200);
  assert.ok(!raw.body.includes("hunter2"), "a secret leaked into the API");
  assert.match(raw.body, /\(secret\)/);

  const missing = await httpGet(`${ingot.base}/api/v0/web/components/local.file.nope`);
  assert.equal(missing.status, 404);
});

test("the plugins API lists @ingot/plugin-local with its components", async () => {
  const r = await httpGet(`${ingot.base}/api/v0/web/plugins`);
  assert.equal(r.status, 200);
  const plugins = JSON.parse(r.body) as { name: string; status: string; components: { name: string }[] }[];
  const local = plugins.find((p) => p.name === "@ingot/plugin-local");
  assert.equal(local?.status, "ok");
  assert.deepEqual(local?.components.map((c) => c.name).sort(), ["local.file", "local.file_match"]);
});

test("/-/reload with a bad config is a 400 with file:line:col; the old graph keeps running", async () => {
  writeFileSync(config, `${goodConfig}\nlocal.file "broken" {\n  filename = local.file.nope.content\n}\n`);
  const r = await httpGet(`${ingot.base}/-/reload`, { method: "POST" });
  assert.equal(r.status, 400);
  assert.ok(r.body.includes(`Error: ${config}:`), r.body);
  assert.match(r.body, /:\d+:\d+: /);
  assert.equal((await components()).length, 4);
  assert.equal((await httpGet(`${ingot.base}/-/ready`)).status, 200);
});

test("/-/reload with a good config changes the graph", async () => {
  writeFileSync(config, `${goodConfig}\nlocal.file "extra" {\n  filename = "${target}"\n}\n`);
  const r = await httpGet(`${ingot.base}/-/reload`);
  assert.deepEqual([r.status, r.body], [200, "config reloaded\n"]);
  assert.ok((await components()).some((c) => c.localID === "local.file.extra"));
});

test("SIGHUP re-reads the configuration; a bad one is reported and the graph kept", async () => {
  writeFileSync(config, goodConfig.replace('local.file_match "logs"', 'local.file_match "renamed"'));
  ingot.proc.kill("SIGHUP");
  await eventually(async () => (await components()).some((c) => c.localID === "local.file_match.renamed"));
  assert.ok(!(await components()).some((c) => c.localID === "local.file.extra"));

  writeFileSync(config, 'local.file "x" {\n  filename = \n}\n');
  const before = ingot.stderr().length;
  ingot.proc.kill("SIGHUP");
  await eventually(async () => ingot.stderr().slice(before).includes("failed to reload config"));
  assert.ok(
    ingot.stderr().slice(before).includes(`Error: ${config}:3:1: expected expression`),
    ingot.stderr().slice(before),
  );
  assert.ok((await components()).some((c) => c.localID === "local.file_match.renamed"));
});

test("SIGTERM stops every component and exits 0", async () => {
  ingot.proc.kill("SIGTERM");
  assert.equal(await ingot.exited, 0);
  assert.match(ingot.stderr(), /msg="shutdown complete"/);
});
