import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bodyToTypedJSON,
  Capsule,
  endPos,
  makeFunction,
  Num,
  objectToBodyEntries,
  parseFile,
  Scope,
  Secret,
  startPos,
  type Value,
} from "@ingot/syntax";
import { createAjv } from "../src/ajv.js";
import type { ComponentManifest } from "../src/manifest.js";
import { compileComponentSchemas } from "../src/schema.js";
import type { JSONSchema } from "../src/schema-types.js";
import { isSecret, secret, secretValue } from "../src/values.js";

const receiver = { append() {} };
const scope = new Scope({
  recv: new Capsule(receiver, "MetricsReceiver"),
  other: new Capsule({}, "LogsReceiver"),
  pw: new Secret("hunter2"),
  big: Num.int(2n ** 60n),
  fail: makeFunction("fail", 0, 0, () => {
    throw new Error("boom");
  }),
});

function manifest(args: JSONSchema, exports: JSONSchema = { type: "object" }): ComponentManifest {
  return { name: "test.comp", stability: "experimental", arguments: args, exports };
}

const ARGS: JSONSchema = {
  type: "object",
  required: ["path"],
  properties: {
    path: { type: "string" },
    count: { type: "integer", minimum: 1, default: 3 },
    ratio: { type: "number" },
    enabled: { type: "boolean", default: true },
    mode: { type: "string", enum: ["fast", "slow"], default: "fast" },
    poll: { type: "string", "x-alloy-type": "duration", default: "1m", minimum: 1000 },
    password: { type: "string", "x-alloy-type": "secret" },
    content: { "x-alloy-type": "optional-secret" },
    forward_to: { type: "array", items: { "x-alloy-type": "capsule", "x-alloy-capsule": "MetricsReceiver" } },
    one: { "x-alloy-type": "capsule", "x-alloy-capsule": "MetricsReceiver" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    tags: { type: "array", items: { type: "string" } },
    anything: {},
    nullable: { type: ["string", "null"] },
    rule: {
      "x-alloy-block": true,
      type: "array",
      items: {
        type: "object",
        properties: {
          action: { type: "string", enum: ["keep", "drop"], default: "keep" },
          regex: { type: "string" },
          timeout: { "x-alloy-type": "duration", default: "5s" },
        },
      },
    },
    target: {
      "x-alloy-block": true,
      type: "array",
      items: {
        type: "object",
        "x-alloy-label": "name",
        required: ["address"],
        properties: { name: { type: "string" }, address: { type: "string" } },
      },
    },
    tls: {
      "x-alloy-block": true,
      type: "object",
      default: {},
      properties: {
        insecure: { type: "boolean", default: false },
        key: { "x-alloy-type": "secret" },
        inner: { "x-alloy-block": true, type: "object", properties: { depth: { type: "integer", default: 2 } } },
      },
    },
    "stage.json": { "x-alloy-block": true, type: "object", properties: { source: { type: "string" } } },
  },
};

const compiled = compileComponentSchemas(manifest(ARGS));

function decode(bodyText: string, c = compiled) {
  const text = `test.comp "x" {\n${bodyText}\n}\n`;
  const parsed = parseFile("t.alloy", text);
  assert.deepEqual(parsed.diagnostics, [], "test input must parse");
  const block = parsed.file.body[0]!;
  assert.equal(block.kind, "Block");
  if (block.kind !== "Block") throw new Error("unreachable");
  return c.decodeArguments(block.body, scope, parsed.file.source, { start: startPos(block), end: endPos(block) });
}

const DEFAULTS = {
  count: 3,
  enabled: true,
  mode: "fast",
  poll: 60000,
  tls: { insecure: false },
};

// Every mapping case: Alloy body (inside the component block, which starts on line 1)
// and the plain-JS arguments the plugin gets.
const decodeCases: [string, string, Record<string, unknown>][] = [
  ["string attribute and defaults", 'path = "a"', { path: "a", ...DEFAULTS }],
  ["number converts to string", "path = 12", { ...DEFAULTS, path: "12" }],
  ["numbers", 'path = "a"\ncount = 7\nratio = 0.5', { ...DEFAULTS, path: "a", count: 7, ratio: 0.5 }],
  ["numeric string converts to number", 'path = "a"\nratio = "2.5"', { ...DEFAULTS, path: "a", ratio: 2.5 }],
  ["int beyond 2^53 becomes a number", 'path = "a"\nratio = big', { ...DEFAULTS, path: "a", ratio: 2 ** 60 }],
  ["bool", 'path = "a"\nenabled = false', { ...DEFAULTS, path: "a", enabled: false }],
  ["enum", 'path = "a"\nmode = "slow"', { ...DEFAULTS, path: "a", mode: "slow" }],
  ["duration in ms", 'path = "a"\npoll = "1m30s"', { ...DEFAULTS, path: "a", poll: 90000 }],
  ["sub-millisecond duration", 'path = "a"\npoll = "1500000us"', { ...DEFAULTS, path: "a", poll: 1500 }],
  ["secret from a string", 'path = "a"\npassword = "p"', { ...DEFAULTS, path: "a", password: "p" }],
  ["secret from a secret", 'path = "a"\npassword = pw', { ...DEFAULTS, path: "a", password: "hunter2" }],
  ["optional secret from a secret", 'path = "a"\ncontent = pw', { ...DEFAULTS, path: "a", content: "hunter2" }],
  ["optional secret from a string", 'path = "a"\ncontent = "c"', { ...DEFAULTS, path: "a", content: "c" }],
  [
    "array of capsules",
    'path = "a"\nforward_to = [recv, recv]',
    { ...DEFAULTS, path: "a", forward_to: [receiver, receiver] },
  ],
  ["one capsule", 'path = "a"\none = recv', { ...DEFAULTS, path: "a", one: receiver }],
  [
    "map attribute",
    'path = "a"\nlabels = {a = "1", "b c" = "2"}',
    { ...DEFAULTS, path: "a", labels: { a: "1", "b c": "2" } },
  ],
  ["array attribute", 'path = "a"\ntags = ["x", "y"]', { ...DEFAULTS, path: "a", tags: ["x", "y"] }],
  [
    "untyped attribute keeps any value",
    'path = "a"\nanything = {n = 1, l = [true, null], s = pw}',
    { ...DEFAULTS, path: "a", anything: { n: 1, l: [true, null], s: "(secret)" } },
  ],
  ["null for a nullable attribute", 'path = "a"\nnullable = null', { ...DEFAULTS, path: "a", nullable: null }],
  ["null for a non-nullable attribute means unset", 'path = "a"\ncount = null', { ...DEFAULTS, path: "a" }],
  [
    "repeated blocks with nested defaults",
    'path = "a"\nrule {\n  action = "drop"\n}\nrule {\n  regex = ".*"\n  timeout = "1s"\n}',
    {
      ...DEFAULTS,
      path: "a",
      rule: [
        { action: "drop", timeout: 5000 },
        { regex: ".*", timeout: 1000, action: "keep" },
      ],
    },
  ],
  [
    "labeled blocks",
    'path = "a"\ntarget "one" {\n  address = "x"\n}\ntarget "two" {\n  address = "y"\n}',
    {
      ...DEFAULTS,
      path: "a",
      target: [
        { address: "x", name: "one" },
        { address: "y", name: "two" },
      ],
    },
  ],
  [
    "single block with nested block and defaults",
    'path = "a"\ntls {\n  key = pw\n  inner {}\n}',
    { ...DEFAULTS, path: "a", tls: { key: "hunter2", inner: { depth: 2 }, insecure: false } },
  ],
  [
    "dotted block name",
    'path = "a"\nstage.json {\n  source = "s"\n}',
    { ...DEFAULTS, path: "a", "stage.json": { source: "s" } },
  ],
];

for (const [name, body, want] of decodeCases) {
  test(`decodeArguments: ${name}`, () => {
    const r = decode(body);
    assert.ok(r.ok, r.ok ? "" : r.diagnostics.map((d) => d.message).join("; "));
    const value = JSON.parse(JSON.stringify(r.value, (_k, v) => (isSecret(v) ? "(secret)" : v)));
    const expect = JSON.parse(JSON.stringify(want));
    assert.deepEqual(value, expect);
    if (name.includes("capsule")) {
      const v = r.value.forward_to ?? [r.value.one];
      for (const x of v as unknown[]) assert.equal(x, receiver, "the capsule's payload itself is passed");
    }
  });
}

// Every error: body, and the expected "line:col: message" list (line 1 is the component block).
const errorCases: [string, string, string[]][] = [
  ["unknown attribute", 'path = "a"\nnope = 1', ['3:1: unrecognized attribute name "nope"']],
  ["unknown block", 'path = "a"\nnope {}', ['3:1: unrecognized block name "nope"']],
  ["missing attribute", "count = 2", ['1:1: missing required attribute "path"']],
  ["missing nested attribute", 'path = "a"\ntarget "t" {}', ['3:1: missing required attribute "address"']],
  ["attribute twice", 'path = "a"\npath = "b"', ['3:1: attribute "path" may only be provided once']],
  ["single block twice", 'path = "a"\ntls {}\ntls {}', ['3:1: block "tls" may only be specified once']],
  ["label missing", 'path = "a"\ntarget {\n  address = "x"\n}', ['3:1: block "target" requires non-empty label']],
  ["label not supported", 'path = "a"\nrule "r" {}', ['3:1: block "rule" does not support specifying labels']],
  ["block used as attribute", 'path = "a"\ntls = 1', ['3:1: "tls" must be a block, but is used as an attribute']],
  ["attribute used as block", 'path = "a"\ncount {}', ['3:1: "count" must be an attribute, but is used as a block']],
  ["type mismatch", 'path = "a"\nenabled = "yes"', ['3:11: "yes" should be bool, got string']],
  ["number from bad string", 'path = "a"\nratio = "x"', ['3:9: "x" should be number, got string']],
  ["secret into string", "path = pw", ["2:8: pw secrets may not be converted into strings"]],
  ["bad duration", 'path = "a"\npoll = "5x"', ['3:8: "5x" time: unknown unit "x" in duration "5x"']],
  ["duration without unit", 'path = "a"\npoll = "10"', ['3:8: "10" time: missing unit in duration "10"']],
  ["capsule expected", 'path = "a"\nforward_to = [recv, "s"]', ['3:21: "s" should be capsule, got string']],
  [
    "wrong capsule type",
    'path = "a"\none = other',
    ['3:7: other expected capsule("MetricsReceiver"), got capsule("LogsReceiver")'],
  ],
  ["map value type", 'path = "a"\nlabels = {a = 1, b = true}', ["3:22: true should be string, got bool"]],
  ["evaluation error", 'path = "a"\ncount = fail()', ["3:9: fail boom"]],
  ["undefined identifier", 'path = "a"\ncount = nothing', ['3:9: identifier "nothing" does not exist']],
  ["enum (ajv)", 'path = "a"\nmode = "medium"', ['3:1: mode: must be one of "fast", "slow"']],
  ["minimum (ajv)", 'path = "a"\ncount = 0', ["3:1: count: must be >= 1"]],
  ["duration minimum shown as duration", 'path = "a"\npoll = "10ms"', ["3:1: poll: must be >= 1s"]],
  [
    "enum inside a repeated block",
    'path = "a"\nrule {}\nrule {\n  action = "zap"\n}',
    ['5:3: rule[1].action: must be one of "keep", "drop"'],
  ],
  [
    "several problems at once",
    'nope = 1\npath = "a"\npath = "b"\nmode = "x"\nenabled = 3',
    [
      '2:1: unrecognized attribute name "nope"',
      '4:1: attribute "path" may only be provided once',
      "6:11: 3 should be bool, got number",
      '5:1: mode: must be one of "fast", "slow"',
    ],
  ],
];

for (const [name, body, want] of errorCases) {
  test(`decodeArguments error: ${name}`, () => {
    const r = decode(body);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.start.line}:${d.start.column}: ${d.message}`),
      want,
    );
    for (const d of r.diagnostics) assert.equal(d.severity, "error");
  });
}

test("label errors span from the block name to its opening brace, as Alloy", () => {
  const r = decode('path = "a"\nrule "r" {}');
  assert.ok(!r.ok);
  if (r.ok) return;
  const d = r.diagnostics[0]!;
  assert.deepEqual([d.start.line, d.start.column, d.end.line, d.end.column], [3, 1, 3, 10]);
});

test("missing required errors span the component block", () => {
  const r = decode("count = 2");
  assert.ok(!r.ok);
  if (r.ok) return;
  const d = r.diagnostics[0]!;
  assert.deepEqual([d.start.line, d.start.column, d.end.line, d.end.column], [1, 1, 3, 1]);
});

test("conditional requirements from ajv are reported at the block", () => {
  const c = compileComponentSchemas(
    manifest({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "string" } },
      if: { properties: { a: { type: "string" } }, required: ["a"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword.
      then: { properties: { b: { type: "string" } }, required: ["b"] },
    }),
  );
  const r = decode('a = "x"', c);
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.start.line}:${d.start.column}: ${d.message}`),
    ['1:1: missing required attribute "b"'],
  );
});

test("defaults are fresh copies for each evaluation", () => {
  const a = decode('path = "a"');
  const b = decode('path = "a"');
  assert.ok(a.ok && b.ok);
  if (!a.ok || !b.ok) return;
  (a.value.tls as Record<string, unknown>).insecure = true;
  assert.equal((b.value.tls as Record<string, unknown>).insecure, false);
});

test("secretArgumentPaths lists every secret, with * for repeated parts", () => {
  assert.deepEqual([...compiled.secretArgumentPaths].sort(), ["/content", "/password", "/tls/key"]);
  const c = compileComponentSchemas(
    manifest({
      type: "object",
      properties: {
        auth: {
          "x-alloy-block": true,
          type: "array",
          items: { type: "object", properties: { token: { "x-alloy-type": "secret" } } },
        },
        headers: { type: "object", additionalProperties: { "x-alloy-type": "secret" } },
      },
    }),
  );
  assert.deepEqual([...c.secretArgumentPaths].sort(), ["/auth/*/token", "/headers/*"]);
});

test("argumentsToBody gives typed JSON with secrets hidden, durations as strings, blocks with labels", () => {
  const r = decode(
    'path = "a"\npassword = pw\ncontent = "visible"\nforward_to = [recv]\ntarget "t" {\n  address = "x"\n}',
  );
  assert.ok(r.ok);
  if (!r.ok) return;
  const json = bodyToTypedJSON(compiled.argumentsToBody(r.value));
  const byName = new Map(json.map((s) => [s.name, s]));
  assert.deepEqual(byName.get("password"), {
    name: "password",
    type: "attr",
    value: { type: "capsule", value: "(secret)" },
  });
  assert.deepEqual(byName.get("content"), {
    name: "content",
    type: "attr",
    value: { type: "capsule", value: "(secret)" },
  });
  assert.deepEqual(byName.get("poll"), { name: "poll", type: "attr", value: { type: "string", value: "1m0s" } });
  assert.deepEqual(byName.get("target"), {
    name: "target",
    type: "block",
    label: "t",
    body: [{ name: "address", type: "attr", value: { type: "string", value: "x" } }],
  });
  assert.deepEqual(byName.get("forward_to"), {
    name: "forward_to",
    type: "attr",
    value: { type: "array", value: [{ type: "capsule", value: 'capsule("MetricsReceiver")' }] },
  });
  assert.ok(!JSON.stringify(json).includes("hunter2"));
});

test("redactArguments replaces secrets, leaves the rest", () => {
  const r = decode('path = "a"\npassword = pw\ntls {\n  key = "k"\n}');
  assert.ok(r.ok);
  if (!r.ok) return;
  const red = compiled.redactArguments(r.value);
  assert.equal(red.password, "(secret)");
  assert.equal((red.tls as Record<string, unknown>).key, "(secret)");
  assert.equal(red.path, "a");
  assert.equal(r.value.password, "hunter2", "the original is untouched");
});

const EXPORTS: JSONSchema = {
  type: "object",
  properties: {
    receiver: { "x-alloy-type": "capsule", "x-alloy-capsule": "MetricsReceiver" },
    receivers: { type: "array", items: { "x-alloy-type": "capsule", "x-alloy-capsule": "MetricsReceiver" } },
    content: { "x-alloy-type": "optional-secret" },
    token: { "x-alloy-type": "secret" },
    interval: { "x-alloy-type": "duration" },
    count: { type: "integer" },
    ratio: { type: "number" },
    info: { type: "object", properties: { ok: { type: "boolean" } } },
    names: { type: "array", items: { type: "string" } },
  },
};

test("encodeExports converts to Alloy values", () => {
  const c = compileComponentSchemas(manifest({ type: "object" }, EXPORTS));
  const out = c.encodeExports({
    receiver,
    receivers: [receiver],
    content: secret("s"),
    token: "t",
    interval: 90000,
    count: 3,
    ratio: 0.25,
    info: { ok: true },
    names: ["a"],
  });
  const rc = out.get("receiver");
  assert.ok(rc instanceof Capsule);
  assert.equal(rc.value, receiver);
  assert.equal(rc.typeName, "MetricsReceiver");
  const rs = out.get("receivers") as Value[];
  assert.ok(rs[0] instanceof Capsule && rs[0].typeName === "MetricsReceiver");
  assert.ok(out.get("content") instanceof Secret);
  assert.equal((out.get("content") as Secret).value, "s");
  assert.ok(out.get("token") instanceof Secret);
  assert.equal(out.get("interval"), "1m30s");
  assert.deepEqual(out.get("count"), Num.int(3));
  assert.deepEqual(out.get("ratio"), Num.float(0.25));
  assert.ok(out.get("info") instanceof Map);
  assert.deepEqual(out.get("names"), ["a"]);
  // A plain string stays visible for an optional secret.
  assert.equal(c.encodeExports({ content: "plain" }).get("content"), "plain");
  // Unset exports get Go zero values.
  const empty = c.encodeExports({});
  assert.equal(empty.get("receiver"), null);
  assert.equal(empty.get("content"), "");
  assert.deepEqual(empty.get("count"), Num.int(0));
  assert.equal(empty.get("interval"), "0s");
  assert.deepEqual(
    bodyToTypedJSON(objectToBodyEntries(c.encodeExports({ token: "x" }))).find((s) => s.name === "token"),
    {
      name: "token",
      type: "attr",
      value: { type: "capsule", value: "(secret)" },
    },
  );
});

test("encodeExports rejects exports that do not match the schema", () => {
  const c = compileComponentSchemas(manifest({ type: "object" }, EXPORTS));
  assert.throws(() => c.encodeExports({ count: "x" }), /exports of "test.comp": count: must be integer/);
  assert.throws(() => c.encodeExports({ names: [1] }), /exports of "test.comp": names\[0\]: must be string/);
  assert.throws(() => c.encodeExports({ token: 5 }), /exports of "test.comp": token: must be a string or secret\(\)/);
  assert.throws(() => c.encodeExports("x"), /exports of "test.comp": must be object/);
});

const badSchemas: [string, JSONSchema, RegExp][] = [
  [
    "root not an object",
    { type: "string" },
    /component "test.comp": arguments schema: the schema must have "type": "object"/,
  ],
  [
    "block on a string",
    { type: "object", properties: { a: { "x-alloy-block": true, type: "string" } } },
    /\/properties\/a: x-alloy-block needs "type": "object" or an array of objects, got "string"/,
  ],
  [
    "block inside an attribute",
    {
      type: "object",
      properties: { a: { type: "object", properties: { b: { "x-alloy-block": true, type: "object" } } } },
    },
    /x-alloy-block is only allowed on a property of the arguments or of a block/,
  ],
  [
    "label on an attribute",
    { type: "object", properties: { a: { type: "object", "x-alloy-label": "n" } } },
    /x-alloy-label is only allowed on a block's schema/,
  ],
  [
    "label naming an undeclared property",
    { type: "object", properties: { a: { "x-alloy-block": true, type: "object", "x-alloy-label": "n" } } },
    /x-alloy-label property "n" must be declared with "type": "string"/,
  ],
  [
    "unknown alloy type",
    { type: "object", properties: { a: { "x-alloy-type": "seconds" } } },
    /x-alloy-type must be one of duration, secret, optional-secret, capsule, got "seconds"/,
  ],
  [
    "capsule without its type name",
    { type: "object", properties: { a: { "x-alloy-type": "capsule" } } },
    /x-alloy-type "capsule" needs x-alloy-capsule/,
  ],
  [
    "duration on a number",
    { type: "object", properties: { a: { type: "number", "x-alloy-type": "duration" } } },
    /x-alloy-type "duration" needs "type": "string" or no type, got "number"/,
  ],
  [
    "bad duration default",
    { type: "object", properties: { a: { "x-alloy-type": "duration", default: "soon" } } },
    /default: time: invalid duration "soon"/,
  ],
  [
    "alloy keyword inside anyOf",
    { type: "object", properties: { a: { anyOf: [{ "x-alloy-type": "secret" }, { type: "number" }] } } },
    /\/properties\/a\/anyOf\/0: x-alloy-type is not allowed here/,
  ],
  [
    "unknown keyword (strict)",
    { type: "object", properties: { a: { type: "string", colour: "red" } } },
    /arguments schema does not compile: strict mode: unknown keyword: "colour"/,
  ],
  [
    "invalid type",
    { type: "object", properties: { a: { type: "text" } } },
    /arguments schema does not compile: schema is invalid/,
  ],
];

for (const [name, schema, re] of badSchemas) {
  test(`compileComponentSchemas refuses: ${name}`, () => {
    assert.throws(
      () => compileComponentSchemas(manifest(schema), { ajv: createAjv() }),
      (e: Error) => {
        assert.match(e.message, re);
        assert.ok(!e.message.includes("\n"), "one line");
        return true;
      },
    );
  });
}

test("blocks are refused in exports", () => {
  assert.throws(
    () =>
      compileComponentSchemas(
        manifest({ type: "object" }, { type: "object", properties: { b: { "x-alloy-block": true, type: "object" } } }),
      ),
    /exports schema: \/properties\/b: x-alloy-block is not allowed in exports/,
  );
});

test("local $ref definitions are followed", () => {
  const c = compileComponentSchemas(
    manifest({
      type: "object",
      definitions: { dur: { "x-alloy-type": "duration" } },
      properties: { every: { $ref: "#/definitions/dur" } },
    }),
  );
  const r = decode('every = "2s"', c);
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.value.every, 2000);
});

test("secret helpers work across copies via Symbol.for", () => {
  const s = secret("x");
  assert.ok(isSecret(s));
  assert.equal(secretValue(s), "x");
  assert.equal(String(s), "(secret)");
  assert.equal(JSON.stringify({ s }), '{"s":"(secret)"}');
  const foreign = { [Symbol.for("ingot.secret")]: true, value: "y" };
  assert.ok(isSecret(foreign));
  assert.ok(!isSecret("x"));
});

test("decoding 1,000 components stays fast (compiled once)", () => {
  const text = Array.from(
    { length: 1000 },
    (_, i) =>
      `test.comp "c${i}" {\n  path = "p${i}"\n  poll = "${i + 1}s"\n  rule {\n    action = "drop"\n  }\n  forward_to = [recv]\n}`,
  ).join("\n");
  const parsed = parseFile("big.alloy", text);
  const t0 = performance.now();
  for (const b of parsed.file.body) {
    if (b.kind !== "Block") continue;
    const r = compiled.decodeArguments(b.body, scope, parsed.file.source, { start: startPos(b), end: endPos(b) });
    assert.ok(r.ok);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 150, `1,000 decodes took ${ms.toFixed(1)} ms`);
});
