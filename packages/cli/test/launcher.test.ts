// The launcher (bin/ingot.js) and the lazily loaded commands: the root help's table
// matches the commands it loads; the bundle's V8 code cache is written, used, and
// ignored (then replaced) when damaged or stale; INGOT_COMPILE_CACHE=off turns it off.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";
import { repoRoot } from "@ingot/testkit";
import { commands } from "../src/cli.js";
import { ensureBundle } from "./bundle.js";
import { startIngot } from "./ingot-process.js";

const bin = join(repoRoot, "packages", "cli", "bin", "ingot.js");
const root = mkdtempSync(join(tmpdir(), "ingot-launcher-"));

before(() => ensureBundle());
after(() => rmSync(root, { recursive: true, force: true }));

test("every command entry names, aliases and describes the command it loads", async () => {
  assert.deepEqual(
    commands.map((c) => c.name),
    ["fmt", "modules", "plugins", "publish", "registry", "run", "validate"],
  );
  for (const entry of commands) {
    const c = await entry.load();
    assert.equal(c.name, entry.name);
    assert.deepEqual(c.aliases, entry.aliases, entry.name);
    assert.equal(c.short, entry.short, entry.name);
  }
});

/** `ingot fmt -` on stdin with the given cache setting; returns stderr's startup trace too. */
function fmt(cache: string): { code: number | null; stdout: string; trace: string } {
  const r = spawnSync(process.execPath, [bin, "fmt", "-"], {
    input: 'logging {\nlevel = "debug"\n}\n',
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", INGOT_COMPILE_CACHE: cache, INGOT_STARTUP_TRACE: "1" },
  });
  return { code: r.status, stdout: r.stdout, trace: r.stderr };
}

const formatted = 'logging {\n\tlevel = "debug"\n}\n';
const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith(".v8cache"));

test("the code cache is written on the first run and used by the next", () => {
  const dir = join(root, "cache");
  const first = fmt(dir);
  assert.equal(first.code, 0, first.trace);
  assert.equal(first.stdout, formatted);
  assert.doesNotMatch(first.trace, /compiled \(code cache\)/);
  const files = cacheFiles(dir);
  assert.equal(files.length, 1);
  assert.match(files[0] as string, /^ingot-fmt-/);

  const second = fmt(dir);
  assert.equal(second.code, 0, second.trace);
  assert.equal(second.stdout, formatted);
  assert.match(second.trace, /compiled \(code cache\)/);
});

test("a damaged cache file is ignored and replaced", () => {
  const dir = join(root, "damaged");
  assert.equal(fmt(dir).code, 0);
  const file = join(dir, cacheFiles(dir)[0] as string);
  const good = readFileSync(file);

  for (const damaged of [
    Buffer.concat([good.subarray(0, 12), Buffer.alloc(good.length - 12, 0x5a)]), // payload garbage
    good.subarray(0, good.length >> 1), // truncated
    Buffer.from("not a cache"), // no header
  ]) {
    writeFileSync(file, damaged);
    const r = fmt(dir);
    assert.equal(r.code, 0, r.trace);
    assert.equal(r.stdout, formatted);
    assert.doesNotMatch(r.trace, /compiled \(code cache\)/);
    // Replaced by a good one: the next run uses it.
    assert.match(fmt(dir).trace, /compiled \(code cache\)/);
  }
});

test("a cache V8 rejects (made for another script) is ignored and replaced", () => {
  const dir = join(root, "stale");
  assert.equal(fmt(dir).code, 0);
  const file = join(dir, cacheFiles(dir)[0] as string);
  // A valid file for a different script: header and CRC right, V8's checks fail.
  const other = new Script("1 + 1").createCachedData();
  const head = Buffer.alloc(12);
  head.write("ingotv8\n");
  head.writeUInt32LE(crc32(other), 8);
  writeFileSync(file, Buffer.concat([head, other]));
  const r = fmt(dir);
  assert.equal(r.code, 0, r.trace);
  assert.equal(r.stdout, formatted);
  assert.doesNotMatch(r.trace, /compiled \(code cache\)/);
  assert.match(fmt(dir).trace, /compiled \(code cache\)/);
});

test("INGOT_COMPILE_CACHE=off writes no cache", () => {
  const r = fmt("off");
  assert.equal(r.code, 0, r.trace);
  assert.equal(r.stdout, formatted);
  assert.doesNotMatch(r.trace, /code cache/);
});

test("ingot run from the code cache imports plugins and gets ready", async () => {
  const dir = join(root, "run-cache");
  const config = join(root, "run.alloy");
  const data = join(root, "data");
  writeFileSync(join(root, "greeting.txt"), "hello");
  writeFileSync(config, `local.file "greeting" {\n  filename = ${JSON.stringify(join(root, "greeting.txt"))}\n}\n`);
  // Runs 0 and 1: the launcher fixes V8's young generation (the cache stays valid across
  // runs); run 2: a semi-space flag of the user's turns that off.
  for (let i = 0; i < 3; i++) {
    const userFlag: Record<string, string> = i === 2 ? { NODE_OPTIONS: "--max-semi-space-size=8" } : {};
    const ingot = await startIngot(["run", config, "--server.http.listen-addr=127.0.0.1:0", `--storage.path=${data}`], {
      env: { INGOT_COMPILE_CACHE: dir, INGOT_STARTUP_TRACE: "1", ...userFlag },
    });
    try {
      let ready = 0;
      for (let t = 0; t < 500 && ready !== 200; t++) {
        ready = (await fetch(`${ingot.base}/-/ready`)).status;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(ready, 200, ingot.stderr());
      const c = (await (await fetch(`${ingot.base}/api/v0/web/components/local.file.greeting`)).json()) as {
        health: { state: string };
      };
      assert.equal(c.health.state, "healthy");
      if (i === 1) assert.match(ingot.stderr(), /compiled \(code cache\)/);
      if (i < 2) assert.match(ingot.stderr(), /startup young-generation-fixed/);
      else assert.doesNotMatch(ingot.stderr(), /young-generation-fixed/);
      // The cache is written once startup is done.
      for (let t = 0; t < 200 && cacheFiles(dir).length === 0; t++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        cacheFiles(dir).map((n) => n.split("-").slice(0, 2).join("-")),
        ["ingot-run"],
      );
    } finally {
      ingot.proc.kill("SIGTERM");
      await ingot.exited;
    }
  }
});
