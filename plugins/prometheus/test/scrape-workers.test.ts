import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ScrapeClient } from "../src/scrape/http.js";
import { type LoopShared, ScrapeLoop } from "../src/scrape/loop.js";
import { newClientId, ScrapeWorkerPool, scrapeWorkerCount, scrapeWorkerPool } from "../src/scrape/pool.js";
import { type ResolvedTarget, resolveTarget } from "../src/scrape/targets.js";
import { collector, packageRoot, promPlugin, type Sample, target } from "./scrape-helpers.js";

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function sharedFor(addr: string, pool: ScrapeWorkerPool | undefined, extra = "") {
  const plugin = await promPlugin();
  const col = collector();
  const args = plugin.decode(
    "prometheus.scrape",
    `targets = [{"__address__" = "${addr}"}]\nforward_to = [r]\nscrape_interval = "1h"\nscrape_timeout = "2s"\n${extra}`,
    { scope: { r: col.cap } },
  ) as unknown as LoopShared["args"];
  const client = new ScrapeClient(args);
  cleanups.push(() => client.close());
  const shared: LoopShared = {
    args,
    client,
    receivers: args.forward_to,
    forcedError: undefined,
    seed: 1,
    pool,
    cid: newClientId(),
  };
  const t = resolveTarget(args.targets[0] as Record<string, string>, {
    jobName: "j",
    scheme: "http",
    metricsPath: "/metrics",
    intervalMs: 3_600_000,
    timeoutMs: 2000,
    params: {},
  }) as ResolvedTarget;
  return { col, loop: new ScrapeLoop(t, shared) };
}

/** Samples without the times (and the report series' durations). */
function shape(samples: Sample[]): string[] {
  return samples.map(
    (s) =>
      `${JSON.stringify(s.labels)} ${s.stale ? "stale" : s.name === "scrape_duration_seconds" ? "d" : String(s.v)}`,
  );
}

describe("scrape workers", () => {
  it("the bundle ships the worker entry next to plugin.js; one worker on two cores by default, started automatically", () => {
    assert.ok(existsSync(join(packageRoot, "dist", "scrape-worker.js")));
    const old = process.env.INGOT_SCRAPE_WORKERS;
    delete process.env.INGOT_SCRAPE_WORKERS;
    try {
      const n = scrapeWorkerCount();
      assert.ok(n >= 1 && n <= 4, String(n));
      assert.equal(scrapeWorkerPool()?.auto, true);
      process.env.INGOT_SCRAPE_WORKERS = "2";
      assert.equal(scrapeWorkerPool()?.auto, false);
      assert.equal(scrapeWorkerPool()?.size, 2);
      process.env.INGOT_SCRAPE_WORKERS = "0";
      assert.equal(scrapeWorkerPool(), undefined);
    } finally {
      if (old !== undefined) process.env.INGOT_SCRAPE_WORKERS = old;
      else delete process.env.INGOT_SCRAPE_WORKERS;
    }
  });

  it("gives the same samples as scraping in process: new series, exemplars, metadata, staleness, renumbering", async () => {
    let body = "";
    const srv = await target((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/openmetrics-text; version=1.0.0" });
      res.end(body);
    });
    cleanups.push(srv.close);
    const pool = new ScrapeWorkerPool(1);
    pool.attach();
    const w = await sharedFor(srv.address, pool);
    const p = await sharedFor(srv.address, undefined);
    const bodies: string[] = [];
    const big = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `big{i="${from + i}"} ${i}`).join("\n");
    bodies.push(
      `# TYPE c counter\n# HELP c Requests.\nc_total{code="200"} 1 # {trace_id="abc"} 1.0\nc_total{code="500"} 2\n# TYPE g gauge\ng 3\n# EOF\n`,
    );
    bodies.push(`# TYPE c counter\nc_total{code="200"} 4\n# TYPE g gauge\ng 5\ng 6\n# TYPE h gauge\nh 7\n# EOF\n`);
    // 3000 series, then 10 of them: the worker renumbers its ids and the loop its table.
    bodies.push(`# TYPE big gauge\n${big(0, 3000)}\n# EOF\n`);
    bodies.push(`# TYPE big gauge\n${big(0, 10)}\n# EOF\n`);
    bodies.push(`# TYPE big gauge\n${big(5, 10)}\n# EOF\n`);
    for (const b of bodies) {
      body = b;
      await w.loop.scrapeOnce(new AbortController().signal);
      await p.loop.scrapeOnce(new AbortController().signal);
      assert.equal(w.loop.health, "up", w.loop.lastError);
    }
    assert.deepEqual(shape(w.col.samples), shape(p.col.samples));
    assert.deepEqual(w.col.exemplars, p.col.exemplars);
    assert.deepEqual(w.col.exemplars, [{ name: "c_total", labels: { trace_id: "abc" }, value: 1 }]);
    assert.deepEqual(w.col.metadata, p.col.metadata);
    assert.ok(w.col.of("c_total", (s) => s.stale && s.labels.code === "500").length === 1);
    assert.equal(w.col.of("big", (s) => s.stale).length, 2990 + 5);
    // The last scrape: labels of renumbered series are right.
    assert.deepEqual(
      w.col.samples.slice(-20, -15).map((s) => [s.labels.i, s.v]),
      [5, 6, 7, 8, 9].map((i) => [String(i), i - 5]),
    );
    await w.loop.stop(true);
    assert.equal(w.col.of("big", (s) => s.stale).length, 2990 + 5 + 10);
    assert.equal(w.col.of("up", (s) => s.stale).length, 1);
    pool.detach();
    assert.equal(pool.running, 0, "the last loop gone: workers terminated");
  });

  it("an automatic pool scrapes in process until the main thread is busy, then moves the target to a worker (stale markers for what it lost)", async () => {
    let body = "";
    const srv = await target((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
      res.end(body);
    });
    cleanups.push(srv.close);
    // Threshold 0, one window: any event-loop activity in a 150 ms window turns the workers on.
    const pool = new ScrapeWorkerPool(1, { threshold: 0, windowMs: 150, windows: 1 });
    assert.equal(pool.auto, true);
    const { col, loop } = await sharedFor(srv.address, pool);
    pool.attach();
    cleanups.push(() => pool.detach());
    body = 'a{k="1"} 1\nb{k="2"} 2\n';
    await loop.scrapeOnce(new AbortController().signal);
    assert.equal(loop.health, "up", loop.lastError);
    assert.equal(pool.running, 0, "first window not over: scraped in process");
    await new Promise((r) => setTimeout(r, 200));
    await loop.scrapeOnce(new AbortController().signal);
    assert.equal(pool.running, 0, "a window that mostly created series does not count");
    await new Promise((r) => setTimeout(r, 200));
    body = 'a{k="1"} 3\nc{k="3"} 4\n';
    await loop.scrapeOnce(new AbortController().signal);
    assert.equal(loop.health, "up", loop.lastError);
    assert.equal(pool.running, 1, "busy window: the target moved to a worker");
    assert.deepEqual(
      col.samples.filter((x) => x.name.length === 1).map((x) => `${x.name}${x.labels.k} ${x.stale ? "stale" : x.v}`),
      ["a1 1", "b2 2", "a1 1", "b2 2", "a1 3", "c3 4", "b2 stale"],
    );
    body = 'a{k="1"} 5\n';
    await loop.scrapeOnce(new AbortController().signal);
    assert.deepEqual(
      col.of("c", (x) => x.stale).map((x) => x.labels.k),
      ["3"],
      "the worker's own staleness tracking takes over",
    );
    assert.equal(pool.running, 1);
  });

  it("an automatic pool under a light load never starts a worker", async () => {
    const srv = await target((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
      res.end("m 1\n");
    });
    cleanups.push(srv.close);
    const pool = new ScrapeWorkerPool(1, { threshold: 1, windowMs: 50 });
    const { col, loop } = await sharedFor(srv.address, pool);
    for (let i = 0; i < 3; i++) {
      await loop.scrapeOnce(new AbortController().signal);
      await new Promise((r) => setTimeout(r, 60));
    }
    assert.equal(pool.running, 0);
    assert.deepEqual(
      col.of("m").map((x) => x.v),
      [1, 1, 1],
    );
  });

  it("a worker that dies fails its scrapes (target down with the error) and is started again", async () => {
    let delay = 0;
    const srv = await target((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
        res.end("m 1\n");
      }, delay);
    });
    cleanups.push(srv.close);
    const pool = new ScrapeWorkerPool(1);
    pool.attach();
    cleanups.push(() => pool.detach());
    const { col, loop } = await sharedFor(srv.address, pool);
    await loop.scrapeOnce(new AbortController().signal);
    assert.equal(loop.health, "up", loop.lastError);
    delay = 500;
    const inflight = loop.scrapeOnce(new AbortController().signal);
    await new Promise((r) => setTimeout(r, 100));
    await pool.kill(loop);
    await inflight;
    assert.equal(loop.health, "down");
    assert.match(loop.lastError, /scrape worker failed/);
    assert.deepEqual(
      col.of("up").map((s) => s.v),
      [1, 0],
    );
    delay = 0;
    await loop.scrapeOnce(new AbortController().signal);
    assert.equal(loop.health, "up", loop.lastError);
    assert.equal(pool.running, 1);
    assert.deepEqual(
      col.of("m").map((s) => s.v),
      [1, 1],
    );
  });
});
