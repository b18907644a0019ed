import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ScrapeClient } from "../src/scrape/http.js";
import { type LoopShared, ScrapeLoop } from "../src/scrape/loop.js";
import { newClientId, ScrapeWorkerPool, scrapeWorkerCount } from "../src/scrape/pool.js";
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
  it("the bundle ships the worker entry next to plugin.js; one worker on two cores by default", () => {
    assert.ok(existsSync(join(packageRoot, "dist", "scrape-worker.js")));
    const old = process.env.INGOT_SCRAPE_WORKERS;
    delete process.env.INGOT_SCRAPE_WORKERS;
    try {
      const n = scrapeWorkerCount();
      assert.ok(n >= 1 && n <= 4, String(n));
    } finally {
      if (old !== undefined) process.env.INGOT_SCRAPE_WORKERS = old;
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
