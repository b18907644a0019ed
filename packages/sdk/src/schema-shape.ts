// Compiles a component's JSON Schema into "shapes": the Alloy view of the schema
// (which properties are attributes and which blocks, labels, durations, secrets,
// capsules) that decoding and encoding walk. Shapes are built once per component and
// reused for every evaluation. Also derives the schema ajv validates decoded values
// against (durations as milliseconds, capsules as opaque objects).
import { parseDuration } from "./duration.js";
import type { JSONSchema } from "./schema-types.js";

export type ValueKind =
  | "any"
  | "string"
  | "number"
  | "bool"
  | "null"
  | "duration"
  | "secret"
  | "optional-secret"
  | "capsule"
  | "array"
  | "object";

/** How one attribute value (or one part of it) decodes and encodes. */
export interface ValueShape {
  kind: ValueKind;
  /** The schema allows null (type includes "null"). */
  nullable: boolean;
  /** capsule: the required Capsule typeName. */
  capsuleType?: string;
  /** array: the element shape. */
  items?: ValueShape;
  /** object: known fields, and the shape of any other field. */
  props?: Map<string, ValueShape>;
  additional?: ValueShape;
}

/** A block's (or the component's) body: its attributes and nested blocks. */
export interface BodyShape {
  attrs: Map<string, ValueShape>;
  blocks: Map<string, BlockShape>;
  /** Property order of the schema, for encoding in a stable order. */
  order: string[];
  /** Required attribute and block names (the label property excluded). */
  required: string[];
  /** The property receiving the block's label, if the block takes one. */
  label?: string;
  /** Shape of attributes not named in the schema (additionalProperties), if allowed. */
  additional?: ValueShape;
  /** Defaults of absent properties, already in decoded form (durations in ms). */
  defaults: [string, unknown][];
}

export interface BlockShape {
  body: BodyShape;
  /** A repeated block (array property) rather than a block given at most once. */
  repeated: boolean;
}

const ANY: ValueShape = { kind: "any", nullable: true };

type Node = Record<string, unknown>;

const ALLOY_TYPES = new Set(["duration", "secret", "optional-secret", "capsule"]);
const ALLOY_KEYWORDS = ["x-alloy-block", "x-alloy-label", "x-alloy-type", "x-alloy-capsule"];

/** Thrown with a reason (prefixed by the caller with the component name). */
export class SchemaShapeError extends Error {}

function isNode(s: unknown): s is Node {
  return typeof s === "object" && s !== null && !Array.isArray(s);
}

function escapePointer(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds shapes for one schema document, tracking which x-alloy keywords it consumed. */
export class ShapeCompiler {
  private readonly root: JSONSchema;
  private readonly consumed = new Set<Node>();
  private readonly allowBlocks: boolean;
  private readonly valueCache = new Map<Node, ValueShape>();

  constructor(root: JSONSchema, allowBlocks: boolean) {
    this.root = root;
    this.allowBlocks = allowBlocks;
  }

  /** The shape of the root body; then checks no x-alloy keyword sits where it means nothing. */
  compileRoot(): BodyShape {
    const root = this.resolve(this.root, "");
    if (!isNode(root) || root.type !== "object") throw new SchemaShapeError('the schema must have "type": "object"');
    const body = this.body(root, "", false);
    this.checkUnconsumed(this.root, "");
    return body;
  }

  private resolve(s: unknown, at: string): unknown {
    let guard = 0;
    while (isNode(s) && typeof s.$ref === "string") {
      const ref = s.$ref;
      if (!ref.startsWith("#")) throw new SchemaShapeError(`${at || "/"}: only local $ref ("#/...") is supported`);
      let target: unknown = this.root;
      for (const raw of ref.slice(1).split("/").slice(1)) {
        const seg = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        target = isNode(target) ? target[seg] : undefined;
      }
      if (target === undefined) throw new SchemaShapeError(`${at || "/"}: $ref ${ref} does not resolve`);
      s = target;
      if (++guard > 32) throw new SchemaShapeError(`${at || "/"}: $ref loop at ${ref}`);
    }
    return s;
  }

  private body(node: Node, at: string, isBlock: boolean): BodyShape {
    const props = isNode(node.properties) ? node.properties : {};
    const label = node["x-alloy-label"];
    if (label !== undefined) {
      if (!isBlock) throw new SchemaShapeError(`${at || "/"}: x-alloy-label is only allowed on a block's schema`);
      if (typeof label !== "string" || label === "")
        throw new SchemaShapeError(`${at}: x-alloy-label must name a property`);
      const lp = this.resolve(props[label], `${at}/properties/${escapePointer(label)}`);
      if (!isNode(lp) || lp.type !== "string")
        throw new SchemaShapeError(`${at}: x-alloy-label property "${label}" must be declared with "type": "string"`);
      this.consumed.add(node);
    }
    const shape: BodyShape = {
      attrs: new Map(),
      blocks: new Map(),
      order: [],
      required: [],
      defaults: [],
    };
    if (typeof label === "string") shape.label = label;
    for (const [name, raw] of Object.entries(props)) {
      if (name === label) continue;
      const pat = `${at}/properties/${escapePointer(name)}`;
      const p = this.resolve(raw, pat);
      shape.order.push(name);
      if (isNode(p) && p["x-alloy-block"] !== undefined) {
        const block = this.block(p, pat);
        shape.blocks.set(name, block);
        if (p.default !== undefined) shape.defaults.push([name, this.blockDefault(block, p.default, pat)]);
        continue;
      }
      const vs = this.value(p, pat);
      shape.attrs.set(name, vs);
      if (isNode(p) && p.default !== undefined) shape.defaults.push([name, decodeDefault(p.default, vs, pat)]);
    }
    if (Array.isArray(node.required)) {
      for (const r of node.required) if (typeof r === "string" && r !== label) shape.required.push(r);
    }
    const add = node.additionalProperties;
    if (add !== undefined && add !== false)
      shape.additional = add === true ? ANY : this.value(add, `${at}/additionalProperties`);
    return shape;
  }

  private block(p: Node, at: string): BlockShape {
    if (!this.allowBlocks)
      throw new SchemaShapeError(`${at}: x-alloy-block is not allowed in exports (exports are attributes)`);
    if (p["x-alloy-block"] !== true) throw new SchemaShapeError(`${at}: x-alloy-block must be true`);
    if (p["x-alloy-type"] !== undefined) throw new SchemaShapeError(`${at}: a block cannot have x-alloy-type`);
    this.consumed.add(p);
    if (p.type === "object") return { body: this.body(p, at, true), repeated: false };
    if (p.type === "array") {
      const items = this.resolve(p.items, `${at}/items`);
      if (isNode(items) && items.type === "object")
        return { body: this.body(items, `${at}/items`, true), repeated: true };
    }
    throw new SchemaShapeError(
      `${at}: x-alloy-block needs "type": "object" or an array of objects, got ${describeType(p)}`,
    );
  }

  private blockDefault(block: BlockShape, d: unknown, at: string): unknown {
    const one = (x: unknown): unknown => {
      if (!isNode(x)) throw new SchemaShapeError(`${at}: default of a block must be an object`);
      return withBodyDefaults(decodeDefaultBody(x, block.body, at), block.body);
    };
    if (block.repeated) {
      if (!Array.isArray(d)) throw new SchemaShapeError(`${at}: default of a repeated block must be an array`);
      return d.map(one);
    }
    return one(d);
  }

  value(raw: unknown, at: string): ValueShape {
    const s = this.resolve(raw, at);
    if (!isNode(s)) return ANY;
    const cached = this.valueCache.get(s);
    if (cached) return cached;
    if (s["x-alloy-block"] !== undefined)
      throw new SchemaShapeError(`${at}: x-alloy-block is only allowed on a property of the arguments or of a block`);
    if (s["x-alloy-label"] !== undefined)
      throw new SchemaShapeError(`${at}: x-alloy-label is only allowed on a block's schema`);
    const alloyType = s["x-alloy-type"];
    const capsule = s["x-alloy-capsule"];
    let types: string[] = [];
    if (typeof s.type === "string") types = [s.type];
    else if (Array.isArray(s.type)) types = s.type.filter((t): t is string => typeof t === "string");
    const nullable = types.length === 0 || types.includes("null");
    const nonNull = types.filter((t) => t !== "null");
    if (alloyType !== undefined) {
      if (typeof alloyType !== "string" || !ALLOY_TYPES.has(alloyType))
        throw new SchemaShapeError(
          `${at}: x-alloy-type must be one of duration, secret, optional-secret, capsule, got ${JSON.stringify(alloyType)}`,
        );
      this.consumed.add(s);
      if (alloyType === "capsule") {
        if (typeof capsule !== "string" || capsule === "")
          throw new SchemaShapeError(`${at}: x-alloy-type "capsule" needs x-alloy-capsule naming the capsule type`);
        if (nonNull.length > 0)
          throw new SchemaShapeError(`${at}: a capsule has no JSON type; remove "type" (got ${describeType(s)})`);
        return this.cache(s, { kind: "capsule", nullable: true, capsuleType: capsule });
      }
      if (capsule !== undefined) throw new SchemaShapeError(`${at}: x-alloy-capsule needs x-alloy-type "capsule"`);
      if (nonNull.length > 0 && !(nonNull.length === 1 && nonNull[0] === "string"))
        throw new SchemaShapeError(
          `${at}: x-alloy-type "${alloyType}" needs "type": "string" or no type, got ${describeType(s)}`,
        );
      return this.cache(s, { kind: alloyType as ValueKind, nullable: types.includes("null") });
    }
    if (capsule !== undefined) throw new SchemaShapeError(`${at}: x-alloy-capsule needs x-alloy-type "capsule"`);
    if (nonNull.length !== 1) return this.cache(s, { kind: "any", nullable: true });
    const t = nonNull[0];
    switch (t) {
      case "string":
        return this.cache(s, { kind: "string", nullable });
      case "number":
      case "integer":
        return this.cache(s, { kind: "number", nullable });
      case "boolean":
        return this.cache(s, { kind: "bool", nullable });
      case "array": {
        const shape: ValueShape = { kind: "array", nullable };
        this.valueCache.set(s, shape);
        shape.items = Array.isArray(s.items) ? ANY : this.value(s.items, `${at}/items`);
        return shape;
      }
      case "object": {
        const shape: ValueShape = { kind: "object", nullable, props: new Map() };
        this.valueCache.set(s, shape);
        const props = isNode(s.properties) ? s.properties : {};
        for (const [k, v] of Object.entries(props))
          shape.props!.set(k, this.value(v, `${at}/properties/${escapePointer(k)}`));
        const add = s.additionalProperties;
        shape.additional =
          add === undefined || add === true || add === false ? ANY : this.value(add, `${at}/additionalProperties`);
        return shape;
      }
      default:
        return this.cache(s, { kind: "null", nullable: true });
    }
  }

  private cache(s: Node, shape: ValueShape): ValueShape {
    this.valueCache.set(s, shape);
    return shape;
  }

  /** Any node with an x-alloy keyword that no shape consumed is misplaced (e.g. inside anyOf). */
  private checkUnconsumed(s: unknown, at: string, seen = new Set<unknown>()): void {
    if (!isNode(s) && !Array.isArray(s)) return;
    if (seen.has(s)) return;
    seen.add(s);
    if (Array.isArray(s)) {
      for (let i = 0; i < s.length; i++) this.checkUnconsumed(s[i], `${at}/${i}`, seen);
      return;
    }
    if (!this.consumed.has(s)) {
      for (const k of ALLOY_KEYWORDS) {
        if (s[k] !== undefined && !(k === "x-alloy-capsule" && s["x-alloy-type"] === "capsule")) {
          throw new SchemaShapeError(`${at || "/"}: ${k} is not allowed here`);
        }
      }
    }
    for (const [k, v] of Object.entries(s)) {
      if (k === "enum" || k === "const" || k === "default" || k === "examples") continue;
      this.checkUnconsumed(v, `${at}/${escapePointer(k)}`, seen);
    }
  }
}

function describeType(s: Node): string {
  return s.type === undefined ? "no type" : JSON.stringify(s.type);
}

/** A default written in the schema, in decoded form: durations "15s" become milliseconds. */
function decodeDefault(d: unknown, shape: ValueShape, at: string): unknown {
  if (d === null) return null;
  switch (shape.kind) {
    case "duration":
      if (typeof d === "number") return d;
      if (typeof d !== "string") throw new SchemaShapeError(`${at}: default of a duration must be a string like "15s"`);
      try {
        return parseDurationForDefault(d);
      } catch (e) {
        throw new SchemaShapeError(`${at}: default: ${(e as Error).message}`);
      }
    case "array":
      return Array.isArray(d) ? d.map((x, i) => decodeDefault(x, shape.items!, `${at}/default/${i}`)) : d;
    case "object":
      if (!isNode(d)) return d;
      return Object.fromEntries(
        Object.entries(d).map(([k, v]) => [k, decodeDefault(v, shape.props!.get(k) ?? shape.additional!, at)]),
      );
    case "capsule":
      throw new SchemaShapeError(`${at}: a capsule cannot have a default`);
    default:
      return d;
  }
}

function decodeDefaultBody(d: Node, body: BodyShape, at: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    const attr = body.attrs.get(k);
    const block = body.blocks.get(k);
    if (attr) out[k] = decodeDefault(v, attr, at);
    else if (block)
      out[k] =
        block.repeated && Array.isArray(v)
          ? v.map((x) => decodeDefaultBody(x as Node, block.body, at))
          : isNode(v)
            ? decodeDefaultBody(v, block.body, at)
            : v;
    else out[k] = v;
  }
  return out;
}

/** Fills absent properties of a decoded body with the body's defaults. */
export function withBodyDefaults(out: Record<string, unknown>, body: BodyShape): Record<string, unknown> {
  for (const [k, d] of body.defaults) if (out[k] === undefined) out[k] = cloneDefault(d);
  return out;
}

/** Defaults are shared between evaluations; objects are copied so a plugin may mutate its arguments. */
export function cloneDefault(d: unknown): unknown {
  if (d === null || typeof d !== "object") return d;
  if (Array.isArray(d)) return d.map(cloneDefault);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(d)) o[k] = cloneDefault((d as Record<string, unknown>)[k]);
  return o;
}

function parseDurationForDefault(s: string): number {
  return parseDuration(s);
}

/**
 * The schema ajv validates decoded values against: a copy where durations are numbers
 * of milliseconds (minimum/maximum in ms), capsules are opaque, secrets are strings
 * (arguments) or strings/branded secrets (exports, checked by the encoder), and
 * defaults are dropped (the decoder applies them).
 */
export function validationSchema(s: JSONSchema, forExports: boolean): JSONSchema {
  const seen = new Map<unknown, unknown>();
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (!isNode(x)) return x;
    const done = seen.get(x);
    if (done) return done;
    const out: Node = {};
    seen.set(x, out);
    const at = x["x-alloy-type"];
    for (const [k, v] of Object.entries(x)) {
      if (k === "default" || k === "examples") continue;
      if (k === "enum" || k === "const") {
        out[k] = v;
        continue;
      }
      out[k] = walk(v);
    }
    if (at === "duration") {
      out.type = Array.isArray(x.type) && x.type.includes("null") ? ["number", "null"] : "number";
      delete out.pattern;
      delete out.format;
      delete out.minLength;
      delete out.maxLength;
    } else if (at === "capsule") {
      for (const k of Object.keys(out))
        if (!k.startsWith("x-alloy") && !k.startsWith("$") && k !== "description" && k !== "title") delete out[k];
    } else if ((at === "secret" || at === "optional-secret") && forExports) {
      delete out.type;
      delete out.pattern;
      delete out.minLength;
      delete out.maxLength;
      delete out.format;
    }
    return out;
  };
  return walk(s) as JSONSchema;
}
