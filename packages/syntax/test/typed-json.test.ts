// Typed JSON encoding, transcribed from Alloy's syntax/encoding/alloyjson tests.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type BodyEntry, bodyToTypedJSON, objectToBodyEntries, valueToTypedJSON } from "../src/typed-json.js";
import { Capsule, makeFunction, Num, type ObjectValue, objectOf, Secret, type Value } from "../src/value.js";

const j = (text: string): unknown => JSON.parse(text);
const enc = (v: Value): unknown => JSON.parse(JSON.stringify(valueToTypedJSON(v)));

test("valueToTypedJSON: upstream TestValues", () => {
  const cases: [string, Value, string][] = [
    ["null", null, `{ "type": "null", "value": null }`],
    ["number", Num.int(54), `{ "type": "number", "value": 54 }`],
    ["string", "Hello, world!", `{ "type": "string", "value": "Hello, world!" }`],
    ["bool", true, `{ "type": "bool", "value": true }`],
    [
      "simple array",
      [0, 1, 2, 3, 4].map((n) => Num.int(n)),
      `{ "type": "array", "value": [
        { "type": "number", "value": 0 }, { "type": "number", "value": 1 }, { "type": "number", "value": 2 },
        { "type": "number", "value": 3 }, { "type": "number", "value": 4 } ] }`,
    ],
    [
      "nested array",
      ["testing", [Num.int(0), Num.int(1), Num.int(2)]],
      `{ "type": "array", "value": [
        { "type": "string", "value": "testing" },
        { "type": "array", "value": [
          { "type": "number", "value": 0 }, { "type": "number", "value": 1 }, { "type": "number", "value": 2 } ] } ] }`,
    ],
    [
      "object",
      objectOf({ foo: "bar", fizz: "buzz", year: Num.int(2023) }),
      `{ "type": "object", "value": [
        { "key": "fizz", "value": { "type": "string", "value": "buzz" }},
        { "key": "foo", "value": { "type": "string", "value": "bar" }},
        { "key": "year", "value": { "type": "number", "value": 2023 }} ] }`,
    ],
    ["function", makeFunction("f", 1, 1, (a) => a[0] ?? null), `{ "type": "function", "value": "function" }`],
    ["capsule", new Secret("foo"), `{ "type": "capsule", "value": "(secret)" }`],
    [
      "mappable capsule",
      new Capsule({
        toAlloyObject: (): ObjectValue => objectOf({ name: "Scrooge McDuck", address: "Duckburg, Killmotor Hill" }),
      }),
      `{ "type": "object", "value": [
        { "key": "address", "value": { "type": "string", "value": "Duckburg, Killmotor Hill" }},
        { "key": "name", "value": { "type": "string", "value": "Scrooge McDuck" }} ] }`,
    ],
    [
      "capsule with stringer",
      new Capsule({ toString: () => "MyName" }, "alloyjson_test.capsuleWithStringer"),
      `{ "type": "capsule", "value": "MyName" }`,
    ],
    [
      "capsule with stringer and empty string",
      new Capsule({ toString: () => "" }, "alloyjson_test.capsuleWithStringer"),
      `{ "type": "capsule", "value": "capsule(\\"alloyjson_test.capsuleWithStringer\\")" }`,
    ],
    [
      "plain capsule",
      new Capsule({ id: 1 }, "storage.Appendable"),
      `{ "type": "capsule", "value": "capsule(\\"storage.Appendable\\")" }`,
    ],
    ["empty array", [], `{ "type": "array", "value": [] }`],
    ["empty object", new Map(), `{ "type": "object", "value": [] }`],
    ["float", Num.float(1.5), `{ "type": "number", "value": 1.5 }`],
    ["uint", Num.uint(18446744073709551615n), `{ "type": "number", "value": 18446744073709551615 }`],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(enc(input), j(want), name);
});

test("valueToTypedJSON: secrets never show their content, at any depth", () => {
  const v = objectOf({ password: new Secret("hunter2"), list: [new Secret("s3cr3t")] });
  const text = JSON.stringify(valueToTypedJSON(v));
  assert.ok(!text.includes("hunter2") && !text.includes("s3cr3t"), text);
  assert.equal((text.match(/\(secret\)/g) ?? []).length, 2);
});

test("valueToTypedJSON: object keys sort by bytes like Go", () => {
  const v = objectOf([
    ["b", Num.int(1)],
    ["B", Num.int(2)],
    ["a", Num.int(3)],
    ["😀", Num.int(4)],
    ["\uffff", Num.int(5)],
  ]);
  const keys = (valueToTypedJSON(v).value as { key: string }[]).map((f) => f.key);
  assert.deepEqual(keys, ["B", "a", "b", "\uffff", "😀"]);
});

test("bodyToTypedJSON: upstream TestBlock", () => {
  const body: BodyEntry[] = [
    { type: "attr", name: "number", value: Num.int(5) },
    { type: "attr", name: "array", value: [Num.int(1), Num.int(2), Num.int(3)] },
    {
      type: "block",
      name: "labeled_block",
      label: "label_a",
      body: [{ type: "attr", name: "boolean", value: true }],
    },
    {
      type: "block",
      name: "labeled_block",
      label: "label_b",
      body: [{ type: "attr", name: "string", value: "foo" }],
    },
    { type: "block", name: "inner_block", body: [{ type: "attr", name: "string", value: "hello" }] },
    { type: "block", name: "inner_block", label: "", body: [{ type: "attr", name: "string", value: "world" }] },
  ];
  const want = `[
    { "name": "number", "type": "attr", "value": { "type": "number", "value": 5 } },
    { "name": "array", "type": "attr", "value": { "type": "array", "value": [
      { "type": "number", "value": 1 }, { "type": "number", "value": 2 }, { "type": "number", "value": 3 } ] } },
    { "name": "labeled_block", "type": "block", "label": "label_a", "body": [
      { "name": "boolean", "type": "attr", "value": { "type": "bool", "value": true } } ] },
    { "name": "labeled_block", "type": "block", "label": "label_b", "body": [
      { "name": "string", "type": "attr", "value": { "type": "string", "value": "foo" } } ] },
    { "name": "inner_block", "type": "block", "body": [
      { "name": "string", "type": "attr", "value": { "type": "string", "value": "hello" } } ] },
    { "name": "inner_block", "type": "block", "body": [
      { "name": "string", "type": "attr", "value": { "type": "string", "value": "world" } } ] }
  ]`;
  const got = bodyToTypedJSON(body);
  assert.deepEqual(JSON.parse(JSON.stringify(got)), j(want));
  // Key order matches upstream's struct order: name, type, label, body.
  assert.equal(
    JSON.stringify(got[2]),
    '{"name":"labeled_block","type":"block","label":"label_a","body":[{"name":"boolean","type":"attr","value":{"type":"bool","value":true}}]}',
  );
});

test("bodyToTypedJSON: empty bodies, map bodies and capsules", () => {
  assert.deepEqual(bodyToTypedJSON([]), []);
  // TestMapBlocks: a block whose body is a map of attributes.
  const block: BodyEntry[] = [
    { type: "block", name: "block", body: objectToBodyEntries(objectOf({ field: "value" })) },
  ];
  assert.deepEqual(
    bodyToTypedJSON(block),
    j(`[{ "name": "block", "type": "block", "body": [
      { "name": "field", "type": "attr", "value": { "type": "string", "value": "value" } } ] }]`),
  );
  // TestRawMap and TestRawMap_Capsule.
  assert.deepEqual(
    bodyToTypedJSON(objectToBodyEntries(objectOf({ field: "value" }))),
    j(`[{ "name": "field", "type": "attr", "value": { "type": "string", "value": "value" } }]`),
  );
  assert.deepEqual(
    bodyToTypedJSON(objectToBodyEntries(objectOf({ capsule: new Secret("foo") }))),
    j(`[{ "name": "capsule", "type": "attr", "value": { "type": "capsule", "value": "(secret)" } }]`),
  );
  // An empty block still has an array body.
  assert.equal(
    JSON.stringify(bodyToTypedJSON([{ type: "block", name: "b", body: [] }])),
    '[{"name":"b","type":"block","body":[]}]',
  );
});
