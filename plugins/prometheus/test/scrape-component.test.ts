import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { encodeMetricFamily } from "./helpers/metric-family.js";
import { collector, promPlugin, type Sample, target, text } from "./scrape-helpers.js";

const PROTO_CT = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

// These tests scrape in a worker (INGOT_SCRAPE_WORKERS=1: the pool's workers from the
// start) unless scrape-component-inproc.test.ts set 0; the automatic start has its own
// tests in scrape-workers.test.ts.
process.env.INGOT_SCRAPE_WORKERS ??= "1";

const BODY = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",method="get"} 10
http_requests_total{code="500",method="get"} 2
# TYPE temp gauge
temp 21.5
`;

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function start(body: string, scope: Record<string, unknown>) {
  const plugin = await promPlugin();
  const c = await plugin.build("prometheus.scrape", body, { scope, label: "t" });
  cleanups.push(() => c.stop());
  return c;
}

function tgt(address: string, extra = ""): string {
  return `targets = [{"__address__" = ${JSON.stringify(address)}${extra}}]`;
}

describe("prometheus.scrape", () => {
  it("applies Alloy's defaults", async () => {
    const plugin = await promPlugin();
    const col = collector();
    const a = plugin.decode("prometheus.scrape", `targets = []\nforward_to = [r]`, { scope: { r: col.cap } }) as Record<
      string,
      unknown
    >;
    assert.equal(a.scrape_interval, 60_000);
    assert.equal(a.scrape_timeout, 10_000);
    assert.equal(a.metrics_path, "/metrics");
    assert.equal(a.scheme, "http");
    assert.equal(a.honor_labels, false);
    assert.equal(a.honor_timestamps, true);
    assert.equal(a.enable_compression, true);
    assert.equal(a.extra_metrics, false);
    assert.deepEqual(a.scrape_protocols, [
      "OpenMetricsText1.0.0",
      "OpenMetricsText0.0.1",
      "PrometheusText1.0.0",
      "PrometheusText0.0.4",
    ]);
  });

  it("scrapes a target: labels, report series, headers, metadata", async () => {
    const srv = await target(text(BODY));
    cleanups.push(srv.close);
    const col = collector();
    const c = await start(
      `${tgt(srv.address, `, team = "a"`)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"`,
      {
        r: col.cap,
      },
    );
    await col.waitFor(() => col.of("up").length >= 2, 3000, "two scrapes");
    const req = col.of("http_requests_total", (s) => s.labels.code === "200")[0] as Sample;
    assert.deepEqual(req.labels, {
      __name__: "http_requests_total",
      code: "200",
      method: "get",
      instance: srv.address,
      job: "prometheus.scrape.t",
      team: "a",
    });
    assert.equal(req.v, 10);
    const up = col.of("up")[0] as Sample;
    assert.deepEqual(up.labels, { __name__: "up", instance: srv.address, job: "prometheus.scrape.t", team: "a" });
    assert.equal(up.v, 1);
    assert.equal(up.t, req.t, "report series carry the scrape timestamp");
    assert.equal(col.of("scrape_samples_scraped")[0]?.v, 3);
    assert.equal(col.of("scrape_samples_post_metric_relabeling")[0]?.v, 3);
    assert.equal(col.of("scrape_series_added")[0]?.v, 3);
    assert.equal(col.of("scrape_series_added")[1]?.v, 0, "cached on the second scrape");
    assert.ok((col.of("scrape_duration_seconds")[0]?.v ?? -1) >= 0);
    assert.equal(col.of("scrape_timeout_seconds").length, 0, "no extra metrics by default");
    const r = srv.requests[0];
    assert.ok(r);
    assert.equal(r.url, "/metrics");
    assert.match(
      String(r.headers.accept),
      /^application\/openmetrics-text;version=1\.0\.0;escaping=underscores;q=0\.6,/,
    );
    assert.match(String(r.headers.accept), /text\/plain;version=0\.0\.4;q=0\.3,\*\/\*;q=0\.2$/);
    assert.equal(r.headers["accept-encoding"], "gzip");
    assert.equal(r.headers["x-prometheus-scrape-timeout-seconds"], "0.09");
    assert.match(String(r.headers["user-agent"]), /^Ingot\//);
    const meta = col.metadata.find((m) => m.family === "http_requests_total");
    assert.deepEqual(meta, { family: "http_requests_total", type: "counter", help: "Requests.", unit: "" });
    const info = c.debugInfo() as { target: Record<string, unknown>[] };
    assert.equal(info.target.length, 1);
    assert.equal(info.target[0]?.health, "up");
    assert.equal(info.target[0]?.url, `http://${srv.address}/metrics`);
    assert.equal(info.target[0]?.last_error, "");
    assert.equal(c.health().state, "healthy");
  });

  it("extra_metrics, params, metrics_path, __param_ and gzip", async () => {
    const srv = await target((req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4", "Content-Encoding": "gzip" });
      res.end(gzipSync(`q ${new URL(req.url ?? "", "http://x").searchParams.getAll("module").length}\n`));
    });
    cleanups.push(srv.close);
    const col = collector();
    await start(
      `${tgt(srv.address, `, "__param_target" = "x"`)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "50ms"
       metrics_path = "/probe"\nparams = { module = ["a", "b"] }\nextra_metrics = true\nsample_limit = 7`,
      { r: col.cap },
    );
    await col.waitFor(() => col.of("q").length >= 1, 3000, "a sample");
    const url = new URL(srv.requests[0]?.url ?? "", "http://x");
    assert.equal(url.pathname, "/probe");
    assert.deepEqual(url.searchParams.getAll("module"), ["a", "b"]);
    assert.equal(url.searchParams.get("target"), "x");
    assert.equal(col.of("q")[0]?.v, 2);
    assert.equal(col.of("scrape_timeout_seconds")[0]?.v, 0.05);
    assert.equal(col.of("scrape_sample_limit")[0]?.v, 7);
    assert.equal(col.of("scrape_body_size_bytes")[0]?.v, 4, "uncompressed size");
  });

  it("marks vanished series stale, and every series when a scrape fails", async () => {
    let n = 0;
    const srv = await target((_req, res) => {
      n++;
      if (n >= 4) {
        res.writeHead(500);
        res.end("boom");
        return;
      }
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end(n === 1 ? "a 1\nb 1\n" : "a 2\n");
    });
    cleanups.push(srv.close);
    const col = collector();
    const c = await start(`${tgt(srv.address)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"`, {
      r: col.cap,
    });
    await col.waitFor(() => col.of("up", (s) => s.v === 0).length >= 1, 3000, "a failed scrape");
    const b = col.of("b");
    assert.equal(b.length, 2);
    assert.equal(b[0]?.v, 1);
    assert.ok(b[1]?.stale, "b is stale after it disappeared");
    const a = col.of("a");
    assert.deepEqual(
      a.map((s) => (s.stale ? "stale" : s.v)),
      [1, 2, 2, "stale"],
    );
    const info = c.debugInfo() as { target: Record<string, unknown>[] };
    assert.equal(info.target[0]?.health, "down");
    assert.equal(info.target[0]?.last_error, "server returned HTTP status 500 Internal Server Error");
    assert.equal(col.of("scrape_samples_scraped", (s) => s.t === col.of("up", (u) => u.v === 0)[0]?.t)[0]?.v, 0);
  });

  it("marks a removed target's series stale and keeps unchanged targets' loops", async () => {
    const s1 = await target(text("m1 1\n"));
    const s2 = await target(text("m2 1\n"));
    cleanups.push(s1.close, s2.close);
    const col = collector();
    const scope = { r: col.cap };
    const both = `targets = [{"__address__" = "${s1.address}"}, {"__address__" = "${s2.address}"}]\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"`;
    const c = await start(both, scope);
    await col.waitFor(() => col.of("m1").length >= 2 && col.of("m2").length >= 1, 3000, "both targets");
    const reqs1 = s1.requests.length;
    await c.update(both.replace(`, {"__address__" = "${s2.address}"}`, ""));
    await col.waitFor(() => col.of("m2", (s) => s.stale).length === 1, 2000, "m2 stale");
    assert.equal(col.of("up", (s) => s.stale && s.labels.instance === s2.address).length, 1, "report series stale too");
    const before = s2.requests.length;
    await col.waitFor(() => s1.requests.length >= reqs1 + 2, 2000, "s1 keeps scraping");
    assert.equal(s2.requests.length, before, "s2 no longer scraped");
    assert.equal(col.of("m1", (s) => s.stale).length, 0, "unchanged target not restarted");
  });

  it("honor_labels and honor_timestamps", async () => {
    const body = `m{job="inner",instance="i"} 1 1000\n`;
    const s = await target(text(body));
    cleanups.push(s.close);
    const col1 = collector();
    await start(`${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"`, {
      r: col1.cap,
    });
    const col2 = collector();
    const plugin = await promPlugin();
    const c2 = await plugin.build(
      "prometheus.scrape",
      `${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"\nhonor_labels = true\nhonor_timestamps = false`,
      { scope: { r: col2.cap }, label: "h" },
    );
    cleanups.push(() => c2.stop());
    await col1.waitFor(() => col1.of("m").length > 0);
    await col2.waitFor(() => col2.of("m").length > 0);
    assert.deepEqual(col1.of("m")[0]?.labels, {
      __name__: "m",
      exported_job: "inner",
      exported_instance: "i",
      job: "prometheus.scrape.t",
      instance: s.address,
    });
    assert.equal(col1.of("m")[0]?.t, 1000);
    assert.deepEqual(col2.of("m")[0]?.labels, { __name__: "m", job: "inner", instance: "i" });
    assert.ok((col2.of("m")[0]?.t ?? 0) > 1_000_000, "scrape time, not the exposed timestamp");
  });

  it("fails scrapes over sample_limit, label limits and body_size_limit", async () => {
    const body = `a{x="1"} 1\na{x="2"} 1\na{x="3"} 1\n`;
    const s = await target(text(body));
    cleanups.push(s.close);
    const cases: [string, RegExp][] = [
      [`sample_limit = 2`, /^sample limit exceeded$/],
      [`label_limit = 3`, /^label_limit exceeded \(metric: a, number of labels: 4, limit: 3\)$/],
      [
        `label_name_length_limit = 4`,
        /^label_name_length_limit exceeded \(metric: a, label name: __name__, length: 8, limit: 4\)$/,
      ],
      [`label_value_length_limit = 5`, /^label_value_length_limit exceeded/],
      [`body_size_limit = 10`, /^body size limit exceeded$/],
    ];
    const plugin = await promPlugin();
    await Promise.all(
      cases.map(async ([arg, err], i) => {
        const col = collector();
        const c = await plugin.build(
          "prometheus.scrape",
          // A generous timeout: the first scrape may also start a scrape worker on a loaded machine.
          `${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "1s"\nscrape_timeout = "1s"\n${arg}`,
          { scope: { r: col.cap }, label: `l${i}` },
        );
        try {
          await col.waitFor(() => col.of("up").length > 0);
          assert.equal(col.of("up")[0]?.v, 0, arg);
          assert.equal(col.of("a").length, 0, `${arg}: no samples`);
          const info = c.debugInfo() as { target: Record<string, unknown>[] };
          assert.match(String(info.target[0]?.last_error), err);
        } finally {
          await c.stop();
        }
      }),
    );
  });

  it("scrape_classic_histograms: a protobuf histogram with native and classic buckets gives the classic series only when set", async () => {
    const body = encodeMetricFamily({
      name: "h",
      type: 4, // HISTOGRAM
      metric: [
        {
          histogram: {
            sampleCount: 3,
            sampleSum: 2,
            schema: 0,
            zeroThreshold: 0.001,
            positiveSpan: [{ offset: 0, length: 1 }],
            positiveDelta: [3],
            bucket: [{ upperBound: 1, cumulativeCount: 3 }],
          },
        },
      ],
    });
    const s = await target((_req, res) => {
      res.writeHead(200, { "Content-Type": PROTO_CT });
      res.end(body);
    });
    cleanups.push(s.close);
    const plugin = await promPlugin();
    const runWith = async (classic: boolean) => {
      const col = collector();
      const c = await plugin.build(
        "prometheus.scrape",
        `${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "100ms"\nscrape_protocols = ["PrometheusProto", "PrometheusText0.0.4"]\nscrape_classic_histograms = ${classic}`,
        { scope: { r: col.cap }, label: `classic_${classic}` },
      );
      try {
        await col.waitFor(() => col.of("up", (x) => x.v === 1).length > 0);
        return col;
      } finally {
        await c.stop();
      }
    };
    const off = await runWith(false);
    assert.equal(off.of("h_bucket").length + off.of("h_count").length, 0, "native histogram only");
    assert.ok(off.histograms > 0, "the native histogram is forwarded");
    const on = await runWith(true);
    assert.deepEqual(
      [...new Set(on.of("h_bucket").map((x) => `${x.labels.le}=${x.v}`))].sort(),
      ["+Inf=3", "1.0=3"], // le as Prometheus formats it (formatOpenMetricsFloat)
    );
    assert.equal(on.of("h_count")[0]?.v, 3);
    assert.equal(on.of("h_sum")[0]?.v, 2);
    assert.ok(on.histograms > 0, "and the native histogram too");
  });

  it("times out slow targets", async () => {
    const s = await target((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("a 1\n");
      }, 300);
    });
    cleanups.push(s.close);
    const col = collector();
    const c = await start(`${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "200ms"\nscrape_timeout = "50ms"`, {
      r: col.cap,
    });
    await col.waitFor(() => col.of("up").length > 0);
    assert.equal(col.of("up")[0]?.v, 0);
    const d = col.of("scrape_duration_seconds")[0]?.v ?? 0;
    assert.ok(d >= 0.045 && d < 0.25, `duration ${d}`);
    const info = c.debugInfo() as { target: Record<string, unknown>[] };
    assert.match(String(info.target[0]?.last_error), /context deadline exceeded/);
  });

  it("sends basic, bearer and authorization credentials", async () => {
    const s = await target(text("a 1\n"));
    cleanups.push(s.close);
    const plugin = await promPlugin();
    const variants: [string, string][] = [
      [`basic_auth {\n username = "u"\n password = "p"\n}`, `Basic ${Buffer.from("u:p").toString("base64")}`],
      [`bearer_token = "tok"`, "Bearer tok"],
      [`authorization {\n type = "Token"\n credentials = "c1"\n}`, "Token c1"],
    ];
    for (const [i, [arg, header]] of variants.entries()) {
      const col = collector();
      const before = s.requests.length;
      const c = await plugin.build(
        "prometheus.scrape",
        `${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"\n${arg}`,
        { scope: { r: col.cap }, label: `a${i}` },
      );
      await col.waitFor(() => col.of("up").length > 0);
      await c.stop();
      assert.equal(s.requests[before]?.headers.authorization, header);
    }
    await assert.rejects(
      plugin.build(
        "prometheus.scrape",
        `${tgt(s.address)}\nforward_to = []\nbearer_token = "a"\nbasic_auth {\n username = "u"\n}`,
      ),
      /at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured/,
    );
  });

  it("uses OpenMetrics when the target answers with it", async () => {
    const s = await target(
      text(
        `# TYPE c counter\n# HELP c Help.\nc_total 3\n# EOF\n`,
        "application/openmetrics-text; version=1.0.0; charset=utf-8",
      ),
    );
    cleanups.push(s.close);
    const col = collector();
    await start(`${tgt(s.address)}\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"`, {
      r: col.cap,
    });
    await col.waitFor(() => col.of("up").length > 0);
    assert.equal(col.of("c_total")[0]?.v, 3);
    assert.equal(col.of("up")[0]?.v, 1);
  });

  it("spreads target offsets by hash and target_limit fails every scrape", async () => {
    const s = await target(text("a 1\n"));
    cleanups.push(s.close);
    const col = collector();
    const c = await start(
      `targets = [{"__address__" = "${s.address}"}, {"__address__" = "${s.address}", x = "2"}]\nforward_to = [r]\nscrape_interval = "100ms"\nscrape_timeout = "90ms"\ntarget_limit = 1`,
      { r: col.cap },
    );
    await col.waitFor(() => col.of("up").length >= 2);
    assert.ok(col.of("up").every((u) => u.v === 0));
    const info = c.debugInfo() as { target: Record<string, unknown>[] };
    assert.match(String(info.target[0]?.last_error), /^target_limit exceeded \(number of targets: 2, limit: 1\)$/);
  });
});
