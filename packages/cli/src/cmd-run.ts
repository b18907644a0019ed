// `ingot run`: a placeholder until the runtime exists.
import type { Command } from "./command.js";
import { CommandError } from "./util.js";

export const runCommand: Command = {
  name: "run",
  aliases: [],
  use: "run [flags] path",
  short: "Run Ingot (not available yet)",
  long: `The run subcommand will run a configuration file or directory once the runtime
is built. Until then it fails; use "ingot validate" to check a configuration.`,
  flags: [],
  async run(): Promise<number> {
    throw new CommandError('the runtime is not available yet: "ingot run" is not implemented in this version');
  },
};
