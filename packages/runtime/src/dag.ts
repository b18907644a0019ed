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
   * Every node, dependencies before dependants: a depth-first walk in insertion order
   * that emits a node after everything it references, so independent nodes keep their
   * source order. (On a cyclic graph the order is arbitrary within the cycle; callers
   * reject cycles first.)
   */
  topologicalOrder(): N[] {
    const order: N[] = [];
    const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: emitted
    const stack: { id: string; deps: Iterator<string> }[] = [];
    for (const root of this.nodes.keys()) {
      if (state.has(root)) continue;
      state.set(root, 1);
      stack.push({ id: root, deps: (this.out.get(root) as Set<string>).values() });
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as { id: string; deps: Iterator<string> };
        const next = top.deps.next();
        if (!next.done) {
          const d = next.value;
          if (!state.has(d) && this.nodes.has(d)) {
            state.set(d, 1);
            stack.push({ id: d, deps: (this.out.get(d) as Set<string>).values() });
          }
          continue;
        }
        stack.pop();
        state.set(top.id, 2);
        order.push(this.nodes.get(top.id) as N);
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
