// s3rver (an S3 implementation on the local file system) on 127.0.0.1 for tests:
// startS3rver() runs one with the given buckets; close() stops it and removes its files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The static credentials s3rver accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export async function startS3rver({ buckets = [], directory } = {}) {
  const { default: S3rver } = await import("s3rver");
  const dir = directory ?? mkdtempSync(join(tmpdir(), "ingot-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory: dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
