// `ingot fmt`: the `alloy fmt` command. Formats one file (or stdin) with the Alloy
// printer; writes the result to stdout, back to the file (-w), or only checks it (-t).
import { readFile, stat, writeFile } from "node:fs/promises";
import { diagnosticString, format } from "@ingot/syntax";
import { type FlagSpec, parseArgs, UsageError } from "./args.js";
import type { Command } from "./command.js";
import { type CliIO, CommandError, fsErrorMessage, readAll, write } from "./util.js";

const flags: FlagSpec[] = [
  { name: "write", short: "w", type: "bool", usage: "write result to (source) file instead of stdout" },
  {
    name: "test",
    short: "t",
    type: "bool",
    usage: "exit with non-zero when changes would be made. Cannot be used with -w/--write",
  },
];

export const fmtCommand: Command = {
  name: "fmt",
  aliases: ["format"],
  use: "fmt [flags] file",
  short: "Format a configuration file",
  long: `The fmt subcommand applies standard formatting rules to the
specified configuration file.

If the file argument is not supplied or if the file argument is "-", then fmt will read from stdin.

The -w flag can be used to write the formatted file back to disk. -w can not be provided when fmt is reading from stdin. When -w is not provided, fmt will write the result to stdout.`,
  flags,
  run: runFmt,
};

async function runFmt(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, flags);
  if (args.positionals.length > 1) {
    throw new UsageError(`accepts between 0 and 1 arg(s), received ${args.positionals.length}`);
  }
  const writeBack = args.flags.get("write") === true;
  const testOnly = args.flags.get("test") === true;
  const file = args.positionals[0] ?? "-";

  if (writeBack && testOnly) throw new CommandError("cannot use -w/--write and -t/--test at the same time");

  if (file === "-") {
    if (writeBack) throw new CommandError("cannot use -w with standard input");
    const input = await readAll(io.stdin);
    return formatSource("<stdin>", input, io, false, testOnly);
  }

  let isDir: boolean;
  try {
    isDir = (await stat(file)).isDirectory();
  } catch (err) {
    throw new CommandError(fsErrorMessage("stat", file, err));
  }
  if (isDir) throw new CommandError("cannot format a directory");
  let input: Buffer;
  try {
    input = await readFile(file);
  } catch (err) {
    throw new CommandError(fsErrorMessage("open", file, err));
  }
  return formatSource(file, input, io, writeBack, testOnly);
}

async function formatSource(
  filename: string,
  input: Buffer,
  io: CliIO,
  writeBack: boolean,
  testOnly: boolean,
): Promise<number> {
  const result = format(input.toString("utf8"), filename);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (result.output === undefined || errors.length > 0) {
    // As upstream: each diagnostic as "file:line:col: message", then the summary error.
    const shown = errors.length > 0 ? errors : result.diagnostics;
    await write(io.stderr, shown.map((d) => `${diagnosticString(d)}\n`).join(""));
    throw new CommandError("encountered errors during formatting");
  }
  const output = Buffer.from(result.output, "utf8");
  const unchanged = output.equals(input);

  if (testOnly) {
    if (!unchanged) throw new CommandError(`file ${filename} is not formatted correctly`);
    return 0;
  }
  if (!writeBack) {
    await write(io.stdout, output);
    return 0;
  }
  // Only touch the file when the content changes (a read-only formatted file is fine).
  if (unchanged) return 0;
  try {
    await writeFile(filename, output);
  } catch (err) {
    throw new CommandError(fsErrorMessage("open", filename, err));
  }
  return 0;
}
