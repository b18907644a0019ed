// Remote imports: import.http against a real HTTP server on 127.0.0.1 and import.git
// against Debian's `git http-backend`, with the cache and ingot.lock: a failed fetch
// keeps the last good content, the lock refuses unpinned content until
// updateModulesLock (`ingot modules update`), a restart with the source gone runs from
// the cache, a tampered cached file is refused. Alloy's import_http and import_git
// scenarios run too.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { conformancePath } from "@ingot/testkit";
import { S3RVER_CREDENTIALS, startS3rver } from "@ingot/testkit/s3rver";
import { type IngotRuntime, updateModulesLock } from "../src/index.js";
import { type GitServer, git, startGitServer } from "./helpers/git-http.js";
import { newRuntime, tempDir } from "./helpers.js";
import { runScenario, scenarioFiles, TESTCOMPONENTS_PLUGIN, waitFor } from "./module-scenarios.js";

const PASSTHROUGH = `declare "a" {
  argument "input" {}

  testcomponents.passthrough "pt" {
    input = argument.input.value
    lag = "1ms"
  }

  export "output" {
    value = testcomponents.passthrough.pt.output
  }
}
`;

const constModule = (v: string) => `declare "v" {\n  export "out" {\n    value = "${v}"\n  }\n}\n`;

interface ModuleServer {
  url: string;
  /** What GET returns: [status, body]. */
  respond: (req: IncomingMessage) => [number, string];
  close(): Promise<void>;
}

async function startModuleServer(respond: ModuleServer["respond"]): Promise<ModuleServer> {
  const s: ModuleServer = { url: "", respond, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const [status, body] = s.respond(req);
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return s;
}

function exportOf(runtime: IngotRuntime, id: string, name: string): unknown {
  const st = runtime.component(id)?.exports.find((s) => s.name === name) as { value?: { value?: unknown } } | undefined;
  return st?.value?.value;
}

function errors(r: { diagnostics: { severity: string; message: string }[] }): string[] {
  return r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
}

async function start(configDir: string, storagePath: string, text: string) {
  const { runtime } = await newRuntime([TESTCOMPONENTS_PLUGIN], { storagePath });
  const r = await runtime.load([{ name: join(configDir, "config.alloy"), text }]);
  return { runtime, r };
}

describe("modules: import.http", () => {
  it("import_http scenarios (module served from 127.0.0.1)", async () => {
    const server = await startModuleServer(() => [200, PASSTHROUGH]);
    try {
      for (const file of scenarioFiles("import_http")) {
        await runScenario(file, {
          rewriteMain: (t) => t.replace(/url = "https:\/\/[^"]*"/, `url = "${server.url}/module_passthrough.river"`),
        });
      }
    } finally {
      await server.close();
    }
  });

  it("polls, keeps the last good content, pins with ingot.lock, runs from the cache, refuses a tampered cache", async () => {
    let body = constModule("one");
    let status = 200;
    const server = await startModuleServer(() => [status, body]);
    const dir = tempDir("ingot-http-");
    const storage = join(dir, "data");
    const config = `import.http "lib" {\n  url = "${server.url}/lib.alloy"\n  poll_frequency = "30ms"\n}\nlib.v "x" {}\n`;
    const value = (rt: IngotRuntime) => exportOf(rt, "lib.v.x", "out");
    const importHealth = (rt: IngotRuntime) => rt.component("import.http.lib")?.health;
    let { runtime, r } = await start(dir, storage, config);
    try {
      assert.deepEqual(errors(r), []);
      assert.equal(value(runtime), "one");
      assert.deepEqual(readdirSync(join(storage, "modules")), ["http"]);

      // A change at the source is picked up at the next poll.
      body = constModule("two");
      await waitFor("two", () => value(runtime) === "two");

      // A failing source keeps the last good content; the import is unhealthy.
      status = 500;
      await waitFor("unhealthy", () => importHealth(runtime)?.state === "unhealthy");
      assert.match(importHealth(runtime)?.message ?? "", /unexpected status code 500.*running the cached content/);
      assert.equal(value(runtime), "two");
      status = 200;
      await waitFor("healthy again", () => importHealth(runtime)?.state === "healthy");

      // Pin: ingot.lock records it; the plugins key is kept.
      const lockPath = join(dir, "ingot.lock");
      writeFileSync(lockPath, JSON.stringify({ lockfileVersion: 1, plugins: { p: { version: "1.0.0" } } }));
      const u = await updateModulesLock({
        sources: [{ name: join(dir, "config.alloy"), text: config }],
        storagePath: storage,
      });
      assert.deepEqual(u.errors, []);
      const lock = JSON.parse(readFileSync(lockPath, "utf8"));
      assert.deepEqual(lock.plugins, { p: { version: "1.0.0" } });
      const key = `import.http.lib ${server.url}/lib.alloy`;
      assert.deepEqual(Object.keys(lock.modules), [key]);
      assert.equal(lock.modules[key].kind, "http");
      assert.equal(lock.modules[key].location, `${server.url}/lib.alloy`);
      assert.match(lock.modules[key].integrity, /^sha512-/);
      assert.deepEqual(lock.modules[key].files, ["lib.alloy"]);

      // New content does not match the lock: refused, the pinned content keeps running.
      body = constModule("three");
      await waitFor("refused", () => /does not match ingot\.lock/.test(importHealth(runtime)?.message ?? ""));
      assert.equal(importHealth(runtime)?.state, "unhealthy");
      assert.equal(value(runtime), "two");

      // `ingot modules update` accepts it.
      const u2 = await updateModulesLock({
        sources: [{ name: join(dir, "config.alloy"), text: config }],
        storagePath: storage,
      });
      assert.deepEqual(u2.errors, []);
      await waitFor("three after the update", () => value(runtime) === "three");
      await waitFor("healthy", () => importHealth(runtime)?.state === "healthy");
      await runtime.shutdown(5000);

      // Restart with the source gone: runs from the cache, verified against the lock.
      await server.close();
      ({ runtime, r } = await start(dir, storage, config));
      assert.deepEqual(errors(r), []);
      assert.equal(value(runtime), "three");
      await waitFor("unhealthy (source gone)", () => importHealth(runtime)?.state === "unhealthy");
      assert.equal(value(runtime), "three");
      await runtime.shutdown(5000);

      // A tampered cached file is refused.
      const cacheDir = join(storage, "modules", "http");
      const [entry] = readdirSync(cacheDir);
      writeFileSync(join(cacheDir, entry as string, "files", "lib.alloy"), constModule("evil"));
      ({ runtime, r } = await start(dir, storage, config));
      assert.equal(value(runtime), undefined);
      assert.ok(
        errors(r).some((m) => /does not match its integrity/.test(m)),
        `expected an integrity error, got ${JSON.stringify(errors(r))}`,
      );
    } finally {
      await runtime.shutdown(5000);
      await server.close();
    }
  });

  it("sends method, headers and client auth", async () => {
    const seen: { method?: string; auth?: string; header?: string }[] = [];
    const server = await startModuleServer((req) => {
      seen.push({ method: req.method, auth: req.headers.authorization, header: req.headers["x-team"] as string });
      return req.headers.authorization === `Basic ${Buffer.from("u:p").toString("base64")}`
        ? [200, constModule("ok")]
        : [401, "no"];
    });
    const dir = tempDir("ingot-http-auth-");
    try {
      const cfg = (auth: string) =>
        `import.http "lib" {\n  url = "${server.url}/m.alloy"\n  method = "POST"\n  headers = { "x-team" = "obs" }\n  client {\n${auth}\n  }\n}\nlib.v "x" {}\n`;
      let { runtime, r } = await start(
        dir,
        join(dir, "d1"),
        cfg(`    basic_auth {\n      username = "u"\n      password = "p"\n    }`),
      );
      assert.deepEqual(errors(r), []);
      assert.equal(exportOf(runtime, "lib.v.x", "out"), "ok");
      assert.deepEqual(seen[0], {
        method: "POST",
        auth: `Basic ${Buffer.from("u:p").toString("base64")}`,
        header: "obs",
      });
      await runtime.shutdown(5000);
      ({ runtime, r } = await start(dir, join(dir, "d2"), cfg(`    bearer_token = "t"`)));
      assert.ok(errors(r).some((m) => /unexpected status code 401/.test(m)));
      assert.equal(seen.at(-1)?.auth, "Bearer t");
      await runtime.shutdown(5000);
    } finally {
      await server.close();
    }
  });
});

/** Unpacks Alloy's test repositories and points nested.alloy at the served repo2.git. */
function unpackAlloyRepos(root: string, url: string): void {
  const testdata = conformancePath("alloy", "internal", "runtime", "testdata");
  for (const name of ["repo", "repo2"]) {
    const dest = join(root, `${name}.git`);
    spawnSync("mkdir", ["-p", dest]);
    const t = spawnSync("tar", ["--no-same-owner", "-xf", join(testdata, `${name}.git.tar`), "-C", dest]);
    if (t.status !== 0) throw new Error(`untar ${name}.git.tar: ${t.stderr}`);
  }
  const repo = join(root, "repo.git");
  const nested = join(repo, "nested.alloy");
  writeFileSync(nested, readFileSync(nested, "utf8").replace("./testdata/repo2.git", `${url}/repo2.git`));
  git(repo, "commit", "-q", "-am", "serve repo2 over http");
}

describe("modules: import.git", () => {
  let server: GitServer;
  let root: string;
  before(async () => {
    root = tempDir("ingot-git-root-");
    server = await startGitServer(root, { username: "git", password: "secret" });
  });
  after(() => server.close());

  it("import_git scenarios (git http-backend on 127.0.0.1)", async () => {
    const plain = await startGitServer(root);
    try {
      unpackAlloyRepos(root, plain.url);
      for (const file of scenarioFiles("import_git")) {
        await runScenario(file, {
          rewriteMain: (t) => t.replace(`"./testdata/repo.git"`, `"${plain.url}/repo.git"`),
        });
      }
    } finally {
      await plain.close();
    }
  });

  it("follows a branch at each pull, pins a tag, uses basic_auth, runs from the cache", async () => {
    const work = join(root, "mods.git");
    spawnSync("mkdir", ["-p", join(work, "lib")]);
    git(work, "init", "-q", "-b", "main");
    writeFileSync(join(work, "lib", "v.alloy"), constModule("one"));
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "one");
    git(work, "tag", "v1");
    const dir = tempDir("ingot-git-");
    const storage = join(dir, "data");
    const block = (label: string, rev: string, path: string) =>
      `import.git "${label}" {\n  repository = "${server.url}/mods.git"\n  revision = "${rev}"\n  path = "${path}"\n  pull_frequency = "50ms"\n  basic_auth {\n    username = "git"\n    password = "secret"\n  }\n}\n`;
    const config = `${block("head", "main", "lib") + block("tag", "v1", "lib/v.alloy")}head.v "x" {}\ntag.v "y" {}\n`;
    let { runtime, r } = await start(dir, storage, config);
    try {
      assert.deepEqual(errors(r), []);
      assert.equal(exportOf(runtime, "head.v.x", "out"), "one");
      assert.equal(exportOf(runtime, "tag.v.y", "out"), "one");

      writeFileSync(join(work, "lib", "v.alloy"), constModule("two"));
      git(work, "commit", "-q", "-am", "two");
      await waitFor("the new commit", () => exportOf(runtime, "head.v.x", "out") === "two", 10_000);
      assert.equal(exportOf(runtime, "tag.v.y", "out"), "one");
      await runtime.shutdown(5000);

      // Restart with the server gone: both run from the cache.
      await server.close();
      ({ runtime, r } = await start(dir, storage, config));
      assert.deepEqual(errors(r), []);
      assert.equal(exportOf(runtime, "head.v.x", "out"), "two");
      assert.equal(exportOf(runtime, "tag.v.y", "out"), "one");
      assert.equal(runtime.component("import.git.head")?.health.state, "unhealthy");
    } finally {
      await runtime.shutdown(5000);
    }
  });

  it("refuses a repository without the right credentials", async () => {
    const s = await startGitServer(root, { username: "git", password: "other" });
    const dir = tempDir("ingot-git-auth-");
    try {
      const cfg = `import.git "m" {\n  repository = "${s.url}/repo2.git"\n  path = "pass.alloy"\n}\n`;
      const { runtime, r } = await start(dir, join(dir, "data"), cfg);
      await runtime.shutdown(5000);
      assert.ok(
        errors(r).some((m) => /fetching .*repo2\.git/.test(m)),
        JSON.stringify(errors(r)),
      );
    } finally {
      await s.close();
    }
  });
});

describe("modules: import.registry", () => {
  it("resolves a range, picks up a newer matching version at the next poll unless locked", async () => {
    const { createRegistryServer, FileStorage, packDirectory, RegistryClient } = await import("@ingot/registry");
    const root = tempDir("ingot-reg-");
    const app = createRegistryServer({ storage: new FileStorage(join(root, "store")), tokens: ["tok"] });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const client = new RegistryClient(url, "tok");
    const publish = async (version: string, value: string) => {
      const d = join(root, `mod-${version}`);
      spawnSync("mkdir", ["-p", join(d, "lib")]);
      writeFileSync(join(d, "lib", "v.alloy"), constModule(value));
      const manifest = {
        name: "acme-lib",
        version,
        files: ["lib/v.alloy"],
        declares: [{ name: "v", file: "lib/v.alloy", arguments: { type: "object" }, exports: { type: "object" } }],
      };
      writeFileSync(join(d, "ingot-module.json"), JSON.stringify(manifest));
      await client.publish("acme-lib", version, await packDirectory(d));
    };
    const dir = tempDir("ingot-reg-cfg-");
    const storage = join(dir, "data");
    const config = `import.registry "acme" {\n  name = "acme-lib"\n  version = "^1.0.0"\n  registry = "${url}"\n  poll_frequency = "30ms"\n}\nacme.v "x" {}\n`;
    let runtime: IngotRuntime | undefined;
    try {
      await publish("1.0.0", "one");
      await publish("2.0.0", "major");
      const s = await start(dir, storage, config);
      runtime = s.runtime;
      const rt = runtime;
      assert.deepEqual(errors(s.r), []);
      assert.equal(exportOf(rt, "acme.v.x", "out"), "one");

      await publish("1.1.0", "two");
      await waitFor("1.1.0", () => exportOf(rt, "acme.v.x", "out") === "two");

      const u = await updateModulesLock({
        sources: [{ name: join(dir, "config.alloy"), text: config }],
        storagePath: storage,
      });
      assert.deepEqual(u.errors, []);
      const entry = [...u.modules.values()][0];
      assert.equal(entry?.kind, "registry");
      assert.equal(entry?.revision, "1.1.0");
      assert.equal(entry?.location, `${url}/acme-lib@^1.0.0`);

      await publish("1.2.0", "three");
      await waitFor("refused", () =>
        /1\.2\.0.*does not match ingot\.lock/.test(rt.component("import.registry.acme")?.health.message ?? ""),
      );
      assert.equal(exportOf(rt, "acme.v.x", "out"), "two");
    } finally {
      await runtime?.shutdown(5000);
      await app.close();
    }
  });
});

describe("modules: import.s3", () => {
  it("reads an object or a prefix from s3rver, follows changes, refuses key and prefix together", async () => {
    const { PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
    const server = await startS3rver({ buckets: ["mods"] });
    const { endpoint } = server;
    const credentials = S3RVER_CREDENTIALS;
    const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials });
    const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: "mods", Key, Body }));
    const dir = tempDir("ingot-s3-cfg-");
    const block = (label: string, where: string) =>
      `import.s3 "${label}" {\n  bucket = "mods"\n  ${where}\n  endpoint = "${endpoint}"\n  force_path_style = true\n  poll_frequency = "30ms"\n  client {\n    key = "S3RVER"\n    secret = "S3RVER"\n  }\n}\n`;
    let runtime: IngotRuntime | undefined;
    try {
      await put("one/v.alloy", constModule("one"));
      await put("lib/a.alloy", 'declare "a" {\n  export "out" {\n    value = "a"\n  }\n}\n');
      await put("lib/b.alloy", 'declare "b" {\n  export "out" {\n    value = "b"\n  }\n}\n');
      await put("lib/readme.txt", "not a module");
      const config = `${block("single", `key = "one/v.alloy"`)}${block("dir", `prefix = "lib/"`)}single.v "x" {}\ndir.a "y" {}\ndir.b "z" {}\n`;
      const s = await start(dir, join(dir, "data"), config);
      runtime = s.runtime;
      const rt = runtime;
      assert.deepEqual(errors(s.r), []);
      assert.equal(exportOf(rt, "single.v.x", "out"), "one");
      assert.equal(exportOf(rt, "dir.a.y", "out"), "a");
      assert.equal(exportOf(rt, "dir.b.z", "out"), "b");

      await put("one/v.alloy", constModule("two"));
      await waitFor("two", () => exportOf(rt, "single.v.x", "out") === "two");

      const bad = await start(dir, join(dir, "data2"), block("both", `key = "a"\n  prefix = "b"`));
      await bad.runtime.shutdown(5000);
      assert.ok(
        errors(bad.r).some((m) => /exactly one of key and prefix/.test(m)),
        JSON.stringify(errors(bad.r)),
      );
    } finally {
      await runtime?.shutdown(5000);
      s3.destroy();
      await server.close();
    }
  });
});
