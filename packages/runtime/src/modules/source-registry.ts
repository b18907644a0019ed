// import.registry's fetcher: resolves a module name and semver range against an Ingot
// registry with @ingot/registry's RegistryClient (loaded on first use), downloads the
// artifact (sha512 integrity verified by the client), checks the tarball and its
// ingot-module.json, and returns the Alloy files the manifest lists. The resolved
// version is the revision.
import type { FetchResult, RemoteFetcher } from "./remote.js";

export interface RegistryImportArgs {
  name: string;
  /** A semver range (default "*"). */
  version?: string;
  registry: string;
  /** Milliseconds. */
  poll_frequency?: number;
  bearer_token?: string;
}

type RegistryModule = typeof import("@ingot/registry");
let loaded: Promise<RegistryModule> | undefined;

/** Largest module artifact accepted (modules are a few Alloy files). */
const MAX_ARTIFACT = 16 * 1024 * 1024;

export class RegistryFetcher implements RemoteFetcher {
  readonly kind = "registry";

  constructor(private readonly args: RegistryImportArgs) {}

  get location(): string {
    return `${this.args.registry.replace(/\/+$/, "")}/${this.args.name}@${this.args.version ?? "*"}`;
  }

  async fetch(): Promise<FetchResult> {
    loaded ??= import("@ingot/registry");
    const reg = await loaded;
    const client = new reg.RegistryClient(this.args.registry, this.args.bearer_token);
    const resolved = await client.resolve(this.args.name, this.args.version ?? "*");
    if (resolved.kind !== "module") {
      throw new Error(`${resolved.name}@${resolved.version} is a ${resolved.kind}, not a module`);
    }
    const bytes = await client.download(resolved);
    const tarball = await reg.readTarball(bytes, { maxArtifactSize: MAX_ARTIFACT });
    const manifestBytes = tarball.files.get(reg.MODULE_MANIFEST_FILE);
    if (!manifestBytes) throw new Error(`${resolved.name}@${resolved.version} has no ${reg.MODULE_MANIFEST_FILE}`);
    const v = reg.validateModuleManifest(JSON.parse(manifestBytes.toString("utf8")));
    if (!v.ok)
      throw new Error(`${resolved.name}@${resolved.version}: invalid ${reg.MODULE_MANIFEST_FILE}: ${v.reason}`);
    const files = new Map<string, string>();
    for (const f of v.manifest.files) {
      const data = tarball.files.get(f);
      if (!data) throw new Error(`${resolved.name}@${resolved.version}: ${f} is listed but missing`);
      files.set(f, data.toString("utf8"));
    }
    return { files, revision: resolved.version, isDir: true };
  }
}
