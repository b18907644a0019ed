// Evaluates every attribute expression of a file (in nested blocks too), in a scope that
// holds the exports of the components the generated config references, as a runtime
// would provide them.
import type { Body, File } from "../src/ast.js";
import { Scope } from "../src/scope.js";
import { Capsule, type ObjectValue, type Value } from "../src/value.js";
import { evaluate } from "../src/vm/eval.js";
import type { GeneratedConfig } from "./gen-config.js";

/** A scope with a stand-in value for every referenced component export. */
export function componentScope(gen: Pick<GeneratedConfig, "referencePaths">): Scope {
  const root: ObjectValue = new Map();
  for (const path of gen.referencePaths) {
    let obj = root;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string;
      let next = obj.get(key) as ObjectValue | undefined;
      if (!(next instanceof Map)) {
        next = new Map();
        obj.set(key, next);
      }
      obj = next;
    }
    const last = path.at(-1) as string;
    const value: Value =
      last === "targets"
        ? [new Map<string, Value>([["__path__", "/var/log/app.log"]])]
        : new Capsule({ receiver: path.join(".") }, "receiver");
    obj.set(last, value);
  }
  return new Scope(root);
}

export interface EvalStats {
  attributes: number;
  errors: number;
  firstError?: string;
}

/** Evaluates all attributes of the file; scope defaults to componentScope(gen). */
export function evaluateAll(file: File, gen: Pick<GeneratedConfig, "referencePaths">, scope?: Scope): EvalStats {
  const s = scope ?? componentScope(gen);
  const stats: EvalStats = { attributes: 0, errors: 0 };
  const walk = (body: Body): void => {
    for (const stmt of body) {
      if (stmt.kind === "Attribute") {
        stats.attributes++;
        try {
          evaluate(stmt.value, s, file.source);
        } catch (e) {
          stats.errors++;
          stats.firstError ??= (e as Error).message;
        }
      } else walk(stmt.body);
    }
  };
  walk(file.body);
  return stats;
}
