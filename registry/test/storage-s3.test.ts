// The S3 storage backend on its own: key layout under a prefix, isolation between
// prefixes, write-once artifacts (check-then-put on s3rver, If-None-Match answers 412
// and 501 from a stand-in S3 endpoint). The registry API over S3 is in server.test.ts.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { ArtifactExistsError, normalizePrefix, RegistryClient, S3Storage } from "../src/index.js";
import { entriesOf, pluginFiles, rawTgz, startRegistry, TOKEN } from "./helpers.js";
import { S3_CREDENTIALS, startS3, type TestS3 } from "./s3.js";

let s3: TestS3;
before(async () => {
  s3 = await startS3();
});
after(() => s3.close());

async function keys(prefix: string): Promise<string[]> {
  const { ListObjectsV2Command, S3Client } = await import("@aws-sdk/client-s3");
  const c = new S3Client({
    region: "us-east-1",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
  });
  const res = await c.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  c.destroy();
  return (res.Contents ?? []).map((o) => o.Key ?? "").sort();
}

test("prefixes are normalized", () => {
  assert.equal(normalizePrefix(undefined), "");
  assert.equal(normalizePrefix("/"), "");
  assert.equal(normalizePrefix("team/reg"), "team/reg/");
  assert.equal(normalizePrefix("/team/reg//"), "team/reg/");
  assert.throws(() => new S3Storage({ bucket: "" }), /needs a bucket/);
});

test("keys: <prefix>packages/<name>/index.json and <version>.tgz; prefixes are separate registries", async () => {
  const storage = s3.storage({ prefix: "team/reg" });
  const reg = await startRegistry({ storage });
  try {
    const client = new RegistryClient(reg.url, TOKEN);
    const bytes = rawTgz(entriesOf(pluginFiles("@acme/ingot-plugin-keys", "1.0.0")));
    await client.publish("@acme/ingot-plugin-keys", "1.0.0", bytes);
    assert.deepEqual(await keys("team/reg/"), [
      "team/reg/packages/@acme/ingot-plugin-keys/1.0.0.tgz",
      "team/reg/packages/@acme/ingot-plugin-keys/index.json",
    ]);
    assert.deepEqual(await storage.listPackages(), ["@acme/ingot-plugin-keys"]);
    assert.deepEqual(await storage.readArtifact("@acme/ingot-plugin-keys", "1.0.0"), bytes);
    assert.equal(await storage.readArtifact("@acme/ingot-plugin-keys", "9.9.9"), undefined);
    assert.equal(await storage.readPackage("ingot-plugin-none"), undefined);
    assert.deepEqual(await s3.storage({ prefix: "other" }).listPackages(), []);
    // Write-once even when called directly (the registry also checks its record first).
    await assert.rejects(
      storage.writeArtifact("@acme/ingot-plugin-keys", "1.0.0", Buffer.from("x")),
      (e: Error) =>
        e instanceof ArtifactExistsError && /@acme\/ingot-plugin-keys@1\.0\.0 is already stored/.test(e.message),
    );
    assert.deepEqual(await storage.readArtifact("@acme/ingot-plugin-keys", "1.0.0"), bytes);
  } finally {
    await reg.close();
  }
});

test("a bucket that does not exist is a clear error", async () => {
  const storage = s3.storage({ bucket: "no-such-bucket" });
  await assert.rejects(storage.listPackages(), /list s3:\/\/no-such-bucket\/packages\/: NoSuchBucket/);
});

/** A stand-in S3 endpoint: HEAD says 404; PUTs are recorded and answered by `put`. */
async function fakeS3(put: (req: IncomingMessage) => number) {
  const seen: { method: string; ifNoneMatch: string | undefined }[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ method: req.method ?? "", ifNoneMatch: req.headers["if-none-match"] as string | undefined });
      const status = req.method === "PUT" ? put(req) : 404;
      const code = { 200: "", 404: "NoSuchKey", 412: "PreconditionFailed", 501: "NotImplemented" }[status] ?? "Error";
      res.writeHead(status, { "content-type": "application/xml" });
      res.end(
        status === 200 || req.method === "HEAD"
          ? ""
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const storage = new S3Storage({
    bucket: "b",
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "us-east-1",
    forcePathStyle: true,
    clientConfig: { credentials: S3_CREDENTIALS, maxAttempts: 1 },
  });
  return {
    seen,
    storage,
    close: async () => {
      await storage.close();
      await new Promise((r) => server.close(r));
    },
  };
}

test("a conditional put that loses the race (412) is ArtifactExistsError", async () => {
  const fake = await fakeS3((req) => (req.headers["if-none-match"] === "*" ? 412 : 200));
  try {
    await assert.rejects(fake.storage.writeArtifact("x", "1.0.0", Buffer.from("x")), ArtifactExistsError);
    assert.deepEqual(fake.seen, [
      { method: "HEAD", ifNoneMatch: undefined },
      { method: "PUT", ifNoneMatch: "*" },
    ]);
  } finally {
    await fake.close();
  }
});

test("a service without conditional writes (501) falls back to check-then-put", async () => {
  const fake = await fakeS3((req) => (req.headers["if-none-match"] !== undefined ? 501 : 200));
  try {
    await fake.storage.writeArtifact("x", "1.0.0", Buffer.from("x"));
    await fake.storage.writeArtifact("x", "1.0.1", Buffer.from("y"));
    assert.deepEqual(
      fake.seen.map((s) => `${s.method} ${s.ifNoneMatch ?? "-"}`),
      ["HEAD -", "PUT *", "PUT -", "HEAD -", "PUT -"],
    );
  } finally {
    await fake.close();
  }
});
