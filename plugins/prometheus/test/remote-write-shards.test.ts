// Dynamic resharding: Prometheus's desired-shards calculation table-tested as a pure
// function, and a queue whose endpoint turns slow then fast again, making the shard
// count rise then fall without losing or reordering any series' samples.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { labelsFromObject, MetricsBatchBuilder } from "@ingot/sdk";
import { loadPlugin } from "@ingot/sdk/testkit";
import { Registry } from "prom-client";
import type { RemoteWriteArguments } from "../src/remote-write/index.js";
import { RemoteWriteMetrics } from "../src/remote-write/metrics.js";
import { computeDesiredShards, EndpointQueue, type ShardInputs } from "../src/remote-write/queue.js";
import { Wal } from "../src/remote-write/wal.js";
import { labelsOf, packageRoot, startReceiver, waitUntil } from "./prompb-helpers.js";

const base: ShardInputs = {
  numShards: 4,
  minShards: 1,
  maxShards: 50,
  inRate: 10_000,
  outRate: 10_000,
  droppedRate: 0,
  outDurationRate: 4, // 4 shards busy all the time: 0.4 ms per sample
  highestRecvS: 1000,
  highestSentS: 1000,
};

describe("remote_write resharding", () => {
  it("computes desired shards as Prometheus's calculateDesiredShards", () => {
    const cases: [string, Partial<ShardInputs>, number, number][] = [
      // name, change, desired (raw), shards
      ["steady: exactly keeping up", {}, 4, 4],
      ["within +30% stays", { inRate: 12_500 }, 5, 4],
      ["within -30% stays", { inRate: 7_500 }, 3, 4],
      ["above +30% grows", { inRate: 20_000 }, 8, 8],
      ["below -30% shrinks", { inRate: 2_500 }, 1, 1],
      ["clamped to max_shards", { inRate: 1_000_000 }, 400, 50],
      ["clamped to min_shards", { inRate: 100, minShards: 2 }, 0.04, 2],
      ["nothing sent yet: unchanged", { outRate: 0, inRate: 1e6 }, 4, 4],
      // 5% of the backlog per second: 20s behind at 10k/s = 200k pending -> +10k/s.
      ["backlog catch-up", { highestSentS: 980 }, 8, 8],
      // More than 10 s behind: never downshard, even when little comes in.
      ["no downsharding when >10s behind", { inRate: 100, highestSentS: 985 }, 0.07, 4],
      // Dropped samples are not to be sent: half dropped halves the rate to keep up with.
      ["dropped samples discounted", { inRate: 20_000, droppedRate: 10_000 }, 4, 4],
      ["slow sends need more shards", { outDurationRate: 16 }, 16, 16],
    ];
    for (const [name, change, desired, shards] of cases) {
      const r = computeDesiredShards({ ...base, ...change });
      assert.ok(Math.abs(r.desired - desired) < 1e-9, `${name}: desired ${r.desired}, want ${desired}`);
      assert.equal(r.shards, shards, name);
    }
  });

  it("adds shards for a slow endpoint and removes them when it is fast again, losing and reordering nothing", async () => {
    let delayMs = 100;
    const rx = await startReceiver(() => ({ status: 204, delayMs }));
    const dir = mkdtempSync(join(tmpdir(), "ingot-rw-shards-"));
    const registry = new Registry();
    const wal = new Wal({ dir });
    wal.open();
    const plugin = await loadPlugin(packageRoot);
    const args = plugin.decode(
      "prometheus.remote_write",
      `endpoint {
        url = ${JSON.stringify(rx.url)}
        queue_config {
          max_samples_per_send = 50
          batch_send_deadline  = "20ms"
          max_shards           = 8
        }
        metadata_config { send = false }
      }`,
    ) as unknown as RemoteWriteArguments;
    const metrics = new RemoteWriteMetrics(registry, () => wal);
    const q = new EndpointQueue({
      cfg: { ...args.endpoint![0]!, name: "rs" },
      wal,
      externalLabels: [],
      rules: [],
      metrics: metrics.forEndpoint("rs", rx.url),
      start: wal.end(),
      log: () => {},
      shardUpdateMs: 200,
    });
    q.start();
    const SERIES = 20;
    const b = new MetricsBatchBuilder();
    const labels = Array.from({ length: SERIES }, (_, i) => labelsFromObject({ __name__: "rs", i: String(i) }));
    let seq = 0;
    const feed = (perTick: number) => {
      for (let k = 0; k < perTick; k++) {
        b.reset();
        const t = Date.now();
        for (const l of labels) b.addLabels(l, t, seq);
        seq++;
        wal.append(b.build());
      }
    };
    const shardsGauge = async () => {
      const text = await registry.getSingleMetricAsString("prometheus_remote_storage_shards");
      return Number(/prometheus_remote_storage_shards\{[^}]*\} (\S+)/.exec(text)?.[1]);
    };
    let timer = setInterval(() => feed(5), 20); // ~5000 samples/s; one shard sends ~500/s
    try {
      // desired_shards is recomputed every 200 ms and falls as soon as the added shards
      // catch up, so keep the highest seen while waiting.
      let desiredPeak = 0;
      await waitUntil(
        "shards to rise above 2",
        () => {
          const d = q.debug();
          desiredPeak = Math.max(desiredPeak, d.desired_shards);
          return d.shards > 2;
        },
        15_000,
      );
      const peak = q.debug().shards;
      assert.ok(peak <= 8, `at most max_shards, got ${peak}`);
      assert.equal(await shardsGauge(), peak, "prometheus_remote_storage_shards follows the shard count");
      assert.ok(desiredPeak > 2, `desired_shards peaked at ${desiredPeak}`);
      // Fast endpoint, light load: the shards go back down to min_shards.
      delayMs = 0;
      clearInterval(timer);
      timer = setInterval(() => feed(1), 20);
      await waitUntil("shards to fall back to 1", () => q.debug().shards === 1, 20_000);
      assert.equal(await shardsGauge(), 1);
      clearInterval(timer);
      const total = seq;
      await waitUntil("everything delivered", () => rx.accepted().length >= total * SERIES, 15_000).catch((e) => {
        throw new Error(`${e.message}: ${rx.accepted().length} of ${total * SERIES}, ${JSON.stringify(q.debug())}`);
      });
      // Every series got 0..total-1 exactly once, in order, across all reshards.
      const per = new Map<string, number[]>();
      for (const s of rx.accepted()) {
        const k = labelsOf(s).i as string;
        (per.get(k) ?? per.set(k, []).get(k)!).push(s.samples[0]!.value);
      }
      assert.equal(per.size, SERIES);
      const want = Array.from({ length: total }, (_, i) => i);
      for (const [k, vals] of per) assert.deepEqual(vals, want, `series ${k}`);
    } finally {
      clearInterval(timer);
      await q.stop();
      wal.close();
      await rx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
