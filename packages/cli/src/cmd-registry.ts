// `ingot registry serve`: runs an Ingot registry (plugin packs and modules) on files
// on disk, or in an S3 bucket with --s3.bucket, until SIGINT/SIGTERM.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  createRegistryServer,
  DEFAULT_MAX_ARTIFACT_SIZE,
  FileStorage,
  type RegistryStorage,
  S3Storage,
} from "@ingot/registry";
import { createLogger } from "@ingot/sdk";
import { formatListenAddr, parseListenAddr } from "@ingot/server";
import { type FlagSpec, parseArgs, UsageError } from "./args.js";
import type { Command } from "./command.js";
import { stringFlag } from "./runtime-flags.js";
import { type CliIO, CommandError, fsErrorMessage } from "./util.js";

const listenFlag: FlagSpec = {
  name: "listen-addr",
  type: "string",
  usage: "Address to listen for HTTP traffic on (port 0 picks a free port)",
  valueName: "string",
  default: "127.0.0.1:4873",
};
const storageFlag: FlagSpec = {
  name: "storage.path",
  type: "string",
  usage: "Directory the registry keeps its packages in",
  valueName: "string",
  default: "data-ingot-registry/",
};
const tokensFlag: FlagSpec = {
  name: "token-file",
  type: "string",
  usage: "File with the bearer tokens allowed to publish and yank, one per line (none: read-only)",
  valueName: "path",
};
const maxSizeFlag: FlagSpec = {
  name: "max-artifact-size",
  type: "string",
  usage: "Largest artifact accepted (bytes, or with KiB/MiB/GiB/KB/MB/GB)",
  valueName: "size",
  default: "50MiB",
};

const s3Flags: FlagSpec[] = [
  {
    name: "s3.bucket",
    type: "string",
    usage: "Keep packages in this S3 bucket instead of --storage.path",
    valueName: "string",
  },
  { name: "s3.prefix", type: "string", usage: "Key prefix inside the S3 bucket", valueName: "string" },
  {
    name: "s3.region",
    type: "string",
    usage: "S3 region (default: the AWS SDK's chain, e.g. AWS_REGION)",
    valueName: "string",
  },
  {
    name: "s3.endpoint",
    type: "string",
    usage: "Endpoint of an S3-compatible service (MinIO, Ceph, R2...)",
    valueName: "url",
  },
  {
    name: "s3.force-path-style",
    type: "bool",
    usage: "Use path-style S3 URLs (endpoint/bucket/key), as most S3-compatible services need",
  },
];

export const registryCommand: Command = {
  name: "registry",
  aliases: [],
  use: "registry serve [flags]",
  short: "Run an Ingot registry",
  long: `The registry subcommand runs an Ingot registry.

  serve   stores plugin packs and modules under --storage.path (or in the S3 bucket
          --s3.bucket, credentials from the standard AWS chain) and serves the registry
          HTTP API (docs/registry.md) on --listen-addr until SIGINT or SIGTERM.
          Publishing and yanking need a bearer token listed in --token-file.`,
  flags: [listenFlag, maxSizeFlag, storageFlag, tokensFlag, ...s3Flags],
  run: runRegistry,
};

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  if (!m || unit === undefined) {
    throw new UsageError(
      `invalid argument ${JSON.stringify(text)} for "--max-artifact-size" flag: want bytes, e.g. 50MiB`,
    );
  }
  return Math.floor(Number(m[1]) * unit);
}

function readTokens(path: string): string[] {
  try {
    return readFileSync(path, "utf8")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
  } catch (e) {
    throw new CommandError(fsErrorMessage("open", path, e));
  }
}

async function runRegistry(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, registryCommand.flags);
  const [sub, ...extra] = args.positionals;
  if (sub !== "serve") {
    throw new UsageError(
      sub === undefined
        ? 'missing subcommand for "ingot registry": want "serve"'
        : `unknown command ${JSON.stringify(sub)} for "ingot registry"`,
    );
  }
  if (extra.length > 0) throw new UsageError(`accepts 0 arg(s), received ${extra.length}`);
  let addr: ReturnType<typeof parseListenAddr>;
  try {
    addr = parseListenAddr(stringFlag(args, listenFlag.name, listenFlag.default as string));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const storagePath = resolve(stringFlag(args, storageFlag.name, storageFlag.default as string));
  const bucket = stringFlag(args, "s3.bucket", "");
  for (const f of s3Flags) {
    if (bucket === "" && f.name !== "s3.bucket" && args.flags.has(f.name)) {
      throw new UsageError(`--${f.name} needs --s3.bucket`);
    }
  }
  if (bucket !== "" && args.flags.has(storageFlag.name)) {
    throw new UsageError("--storage.path and --s3.bucket are exclusive: choose one storage");
  }
  const forcePathStyle = args.flags.get("s3.force-path-style");
  const storage: RegistryStorage =
    bucket === ""
      ? new FileStorage(storagePath)
      : new S3Storage({
          bucket,
          prefix: stringFlag(args, "s3.prefix", ""),
          region: stringFlag(args, "s3.region", ""),
          endpoint: stringFlag(args, "s3.endpoint", ""),
          ...(typeof forcePathStyle === "boolean" ? { forcePathStyle } : {}),
        });
  const where = storage instanceof S3Storage ? `s3://${storage.bucket}/${storage.prefix}` : storagePath;
  const tokenFile = stringFlag(args, tokensFlag.name, "");
  const tokens = tokenFile === "" ? [] : readTokens(tokenFile);
  const maxArtifactSize = parseSize(stringFlag(args, maxSizeFlag.name, String(DEFAULT_MAX_ARTIFACT_SIZE)));
  const logger = createLogger({ write: (line) => io.stderr.write(`${line}\n`) });
  if (tokens.length === 0) logger.warn("no tokens (--token-file): the registry is read-only");

  const app = createRegistryServer({ storage, tokens, maxArtifactSize, logger });
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (e) {
    throw new CommandError(`listen tcp ${formatListenAddr(addr.host, addr.port)}: ${(e as Error).message}`);
  }
  const bound = app.server.address();
  const shown = bound && typeof bound === "object" ? formatListenAddr(bound.address, bound.port) : "";
  logger.info("now listening for http traffic", { addr: shown, storage: where });
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  logger.info("shutting down");
  await app.close();
  return 0;
}
