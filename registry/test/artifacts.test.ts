// Bad tarballs are refused with their reason (over HTTP: 400); modules and packs are
// checked; packing is deterministic and what it packs reads back as it was.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import {
  inspectArtifact,
  PACK_MTIME,
  packDirectory,
  packFileList,
  RegistryClient,
  readTarball,
  validateModuleManifest,
} from "../src/index.js";
import {
  entriesOf,
  pluginFiles,
  rawTgz,
  startRegistry,
  type TestRegistry,
  TOKEN,
  tempDir,
  writeTree,
} from "./helpers.js";

let reg: TestRegistry;
let client: RegistryClient;
before(async () => {
  reg = await startRegistry({ maxArtifactSize: 64 * 1024, maxUnpackedSize: 256 * 1024 });
  client = new RegistryClient(reg.url, TOKEN);
});
after(() => reg.close());

const NAME = "ingot-plugin-bad";
const good = entriesOf(pluginFiles(NAME, "1.0.0"));
const without = (path: string) => good.filter((e) => e.path !== `package/${path}`);

const badCases: { name: string; body: Buffer; reason: RegExp }[] = [
  {
    name: "path traversal",
    body: rawTgz([...good, { path: "package/../../etc/evil", data: "x" }]),
    reason: /entry "package\/\.\.\/\.\.\/etc\/evil" contains "\.\." \(path traversal\)/,
  },
  {
    name: "absolute path",
    body: rawTgz([...good, { path: "/etc/evil", data: "x" }]),
    reason: /entry "\/etc\/evil" is an absolute path/,
  },
  {
    name: "symlink escaping the package",
    body: rawTgz([...good, { path: "package/link", type: "SymbolicLink", linkpath: "../../../etc/passwd" }]),
    reason: /symlink "package\/link" -> "\.\.\/\.\.\/\.\.\/etc\/passwd" points outside the package/,
  },
  {
    name: "absolute symlink",
    body: rawTgz([...good, { path: "package/link", type: "SymbolicLink", linkpath: "/etc/passwd" }]),
    reason: /symlink "package\/link" -> "\/etc\/passwd" points outside the package/,
  },
  {
    name: "entry below a symlink",
    body: rawTgz([
      ...good,
      { path: "package/a/b/up", type: "SymbolicLink", linkpath: "../.." },
      { path: "package/a/b/up/x", type: "SymbolicLink", linkpath: "../secret" },
    ]),
    reason: /entry "package\/a\/b\/up\/x" lies below the symlink "package\/a\/b\/up"/,
  },
  {
    name: "hard link escaping the package",
    body: rawTgz([...good, { path: "package/hard", type: "Link", linkpath: "/etc/passwd" }]),
    reason: /hard link "package\/hard" -> "\/etc\/passwd" points outside the package/,
  },
  {
    name: "device file",
    body: rawTgz([...good, { path: "package/dev", type: "CharacterDevice" }]),
    reason: /entry "package\/dev" has unsupported type CharacterDevice/,
  },
  {
    name: "oversize artifact",
    body: rawTgz([
      ...good,
      {
        path: "package/blob.bin",
        data: Buffer.from(Array.from({ length: 100_000 }, () => Math.floor(Math.random() * 256))),
      },
    ]),
    reason: /artifact is larger than the limit of 65536 bytes/,
  },
  {
    name: "oversize unpacked contents (gzip bomb)",
    body: rawTgz([...good, { path: "package/zeros.bin", data: Buffer.alloc(2 * 1024 * 1024) }]),
    reason: /unpacked contents are larger than the limit of 262144 bytes/,
  },
  {
    name: "missing manifest",
    body: rawTgz(without("ingot-plugin.json")),
    reason: /missing manifest: the package holds none of ingot-plugin\.json, ingot-pack\.json, ingot-module\.json/,
  },
  {
    name: "invalid manifest",
    body: rawTgz([
      ...without("ingot-plugin.json"),
      {
        path: "package/ingot-plugin.json",
        data: JSON.stringify({ pluginApi: "^1.0.0", entry: "./index.js", components: [] }),
      },
    ]),
    reason: /invalid ingot-plugin\.json: components/,
  },
  {
    name: "manifest that is not JSON",
    body: rawTgz([...without("ingot-plugin.json"), { path: "package/ingot-plugin.json", data: "{nope" }]),
    reason: /ingot-plugin\.json is not valid JSON/,
  },
  {
    name: "entry missing from the package",
    body: rawTgz(without("index.js")),
    reason: /entry "\.\/index\.js" is not in the package/,
  },
  {
    name: "missing package.json",
    body: rawTgz(without("package.json")),
    reason: /missing package\.json/,
  },
  { name: "not gzip", body: Buffer.from("just some text, not a tarball"), reason: /not a gzip-compressed tarball/ },
  {
    name: "gzip but not tar",
    body: gzipSync(Buffer.from("x".repeat(2000))),
    reason: /not a valid tar archive|not a tar archive/,
  },
  {
    name: "entries outside one top-level directory",
    body: rawTgz([...good, { path: "other/file.txt", data: "x" }]),
    reason: /entry "other\/file\.txt" is outside the top-level directory "package\/"/,
  },
];

for (const c of badCases) {
  test(`bad tarball refused with 400: ${c.name}`, async () => {
    const res = await fetch(`${reg.url}/api/v1/packages/${NAME}/versions/1.0.0`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/gzip" },
      body: c.body,
    });
    const body = (await res.json()) as { error: string };
    assert.equal(res.status, 400, body.error);
    assert.match(body.error, /^artifact refused: /);
    assert.match(body.error, c.reason);
  });
}

test("nothing refused was stored; the good tarball is accepted", async () => {
  await assert.rejects(client.resolve(NAME), /not found/);
  const res = await client.publish(NAME, "1.0.0", rawTgz(good));
  assert.equal(res.version, "1.0.0");
});

test("links inside the package are accepted", async () => {
  const t = await readTarball(
    rawTgz([
      ...good,
      { path: "package/docs/alias.js", type: "SymbolicLink", linkpath: "../index.js" },
      { path: "package/copy.js", type: "Link", linkpath: "package/index.js" },
    ]),
    { maxArtifactSize: 1 << 20 },
  );
  assert.equal(t.files.get("copy.js")?.toString(), t.files.get("index.js")?.toString());
  assert.deepEqual(
    t.entries.filter((e) => e.type === "symlink").map((e) => [e.path, e.linkTarget]),
    [["docs/alias.js", "../index.js"]],
  );
});

const moduleFiles = (declares = [{ name: "adder", file: "math.alloy" }]) => ({
  "ingot-module.json": JSON.stringify({
    name: "ingot-module-math",
    version: "1.0.0",
    description: "Arithmetic declares",
    files: ["math.alloy"],
    declares: declares.map((d) => ({
      ...d,
      arguments: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
      exports: { type: "object", properties: { sum: { type: "number" } } },
    })),
  }),
  "math.alloy":
    'declare "adder" {\n  argument "a" {}\n  argument "b" {}\n  export "sum" {\n    value = argument.a.value + argument.b.value\n  }\n}\n',
});

test("a module is published with its declares; a declare missing from its file is refused", async () => {
  const res = await client.publish("ingot-module-math", "1.0.0", rawTgz(entriesOf(moduleFiles())));
  assert.equal(res.kind, "module");
  assert.deepEqual(res.declares, [{ name: "adder" }]);
  assert.deepEqual(
    (await client.list({ kind: "module" })).map((p) => p.name),
    ["ingot-module-math"],
  );
  const bad = rawTgz(entriesOf(moduleFiles([{ name: "subtract", file: "math.alloy" }])).map((e) => e));
  await assert.rejects(
    client.publish("ingot-module-math", "1.0.1", bad),
    /400: artifact refused: ingot-module\.json: declare "subtract" is not defined in math\.alloy/,
  );
  // A plugin may not take over a module's name.
  await assert.rejects(
    client.publish("ingot-module-math", "2.0.0", rawTgz(entriesOf(pluginFiles("ingot-module-math", "2.0.0")))),
    /409: ingot-module-math is a module; cannot publish a plugin under the same name/,
  );
});

test("module manifest schema: unknown fields, bad file names, undeclared files", () => {
  const base = JSON.parse(moduleFiles()["ingot-module.json"]);
  assert.equal(validateModuleManifest(base).ok, true);
  const reasons = [
    { ...base, extra: 1 },
    { ...base, files: ["../x.alloy"] },
    { ...base, files: ["math.txt"] },
    { ...base, declares: [{ ...base.declares[0], file: "other.alloy" }] },
    { ...base, declares: [base.declares[0], base.declares[0]] },
    { ...base, declares: [{ ...base.declares[0], arguments: { type: "string" } }] },
  ].map((m) => {
    const r = validateModuleManifest(m);
    assert.equal(r.ok, false);
    return (r as { reason: string }).reason;
  });
  assert.equal(reasons[0], 'unknown field "extra"');
  assert.match(reasons[1] as string, /^files\[0\]: must match pattern/);
  assert.match(reasons[2] as string, /^files\[0\]: must match pattern/);
  assert.equal(reasons[3], 'declares[0].file: "other.alloy" is not listed in files');
  assert.equal(reasons[4], 'declares[1].name: duplicate declare "adder"');
  assert.match(reasons[5] as string, /^declares\[0\]\.arguments\.type: must be equal to constant/);
});

test("a pack holds several plugins; a component provided twice is refused", async () => {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "ingot-pack-duo", version: "1.0.0" }),
    "ingot-pack.json": JSON.stringify({ plugins: ["one", "two"] }),
  };
  for (const [dir, comp] of [
    ["one", "duo.one"],
    ["two", "duo.two"],
  ] as const) {
    for (const [p, d] of Object.entries(pluginFiles(`ingot-duo-${dir}`, "1.0.0", comp))) files[`${dir}/${p}`] = d;
  }
  const info = inspectArtifact(await readTarball(rawTgz(entriesOf(files)), { maxArtifactSize: 1 << 20 }));
  assert.equal(info.kind, "pack");
  assert.deepEqual(
    info.plugins.map((p) => [p.dir, p.name, p.components]),
    [
      ["one", "ingot-duo-one", ["duo.one"]],
      ["two", "ingot-duo-two", ["duo.two"]],
    ],
  );
  const clash = { ...files, "two/ingot-plugin.json": files["one/ingot-plugin.json"] as string };
  await assert.rejects(
    client.publish("ingot-pack-duo", "1.0.0", rawTgz(entriesOf(clash))),
    /component "duo\.one" is provided by both ingot-duo-one and ingot-duo-two in the pack/,
  );
  assert.equal((await client.publish("ingot-pack-duo", "1.0.0", rawTgz(entriesOf(files)))).kind, "pack");
});

test("packing is deterministic: sorted entries, fixed mtimes, no owners, files field honoured", async () => {
  const dir = writeTree(tempDir("ingot-pack-"), {
    ...pluginFiles("ingot-plugin-packed", "1.0.0"),
    "README.md": "# hi\n",
    "src/ignored.ts": "no",
    "node_modules/dep/index.js": "no",
    ".secret": "no",
  });
  const a = await packDirectory(dir);
  const b = await packDirectory(dir);
  assert.deepEqual(a, b);
  const t = await readTarball(a, { maxArtifactSize: 1 << 20 });
  assert.equal(t.root, "package");
  assert.deepEqual(
    t.entries.map((e) => e.path),
    ["README.md", "index.js", "ingot-plugin.json", "package.json", "src/ignored.ts"],
  );
  // With "files", only those (plus package.json, manifests, README).
  writeTree(dir, {
    "package.json": JSON.stringify({ name: "ingot-plugin-packed", version: "1.0.0", files: ["index.js"] }),
  });
  assert.deepEqual(packFileList(dir), ["README.md", "index.js", "ingot-plugin.json", "package.json"]);
  const { Parser } = await import("tar");
  const { gunzipSync } = await import("node:zlib");
  const seen: { mtime?: Date; uid?: number; uname?: string }[] = [];
  await new Promise<void>((resolve) => {
    const p = new Parser({
      onReadEntry: (e) => {
        seen.push({ mtime: e.mtime, uid: e.uid, uname: e.uname });
        e.resume();
      },
    });
    p.on("end", () => resolve());
    p.end(gunzipSync(a));
  });
  for (const s of seen) {
    assert.equal(s.mtime?.getTime(), PACK_MTIME.getTime());
    assert.ok(!s.uname);
    assert.ok(!s.uid);
  }
});
