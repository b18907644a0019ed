#!/usr/bin/env node
// The ingot command: a thin launcher for the esbuild bundle (dist/ingot.cjs).
//
// Startup time matters (`ingot run` to /-/ready), and compiling the 1.2 MB bundle is a
// large part of it. So the bundle is compiled with vm.Script and V8's code cache: after
// a command has started (`run`: ready; other commands: at exit) the compiled code is
// written to a cache file, and later starts hand it to V8 instead of compiling again.
// One cache file per command and installation (each caches the functions its own
// startup compiled), keyed by the bundle's path, size, mtime and inode and by Node's
// version and arch. V8 checks the data (its version, flags, the source length) and
// rejects what does not fit; the file also carries a CRC-32 of the data, so a damaged
// or stale file is only ignored (and replaced). Every failure to read or write the
// cache is ignored.
//
// INGOT_COMPILE_CACHE: a directory for the cache files, or "off" to turn it off.
// Default: $XDG_CACHE_HOME/ingot/compile-cache, else ~/.cache/ingot/compile-cache.
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { crc32 } from "node:zlib";

const trace = process.env.INGOT_STARTUP_TRACE
  ? (m) => process.stderr.write(`startup ${m} ${performance.now().toFixed(1)}\n`)
  : () => {};
trace("bin");
// `ingot run` keeps V8's young generation at its initial size (1 MiB semi-spaces) instead
// of letting it grow to 16 MiB ones: about 30 MiB less resident memory for little CPU, as
// a collector allocates few objects per sample. Before compiling: V8's code cache checks
// the flags. Any semi-space flag given in NODE_OPTIONS or on node's command line wins.
if (
  process.argv[2] === "run" &&
  !/semi-space/.test(`${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`)
) {
  v8.setFlagsFromString("--semi-space-growth-factor=1");
  trace("young-generation-fixed");
}
// The snappy addon (remote write) allocates with mimalloc, which by default keeps freed
// pages and commits its arenas eagerly: about 6 MiB resident at 100k samples/s. Read when
// the addon loads, so set before anything imports it; values already set win.
if (process.argv[2] === "run") {
  process.env.MIMALLOC_PURGE_DELAY ??= "0";
  process.env.MIMALLOC_ARENA_EAGER_COMMIT ??= "0";
}
const magic = Buffer.from("ingotv8\n");
// The commands that get their own cache file (the others share one).
const commands = ["fmt", "modules", "plugins", "publish", "registry", "run", "validate"];
const bundle = fileURLToPath(new URL("../dist/ingot.cjs", import.meta.url));
const cache = cacheFile();

// The bundle wrapped as a CommonJS module is, on a line of its own (lineOffset keeps
// stack traces' line numbers those of the file). build.js turned the bundle's import()
// calls into __ingotImport(): Node 20 loses a cached script's dynamic import callback.
// The source and the cache data are read in compile() so that neither stays referenced.
const { script, fromCache } = compile();
trace(`compiled${fromCache ? " (code cache)" : ""}`);
let saved = !cache || fromCache;
const save = () => {
  if (saved) return;
  saved = true;
  writeCache(cache, script);
};
// `run` writes once ready (a start killed or failed before then would cache too little);
// the other commands when they exit.
if (!saved && cache.cmd !== "run") process.once("exit", save);

const module = { exports: {} };
const url = pathToFileURL(bundle).href;
const importModule = (specifier) => import(specifier);
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), url, importModule);
trace("bundle-initialised");
// INGOT_STARTUP_TRACE=exit: exit once started, to measure startup (perf stat, --cpu-prof).
const exitWhenStarted = process.env.INGOT_STARTUP_TRACE === "exit";
const onStarted = () => {
  if (!exitWhenStarted) return setImmediate(save);
  save();
  process.exit(0);
};
await module.exports.main({ onStarted });

function compile() {
  const source = readFileSync(bundle, "utf8");
  const cached = cache && readCache(cache.file);
  const wrapped = `(function (exports, require, module, __filename, __dirname, __ingotImportMetaUrl, __ingotImport) {\n${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: bundle,
    lineOffset: -1,
    ...(cached ? { cachedData: cached } : {}),
  });
  return { script, fromCache: cached !== undefined && !script.cachedDataRejected };
}

/** The cache file for this bundle and command, or undefined when the cache is off or unusable. */
function cacheFile() {
  try {
    const env = process.env.INGOT_COMPILE_CACHE;
    if (env === "off" || env === "0" || env === "false") return undefined;
    const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
    const dir = env || join(base, "ingot", "compile-cache");
    const st = statSync(bundle);
    const arg = process.argv[2] === "format" ? "fmt" : process.argv[2];
    const cmd = commands.includes(arg) ? arg : "other";
    // One installation (the bundle's path) keeps one file per command: a rebuilt or
    // upgraded bundle replaces its predecessor's, other installations keep theirs.
    const prefix = `ingot-${cmd}-${crc32(bundle).toString(16)}-`;
    const key = [process.version, process.arch, st.size, Math.trunc(st.mtimeMs), st.ino].join("-");
    return { cmd, dir, file: join(dir, `${prefix}${key}.v8cache`), prefix };
  } catch {
    return undefined;
  }
}

/** The cached data in `file` when it is intact and this user's, else undefined. */
function readCache(file) {
  try {
    const st = statSync(file);
    if (typeof process.getuid === "function" && st.uid !== process.getuid()) return undefined;
    const buf = readFileSync(file);
    if (buf.length < 12 || !buf.subarray(0, 8).equals(magic)) return undefined;
    const data = buf.subarray(12);
    return buf.readUInt32LE(8) === crc32(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the code compiled so far; replaces this command's files for other bundles. */
function writeCache({ dir, file, prefix }, compiled) {
  try {
    const data = compiled.createCachedData();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const head = Buffer.alloc(12);
    magic.copy(head);
    head.writeUInt32LE(crc32(data), 8);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, head);
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix) && name.endsWith(".v8cache") && join(dir, name) !== file) {
        try {
          unlinkSync(join(dir, name));
        } catch {}
      }
    }
  } catch {}
}
