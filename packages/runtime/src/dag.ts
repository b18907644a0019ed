// The component graph: nodes by id and "references" edges from a node to the nodes
// whose exports it reads (Alloy's dag.Graph, where an edge points from the dependant
// to its dependency). Iteration orders are deterministic: insertion (source) order.

export class Graph<N extends { readonly id: string }> {
  private readonly nodes = new Map<string, N>();
  /** id -> ids it references (its dependencies). */
  private readonly out = new Map<string, Set<string>>();
  /** id -> ids referencing it (its dependants). */
  private readonly in = new Map<string, Set<string>>();

  add(node: N): void {
    this.nodes.set(node.id, node);
    if (!this.out.has(node.id)) this.out.set(node.id, new Set());
    if (!this.in.has(node.id)) this.in.set(node.id, new Set());
  }

  get(id: string): N | undefined {
    return this.nodes.get(id);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  get size(): number {
    return this.nodes.size;
  }

  all(): N[] {
    return [...this.nodes.values()];
  }

  ids(): string[] {
    return [...this.nodes.keys()];
  }

  /** Records that `from` references `to`. */
  addEdge(from: string, to: string): void {
    this.out.get(from)?.add(to);
    this.in.get(to)?.add(from);
  }

  dependencies(id: string): string[] {
    return [...(this.out.get(id) ?? [])];
  }

  dependants(id: string): string[] {
    return [...(this.in.get(id) ?? [])];
  }

  /**
   * Every node, dependencies before dependants; among independent nodes, insertion
   * order. Nodes on cycles are left out (callers reject cyclic graphs first).
   */
  topologicalOrder(): N[] {
    const pending = new Map<string, number>();
    for (const [id, deps] of this.out) {
      let n = 0;
      for (const d of deps) if (d !== id) n++;
      pending.set(id, n);
    }
    const order: N[] = [];
    // Kahn's algorithm, seeded and extended in insertion order for stable output.
    const index = new Map<string, number>();
    let i = 0;
    for (const id of this.nodes.keys()) index.set(id, i++);
    const ready: string[] = [];
    for (const [id, n] of pending) if (n === 0) ready.push(id);
    const byIndex = (a: string, b: string) => (index.get(a) as number) - (index.get(b) as number);
    ready.sort(byIndex);
    while (ready.length > 0) {
      const id = ready.shift() as string;
      order.push(this.nodes.get(id) as N);
      const released: string[] = [];
      for (const dep of this.in.get(id) ?? []) {
        if (dep === id) continue;
        const n = (pending.get(dep) as number) - 1;
        pending.set(dep, n);
        if (n === 0) released.push(dep);
      }
      if (released.length > 0) {
        ready.push(...released);
        ready.sort(byIndex);
      }
    }
    return order;
  }

  /** Strongly connected components with more than one node (Tarjan), each sorted by id. */
  cycles(): string[][] {
    let counter = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const result: string[][] = [];
    // Iterative Tarjan so a long reference chain cannot overflow the call stack.
    for (const root of this.nodes.keys()) {
      if (idx.has(root)) continue;
      const work: { id: string; it: Iterator<string> }[] = [];
      const visit = (id: string) => {
        idx.set(id, counter);
        low.set(id, counter);
        counter++;
        stack.push(id);
        onStack.add(id);
        work.push({ id, it: (this.out.get(id) ?? new Set<string>()).values() });
      };
      visit(root);
      while (work.length > 0) {
        const top = work[work.length - 1] as { id: string; it: Iterator<string> };
        const next = top.it.next();
        if (!next.done) {
          const w = next.value;
          if (!idx.has(w)) visit(w);
          else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id) as number, idx.get(w) as number));
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(top.id) as number));
        if (low.get(top.id) === idx.get(top.id)) {
          const scc: string[] = [];
          let w: string;
          do {
            w = stack.pop() as string;
            onStack.delete(w);
            scc.push(w);
          } while (w !== top.id);
          if (scc.length > 1) result.push(scc.sort());
        }
      }
    }
    return result;
  }

  /** Ids of nodes that reference themselves. */
  selfReferences(): string[] {
    const out: string[] = [];
    for (const [id, deps] of this.out) if (deps.has(id)) out.push(id);
    return out;
  }
}
