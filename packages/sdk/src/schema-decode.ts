// Decodes a block body into plain-JS arguments by walking the AST against the body
// shape, with Alloy's struct-decoder rules and messages: unknown and duplicate
// attributes and blocks, labels, required members, type conversions. Collects every
// diagnostic instead of stopping at the first.
import {
  type AttributeStmt,
  type BlockStmt,
  type Body,
  blockName,
  Capsule,
  convertTo,
  type Diagnostic,
  DiagnosticsError,
  ElementError,
  endPos,
  evaluate,
  FieldError,
  Num,
  quote,
  type Scope,
  Secret,
  type SourceFile,
  startPos,
  typeOf,
  type Value,
  ValueError,
  ValueTypeError,
  valueErrorDiagnostic,
} from "@ingot/syntax";
import { DurationError, parseDuration } from "./duration.js";
import type { BodyShape, ValueShape } from "./schema-shape.js";
import { withBodyDefaults } from "./schema-shape.js";
import { secret } from "./values.js";

/** An inclusive source range (offsets), e.g. a block from its name to its closing brace. */
export interface Range {
  start: number;
  end: number;
}

export interface DecodeState {
  scope: Scope;
  source: SourceFile;
  diagnostics: Diagnostic[];
}

function diag(source: SourceFile, start: number, end: number, message: string): Diagnostic {
  return { severity: "error", start: source.position(start), end: source.position(end), message };
}

function stmtDiag(st: DecodeState, stmt: AttributeStmt | BlockStmt, message: string): void {
  st.diagnostics.push(diag(st.source, startPos(stmt), endPos(stmt), message));
}

/** Decodes one body; `range` locates "missing required" errors (the enclosing block). */
export function decodeBody(body: Body, shape: BodyShape, range: Range, st: DecodeState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let provided: Set<string> | undefined;
  let blockCounts: Map<string, number> | undefined;
  for (const stmt of body) {
    if (stmt.kind === "Block") {
      const name = blockName(stmt);
      const bs = shape.blocks.get(name);
      if (bs && !bs.repeated) {
        blockCounts ??= new Map();
        blockCounts.set(name, (blockCounts.get(name) ?? 0) + 1);
      }
    }
  }
  for (const stmt of body) {
    if (stmt.kind === "Attribute") {
      const name = stmt.name.name;
      provided ??= new Set();
      if (provided.has(name)) {
        stmtDiag(st, stmt, `attribute ${quote(name)} may only be provided once`);
        continue;
      }
      provided.add(name);
      let vs = shape.attrs.get(name);
      if (vs === undefined) {
        if (shape.blocks.has(name)) {
          stmtDiag(st, stmt, `${quote(name)} must be a block, but is used as an attribute`);
          continue;
        }
        if (shape.additional === undefined || name === shape.label) {
          stmtDiag(st, stmt, `unrecognized attribute name ${quote(name)}`);
          continue;
        }
        vs = shape.additional;
      }
      let v: Value;
      try {
        v = evaluate(stmt.value, st.scope, st.source);
      } catch (e) {
        if (e instanceof DiagnosticsError) st.diagnostics.push(...e.diagnostics);
        else st.diagnostics.push(diag(st.source, startPos(stmt), endPos(stmt), String((e as Error).message ?? e)));
        continue;
      }
      try {
        const x = convertValue(v, vs);
        if (x !== undefined) out[name] = x;
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        st.diagnostics.push(valueErrorDiagnostic(e, stmt.value, st.source));
      }
      continue;
    }
    const name = blockName(stmt);
    const bs = shape.blocks.get(name);
    if (bs === undefined) {
      stmtDiag(
        st,
        stmt,
        shape.attrs.has(name)
          ? `${quote(name)} must be an attribute, but is used as a block`
          : `unrecognized block name ${quote(name)}`,
      );
      continue;
    }
    provided ??= new Set();
    if (!bs.repeated && (blockCounts?.get(name) ?? 0) > 1) {
      // Alloy reports the first occurrence and ignores the rest.
      if (!provided.has(name)) stmtDiag(st, stmt, `block ${quote(name)} may only be specified once`);
      provided.add(name);
      continue;
    }
    provided.add(name);
    // A label problem is reported, and the body still decoded: its own problems are
    // reported too and repeated blocks keep their indexes (for locating ajv errors).
    const label = bs.body.label;
    if (label !== undefined && stmt.label === "") {
      st.diagnostics.push(diag(st.source, stmt.namePos, stmt.lcurly, `block ${quote(name)} requires non-empty label`));
    } else if (label === undefined && stmt.label !== "") {
      st.diagnostics.push(
        diag(st.source, stmt.namePos, stmt.lcurly, `block ${quote(name)} does not support specifying labels`),
      );
    }
    const value = decodeBody(stmt.body, bs.body, { start: startPos(stmt), end: endPos(stmt) }, st);
    if (label !== undefined && stmt.label !== "") value[label] = stmt.label;
    if (bs.repeated) {
      const list = out[name] as unknown[] | undefined;
      if (list) list.push(value);
      else out[name] = [value];
    } else out[name] = value;
  }
  for (const r of shape.required) {
    if (provided?.has(r)) continue;
    const what = shape.blocks.has(r) ? "block" : "attribute";
    st.diagnostics.push(diag(st.source, range.start, range.end, `missing required ${what} ${quote(r)}`));
  }
  return shape.defaults.length > 0 ? withBodyDefaults(out, shape) : out;
}

/**
 * Converts an evaluated value to the plain-JS form its shape asks for. Throws
 * ValueError (ElementError/FieldError for parts) with Alloy's messages. Returns
 * undefined for a null where the schema does not allow null (treated as unset, so the
 * default applies).
 */
export function convertValue(v: Value, shape: ValueShape): unknown {
  if (v === null) return shape.nullable ? null : undefined;
  switch (shape.kind) {
    case "string":
      return convertTo(v, "string");
    case "number":
      return (convertTo(v, "number") as Num).toNumber();
    case "bool":
      return convertTo(v, "bool");
    case "null":
      throw new ValueTypeError(v, "null");
    case "duration": {
      const s = convertTo(v, "string") as string;
      try {
        return parseDuration(s);
      } catch (e) {
        if (e instanceof DurationError) throw new ValueError(v, e.message);
        throw e;
      }
    }
    case "secret":
      return (convertTo(v, "secret") as Secret).value;
    case "optional-secret":
      return v instanceof Secret ? v.value : convertTo(v, "string");
    case "capsule": {
      if (!(v instanceof Capsule)) throw new ValueTypeError(v, "capsule");
      if (v.typeName !== shape.capsuleType)
        throw new ValueError(v, `expected capsule(${quote(shape.capsuleType!)}), got capsule(${quote(v.typeName)})`);
      return v.value;
    }
    case "array": {
      if (!Array.isArray(v)) throw new ValueTypeError(v, "array");
      const items = shape.items!;
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) {
        try {
          const x = convertValue(v[i] as Value, items);
          out[i] = x === undefined ? null : x;
        } catch (e) {
          if (e instanceof ValueError) throw new ElementError(v, i, e);
          throw e;
        }
      }
      return out;
    }
    case "object": {
      const m = convertTo(v, "object") as Map<string, Value>;
      const out: Record<string, unknown> = {};
      for (const [k, x] of m) {
        try {
          const c = convertValue(x, shape.props!.get(k) ?? shape.additional!);
          if (c !== undefined) defineField(out, k, c);
        } catch (e) {
          if (e instanceof ValueError) throw new FieldError(v, k, e);
          throw e;
        }
      }
      return out;
    }
    default:
      return toPlain(v);
  }
}

/** Sets a field safely for any key (a "__proto__" key stays an own property). */
function defineField(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Plain JS for a value the schema says nothing about: capsules give their payload, secrets stay branded. */
export function toPlain(v: Value): unknown {
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Num) return v.toNumber();
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) defineField(o, k, toPlain(x));
    return o;
  }
  if (v instanceof Secret) return secret(v.value);
  if (v instanceof Capsule) return v.value;
  throw new ValueError(v, `cannot use a ${typeOf(v)} as an argument`);
}
