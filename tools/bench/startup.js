// Startup benchmark: wall time from spawning `node packages/cli/bin/ingot.js run
// <config>` to the first 200 from /-/ready. After each run it checks that every
// first-party plugin was discovered (status ok in /api/v0/web/plugins), then stops
// the process with SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarize } from "./stats.js";

/** @param {{ runs: number, repoRoot: string, timeoutMs?: number }} opts */
export async function benchStartup({ runs, repoRoot, timeoutMs = 15_000 }) {
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
    const times = [];
    let coldMs = 0;
    // Every run restarts the same Ingot: one --storage.path, as a restart uses. The first
    // run is reported apart as cold_ms (empty storage: the schema validator cache is
    // filled; OS file cache cold); the median is over the restarts after it.
    for (let run = 0; run <= runs; run++) {
      const port = await freePort();
      const { ms, plugins } = await startOnce({ repoRoot, config, port, storage: join(dir, "data"), timeoutMs });
      const missing = expected.filter((name) => !plugins.some((p) => p.name === name && p.status === "ok"));
      if (missing.length > 0) throw new Error(`first-party plugins not discovered: ${missing.join(", ")}`);
      if (run > 0) times.push(ms);
      else coldMs = ms;
    }
    return { plugins: expected, cold_ms: Math.round(coldMs * 100) / 100, ...summarize(times) };
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

async function startOnce({ repoRoot, config, port, storage, timeoutMs }) {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, "packages/cli/bin/ingot.js"),
      "run",
      config,
      `--server.http.listen-addr=127.0.0.1:${port}`,
      `--storage.path=${storage}`,
    ],
    { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] },
  );
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
