// The shape of an `ingot` subcommand.
import type { FlagSpec } from "./args.js";
import type { CliIO } from "./util.js";

export interface Command {
  name: string;
  aliases: string[];
  /** Usage line after "ingot ", e.g. "fmt [flags] file". */
  use: string;
  short: string;
  long: string;
  flags: FlagSpec[];
  /** Runs the command; throws CommandError or UsageError to fail with `Error: ...`. */
  run(argv: string[], io: CliIO): Promise<number>;
}
