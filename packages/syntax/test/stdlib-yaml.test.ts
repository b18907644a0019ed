// encoding.from_yaml: the YAML decoder (yaml.v3 semantics into interface{}).
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeYAML, Num, type Value } from "../src/index.js";

/** Plain JS form that keeps ints (bigint) apart from floats (number). */
function plain(v: Value): unknown {
  if (v instanceof Num) return v.kind === "float" ? v.n : v.kind === "uint" ? { uint: v.n } : v.n;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) Object.defineProperty(o, k, { value: plain(x), enumerable: true });
    return o;
  }
  return v;
}

const y = (s: string) => plain(decodeYAML(s));

test("yaml: core schema scalar resolution", () => {
  const table: [string, unknown][] = [
    ["15", 15n],
    ["-1", -1n],
    ["+1", 1n],
    ["0", 0n],
    ["15.0", 15],
    ["0x1F", 31n],
    ["0o17", 15n],
    ["0b101", 5n],
    ["-0b11", -3n],
    ["0777", 511n],
    ["09", 9],
    ["1_000", 1000n],
    ["1e3", 1000],
    ["-1.5E-2", -0.015],
    [".5", 0.5],
    ["5.", 5],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["18446744073709551615", { uint: 18446744073709551615n }],
    ["18446744073709551616", 2 ** 64],
    [".inf", Number.POSITIVE_INFINITY],
    ["+.INF", Number.POSITIVE_INFINITY],
    ["-.Inf", Number.NEGATIVE_INFINITY],
    ["~", null],
    ["null", null],
    ["Null", null],
    ["NULL", null],
    ["", null],
    ["true", true],
    ["True", true],
    ["FALSE", false],
    ["yes", "yes"],
    ["on", "on"],
    ["nil", "nil"],
    ["1.2.3", "1.2.3"],
    ["0x", "0x"],
    ["1:20", "1:20"],
    ["2001-12-14", "2001-12-14"],
    ["2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"],
    ["hello world", "hello world"],
    ["-foo", "-foo"],
    [":foo", ":foo"],
    ["http://example.com/a#b", "http://example.com/a#b"],
    ["a #comment", "a"],
  ];
  for (const [src, want] of table) assert.deepEqual(y(src), want, JSON.stringify(src));
  assert.ok(Number.isNaN(y(".nan")));
  assert.ok(Number.isNaN(y(".NaN")));
});

test("yaml: upstream vm_stdlib_test cases", () => {
  assert.deepEqual(y("foo: bar"), { foo: "bar" });
  assert.deepEqual(y("[0, 1, 2]"), [0n, 1n, 2n]);
  assert.deepEqual(y("[0.0, 1.0, 2.0]"), [0, 1, 2]);
  assert.deepEqual(y("foo: null"), { foo: null });
  assert.deepEqual(y("[0, null]"), [0n, null]);
  assert.deepEqual(y("15"), 15n);
  assert.deepEqual(y("null"), null);
  assert.deepEqual(y("key: value"), { key: "value" });
});

test("yaml: quoted scalars", () => {
  const table: [string, unknown][] = [
    ['"123"', "123"],
    ["'true'", "true"],
    ["'it''s'", "it's"],
    ['"a\\tb\\nc\\\\d\\"e\\/f"', 'a\tb\nc\\d"e/f'],
    ['"\\x41\\u00e9\\U0001F600"', "Aé\u{1f600}"],
    ['"\\0\\a\\b\\v\\f\\r\\e\\ \\N\\_\\L\\P"', "\0\x07\b\v\f\r\x1b \x85\xa0\u2028\u2029"],
    ['"folded\n  line\n\n  para"', "folded line\npara"],
    ["'single\n  folded'", "single folded"],
    ['"trailing   \n  next"', "trailing next"],
    ['"escaped \\\n  break"', "escaped break"],
    ['"no\\\n  space"', "nospace"],
    ['""', ""],
    ["''", ""],
    ["'# not a comment'", "# not a comment"],
  ];
  for (const [src, want] of table) assert.deepEqual(y(src), want, JSON.stringify(src));
});

test("yaml: block mappings and sequences", () => {
  assert.deepEqual(y("a: 1\nb: two\nc:\n  d: 3.5\n  e: [x]\n"), { a: 1n, b: "two", c: { d: 3.5, e: ["x"] } });
  assert.deepEqual(y("- a\n- b\n-\n  - c\n- - d\n  - e\n"), ["a", "b", ["c"], ["d", "e"]]);
  assert.deepEqual(y("key:\n- 1\n- 2\nother: 3"), { key: [1n, 2n], other: 3n });
  assert.deepEqual(y("- name: a\n  value: 1\n- name: b\n  value: 2"), [
    { name: "a", value: 1n },
    { name: "b", value: 2n },
  ]);
  assert.deepEqual(y("a:\nb: \nc: ~"), { a: null, b: null, c: null });
  assert.deepEqual(y("'quoted key': 1\n\"dq\": 2\nplain key: 3"), { "quoted key": 1n, dq: 2n, "plain key": 3n });
  assert.deepEqual(y("1: one\ntrue: t\n~: n\n1.5: f"), { "1": "one", true: "t", "": "n", "1.5": "f" });
  assert.deepEqual(y("a:    \t  spaced\nb:\tx"), { a: "spaced", b: "x" });
  assert.deepEqual(y("top:\n  mid:\n    low: deep\n  back: up\n"), { top: { mid: { low: "deep" }, back: "up" } });
  assert.deepEqual(y("a: b:c\nd: e :f"), { a: "b:c", d: "e :f" });
  assert.deepEqual(y("- - - x"), [[["x"]]]);
  assert.deepEqual(y("a:\n  - b: 1\n    c: 2\n  - d"), { a: [{ b: 1n, c: 2n }, "d"] });
  assert.deepEqual(y("? complex\n: value"), { complex: "value" });
});

test("yaml: plain multi-line scalars", () => {
  assert.deepEqual(y("a: this is\n  continued\n  here\nb: 2"), { a: "this is continued here", b: 2n });
  assert.deepEqual(y("plain\n  multi\n\n  line"), "plain multi\nline");
  assert.deepEqual(y("- one\n  two\n- three"), ["one two", "three"]);
});

test("yaml: block scalars", () => {
  const table: [string, unknown][] = [
    ["a: |\n  line1\n  line2\n", { a: "line1\nline2\n" }],
    ["a: |-\n  line1\n  line2\n", { a: "line1\nline2" }],
    ["a: |+\n  line1\n\n\nb: 1", { a: "line1\n\n\n", b: 1n }],
    ["a: |\n  line1\n\n\nb: 1", { a: "line1\n", b: 1n }],
    ["a: >\n  folded\n  text\n\n  para\n", { a: "folded text\npara\n" }],
    ["a: >-\n  one\n    more indented\n  two\n", { a: "one\n  more indented\ntwo" }],
    ["a: |2\n    indented\n  base\n", { a: "  indented\nbase\n" }],
    ["a: |\n\n  after blank\n", { a: "\nafter blank\n" }],
    ["a: |\n  keep  \n   spaces\n", { a: "keep  \n spaces\n" }],
    ["a: | # comment\n  text\n", { a: "text\n" }],
    ["a: |\n  no final newline", { a: "no final newline" }],
    ["a: |\nb: 1", { a: "", b: 1n }],
    ["a: |-\n\n", { a: "" }],
    ["- |\n  in seq\n- >\n  x\n  y\n", ["in seq\n", "x y\n"]],
    ["--- |\n  top\n", "top\n"],
    ["a: >+\n  x\n\n", { a: "x\n\n" }],
    ["a: |\n  # not a comment\n", { a: "# not a comment\n" }],
  ];
  for (const [src, want] of table) assert.deepEqual(y(src), want, JSON.stringify(src));
});

test("yaml: flow collections", () => {
  const table: [string, unknown][] = [
    ["{a: 1, b: [x, y], 'c': \"d\"}", { a: 1n, b: ["x", "y"], c: "d" }],
    ["[]", []],
    ["{}", {}],
    ["[1, 2, ]", [1n, 2n]],
    ["[a b, c]", ["a b", "c"]],
    ["[a: 1, b]", [{ a: 1n }, "b"]],
    ["{a, b: }", { a: null, b: null }],
    ['{"a":1,"b":[true,null]}', { a: 1n, b: [true, null] }],
    ["[\n  1,\n  # comment\n  2\n]", [1n, 2n]],
    ["{a: {b: {c: [[]]}}}", { a: { b: { c: [[]] } } }],
    ["key: [a, {b: c}]", { key: ["a", { b: "c" }] }],
    ["[http://x.y/z, a:b]", ["http://x.y/z", "a:b"]],
    ["[multi\n  line, x]", ["multi line", "x"]],
  ];
  for (const [src, want] of table) assert.deepEqual(y(src), want, JSON.stringify(src));
});

test("yaml: anchors, aliases and merge keys", () => {
  assert.deepEqual(y("a: &x {k: v}\nb: *x"), { a: { k: "v" }, b: { k: "v" } });
  assert.deepEqual(y("- &n 5\n- *n"), [5n, 5n]);
  assert.deepEqual(y("base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3"), {
    base: { x: 1n, y: 2n },
    derived: { y: 3n, x: 1n },
  });
  assert.deepEqual(y("a: &a {p: 1}\nb: &b {p: 2, q: 2}\nc:\n  <<: [*a, *b]\n"), {
    a: { p: 1n },
    b: { p: 2n, q: 2n },
    c: { p: 1n, q: 2n },
  });
  assert.deepEqual(y("x: &s str\ny: *s"), { x: "str", y: "str" });
  assert.deepEqual(y("a: &anchor\n  b: 1\nc: *anchor"), { a: { b: 1n }, c: { b: 1n } });
  assert.deepEqual(y("- &k key: v\n- *k"), [{ key: "v" }, "key"]);
});

test("yaml: tags", () => {
  assert.deepEqual(y("!!str 123"), "123");
  assert.deepEqual(y("a: !!str true"), { a: "true" });
  assert.deepEqual(y("!!int '12'"), 12n);
  assert.deepEqual(y("!!float 1"), 1);
  assert.deepEqual(y("!!bool 'true'"), true);
  assert.deepEqual(y("!!null ''"), null);
  assert.deepEqual(y("!!binary aGVsbG8="), "hello");
  assert.deepEqual(y("!custom 12"), "12");
  assert.deepEqual(y("!!map {a: 1}"), { a: 1n });
  assert.throws(() => decodeYAML("!!int abc"), /cannot decode !!str `abc` as a !!int/);
});

test("yaml: documents, directives and comments", () => {
  assert.deepEqual(y("---\nfoo: 1\n---\nbar: 2"), { foo: 1n });
  assert.deepEqual(y("%YAML 1.2\n---\na: 1\n...\n"), { a: 1n });
  assert.deepEqual(y("# only a comment\n"), null);
  assert.deepEqual(y(""), null);
  assert.deepEqual(y("--- value"), "value");
  assert.deepEqual(y("# c1\na: 1 # c2\n# c3\nb: # c4\n  c: 2 # c5\n"), { a: 1n, b: { c: 2n } });
  assert.deepEqual(y("a: 1\r\nb:\r\n  - x\r\n"), { a: 1n, b: ["x"] });
  assert.deepEqual(y("\ufeffa: 1"), { a: 1n });
});

test("yaml: errors", () => {
  const table: [string, RegExp][] = [
    ["a: 1\na: 2", /yaml: unmarshal errors:\n {2}line 2: mapping key "a" already defined at line 1$/],
    ["a: *nope", /yaml: unknown anchor 'nope' referenced$/],
    ["key: value\n  other: x", /yaml: line 2: column \d+: mapping values are not allowed in this context$/],
    ["a: b: c", /mapping values are not allowed in this context/],
    ["x: [a, b", /did not find expected ',' or '\]'/],
    ["x: {a: b", /did not find expected ',' or '\}'/],
    ['x: "unterminated', /found unexpected end of stream/],
    ["a:\n\t- b", /found character that cannot start any token/],
    ["a: 1\nfoo", /could not find expected ':'/],
    ["a: - b", /block sequence entries are not allowed in this context/],
    ['"bad \\q escape"', /found unknown escape character/],
    ["@foo", /found character that cannot start any token/],
    ["a: 1\n- b", /did not find expected key/],
  ];
  for (const [src, re] of table) assert.throws(() => decodeYAML(src), re, JSON.stringify(src));
});
