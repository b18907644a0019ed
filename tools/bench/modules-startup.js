#!/usr/bin/env node
// Startup with imported modules: wall time from spawning `ingot run <config>` to the
// first 200 from /-/ready, for a config with N `import.http` modules (each used by one
// custom component) served from 127.0.0.1.
//
//   node tools/bench/modules-startup.js [--modules 20] [--runs 10]
//
// Cases (each run: a fresh process, the same storage path, one unmeasured run first):
// - "warm cache + ingot.lock": `ingot modules update` filled the cache and the lock;
//   the cached content matches the lock, so startup does not fetch.
// - "warm cache + ingot.lock, sources down": the HTTP server is stopped; runs from the cache.
// - "no lock (fetch at startup)": no ingot.lock; each import fetches once while loading.
// - "baseline: no modules": an empty config, for the process's own startup on this machine
//   (the difference to it is what the modules cost).
// Needs `npm run build` (the CLI bundle).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const bin = join(repoRoot, "packages", "cli", "bin", "ingot.js");

const { values } = parseArgs({
  options: { modules: { type: "string", default: "20" }, runs: { type: "string", default: "10" } },
});
const N = Number(values.modules);
const RUNS = Number(values.runs);

const moduleText = (i) =>
  `declare "m${i}" {\n  argument "input" {\n    optional = true\n    default  = ${i}\n  }\n\n  export "output" {\n    value = argument.input.value + 1\n  }\n}\n`;

function freePort() {
  return new Promise((r) => {
    const s = netServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => r(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

async function startOnce(config, storage, expected = N) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [bin, "run", "--server.http.listen-addr", `127.0.0.1:${port}`, "--storage.path", storage, config],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (c) => {
    stderr += c;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ingot exited early: ${stderr}`);
      if ((await get(`http://127.0.0.1:${port}/-/ready`)) === 200) break;
      if (performance.now() - t0 > 15_000) throw new Error(`not ready after 15 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = performance.now() - t0;
    // Every custom component built: the last module's instance exports its value.
    const r = await new Promise((resolve, reject) => {
      request(`http://127.0.0.1:${port}/api/v0/web/components`, (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve(body));
      })
        .on("error", reject)
        .end();
    });
    const built = JSON.parse(r).filter((c) => /^lib\d+\.m\d+\.c$/.test(c.localID) && c.health?.state === "healthy");
    if (built.length !== expected) {
      throw new Error(`${built.length} of ${expected} custom components healthy when ready`);
    }
    return { ms, count: built.length };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

function summarize(times) {
  const s = [...times].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s.at(-1) };
}

async function measure(name, config, storage, expected = N) {
  const times = [];
  let last;
  for (let run = 0; run <= RUNS; run++) {
    last = await startOnce(config, storage, expected);
    if (run > 0) times.push(last.ms);
  }
  const s = summarize(times);
  console.log(
    `${name.padEnd(44)} median ${s.median.toFixed(0)} ms  p90 ${s.p90.toFixed(0)} ms  ` +
      `min ${s.min.toFixed(0)} ms  max ${s.max.toFixed(0)} ms  (${last.count} custom components healthy)`,
  );
  return s;
}

const dir = mkdtempSync(join(tmpdir(), "ingot-bench-modules-"));
const server = createServer((req, res) => {
  const i = Number(/\/m(\d+)\.alloy$/.exec(req.url ?? "")?.[1] ?? -1);
  if (i < 0 || i >= N) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { etag: `"m${i}"` });
  res.end(moduleText(i));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  let text = "";
  for (let i = 0; i < N; i++) {
    text += `import.http "lib${i}" {\n  url = "${base}/m${i}.alloy"\n}\n\nlib${i}.m${i} "c" {}\n\n`;
  }
  const config = join(dir, "config.alloy");
  writeFileSync(config, text);
  const storage = join(dir, "data");
  console.log(`${N} import.http modules, ${RUNS} runs each (node ${process.version})`);
  const empty = join(dir, "empty.alloy");
  writeFileSync(empty, "");
  const baseline = await measure("baseline: no modules", empty, join(dir, "data-empty"), 0);
  const noLock = await measure("no lock (fetch at startup)", config, storage);
  const u = spawn(process.execPath, [bin, "modules", "update", "--storage.path", storage, config]);
  let uerr = "";
  u.stderr.on("data", (c) => {
    uerr += c;
  });
  const code = await new Promise((r) => u.once("exit", r));
  if (code !== 0) throw new Error(`ingot modules update failed: ${uerr}`);
  const warm = await measure("warm cache + ingot.lock", config, storage);
  await new Promise((r) => server.close(r));
  const down = await measure("warm cache + ingot.lock, sources down", config, storage);
  unlinkSync(join(dir, "ingot.lock"));
  console.log(JSON.stringify({ modules: N, runs: RUNS, baseline, noLock, warm, down }));
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
