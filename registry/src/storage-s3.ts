// The registry's S3 storage backend: the same layout as FileStorage, as object keys
// `<prefix>packages/<name>/index.json` and `<prefix>packages/<name>/<version>.tgz`.
// @aws-sdk/client-s3 is imported on first use, so nothing loads it unless an S3
// registry actually runs. Credentials come from the SDK's standard chain (environment,
// shared config/credentials files, SSO, web identity, container and instance metadata).
import type { ListObjectsV2CommandOutput, S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { invalidNameReason } from "./names.js";
import { ArtifactExistsError, type PackageRecord, type RegistryStorage } from "./storage.js";

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix for everything the registry stores ("" or "a/b"; a trailing "/" is added). */
  prefix?: string;
  /** Region (default: the SDK's chain, e.g. AWS_REGION; "us-east-1" when none). */
  region?: string;
  /** Endpoint of an S3-compatible service (MinIO, Ceph, R2, s3rver...). */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual-hosted ones. */
  forcePathStyle?: boolean;
  /**
   * Create artifacts with `If-None-Match: *` so a version can be written only once even
   * when several registries share the bucket (default true). Services that do not
   * implement conditional writes answer 501; the backend then falls back to
   * check-then-put (see docs/registry.md, "Storage").
   */
  conditionalWrites?: boolean;
  /** Extra client settings (credentials for tests, retries...). */
  clientConfig?: S3ClientConfig;
}

type S3Module = typeof import("@aws-sdk/client-s3");

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(e: unknown): number | undefined {
  return (e as AwsError)?.$metadata?.httpStatusCode;
}

function isNotFound(e: unknown): boolean {
  const name = (e as AwsError)?.name;
  return name === "NoSuchKey" || name === "NotFound" || statusOf(e) === 404;
}

export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? "").replace(/^\/+/, "").replace(/\/+$/, "");
  return p === "" ? "" : `${p}/`;
}

export class S3Storage implements RegistryStorage {
  readonly bucket: string;
  readonly prefix: string;
  private conditional: boolean;
  private loaded?: Promise<{ sdk: S3Module; client: S3Client }>;

  constructor(private readonly options: S3StorageOptions) {
    if (!options.bucket) throw new Error("S3 storage needs a bucket");
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.conditional = options.conditionalWrites ?? true;
  }

  /** The SDK and a client, loaded on first use. */
  private s3(): Promise<{ sdk: S3Module; client: S3Client }> {
    this.loaded ??= (async () => {
      const sdk = await import("@aws-sdk/client-s3");
      const { region, endpoint, forcePathStyle, clientConfig } = this.options;
      const client = new sdk.S3Client({
        // Checksums only where S3 requires them: S3-compatible services differ in their support.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        ...(region !== undefined && region !== "" ? { region } : {}),
        ...(endpoint !== undefined && endpoint !== "" ? { endpoint } : {}),
        ...(forcePathStyle !== undefined ? { forcePathStyle } : {}),
        ...clientConfig,
      });
      // A region is mandatory for signing; fall back as the AWS CLI does for S3.
      if (region === undefined || region === "") {
        try {
          await client.config.region();
        } catch {
          client.destroy();
          return {
            sdk,
            client: new sdk.S3Client({
              requestChecksumCalculation: "WHEN_REQUIRED",
              responseChecksumValidation: "WHEN_REQUIRED",
              region: "us-east-1",
              ...(endpoint !== undefined && endpoint !== "" ? { endpoint } : {}),
              ...(forcePathStyle !== undefined ? { forcePathStyle } : {}),
              ...clientConfig,
            }),
          };
        }
      }
      return { sdk, client };
    })();
    return this.loaded;
  }

  private packageKey(name: string): string {
    // Names are validated (names.ts) before they reach storage: no "..", at most one "/".
    return `${this.prefix}packages/${name}`;
  }

  indexKey(name: string): string {
    return `${this.packageKey(name)}/index.json`;
  }

  artifactKey(name: string, version: string): string {
    return `${this.packageKey(name)}/${version}.tgz`;
  }

  private async getObject(key: string): Promise<Buffer | undefined> {
    const { sdk, client } = await this.s3();
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) return Buffer.alloc(0);
      return Buffer.from(await res.Body.transformToByteArray());
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw wrap(e, `get s3://${this.bucket}/${key}`);
    }
  }

  async listPackages(): Promise<string[]> {
    const { sdk, client } = await this.s3();
    const base = `${this.prefix}packages/`;
    const out: string[] = [];
    let token: string | undefined;
    do {
      let res: ListObjectsV2CommandOutput;
      try {
        res = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: base,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (e) {
        throw wrap(e, `list s3://${this.bucket}/${base}`);
      }
      for (const o of res.Contents ?? []) {
        const key = o.Key ?? "";
        if (!key.endsWith("/index.json")) continue;
        const name = key.slice(base.length, -"/index.json".length);
        if (invalidNameReason(name) === undefined) out.push(name);
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out.sort();
  }

  async readPackage(name: string): Promise<PackageRecord | undefined> {
    const bytes = await this.getObject(this.indexKey(name));
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString("utf8")) as PackageRecord);
  }

  async writePackage(record: PackageRecord): Promise<void> {
    const { sdk, client } = await this.s3();
    const key = this.indexKey(record.name);
    try {
      // A PUT replaces an object atomically: readers see the old record or the new one.
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: `${JSON.stringify(record, null, 2)}\n`,
          ContentType: "application/json",
        }),
      );
    } catch (e) {
      throw wrap(e, `put s3://${this.bucket}/${key}`);
    }
  }

  readArtifact(name: string, version: string): Promise<Buffer | undefined> {
    return this.getObject(this.artifactKey(name, version));
  }

  async writeArtifact(name: string, version: string, bytes: Uint8Array): Promise<void> {
    const { sdk, client } = await this.s3();
    const key = this.artifactKey(name, version);
    const exists = () => new ArtifactExistsError(`${name}@${version} is already stored`);
    // Check first: a clear answer on every service, conditional writes or not.
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      throw exists();
    } catch (e) {
      if (e instanceof ArtifactExistsError) throw e;
      if (!isNotFound(e)) throw wrap(e, `head s3://${this.bucket}/${key}`);
    }
    const put = (conditional: boolean) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentType: "application/gzip",
          ...(conditional ? { IfNoneMatch: "*" } : {}),
        }),
      );
    try {
      await put(this.conditional);
    } catch (e) {
      const status = statusOf(e);
      // 412: another writer created it between our check and our put; 409: a concurrent
      // conditional write to the same key is in progress (S3's ConditionalRequestConflict).
      if (this.conditional && (status === 412 || status === 409)) throw exists();
      if (this.conditional && status === 501) {
        // The service has no conditional writes: keep the check-then-put above.
        this.conditional = false;
        try {
          await put(false);
          return;
        } catch (e2) {
          throw wrap(e2, `put s3://${this.bucket}/${key}`);
        }
      }
      throw wrap(e, `put s3://${this.bucket}/${key}`);
    }
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    if (!this.loaded) return;
    const { client } = await this.loaded;
    client.destroy();
  }
}

function wrap(e: unknown, what: string): Error {
  const err = e as AwsError & Error;
  const code = err?.Code ?? err?.name;
  const status = statusOf(e);
  return new Error(`${what}: ${code ? `${code}: ` : ""}${err?.message ?? String(e)}${status ? ` (${status})` : ""}`, {
    cause: e,
  });
}
