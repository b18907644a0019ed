// Evaluation errors, after Alloy's syntax/vm/error.go and syntax/internal/value errors.
import { type Expr, endPos, startPos } from "../ast.js";
import { type Diagnostic, DiagnosticsError } from "../diag.js";
import type { SourceFile } from "../source.js";
import { typeOf, type Value } from "../value.js";
import { nodeText, valueToString } from "./print.js";

/** An evaluation failure: a DiagnosticsError holding exactly one diagnostic. Also exported as EvalError. */
export class EvaluationError extends DiagnosticsError {
  constructor(diagnostic: Diagnostic) {
    super([diagnostic]);
    this.name = "EvalError";
  }
  get diagnostic(): Diagnostic {
    return this.diagnostics[0] as Diagnostic;
  }
}

/** An error about a value (Alloy's value.Error); the message names no position. */
export class ValueError extends Error {
  readonly value: Value;
  constructor(value: Value, message: string) {
    super(message);
    this.name = "ValueError";
    this.value = value;
  }
}

/** A value of an unexpected type (Alloy's value.TypeError): "expected X, got Y". */
export class ValueTypeError extends ValueError {
  readonly expected: string;
  constructor(value: Value, expected: string) {
    super(value, `expected ${expected}, got ${typeOf(value)}`);
    this.name = "ValueTypeError";
    this.expected = expected;
  }
}

/** An error inside element `index` of an array value (Alloy's value.ElementError). */
export class ElementError extends ValueError {
  readonly index: number;
  readonly inner: ValueError;
  constructor(array: Value, index: number, inner: ValueError) {
    super(array, inner.message);
    this.name = "ElementError";
    this.index = index;
    this.inner = inner;
  }
}

/** An error inside field `field` of an object value (Alloy's value.FieldError). */
export class FieldError extends ValueError {
  readonly field: string;
  readonly inner: ValueError;
  constructor(object: Value, field: string, inner: ValueError) {
    super(object, inner.message);
    this.name = "FieldError";
    this.field = field;
    this.inner = inner;
  }
}

/** A diagnostic (error) spanning an expression. */
export function diagAt(source: SourceFile, node: Expr, message: string): Diagnostic {
  return {
    severity: "error",
    start: source.position(startPos(node)),
    end: source.position(endPos(node)),
    message,
  };
}

function unparen(e: Expr): Expr {
  while (e.kind === "Paren") e = e.inner;
  return e;
}

/**
 * The diagnostic for a ValueError raised while using the value of expression `expr`
 * (for example when decoding an attribute into a component's arguments), as Alloy's
 * makeDiagnostic: the message starts with the printed expression and the path to the
 * failing part (`key_value.object.field1[2] should be number, got string`). Where the
 * path runs through array or object literals, the diagnostic points at the literal
 * element itself (`"Hello, world!" should be number, got string`). When the failing
 * value was not written literally, Diagnostic.value holds it as Alloy text.
 */
export function valueErrorDiagnostic(err: ValueError, expr: Expr, source: SourceFile): Diagnostic {
  let node: Expr = expr;
  let path = "";
  let literal = true;
  let e: ValueError = err;
  for (;;) {
    if (e instanceof ElementError) {
      const n = unparen(node);
      const el = literal && n.kind === "Array" ? n.elements[e.index] : undefined;
      if (el) node = el;
      else {
        path += `[${e.index}]`;
        literal = false;
      }
      e = e.inner;
    } else if (e instanceof FieldError) {
      const n = unparen(node);
      let found: Expr | undefined;
      if (literal && n.kind === "Object") {
        for (const f of n.fields) if (f.name.name === e.field) found = f.value;
      }
      if (found) node = found;
      else {
        path += `.${e.field}`;
        literal = false;
      }
      e = e.inner;
    } else break;
  }
  const message = e instanceof ValueTypeError ? `should be ${e.expected}, got ${typeOf(e.value)}` : e.message;
  const d = diagAt(source, node, `${nodeText(node, source)}${path} ${message}`);
  if (!literal && e.value !== null) d.value = valueToString(e.value);
  return d;
}

/** Alias of EvaluationError (importing it under this name shadows the global EvalError). */
export { EvaluationError as EvalError };
