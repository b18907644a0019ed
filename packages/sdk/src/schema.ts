// compileComponentSchemas: a component's argument and export schemas compiled once
// into shapes (the Alloy mapping) and ajv validators, giving the decoder the runtime
// calls on every evaluation and the exports encoder. See schema-types.ts for the
// keywords and docs/plugin-authoring.md for the mapping.

import {
  type Body,
  type BodyEntry,
  type Diagnostic,
  type Expr,
  endPos,
  type ObjectValue,
  quote,
  type Scope,
  type SourceFile,
  startPos,
} from "@ingot/syntax";
import type { ErrorObject, ValidateFunction } from "ajv";
import { type Ajv, sharedAjv } from "./ajv.js";
import { formatDuration } from "./duration.js";
import { validateDraft07 } from "./generated/draft07-validator.js";
import type { ComponentManifest } from "./manifest.js";
import { decodeBody, type Range } from "./schema-decode.js";
import { encodeBodyEntries, encodeBodyObject, redactBody, secretPaths } from "./schema-encode.js";
import { type BodyShape, SchemaShapeError, ShapeCompiler, type ValueShape, validationSchema } from "./schema-shape.js";
import type { CompiledComponentSchemas, JSONSchema } from "./schema-types.js";
import { cachedValidator } from "./validator-cache.js";

export interface CompileSchemaOptions {
  /** The ajv instance to compile with (one made by createAjv()); a shared one by default. */
  ajv?: Ajv;
}

function compileOne(
  ajv: () => Ajv,
  component: string,
  which: "arguments" | "exports",
  schema: JSONSchema,
): { shape: BodyShape; validate: ValidateFunction } {
  let shape: BodyShape;
  try {
    shape = new ShapeCompiler(schema, which === "arguments").compileRoot();
  } catch (e) {
    if (e instanceof SchemaShapeError) throw new Error(`component ${quote(component)}: ${which} schema: ${e.message}`);
    throw e;
  }
  if (!validateDraft07(schema)) {
    const e = (validateDraft07.errors ?? [])[0];
    throw new Error(
      `component ${quote(component)}: ${which} schema does not compile: schema is invalid: data${e?.instancePath ?? ""} ${e?.message ?? ""}`,
    );
  }
  let validate: ValidateFunction;
  try {
    validate = cachedValidator(ajv, validationSchema(schema, which === "exports") as object);
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new Error(`component ${quote(component)}: ${which} schema does not compile: ${msg}`);
  }
  return { shape, validate };
}

/**
 * Compiles a component's schemas once. Throws an Error with a one-line reason naming
 * the component when a schema does not compile or misuses the x-alloy-* keywords.
 */
export function compileComponentSchemas(
  component: ComponentManifest,
  options: CompileSchemaOptions = {},
): CompiledComponentSchemas {
  // Made only when a validator is not in the disk cache (an Ajv costs ~6 ms to create).
  const ajv = () => options.ajv ?? sharedAjv();
  const args = compileOne(ajv, component.name, "arguments", component.arguments);
  const exps = compileOne(ajv, component.name, "exports", component.exports);
  return new ComponentSchemas(component.name, args.shape, args.validate, exps.shape, exps.validate);
}

class ComponentSchemas implements CompiledComponentSchemas {
  readonly secretArgumentPaths: readonly string[];
  constructor(
    readonly name: string,
    private readonly argsShape: BodyShape,
    private readonly validateArgs: ValidateFunction,
    private readonly exportsShape: BodyShape,
    private readonly validateExports: ValidateFunction,
  ) {
    this.secretArgumentPaths = Object.freeze(secretPaths(argsShape));
  }

  decodeArguments(
    body: Body,
    scope: Scope,
    source: SourceFile,
    block: Range,
  ): { ok: true; value: Record<string, unknown> } | { ok: false; diagnostics: Diagnostic[] } {
    const st = { scope, source, diagnostics: [] as Diagnostic[] };
    const value = decodeBody(body, this.argsShape, block, st);
    if (!this.validateArgs(value)) {
      const errors = this.validateArgs.errors ?? [];
      for (const d of ajvDiagnostics(errors, body, this.argsShape, block, source, st.diagnostics))
        st.diagnostics.push(d);
    }
    if (st.diagnostics.length > 0) return { ok: false, diagnostics: st.diagnostics };
    return { ok: true, value };
  }

  encodeExports(exports: unknown): ObjectValue {
    if (!this.validateExports(exports)) {
      const errors = this.validateExports.errors ?? [];
      const e = (errors.find((x) => x.keyword !== "if") ?? errors[0]) as ErrorObject;
      const segs = pointerSegments(e.instancePath);
      throw new Error(`exports of ${quote(this.name)}: ${ajvMessage(e, segs, shapeAt(this.exportsShape, segs))}`);
    }
    try {
      return encodeBodyObject(exports, this.exportsShape);
    } catch (e) {
      throw new Error(`exports of ${quote(this.name)}: ${(e as Error).message}`);
    }
  }

  argumentsToBody(args: Record<string, unknown>): BodyEntry[] {
    return encodeBodyEntries(args, this.argsShape);
  }

  redactArguments(args: Record<string, unknown>): Record<string, unknown> {
    return redactBody(args, this.argsShape);
  }
}

// ---- ajv errors back to source positions ----

function pointerSegments(p: string): string[] {
  if (p === "") return [];
  return p
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isIndex(s: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(s);
}

/** "rule[0].action" from ["rule", "0", "action"]. */
function pathText(segs: readonly string[]): string {
  let out = "";
  for (const s of segs) out += isIndex(s) ? `[${s}]` : out === "" ? s : `.${s}`;
  return out;
}

/** The value shape at a pointer (to render duration limits), if it leads to one. */
function shapeAt(body: BodyShape, segs: readonly string[]): ValueShape | undefined {
  let b: BodyShape | undefined = body;
  let v: ValueShape | undefined;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as string;
    if (b) {
      const block = b.blocks.get(s);
      if (block) {
        if (block.repeated) i++;
        b = block.body;
        continue;
      }
      v = b.attrs.get(s) ?? b.additional;
      b = undefined;
      continue;
    }
    if (!v) return undefined;
    if (v.kind === "array") v = v.items;
    else if (v.kind === "object") v = v.props!.get(s) ?? v.additional;
    else return undefined;
  }
  return b ? undefined : v;
}

function ajvMessage(e: ErrorObject, segs: readonly string[], shape: ValueShape | undefined): string {
  let msg: string;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum":
      msg = `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    case "const":
      msg = `must be ${JSON.stringify(p.allowedValue)}`;
      break;
    case "additionalProperties":
      msg = `unknown key ${quote(String(p.additionalProperty))}`;
      break;
    case "required":
      msg = `missing required attribute ${quote(String(p.missingProperty))}`;
      break;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      msg =
        shape?.kind === "duration"
          ? `must be ${p.comparison} ${formatDuration(Number(p.limit))}`
          : (e.message ?? e.keyword);
      break;
    default:
      msg = e.message ?? e.keyword;
  }
  const path = pathText(segs);
  return path ? `${path}: ${msg}` : msg;
}

function unparen(e: Expr): Expr {
  while (e.kind === "Paren") e = e.inner;
  return e;
}

/** The source range a pointer into the decoded arguments came from. */
function locate(segs: readonly string[], body: Body, shape: BodyShape, range: Range): Range {
  let curBody = body;
  let curShape = shape;
  let cur = range;
  let i = 0;
  while (i < segs.length) {
    const seg = segs[i] as string;
    const bs = curShape.blocks.get(seg);
    if (bs) {
      let n = 0;
      let want = 0;
      i++;
      if (bs.repeated) {
        want = Number(segs[i] ?? 0);
        i++;
      }
      const blk = curBody.find((s) => s.kind === "Block" && s.name.join(".") === seg && n++ === want);
      if (blk?.kind !== "Block") return cur;
      if (bs.body.label !== undefined && segs[i] === bs.body.label && i === segs.length - 1)
        return { start: blk.labelPos, end: blk.labelPos + blk.label.length + 1 };
      curBody = blk.body;
      curShape = bs.body;
      cur = { start: startPos(blk), end: endPos(blk) };
      continue;
    }
    const attr = curBody.find((s) => s.kind === "Attribute" && s.name.name === seg);
    if (attr?.kind !== "Attribute") return cur;
    i++;
    if (i === segs.length) return { start: startPos(attr), end: endPos(attr) };
    let expr: Expr = attr.value;
    for (; i < segs.length; i++) {
      const s = segs[i] as string;
      const e = unparen(expr);
      let next: Expr | undefined;
      if (e.kind === "Array" && isIndex(s)) next = e.elements[Number(s)];
      else if (e.kind === "Object") next = e.fields.find((f) => f.name.name === s)?.value;
      if (!next) break;
      expr = next;
    }
    return expr === attr.value
      ? { start: startPos(attr), end: endPos(attr) }
      : { start: startPos(expr), end: endPos(expr) };
  }
  return cur;
}

function ajvDiagnostics(
  errors: readonly ErrorObject[],
  body: Body,
  shape: BodyShape,
  block: Range,
  source: SourceFile,
  already: readonly Diagnostic[],
): Diagnostic[] {
  // Branch errors under a failed anyOf/oneOf only repeat what the combinator says.
  const combinators = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .map((e) => `${e.schemaPath}/`);
  const seen = new Set(already.map((d) => `${d.start.offset}:${d.message}`));
  const out: Diagnostic[] = [];
  for (const e of errors) {
    // "if" only says its then/else failed; that branch's own errors are reported.
    if (e.keyword === "if" || combinators.some((c) => e.schemaPath.startsWith(c))) continue;
    const segs = pointerSegments(e.instancePath);
    let message: string;
    if (e.keyword === "required") {
      // The decoder reports a body's own required members (and labels are checked
      // apart); only requirements from elsewhere (if/then, allOf...) remain.
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const owner = shapeBody(shape, segs);
      if (owner && (owner.required.includes(missing) || owner.label === missing)) continue;
      const what = owner?.blocks.has(missing) ? "block" : "attribute";
      message = `missing required ${what} ${quote(missing)}`;
    } else {
      message = ajvMessage(e, segs, shapeAt(shape, segs));
    }
    const r = locate(segs, body, shape, block);
    const d: Diagnostic = {
      severity: "error",
      start: source.position(r.start),
      end: source.position(r.end),
      message,
    };
    const key = `${d.start.offset}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** The body shape a pointer names (a block), for telling blocks from attributes. */
function shapeBody(shape: BodyShape, segs: readonly string[]): BodyShape | undefined {
  let b = shape;
  for (let i = 0; i < segs.length; i++) {
    const block = b.blocks.get(segs[i] as string);
    if (!block) return undefined;
    if (block.repeated) i++;
    b = block.body;
  }
  return b;
}
