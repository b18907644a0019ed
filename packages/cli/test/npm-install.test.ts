// `ingot plugins install --npm-registry`: the npm registry protocol against a small
// npm-compatible server on 127.0.0.1 (packuments and tarballs packed with the
// registry's packDirectory): ranges, dist-tags, deprecation, sha512 integrity and the
// sha1 shasum fallback, tampering, discovery's checks, the lockfile, flag errors.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { integrityOf, packDirectory } from "@ingot/registry";
import { parseArgs } from "../src/args.js";
import { pluginsCommand } from "../src/cmd-plugins.js";
import { installSourceFromArgs } from "../src/cmd-plugins-install.js";
import { cliInProcess, pluginManifest } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ingot-npm-install-"));
let server: Server;
let url = "";
const seen: { path: string; accept: string }[] = [];

interface Published {
  bytes: Buffer;
  dist?: { integrity?: string; shasum?: string };
  deprecated?: string;
}
const packages = new Map<string, { tags: Record<string, string>; versions: Map<string, Published> }>();

function pluginTree(name: string, version: string, component: string, pluginApi = "^1.0.0"): string {
  const dir = join(root, "src", `${name.replace("/", "+")}-${version}`);
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name, version, type: "module", description: `npm plugin ${name}` }),
    "ingot-plugin.json": pluginManifest(component, { pluginApi }),
    "index.js": "export default { components: {} };\n",
  };
  for (const [p, d] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), d);
  }
  return dir;
}

async function publish(
  name: string,
  version: string,
  opts: { component?: string; pluginApi?: string; dist?: "integrity" | "shasum" | "none"; deprecated?: string } = {},
): Promise<Buffer> {
  const bytes = await packDirectory(pluginTree(name, version, opts.component ?? "npmtest.noop", opts.pluginApi));
  const sha1 = createHash("sha1").update(bytes).digest("hex");
  const dist =
    opts.dist === "none"
      ? {}
      : opts.dist === "shasum"
        ? { shasum: sha1 }
        : { integrity: `${integrityOf(bytes)} sha1-${Buffer.from(sha1, "hex").toString("base64")}`, shasum: sha1 };
  const pkg = packages.get(name) ?? { tags: {}, versions: new Map() };
  pkg.versions.set(version, { bytes, dist, ...(opts.deprecated ? { deprecated: opts.deprecated } : {}) });
  packages.set(name, pkg);
  return bytes;
}

function packument(name: string) {
  const pkg = packages.get(name);
  if (!pkg) return undefined;
  const versions: Record<string, unknown> = {};
  for (const [v, p] of pkg.versions) {
    versions[v] = {
      name,
      version: v,
      ...(p.deprecated ? { deprecated: p.deprecated } : {}),
      dist: { ...p.dist, tarball: `${url}/${name}/-/${name.split("/").pop()}-${v}.tgz` },
    };
  }
  return { name, "dist-tags": pkg.tags, versions };
}

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "";
    seen.push({ path, accept: String(req.headers.accept) });
    const tgz = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tgz) {
      const p = packages.get(decodeURIComponent(tgz[1] as string))?.versions.get(tgz[2] as string);
      if (!p) return res.writeHead(404).end();
      return res.writeHead(200, { "content-type": "application/octet-stream" }).end(p.bytes);
    }
    const doc = packument(decodeURIComponent(path.slice(1)));
    if (!doc) return res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    return res.writeHead(200, { "content-type": "application/vnd.npm.install-v1+json" }).end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

const cli = cliInProcess;

function install(spec: string, dir: string, ...extra: string[]) {
  return cli([
    "plugins",
    "install",
    spec,
    "--npm-registry",
    url,
    "--plugins.path",
    join(dir, "plugins"),
    "--lockfile",
    join(dir, "ingot.lock"),
    ...extra,
  ]);
}

function installedVersion(dir: string, name: string): string {
  return JSON.parse(readFileSync(join(dir, "plugins", ...name.split("/"), "package.json"), "utf8")).version;
}

test("ranges resolve as npm does: latest tag first, non-deprecated preferred, dist-tags, prereleases", async () => {
  const name = "ingot-plugin-npm-ranges";
  await publish(name, "1.0.0");
  const v110 = await publish(name, "1.1.0");
  await publish(name, "1.2.0", { deprecated: "use 1.1.0, 1.2.0 leaks memory" });
  await publish(name, "2.0.0-beta.1");
  (packages.get(name) as { tags: Record<string, string> }).tags = { latest: "1.1.0", next: "2.0.0-beta.1" };
  const dir = join(root, "ranges");

  const r = await install(`${name}@^1`, dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(
    r.stdout,
    new RegExp(`^installed ${name}@1\\.1\\.0 into \\S+\\n  integrity: sha512-\\S+\\n  components: npmtest\\.noop\\n$`),
  );
  assert.equal(installedVersion(dir, name), "1.1.0");
  const lock = JSON.parse(readFileSync(join(dir, "ingot.lock"), "utf8"));
  assert.deepEqual(lock.plugins[name], {
    version: "1.1.0",
    resolved: `${url}/${name}/-/${name}-1.1.0.tgz`,
    integrity: integrityOf(v110),
    registry: url,
    protocol: "npm",
    path: join(dir, "plugins", name),
  });
  const packumentReq = seen.find((s) => s.path === `/${name}`);
  assert.match(packumentReq?.accept ?? "", /^application\/vnd\.npm\.install-v1\+json/);

  const dep = await install(`${name}@~1.2`, dir);
  assert.equal(dep.code, 0, dep.stderr);
  assert.equal(dep.stderr, `warning: ${name}@1.2.0 is deprecated: use 1.1.0, 1.2.0 leaks memory\n`);
  assert.equal(installedVersion(dir, name), "1.2.0");

  assert.equal((await install(name, dir)).code, 0);
  assert.equal(installedVersion(dir, name), "1.1.0", "no range: the latest tag");
  assert.equal((await install(`${name}@next`, dir)).code, 0);
  assert.equal(installedVersion(dir, name), "2.0.0-beta.1");
  assert.equal((await install(`${name}@>=1.1.1`, dir)).code, 0);
  assert.equal(installedVersion(dir, name), "1.2.0", "deprecated only when nothing else satisfies");

  const none = await install(`${name}@^3`, dir);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, `Error: no version of ${name} satisfies "^3"\n`);
  assert.match((await install(`${name}@not a range!`, dir)).stderr, /invalid semver range or dist-tag "not a range!"/);
  assert.match(
    (await install("ingot-plugin-npm-missing", dir)).stderr,
    new RegExp(`Error: package ingot-plugin-npm-missing not found in npm registry ${url}`),
  );
  const listed = await cli(["plugins", "list", "--plugins.path", join(dir, "plugins")]);
  assert.match(listed.stdout, new RegExp(`${name} 1\\.2\\.0 \\(ok\\)`));
});

test("scoped names: @scope%2fname packument URL", async () => {
  await publish("@acme/ingot-plugin-npm-scoped", "0.3.0");
  const dir = join(root, "scoped");
  const r = await install("@acme/ingot-plugin-npm-scoped@^0.3", dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(seen.some((s) => s.path === "/@acme%2Fingot-plugin-npm-scoped"));
  assert.equal(installedVersion(dir, "@acme/ingot-plugin-npm-scoped"), "0.3.0");
});

test("integrity: a tampered tarball is refused; sha1 shasum only warns; neither refuses", async () => {
  const name = "ingot-plugin-npm-integrity";
  await publish(name, "1.0.0");
  const good = packages.get(name)?.versions.get("1.0.0") as Published;
  good.bytes = await packDirectory(pluginTree(name, "1.0.0", "npmtest.evil"));
  const dir = join(root, "integrity");
  const bad = await install(`${name}@1.0.0`, dir);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    new RegExp(`^Error: integrity mismatch for ${name}@1\\.0\\.0: expected sha512-\\S+, got sha512-`),
  );
  assert.equal(existsSync(join(dir, "plugins", name)), false);
  assert.equal(existsSync(join(dir, "ingot.lock")), false);

  await publish(name, "1.1.0", { dist: "shasum" });
  const weak = await install(`${name}@1.1.0`, dir);
  assert.equal(weak.code, 0, weak.stderr);
  assert.equal(weak.stderr, `warning: ${name}@1.1.0 has no sha512 dist.integrity; verified only its sha1 shasum\n`);
  const lock = JSON.parse(readFileSync(join(dir, "ingot.lock"), "utf8"));
  assert.equal(lock.plugins[name].integrity, integrityOf(packages.get(name)?.versions.get("1.1.0")?.bytes as Buffer));

  (packages.get(name)?.versions.get("1.1.0") as Published).dist = { shasum: "0".repeat(40) };
  assert.match(
    (await install(`${name}@1.1.0`, dir)).stderr,
    /integrity mismatch for .*: expected sha1 0{40}, got sha1 /,
  );
  await publish(name, "1.2.0", { dist: "none" });
  assert.match(
    (await install(`${name}@1.2.0`, dir)).stderr,
    /1\.2\.0 declares neither dist\.integrity nor dist\.shasum; refusing it/,
  );
  assert.equal(installedVersion(dir, name), "1.1.0", "failed installs leave the installed version alone");
});

test("discovery's checks and artifact checks apply; nothing is left behind", async () => {
  await publish("ingot-plugin-npm-future", "1.0.0", { pluginApi: "^99.0.0" });
  const dir = join(root, "checks");
  const r = await install("ingot-plugin-npm-future", dir);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^Error: plugin ingot-plugin-npm-future@1\.0\.0 \(from ingot-plugin-npm-future@1\.0\.0\) refused: /,
  );
  assert.deepEqual(readdirSync(join(dir, "plugins")), []);

  // An ordinary npm package (no Ingot manifest).
  const plain = join(root, "src", "left-pad");
  mkdirSync(plain, { recursive: true });
  writeFileSync(join(plain, "package.json"), JSON.stringify({ name: "left-pad-npm", version: "1.3.0" }));
  writeFileSync(join(plain, "index.js"), "module.exports = () => {};\n");
  const bytes = await packDirectory(plain);
  packages.set("left-pad-npm", {
    tags: { latest: "1.3.0" },
    versions: new Map([["1.3.0", { bytes, dist: { integrity: integrityOf(bytes) } }]]),
  });
  assert.match((await install("left-pad-npm", dir)).stderr, /^Error: left-pad-npm@1\.3\.0 refused: missing manifest/);
});

test("flags: --registry and --npm are exclusive; --npm uses $INGOT_NPM_REGISTRY, else registry.npmjs.org", async () => {
  const r = await cli(["plugins", "install", "x", "--registry", url, "--npm"]);
  assert.equal(r.stderr, "Error: --registry (an Ingot registry) and --npm/--npm-registry are exclusive\n");
  assert.match((await cli(["plugins", "install", "x", "--npm-registry", "nope"])).stderr, /not a URL/);
  const saved = process.env.INGOT_NPM_REGISTRY;
  delete process.env.INGOT_NPM_REGISTRY;
  const parse = (argv: string[]) => installSourceFromArgs(parseArgs(argv, pluginsCommand.flags));
  assert.deepEqual(parse(["--npm"]), { protocol: "npm", url: "https://registry.npmjs.org" });
  assert.deepEqual(parse(["--npm", "--npm-registry", url]), { protocol: "npm", url });
  assert.deepEqual(parse(["--registry", url]), { protocol: "ingot", url });
  process.env.INGOT_NPM_REGISTRY = url;
  try {
    const dir = join(root, "env");
    await publish("ingot-plugin-npm-env", "1.0.0");
    const e = await cli([
      "plugins",
      "install",
      "ingot-plugin-npm-env",
      "--npm",
      "--plugins.path",
      join(dir, "p"),
      "--lockfile",
      join(dir, "l"),
    ]);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, "l"), "utf8")).plugins["ingot-plugin-npm-env"].registry, url);
  } finally {
    if (saved === undefined) delete process.env.INGOT_NPM_REGISTRY;
    else process.env.INGOT_NPM_REGISTRY = saved;
  }
});
