// `ingot validate`: the `alloy validate` command. Reads a file or a directory of
// *.alloy files, parses every file, checks what the language can check alone
// (checkFile: constant evaluation, deprecated stdlib functions, duplicate attributes),
// then asks the runtime (validateConfig: component existence, argument schemas,
// references, cycles, stability) and prints the rendered diagnostics to stderr.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type RuntimeOptions, validateConfig } from "@ingot/runtime";
import { checkFile, type Diagnostic, hasErrors, parseFile, renderDiagnostics } from "@ingot/syntax";
import { parseArgs, UsageError } from "./args.js";
import type { Command } from "./command.js";
import { pluginsPathFlag, runtimeOptionsFromArgs, stabilityLevelFlag } from "./runtime-flags.js";
import { type CliIO, CommandError, fsErrorMessage, write } from "./util.js";

export const validateCommand: Command = {
  name: "validate",
  aliases: [],
  use: "validate [flags] file",
  short: "Validate a configuration file",
  long: `The validate subcommand checks a configuration file, or a directory of *.alloy files
read in name order as one configuration, and prints every problem found with an
excerpt of the source: syntax, unknown components (and the plugin that would provide
them), arguments that do not match a component's schema, unknown references, cycles
and components below --stability.level. It exits with status 1 when there are errors;
warnings alone are printed but do not fail.`,
  flags: [pluginsPathFlag, stabilityLevelFlag],
  run: runValidate,
};

export interface SourceText {
  name: string;
  text: string;
}

/** The files of a configuration: the file itself, or a directory's *.alloy files in name order. */
export async function loadSources(path: string): Promise<SourceText[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new CommandError(fsErrorMessage("stat", path, err));
  }
  const names: string[] = [];
  if (isDir) {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (err) {
      throw new CommandError(fsErrorMessage("open", path, err));
    }
    for (const e of entries) {
      if (e.isDirectory() || !e.name.endsWith(".alloy")) continue;
      names.push(join(path, e.name));
    }
    // Byte order, as Go's filepath.WalkDir.
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } else {
    names.push(path);
  }
  const out: SourceText[] = [];
  for (const name of names) {
    try {
      out.push({ name, text: await readFile(name, "utf8") });
    } catch (err) {
      throw new CommandError(fsErrorMessage("open", name, err));
    }
  }
  return out;
}

/**
 * Diagnostics of a configuration made of several files: parse errors of every file
 * first; only when all files parse are the files checked (`parsed` tells which).
 */
export function languageChecks(sources: readonly SourceText[]): { diagnostics: Diagnostic[]; parsed: boolean } {
  const parsed = sources.map((s) => parseFile(s.name, s.text));
  const parseDiags = parsed.flatMap((p) => p.diagnostics);
  if (hasErrors(parseDiags)) return { diagnostics: parseDiags, parsed: false };
  return { diagnostics: [...parseDiags, ...parsed.flatMap((p) => checkFile(p.file))], parsed: true };
}

export function validateSources(sources: readonly SourceText[]): Diagnostic[] {
  return languageChecks(sources).diagnostics;
}

/** A diagnostic's identity, to drop the ones both checks report. */
function diagnosticKey(d: Diagnostic): string {
  return `${d.severity}\0${d.start.filename}\0${d.start.line}\0${d.start.column}\0${d.message}`;
}

/**
 * Every diagnostic of a configuration: the language's own, then, when every file
 * parses, the runtime's checks against the discovered plugins (duplicates dropped).
 */
export async function validateWithRuntime(
  sources: readonly SourceText[],
  options: RuntimeOptions,
): Promise<Diagnostic[]> {
  const { diagnostics, parsed } = languageChecks(sources);
  if (!parsed) return diagnostics;
  const seen = new Set(diagnostics.map(diagnosticKey));
  for (const d of await validateConfig([...sources], options)) {
    const key = diagnosticKey(d);
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(d);
  }
  return diagnostics;
}

async function runValidate(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, validateCommand.flags);
  if (args.positionals.length !== 1) {
    throw new UsageError(`accepts 1 arg(s), received ${args.positionals.length}`);
  }
  const options = runtimeOptionsFromArgs(args);
  const sources = await loadSources(args.positionals[0] as string);
  const diags = await validateWithRuntime(sources, options);
  if (diags.length === 0) return 0;

  const texts = new Map(sources.map((s) => [s.name, s.text]));
  await write(io.stderr, renderDiagnostics(diags, texts, { color: io.color === true }));
  // Alloy prints a newline on stdout after the report.
  await write(io.stdout, "\n");
  if (hasErrors(diags)) throw new CommandError("validation failed");
  return 0;
}
