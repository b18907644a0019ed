// Command dispatch for `ingot`. Each subcommand lives in its own module.
import type { Readable, Writable } from "node:stream";

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
}

export const usage = `Usage: ingot <command> [flags]

Commands:
  run [FILE|DIR]           run a configuration (not available yet)
  fmt [-w] [-t] FILE|-     format a configuration file
  validate FILE|DIR        check a configuration for errors
  help                     show this help
`;

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case "help":
    case "-h":
    case "--help":
      io.stdout.write(usage);
      return 0;
    default:
      io.stderr.write(`ingot: unknown command ${JSON.stringify(cmd)} (rest: ${rest.length} args)\n\n${usage}`);
      return 1;
  }
}
