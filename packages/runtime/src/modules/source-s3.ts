// import.s3's fetcher (new in Ingot): one object (`key`) or every *.alloy object under
// a `prefix` (a module directory), read with @aws-sdk/client-s3 (loaded on first use).
// Credentials come from the standard AWS chain (environment, shared files, container
// and instance roles) unless the `client` block gives `key` and `secret`, as in Alloy's
// remote.s3. The revision is the ETag (or the ETags of the objects of a prefix).
import { createHash } from "node:crypto";
import type { FetchResult, RemoteFetcher } from "./remote.js";

export interface S3ImportArgs {
  bucket: string;
  key?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  force_path_style?: boolean;
  /** Milliseconds. */
  poll_frequency?: number;
  client?: { key?: string; secret?: string };
}

type S3Module = typeof import("@aws-sdk/client-s3");
let loaded: Promise<S3Module> | undefined;

export class S3Fetcher implements RemoteFetcher {
  readonly kind = "s3";

  constructor(private readonly args: S3ImportArgs) {
    if ((args.key === undefined) === (args.prefix === undefined)) {
      throw new Error("exactly one of key and prefix must be set");
    }
  }

  get location(): string {
    const a = this.args;
    const where = `s3://${a.bucket}/${a.key ?? a.prefix ?? ""}`;
    return a.endpoint ? `${where} (${a.endpoint})` : where;
  }

  async fetch(): Promise<FetchResult> {
    loaded ??= import("@aws-sdk/client-s3");
    const s3 = await loaded;
    const a = this.args;
    const client = new s3.S3Client({
      region: a.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      ...(a.endpoint ? { endpoint: a.endpoint } : {}),
      forcePathStyle: a.force_path_style ?? false,
      ...(a.client?.key !== undefined
        ? { credentials: { accessKeyId: a.client.key, secretAccessKey: a.client.secret ?? "" } }
        : {}),
      maxAttempts: 1,
    });
    try {
      const get = async (key: string) => {
        const r = await client.send(new s3.GetObjectCommand({ Bucket: a.bucket, Key: key }));
        return { text: (await r.Body?.transformToString("utf8")) ?? "", etag: r.ETag ?? "" };
      };
      if (a.key !== undefined) {
        const { text, etag } = await get(a.key);
        const name = a.key.split("/").pop() || "module.alloy";
        return { files: new Map([[name, text]]), revision: etag, isDir: false };
      }
      const prefix = a.prefix ?? "";
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new s3.ListObjectsV2Command({ Bucket: a.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) if (o.Key?.endsWith(".alloy")) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      const files = new Map<string, string>();
      const etags = createHash("sha256");
      for (const key of keys.sort()) {
        const rel = key.slice(prefix.length).replace(/^\/+/, "");
        // A module directory is flat, as import.file's: deeper objects are not part of it.
        if (rel === "" || rel.includes("/")) continue;
        const { text, etag } = await get(key);
        files.set(rel, text);
        etags.update(`${rel} ${etag}\n`);
      }
      if (files.size === 0) throw new Error(`no *.alloy objects under ${this.location}`);
      return { files, revision: etags.digest("hex").slice(0, 32), isDir: true };
    } finally {
      client.destroy();
    }
  }
}
