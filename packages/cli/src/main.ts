// Entry point of the `ingot` command.
import { runCli } from "./cli.js";

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
  });
} catch (err) {
  // A bug, not a user error: say so, with the stack, and fail. The bundle is minified;
  // source maps turned on before the stack is first read give the original names.
  process.setSourceMapsEnabled(true);
  process.stderr.write(`Error: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
}
