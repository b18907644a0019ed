// s3rver (an S3 implementation on the local file system) on 127.0.0.1 for the S3
// storage backend's tests, with the client settings that reach it.
import { S3RVER_CREDENTIALS, startS3rver } from "@ingot/testkit/s3rver";
import { S3Storage, type S3StorageOptions } from "../src/index.js";
import type { StorageBackend } from "./helpers.js";

export interface TestS3 {
  endpoint: string;
  bucket: string;
  storage(opts?: Partial<S3StorageOptions>): S3Storage;
  /** Replaces an object's bytes behind the registry's back. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export const S3_CREDENTIALS = S3RVER_CREDENTIALS;

export async function startS3(bucket = "ingot-registry"): Promise<TestS3> {
  const server = await startS3rver({ buckets: [bucket] });
  const endpoint = server.endpoint;
  const storages: S3Storage[] = [];
  const storage = (opts: Partial<S3StorageOptions> = {}) => {
    const s = new S3Storage({
      bucket,
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      clientConfig: { credentials: S3_CREDENTIALS },
      ...opts,
    });
    storages.push(s);
    return s;
  };
  return {
    endpoint,
    bucket,
    storage,
    async put(key, bytes) {
      const { PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
      const c = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: S3_CREDENTIALS });
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      c.destroy();
    },
    async close() {
      for (const s of storages) await s.close();
      await server.close();
    },
  };
}

/** A storage backend for startRegistry: each registry gets its own prefix in the bucket. */
export function s3Backend(s3: () => TestS3): StorageBackend {
  let n = 0;
  return {
    name: "s3",
    create() {
      const storage = s3().storage({ prefix: `registry-${++n}/` });
      return { storage, tamper: (name, version, bytes) => s3().put(storage.artifactKey(name, version), bytes) };
    },
  };
}
