import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { conformancePath } from "@ingot/testkit";
import { labelsFromObject, labelsToObject } from "../src/data/labels.js";
import {
  compileRelabelRule,
  compileRelabelRules,
  hashMod,
  isValidRelabelTarget,
  type NameValidationScheme,
  RELABEL_RULE_BLOCK_SCHEMA,
  type RelabelConfig,
  relabelLabels,
  relabelObject,
  rulesFromArguments,
  validateRelabelConfig,
} from "../src/relabel.js";

interface Cases {
  relabel: {
    id: number;
    input: Record<string, string>;
    relabel_configs: RelabelConfig[];
    drop: boolean;
    output?: Record<string, string>;
  }[];
  validate: {
    id: number;
    config: RelabelConfig & { name_validation_scheme?: NameValidationScheme };
    valid: boolean;
    error_contains?: string;
  }[];
  target_label_legacy_validity: { target_label: string; valid: boolean }[];
}

const cases = JSON.parse(readFileSync(conformancePath("prometheus-relabel", "relabel-cases.json"), "utf8")) as Cases;

describe("relabel conformance (prometheus model/relabel)", () => {
  it("has every case", () => {
    assert.equal(cases.relabel.length, 34);
    assert.equal(cases.validate.length, 10);
    assert.equal(cases.target_label_legacy_validity.length, 16);
  });
  for (const c of cases.relabel) {
    it(`relabel case ${c.id}`, () => {
      const rules = compileRelabelRules(c.relabel_configs);
      const input = labelsFromObject(c.input);
      const out = relabelLabels(input, rules);
      if (c.drop) assert.equal(out, null);
      else {
        assert.ok(out);
        assert.deepEqual(labelsToObject(out), c.output);
        // Sorted, unique names.
        for (let i = 2; i < out.length; i += 2) assert.ok((out[i - 2] as string) < (out[i] as string));
      }
    });
  }
  for (const c of cases.validate) {
    it(`validate case ${c.id}`, () => {
      const { name_validation_scheme, ...cfg } = c.config;
      // Keys left out take the defaults, as the upstream loop does; an empty action stays empty.
      const full: RelabelConfig = { action: "", ...cfg };
      const run = () => validateRelabelConfig(full, { nameValidationScheme: name_validation_scheme ?? "utf8" });
      if (c.valid) run();
      else assert.throws(run, (e: Error) => e.message.includes(c.error_contains as string));
    });
  }
  it("target_label legacy validity", () => {
    for (const c of cases.target_label_legacy_validity)
      assert.equal(isValidRelabelTarget(c.target_label, "legacy"), c.valid, c.target_label);
  });
});

describe("relabel engine", () => {
  it("returns the input array itself when nothing changes (no allocation)", () => {
    const l = labelsFromObject({ __name__: "up", job: "a" });
    const rules = compileRelabelRules([
      { source_labels: ["job"], regex: "b", action: "drop" },
      { source_labels: ["job"], regex: "x(.*)", target_label: "y" },
      { source_labels: ["job"], target_label: "job" },
      { regex: "zzz", action: "labeldrop" },
    ]);
    assert.equal(relabelLabels(l, rules), l);
  });

  it("Go regexp.Expand templates: $1x is group '1x', $$ is a dollar, malformed $ literal, named groups", () => {
    const one = (replacement: string, regex = "(?P<first>a)(b)") =>
      relabelObject({ src: "ab" }, [
        compileRelabelRule({ source_labels: ["src"], regex, target_label: "t", replacement }),
      ])?.t;
    assert.equal(one("$1x"), undefined);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go template syntax under test
    assert.equal(one("${1}x"), "ax");
    assert.equal(one("$$1"), "$1");
    assert.equal(one("$first-$2"), "a-b");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go template syntax under test
    assert.equal(one("${first}${2}"), "ab");
    assert.equal(one("$0"), "ab");
    assert.equal(one("$"), "$");
    assert.equal(one("${1"), "${1");
    assert.equal(one("$01"), undefined); // leading zero: a name, no such group
    assert.equal(one("x$9y"), "x");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go template syntax under test
    assert.equal(one("${9}y"), "y");
  });

  it("RE2 semantics: anchored, dot matches newline, (?i), classes; refuses backreferences and lookaround", () => {
    const keep = (regex: string, v: string) =>
      relabelObject({ a: v }, [compileRelabelRule({ source_labels: ["a"], regex, action: "keep" })]) !== null;
    assert.equal(keep("fo", "foo"), false);
    assert.equal(keep("fo.", "foo"), true);
    assert.equal(keep("a.b", "a\nb"), true);
    assert.equal(keep("(?i)FOO", "foo"), true);
    assert.equal(keep("[[:alpha:]]+", "abc"), true);
    assert.equal(keep("\\Qa.b\\E", "a.b"), true);
    assert.equal(keep("\\Qa.b\\E", "axb"), false);
    assert.equal(keep("a|b|c", "b"), true);
    assert.equal(keep("a|b|c", "ab"), false);
    assert.equal(keep("(a|b)", "b"), true);
    assert.equal(keep("foo.*", "foo\nbar"), true);
    assert.equal(keep("foo.*", "fo"), false);
    assert.equal(keep("", ""), true);
    assert.equal(keep("", "x"), false);
    assert.throws(
      () => compileRelabelRule({ regex: "(a)\\1", action: "keep", source_labels: ["a"] }),
      /error parsing regexp/,
    );
    assert.throws(() => compileRelabelRule({ regex: "a(?=b)", action: "keep" }), /error parsing regexp/);
    assert.throws(() => compileRelabelRule({ regex: "(", action: "keep" }), /missing closing \)/);
  });

  it("prefix fast path captures the rest", () => {
    const r = compileRelabelRule({ source_labels: ["a"], regex: "foo_(.*)", target_label: "b" });
    assert.deepEqual(relabelObject({ a: "foo_bar" }, [r]), { a: "foo_bar", b: "bar" });
    assert.deepEqual(relabelObject({ a: "fo" }, [r]), { a: "fo" });
  });

  it("replace with empty source and default regex sets the literal replacement (Prometheus fast path)", () => {
    const r = compileRelabelRule({ target_label: "env", replacement: "prod" });
    assert.deepEqual(relabelObject({ a: "1" }, [r]), { a: "1", env: "prod" });
    // Missing source labels join as empty strings with the separator.
    const j = compileRelabelRule({ source_labels: ["x", "a", "y"], separator: "-", target_label: "j" });
    assert.deepEqual(relabelObject({ a: "1" }, [j]), { a: "1", j: "-1-" });
  });

  it("hashmod matches Prometheus for small and 64-bit moduli", () => {
    assert.equal(hashMod("baz", 1000), 976);
    assert.equal(hashMod("foo\nbar", 1000), 734);
    // Large modulus goes through BigInt; compare with a direct BigInt computation.
    const m = 2 ** 40 + 7;
    assert.equal(hashMod("baz", m) < m, true);
    assert.equal(hashMod("baz", 2 ** 21), hashMod("baz", 2 ** 21 + 0)); // stable
  });

  it("labeldrop/labelkeep/labelmap after an earlier change see every label", () => {
    const rules = compileRelabelRules([
      { regex: "__meta_k_(.+)", replacement: "$1", action: "labelmap" },
      { regex: "x|__meta_.*", action: "labeldrop" },
    ]);
    assert.deepEqual(relabelObject({ __meta_a: "1", __meta_k_app: "web", __meta_z: "2", x: "3", y: "4" }, rules), {
      app: "web",
      y: "4",
    });
    const keep = compileRelabelRules([
      { target_label: "b", replacement: "1" },
      { regex: "a|c", action: "labelkeep" },
    ]);
    assert.deepEqual(relabelObject({ a: "1", c: "2", d: "3", e: "4" }, keep), { a: "1", c: "2" });
    const map2 = compileRelabelRules([
      { target_label: "m_b", replacement: "1" },
      { regex: "m_(.*)", replacement: "n_$1", action: "labelmap" },
    ]);
    assert.deepEqual(relabelObject({ m_a: "x", m_c: "y" }, map2), {
      m_a: "x",
      m_b: "1",
      m_c: "y",
      n_a: "x",
      n_b: "1",
      n_c: "y",
    });
  });

  it("labelkeep and labeldrop may empty the set; an emptied set is returned, not dropped", () => {
    const r = compileRelabelRule({ regex: "nothing", action: "labelkeep" });
    assert.deepEqual(relabelLabels(labelsFromObject({ a: "1" }), [r]), []);
  });

  it("uppercase/lowercase and case-insensitive action names", () => {
    const r = rulesFromArguments([
      {
        source_labels: ["a"],
        target_label: "a",
        action: "UpperCase",
        separator: ";",
        regex: "(.*)",
        replacement: "$1",
        modulus: 0,
      },
    ]);
    assert.deepEqual(relabelObject({ a: "x" }, r), { a: "X" });
  });

  it("Alloy rule blocks: unknown action and validation errors name the block", () => {
    assert.throws(() => rulesFromArguments([{ action: "replace", target_label: "a" }, { action: "nope" }]), {
      message: 'rule[1]: unrecognized action type "nope"',
    });
    assert.throws(() => rulesFromArguments([{ action: "hashmod", target_label: "a" }]), {
      message: "rule[0]: relabel configuration for hashmod requires non-zero modulus",
    });
    assert.throws(() => rulesFromArguments([{ action: "labeldrop", regex: "a", source_labels: ["x"] }]), {
      message: "rule[0]: labeldrop action requires only 'regex', and no other fields",
    });
    assert.throws(
      () => rulesFromArguments([{ action: "keepequal", target_label: "a", regex: "x" }]),
      /keepequal action requires only/,
    );
    assert.throws(() => rulesFromArguments([{ action: "replace", target_label: "" }]), /requires 'target_label' value/);
    assert.throws(
      () => rulesFromArguments([{ action: "replace", target_label: "a", regex: "[" }]),
      /rule\[0\]: error parsing regexp/,
    );
    assert.deepEqual(rulesFromArguments(undefined), []);
    assert.equal(RELABEL_RULE_BLOCK_SCHEMA["x-alloy-block"], true);
    assert.equal(RELABEL_RULE_BLOCK_SCHEMA.items.properties.regex.default, "(.*)");
  });

  it("is fast: 200k series through a typical rule set", () => {
    const rules = compileRelabelRules([
      { source_labels: ["__name__"], regex: "go_.*", action: "drop" },
      { source_labels: ["__name__"], regex: "(node|process)_(cpu|memory)_.*", action: "keep" },
      { source_labels: ["instance"], regex: "([^:]+):\\d+", target_label: "host" },
      { regex: "tmp_.*", action: "labeldrop" },
      { target_label: "env", replacement: "prod" },
    ]);
    const sets = [];
    for (let i = 0; i < 1000; i++)
      sets.push(labelsFromObject({ __name__: `node_cpu_seconds_${i}`, instance: `host-${i % 10}:9100`, job: "node" }));
    const t0 = performance.now();
    let kept = 0;
    for (let k = 0; k < 200; k++) for (const s of sets) if (relabelLabels(s, rules)) kept++;
    const ms = performance.now() - t0;
    assert.equal(kept, 200_000);
    assert.deepEqual(labelsToObject(relabelLabels(sets[3]!, rules)!), {
      __name__: "node_cpu_seconds_3",
      env: "prod",
      host: "host-3",
      instance: "host-3:9100",
      job: "node",
    });
    console.log(`relabel: ${((ms * 1000) / 200_000).toFixed(2)} µs per series (5 rules)`);
    assert.ok(ms < 8000, `took ${ms} ms`);
  });
});
