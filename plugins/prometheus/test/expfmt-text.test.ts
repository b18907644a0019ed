import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { conformancePath } from "@ingot/testkit";
import {
  acceptHeader,
  createParser,
  DEFAULT_SCRAPE_PROTOCOLS,
  formatFromContentType,
  formatGoFloat,
  PromTextParser,
  SCRAPE_PROTOCOLS,
} from "../src/expfmt/index.js";
import { collect, parseFailure } from "./expfmt-helpers.js";

const text = (s: string, strict = false) => collect(new PromTextParser(Buffer.from(s), { strict }));
const fails = (s: string, strict = false) => parseFailure(() => text(s, strict));

describe("expfmt: Prometheus text 0.0.4", () => {
  it("parses samples, metadata and comments", () => {
    const c = text(
      [
        "# HELP go_gc_duration_seconds A summary of the GC invocation durations.",
        "# \tTYPE go_gc_duration_seconds summary",
        'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
        'go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05',
        'go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05',
        "# Hrandom comment starting with prefix of HELP",
        "#",
        'wind_speed{A="2",c="3"} 12345',
        "# comment with escaped \\n newline",
        "# HELP nohelp1",
        "# HELP nohelp2 ",
        "go_gc_duration_seconds_count 99",
        'some:aggregate:rate5m{a_b="c"}\t1',
        "# TYPE go_goroutines gauge",
        "go_goroutines 33  \t123123",
        "_metric_starting_with_underscore 1",
        'testmetric{_label_starting_with_underscore="foo"} 1',
        'testmetric{label="\\"bar\\""} 1',
        'null_byte_metric{a="abc\x00"} 1',
      ].join("\n"),
    );
    assert.equal(c.samples.length, 11);
    assert.equal(c.help.go_gc_duration_seconds, "A summary of the GC invocation durations.");
    assert.equal(c.help.nohelp1, "");
    assert.equal(c.help.nohelp2, "");
    assert.equal(c.types.go_goroutines, "gauge");
    assert.equal(c.comments, 3);
    // Summary quantiles normalised as Prometheus 3 does; "0.25" stays.
    assert.deepEqual(c.samples[0]?.labels, { __name__: "go_gc_duration_seconds", quantile: "0.0" });
    assert.deepEqual(c.samples[1]?.labels, { __name__: "go_gc_duration_seconds", quantile: "0.25" });
    assert.equal(c.samples[1]?.value, 7.424100000000001e-5);
    assert.deepEqual(c.samples[3]?.labels, { __name__: "wind_speed", A: "2", c: "3" });
    assert.equal(c.samples[5]?.key, 'some:aggregate:rate5m{a_b="c"}');
    assert.equal(c.samples[6]?.ts, 123123);
    assert.deepEqual(c.samples[9]?.labels, { __name__: "testmetric", label: '"bar"' });
    assert.equal(c.samples[10]?.labels.a, "abc\x00");
  });

  it("sorts labels by name and keeps duplicates adjacent for the caller to reject", () => {
    const c = text('m{z="1",b="2",a="3",b="4"} 1\n');
    const p = new PromTextParser(Buffer.from('m{z="1",b="2",a="3",b="4"} 1\n'));
    assert.equal(p.next(), "series");
    assert.deepEqual(p.labels(), ["__name__", "m", "a", "3", "b", "2", "b", "4", "z", "1"]);
    assert.equal(c.samples.length, 1);
  });

  const values: [string, number][] = [
    ["1", 1],
    ["-1", -1],
    ["+1.5", 1.5],
    ["1.", 1],
    [".5", 0.5],
    ["1e3", 1000],
    ["1E-3", 0.001],
    ["-0", -0],
    ["0.1", 0.1],
    ["123456789012345678901234567890", 1.2345678901234568e29],
    ["1.7976931348623157e308", Number.MAX_VALUE],
    ["4.9e-324", 5e-324],
    ["Inf", Number.POSITIVE_INFINITY],
    ["+Inf", Number.POSITIVE_INFINITY],
    ["-inf", Number.NEGATIVE_INFINITY],
    ["+Infinity", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
    ["nan", Number.NaN],
    ["0.30000000000000004", 0.30000000000000004],
    ["9007199254740993", 2 ** 53],
  ];
  for (const [s, v] of values) {
    it(`parses the value ${s}`, () => {
      const c = text(`m ${s}\n`);
      assert.ok(Object.is(c.samples[0]?.value, v), `${s} -> ${c.samples[0]?.value}`);
    });
  }

  const badValues = ["+NaN", "0x1p3", "1_000", "1e", "e1", ".", "--1", "1e400", "Infinit", "1.2.3", "abc"];
  for (const s of badValues) {
    it(`rejects the value ${s}`, () => {
      assert.ok(fails(`m ${s}\n`), s);
    });
  }

  it("handles timestamps, CRLF, blank lines, no trailing newline", () => {
    assert.equal(text("m 1 1700000000000\n").samples[0]?.ts, 1700000000000);
    assert.equal(text("m 1 9223372036854775807\n").samples[0]?.ts, 2 ** 63);
    assert.match(fails("m 1 9223372036854775808\n")?.message ?? "", /out of range/);
    assert.match(fails("m 1 -5\n")?.message ?? "", /expected timestamp or new record/);
    assert.match(fails("m 1 2 3\n")?.message ?? "", /expected next entry after timestamp/);
    assert.match(fails("m 1 2.5\n")?.message ?? "", /expected next entry after timestamp/);
    // No trailing newline: Prometheus appends one.
    assert.equal(text("a 1\nb 2").samples.length, 2);
    // Blank lines and blank-only lines.
    assert.equal(text("\n\n  \t\na 1\n\n").samples.length, 1);
    // CR is part of the value token, so CRLF bodies are rejected as by Prometheus.
    assert.match(fails("a 1\r\n")?.message ?? "", /ParseFloat/);
    // NUL at a line start ends the body (the lexer's EOF).
    assert.equal(text("a 1\n\x00garbage").samples.length, 1);
  });

  it("follows promlex for separators and label syntax", () => {
    assert.equal(text('name {a="b"} 1\n').samples[0]?.labels.a, "b");
    assert.equal(text('name{ a = "b" , }-Inf\n').samples[0]?.value, Number.NEGATIVE_INFINITY);
    assert.equal(text('m{a="1" b="2"} 1\n').samples[0]?.labels.b, "2");
    assert.match(fails('m{,a="1"} 1\n')?.message ?? "", /expected label name/);
    assert.match(fails('m{a="1",,} 1\n')?.message ?? "", /expected label name/);
    assert.match(fails("m{a=1} 1\n")?.message ?? "", /expected label value/);
    assert.match(fails('m{a:b="1"} 1\n')?.message ?? "", /expected equal/);
    assert.match(fails('m{a="1"}{} 1\n')?.message ?? "", /expected value after metric/);
    assert.match(fails("m\n")?.message ?? "", /expected value after metric/);
    assert.match(fails('{a="1"} 1\n')?.message ?? "", /expected a valid start token/);
    assert.match(fails("@m 1\n")?.message ?? "", /expected a valid start token/);
    assert.match(
      parseFailure(() =>
        collect(new PromTextParser(Buffer.from([0x6d, 0x7b, 0x61, 0x3d, 0x22, 0xff, 0x22, 0x7d, 0x20, 0x31, 0x0a]))),
      )?.message ?? "",
      /invalid UTF-8 label value/,
    );
  });

  it("unescapes label values and HELP as Prometheus", () => {
    const c = text('# HELP m a \\\\ b \\n c \\" d \\t\nm{a="x\\\\y\\nz\\"w\\tv",b="é"} 1\n');
    assert.equal(c.help.m, 'a \\ b \n c \\" d \\t');
    assert.equal(c.samples[0]?.labels.a, 'x\\y\nz"w\\tv');
    assert.equal(c.samples[0]?.labels.b, "é");
    // A raw newline inside a quoted value is accepted by promlex.
    assert.equal(text('m{a="x\ny"} 1\n').samples[0]?.labels.a, "x\ny");
  });

  it("validates TYPE and HELP lines", () => {
    assert.match(fails("# TYPE m foo\n")?.message ?? "", /invalid metric type "foo"/);
    assert.match(fails("# TYPE m counter \n")?.message ?? "", /invalid metric type "counter "/);
    assert.match(fails("# TYPE m\n")?.message ?? "", /invalid metric type ""/);
    assert.match(fails("# TYPE met-ric\n")?.message ?? "", /invalid metric type "ric"/);
    assert.match(fails("# HELP 1m x\n")?.message ?? "", /expected metric name after HELP/);
    assert.match(fails("# HELP \n")?.message ?? "", /expected metric name after HELP/);
    assert.equal(fails("# HELP \n", true), undefined);
    assert.deepEqual(text("# TYPE m untyped\n# TYPE n histogram\n").types, { m: "unknown", n: "histogram" });
    // Not HELP/TYPE: comments.
    assert.equal(text("# HELPER x\n#TYPE m counter\n# HELP\n").comments, 3);
    // Leading blanks before '#'.
    assert.equal(text("  # TYPE m gauge\n").types.m, "gauge");
  });

  it("normalises le only under a histogram TYPE", () => {
    const c = text(
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="1e6"} 1\nh_bucket{le="100000"} 1\n# TYPE u untyped\nu{le="1"} 1\n',
    );
    assert.deepEqual(
      c.samples.map((s) => s.labels.le),
      ["1.0", "1e+06", "100000.0", "1"],
    );
  });

  it("formats floats as Go's %g", () => {
    assert.equal(formatGoFloat(0.0001), "0.0001");
    assert.equal(formatGoFloat(0.00001), "1e-05");
    assert.equal(formatGoFloat(123456), "123456");
    assert.equal(formatGoFloat(1234567), "1.234567e+06");
    assert.equal(formatGoFloat(-2.5e-300), "-2.5e-300");
    assert.equal(formatGoFloat(1e100), "1e+100");
  });

  it("reports the line of an error", () => {
    const e = fails("a 1\nb 2\nc x\n");
    assert.equal(e?.line, 3);
    assert.match(e?.message ?? "", /^line 3: /);
  });

  it("returns eof repeatedly after the end and after an error", () => {
    const p = new PromTextParser(Buffer.from("a 1\nb x\n"));
    assert.equal(p.next(), "series");
    assert.throws(() => p.next());
    assert.equal(p.next(), "eof");
    assert.equal(p.next(), "eof");
  });

  it("accepts a Uint8Array that is not a Buffer", () => {
    const u = new TextEncoder().encode("x 1\n");
    const c = collect(createParser(u, "prometheus-text"));
    assert.equal(c.samples[0]?.value, 1);
  });
});

describe("expfmt: content negotiation", () => {
  it("builds Prometheus 3's Accept header", () => {
    // Alloy's default scrape_protocols: the 1.0.0 text formats ask for underscore escaping.
    assert.equal(
      acceptHeader(),
      "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6," +
        "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4," +
        "text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
    );
    assert.deepEqual(DEFAULT_SCRAPE_PROTOCOLS, [
      "OpenMetricsText1.0.0",
      "OpenMetricsText0.0.1",
      "PrometheusText1.0.0",
      "PrometheusText0.0.4",
    ]);
    assert.equal(
      acceptHeader(["PrometheusProto", "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText0.0.4"]),
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6," +
        "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5," +
        "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
    );
    assert.equal(
      acceptHeader(["PrometheusText1.0.0"], "allow-utf-8"),
      "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.6,*/*;q=0.5",
    );
    assert.deepEqual([...SCRAPE_PROTOCOLS].sort(), [
      "OpenMetricsText0.0.1",
      "OpenMetricsText1.0.0",
      "PrometheusProto",
      "PrometheusText0.0.4",
      "PrometheusText1.0.0",
    ]);
  });

  it("picks the format from the content type", () => {
    assert.equal(formatFromContentType("text/plain; version=0.0.4; charset=utf-8"), "prometheus-text");
    assert.equal(formatFromContentType("application/openmetrics-text; version=1.0.0"), "openmetrics-text");
    assert.equal(
      formatFromContentType(
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
      ),
      "prometheus-proto",
    );
    assert.equal(formatFromContentType("application/json"), undefined);
    assert.equal(formatFromContentType(undefined), undefined);
    // Unknown content types fall back to the text format.
    assert.ok(createParser(Buffer.from("a 1\n"), "application/json") instanceof PromTextParser);
    assert.ok(createParser(Buffer.from("a 1\n"), undefined) instanceof PromTextParser);
  });
});

describe("expfmt: prometheus-common-expfmt corpus (strict)", () => {
  const dir = conformancePath("prometheus-common-expfmt");
  const manifest = JSON.parse(readFileSync(join(dir, "corpus-manifest.json"), "utf8")) as {
    file: string;
    expect: "parse" | "error";
    oracle_promtool_2_42: { parse_error_line: number | null };
  }[];
  it("has the 26 corpus files", () => assert.equal(manifest.length, 26));
  for (const entry of manifest) {
    it(`${entry.file} -> ${entry.expect}`, () => {
      const body = readFileSync(join(dir, entry.file));
      const err = parseFailure(() => collect(new PromTextParser(body, { strict: true })));
      if (entry.expect === "parse") assert.equal(err, undefined, String(err));
      else {
        assert.ok(err, "must be rejected");
        assert.equal(err.line, entry.oracle_promtool_2_42.parse_error_line, err.message);
      }
    });
  }

  it("the lenient (scrape) mode accepts what Prometheus's scrape parser accepts", () => {
    // promparse appends a newline, keeps unknown escapes and does no family checks.
    for (const f of ["0", "1", "2", "4", "7", "12", "13", "14", "19"]) {
      const body = readFileSync(join(dir, `expfmt/fuzz/corpus/from_test_parse_error_${f}`));
      assert.equal(
        parseFailure(() => collect(new PromTextParser(body))),
        undefined,
        f,
      );
    }
    for (const f of ["3", "5", "6", "8", "9", "10", "11", "15", "16", "17", "18"]) {
      const body = readFileSync(join(dir, `expfmt/fuzz/corpus/from_test_parse_error_${f}`));
      assert.ok(
        parseFailure(() => collect(new PromTextParser(body))),
        f,
      );
    }
  });
});

describe("expfmt: prometheus-textparse pages", () => {
  const dir = conformancePath("prometheus-textparse", "model", "textparse", "testdata");
  it("parses alltypes.237mfs.prom.txt and its metadata-free twin to the same samples", () => {
    const full = text(readFileSync(join(dir, "alltypes.237mfs.prom.txt"), "utf8"));
    const nometa = text(readFileSync(join(dir, "alltypes.237mfs.nometa.prom.txt"), "utf8"));
    assert.equal(Object.keys(full.types).length, 237);
    assert.equal(full.samples.length, 1857);
    assert.equal(nometa.samples.length, 1857);
    assert.deepEqual(Object.keys(nometa.types).length, 0);
    const pairs = (c: typeof full) => c.samples.map((s) => `${s.key} ${s.value}`).sort();
    assert.deepEqual(pairs(full), pairs(nometa));
  });
});
