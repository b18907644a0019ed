// `ingot publish DIR`: checks a plugin, plugin pack or module directory (discovery's
// checks for plugins, the module manifest for modules), packs it deterministically and
// uploads it to a registry with a bearer token.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  inspectArtifact,
  integrityOf,
  MODULE_MANIFEST_FILE,
  PACK_MANIFEST_FILE,
  packDirectory,
  RegistryClient,
  RegistryError,
  readTarball,
  TarballError,
} from "@ingot/registry";
import { inspectPackage } from "@ingot/runtime";
import { MANIFEST_FILE } from "@ingot/sdk";
import { type FlagSpec, parseArgs, UsageError } from "./args.js";
import { registryFlag, registryUrlFromArgs } from "./cmd-plugins-install.js";
import type { Command } from "./command.js";
import { stringFlag } from "./runtime-flags.js";
import { type CliIO, CommandError, fsErrorMessage, write } from "./util.js";

export const tokenFileFlag: FlagSpec = {
  name: "token-file",
  type: "string",
  usage: "File holding the registry's bearer token (default: $INGOT_REGISTRY_TOKEN)",
  valueName: "path",
};
const dryRunFlag: FlagSpec = { name: "dry-run", type: "bool", usage: "Check and pack, but do not upload" };

export const publishCommand: Command = {
  name: "publish",
  aliases: [],
  use: "publish [flags] DIR",
  short: "Publish a plugin, plugin pack or module to a registry",
  long: `The publish subcommand checks, packs and uploads a directory to an Ingot registry.

A plugin (package.json + ${MANIFEST_FILE}) gets the checks Ingot runs at startup; a pack
(package.json + ${PACK_MANIFEST_FILE}) gets them for each of its plugins; a module
(${MODULE_MANIFEST_FILE} + Alloy files) gets its manifest checked. The directory is packed
as a deterministic tarball (sorted entries, fixed times, no owners; package.json's
"files" is honoured) and uploaded with the bearer token from --token-file. The name,
version and sha512 integrity of the published artifact are printed.`,
  flags: [dryRunFlag, registryFlag, tokenFileFlag],
  run: runPublish,
};

/** Runs discovery's checks on every plugin in the directory; throws with the first refusal. */
function checkPlugins(dir: string): void {
  const dirs: string[] = [];
  if (existsSync(join(dir, PACK_MANIFEST_FILE))) {
    let pack: { plugins?: unknown };
    try {
      pack = JSON.parse(readFileSync(join(dir, PACK_MANIFEST_FILE), "utf8"));
    } catch (e) {
      throw new CommandError(`${PACK_MANIFEST_FILE} is not valid JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(pack.plugins)) for (const p of pack.plugins) if (typeof p === "string") dirs.push(join(dir, p));
  } else if (existsSync(join(dir, MANIFEST_FILE))) dirs.push(dir);
  for (const d of dirs) {
    const rec = inspectPackage(d);
    if (rec.status !== "ok")
      throw new CommandError(`plugin ${rec.name}@${rec.version} (${rec.path}) refused: ${rec.reason}`);
  }
}

function readToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CommandError(fsErrorMessage("open", path, e));
  }
  const token = text
    .split(/\r?\n/)
    .find((l) => l.trim() !== "")
    ?.trim();
  if (!token) throw new CommandError(`token file ${path} is empty`);
  return token;
}

async function runPublish(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, publishCommand.flags);
  if (args.positionals.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.positionals.length}`);
  const dir = resolve(args.positionals[0] as string);
  if (!existsSync(dir))
    throw new CommandError(fsErrorMessage("open", dir, Object.assign(new Error(), { code: "ENOENT" })));
  const dryRun = args.flags.get(dryRunFlag.name) === true;
  const registry = dryRun ? "" : registryUrlFromArgs(args);
  const tokenPath = stringFlag(args, tokenFileFlag.name, "");
  const token = dryRun ? "" : tokenPath !== "" ? readToken(tokenPath) : (process.env.INGOT_REGISTRY_TOKEN ?? "");
  if (!dryRun && token === "") throw new UsageError("no token: pass --token-file FILE or set INGOT_REGISTRY_TOKEN");

  if (!existsSync(join(dir, MODULE_MANIFEST_FILE))) checkPlugins(dir);
  const bytes = await packDirectory(dir);
  let info: ReturnType<typeof inspectArtifact>;
  try {
    info = inspectArtifact(await readTarball(bytes, { maxArtifactSize: Math.max(bytes.length, 1) }));
  } catch (e) {
    if (e instanceof TarballError) throw new CommandError(`cannot publish ${dir}: ${e.message}`);
    throw e;
  }
  if (dryRun) {
    await write(
      io.stdout,
      `${info.name}@${info.version} (${info.kind}, ${bytes.length} bytes, not published)\nintegrity ${integrityOf(bytes)}\n`,
    );
    return 0;
  }
  try {
    const res = await new RegistryClient(registry, token).publish(info.name, info.version, bytes);
    await write(
      io.stdout,
      `published ${res.name}@${res.version} (${res.kind}) to ${registry}\nintegrity ${res.integrity}\n`,
    );
  } catch (e) {
    if (e instanceof RegistryError) throw new CommandError(e.message);
    throw e;
  }
  return 0;
}
