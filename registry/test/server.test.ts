// The registry server on 127.0.0.1, driven through its client and raw HTTP:
// publish, list, search, resolve, download, immutability, tokens, yank, integrity;
// the same tests over each storage backend (files on disk, S3 through s3rver).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { IntegrityError, integrityOf, RegistryClient, type RegistryError } from "../src/index.js";
import {
  entriesOf,
  fileBackend,
  pluginFiles,
  rawTgz,
  type StorageBackend,
  startRegistry,
  type TestRegistry,
  TOKEN,
} from "./helpers.js";
import { s3Backend, startS3, type TestS3 } from "./s3.js";

let s3: TestS3 | undefined;
const backends: StorageBackend[] = [
  fileBackend,
  s3Backend(() => {
    if (!s3) throw new Error("s3rver is not running");
    return s3;
  }),
];

before(async () => {
  s3 = await startS3();
});
after(() => s3?.close());

for (const backend of backends) {
  describe(`${backend.name} storage`, () => {
    let reg: TestRegistry;
    let client: RegistryClient;

    before(async () => {
      reg = await startRegistry({}, backend);
      client = new RegistryClient(reg.url, TOKEN);
    });
    after(() => reg.close());

    const plugin = (name: string, version: string, component?: string) =>
      rawTgz(entriesOf(pluginFiles(name, version, component)));

    test("publish, list, search, versions, resolve and download", async () => {
      for (const v of ["1.0.0", "1.2.0", "1.10.1", "2.0.0", "2.1.0-beta.1"]) {
        const bytes = plugin("ingot-plugin-alpha", v);
        const res = await client.publish("ingot-plugin-alpha", v, bytes);
        assert.equal(res.version, v);
        assert.equal(res.integrity, integrityOf(bytes));
        assert.equal(res.kind, "plugin");
        assert.deepEqual(res.plugins?.[0]?.components, ["regtest.echo"]);
      }
      const list = await client.list();
      const alpha = list.find((p) => p.name === "ingot-plugin-alpha");
      assert.deepEqual(alpha, {
        name: "ingot-plugin-alpha",
        kind: "plugin",
        description: "test plugin ingot-plugin-alpha",
        latest: "2.0.0",
        versions: 5,
      });
      assert.equal((await client.list({ q: "regtest.echo" })).length >= 1, true, "search finds component names");
      assert.deepEqual(await client.list({ q: "no-such-thing" }), []);
      assert.deepEqual(
        (await client.versions("ingot-plugin-alpha")).map((v) => v.version),
        ["2.1.0-beta.1", "2.0.0", "1.10.1", "1.2.0", "1.0.0"],
      );
      assert.equal((await client.resolve("ingot-plugin-alpha", "^1.2")).version, "1.10.1");
      assert.equal((await client.resolve("ingot-plugin-alpha", "~1.2.0")).version, "1.2.0");
      assert.equal((await client.resolve("ingot-plugin-alpha")).version, "2.0.0", "prereleases only when asked");
      assert.equal((await client.resolve("ingot-plugin-alpha", "2.1.0-beta.1")).version, "2.1.0-beta.1");
      await assert.rejects(client.resolve("ingot-plugin-alpha", "^3"), (e: RegistryError) => {
        assert.equal(e.status, 404);
        assert.match(e.message, /no version of ingot-plugin-alpha satisfies "\^3"/);
        return true;
      });
      await assert.rejects(client.resolve("ingot-plugin-alpha", "not a range!"), /invalid semver range/);

      const resolved = await client.resolve("ingot-plugin-alpha", "1.0.0");
      assert.equal(resolved.tarball, `${reg.url}/api/v1/packages/ingot-plugin-alpha/versions/1.0.0/tarball`);
      const r = await fetch(resolved.tarball);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/gzip");
      assert.equal(r.headers.get("x-ingot-integrity"), resolved.integrity);
      const bytes = await client.download(resolved);
      assert.deepEqual(bytes, plugin("ingot-plugin-alpha", "1.0.0"));
    });

    test("a published version is immutable: publishing it again is 409", async () => {
      await client.publish("ingot-plugin-immutable", "1.0.0", plugin("ingot-plugin-immutable", "1.0.0"));
      const other = plugin("ingot-plugin-immutable", "1.0.0", "regtest.other");
      await assert.rejects(client.publish("ingot-plugin-immutable", "1.0.0", other), (e: RegistryError) => {
        assert.equal(e.status, 409);
        assert.match(e.message, /ingot-plugin-immutable@1\.0\.0 is already published; versions are immutable/);
        return true;
      });
      const stored = await client.resolve("ingot-plugin-immutable", "1.0.0");
      assert.equal(stored.integrity, integrityOf(plugin("ingot-plugin-immutable", "1.0.0")));
    });

    test("publishing and yanking need a valid bearer token (401)", async () => {
      const bytes = plugin("ingot-plugin-secret", "1.0.0");
      for (const c of [new RegistryClient(reg.url), new RegistryClient(reg.url, "wrong-token")]) {
        await assert.rejects(c.publish("ingot-plugin-secret", "1.0.0", bytes), (e: RegistryError) => {
          assert.equal(e.status, 401);
          assert.match(e.message, /unauthorized: (missing bearer token|invalid token)/);
          return true;
        });
      }
      const raw = await fetch(`${reg.url}/api/v1/packages/ingot-plugin-secret/versions/1.0.0`, {
        method: "PUT",
        headers: { "content-type": "application/gzip" },
        body: bytes,
      });
      assert.equal(raw.status, 401);
      assert.equal(raw.headers.get("www-authenticate"), 'Bearer realm="ingot-registry"');
      await assert.rejects(client.resolve("ingot-plugin-secret"), /not found/);
      await client.publish("ingot-plugin-secret", "1.0.0", bytes);
      await assert.rejects(new RegistryClient(reg.url).yank("ingot-plugin-secret", "1.0.0"), /401/);
    });

    test("yank: not resolved by ranges, still resolved and downloadable by exact version; unyank restores", async () => {
      for (const v of ["1.0.0", "1.1.0"])
        await client.publish("ingot-plugin-yanky", v, plugin("ingot-plugin-yanky", v));
      const y = await client.yank("ingot-plugin-yanky", "1.1.0", "broken build");
      assert.equal(y.yanked, true);
      assert.equal(y.yankReason, "broken build");
      assert.equal((await client.resolve("ingot-plugin-yanky", "^1")).version, "1.0.0");
      const exact = await client.resolve("ingot-plugin-yanky", "1.1.0");
      assert.equal(exact.yanked, true);
      assert.equal((await client.download(exact)).length > 0, true);
      assert.equal((await client.list({ q: "ingot-plugin-yanky" }))[0]?.latest, "1.0.0");
      await client.unyank("ingot-plugin-yanky", "1.1.0");
      assert.equal((await client.resolve("ingot-plugin-yanky", "^1")).version, "1.1.0");
    });

    test("scoped names work in every endpoint", async () => {
      await client.publish("@acme/ingot-plugin-scoped", "0.1.0", plugin("@acme/ingot-plugin-scoped", "0.1.0"));
      const r = await client.resolve("@acme/ingot-plugin-scoped", "^0.1");
      assert.equal(r.name, "@acme/ingot-plugin-scoped");
      assert.match(r.tarball, /\/packages\/@acme%2Fingot-plugin-scoped\/versions\/0\.1\.0\/tarball$/);
      assert.equal((await client.download(r)).length > 0, true);
      assert.ok((await client.list()).some((p) => p.name === "@acme/ingot-plugin-scoped"));
    });

    test("a tampered stored artifact is refused: by the server, and by the client's integrity check", async () => {
      await client.publish("ingot-plugin-tamper", "1.0.0", plugin("ingot-plugin-tamper", "1.0.0"));
      const evil = plugin("ingot-plugin-tamper", "1.0.0", "regtest.evil");
      assert.notDeepEqual(await reg.storage.readArtifact("ingot-plugin-tamper", "1.0.0"), evil);
      await reg.tamper("ingot-plugin-tamper", "1.0.0", evil);
      assert.deepEqual(await reg.storage.readArtifact("ingot-plugin-tamper", "1.0.0"), evil);
      const resolved = await client.resolve("ingot-plugin-tamper", "1.0.0");
      await assert.rejects(client.download(resolved), (e: RegistryError) => {
        assert.equal(e.status, 500);
        assert.match(e.message, /does not match its integrity; refusing to serve it/);
        return true;
      });
      // A registry that serves whatever it has (or anything between it and the client):
      const lax = await startRegistry({ verifyOnRead: false }, backend);
      try {
        const laxClient = new RegistryClient(lax.url, TOKEN);
        await laxClient.publish("ingot-plugin-tamper", "1.0.0", plugin("ingot-plugin-tamper", "1.0.0"));
        await lax.tamper("ingot-plugin-tamper", "1.0.0", evil);
        const r = await laxClient.resolve("ingot-plugin-tamper", "1.0.0");
        await assert.rejects(laxClient.download(r), (e: Error) => {
          assert.ok(e instanceof IntegrityError);
          assert.match(e.message, /integrity mismatch for ingot-plugin-tamper@1\.0\.0: expected sha512-/);
          return true;
        });
      } finally {
        await lax.close();
      }
    });

    test("the URL must name the artifact's own name and version", async () => {
      await assert.rejects(
        client.publish("ingot-plugin-other", "1.0.0", plugin("ingot-plugin-mismatch", "1.0.0")),
        /400: artifact refused: the URL names ingot-plugin-other@1\.0\.0 but the artifact is ingot-plugin-mismatch@1\.0\.0/,
      );
      await assert.rejects(client.publish("Bad Name", "1.0.0", Buffer.from("x")), /400: invalid package name/);
      await assert.rejects(client.publish("ingot-plugin-x", "v1", Buffer.from("x")), /400: invalid version "v1"/);
    });
  });
}
