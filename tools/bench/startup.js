// Startup benchmark: wall time from spawning `node packages/cli/bin/ingot.js run
// <config>` to the first 200 from /-/ready. After each run it checks that every
// first-party plugin was discovered (status ok in /api/v0/web/plugins), then stops
// the process with SIGTERM.
//
// Two references are measured in the same window, interleaved with Ingot's runs (the
// machine is shared and noisy): `floor`, a Node process that only starts an HTTP
// server answering 200 (Node's own start plus the polling: no Ingot can beat it), and
// optionally `baseline`, another build's bin (`--baseline path/to/bin.js`) run the same
// way on its own --storage.path, to compare two builds run for run.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { round, summarize } from "./stats.js";

/** summarize() plus the 90th percentile (nearest rank). */
function stats(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return { ...summarize(xs), p90_ms: round(sorted[Math.max(0, Math.ceil(sorted.length * 0.9) - 1)]) };
}

/** @param {{ runs: number, repoRoot: string, baseline?: string, timeoutMs?: number }} opts */
export async function benchStartup({ runs, repoRoot, baseline, timeoutMs = 15_000 }) {
  const dir = mkdtempSync(join(tmpdir(), "ingot-bench-startup-"));
  try {
    const secretFile = join(dir, "greeting.txt");
    writeFileSync(secretFile, "hello");
    const config = join(dir, "config.alloy");
    writeFileSync(
      config,
      `local.file "greeting" {\n  filename = ${JSON.stringify(secretFile)}\n}\n\n` +
        `local.file_match "files" {\n  path_targets = [{"__path__" = ${JSON.stringify(join(dir, "*.txt"))}}]\n}\n`,
    );
    const expected = firstPartyPlugins(repoRoot);
    const subjects = [{ name: "ingot", bin: join(repoRoot, "packages/cli/bin/ingot.js"), storage: join(dir, "data") }];
    if (baseline) subjects.push({ name: "baseline", bin: baseline, storage: join(dir, "data-baseline") });
    const times = new Map(subjects.map((s) => [s.name, []]));
    const cold = new Map();
    const floor = [];
    // Every run restarts the same Ingot: one --storage.path, as a restart uses. The first
    // run is reported apart as cold_ms (empty storage: the schema validator cache is
    // filled; OS file cache cold); the median is over the restarts after it.
    for (let run = 0; run <= runs; run++) {
      for (const subject of subjects) {
        const port = await freePort();
        const args = [subject.bin, "run", config, `--server.http.listen-addr=127.0.0.1:${port}`];
        const storageFlag = `--storage.path=${subject.storage}`;
        const { ms, plugins } = await startOnce({ args: [...args, storageFlag], cwd: repoRoot, port, timeoutMs });
        const missing = expected.filter((name) => !plugins.some((p) => p.name === name && p.status === "ok"));
        if (missing.length > 0)
          throw new Error(`${subject.name}: first-party plugins not discovered: ${missing.join(", ")}`);
        if (run > 0) times.get(subject.name).push(ms);
        else cold.set(subject.name, ms);
      }
      const port = await freePort();
      const server = `require("node:http").createServer((q, s) => s.end("[]")).listen(${port}, "127.0.0.1")`;
      const { ms } = await startOnce({ args: ["-e", server], cwd: repoRoot, port, timeoutMs });
      if (run > 0) floor.push(ms);
    }
    const result = { plugins: expected, cold_ms: round(cold.get("ingot")), ...stats(times.get("ingot")) };
    result.floor = stats(floor);
    if (baseline)
      result.baseline = { bin: baseline, cold_ms: round(cold.get("baseline")), ...stats(times.get("baseline")) };
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Names of the packages under plugins/ (every first-party plugin). */
function firstPartyPlugins(repoRoot) {
  const root = join(repoRoot, "plugins");
  return readdirSync(root)
    .map((d) => {
      try {
        return JSON.parse(readFileSync(join(root, d, "package.json"), "utf8")).name;
      } catch {
        return undefined;
      }
    })
    .filter(Boolean)
    .sort();
}

async function startOnce({ args, cwd, port, timeoutMs }) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b) => {
    stderr += b;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ingot run exited with ${child.exitCode}:\n${stderr}`);
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`no 200 from /-/ready within ${timeoutMs} ms:\n${stderr}`);
      const status = await get(port, "/-/ready").then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = performance.now() - t0;
    const plugins = JSON.parse((await get(port, "/api/v0/web/plugins")).body);
    return { ms, plugins: Array.isArray(plugins) ? plugins : (plugins.plugins ?? []) };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
