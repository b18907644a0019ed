// References between components, after Alloy's controller/component_references.go:
// every uninterrupted identifier/field-access chain in a block's body is a traversal
// (`prometheus.remote_write.default.receiver`); index expressions and calls end a
// chain. A traversal resolves to the node whose id is its longest known prefix; the
// rest is the path into that node's exports.
import type { Body, Expr, Ident } from "@ingot/syntax";

export type Traversal = Ident[];

export interface Reference {
  /** Id of the referenced node. */
  target: string;
  traversal: Traversal;
  /** Offset range (inclusive) of the whole attribute value holding the traversal. */
  attribute: { start: number; end: number };
}

class Walker {
  readonly out: { traversal: Traversal; attribute: { start: number; end: number } }[] = [];
  private current: Ident[] | null = null;
  attribute = { start: 0, end: 0 };

  private flush(): void {
    if (this.current && this.current.length > 0) this.out.push({ traversal: this.current, attribute: this.attribute });
    this.current = null;
  }

  expr(e: Expr): void {
    switch (e.kind) {
      case "Identifier":
        this.flush();
        this.current = [e.ident];
        return;
      case "Access":
        this.expr(e.value);
        if (this.current) this.current.push(e.name);
        return;
      case "Index":
        this.expr(e.value);
        this.flush();
        this.expr(e.index);
        this.flush();
        return;
      case "Call":
        this.expr(e.value);
        this.flush();
        for (const a of e.args) {
          this.expr(a);
          this.flush();
        }
        return;
      case "Array":
        for (const x of e.elements) {
          this.expr(x);
          this.flush();
        }
        return;
      case "Object":
        for (const f of e.fields) {
          this.expr(f.value);
          this.flush();
        }
        return;
      case "Unary":
        this.expr(e.value);
        this.flush();
        return;
      case "Binary":
        this.expr(e.left);
        this.flush();
        this.expr(e.right);
        this.flush();
        return;
      case "Paren":
        this.expr(e.inner);
        this.flush();
        return;
      case "Literal":
        return;
    }
  }

  body(body: Body, endOf: (e: Expr) => number, startOf: (e: Expr) => number): void {
    for (const stmt of body) {
      if (stmt.kind === "Block") {
        this.body(stmt.body, endOf, startOf);
        continue;
      }
      this.attribute = { start: startOf(stmt.value), end: endOf(stmt.value) };
      this.expr(stmt.value);
      this.flush();
    }
  }
}

/** Every traversal in a body (nested blocks included), in source order. */
export function traversalsOf(
  body: Body,
  startOf: (e: Expr) => number,
  endOf: (e: Expr) => number,
): { traversal: Traversal; attribute: { start: number; end: number } }[] {
  const w = new Walker();
  w.body(body, endOf, startOf);
  return w.out;
}

/**
 * The id of the node a traversal names: its longest prefix that is a known node id,
 * or undefined. `isNode` answers for a dotted id.
 */
export function resolveTraversal(t: Traversal, isNode: (id: string) => boolean): string | undefined {
  const prefixes: string[] = new Array(t.length);
  let acc = "";
  for (let i = 0; i < t.length; i++) {
    acc = i === 0 ? (t[0] as Ident).name : `${acc}.${(t[i] as Ident).name}`;
    prefixes[i] = acc;
  }
  for (let i = prefixes.length - 1; i >= 0; i--) if (isNode(prefixes[i] as string)) return prefixes[i];
  return undefined;
}
