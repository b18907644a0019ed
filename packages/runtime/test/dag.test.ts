import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Graph } from "../src/dag.js";

function graph(ids: string[], edges: [string, string][]): Graph<{ id: string }> {
  const g = new Graph<{ id: string }>();
  for (const id of ids) g.add({ id });
  for (const [a, b] of edges) g.addEdge(a, b);
  return g;
}

describe("dag", () => {
  it("orders dependencies before dependants, keeping insertion order otherwise", () => {
    const g = graph(
      ["c", "b", "a", "x"],
      [
        ["c", "b"],
        ["b", "a"],
      ],
    );
    assert.deepEqual(
      g.topologicalOrder().map((n) => n.id),
      ["a", "b", "c", "x"],
    );
    assert.deepEqual(g.dependants("a"), ["b"]);
    assert.deepEqual(g.dependencies("c"), ["b"]);
  });

  it("handles long chains without recursion limits", () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => [id, ids[i]] as [string, string]);
    const g = graph([...ids].reverse(), edges);
    const order = g.topologicalOrder().map((n) => n.id);
    assert.equal(order[0], "n0");
    assert.equal(order.at(-1), "n49999");
    assert.deepEqual(g.cycles(), []);
  });

  it("finds cycles (sorted ids) and self references", () => {
    const g = graph(
      ["a", "b", "c", "d"],
      [
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
        ["d", "d"],
      ],
    );
    assert.deepEqual(g.cycles(), [["a", "b", "c"]]);
    assert.deepEqual(g.selfReferences(), ["d"]);
  });
});
