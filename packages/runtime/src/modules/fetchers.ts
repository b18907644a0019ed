// The fetcher of each remote import kind, from the block's decoded arguments.
import type { ImportKind } from "./import-schemas.js";
import type { RemoteEnv, RemoteFetcher } from "./remote.js";
import { GitFetcher, type GitImportArgs } from "./source-git.js";
import { HttpFetcher, type HttpImportArgs } from "./source-http.js";
import { RegistryFetcher, type RegistryImportArgs } from "./source-registry.js";
import { S3Fetcher, type S3ImportArgs } from "./source-s3.js";

export function makeFetcher(kind: ImportKind, args: unknown, baseDir: string, env: RemoteEnv): RemoteFetcher {
  switch (kind) {
    case "http":
      return new HttpFetcher(args as HttpImportArgs);
    case "git":
      return new GitFetcher(args as GitImportArgs, baseDir, env.storagePath);
    case "registry":
      return new RegistryFetcher(args as RegistryImportArgs);
    case "s3":
      return new S3Fetcher(args as S3ImportArgs);
    default:
      throw new Error(`import.${kind} is not a remote source`);
  }
}
