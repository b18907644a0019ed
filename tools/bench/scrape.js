#!/usr/bin/env node
// Scrape → remote_write benchmark of Ingot against the Prometheus 2.42 agent, run
// side by side (interleaved) by the shared harness ../shared/bench/bench-scrape.js.
//
//   node tools/bench/scrape.js                       # 100k series @1s and 1M series @5s
//   node tools/bench/scrape.js --sizes 100k@1s --duration 30 --repeats 3
//   node tools/bench/scrape.js --ceiling 200k,350k,500k,650k   # highest rate kept up with, @1s
//   node tools/bench/scrape.js --subjects prom-agent  # the agent baseline only
//
// Options: --sizes LIST (SERIES@INTERVAL, comma list) [100k@1s,1M@5s]; --duration SEC
// measurement window [30]; --repeats N [3]; --warmup SEC (harness default: max(15, 3×interval));
// --ceiling LIST series counts at --ceiling-interval [1s], 1 run of --ceiling-duration [15] s
// each, instead of --sizes; --subjects prom-agent,ingot [both]; --out FILE results JSON
// [tools/bench/results/scrape-<time>.json]; --markdown FILE also write the summary table;
// --ingot-subject FILE another subject JSON for "ingot" [tools/bench/subjects/ingot.json].
//
// Needs `npm run build` (Ingot), Debian's prometheus (.ci/run installs it) and the
// harness's npm dependencies. The harness is used where it is (../shared/bench, or
// $BENCH_HARNESS) when that directory is writable — `npm ci` runs there once. The shared
// copy is read-only (mode r-x; root could still write, so the mode bits decide), so the
// wrapper copies the harness to $TMPDIR/ingot-bench-harness and runs `npm ci` in the copy
// (once; again when its package-lock.json changes). The project's own node_modules are
// never touched.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const here = join(repoRoot, "tools", "bench");

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100k@1s,1M@5s" },
    duration: { type: "string", default: "30" },
    repeats: { type: "string", default: "3" },
    warmup: { type: "string" },
    ceiling: { type: "string" },
    "ceiling-interval": { type: "string", default: "1s" },
    "ceiling-duration": { type: "string", default: "15" },
    subjects: { type: "string", default: "prom-agent,ingot" },
    "ingot-subject": { type: "string", default: join(here, "subjects", "ingot.json") },
    out: { type: "string" },
    markdown: { type: "string" },
    "keep-workdirs": { type: "boolean", default: false },
  },
});

function isWritable(dir) {
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return false;
  }
  return (statSync(dir).mode & 0o222) !== 0;
}

/** The harness directory to run from, with its npm dependencies installed. */
function prepareHarness() {
  const src = resolve(process.env.BENCH_HARNESS ?? join(repoRoot, "..", "shared", "bench"));
  if (!existsSync(join(src, "bench-scrape.js"))) {
    throw new Error(`benchmark harness not found at ${src}: put it at ../shared/bench or set BENCH_HARNESS`);
  }
  let dir = src;
  if (!isWritable(src)) {
    dir = join(tmpdir(), "ingot-bench-harness");
    const lock = (d) =>
      existsSync(join(d, "package-lock.json")) ? readFileSync(join(d, "package-lock.json"), "utf8") : "";
    const fresh = existsSync(join(dir, "node_modules")) && lock(dir) === lock(src);
    mkdirSync(dir, { recursive: true });
    // Copy the scripts every time (cheap), keep the installed node_modules when the lock is unchanged.
    cpSync(src, dir, {
      recursive: true,
      filter: (p) => !p.startsWith(join(src, "node_modules")) && !p.startsWith(join(src, "results")),
    });
    spawnSync("chmod", ["-R", "u+w", dir]);
    mkdirSync(join(dir, "results"), { recursive: true });
    if (!fresh) npmCi(dir);
    console.error(`# harness: read-only ${src} copied to ${dir}`);
  } else if (!existsSync(join(dir, "node_modules"))) {
    npmCi(dir);
  }
  return dir;
}

function npmCi(dir) {
  console.error(`# npm ci in ${dir}`);
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`npm ci failed in ${dir}`);
}

function subjectArgs() {
  const out = [];
  for (const s of values.subjects.split(",").map((x) => x.trim())) {
    if (s === "ingot") out.push("--subject", resolve(values["ingot-subject"]));
    else out.push("--subject", s);
  }
  return out;
}

function run(harness, args) {
  return new Promise((res, rej) => {
    console.error(`# node ${join(harness, "bench-scrape.js")} ${args.join(" ")}`);
    const child = spawn(process.execPath, [join(harness, "bench-scrape.js"), ...args], {
      cwd: harness,
      stdio: "inherit",
      env: { ...process.env, INGOT_ROOT: repoRoot, INGOT_BIN: join(repoRoot, "packages", "cli", "bin", "ingot.js") },
    });
    child.on("exit", (code) => (code === 0 ? res() : rej(new Error(`bench-scrape.js exited with ${code}`))));
  });
}

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return Number.NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "-");
const human = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

function summarize(results) {
  const rows = [];
  const keys = [...new Set(results.map((r) => `${r.series}|${r.intervalS}`))];
  for (const k of keys) {
    const [series, intervalS] = k.split("|").map(Number);
    let base;
    for (const name of [...new Set(results.map((r) => r.subject))]) {
      const all = results.filter((r) => r.subject === name && r.series === series && r.intervalS === intervalS);
      const ok = all.filter((r) => r.ok);
      const m = (g) => median(ok.map(g));
      const row = {
        size: `${human(series)} @${intervalS}s`,
        subject: name,
        runs: `${ok.length}${all.length > ok.length ? ` (+${all.length - ok.length} failed: ${all.find((r) => !r.ok)?.error})` : ""}`,
        cpm: m((r) => r.cpuSPerMSamples),
        rss: m((r) => r.peakRssMiB),
        kibPerSeries: m((r) => (r.peakRssMiB * 1024) / r.series),
        lag: m((r) => r.lagP99Ms),
        cov: m((r) => r.coverage),
        sps: m((r) => r.samplesPerS),
      };
      base ??= row;
      row.rCpu = row.cpm / base.cpm;
      row.rMem = row.kibPerSeries / base.kibPerSeries;
      rows.push(row);
    }
  }
  const head =
    "| series @interval | subject | runs | CPU s / M samples | peak RSS MiB | KiB / series | lag p99 ms | delivered/expected | samples/s | × CPU/sample | × memory/series |\n" +
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.size} | ${r.subject} | ${r.runs} | ${f(r.cpm)} | ${f(r.rss, 0)} | ${f(r.kibPerSeries)} | ${f(r.lag, 0)} | ${f(r.cov, 3)} | ${f(r.sps, 0)} | ${f(r.rCpu)} | ${f(r.rMem)} |`,
      )
      .join("\n")
  );
}

/** Ceiling: per subject, the highest delivered rate among sizes it kept up with (≥ 0.97). */
function ceiling(results) {
  const lines = [
    "| subject | kept up (delivered/expected ≥ 0.97) | highest samples/s kept up | fell behind at |",
    "| --- | --- | --- | --- |",
  ];
  for (const name of [...new Set(results.map((r) => r.subject))]) {
    const rs = results.filter((r) => r.subject === name).sort((a, b) => a.series - b.series);
    const kept = rs.filter((r) => r.ok && r.coverage >= 0.97);
    const behind = rs.find((r) => !r.ok || r.coverage < 0.97);
    const best = kept.reduce((a, r) => Math.max(a, r.samplesPerS), 0);
    lines.push(
      `| ${name} | ${kept.map((r) => human(r.series)).join(", ") || "none"} | ${f(best, 0)} | ${behind ? `${human(behind.series)} (${behind.ok ? `${f(behind.coverage, 3)} delivered/expected` : behind.error})` : "-"} |`,
    );
  }
  return lines.join("\n");
}

const harness = prepareHarness();
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
mkdirSync(join(here, "results"), { recursive: true });
const out = resolve(values.out ?? join(here, "results", `scrape-${stamp}.json`));
const common = [...subjectArgs(), "--out", out];
if (values["keep-workdirs"]) common.push("--keep-workdirs");
if (values.warmup) common.push("--warmup", values.warmup);

let args;
if (values.ceiling) {
  args = [
    "--series",
    values.ceiling,
    "--interval",
    values["ceiling-interval"],
    "--duration",
    values["ceiling-duration"],
    "--repeats",
    "1",
    ...common,
  ];
} else {
  const sizes = values.sizes.split(",").map((s) => s.trim().split("@"));
  args = [
    "--series",
    sizes.map(([s]) => s).join(","),
    "--interval",
    sizes.map(([, i]) => i ?? "1s").join(","),
    "--duration",
    values.duration,
    "--repeats",
    values.repeats,
    ...common,
  ];
}
await run(harness, args);
const { results } = JSON.parse(readFileSync(out, "utf8"));
const md = [
  `Command: \`node tools/bench/scrape.js ${process.argv.slice(2).join(" ")}\``,
  `Harness: \`node bench-scrape.js ${args.map((a) => (a.startsWith("/") ? a.replace(repoRoot, ".") : a)).join(" ")}\``,
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  "",
  values.ceiling ? ceiling(results) : summarize(results),
  "",
].join("\n");
console.log(`\n${md}`);
console.log(`results: ${out}`);
if (values.markdown) writeFileSync(values.markdown, md);
