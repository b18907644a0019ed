// The disk cache of compiled validators: written on the first compile, read back on
// the next, equivalent to a fresh compile, and never trusted when unreadable.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { createAjv, setValidatorCacheDir } from "../src/index.js";
import { cachedValidator } from "../src/validator-cache.js";

const schema = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 2 },
    mode: { enum: ["a", "b"] },
    tags: { type: "array", uniqueItems: true, items: { type: "string" } },
  },
};
const samples: unknown[] = [
  { name: "ok" },
  { name: "x" },
  { name: "ok", mode: "c" },
  { name: "ok", tags: ["a", "a"] },
  { other: 1 },
];

afterEach(() => setValidatorCacheDir(undefined));

function outcomes(v: ReturnType<typeof cachedValidator>) {
  return samples.map((s) => [v(s), (v.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`)]);
}

test("a compiled validator is cached on disk and the cached one validates alike", () => {
  const dir = mkdtempSync(join(tmpdir(), "ingot-vcache-"));
  setValidatorCacheDir(dir);
  const first = cachedValidator(() => createAjv(), schema);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith(".cjs")).length, 1);
  let made = 0;
  const second = cachedValidator(() => {
    made++;
    return createAjv();
  }, schema);
  assert.equal(made, 0, "a cached validator needs no ajv instance");
  assert.notEqual(first, second);
  assert.deepEqual(outcomes(second), outcomes(first));
  assert.deepEqual(
    outcomes(second).map((o) => o[0]),
    [true, false, false, false, false],
  );
});

test("an unreadable cache entry is ignored and replaced by a fresh compile on first use", () => {
  const dir = mkdtempSync(join(tmpdir(), "ingot-vcache-"));
  setValidatorCacheDir(dir);
  cachedValidator(() => createAjv(), schema);
  const [file] = readdirSync(dir);
  writeFileSync(join(dir, file as string), "this is not javascript {");
  let made = 0;
  const v = cachedValidator(() => {
    made++;
    return createAjv();
  }, schema);
  assert.equal(made, 0, "cached code is only evaluated when the validator is first called");
  assert.equal(v({ name: "ok" }), true);
  assert.equal(made, 1);
  assert.equal(v({ name: "x" }), false);
  assert.equal(v.errors?.[0]?.keyword, "minLength");
  assert.equal(made, 1, "compiled once");
  // The entry was rewritten: the next validator evaluates it without an ajv instance.
  const again = cachedValidator(() => {
    made++;
    return createAjv();
  }, schema);
  assert.equal(again({ name: "x" }), false);
  assert.equal(made, 1);
});

test("without a cache directory nothing is written", () => {
  const dir = mkdtempSync(join(tmpdir(), "ingot-vcache-"));
  const v = cachedValidator(() => createAjv(), schema);
  assert.equal(v({ name: "ok" }), true);
  assert.deepEqual(readdirSync(dir), []);
});
