// Entry point of the `ingot` command. The bundle (dist/ingot.cjs) exports `main`;
// bin/ingot.js loads the bundle (through V8's code cache) and calls it.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./cli.js";
import { startupMark } from "./trace.js";

export interface MainOptions {
  /** Called once, when the command has done its startup work (`run`: ready). */
  onStarted?: () => void;
}

export async function main(options: MainOptions = {}): Promise<void> {
  startupMark("bundle-evaluated");
  // A reader that goes away (`ingot fmt x | head`) ends the output quietly, as a Go
  // program killed by SIGPIPE would.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }

  try {
    process.exitCode = await runCli(process.argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      ...(options.onStarted ? { onStarted: options.onStarted } : {}),
    });
  } catch (err) {
    // A bug, not a user error: say so, with the stack, and fail.
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`Error: internal error: ${mapStack(text)}\n`);
    process.exitCode = 2;
  }
}

/**
 * The bundle is minified: frames in it are mapped to the original files through the
 * source map next to it (dist/ingot.cjs.map), when there is one. Best effort.
 */
function mapStack(stack: string): string {
  try {
    const bundle = fileURLToPath(import.meta.url);
    const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
    const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, "g"), (frame, line: string, column: string) => {
      const e = map.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      return e.originalSource === undefined || e.originalLine === undefined || e.originalColumn === undefined
        ? frame
        : `${resolve(dirname(bundle), e.originalSource.replace(/^file:\/\//, ""))}:${e.originalLine + 1}:${e.originalColumn + 1}`;
    });
  } catch {
    return stack;
  }
}
