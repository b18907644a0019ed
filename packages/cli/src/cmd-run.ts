// `ingot run [FILE|DIR]`: discovers plugins, starts the HTTP server, loads the
// configuration (or the embedded default one) and runs it until SIGINT/SIGTERM.
// SIGHUP and /-/reload re-read the configuration; on error the old graph keeps running.
import { type ConfigSource, createRuntime, type IngotRuntime, type LoadResult } from "@ingot/runtime";
import { createLogger, type Logger } from "@ingot/sdk";
import { createServer, type IngotServer, parseListenAddr, type ReloadResult } from "@ingot/server";
import { hasErrors, renderDiagnostics } from "@ingot/syntax";
import { parseArgs, UsageError } from "./args.js";
import { loadSources } from "./cmd-validate.js";
import type { Command } from "./command.js";
import { defaultConfigSource } from "./default-config.js";
import {
  defaultListenAddr,
  listenAddrFlag,
  pluginsPathFlag,
  runtimeOptionsFromArgs,
  stabilityLevelFlag,
  storagePathFlag,
  stringFlag,
} from "./runtime-flags.js";
import { startupMark } from "./trace.js";
import { type CliIO, CommandError, write } from "./util.js";

/** How long components get to stop on SIGINT/SIGTERM. */
const shutdownDeadlineMs = 10_000;

export const runCommand: Command = {
  name: "run",
  aliases: [],
  use: "run [flags] [path]",
  short: "Run Ingot",
  long: `The run subcommand runs Ingot in the foreground until an interrupt is received.

run reads a configuration file, or a directory of *.alloy files read in name order as
one configuration. Without a path it runs the embedded default configuration.

run fails if the configuration cannot be loaded. Once running, SIGHUP or a request to
/-/reload re-reads the configuration; if the new one has errors, the previous one keeps
running. SIGINT or SIGTERM stops every component and exits.

The HTTP server listens on --server.http.listen-addr and serves /metrics, /-/ready,
/-/healthy, /-/reload and the /api/v0 JSON API.`,
  flags: [listenAddrFlag, pluginsPathFlag, stabilityLevelFlag, storagePathFlag],
  run: runRun,
};

/** Runs one reload at a time: a SIGHUP and a /-/reload arriving together load in turn. */
function serialize<T>(fn: () => Promise<T>): () => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return () => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

function sourceTexts(sources: readonly ConfigSource[]): Map<string, string> {
  return new Map(sources.map((s) => [s.name, s.text]));
}

async function runRun(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, runCommand.flags);
  if (args.positionals.length > 1) {
    throw new UsageError(`accepts between 0 and 1 arg(s), received ${args.positionals.length}`);
  }
  // The runtime's root logger: the `logging` block sets its level and format.
  const logger = createLogger({ write: (line) => io.stderr.write(`${line}\n`) });
  const options = { ...runtimeOptionsFromArgs(args), logger };
  const listenAddr = stringFlag(args, listenAddrFlag.name, defaultListenAddr);
  try {
    parseListenAddr(listenAddr);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const path = args.positionals[0];
  const readSources = async (): Promise<ConfigSource[]> =>
    path === undefined ? [defaultConfigSource] : await loadSources(path);
  const color = io.color === true;

  // Read before anything starts: a missing file fails at once.
  const sources = await readSources();
  startupMark("sources-read");
  const runtime = await createRuntime(options);
  startupMark("runtime-created");

  const printDiagnostics = (result: LoadResult, from: readonly ConfigSource[]) =>
    result.diagnostics.length > 0
      ? write(io.stderr, renderDiagnostics(result.diagnostics, sourceTexts(from), { color }))
      : Promise.resolve();

  const reload = serialize(async (): Promise<ReloadResult> => {
    const next = await readSources();
    const result = await runtime.load(next);
    return { ...result, sources: next };
  });

  // Listen first: /-/ready answers 503 while the configuration loads.
  let server: IngotServer;
  try {
    server = await createServer(runtime, { listenAddr, reload, logger });
  } catch (err) {
    await runtime.shutdown(shutdownDeadlineMs);
    throw new CommandError(`failed to listen on ${listenAddr}: ${(err as Error).message}`);
  }

  runtime.setHttpAddress(server.address);
  startupMark("listening");

  let first: LoadResult;
  try {
    first = await runtime.load(sources);
  } catch (err) {
    // A bug in the runtime or a plugin: stop what runs, then report it.
    await stopAll(server, runtime, logger);
    throw err;
  }
  startupMark("loaded");
  await printDiagnostics(first, sources);
  if (!first.ok || hasErrors(first.diagnostics)) {
    await stopAll(server, runtime, logger);
    throw new CommandError("could not perform the initial load successfully");
  }
  logger.info("Ingot is ready", { addr: server.address, config: path ?? defaultConfigSource.name });
  io.onStarted?.();

  return await waitForSignals(runtime, server, reload, logger, printDiagnostics);
}

/** Closes the server, then stops every component within the deadline; failures are logged. */
async function stopAll(server: IngotServer, runtime: IngotRuntime, logger: Logger): Promise<void> {
  await server.close().catch((err: Error) => logger.error("closing the HTTP server failed", { err: err.message }));
  await runtime
    .shutdown(shutdownDeadlineMs)
    .catch((err: Error) => logger.error("stopping components failed", { err: err.message }));
}

function waitForSignals(
  runtime: IngotRuntime,
  server: IngotServer,
  reload: () => Promise<ReloadResult>,
  logger: Logger,
  printDiagnostics: (r: LoadResult, s: readonly ConfigSource[]) => Promise<void>,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;

    const onHup = () => {
      logger.info("reload requested via SIGHUP");
      reload().then(
        async (r) => {
          if (r.ok) logger.info("config reloaded");
          else {
            await printDiagnostics(r, r.sources ?? []);
            logger.error("failed to reload config; the previous configuration keeps running");
          }
        },
        (err: unknown) => logger.error("failed to reload config", { err: (err as Error).message ?? String(err) }),
      );
    };

    const onStop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second interrupt: give up waiting for components.
        logger.warn("second interrupt: exiting now", { signal });
        process.exit(1);
      }
      stopping = true;
      logger.info("shutting down", { signal });
      process.off("SIGHUP", onHup);
      (async () => {
        await stopAll(server, runtime, logger);
        process.off("SIGINT", onStop);
        process.off("SIGTERM", onStop);
        logger.info("shutdown complete");
        // Exit even if a plugin left a handle open; the timer itself does not keep the process alive.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
        resolve(0);
      })();
    };

    process.on("SIGHUP", onHup);
    process.on("SIGINT", onStop);
    process.on("SIGTERM", onStop);
  });
}
