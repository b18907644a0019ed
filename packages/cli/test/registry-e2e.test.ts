// The registry end to end through the real `ingot` command: `ingot registry serve`,
// `ingot publish`, `ingot plugins install` / `list` / `remove`, then `ingot run` using
// the installed plugin with no extra flags; immutability, tokens, yank, integrity and
// discovery's checks at install.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { RegistryClient } from "@ingot/registry";
import { ensureBundle } from "./bundle.js";
import { componentDetail, exportValue, ingotAsync, pluginManifest, runConfig } from "./helpers.js";
import { bin, httpGet, type RunningIngot, startIngot } from "./ingot-process.js";

const root = mkdtempSync(join(tmpdir(), "ingot-registry-e2e-"));
const TOKEN = "e2e-token-abcdef";
const tokenFile = join(root, "token");
const registryStorage = join(root, "registry-data");
let registry: RunningIngot | undefined;
let run: RunningIngot | undefined;
let url = "";

function writeTree(dir: string, files: Record<string, string>): string {
  for (const [p, d] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), d);
  }
  return dir;
}

function pluginFiles(name: string, version: string, component: string, pluginApi = "^1.0.0"): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name, version, type: "module", description: `e2e plugin ${name}` }),
    "ingot-plugin.json": pluginManifest(component, {
      pluginApi,
      arguments: {
        type: "object",
        required: ["text"],
        additionalProperties: false,
        properties: { text: { type: "string" } },
      },
      exports: { type: "object", properties: { upper: { type: "string" }, version: { type: "string" } } },
    }),
    "index.js": `export default { components: { ${JSON.stringify(component)}: {
  build(ctx, args) {
    ctx.setExports({ upper: args.text.toUpperCase(), version: ${JSON.stringify(version)} });
    ctx.setHealth("healthy");
    return { async run(signal) { await new Promise((r) => signal.addEventListener("abort", r)); }, update() {} };
  },
} } };
`,
  };
}

function ingot(args: string[], opts: { cwd?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", INGOT_REGISTRY: "", INGOT_REGISTRY_TOKEN: "" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function publish(dir: string, token = tokenFile) {
  return ingot(["publish", dir, "--registry", url, "--token-file", token]);
}

before(async () => {
  ensureBundle();
  writeFileSync(tokenFile, `${TOKEN}\n`);
  registry = await startIngot([
    "registry",
    "serve",
    "--listen-addr=127.0.0.1:0",
    "--storage.path",
    registryStorage,
    "--token-file",
    tokenFile,
    "--max-artifact-size=1MiB",
  ]);
  url = registry.base;
});

after(async () => {
  for (const p of [run, registry]) {
    p?.proc.kill("SIGTERM");
    await p?.exited;
  }
});

test("publish → list → resolve → install → ingot run uses the installed plugin", async () => {
  const src = writeTree(join(root, "src", "echo-1.0.0"), pluginFiles("ingot-plugin-e2e-echo", "1.0.0", "e2e.echo"));
  const pub = publish(src);
  assert.equal(pub.code, 0, pub.stderr);
  assert.match(
    pub.stdout,
    /^published ingot-plugin-e2e-echo@1\.0\.0 \(plugin\) to http:\/\/127\.0\.0\.1:\d+\nintegrity sha512-[A-Za-z0-9+/]{86}==\n$/,
  );
  const integrity = /integrity (\S+)/.exec(pub.stdout)?.[1];

  const list = JSON.parse((await httpGet(`${url}/api/v1/packages?q=e2e.echo`)).body) as {
    packages: { name: string }[];
  };
  assert.deepEqual(
    list.packages.map((p) => p.name),
    ["ingot-plugin-e2e-echo"],
  );
  const resolved = JSON.parse((await httpGet(`${url}/api/v1/packages/ingot-plugin-e2e-echo/resolve?range=^1`)).body);
  assert.equal(resolved.version, "1.0.0");
  assert.equal(resolved.integrity, integrity);

  const work = join(root, "work");
  mkdirSync(work);
  const inst = ingot(["plugins", "install", "ingot-plugin-e2e-echo@^1.0", "--registry", url], { cwd: work });
  assert.equal(inst.code, 0, inst.stderr);
  const target = join(work, "data-ingot", "plugins", "ingot-plugin-e2e-echo");
  assert.match(inst.stdout, new RegExp(`^installed ingot-plugin-e2e-echo@1\\.0\\.0 into ${target}\\n`));
  assert.match(inst.stdout, /components: e2e\.echo\n/);
  assert.ok(existsSync(join(target, "ingot-plugin.json")));
  const lock = JSON.parse(readFileSync(join(work, "ingot.lock"), "utf8"));
  assert.deepEqual(lock, {
    lockfileVersion: 1,
    plugins: {
      "ingot-plugin-e2e-echo": {
        version: "1.0.0",
        resolved: `${url}/api/v1/packages/ingot-plugin-e2e-echo/versions/1.0.0/tarball`,
        integrity,
        registry: url,
        path: target,
      },
    },
  });

  const listed = JSON.parse(ingot(["plugins", "list", "--format", "json"], { cwd: work }).stdout) as {
    name: string;
    status: string;
    path: string;
  }[];
  const mine = listed.find((p) => p.name === "ingot-plugin-e2e-echo");
  assert.equal(mine?.status, "ok");
  assert.equal(mine?.path, target);

  writeFileSync(join(work, "config.alloy"), 'e2e.echo "hi" {\n  text = "hello registry"\n}\n');
  run = await runConfig("config.alloy", { cwd: work });
  const running = run;
  const detail = await componentDetail(running, "e2e.echo.hi");
  assert.equal(detail.health.state, "healthy");
  assert.deepEqual(detail.plugin, { name: "ingot-plugin-e2e-echo", version: "1.0.0" });
  assert.equal(exportValue(detail, "upper"), "HELLO REGISTRY");
  running.proc.kill("SIGTERM");
  await running.exited;
  run = undefined;

  const rm = ingot(["plugins", "remove", "ingot-plugin-e2e-echo"], { cwd: work });
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.stdout, `removed ingot-plugin-e2e-echo@1.0.0 from ${join(work, "data-ingot", "plugins")}\n`);
  assert.ok(!existsSync(target));
  assert.deepEqual(JSON.parse(readFileSync(join(work, "ingot.lock"), "utf8")), { lockfileVersion: 1, plugins: {} });
  const again = ingot(["plugins", "remove", "ingot-plugin-e2e-echo"], { cwd: work });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^Error: plugin ingot-plugin-e2e-echo is not installed in /);
});

test("publishing a version twice is refused (409); a missing or wrong token is 401", () => {
  const src = writeTree(join(root, "src", "imm"), pluginFiles("ingot-plugin-e2e-imm", "1.0.0", "e2e.imm"));
  assert.equal(publish(src).code, 0);
  const twice = publish(src);
  assert.equal(twice.code, 1);
  assert.match(
    twice.stderr,
    /^Error: registry http:\S+ answered 409: ingot-plugin-e2e-imm@1\.0\.0 is already published; versions are immutable\n$/,
  );
  const wrong = join(root, "wrong-token");
  writeFileSync(wrong, "nope\n");
  const src2 = writeTree(join(root, "src", "imm2"), pluginFiles("ingot-plugin-e2e-imm", "1.0.1", "e2e.imm"));
  const denied = publish(src2, wrong);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /answered 401: unauthorized: invalid token/);
  const none = ingot(["publish", src2, "--registry", url]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^Error: no token: pass --token-file FILE or set INGOT_REGISTRY_TOKEN/);
});

test("publish runs discovery's checks first; install refuses what this Ingot would refuse", async () => {
  const broken = writeTree(join(root, "src", "broken"), {
    ...pluginFiles("ingot-plugin-e2e-broken", "1.0.0", "e2e.broken"),
    "ingot-plugin.json": JSON.stringify({ pluginApi: "^1.0.0", entry: "../outside.js", components: [] }),
  });
  const r = publish(broken);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^Error: plugin ingot-plugin-e2e-broken@1\.0\.0 \(\S+\) refused: invalid ingot-plugin\.json: /,
  );

  // A plugin for another plugin API: the registry stores it, this Ingot's install refuses it.
  const future = pluginFiles("ingot-plugin-e2e-future", "1.0.0", "e2e.future", "^2.0.0");
  const bytes = await import("@ingot/registry").then(async (m) =>
    m.packDirectory(writeTree(join(root, "src", "future"), future)),
  );
  await new RegistryClient(url, TOKEN).publish("ingot-plugin-e2e-future", "1.0.0", bytes);
  const work = join(root, "work-future");
  mkdirSync(work);
  const inst = ingot(["plugins", "install", "ingot-plugin-e2e-future", "--registry", url], { cwd: work });
  assert.equal(inst.code, 1);
  assert.match(
    inst.stderr,
    /^Error: plugin ingot-plugin-e2e-future@1\.0\.0 \(from ingot-plugin-e2e-future@1\.0\.0\) refused: needs plugin API \^2\.0\.0, but this runtime provides 1\.0\.0\n$/,
  );
  assert.ok(!existsSync(join(work, "data-ingot", "plugins", "ingot-plugin-e2e-future")));
  assert.ok(!existsSync(join(work, "ingot.lock")));
});

test("yanked versions are skipped by ranges; an exact version still installs, with a warning", () => {
  for (const v of ["1.0.0", "1.1.0"]) {
    const src = writeTree(join(root, "src", `yank-${v}`), pluginFiles("ingot-plugin-e2e-yank", v, "e2e.yank"));
    assert.equal(publish(src).code, 0);
  }
  return new RegistryClient(url, TOKEN).yank("ingot-plugin-e2e-yank", "1.1.0", "bad release").then(() => {
    const work = join(root, "work-yank");
    mkdirSync(work);
    const dir = join(work, "plugins-here");
    const inst = ingot(["plugins", "install", "ingot-plugin-e2e-yank@^1", "--registry", url, "--plugins.path", dir], {
      cwd: work,
    });
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /^installed ingot-plugin-e2e-yank@1\.0\.0 into /);
    const exact = ingot(
      ["plugins", "install", "ingot-plugin-e2e-yank@1.1.0", "--registry", url, "--plugins.path", dir],
      {
        cwd: work,
      },
    );
    assert.equal(exact.code, 0, exact.stderr);
    assert.match(exact.stdout, /^installed ingot-plugin-e2e-yank@1\.1\.0 into /);
    assert.match(exact.stderr, /warning: ingot-plugin-e2e-yank@1\.1\.0 is yanked: bad release/);
    const lock = JSON.parse(readFileSync(join(work, "ingot.lock"), "utf8"));
    assert.equal(lock.plugins["ingot-plugin-e2e-yank"].version, "1.1.0");
    const pkg = JSON.parse(readFileSync(join(dir, "ingot-plugin-e2e-yank", "package.json"), "utf8"));
    assert.equal(pkg.version, "1.1.0");
  });
});

test("a tampered artifact in the registry's storage is refused at install", () => {
  const src = writeTree(join(root, "src", "tamper"), pluginFiles("ingot-plugin-e2e-tamper", "1.0.0", "e2e.tamper"));
  assert.equal(publish(src).code, 0);
  const stored = join(registryStorage, "packages", "ingot-plugin-e2e-tamper", "1.0.0.tgz");
  const bytes = readFileSync(stored);
  bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff;
  writeFileSync(stored, bytes);
  const work = join(root, "work-tamper");
  mkdirSync(work);
  const inst = ingot(["plugins", "install", "ingot-plugin-e2e-tamper", "--registry", url], { cwd: work });
  assert.equal(inst.code, 1);
  assert.match(inst.stderr, /does not match its integrity; refusing to serve it/);
  assert.ok(!existsSync(join(work, "data-ingot", "plugins", "ingot-plugin-e2e-tamper")));
});

test("a plugin pack installs every plugin it holds; discovery finds them and a config uses both", async () => {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "ingot-pack-e2e", version: "0.3.0" }),
    "ingot-pack.json": JSON.stringify({ plugins: ["plugins/a", "plugins/b"] }),
  };
  for (const [dir, comp] of [
    ["a", "e2epack.a"],
    ["b", "e2epack.b"],
  ] as const) {
    for (const [p, d] of Object.entries(pluginFiles(`ingot-e2e-pack-${dir}`, "0.3.0", comp)))
      files[`plugins/${dir}/${p}`] = d;
  }
  const pub = publish(writeTree(join(root, "src", "pack"), files));
  assert.equal(pub.code, 0, pub.stderr);
  assert.match(pub.stdout, /^published ingot-pack-e2e@0\.3\.0 \(pack\)/);
  const work = join(root, "work-pack");
  mkdirSync(work);
  const inst = ingot(["plugins", "install", "ingot-pack-e2e", "--registry", url, "--storage.path", "store"], {
    cwd: work,
  });
  assert.equal(inst.code, 0, inst.stderr);
  assert.match(inst.stdout, /components: e2epack\.a, e2epack\.b\n/);
  const listed = JSON.parse(
    ingot(["plugins", "list", "--format", "json", "--storage.path", "store"], { cwd: work }).stdout,
  ) as { name: string; status: string }[];
  assert.deepEqual(
    listed.filter((p) => p.name.startsWith("ingot-e2e-pack-")).map((p) => [p.name, p.status]),
    [
      ["ingot-e2e-pack-a", "ok"],
      ["ingot-e2e-pack-b", "ok"],
    ],
  );

  // A config using a component of each plugin in the pack runs with no extra flags.
  writeFileSync(
    join(work, "config.alloy"),
    'e2epack.a "x" {\n  text = "from a"\n}\n\ne2epack.b "y" {\n  text = e2epack.a.x.upper\n}\n',
  );
  run = await runConfig("config.alloy", { cwd: work, storagePath: "store" });
  const running = run;
  const b = await componentDetail(running, "e2epack.b.y");
  assert.equal(b.health.state, "healthy");
  assert.deepEqual(b.plugin, { name: "ingot-e2e-pack-b", version: "0.3.0" });
  assert.equal(exportValue(b, "upper"), "FROM A");
  running.proc.kill("SIGTERM");
  await running.exited;
  run = undefined;
});

test("install verifies integrity itself (a registry serving altered bytes is refused) and shows progress", async () => {
  const { createRegistryServer, FileStorage, packDirectory } = await import("@ingot/registry");
  const storageRoot = join(root, "lax-registry");
  const app = createRegistryServer({ storage: new FileStorage(storageRoot), tokens: [TOKEN], verifyOnRead: false });
  const laxUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const client = new RegistryClient(laxUrl, TOKEN);
    // Big enough (incompressible) for progress lines.
    const big = writeTree(join(root, "src", "big"), pluginFiles("ingot-plugin-e2e-big", "1.0.0", "e2e.big"));
    writeFileSync(join(big, "blob.bin"), randomBytes(3 * 1024 * 1024));
    await client.publish("ingot-plugin-e2e-big", "1.0.0", await packDirectory(big));
    const work = join(root, "work-lax");
    mkdirSync(work);
    const ok = await ingotAsync(["plugins", "install", "ingot-plugin-e2e-big", "--registry", laxUrl], work);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^downloading ingot-plugin-e2e-big@1\.0\.0: \d+\.\d MiB \/ 3\.\d MiB \(\d+%\)\n/);
    assert.match(ok.stderr, /downloading ingot-plugin-e2e-big@1\.0\.0: 3\.\d MiB \/ 3\.\d MiB \(100%\)\n$/);

    const stored = join(storageRoot, "packages", "ingot-plugin-e2e-big", "1.0.0.tgz");
    const bytes = readFileSync(stored);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff;
    writeFileSync(stored, bytes);
    const bad = await ingotAsync(["plugins", "install", "ingot-plugin-e2e-big", "--registry", laxUrl], work);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /Error: integrity mismatch for ingot-plugin-e2e-big@1\.0\.0: expected sha512-\S+, got sha512-\S+\n$/,
    );
    // The earlier good install is untouched.
    assert.equal(
      JSON.parse(readFileSync(join(work, "ingot.lock"), "utf8")).plugins["ingot-plugin-e2e-big"].version,
      "1.0.0",
    );
    assert.ok(existsSync(join(work, "data-ingot", "plugins", "ingot-plugin-e2e-big", "blob.bin")));
  } finally {
    await app.close();
  }
});
