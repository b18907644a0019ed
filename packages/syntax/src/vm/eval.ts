// The evaluator, after Alloy's syntax/vm: turns expressions into values and block
// bodies into objects. Errors are EvalErrors carrying one positioned diagnostic with
// Alloy's exact message.
import { type BlockStmt, type Body, blockName, type Expr, endPos, type LiteralExpr, startPos } from "../ast.js";
import type { Diagnostic } from "../diag.js";
import type { Scope } from "../scope.js";
import type { SourceFile } from "../source.js";
import { ArgError, Capsule, isFunctionValue, Num, type ObjectValue, typeOf, type Value } from "../value.js";
import { diagAt, EvaluationError, ValueError, valueErrorDiagnostic } from "./errors.js";
import { binaryOp, numInt, OpError, unaryOp, valueFromLiteral } from "./ops.js";
import { capsuleToObject, nodeText } from "./print.js";

/** Literal nodes cache their value: values are immutable, so sharing is safe. */
interface CachedLiteral extends LiteralExpr {
  cached?: Value;
}

function fail(source: SourceFile, node: Expr, message: string): never {
  throw new EvaluationError(diagAt(source, node, message));
}

/** A value error about the value produced by node: `<node text> <message>`. */
function failValue(source: SourceFile, node: Expr, message: string): never {
  throw new EvaluationError(diagAt(source, node, `${nodeText(node, source)} ${message}`));
}

/** "expected X, got Y" (a TypeError's text) becomes "should be X, got Y", as Alloy's makeDiagnostic. */
function decorateTypeError(message: string): string {
  return message.startsWith("expected ") && /^expected [a-z]+, got [a-z]+$/.test(message)
    ? `should be ${message.slice(9)}`
    : message;
}

function arityMessage(fn: { minArgs: number; maxArgs: number }, n: number): string | undefined {
  const { minArgs, maxArgs } = fn;
  if (maxArgs < 0) return n < minArgs ? `expected at least ${minArgs} args, got ${n}` : undefined;
  if (n >= minArgs && n <= maxArgs) return undefined;
  if (minArgs === maxArgs) return `expected ${minArgs} args, got ${n}`;
  return n < minArgs ? `expected at least ${minArgs} args, got ${n}` : `expected at most ${maxArgs} args, got ${n}`;
}

/**
 * Evaluates an expression in a scope. Throws EvaluationError (one diagnostic positioned on
 * the failing node, message as Alloy's) on failure. Both sides of `&&` and `||` are
 * always evaluated, as in Alloy.
 */
export function evaluate(expr: Expr, scope: Scope, source: SourceFile): Value {
  switch (expr.kind) {
    case "Literal": {
      const lit = expr as CachedLiteral;
      if (lit.cached !== undefined) return lit.cached;
      let v: Value;
      try {
        v = valueFromLiteral(lit.value, lit.tok);
      } catch (e) {
        fail(source, expr, (e as Error).message);
      }
      lit.cached = v;
      return v;
    }

    case "Identifier": {
      const v = scope.lookup(expr.ident.name);
      if (v === undefined) fail(source, expr, `identifier "${expr.ident.name}" does not exist`);
      return v;
    }

    case "Binary": {
      const lhs = evaluate(expr.left, scope, source);
      const rhs = evaluate(expr.right, scope, source);
      try {
        return binaryOp(lhs, expr.op, rhs);
      } catch (e) {
        if (e instanceof OpError) failValue(source, e.side === 0 ? expr.left : expr.right, e.message);
        throw e;
      }
    }

    case "Unary": {
      const v = evaluate(expr.value, scope, source);
      try {
        return unaryOp(expr.op, v);
      } catch (e) {
        if (e instanceof OpError) failValue(source, expr.value, e.message);
        throw e;
      }
    }

    case "Paren":
      return evaluate(expr.inner, scope, source);

    case "Array": {
      const els = expr.elements;
      const out: Value[] = new Array(els.length);
      for (let i = 0; i < els.length; i++) out[i] = evaluate(els[i] as Expr, scope, source);
      return out;
    }

    case "Object": {
      const out: ObjectValue = new Map();
      for (const f of expr.fields) out.set(f.name.name, evaluate(f.value, scope, source));
      return out;
    }

    case "Access": {
      const v = evaluate(expr.value, scope, source);
      const name = expr.name.name;
      let obj: ObjectValue | undefined;
      if (v instanceof Map) obj = v;
      else if (v instanceof Capsule) {
        obj = capsuleToObject(v);
        if (!obj)
          failValue(source, expr.value, `expected object or array or a capsule convertible to an object, got capsule`);
      } else if (typeOf(v) === "capsule") {
        failValue(source, expr.value, `expected object or array or a capsule convertible to an object, got capsule`);
      } else {
        failValue(source, expr.value, `cannot access field "${name}" on value of type ${typeOf(v)}`);
      }
      const field = obj.get(name);
      if (field === undefined) {
        throw new EvaluationError({
          severity: "error",
          start: source.position(expr.name.pos),
          end: source.position(expr.name.pos + name.length - 1),
          message: `field "${name}" does not exist`,
        });
      }
      return field;
    }

    case "Index": {
      const v = evaluate(expr.value, scope, source);
      const idx = evaluate(expr.index, scope, source);
      if (Array.isArray(v)) {
        if (!(idx instanceof Num)) failValue(source, expr.index, `should be number, got ${typeOf(idx)}`);
        const i = numInt(idx); // Go's int(idx.Int())
        if (i < 0n || i >= BigInt(v.length)) {
          failValue(source, expr.index, `index ${i} is out of range of array with length ${v.length}`);
        }
        return v[Number(i)] as Value;
      }
      let obj: ObjectValue | undefined;
      if (v instanceof Map) obj = v;
      else if (v instanceof Capsule) obj = capsuleToObject(v);
      if (obj) {
        if (typeof idx !== "string") failValue(source, expr.index, `should be string, got ${typeOf(idx)}`);
        return obj.get(idx) ?? null;
      }
      if (typeOf(v) === "capsule") {
        failValue(source, expr.value, `expected object or array or a capsule convertible to an object, got capsule`);
      }
      return failValue(source, expr.value, `expected object or array, got ${typeOf(v)}`);
    }

    case "Call": {
      const fn = evaluate(expr.value, scope, source);
      if (!isFunctionValue(fn)) failValue(source, expr.value, `should be function, got ${typeOf(fn)}`);
      const argExprs = expr.args;
      const args: Value[] = new Array(argExprs.length);
      for (let i = 0; i < argExprs.length; i++) args[i] = evaluate(argExprs[i] as Expr, scope, source);
      const arity = arityMessage(fn, args.length);
      if (arity !== undefined) failValue(source, expr.value, arity);
      try {
        return fn.call(args);
      } catch (e) {
        if (e instanceof EvaluationError) throw e;
        if (e instanceof ArgError) {
          const argNode = argExprs[e.index];
          // A cause naming an element or field lets the error point inside the argument.
          if (argNode && e.cause instanceof ValueError)
            throw new EvaluationError(valueErrorDiagnostic(e.cause, argNode, source));
          if (argNode) failValue(source, argNode, decorateTypeError(e.message));
          failValue(source, expr.value, decorateTypeError(e.message));
        }
        if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
        failValue(source, expr.value, e instanceof Error ? e.message : String(e));
      }
    }
  }
}

/** The diagnostic for an attribute given more than once in one body (Alloy's struct decoder). */
export function duplicateAttributeDiagnostic(
  source: SourceFile,
  attr: { name: { name: string; pos: number }; value: Expr },
): Diagnostic {
  return {
    severity: "error",
    start: source.position(attr.name.pos),
    end: source.position(endPos(attr.value)),
    message: `attribute "${attr.name.name}" may only be provided once`,
  };
}

/**
 * Evaluates a block body into an object, for tooling that has no schema:
 *   - each attribute becomes a key holding its value (an attribute given twice is an
 *     error: `attribute "x" may only be provided once`);
 *   - unlabeled blocks become an array of objects under their full dotted name
 *     (`rule { ... } rule { ... }` gives `rule = [{...}, {...}]`);
 *   - labeled blocks become an object keyed by label under their full dotted name
 *     (`target "a" { ... }` gives `target = { a = {...} }`), as Alloy exposes labeled
 *     blocks; mixing labeled and unlabeled blocks of one name, a label given twice,
 *     or a block named like an attribute is an error.
 * Throws EvaluationError on the first error.
 */
export function evaluateBody(body: Body, scope: Scope, source: SourceFile): ObjectValue {
  const out: ObjectValue = new Map();
  const attrs = new Set<string>();
  const blockKinds = new Map<string, { labeled: boolean; first: BlockStmt }>();
  for (const stmt of body) {
    if (stmt.kind === "Attribute") {
      const name = stmt.name.name;
      if (attrs.has(name)) throw new EvaluationError(duplicateAttributeDiagnostic(source, stmt));
      if (blockKinds.has(name)) {
        throw new EvaluationError(stmtDiag(source, stmt, `"${name}" must be a block, but is used as an attribute`));
      }
      attrs.add(name);
      out.set(name, evaluate(stmt.value, scope, source));
      continue;
    }
    const name = blockName(stmt);
    const labeled = stmt.label !== "";
    if (attrs.has(name)) {
      throw new EvaluationError(stmtDiag(source, stmt, `"${name}" must be an attribute, but is used as a block`));
    }
    const seen = blockKinds.get(name);
    if (seen && seen.labeled !== labeled) {
      throw new EvaluationError(
        stmtDiag(
          source,
          stmt,
          labeled ? `block "${name}" does not support specifying labels` : `block "${name}" requires non-empty label`,
        ),
      );
    }
    if (!seen) blockKinds.set(name, { labeled, first: stmt });
    const value = evaluateBody(stmt.body, scope, source);
    if (labeled) {
      let byLabel = out.get(name) as ObjectValue | undefined;
      if (!byLabel) {
        byLabel = new Map();
        out.set(name, byLabel);
      }
      if (byLabel.has(stmt.label)) {
        throw new EvaluationError(stmtDiag(source, stmt, `block "${name}.${stmt.label}" may only be specified once`));
      }
      byLabel.set(stmt.label, value);
    } else {
      let list = out.get(name) as Value[] | undefined;
      if (!list) {
        list = [];
        out.set(name, list);
      }
      list.push(value);
    }
  }
  return out;
}

function stmtDiag(source: SourceFile, stmt: Body[number], message: string): Diagnostic {
  return {
    severity: "error",
    start: source.position(startPos(stmt)),
    end: source.position(endPos(stmt)),
    message,
  };
}
