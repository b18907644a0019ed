// Command dispatch for `ingot`, shaped like Alloy's cobra CLI: `ingot <command> [flags]`,
// errors printed as `Error: ...` on stderr with exit status 1, help on stdout.
import { type FlagSpec, flagsHelp, UsageError } from "./args.js";
import type { Command } from "./command.js";
import { type CliIO, CommandError, defaultColor } from "./util.js";

export type { CliIO } from "./util.js";

declare const __INGOT_VERSION__: string | undefined;

export const version: string = typeof __INGOT_VERSION__ === "string" ? __INGOT_VERSION__ : "0.0.0-dev";

/**
 * A subcommand as the root help lists it; `load` imports its module. Commands are
 * imported only when run (or their help is asked for), so `ingot run` never loads nor
 * initialises the registry client, tar, the scaffolder and the like (startup time).
 * A test checks that name, aliases and short match the loaded command's.
 */
export interface CommandEntry {
  name: string;
  aliases: string[];
  short: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: "fmt",
    aliases: ["format"],
    short: "Format a configuration file",
    load: async () => (await import("./cmd-fmt.js")).fmtCommand,
  },
  {
    name: "modules",
    aliases: [],
    short: "Refresh the pinned remote modules in ingot.lock",
    load: async () => (await import("./cmd-modules.js")).modulesCommand,
  },
  {
    name: "plugins",
    aliases: [],
    short: "List, install, remove and create plugins",
    load: async () => (await import("./cmd-plugins.js")).pluginsCommand,
  },
  {
    name: "publish",
    aliases: [],
    short: "Publish a plugin, plugin pack or module to a registry",
    load: async () => (await import("./cmd-publish.js")).publishCommand,
  },
  {
    name: "registry",
    aliases: [],
    short: "Run an Ingot registry",
    load: async () => (await import("./cmd-registry.js")).registryCommand,
  },
  { name: "run", aliases: [], short: "Run Ingot", load: async () => (await import("./cmd-run.js")).runCommand },
  {
    name: "validate",
    aliases: [],
    short: "Validate a configuration file",
    load: async () => (await import("./cmd-validate.js")).validateCommand,
  },
];

export function versionText(): string {
  return `ingot, version v${version}\n  node version: ${process.version}\n  platform: ${process.platform}/${process.arch}\n`;
}

const helpFlag = (name: string): FlagSpec => ({ name: "help", short: "h", type: "bool", usage: `help for ${name}` });

export function rootHelp(): string {
  const rows = [...commands.map((c) => [c.name, c.short]), ["help", "Help about any command"]].sort((a, b) =>
    (a[0] as string).localeCompare(b[0] as string),
  );
  const width = Math.max(...rows.map((r) => (r[0] as string).length)) + 3;
  return (
    "Ingot: a telemetry collector that speaks the Alloy configuration syntax\n\n" +
    "Usage:\n  ingot [global options] <subcommand>\n\n" +
    "Available Commands:\n" +
    rows.map(([n, s]) => `  ${(n as string).padEnd(width)}${s}\n`).join("") +
    "\nFlags:\n" +
    flagsHelp([helpFlag("ingot"), { name: "version", short: "v", type: "bool", usage: "version for ingot" }]) +
    '\nUse "ingot [command] --help" for more information about a command.\n'
  );
}

export function commandHelp(c: Command): string {
  let s = `${c.long}\n\nUsage:\n  ingot ${c.use}\n`;
  if (c.aliases.length > 0) s += `\nAliases:\n  ${[c.name, ...c.aliases].join(", ")}\n`;
  const specs = [helpFlag(c.name), ...c.flags].sort((a, b) => a.name.localeCompare(b.name));
  s += `\nFlags:\n${flagsHelp(specs)}`;
  return s;
}

function findCommand(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name || c.aliases.includes(name));
}

function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === "--") return false;
    if (a === "-h" || a === "--help" || a === "--help=true") return true;
  }
  return false;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const ioc: CliIO = { ...io, color: io.color ?? defaultColor(io.stdout) };
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case "-h":
      case "--help":
        io.stdout.write(rootHelp());
        return 0;
      case "-v":
      case "--version":
        io.stdout.write(versionText());
        return 0;
      case "help": {
        if (rest.length === 0) {
          io.stdout.write(rootHelp());
          return 0;
        }
        const c = findCommand(rest[0] as string);
        if (!c) {
          io.stdout.write(`Unknown help topic ${JSON.stringify(rest)}\n${rootHelp()}`);
          return 0;
        }
        io.stdout.write(commandHelp(await c.load()));
        return 0;
      }
    }
    const c = findCommand(cmd);
    if (!c) {
      if (cmd.startsWith("-")) throw new UsageError(`unknown flag: ${cmd}`);
      io.stderr.write(`Error: unknown command ${JSON.stringify(cmd)} for "ingot"\nRun 'ingot --help' for usage.\n`);
      return 1;
    }
    const command = await c.load();
    if (wantsHelp(rest)) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    return await command.run(rest, ioc);
  } catch (err) {
    if (err instanceof CommandError || err instanceof UsageError) {
      io.stderr.write(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
