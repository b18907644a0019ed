import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CAPSULE_METRICS_RECEIVER,
  isStaleNaN,
  labelsFromObject,
  labelsToObject,
  type MetricsBatch,
  MetricsBatchBuilder,
  STALE_NAN,
} from "@ingot/sdk";
import { RELABEL_RULE_BLOCK_SCHEMA, type RelabelRule } from "@ingot/sdk/relabel";
import { type Capsule, capsule, loadPlugin, type PluginHarness, withComponent } from "@ingot/sdk/testkit";
import type { RelabelArguments, RelabelExports } from "../src/relabel/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let harness: Promise<PluginHarness> | undefined;
const plugin = () => (harness ??= loadPlugin(root));

interface Seen {
  labels: Record<string, string>;
  t: number;
  v: number;
  table: number;
  ref: number;
}

/** A capturing MetricsReceiver; `delay` makes append return a promise (backpressure). */
function sink(delay = 0) {
  const seen: Seen[] = [];
  let batches = 0;
  const recv = {
    append(b: MetricsBatch) {
      batches++;
      for (let i = 0; i < b.length; i++) {
        const ref = b.refs[i] as number;
        seen.push({
          labels: labelsToObject(b.series.labels(ref)),
          t: b.timestamps[i]!,
          v: b.values[i]!,
          table: b.series.id,
          ref,
        });
      }
      if (delay > 0) return new Promise<void>((r) => setTimeout(r, delay));
      return undefined;
    },
  };
  return { seen, recv, batches: () => batches, value: capsule(recv, CAPSULE_METRICS_RECEIVER) };
}

/** Builds prometheus.relabel with `forward_to = [out]` and `body` (rules, max_cache_size). */
async function buildRelabel(body: string, out: Capsule) {
  const p = await plugin();
  return p.build<RelabelArguments, RelabelExports>("prometheus.relabel", `forward_to = [out]\n${body}`, {
    scope: { out },
  });
}

const RULES = `
  rule {
    source_labels = ["__name__"]
    regex         = "go_.*"
    action        = "drop"
  }
  rule {
    source_labels = ["instance"]
    regex         = "([^:]+):\\\\d+"
    target_label  = "host"
  }
  rule {
    regex  = "tmp"
    action = "labeldrop"
  }
`;

function batchOf(builder: MetricsBatchBuilder, series: Record<string, string>[], t: number, v = 1): MetricsBatch {
  builder.reset();
  for (const s of series) builder.addLabels(labelsFromObject(s), t, v);
  return builder.build();
}

describe("prometheus.relabel", () => {
  it("uses the sdk's rule block schema, and Alloy's defaults", async () => {
    const p = await plugin();
    const m = p.manifest.components.find((c) => c.name === "prometheus.relabel")!;
    assert.deepEqual(
      (m.arguments as { properties: Record<string, unknown> }).properties.rule,
      JSON.parse(JSON.stringify(RELABEL_RULE_BLOCK_SCHEMA)),
    );
    const out = sink();
    const args = p.decode("prometheus.relabel", `forward_to = [out]\nrule {\n target_label = "a"\n}`, {
      scope: { out: out.value },
    }) as unknown as RelabelArguments;
    assert.equal(args.max_cache_size, 100_000);
    assert.deepEqual(args.rule, [
      { separator: ";", regex: "(.*)", modulus: 0, target_label: "a", replacement: "$1", action: "replace" },
    ]);
  });

  it("relabels, drops, forwards; caches per series; passes stale markers; exports rules", async () => {
    const out = sink();
    await withComponent(buildRelabel(RULES, out.value), async (c) => {
      const e = c.exports()!;
      assert.equal(e.rules.length, 3);
      assert.equal((c.exportsValue()!.get("rules") as { typeName: string }).typeName, "RelabelRules");
      const b = new MetricsBatchBuilder();
      const series: Record<string, string>[] = [
        { __name__: "up", instance: "web-1:9100", tmp: "x" },
        { __name__: "go_goroutines", instance: "web-1:9100" },
        { __name__: "node_load1", instance: "web-2:9100", job: "node" },
      ];
      for (let t = 1; t <= 3; t++) {
        const r = e.receiver.append(batchOf(b, series, t * 1000, t));
        assert.equal(r, undefined); // synchronous downstream: no promise
      }
      assert.equal(out.seen.length, 6);
      assert.deepEqual(out.seen[0]!.labels, { __name__: "up", host: "web-1", instance: "web-1:9100" });
      assert.deepEqual(out.seen[1]!.labels, {
        __name__: "node_load1",
        host: "web-2",
        instance: "web-2:9100",
        job: "node",
      });
      assert.deepEqual(
        out.seen.map((s) => [s.t, s.v]),
        [
          [1000, 1],
          [1000, 1],
          [2000, 2],
          [2000, 2],
          [3000, 3],
          [3000, 3],
        ],
      );
      // The same output series ref every time.
      assert.equal(out.seen[0]!.ref, out.seen[2]!.ref);
      const text = await c.metrics.metrics();
      assert.match(text, /prometheus_relabel_metrics_processed\{[^}]*\} 9/);
      assert.match(text, /prometheus_relabel_metrics_written\{[^}]*\} 6/);
      assert.match(text, /prometheus_relabel_cache_misses\{[^}]*\} 3/);
      assert.match(text, /prometheus_relabel_cache_hits\{[^}]*\} 6/);
      assert.match(text, /prometheus_forwarded_samples_total\{[^}]*\} 6/);
      assert.match(text, /prometheus_fanout_latency_count\{[^}]*\} 3/);

      // Stale markers pass through, relabelled.
      e.receiver.append(batchOf(b, [series[0]!], 4000, STALE_NAN));
      const last = out.seen.at(-1)!;
      assert.ok(isStaleNaN(last.v));
      assert.equal(last.labels.host, "web-1");
      assert.equal(c.health().state, "healthy");
      assert.deepEqual((c.debugInfo() as { cache_size: number }).cache_size, 2);
    });
  });

  it("drops series whose labels become empty; no rules forwards the batch as is", async () => {
    const out = sink();
    await withComponent(buildRelabel(`rule {\n regex = ".*"\n action = "labeldrop"\n}`, out.value), async (c) => {
      const b = new MetricsBatchBuilder();
      c.exports()!.receiver.append(batchOf(b, [{ __name__: "up" }], 1));
      assert.equal(out.seen.length, 0);
      assert.equal(out.batches(), 0);
      await c.update(`forward_to = [out]`);
      const batch = batchOf(b, [{ __name__: "up" }], 2);
      c.exports()!.receiver.append(batch);
      assert.equal(out.seen.length, 1);
      assert.equal(out.seen[0]!.table, b.series.id); // passed through untouched
      assert.equal(c.exports()!.rules.length, 0);
    });
  });

  it("returns the downstream promise (backpressure) and keeps concurrent batches apart", async () => {
    const slow = sink(30);
    await withComponent(buildRelabel(RULES, slow.value), async (c) => {
      const b1 = new MetricsBatchBuilder();
      const b2 = new MetricsBatchBuilder();
      const p1 = c.exports()!.receiver.append(batchOf(b1, [{ __name__: "a", instance: "h:1" }], 1));
      const p2 = c.exports()!.receiver.append(batchOf(b2, [{ __name__: "b", instance: "h:2" }], 2));
      assert.ok(p1 instanceof Promise);
      assert.ok(p2 instanceof Promise);
      let done = false;
      const all = Promise.all([p1, p2]).then(() => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(done, false);
      await all;
      assert.deepEqual(
        slow.seen.map((s) => s.labels.__name__),
        ["a", "b"],
      );
    });
  });

  it("an update with new rules clears the cache; a bad rule is refused with Prometheus's message", async () => {
    const p = await plugin();
    const out = sink();
    await withComponent(buildRelabel(RULES, out.value), async (c) => {
      const b = new MetricsBatchBuilder();
      c.exports()!.receiver.append(batchOf(b, [{ __name__: "up", instance: "h:1" }], 1));
      await c.update(`forward_to = [out]\nrule {\n target_label = "env"\n replacement = "prod"\n}`);
      const rules: readonly RelabelRule[] = c.exports()!.rules;
      assert.equal(rules[0]!.targetLabel, "env");
      c.exports()!.receiver.append(batchOf(b, [{ __name__: "up", instance: "h:1" }], 2));
      assert.deepEqual(out.seen.at(-1)!.labels, { __name__: "up", env: "prod", instance: "h:1" });
      await assert.rejects(
        () => c.update(`forward_to = [out]\nrule {\n action = "hashmod"\n target_label = "x"\n}`),
        /rule\[0\]: relabel configuration for hashmod requires non-zero modulus/,
      );
      await assert.rejects(
        () =>
          p.build("prometheus.relabel", `forward_to = [out]\nrule {\n action = "bogus"\n}`, {
            scope: { out: out.value },
          }),
        /unrecognized action type "bogus"/,
      );
    });
  });

  it("max_cache_size bounds the cache", async () => {
    const out = sink();
    await withComponent(buildRelabel(`max_cache_size = 10\n${RULES}`, out.value), async (c) => {
      const b = new MetricsBatchBuilder();
      const series = Array.from({ length: 25 }, (_, i) => ({ __name__: `m${i}`, instance: `h:${i}` }));
      for (let k = 0; k < 3; k++) c.exports()!.receiver.append(batchOf(b, series, k));
      assert.equal(out.seen.length, 75);
      assert.ok((c.debugInfo() as { cache_size: number }).cache_size <= 25);
      assert.deepEqual(out.seen[74]!.labels, { __name__: "m24", host: "h", instance: "h:24" });
    });
  });

  it("throughput: 1M cached samples", async () => {
    let n = 0;
    const recv = capsule({ append: (b: MetricsBatch) => void (n += b.length) }, CAPSULE_METRICS_RECEIVER);
    await withComponent(buildRelabel(RULES, recv), async (c) => {
      const b = new MetricsBatchBuilder();
      const series = Array.from({ length: 10_000 }, (_, i) => ({ __name__: `m${i % 100}`, instance: `host${i}:9100` }));
      const batch = batchOf(b, series, 0);
      const t0 = performance.now();
      c.exports()!.receiver.append(batch);
      const first = performance.now() - t0;
      const t1 = performance.now();
      for (let k = 0; k < 100; k++) c.exports()!.receiver.append(batch);
      const ms = performance.now() - t1;
      assert.equal(n, 1_010_000);
      console.log(
        `prometheus.relabel: first pass ${((first * 1000) / 10_000).toFixed(2)} µs/series, cached ${((ms * 1e6) / 1_000_000).toFixed(0)} ns/sample`,
      );
      assert.ok(ms < 5000);
    });
  });
});
