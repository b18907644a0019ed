// End to end with real parts (issue 4, "Real parts in tests"): node_exporter →
// `ingot run` with prometheus.scrape → prometheus.relabel → prometheus.remote_write →
// a real Prometheus 2.42 with --web.enable-remote-write-receiver. Asserted through
// Prometheus's query API: the expected series arrived with the relabelled labels, the
// keep/drop rules removed what they should, and staleness/up behave as in Prometheus.
// The remote-write requests pass through the recording receiver on their way to
// Prometheus, so the wire format (headers) is checked too. See docs/testing.md.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { IngotProcess, writeConfig } from "./helpers/ingot.js";
import { waitFor } from "./helpers/procs.js";
import { NodeExporter, PrometheusServer } from "./helpers/prometheus.js";
import { RemoteWriteReceiver } from "./helpers/rw-receiver.js";

const KEEP = "node_.+|up|scrape_.+";
const DROP = "node_scrape_collector_.+";
const SCRAPE_META = [
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
];

/** Sample names (not family names) in a text exposition. */
function sampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (m) names.add(m[0]);
  }
  return names;
}

describe("e2e: node_exporter → ingot (scrape → relabel → remote_write) → Prometheus", { timeout: 90_000 }, () => {
  let prom: PrometheusServer;
  let ne: NodeExporter;
  let rw: RemoteWriteReceiver;
  let ingot: IngotProcess | undefined;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ingot-e2e-pipeline-"));
    [prom, ne] = await Promise.all([PrometheusServer.start(), NodeExporter.start()]);
    rw = await RemoteWriteReceiver.start({ upstream: prom.writeUrl });
    const config = await writeConfig(
      dir,
      "pipeline",
      `
prometheus.scrape "node" {
  targets         = [{"__address__" = "${ne.address}"}]
  forward_to      = [prometheus.relabel.e2e.receiver]
  job_name        = "node"
  scrape_interval = "1s"
  scrape_timeout  = "900ms"
}

prometheus.relabel "e2e" {
  forward_to = [prometheus.remote_write.prom.receiver]

  // add a label
  rule {
    target_label = "env"
    replacement  = "e2e"
  }
  // rename instance to host
  rule {
    source_labels = ["instance"]
    target_label  = "host"
  }
  rule {
    action = "labeldrop"
    regex  = "instance"
  }
  // keep the node_* metrics and the scrape meta series (drops go_*, process_*, promhttp_*)
  rule {
    source_labels = ["__name__"]
    regex         = "${KEEP}"
    action        = "keep"
  }
  rule {
    source_labels = ["__name__"]
    regex         = "${DROP}"
    action        = "drop"
  }
}

prometheus.remote_write "prom" {
  endpoint {
    url = "${rw.url}"
    queue_config {
      batch_send_deadline = "200ms"
    }
  }
}
`,
    );
    ingot = await IngotProcess.start({ configFile: config, storagePath: join(dir, "data") });
  });

  after(async () => {
    await ingot?.stop();
    await Promise.all([rw?.close(), ne?.stop(), prom?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("delivers node_exporter's series to Prometheus with the relabelled labels", async () => {
    const up = await waitFor(
      'up{job="node"} in Prometheus',
      async () => {
        const r = await prom.query('up{job="node"}');
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.equal(up.length, 1);
    assert.deepEqual(up[0]?.metric, { __name__: "up", job: "node", env: "e2e", host: ne.address });
    assert.equal(up[0]?.value[1], "1");

    // Let two more scrapes land, then compare names with node_exporter's own exposition.
    await new Promise((r) => setTimeout(r, 2_500));
    const exposition = sampleNames(await ne.metrics());
    const keep = new RegExp(`^(?:${KEEP})$`);
    const drop = new RegExp(`^(?:${DROP})$`);
    const expected = new Set([...exposition].filter((n) => keep.test(n) && !drop.test(n)));
    for (const n of SCRAPE_META) expected.add(n);
    assert.ok(expected.has("node_cpu_seconds_total") && expected.has("node_memory_MemTotal_bytes"));

    const stored = await prom.series(['{job="node"}']);
    const storedNames = new Set(stored.map((s) => s.__name__ as string));
    const missing = [...expected].filter((n) => !storedNames.has(n));
    assert.deepEqual(missing, [], "every kept node_exporter metric and the scrape meta series arrived");
    const unexpected = [...storedNames].filter((n) => !expected.has(n));
    assert.deepEqual(unexpected, [], "keep/drop rules removed go_*, process_*, promhttp_*, node_scrape_collector_*");
    assert.ok(exposition.has("go_goroutines") && exposition.has("node_scrape_collector_success"), "rules had work");

    for (const s of stored) {
      assert.equal(s.env, "e2e", `env label on ${JSON.stringify(s)}`);
      assert.equal(s.host, ne.address, `host label on ${JSON.stringify(s)}`);
      assert.equal(s.instance, undefined, `instance dropped on ${JSON.stringify(s)}`);
      assert.equal(s.job, "node");
    }

    // Values are real: CPU seconds of a core keep increasing, MemTotal matches the host.
    const mem = await prom.query("node_memory_MemTotal_bytes");
    assert.equal(mem.length, 1);
    const memText = (await ne.metrics()).match(/^node_memory_MemTotal_bytes (\S+)$/m)?.[1];
    assert.equal(Number(mem[0]?.value[1]), Number(memText));
    const cpu = await prom.query('rate(node_cpu_seconds_total{mode="idle"}[1m])');
    assert.ok(cpu.length >= 1, "idle CPU series have more than one sample");
  });

  it("sends remote write 1.0: snappy protobuf with the version header", () => {
    const ok = rw.requests.filter((r) => r.status >= 200 && r.status < 300);
    assert.ok(ok.length > 0, "requests reached Prometheus");
    for (const r of ok) {
      assert.equal(r.headers["content-encoding"], "snappy");
      assert.match(String(r.headers["content-type"]), /^application\/x-protobuf/);
      assert.equal(r.headers["x-prometheus-remote-write-version"], "0.1.0");
      assert.ok(String(r.headers["user-agent"] ?? "").length > 0, "a User-Agent");
    }
    assert.deepEqual(rw.decodeErrors, []);
    // Samples of one series arrive in timestamp order.
    for (const s of rw.series.values()) {
      for (let i = 1; i < s.samples.length; i++) {
        assert.ok(
          (s.samples[i]?.timestamp as number) > (s.samples[i - 1]?.timestamp as number),
          `out of order in ${JSON.stringify(s.labels)}`,
        );
      }
    }
  });

  it("reports up=0 once node_exporter is gone", async () => {
    await ne.stop();
    await waitFor('up{job="node"} == 0', async () => (await prom.query('up{job="node"} == 0')).length === 1, {
      timeoutMs: 15_000,
      intervalMs: 250,
    });
  });
});
