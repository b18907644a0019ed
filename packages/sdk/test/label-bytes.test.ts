import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeLabelBytes, encodeLabelBytes, hashBytes, labelsFromObject, SeriesTable } from "../src/index.js";

test("label bytes are remote write Label fields: tag, length, name (1) and value (2), empty strings kept", () => {
  assert.deepEqual(
    [...encodeLabelBytes(["a", "b", "c", ""])],
    [0x0a, 6, 0x0a, 1, 0x61, 0x12, 1, 0x62, 0x0a, 5, 0x0a, 1, 0x63, 0x12, 0],
  );
  assert.deepEqual(encodeLabelBytes([]).length, 0);
});

test("label bytes round-trip ASCII, UTF-8 and long values (multi-byte lengths)", () => {
  const cases = [
    labelsFromObject({ __name__: "up", job: "node", instance: "127.0.0.1:9100" }),
    labelsFromObject({ __name__: "m", city: "Zürich", emoji: "🦀", cjk: "東京" }),
    labelsFromObject({ __name__: "long", v: "x".repeat(200) }),
    labelsFromObject({ __name__: "longer", v: "é".repeat(70_000) }),
    labelsFromObject({ __name__: "e", empty: "" }),
  ];
  for (const l of cases) assert.deepEqual(decodeLabelBytes(encodeLabelBytes(l)), l);
});

test("decoding refuses truncated bytes with a RangeError", () => {
  const b = encodeLabelBytes(["a", "b"]);
  assert.throws(() => decodeLabelBytes(b, 0, b.length - 1), RangeError);
});

test("hashBytes depends on every byte and on the length", () => {
  const a = encodeLabelBytes(["a", "b"]);
  const b = encodeLabelBytes(["a", "c"]);
  assert.notEqual(hashBytes(a, 0, a.length), hashBytes(b, 0, b.length));
  assert.notEqual(hashBytes(new Uint8Array(1), 0, 1), hashBytes(new Uint8Array(2), 0, 2));
});

test("SeriesTable keeps label sets as bytes: labels() decodes them, encoded() is the stored form", () => {
  const t = new SeriesTable();
  const l = labelsFromObject({ __name__: "m", city: "Zürich" });
  const r = t.intern(l);
  assert.deepEqual(t.labels(r), l);
  assert.notEqual(t.labels(r), t.labels(r), "a new array each call");
  assert.deepEqual(t.encoded(r), encodeLabelBytes(l));
  assert.equal(t.intern(labelsFromObject({ city: "Zürich", __name__: "m" })), r);
  assert.equal(t.lookup(labelsFromObject({ __name__: "m", city: "Zurich" })), -1);
  const e = t.intern([]);
  assert.deepEqual(t.labels(e), []);
  assert.equal(t.encoded(e).length, 0);
  assert.equal(t.lookup([]), e);
  assert.equal(t.encoded(99).length, 0);
  assert.deepEqual(t.labels(99), []);
});
