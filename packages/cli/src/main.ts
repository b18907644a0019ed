// Entry point of the `ingot` command.
import { runCli } from "./cli.js";

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
} catch (err) {
  // A bug, not a user error: say so, with the stack, and fail.
  process.stderr.write(`Error: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
}
