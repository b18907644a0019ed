// Shared by the evaluator tests: evaluate an expression from its source, catch the
// evaluation error it should raise, and compare values in a plain form.
import assert from "node:assert/strict";
import { diagnosticString } from "../../src/diag.js";
import { parseExpression } from "../../src/parser.js";
import { Scope } from "../../src/scope.js";
import { SourceFile } from "../../src/source.js";
import { Num, Secret, type Value } from "../../src/value.js";
import { EvaluationError, evaluate } from "../../src/vm.js";

/** Numbers with their kind: "int:8", "uint:8", "float:0.6". */
export const kindedNumber = (n: Num): unknown => `${n.kind}:${n.n}`;

/**
 * A comparable plain form of a value: arrays and objects as JS arrays and objects,
 * secrets as "secret:..", numbers as `num` writes them (default: with their kind).
 */
export function show(v: Value, num: (n: Num) => unknown = kindedNumber): unknown {
  if (v instanceof Num) return num(v);
  if (Array.isArray(v)) return v.map((x) => show(x, num));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, show(x, num)]));
  if (v instanceof Secret) return `secret:${v.value}`;
  return v;
}

/** Parses `src` as an expression (it must parse cleanly) and evaluates it in `scope`. */
export function run(src: string, scope = new Scope()): Value {
  const { expr, diagnostics } = parseExpression(src);
  assert.deepEqual(diagnostics, [], `parse ${src}`);
  return evaluate(expr, scope, new SourceFile("", src));
}

/** The EvaluationError that evaluating `src` raises; fails the test when there is none. */
export function runError(src: string, scope = new Scope()): EvaluationError {
  try {
    run(src, scope);
  } catch (e) {
    if (e instanceof EvaluationError) return e;
    throw e;
  }
  assert.fail(`expected ${src} to fail`);
}

/** The rendered diagnostic of runError: "file:line:col: message" as upstream writes it. */
export function runErrorString(src: string, scope = new Scope()): string {
  return diagnosticString(runError(src, scope).diagnostic);
}
