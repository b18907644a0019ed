// `ingot plugins install NAME[@RANGE]` and `ingot plugins remove NAME`: resolve against
// an Ingot registry (--registry) or an npm-protocol registry (--npm, --npm-registry),
// download (progress on stderr for long downloads), verify the integrity, unpack safely
// into the plugins directory, check every plugin with discovery's own checks, and
// record the result in ingot.lock.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  DEFAULT_MAX_ARTIFACT_SIZE,
  type DownloadProgress,
  extractTarball,
  IntegrityError,
  inspectArtifact,
  integrityOf,
  invalidNameReason,
  NPM_DEFAULT_REGISTRY,
  NpmRegistryClient,
  NpmRegistryError,
  parsePackageSpec,
  RegistryClient,
  RegistryError,
  readTarball,
  TarballError,
} from "@ingot/registry";
import { inspectPackage } from "@ingot/runtime";
import { type FlagSpec, type ParsedArgs, UsageError } from "./args.js";
import { defaultPluginsDir } from "./installed-plugins.js";
import { defaultLockfilePath, readLockfile, writeLockfile } from "./lockfile.js";
import { defaultStoragePath, pluginPathsFromArgs, storagePathFlag, stringFlag } from "./runtime-flags.js";
import { type CliIO, CommandError, write } from "./util.js";

export const registryFlag: FlagSpec = {
  name: "registry",
  type: "string",
  usage: "URL of the Ingot registry (default: $INGOT_REGISTRY)",
  valueName: "url",
};
export const lockfileFlag: FlagSpec = {
  name: "lockfile",
  type: "string",
  usage: `Lockfile recording installed plugins (default "./ingot.lock")`,
  valueName: "path",
};

export const npmFlag: FlagSpec = {
  name: "npm",
  type: "bool",
  usage: `Install from an npm-protocol registry: --npm-registry, else $INGOT_NPM_REGISTRY, else ${NPM_DEFAULT_REGISTRY}`,
};
export const npmRegistryFlag: FlagSpec = {
  name: "npm-registry",
  type: "string",
  usage: "URL of an npm-protocol registry to install from (implies --npm)",
  valueName: "url",
};

function checkUrl(url: string, flag: string): string {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`invalid argument ${JSON.stringify(url)} for "--${flag}" flag: not a URL`);
  }
  return url;
}

export function registryUrlFromArgs(args: ParsedArgs): string {
  const url = stringFlag(args, registryFlag.name, process.env.INGOT_REGISTRY ?? "");
  if (url === "") throw new UsageError("no registry: pass --registry URL or set INGOT_REGISTRY");
  return checkUrl(url, registryFlag.name);
}

/** Where install resolves: an Ingot registry, or an npm-protocol registry. */
export function installSourceFromArgs(args: ParsedArgs): { protocol: "ingot" | "npm"; url: string } {
  const npmUrl = stringFlag(args, npmRegistryFlag.name, "");
  const npm = args.flags.get(npmFlag.name) === true || npmUrl !== "";
  if (!npm) {
    const url = stringFlag(args, registryFlag.name, process.env.INGOT_REGISTRY ?? "");
    if (url === "") {
      throw new UsageError(
        "no registry: pass --registry URL or set INGOT_REGISTRY (an Ingot registry), or pass --npm or --npm-registry URL (the npm registry protocol)",
      );
    }
    return { protocol: "ingot", url: checkUrl(url, registryFlag.name) };
  }
  if (args.flags.has(registryFlag.name)) {
    throw new UsageError("--registry (an Ingot registry) and --npm/--npm-registry are exclusive");
  }
  const url = npmUrl !== "" ? npmUrl : process.env.INGOT_NPM_REGISTRY || NPM_DEFAULT_REGISTRY;
  return { protocol: "npm", url: checkUrl(url, npmRegistryFlag.name) };
}

/** The install directory: the first --plugins.path, else `<storage.path>/plugins`. */
export function pluginsDirFromArgs(args: ParsedArgs): string {
  const paths = pluginPathsFromArgs(args);
  return paths[0] ?? defaultPluginsDir(stringFlag(args, storagePathFlag.name, defaultStoragePath));
}

function lockfileFromArgs(args: ParsedArgs): string {
  const p = stringFlag(args, lockfileFlag.name, "");
  return p === "" ? defaultLockfilePath() : resolve(p);
}

const MiB = 1024 * 1024;

/** Progress lines on stderr, for downloads above 1 MiB, at most every 500 ms. */
function progressReporter(io: CliIO, what: string): (p: DownloadProgress) => void {
  let last = 0;
  let shown = false;
  return (p) => {
    const big = (p.total ?? p.received) > MiB;
    const now = Date.now();
    const done = p.total !== undefined && p.received >= p.total;
    if (!big || (!done && now - last < 500)) return;
    if (done && !shown) return; // finished before the first report: nothing to show
    last = now;
    shown = true;
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    const of = p.total !== undefined ? ` / ${mib(p.total)} (${Math.floor((100 * p.received) / p.total)}%)` : "";
    io.stderr.write(`downloading ${what}: ${mib(p.received)}${of}\n`);
  };
}

interface Fetched {
  version: string;
  bytes: Buffer;
  /** sha512 SRI of the bytes (verified against what the registry declared). */
  integrity: string;
  tarball: string;
}

async function fetchFromIngot(name: string, range: string | undefined, registry: string, io: CliIO): Promise<Fetched> {
  const client = new RegistryClient(registry);
  try {
    const resolved = await client.resolve(name, range ?? "*");
    if (resolved.kind === "module") {
      throw new CommandError(`${name}@${resolved.version} is a module, not a plugin; use it with import.registry`);
    }
    if (resolved.yanked) {
      io.stderr.write(
        `warning: ${name}@${resolved.version} is yanked${resolved.yankReason ? `: ${resolved.yankReason}` : ""}\n`,
      );
    }
    const bytes = await client.download(resolved, progressReporter(io, `${name}@${resolved.version}`));
    return { version: resolved.version, bytes, integrity: resolved.integrity, tarball: resolved.tarball };
  } catch (e) {
    if (e instanceof RegistryError || e instanceof IntegrityError) throw new CommandError(e.message);
    throw e;
  }
}

async function fetchFromNpm(name: string, range: string | undefined, registry: string, io: CliIO): Promise<Fetched> {
  const client = new NpmRegistryClient(registry);
  try {
    const resolved = await client.resolve(name, range);
    if (resolved.deprecated !== undefined) {
      io.stderr.write(`warning: ${name}@${resolved.version} is deprecated: ${resolved.deprecated}\n`);
    }
    const bytes = await client.download(resolved, progressReporter(io, `${name}@${resolved.version}`), (msg) =>
      io.stderr.write(`warning: ${msg}\n`),
    );
    return { version: resolved.version, bytes, integrity: integrityOf(bytes), tarball: resolved.tarball };
  } catch (e) {
    if (e instanceof NpmRegistryError || e instanceof IntegrityError) throw new CommandError(e.message);
    throw e;
  }
}

export async function installPlugin(spec: string, args: ParsedArgs, io: CliIO): Promise<number> {
  const { name, range } = parsePackageSpec(spec);
  const badName = invalidNameReason(name);
  if (badName) throw new UsageError(badName);
  const source = installSourceFromArgs(args);
  const registry = source.url;
  const pluginsDir = pluginsDirFromArgs(args);
  const lockPath = lockfileFromArgs(args);

  const fetched =
    source.protocol === "npm"
      ? await fetchFromNpm(name, range, registry, io)
      : await fetchFromIngot(name, range, registry, io);
  const { bytes } = fetched;
  const resolved = { version: fetched.version, integrity: fetched.integrity, tarball: fetched.tarball };

  let info: ReturnType<typeof inspectArtifact>;
  let tarball: Awaited<ReturnType<typeof readTarball>>;
  try {
    tarball = await readTarball(bytes, { maxArtifactSize: Math.max(bytes.length, DEFAULT_MAX_ARTIFACT_SIZE) });
    info = inspectArtifact(tarball);
  } catch (e) {
    if (e instanceof TarballError) throw new CommandError(`${name}@${resolved.version} refused: ${e.message}`);
    throw e;
  }
  if (info.name !== name || info.version !== resolved.version) {
    throw new CommandError(`${name}@${resolved.version} refused: the artifact is ${info.name}@${info.version}`);
  }
  if (info.kind === "module") {
    throw new CommandError(`${name}@${resolved.version} is a module, not a plugin; use it with import.registry`);
  }

  // Unpack beside the target, check with discovery's checks, then swap in.
  mkdirSync(pluginsDir, { recursive: true });
  const staging = join(pluginsDir, `.staging-${randomBytes(6).toString("hex")}`);
  const target = join(pluginsDir, ...name.split("/"));
  try {
    extractTarball(tarball, staging);
    for (const p of info.plugins) {
      const rec = inspectPackage(p.dir === "" ? staging : join(staging, p.dir));
      if (rec.status !== "ok") {
        throw new CommandError(
          `plugin ${rec.name}@${rec.version} (from ${name}@${info.version}) refused: ${rec.reason}`,
        );
      }
    }
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target)) {
      const old = join(pluginsDir, `.old-${randomBytes(6).toString("hex")}`);
      renameSync(target, old);
      renameSync(staging, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }

  const lock = readLockfile(lockPath);
  lock.lockfileVersion ??= 1;
  lock.plugins = {
    ...lock.plugins,
    [name]: {
      version: info.version,
      resolved: resolved.tarball,
      integrity: resolved.integrity,
      registry,
      ...(source.protocol === "npm" ? { protocol: "npm" as const } : {}),
      path: target,
    },
  };
  writeLockfile(lockPath, lock);

  const components = info.plugins.flatMap((p) => p.components);
  await write(
    io.stdout,
    `installed ${name}@${info.version} into ${target}\n` +
      `  integrity: ${resolved.integrity}\n` +
      `  components: ${components.join(", ")}\n`,
  );
  return 0;
}

export async function removePlugin(name: string, args: ParsedArgs, io: CliIO): Promise<number> {
  const badName = invalidNameReason(name);
  if (badName) throw new UsageError(badName);
  const pluginsDir = pluginsDirFromArgs(args);
  const lockPath = lockfileFromArgs(args);
  const target = join(pluginsDir, ...name.split("/"));
  const lock = readLockfile(lockPath);
  const locked = lock.plugins?.[name];
  if (!existsSync(target) && !locked) throw new CommandError(`plugin ${name} is not installed in ${pluginsDir}`);
  rmSync(target, { recursive: true, force: true });
  if (locked && lock.plugins) {
    delete lock.plugins[name];
    writeLockfile(lockPath, lock);
  }
  await write(io.stdout, `removed ${name}${locked ? `@${locked.version}` : ""} from ${pluginsDir}\n`);
  return 0;
}
