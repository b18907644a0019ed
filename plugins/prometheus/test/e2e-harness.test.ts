// Checks the end-to-end test harness itself against the real parts (no Ingot code):
// Prometheus accepts what the fault-injecting receiver forwards and returns it through
// the query API; faults answer as configured; node_exporter serves its metrics. If
// this file fails, the e2e-pipeline/e2e-faults failures are about the harness or the
// machine (run .ci/run), not about the components.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { compressSync } from "snappy";
import { NodeExporter, PrometheusServer } from "./helpers/prometheus.js";
import { RemoteWriteReceiver, writeRequestProto } from "./helpers/rw-receiver.js";
import { SeqTarget } from "./helpers/seq-target.js";

function encode(series: Array<{ labels: Record<string, string>; samples: Array<[number, number]> }>): Buffer {
  const type = writeRequestProto();
  const msg = type.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, value]) => ({ name, value })),
      samples: s.samples.map(([value, timestamp]) => ({ value, timestamp })),
    })),
  });
  return compressSync(Buffer.from(type.encode(msg).finish()));
}

const post = (url: string, body: Buffer) =>
  fetch(url, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "snappy",
      "X-Prometheus-Remote-Write-Version": "0.1.0",
    },
  });

describe("e2e harness (real Prometheus, node_exporter, fault-injecting receiver)", () => {
  let prom: PrometheusServer;
  let rw: RemoteWriteReceiver;

  before(async () => {
    prom = await PrometheusServer.start();
    rw = await RemoteWriteReceiver.start({ upstream: prom.writeUrl });
  });
  after(async () => {
    await rw?.close();
    await prom?.stop();
  });

  it("forwards a remote-write request to Prometheus, which returns it via the query API", async () => {
    const now = Date.now();
    const res = await post(
      rw.url,
      encode([
        {
          labels: { __name__: "harness_metric", a: "x" },
          samples: [
            [1, now - 2000],
            [2, now - 1000],
          ],
        },
      ]),
    );
    assert.equal(res.status, 204, await res.text());
    assert.equal(rw.acceptedSamples, 2);
    const got = await prom.queryRange('harness_metric{a="x"}[5m]');
    assert.equal(got.length, 1);
    assert.deepEqual(
      got[0]?.values.map(([, v]) => v),
      ["1", "2"],
    );
    const series = await prom.series(["harness_metric"]);
    assert.deepEqual(series, [{ __name__: "harness_metric", a: "x" }]);
  });

  it("injects statuses with Retry-After, delays, and a closed port", async () => {
    const body = encode([{ labels: { __name__: "harness_fault" }, samples: [[1, Date.now()]] }]);
    rw.set({ status: 429, retryAfter: 3 });
    let res = await post(rw.url, body);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "3");
    rw.set({ status: 500 });
    assert.equal((await post(rw.url, body)).status, 500);
    assert.equal(rw.find({ __name__: "harness_fault" }).length, 0, "nothing accepted while failing");
    rw.set({ delayMs: 300 });
    const t0 = Date.now();
    res = await post(rw.url, body);
    assert.equal(res.status, 204);
    assert.ok(Date.now() - t0 >= 290, "slow answer");
    rw.set({});
    await rw.down();
    await assert.rejects(post(rw.url, body), /fetch failed/);
    await rw.up();
    assert.equal((await post(rw.url, body)).status, 204);
    assert.equal(rw.find({ __name__: "harness_fault" })[0]?.samples.length, 2);
  });

  it("starts node_exporter and a deterministic target", async () => {
    const ne = await NodeExporter.start();
    try {
      const text = await ne.metrics();
      assert.match(text, /^node_cpu_seconds_total\{/m);
      assert.match(text, /^node_memory_MemTotal_bytes /m);
    } finally {
      await ne.stop();
    }
    const t = await SeqTarget.start(3);
    try {
      const one = await (await fetch(`http://${t.address}/metrics`)).text();
      const two = await (await fetch(`http://${t.address}/metrics`)).text();
      assert.match(one, /^e2e_seq\{idx="2"\} 1$/m);
      assert.match(two, /^e2e_seq\{idx="0"\} 2$/m);
      assert.equal(t.count, 2);
      assert.equal(t.countAt(t.served[0] as number), 1);
    } finally {
      await t.close();
    }
  });
});
