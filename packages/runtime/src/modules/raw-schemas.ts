// Schemas for the module blocks (argument, export, custom components): attributes
// only, evaluated to Alloy values and kept as such, so capsules (receivers),
// secrets and numbers cross module boundaries unchanged. Exports are objects of
// Alloy values.
import type { CompiledComponentSchemas } from "@ingot/sdk";
import {
  type Body,
  type BodyEntry,
  blockName,
  type Diagnostic,
  DiagnosticsError,
  endPos,
  evaluate,
  type ObjectValue,
  quote,
  type Scope,
  type SourceFile,
  startPos,
  typeOf,
  type Value,
} from "@ingot/syntax";

export interface RawAttribute {
  /** Expected Alloy type name (typeOf), or undefined for any value. */
  type?: "bool" | "string";
  required?: boolean;
}

function diag(source: SourceFile, start: number, end: number, message: string): Diagnostic {
  return { severity: "error", start: source.position(start), end: source.position(end), message };
}

export class RawSchemas implements CompiledComponentSchemas {
  readonly secretArgumentPaths: readonly string[] = [];

  /** `attributes` undefined: any attribute is accepted (custom components check them themselves). */
  constructor(
    readonly name: string,
    private readonly attributes?: Record<string, RawAttribute>,
    /** Non-enumerable extras attached to every decoded value (invisible to comparisons). */
    private readonly extras?: Record<symbol, unknown>,
  ) {}

  decodeArguments(
    body: Body,
    scope: Scope,
    source: SourceFile,
    block: { start: number; end: number },
  ): { ok: true; value: Record<string, unknown> } | { ok: false; diagnostics: Diagnostic[] } {
    const diagnostics: Diagnostic[] = [];
    const value: Record<string, unknown> = {};
    // Attributes written, even when their value failed (no "missing" error on top).
    const provided = new Set<string>();
    for (const stmt of body) {
      if (stmt.kind === "Block") {
        diagnostics.push(
          diag(source, startPos(stmt), endPos(stmt), `unrecognized block name ${quote(blockName(stmt))}`),
        );
        continue;
      }
      const name = stmt.name.name;
      if (provided.has(name)) {
        diagnostics.push(
          diag(source, startPos(stmt), endPos(stmt), `attribute ${quote(name)} may only be provided once`),
        );
        continue;
      }
      const spec = this.attributes?.[name];
      if (this.attributes && !spec) {
        diagnostics.push(diag(source, startPos(stmt), endPos(stmt), `unrecognized attribute name ${quote(name)}`));
        continue;
      }
      provided.add(name);
      let v: Value;
      try {
        v = evaluate(stmt.value, scope, source);
      } catch (e) {
        if (e instanceof DiagnosticsError) diagnostics.push(...e.diagnostics);
        else diagnostics.push(diag(source, startPos(stmt), endPos(stmt), String((e as Error).message ?? e)));
        continue;
      }
      if (spec?.type && v !== null && typeOf(v) !== spec.type) {
        diagnostics.push(
          diag(source, startPos(stmt.value), endPos(stmt.value), `should be ${spec.type}, got ${typeOf(v)}`),
        );
        continue;
      }
      Object.defineProperty(value, name, { value: v, enumerable: true, writable: true, configurable: true });
    }
    for (const [name, spec] of Object.entries(this.attributes ?? {})) {
      if (spec.required && !provided.has(name)) {
        diagnostics.push(diag(source, block.start, block.end, `missing required attribute ${quote(name)}`));
      }
    }
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    if (this.extras) {
      for (const k of Object.getOwnPropertySymbols(this.extras)) {
        Object.defineProperty(value, k, { value: this.extras[k], enumerable: false });
      }
    }
    return { ok: true, value };
  }

  encodeExports(exports: unknown): ObjectValue {
    const out: ObjectValue = new Map();
    if (exports instanceof Map) return new Map(exports as ObjectValue);
    if (exports && typeof exports === "object") {
      for (const [k, v] of Object.entries(exports)) if (v !== undefined) out.set(k, v as Value);
    }
    return out;
  }

  argumentsToBody(args: Record<string, unknown>): BodyEntry[] {
    return Object.entries(args).map(([name, value]) => ({ type: "attr", name, value: value as Value }));
  }

  redactArguments(args: Record<string, unknown>): Record<string, unknown> {
    return { ...args };
  }
}
