// `ingot modules update`: fetches every remote import of a configuration (import.http,
// import.git, ... at the top level, in declare bodies and nested in imported content),
// refreshes the module cache under --storage.path and rewrites the `modules` key of
// ingot.lock beside the configuration (other keys, such as `plugins`, are kept).
import { updateModulesLock } from "@ingot/runtime";
import { parseArgs, UsageError } from "./args.js";
import { loadSources } from "./cmd-validate.js";
import type { Command } from "./command.js";
import { defaultStoragePath, storagePathFlag, stringFlag } from "./runtime-flags.js";
import { type CliIO, CommandError, write } from "./util.js";

export const modulesCommand: Command = {
  name: "modules",
  aliases: [],
  use: "modules update [flags] file",
  short: "Refresh the pinned remote modules in ingot.lock",
  long: `The modules update subcommand fetches every remote import of the configuration
(a file, or a directory of *.alloy files), stores the content in the module cache
under --storage.path and records each import in the "modules" key of ingot.lock
beside the configuration: kind, location, resolved revision and sha512 integrity.
While ingot.lock is present, ingot run refuses fetched content that does not match
it and keeps running the pinned content. Nothing is written when a fetch fails.`,
  flags: [storagePathFlag],
  run: runModules,
};

async function runModules(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, modulesCommand.flags);
  const [sub, ...rest] = args.positionals;
  if (sub === undefined) throw new UsageError('missing subcommand for "ingot modules": want "update"');
  if (sub !== "update") throw new UsageError(`unknown command ${JSON.stringify(sub)} for "ingot modules"`);
  if (rest.length !== 1) throw new UsageError(`"ingot modules update" accepts 1 arg(s), received ${rest.length}`);
  const sources = await loadSources(rest[0] as string);
  const storagePath = stringFlag(args, storagePathFlag.name, defaultStoragePath);
  const r = await updateModulesLock({ sources, storagePath });
  for (const s of r.skipped) write(io.stderr, `skipped (arguments known only when running): ${s}\n`);
  if (r.errors.length > 0) {
    throw new CommandError(`ingot.lock not updated:\n  ${r.errors.join("\n  ")}`);
  }
  for (const [key, m] of r.modules) write(io.stdout, `${key}: ${m.revision || "-"} ${m.integrity}\n`);
  write(io.stdout, `${r.lockPath}: ${r.modules.size} module(s) locked\n`);
  return 0;
}
