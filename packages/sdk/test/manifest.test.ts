import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { duplicateComponentNames, MANIFEST_SCHEMA, validateManifest } from "../src/manifest-schema.js";

const good = () => ({
  $schema: "https://ingot.dev/schemas/ingot-plugin.schema.json",
  pluginApi: "^1.0.0",
  entry: "./dist/index.js",
  components: [
    {
      name: "demo.echo",
      stability: "experimental",
      description: "echoes",
      arguments: { type: "object", properties: { text: { type: "string" } } },
      exports: { type: "object" },
    },
  ],
});

test("the published ingot-plugin.schema.json equals MANIFEST_SCHEMA", () => {
  // dist/test/manifest.test.js -> package root
  const file = fileURLToPath(new URL("../../ingot-plugin.schema.json", import.meta.url));
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), MANIFEST_SCHEMA);
});

test("a good manifest validates", () => {
  const r = validateManifest(good());
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.manifest.components[0]!.name, "demo.echo");
});

const bad: [string, (m: ReturnType<typeof good>) => unknown, string][] = [
  ["not an object", () => "x", "manifest must be object"],
  ["missing pluginApi", (m) => ({ ...m, pluginApi: undefined }), 'manifest missing required field "pluginApi"'],
  ["unknown field", (m) => ({ ...m, extra: 1 }), 'manifest unknown field "extra"'],
  [
    "bad range characters",
    (m) => ({ ...m, pluginApi: "latest!" }),
    "pluginApi: must match pattern ^[0-9A-Za-z.*^~<>=|+ -]+$",
  ],
  [
    "absolute entry",
    (m) => ({ ...m, entry: "/etc/x.js" }),
    'entry: must be a path relative to the package root, like "./dist/index.js"',
  ],
  [
    "entry leaving the package",
    (m) => ({ ...m, entry: "./a/../../x.js" }),
    'entry: must be a path relative to the package root, like "./dist/index.js"',
  ],
  ["no components", (m) => ({ ...m, components: [] }), "components: must NOT have fewer than 1 items"],
  [
    "bad stability",
    (m) => ({ ...m, components: [{ ...m.components[0]!, stability: "beta" }] }),
    "components[0].stability: must be one of experimental, public-preview, generally-available",
  ],
  [
    "undotted name",
    (m) => ({ ...m, components: [{ ...m.components[0]!, name: "echo" }] }),
    "components[0].name: must be a dotted component name like local.file",
  ],
  [
    "arguments not an object schema",
    (m) => ({ ...m, components: [{ ...m.components[0]!, arguments: { type: "string" } }] }),
    'components[0].arguments: must be a JSON Schema with "type": "object"',
  ],
  [
    "exports missing",
    (m) => ({ ...m, components: [{ ...m.components[0]!, exports: undefined }] }),
    'components[0]: missing required field "exports"',
  ],
  [
    "duplicate names",
    (m) => ({ ...m, components: [m.components[0]!, { ...m.components[0]! }] }),
    'components[1].name: duplicate component name "demo.echo"',
  ],
];

for (const [name, mutate, reason] of bad) {
  test(`validateManifest refuses: ${name}`, () => {
    const json = JSON.parse(JSON.stringify(mutate(good()) ?? null));
    assert.deepEqual(validateManifest(json), { ok: false, reason });
  });
}

test("duplicateComponentNames lists each repeated name once", () => {
  const c = (name: string) => ({ name, stability: "experimental" as const, arguments: {}, exports: {} });
  assert.deepEqual(duplicateComponentNames({ components: [c("a.b"), c("a.c"), c("a.b"), c("a.b"), c("a.c")] }), [
    "a.b",
    "a.c",
  ]);
  assert.deepEqual(duplicateComponentNames({ components: [c("a.b")] }), []);
});
