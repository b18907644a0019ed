// Where the registry keeps its packages: an index record per package (versions,
// integrity, yanked flags) and one immutable artifact per version. Backends implement
// RegistryStorage; files on disk is the default, S3 is in storage-s3.ts.
import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ArtifactKind, PluginSummary } from "./artifact.js";
import type { ModuleDeclare } from "./module-manifest.js";

export interface VersionRecord {
  version: string;
  /** `sha512-<base64>` of the artifact's bytes. */
  integrity: string;
  /** Artifact size in bytes. */
  size: number;
  /** RFC 3339 time of publishing. */
  publishedAt: string;
  kind: ArtifactKind;
  description?: string;
  yanked: boolean;
  yankedAt?: string;
  yankReason?: string;
  /** Plugins (and their components) of a plugin or pack. */
  plugins?: PluginSummary[];
  /** Declares (name and description) of a module. */
  declares?: Pick<ModuleDeclare, "name" | "description">[];
}

export interface PackageRecord {
  name: string;
  kind: ArtifactKind;
  /** Description of the most recently published version. */
  description?: string;
  versions: Record<string, VersionRecord>;
}

export interface RegistryStorage {
  /** Every package name, sorted. */
  listPackages(): Promise<string[]>;
  readPackage(name: string): Promise<PackageRecord | undefined>;
  /** Replaces the package's record (the registry serializes writes per package). */
  writePackage(record: PackageRecord): Promise<void>;
  readArtifact(name: string, version: string): Promise<Buffer | undefined>;
  /** Stores a version's artifact; rejects with ArtifactExistsError when it is already stored. */
  writeArtifact(name: string, version: string, bytes: Uint8Array): Promise<void>;
  /** Releases connections (called when the server closes). */
  close?(): Promise<void>;
}

export class ArtifactExistsError extends Error {
  override name = "ArtifactExistsError";
}

/** Files on disk: `<root>/packages/<name>/index.json` and `<root>/packages/<name>/<version>.tgz`. */
export class FileStorage implements RegistryStorage {
  constructor(readonly root: string) {}

  private dir(name: string): string {
    // Names are validated (names.ts) before they reach storage: no "..", at most one "/".
    return join(this.root, "packages", ...name.split("/"));
  }

  artifactPath(name: string, version: string): string {
    return join(this.dir(name), `${version}.tgz`);
  }

  async listPackages(): Promise<string[]> {
    const base = join(this.root, "packages");
    const out: string[] = [];
    const list = async (dir: string): Promise<string[]> => {
      try {
        return await readdir(dir);
      } catch {
        return [];
      }
    };
    for (const name of await list(base)) {
      if (name.startsWith("@")) {
        for (const inner of await list(join(base, name))) out.push(`${name}/${inner}`);
      } else out.push(name);
    }
    const known: string[] = [];
    for (const n of out) if ((await this.readPackage(n)) !== undefined) known.push(n);
    return known.sort();
  }

  async readPackage(name: string): Promise<PackageRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir(name), "index.json"), "utf8")) as PackageRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  async writePackage(record: PackageRecord): Promise<void> {
    await writeAtomically(join(this.dir(record.name), "index.json"), `${JSON.stringify(record, null, 2)}\n`);
  }

  async readArtifact(name: string, version: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.artifactPath(name, version));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  async writeArtifact(name: string, version: string, bytes: Uint8Array): Promise<void> {
    const path = this.artifactPath(name, version);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, bytes);
    try {
      // link() fails when the target exists, atomically: a version is written once.
      await link(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") {
        throw new ArtifactExistsError(`${name}@${version} is already stored`);
      }
      throw e;
    } finally {
      await unlink(tmp);
    }
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
