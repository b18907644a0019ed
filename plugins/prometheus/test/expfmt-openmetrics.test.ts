import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { conformancePath } from "@ingot/testkit";
import { createParser, OpenMetricsParser } from "../src/expfmt/index.js";
import { collect, parseFailure } from "./expfmt-helpers.js";

const om = (s: string, strict = false, skipCreatedSeries = false) =>
  collect(new OpenMetricsParser(Buffer.from(s), { strict, skipCreatedSeries }));
const fails = (s: string, strict = false) => parseFailure(() => om(s, strict));

describe("expfmt: OpenMetrics 1.0 text", () => {
  it("parses metadata, units, samples, exemplars and float timestamps", () => {
    const c = om(
      [
        "# HELP go_gc_duration_seconds A summary of the GC invocation durations.",
        "# TYPE go_gc_duration_seconds summary",
        "# UNIT go_gc_duration_seconds seconds",
        'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
        'go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05',
        '# HELP help2 escape \\ \\n \\\\ \\" \\x chars',
        "# TYPE hhh histogram",
        'hhh_bucket{le="+Inf"} 1 # {id="histogram-bucket-test"} 4',
        'hhh_count 1 # {id="histogram-count-test"} 4',
        "# TYPE ggh gaugehistogram",
        'ggh_bucket{le="+Inf"} 1 # {id="gaugehistogram-bucket-test",xx="yy"} 4 123.123',
        "# TYPE ii info",
        'ii{foo="bar"} 1',
        "# TYPE ss stateset",
        'ss{ss="foo"} 1',
        "# TYPE un unknown",
        "_metric_starting_with_underscore 1",
        'testmetric{_label_starting_with_underscore="foo"} 1',
        'testmetric{label="\\"bar\\""} 1',
        "# TYPE foo counter",
        'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
        "# EOF",
        "",
      ].join("\n"),
    );
    assert.equal(c.help.go_gc_duration_seconds, "A summary of the GC invocation durations.");
    assert.equal(c.help.help2, 'escape \\ \n \\ " \\x chars');
    assert.equal(c.units.go_gc_duration_seconds, "seconds");
    assert.equal(c.types.ggh, "gaugehistogram");
    assert.equal(c.types.ss, "stateset");
    assert.deepEqual(c.samples[0]?.labels, { __name__: "go_gc_duration_seconds", quantile: "0.0" });
    const foo = c.samples.find((s) => s.labels.__name__ === "foo_total");
    assert.equal(foo?.ts, 1520879607789);
    assert.equal(c.exemplars.length, 4);
    assert.deepEqual(c.exemplars[2], {
      key: 'ggh_bucket{le="+Inf"}',
      labels: { id: "gaugehistogram-bucket-test", xx: "yy" },
      value: 4,
      ts: 123123,
    });
    assert.deepEqual(c.exemplars[3]?.labels, { id: "counter-test" });
    assert.equal(c.exemplars[3]?.ts, undefined);
    assert.equal(c.samples.find((s) => s.labels.__name__ === "testmetric" && s.labels.label)?.labels.label, '"bar"');
  });

  it("requires # EOF, exactly once and last", () => {
    assert.match(fails("a 1\n")?.message ?? "", /data does not end with # EOF/);
    assert.match(fails("# EOF\na 1\n")?.message ?? "", /unexpected data after # EOF/);
    assert.equal(fails("a 1\n# EOF"), undefined);
    assert.match(fails("a 1\n# EOF\n\n")?.message ?? "", /unexpected data after # EOF/);
  });

  it("applies the strict lexical rules", () => {
    assert.match(fails("a  1\n# EOF\n")?.message ?? "", /expected value after metric/);
    assert.match(fails("a 1 \n# EOF\n")?.message ?? "", /expected next entry after timestamp|timestamp/);
    assert.match(fails('a{b="c", d="e"} 1\n# EOF\n')?.message ?? "", /expected label name/);
    assert.match(fails("# some comment\n# EOF\n")?.message ?? "", /expected a valid start token/);
    assert.match(fails("\n# EOF\n")?.message ?? "", /expected a valid start token/);
    assert.match(fails("# HELP a\n# EOF\n")?.message ?? "", /expected text in HELP/);
    assert.match(fails("# UNIT a_seconds bytes\n# EOF\n")?.message ?? "", /not a suffix/);
    assert.match(fails("# TYPE a untyped\n# EOF\n")?.message ?? "", /invalid metric type/);
    assert.match(fails("a 1 NaN\n# EOF\n")?.message ?? "", /invalid timestamp NaN/);
    assert.match(fails('a 1 # {b="c"} 1 +Inf\n# EOF\n')?.message ?? "", /invalid exemplar timestamp/);
    assert.match(fails('a{b="c\nd"} 1\n# EOF\n')?.message ?? "", /expected label value/);
  });

  it("gives created timestamps and can skip _created series", () => {
    const body = [
      "# TYPE foo counter",
      'foo_total{a="b"} 17.0',
      'foo_created{a="b"} 1520872607.123',
      "# TYPE bar summary",
      'bar{quantile="0.95"} 123.7',
      "bar_sum 324789.3",
      "bar_count 1",
      "bar_created 1520872607.123",
      "# EOF",
      "",
    ].join("\n");
    const p = new OpenMetricsParser(Buffer.from(body));
    const cts: (number | undefined)[] = [];
    for (let e = p.next(); e !== "eof"; e = p.next()) if (e === "series") cts.push(p.createdTimestamp());
    assert.deepEqual(cts, [1520872607123, undefined, 1520872607123, 1520872607123, 1520872607123, undefined]);
    const skipped = om(body, false, true);
    assert.deepEqual(
      skipped.samples.map((s) => s.labels.__name__),
      ["foo_total", "bar", "bar_sum", "bar_count"],
    );
  });

  it("is chosen for application/openmetrics-text", () => {
    assert.ok(
      createParser(Buffer.from("# EOF\n"), "application/openmetrics-text; version=1.0.0") instanceof OpenMetricsParser,
    );
  });
});

describe("expfmt: OpenMetrics parser test suite (strict)", () => {
  const dir = conformancePath("openmetrics", "tests", "testdata", "parsers");
  const cases = readdirSync(dir).sort();
  it("has 211 cases", () => assert.equal(cases.length, 211));
  for (const name of cases) {
    const spec = JSON.parse(readFileSync(join(dir, name, "test.json"), "utf8")) as { shouldParse: boolean };
    it(`${name} ${spec.shouldParse ? "parses" : "is rejected"}`, () => {
      const body = readFileSync(join(dir, name, "metrics"));
      const err = parseFailure(() => collect(new OpenMetricsParser(body, { strict: true })));
      if (spec.shouldParse) assert.equal(err, undefined, String(err));
      else assert.ok(err, "must be rejected");
    });
  }
});

describe("expfmt: prometheus-textparse OpenMetrics pages", () => {
  const dir = conformancePath("prometheus-textparse", "model", "textparse", "testdata");
  it("parses alltypes.5mfs.om.txt and 1histogram.om.txt", () => {
    const a = collect(new OpenMetricsParser(readFileSync(join(dir, "alltypes.5mfs.om.txt"))));
    assert.equal(Object.keys(a.types).length, 5);
    assert.ok(a.samples.length > 0);
    const h = collect(new OpenMetricsParser(readFileSync(join(dir, "1histogram.om.txt"))));
    assert.deepEqual(Object.values(h.types), ["histogram"]);
    assert.ok(h.samples.some((s) => s.labels.port === "5003"));
  });
});
