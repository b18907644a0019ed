// `ingot plugins list`: the plugins the runtime discovers (installed packages and
// --plugins.path), with their versions, paths, status, refusal reasons and components.
// `install` and `remove` (cmd-plugins-install.ts) manage plugins from a registry.

import { invalidNameReason } from "@ingot/registry";
import { createRuntime, type DiscoveredPlugin } from "@ingot/runtime";
import { type FlagSpec, parseArgs, UsageError } from "./args.js";
import {
  installPlugin,
  lockfileFlag,
  npmFlag,
  npmRegistryFlag,
  registryFlag,
  removePlugin,
} from "./cmd-plugins-install.js";
import type { Command } from "./command.js";
import {
  pluginsPathFlag,
  runtimeOptionsFromArgs,
  stabilityLevelFlag,
  storagePathFlag,
  stringFlag,
} from "./runtime-flags.js";
import { scaffoldPlugin } from "./scaffold.js";
import { type CliIO, CommandError, write } from "./util.js";

const dirFlag: FlagSpec = {
  name: "dir",
  type: "string",
  usage: "Directory for the new plugin package (default ./<name without scope>)",
  valueName: "path",
};

const formatFlag: FlagSpec = {
  name: "format",
  type: "string",
  usage: 'Output format: "text" or "json"',
  valueName: "string",
  default: "text",
};

export const pluginsCommand: Command = {
  name: "plugins",
  aliases: [],
  use: "plugins (list | install NAME[@RANGE] | remove NAME | new NAME) [flags]",
  short: "List, install, remove and create plugins",
  long: `The plugins subcommand manages component plugins.

  list      prints every plugin found among the installed packages, the plugins
            directory (<storage.path>/plugins) and the --plugins.path directories: name,
            version, path, status (ok or refused, with the reason) and its components
            with their stability.
  install   resolves NAME[@RANGE] (a semver range, default the latest version) against
            the Ingot --registry, or with --npm/--npm-registry against an npm-protocol
            registry (RANGE may then be a dist-tag), downloads it, verifies its
            integrity, checks every plugin in it as discovery does, unpacks it into the
            plugins directory (the first --plugins.path, else <storage.path>/plugins)
            and records it in the lockfile (./ingot.lock unless --lockfile).
  remove    deletes an installed plugin and its lockfile entry.
  new       creates a plugin package named NAME in --dir (default ./NAME without its
            scope): package.json, ingot-plugin.json with a sample component
            (<namespace>.counter), src/index.ts, a test using @ingot/sdk/testkit, the
            build script (tsc, then @ingot/sdk/build), tsconfig.json and a README.`,
  flags: [
    dirFlag,
    formatFlag,
    lockfileFlag,
    npmFlag,
    npmRegistryFlag,
    pluginsPathFlag,
    registryFlag,
    stabilityLevelFlag,
    storagePathFlag,
  ],
  run: runPlugins,
};

async function runPlugins(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, pluginsCommand.flags);
  const [sub, ...extra] = args.positionals;
  if (sub === undefined) {
    throw new UsageError('missing subcommand for "ingot plugins": want "list", "install", "remove" or "new"');
  }
  if (sub === "new") {
    if (extra.length !== 1) throw new UsageError(`"ingot plugins new" accepts 1 arg(s), received ${extra.length}`);
    return newPlugin(extra[0] as string, stringFlag(args, dirFlag.name, ""), io);
  }
  if (sub === "install" || sub === "remove") {
    if (extra.length !== 1) throw new UsageError(`"ingot plugins ${sub}" accepts 1 arg(s), received ${extra.length}`);
    return sub === "install" ? installPlugin(extra[0] as string, args, io) : removePlugin(extra[0] as string, args, io);
  }
  if (sub !== "list") throw new UsageError(`unknown command ${JSON.stringify(sub)} for "ingot plugins"`);
  if (extra.length > 0) throw new UsageError(`accepts 0 arg(s), received ${extra.length}`);
  const format = stringFlag(args, formatFlag.name, "text");
  if (format !== "text" && format !== "json") {
    throw new UsageError(`invalid argument ${JSON.stringify(format)} for "--format" flag: want "text" or "json"`);
  }

  const runtime = await createRuntime(runtimeOptionsFromArgs(args));
  let plugins: DiscoveredPlugin[];
  try {
    plugins = runtime.plugins();
  } finally {
    await runtime.shutdown();
  }
  await write(io.stdout, format === "json" ? `${JSON.stringify(plugins, null, 2)}\n` : pluginsText(plugins));
  return 0;
}

/** One block per plugin: a header line, its path, the refusal reason, then its components. */
export function pluginsText(plugins: readonly DiscoveredPlugin[]): string {
  if (plugins.length === 0) return "No plugins found.\n";
  const out: string[] = [];
  for (const p of plugins) {
    out.push(`${p.name} ${p.version} (${p.status})\n`);
    out.push(`  path: ${p.path}\n`);
    if (p.reason) out.push(`  reason: ${p.reason}\n`);
    if (p.components.length > 0) {
      out.push("  components:\n");
      const width = Math.max(...p.components.map((c) => c.name.length));
      const stabWidth = Math.max(...p.components.map((c) => c.stability.length));
      for (const c of p.components) {
        const line = `    ${c.name.padEnd(width)}  ${c.description ? `${c.stability.padEnd(stabWidth)}  ${c.description}` : c.stability}`;
        out.push(`${line}\n`);
      }
    }
  }
  return out.join("");
}

async function newPlugin(name: string, dirArg: string, io: CliIO): Promise<number> {
  const bad = invalidNameReason(name);
  if (bad) throw new UsageError(bad);
  const dir = dirArg !== "" ? dirArg : (name.split("/").pop() as string);
  let made: ReturnType<typeof scaffoldPlugin>;
  try {
    made = scaffoldPlugin(name, dir);
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
  await write(
    io.stdout,
    `created ${name} in ${made.dir}\n` +
      `  component: ${made.component}\n` +
      `  files: ${made.files.join(", ")}\n` +
      `next: cd ${dir} && npm install && npm test\n`,
  );
  return 0;
}
