// `ingot registry serve --s3.*` end to end: the real bundle against s3rver on
// 127.0.0.1, credentials from the standard AWS chain (environment variables):
// publish, a restart on the same bucket, install from it; flag errors.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type RunningS3rver, startS3rver } from "@ingot/testkit/s3rver";
import { ensureBundle } from "./bundle.js";
import { ingotAsync, pluginManifest } from "./helpers.js";
import { type RunningIngot, startIngot } from "./ingot-process.js";

const root = mkdtempSync(join(tmpdir(), "ingot-registry-s3-"));
const TOKEN = "s3-token-0123456789";
const tokenFile = join(root, "token");
let s3: RunningS3rver;
let endpoint = "";
const running: RunningIngot[] = [];

// The standard chain's first source; startIngot passes this process's environment on.
process.env.AWS_ACCESS_KEY_ID = "S3RVER";
process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
process.env.AWS_REGION = "us-east-1";

/** Runs `ingot` without blocking this process, which serves S3. */
const ingot = (args: string[]) => ingotAsync(args, root);

async function serve(): Promise<RunningIngot> {
  const r = await startIngot([
    "registry",
    "serve",
    "--listen-addr=127.0.0.1:0",
    "--s3.bucket=ingot-registry",
    "--s3.prefix=prod/registry",
    `--s3.endpoint=${endpoint}`,
    "--s3.force-path-style",
    "--token-file",
    tokenFile,
  ]);
  running.push(r);
  return r;
}

async function stop(r: RunningIngot) {
  r.proc.kill("SIGTERM");
  assert.equal(await r.exited, 0);
}

before(async () => {
  ensureBundle();
  writeFileSync(tokenFile, `${TOKEN}\n`);
  s3 = await startS3rver({ buckets: ["ingot-registry"], directory: join(root, "s3") });
  endpoint = s3.endpoint;
});

after(async () => {
  for (const r of running) if (r.proc.exitCode === null) r.proc.kill("SIGTERM");
  await Promise.all(running.map((r) => r.exited));
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

test("registry serve --s3.*: publish, restart on the same bucket, install", async () => {
  const src = join(root, "src");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "package.json"), JSON.stringify({ name: "ingot-plugin-s3e2e", version: "1.0.0" }));
  writeFileSync(join(src, "index.js"), "export default { components: {} };\n");
  writeFileSync(join(src, "ingot-plugin.json"), pluginManifest("s3e2e.noop"));
  let reg = await serve();
  assert.match(reg.stderr(), /storage=s3:\/\/ingot-registry\/prod\/registry\//);
  const pub = await ingot(["publish", src, "--registry", reg.base, "--token-file", tokenFile]);
  assert.equal(pub.code, 0, pub.stderr);
  const again = await ingot(["publish", src, "--registry", reg.base, "--token-file", tokenFile]);
  assert.match(again.stderr, /is already published; versions are immutable/);
  await stop(reg);

  reg = await serve();
  const res = await fetch(`${reg.base}/api/v1/packages/ingot-plugin-s3e2e/resolve?range=^1`);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { version: string }).version, "1.0.0");
  const inst = await ingot([
    "plugins",
    "install",
    "ingot-plugin-s3e2e@^1",
    "--registry",
    reg.base,
    "--plugins.path",
    join(root, "plugins"),
  ]);
  assert.equal(inst.code, 0, inst.stderr);
  assert.match(inst.stdout, /components: s3e2e\.noop/);
  const lock = JSON.parse(readFileSync(join(root, "ingot.lock"), "utf8"));
  assert.equal(lock.plugins["ingot-plugin-s3e2e"].version, "1.0.0");
  await stop(reg);
});

test("--s3.* flags need --s3.bucket, and exclude --storage.path", async () => {
  assert.match((await ingot(["registry", "serve", "--s3.prefix=x"])).stderr, /Error: --s3\.prefix needs --s3\.bucket/);
  assert.match(
    (await ingot(["registry", "serve", "--s3.bucket=b", "--storage.path=d"])).stderr,
    /Error: --storage\.path and --s3\.bucket are exclusive/,
  );
});
