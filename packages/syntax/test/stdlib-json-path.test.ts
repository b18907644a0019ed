// json_path: JSONPath with ojg's syntax and semantics (cases from ojg's jp tests and
// Alloy's vm_stdlib_test.go).
import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonPath, Num, type Value } from "../src/index.js";

function plain(v: Value): unknown {
  if (v instanceof Num) return v.kind === "float" ? v.n : Number(v.n);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  return v;
}

/** ojg's buildTree(4, 3, 0): {a..d: [ {a..d: int} x4 ]} with values like 223. */
function buildTree(): unknown {
  const keys = ["a", "b", "c", "d"];
  const o: Record<string, unknown> = {};
  keys.forEach((k1, i1) => {
    o[k1] = [1, 2, 3, 4].map((i2) => Object.fromEntries(keys.map((k3, i3) => [k3, (i1 + 1) * 100 + i2 * 10 + i3 + 1])));
  });
  return o;
}

const TREE = JSON.stringify(buildTree());

function get(path: string, data: unknown = undefined): unknown[] {
  return plain(jsonPath(data === undefined ? TREE : JSON.stringify(data), path)) as unknown[];
}

function sorted(xs: unknown[]): unknown[] {
  const key = (x: unknown) => (typeof x === "number" ? x.toString().padStart(12, "0") : `~${JSON.stringify(x)}`);
  return [...xs].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : key(a) < key(b) ? -1 : 1));
}

test("json_path: ojg Get cases", () => {
  const table: [string, unknown[], unknown?][] = [
    ["$.a.*.b", [112, 122, 132, 142]],
    ["@.b[1].c", [223]],
    ["..[1].b", [122, 222, 322, 422]],
    ["[-1]", [3], [0, 1, 2, 3]],
    ["[1,'a']['b',2]['c',3]", [133]],
    ["a[1::2].a", [121, 141]],
    ["a[?(@.a > 135)].b", [142]],
    ["[?(@[1].a > 230)][1].b", [322, 422]],
    ["[?(@ > 1)]", [2, 3], [1, 2, 3]],
    ["$[?(1==1)]", [1, 2, 3], [1, 2, 3]],
    ["$.*[*].a", [111, 121, 131, 141, 211, 221, 231, 241, 311, 321, 331, 341, 411, 421, 431, 441]],
    ["$['\\\\']", [3], { "\\": 3 }],
    ["$['\\x41']", [3], { A: 3 }],
    ["$['\\u03A0']", [3], { Π: 3 }],
    ["$['\\t']", [3], { "\t": 3 }],
    ['$["\\\'"]', [3], { "'": 3 }],
    [
      "$.a[*].y",
      [2, 4],
      {
        a: [
          { x: 1, y: 2, z: 3 },
          { x: 2, y: 4, z: 6 },
        ],
      },
    ],
    ["$..x", [{ x: 2 }, 1, 2, 3, 4], { o: { a: [{ x: 1 }, { x: { x: 2 } }], x: 3 }, x: 4 }],
    ["$['a-b']", [1], { "a-b": 1, "c-d": 2 }],
    ["a[2].*", [131, 132, 133, 134]],
    ["[*]", [1, 2, 3], [1, 2, 3]],
    ["$", [{ x: 1 }], { x: 1 }],
    ["@", [{ x: 1 }], { x: 1 }],
    ["['x',-1]", [3], [1, 2, 3]],
    ["$[1:3]", [2, 3], [1, 2, 3, 4, 5, 6]],
    ["$[::0]", [], [1, 2, 3, 4, 5, 6]],
    ["$[10:]", [], [1, 2, 3, 4, 5, 6]],
    ["$[:-10:-1]", [1], [1, 2, 3, 4, 5, 6]],
    ["$[1:10]", [2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]],
    ["$[-4:-4]", [], [1, 2, 3, 4, 5, 6]],
    ["$[-4:-3]", [3], [1, 2, 3, 4, 5, 6]],
    ["$[-4:3]", [3], [1, 2, 3, 4, 5, 6]],
    ["$[:2]", [1, 2], [1, 2, 3, 4, 5, 6]],
    ["$[-4:]", [1, 2, 3], [1, 2, 3]],
    ["$[0:4:2]", [1, 3], [1, 2, 3, 4, 5]],
    ["[-4:-1:2]", [3, 5], [1, 2, 3, 4, 5, 6]],
    ["[-1:1:-2]", [4, 6], [1, 2, 3, 4, 5, 6]],
    ["c[-1:1:-1].a", [331, 341]],
    ["..", [[1, 2], 1, 2], [1, 2]],
    ["..a", [], [1, 2]],
    ["a..b", [112, 122, 132, 142]],
    ["$[01:03:01]", [2, 3], [1, 2, 3, 4, 5]],
    [
      "$[:]['x','y']",
      [1, 2, 4, 5],
      [
        { x: 1, y: 2, z: 3 },
        { x: 4, y: 5, z: 6 },
      ],
    ],
    ["a.b", [], { a: null }],
    ["*.*", [], { a: null }],
    ["[0][0]", [], [null]],
    ["$.x[?(@.b=='sample1')].a", [3], { x: [{ a: 3, b: "sample1" }] }],
    ["$.x[?@.b=='sample1'].a", [3], { x: [{ a: 3, b: "sample1" }] }],
    ["$.x[?(@.a==3)].b", ["sample1"], { x: [{ a: 3, b: "sample1" }] }],
    ["['a','b']", [], [1, 2, 3]],
  ];
  for (const [path, want, data] of table) {
    const got = get(path, data);
    if (want.every((w) => typeof w === "number")) assert.deepEqual(sorted(got), want, path);
    else assert.deepEqual(sorted(got), sorted(want), path);
  }
});

test("json_path: Alloy's vm_stdlib_test cases", () => {
  assert.deepEqual(plain(jsonPath('{"a": "b"}', ".a")), ["b"]);
  assert.deepEqual(plain(jsonPath('{"a": "b"}', ".nonexists")), []);
  assert.deepEqual(
    plain(
      jsonPath(
        '[{"name": "Department","value": "IT"},{"name":"ReferenceNumber","value":"123456"},{"name":"TestStatus","value":"Pending"}]',
        '[?(@.name == "Department")].value',
      ),
    ),
    ["IT"],
  );
});

test("json_path: filters, operators and functions", () => {
  const data = {
    items: [
      { n: "a", v: 1, t: ["x"] },
      { n: "b", v: 2.5, t: [] },
      { n: "c", v: 3, ok: true },
      { n: "dd", v: null },
    ],
  };
  const table: [string, unknown[]][] = [
    ["$.items[?(@.v >= 2)].n", ["b", "c"]],
    ["$.items[?(@.v == 2.5)].n", ["b"]],
    ["$.items[?(@.v == 1.0)].n", ["a"]],
    ["$.items[?(@.v != 1)].n", ["b", "c", "dd"]],
    ["$.items[?(@.v < 3 && @.v > 1)].n", ["b"]],
    ["$.items[?(@.v == 1 || @.n == 'c')].n", ["a", "c"]],
    ["$.items[?(@.ok == true)].n", ["c"]],
    ["$.items[?(@.missing == null)].n", ["a", "b", "c", "dd"]],
    ["$.items[?(@.n =~ /^d+$/)].n", ["dd"]],
    ["$.items[?(@.n in ['a','c'])].n", ["a", "c"]],
    ["$.items[?(@.v + 1 == 2)].n", ["a"]],
    ["$.items[?(@.v * 2 == 6)].n", ["c"]],
    ["$.items[?(@.t empty true)].n", ["b"]],
    ["$.items[?(length(@.n) == 2)].n", ["dd"]],
    ["$.items[?(!(@.v > 1))].n", ["a", "dd"]],
    ["$.items[?(@.n > 'b')].n", ["c", "dd"]],
    ["$.items[0,2].n", ["a", "c"]],
    ["$.items[-1].n", ["dd"]],
  ];
  for (const [path, want] of table) assert.deepEqual(get(path, data), want, path);
});

test("json_path: integers stay ints, document order for arrays", () => {
  const r = jsonPath('{"a": [3, 1.5, 2]}', "$.a[*]");
  assert.deepEqual(
    r.map((v) => (v as Num).kind),
    ["int", "float", "int"],
  );
  assert.deepEqual(get("$..b", { a: { b: 1, c: { b: 2 } } }), [2, 1]);
});

test("json_path: errors", () => {
  const table: [string, string, RegExp][] = [
    ["{}", "$.", /^not terminated at 3 in \$\.$/],
    ["{}", "$.[", /an expression fragment can not start with a '\[' at 4 in \$\.\[/],
    ["{}", "$[", /not terminated at 3 in \$\[/],
    ["{}", "$[a]", /parse error at 3 in \$\[a\]/],
    ["{}", "$[1:x]", /expected a number/],
    ["{}", "$[?(@.a ?? 1)]", /is not a valid operation/],
    ["{}", "$[(1)]", /scripts not implemented yet/],
    ["{}", "$.a b", /^parse error at 4 in \$\.a b$/],
    ["{", "$", /unexpected end of JSON input/],
    ["[1,]", "$", /invalid character ']' looking for beginning of value/],
  ];
  for (const [json, path, re] of table) {
    assert.throws(
      () => jsonPath(json, path),
      (e: Error) => re.test(e.message),
      `${json} ${path}`,
    );
  }
});
