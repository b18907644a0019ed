// Fault tests with real processes (issue 4): `ingot run` scrapes a deterministic target
// (SeqTarget: scrape n answers e2e_seq{idx="0".."9"} = n, and the target logs when it
// served each scrape) and remote-writes through the fault-injecting receiver. "Nothing
// lost" is checked exactly: for every series, every scrape number the target served up
// to a cut-off must have been accepted by the receiver (stale markers and later samples
// are ignored). See docs/testing.md for the definitions.
//
// Scenarios (each with its own Ingot process and storage directory):
//   receiver down (port closed) for 3 s, then back          → all delivered, no duplicates
//   500s for 2 s                                            → retried, all delivered
//   429 with Retry-After: 2 for 3 s                         → Retry-After honoured, all delivered
//   1.5 s per response for 4 s (slow receiver)              → all delivered, in order
//   SIGKILL while the receiver fails, restart on the same --storage.path
//                                                          → every sample in the WAL delivered
//                                                            (forwarded to a real Prometheus too)
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { IngotProcess, writeConfig } from "./helpers/ingot.js";
import { sleep, waitFor } from "./helpers/procs.js";
import { PrometheusServer } from "./helpers/prometheus.js";
import { RemoteWriteReceiver } from "./helpers/rw-receiver.js";
import { SeqTarget } from "./helpers/seq-target.js";

const SERIES = 10;
const SCRAPE_INTERVAL_MS = 200;
/**
 * A sample counts as written to the WAL once the target served its scrape this long
 * before the SIGKILL: the scrape's body is parsed and appended within a few ms here, and
 * Ingot (like Prometheus) must write each scrape's samples to the WAL when it commits them.
 */
const WAL_MARGIN_MS = 1_000;

let dir: string;
const cleanups: Array<() => Promise<unknown>> = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ingot-e2e-faults-"));
});
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

interface Setup {
  target: SeqTarget;
  rw: RemoteWriteReceiver;
  storagePath: string;
  configFile: string;
  ingot: IngotProcess;
}

let n = 0;
async function setup(opts: { queueConfig?: string; maxBackoff?: string; upstream?: string } = {}): Promise<Setup> {
  const name = `s${++n}`;
  const target = await SeqTarget.start(SERIES);
  cleanups.push(() => target.close());
  const rw = await RemoteWriteReceiver.start({ upstream: opts.upstream });
  cleanups.push(() => rw.close());
  const configFile = await writeConfig(
    dir,
    name,
    `
prometheus.scrape "seq" {
  targets         = [{"__address__" = "${target.address}"}]
  forward_to      = [prometheus.remote_write.rw.receiver]
  job_name        = "seq"
  scrape_interval = "${SCRAPE_INTERVAL_MS}ms"
  scrape_timeout  = "${SCRAPE_INTERVAL_MS - 50}ms"
}

prometheus.remote_write "rw" {
  endpoint {
    url = "${rw.url}"
    queue_config {
      batch_send_deadline = "100ms"
      min_backoff         = "50ms"
      max_backoff         = "${opts.maxBackoff ?? "1s"}"
${opts.queueConfig ?? ""}
    }
  }
}
`,
  );
  const storagePath = join(dir, `${name}-data`);
  const ingot = await IngotProcess.start({ configFile, storagePath });
  cleanups.push(() => ingot.stop());
  return { target, rw, storagePath, configFile, ingot };
}

/** Per idx: the scrape numbers in 1..upTo the receiver never accepted; and duplicates. */
function audit(s: Setup, upTo: number): { missing: Record<string, number[]>; duplicates: number; total: number } {
  const missing: Record<string, number[]> = {};
  let duplicates = 0;
  let total = 0;
  for (let i = 0; i < SERIES; i++) {
    const found = s.rw.find({ __name__: "e2e_seq", idx: String(i), job: "seq", instance: s.target.address });
    const seen = new Set<number>();
    for (const f of found) {
      for (const x of f.samples) {
        if (Number.isNaN(x.value)) continue; // staleness marker
        if (seen.has(x.value)) duplicates++;
        seen.add(x.value);
        total++;
      }
    }
    const miss: number[] = [];
    for (let v = 1; v <= upTo; v++) if (!seen.has(v)) miss.push(v);
    if (miss.length) missing[i] = miss;
  }
  return { missing, duplicates, total };
}

/** Waits until every sample of scrapes 1..upTo of every series was accepted. */
async function waitDelivered(s: Setup, upTo: number, timeoutMs = 20_000): Promise<void> {
  let last = audit(s, upTo);
  try {
    await waitFor(
      `scrapes 1..${upTo} of all ${SERIES} series delivered`,
      () => {
        last = audit(s, upTo);
        return Object.keys(last.missing).length === 0;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (err) {
    const statuses = s.rw.requests.reduce<Record<number, number>>((a, r) => {
      a[r.status] = (a[r.status] ?? 0) + 1;
      return a;
    }, {});
    const ingotLog = s.ingot.proc.stderr.slice(-3000);
    throw new Error(
      `${(err as Error).message}\nmissing scrape numbers per idx: ${JSON.stringify(last.missing).slice(0, 1500)}\n` +
        `target served ${s.target.count} scrapes; receiver statuses ${JSON.stringify(statuses)}\n--- ingot stderr ---\n${ingotLog}`,
    );
  }
}

describe("e2e faults: scrape → remote_write through a failing receiver", { timeout: 110_000 }, () => {
  it("loses nothing while the receiver is down for 3 s", async () => {
    const s = await setup();
    await waitDelivered(s, 3);
    await s.rw.down();
    const downFrom = s.target.count;
    await sleep(3_000);
    assert.ok(s.target.count >= downFrom + 8, `kept scraping while the receiver was down (${s.target.count})`);
    await s.rw.up();
    const upTo = s.target.count;
    await waitDelivered(s, upTo);
    assert.equal(audit(s, upTo).duplicates, 0, "no sample delivered twice");
  });

  it("retries 500s and delivers everything", async () => {
    const s = await setup();
    await waitDelivered(s, 3);
    s.rw.set({ status: 500 });
    const from = Date.now();
    await sleep(2_000);
    s.rw.set({});
    const fails = s.rw.requests.filter((r) => r.status === 500 && r.at >= from).length;
    assert.ok(fails >= 2, `the sender retried after 500 (${fails} failed requests)`);
    const upTo = s.target.count;
    await waitDelivered(s, upTo);
    assert.equal(audit(s, upTo).duplicates, 0, "no sample delivered twice");
  });

  it("honours Retry-After on 429 and delivers everything", async () => {
    // One shard and a short backoff: without Retry-After the sender would retry every
    // 50-200 ms (>= 12 requests in 3 s); with Retry-After: 2 it sends at most ~2-3.
    const s = await setup({
      maxBackoff: "200ms",
      queueConfig: `      min_shards = 1\n      max_shards = 1\n      retry_on_http_429 = true`,
    });
    await waitDelivered(s, 3);
    const from = Date.now();
    s.rw.set({ status: 429, retryAfter: 2 });
    await sleep(3_000);
    s.rw.set({});
    const limited = s.rw.requests.filter((r) => r.status === 429 && r.at >= from);
    assert.ok(limited.length >= 1, "a request got 429");
    assert.ok(limited.length <= 3, `Retry-After: 2 honoured (${limited.length} requests answered 429 in 3 s)`);
    for (let i = 1; i < limited.length; i++) {
      const gap = (limited[i]?.at as number) - (limited[i - 1]?.at as number);
      assert.ok(gap >= 1_800, `retry ${gap} ms after a 429 with Retry-After: 2`);
    }
    const upTo = s.target.count;
    await waitDelivered(s, upTo);
  });

  it("keeps up with a slow receiver (1.5 s per response)", async () => {
    const s = await setup();
    await waitDelivered(s, 3);
    s.rw.set({ delayMs: 1_500 });
    await sleep(4_000);
    s.rw.set({});
    const upTo = s.target.count;
    await waitDelivered(s, upTo);
    for (const f of s.rw.find({ __name__: "e2e_seq", idx: "0" })) {
      const ts = f.samples.map((x) => x.timestamp);
      assert.deepEqual(
        ts,
        [...ts].sort((a, b) => a - b),
        "samples of a series in timestamp order",
      );
    }
  });

  describe("SIGKILL and restart on the same --storage.path (WAL replay)", () => {
    let prom: PrometheusServer;
    before(async () => {
      prom = await PrometheusServer.start();
    });
    after(async () => {
      await prom?.stop();
    });

    it("delivers every sample that was in the WAL, also to a real Prometheus", async () => {
      const s = await setup({ upstream: prom.writeUrl });
      await waitDelivered(s, 3);
      // From now on nothing is accepted: what Ingot scrapes only reaches its WAL.
      s.rw.set({ status: 500 });
      const failFrom = Date.now();
      const deliveredBefore = s.target.countAt(failFrom);
      await sleep(2_500);
      const killAt = Date.now();
      await s.ingot.kill();
      const written = s.target.countAt(killAt - WAL_MARGIN_MS);
      assert.ok(written >= deliveredBefore + 5, `scrapes only in the WAL: ${deliveredBefore + 1}..${written}`);
      const before = audit(s, written);
      assert.ok(
        (before.missing["0"] ?? []).includes(written),
        "the samples to replay had not been delivered before the kill",
      );

      s.rw.set({});
      const restarted = await IngotProcess.start({ configFile: s.configFile, storagePath: s.storagePath });
      cleanups.push(() => restarted.stop());
      s.ingot = restarted;
      await waitDelivered(s, written, 30_000);

      // Prometheus stored them as well (in order per series, or it would have refused some).
      const stored = await prom.queryRange(`e2e_seq{idx="0",job="seq"}[5m]`);
      const values = new Set(stored.flatMap((r) => r.values.map(([, v]) => Number(v))));
      const lost: number[] = [];
      for (let v = 1; v <= written; v++) if (!values.has(v)) lost.push(v);
      assert.deepEqual(lost, [], "scrape numbers missing in Prometheus");
    });
  });
});
