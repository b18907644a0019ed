// A compact YAML 1.2 decoder producing Alloy values the way gopkg.in/yaml.v3 decodes
// into interface{}: mappings -> objects, sequences -> arrays, scalars resolved with
// the core schema (null, bool, int incl. 0x/0o/0b and legacy 0777 octal, float incl.
// .inf/.nan), quoted and block scalars as strings. Only the first document is read.
//
// Supported: block mappings and sequences (incl. compact forms), flow collections,
// plain/single/double-quoted scalars with escapes and line folding, literal and folded
// block scalars with indentation and chomping indicators, comments, anchors and
// aliases, merge keys (<<), tags (!!str, !!int, !!float, !!bool, !!null, !!binary,
// !!map, !!seq; other tags leave the node untyped), directives and document markers.

import { Num, type ObjectValue, type Value } from "../value.js";
import { base64Decode } from "./encoding.js";
import { goQuote } from "./format.js";
import { formatFloat, utf8Decoder } from "./util.js";

export class YAMLError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(line > 0 ? `yaml: line ${line}: column ${column}: ${message}` : `yaml: ${message}`);
    this.name = "YAMLError";
    this.line = line;
    this.column = column;
  }
}

interface Props {
  anchor?: string;
  tag?: string;
}

const MERGE = Symbol("merge");

/** A resolved mapping key (string form) with its source line. */
interface Key {
  value: Value | typeof MERGE;
  line: number;
}

type Ctx = "top" | "value" | "entry";

const INT_RE = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/;
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (after removing underscores); undefined when invalid. */
function parseGoInt(s: string): bigint | undefined {
  let neg = false;
  let body = s;
  if (body[0] === "+" || body[0] === "-") {
    neg = body[0] === "-";
    body = body.slice(1);
  }
  if (body === "") return undefined;
  let base = 10;
  if (body[0] === "0") {
    const c = body[1];
    if (body.length >= 3 && (c === "x" || c === "X")) {
      base = 16;
      body = body.slice(2);
    } else if (body.length >= 3 && (c === "o" || c === "O")) {
      base = 8;
      body = body.slice(2);
    } else if (body.length >= 3 && (c === "b" || c === "B")) {
      base = 2;
      body = body.slice(2);
    } else {
      base = 8;
      body = body.slice(1);
    }
  }
  let n = 0n;
  const b = BigInt(base);
  for (const ch of body) {
    const d = Number.parseInt(ch, 16);
    if (Number.isNaN(d) || d >= base || !/[0-9a-fA-F]/.test(ch)) return undefined;
    n = n * b + BigInt(d);
  }
  return neg ? -n : n;
}

/** Resolves an untagged plain scalar like yaml.v3's resolve(). */
export function resolvePlain(s: string): Value | typeof MERGE {
  switch (s) {
    case "":
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
    case ".nan":
    case ".NaN":
    case ".NAN":
      return Num.float(Number.NaN);
    case ".inf":
    case ".Inf":
    case ".INF":
    case "+.inf":
    case "+.Inf":
    case "+.INF":
      return Num.float(Number.POSITIVE_INFINITY);
    case "-.inf":
    case "-.Inf":
    case "-.INF":
      return Num.float(Number.NEGATIVE_INFINITY);
    case "<<":
      return MERGE;
  }
  const c = s.charCodeAt(0);
  const numeric = (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
  if (!numeric) return s;
  const plain = s.includes("_") ? s.replaceAll("_", "") : s;
  if (INT_RE.test(plain)) {
    const n = parseGoInt(plain);
    if (n !== undefined) {
      if (n >= MIN_INT64 && n <= MAX_INT64) return Num.int(n);
      if (n >= 0n && n <= MAX_UINT64 && plain[0] !== "+") return Num.uint(n);
    }
  }
  if (FLOAT_RE.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return Num.float(f);
  }
  return s;
}

function isBlank(c: string | undefined): boolean {
  return c === undefined || c === " " || c === "\t" || c === "\n" || c === "\r";
}

const FLOW_INDICATORS = ",[]{}";

class Parser {
  private readonly s: string;
  private p = 0;
  private readonly lineStarts: number[] = [0];
  private readonly anchors = new Map<string, Value>();

  constructor(src: string) {
    // Normalize line breaks.
    let s = src.includes("\r") ? src.replace(/\r\n?/g, "\n") : src;
    if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    this.s = s;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  // --- positions -----------------------------------------------------------

  private lineIndex(pos: number): number {
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((ls[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private line(pos = this.p): number {
    return this.lineIndex(pos) + 1;
  }

  private col(pos = this.p): number {
    return pos - (this.lineStarts[this.lineIndex(pos)] as number);
  }

  private fail(msg: string, pos = this.p): never {
    throw new YAMLError(msg, this.line(pos), this.col(pos) + 1);
  }

  private c(): string | undefined {
    return this.s[this.p];
  }

  // --- whitespace ----------------------------------------------------------

  private skipInline(): void {
    const s = this.s;
    while (this.p < s.length && (s[this.p] === " " || s[this.p] === "\t")) this.p++;
  }

  private skipComment(): void {
    if (this.c() === "#") {
      const nl = this.s.indexOf("\n", this.p);
      this.p = nl === -1 ? this.s.length : nl;
    }
  }

  /**
   * Skips spaces, comments and line breaks up to the next content character.
   * Returns true when at least one line break was crossed.
   */
  private skipToContent(): boolean {
    const s = this.s;
    let crossed = false;
    for (;;) {
      this.skipInline();
      if (this.c() === "#" && (this.p === 0 || isBlank(s[this.p - 1]))) this.skipComment();
      if (this.c() === "\n") {
        this.p++;
        crossed = true;
        continue;
      }
      return crossed;
    }
  }

  private atDocumentMarker(pos = this.p): boolean {
    if (this.col(pos) !== 0) return false;
    const m = this.s.slice(pos, pos + 3);
    return (m === "---" || m === "...") && isBlank(this.s[pos + 3]);
  }

  private atEnd(): boolean {
    return this.p >= this.s.length || this.atDocumentMarker();
  }

  /** Checks that the indentation of the current line (up to p) has no tabs. */
  private checkIndent(): void {
    const start = this.lineStarts[this.lineIndex(this.p)] as number;
    for (let i = start; i < this.p; i++) {
      if (this.s[i] === "\t") this.fail("found character that cannot start any token", i);
    }
  }

  // --- documents -----------------------------------------------------------

  parseStream(): Value {
    // Directives and the document start marker.
    for (;;) {
      this.skipToContent();
      if (this.c() === "%" && this.col() === 0) {
        const nl = this.s.indexOf("\n", this.p);
        this.p = nl === -1 ? this.s.length : nl;
        continue;
      }
      break;
    }
    if (this.p >= this.s.length) return null;
    if (this.s.startsWith("---", this.p) && this.atDocumentMarker()) {
      this.p += 3;
    } else if (this.s.startsWith("...", this.p) && this.atDocumentMarker()) {
      return null;
    }
    const v = this.parseNode(0, "top", -1);
    this.skipToContent();
    if (this.p < this.s.length && !this.atDocumentMarker()) {
      const c = this.col();
      if (c > 0) this.fail("mapping values are not allowed in this context");
      this.fail("did not find expected <document start>");
    }
    return v;
  }

  // --- block nodes ---------------------------------------------------------

  /**
   * Parses a node. minIndent is the smallest column allowed for content on a new
   * line; parentIndent the indentation of the parent collection (-1 at the top).
   */
  private parseNode(minIndent: number, ctx: Ctx, parentIndent: number, props: Props = {}): Value {
    const crossed = this.skipToContent();
    const inline = !crossed && ctx !== "top";
    if (this.atEnd()) return this.finish(null, props);
    const col = this.col();
    if (!inline) {
      if (col < minIndent) {
        // A block sequence may sit at the indentation of its parent mapping key.
        if (ctx === "value" && col === parentIndent && this.isSeqEntry()) {
          return this.finish(this.parseBlockSequence(col), props);
        }
        return this.finish(null, props);
      }
      this.checkIndent();
    }
    const c = this.c() as string;

    // Node properties.
    if ((c === "&" || c === "!") && !(props.anchor && props.tag)) {
      const start = this.p;
      const own = this.readProps();
      const merged: Props = { ...props, ...own };
      this.skipInline();
      if (this.c() === undefined || this.c() === "\n" || this.c() === "#") {
        // Content follows on the next lines.
        return this.parseNode(minIndent, ctx === "top" ? "top" : ctx, parentIndent, merged);
      }
      return this.parseInlineContent(ctx, parentIndent, merged, inline, start, true);
    }
    return this.parseInlineContent(ctx, parentIndent, props, inline, this.p, false);
  }

  /** Content starting at p (column col), possibly the first key of a block mapping. */
  private parseInlineContent(
    ctx: Ctx,
    parentIndent: number,
    props: Props,
    inline: boolean,
    startPos: number,
    propsOnKeyLine: boolean,
  ): Value {
    const c = this.c() as string;
    if (c === "-" && isBlank(this.s[this.p + 1])) {
      if (inline && ctx === "value") this.fail("block sequence entries are not allowed in this context");
      return this.finish(this.parseBlockSequence(this.col()), props);
    }
    if (c === "?" && isBlank(this.s[this.p + 1])) {
      if (inline && ctx === "value") this.fail("mapping keys are not allowed in this context");
      return this.finish(this.parseBlockMapping(this.col(), undefined, {}), props);
    }
    if (c === "|" || c === ">") {
      return this.finish(this.parseBlockScalar(parentIndent), props, true);
    }
    const keyStart = this.p;
    const keyLine = this.line();
    // A node that may be an implicit mapping key.
    let node: Value;
    let quoted = false;
    let plainText: string | undefined;
    if (c === "*") {
      node = this.parseAlias();
    } else if (c === "[" || c === "{") {
      node = this.parseFlow();
      quoted = true;
    } else if (c === '"' || c === "'") {
      node = c === '"' ? this.parseDoubleQuoted() : this.parseSingleQuoted();
      quoted = true;
    } else {
      this.checkPlainStart();
      plainText = this.readPlainLine(false);
      node = plainText;
    }
    // Implicit key?
    const save = this.p;
    this.skipInline();
    if (this.c() === ":" && isBlank(this.s[this.p + 1])) {
      if (this.line(keyStart) !== this.line()) this.fail("could not find expected ':'", keyStart);
      if (inline && ctx === "value") this.fail("mapping values are not allowed in this context");
      const keyProps = propsOnKeyLine ? props : {};
      const mapProps = propsOnKeyLine ? {} : props;
      const key: Key = {
        value:
          plainText !== undefined ? this.scalarValue(plainText, keyProps, false) : this.finish(node, keyProps, quoted),
        line: keyLine,
      };
      const colOfKey = this.col(startPos);
      return this.finish(this.parseBlockMapping(colOfKey, key, {}), mapProps);
    }
    this.p = save;
    if (plainText !== undefined) {
      // Multi-line plain scalar.
      const text = this.continuePlain(plainText, parentIndent + 1, false);
      return noMerge(this.scalarValue(text, props, false));
    }
    if (c === "*" && (props.anchor || props.tag)) this.fail("did not find expected node content");
    return this.finish(node, props, quoted);
  }

  private isSeqEntry(): boolean {
    return this.c() === "-" && isBlank(this.s[this.p + 1]);
  }

  private parseBlockSequence(indent: number): Value[] {
    const out: Value[] = [];
    for (;;) {
      // At "-".
      this.p++;
      out.push(this.parseNode(indent + 1, "entry", indent));
      this.skipToContent();
      if (this.atEnd()) return out;
      const col = this.col();
      if (col < indent) return out;
      if (col > indent) this.fail("did not find expected '-' indicator");
      if (!this.isSeqEntry()) {
        return out;
      }
    }
  }

  private readKey(indent: number): Key {
    // Explicit key.
    if (this.c() === "?" && isBlank(this.s[this.p + 1])) {
      const line = this.line();
      this.p++;
      const v = this.parseNode(indent + 1, "entry", indent);
      this.skipToContent();
      if (this.col() !== indent || this.c() !== ":" || !isBlank(this.s[this.p + 1])) {
        return { value: v, line, explicitNoValue: true } as Key;
      }
      return { value: v, line };
    }
    const line = this.line();
    let props: Props = {};
    if (this.c() === "&" || this.c() === "!") {
      props = this.readProps();
      this.skipInline();
    }
    const c = this.c();
    let key: Value | typeof MERGE;
    if (c === "*") key = this.parseAlias();
    else if (c === '"') key = this.finish(this.parseDoubleQuoted(), props, true);
    else if (c === "'") key = this.finish(this.parseSingleQuoted(), props, true);
    else if (c === "[" || c === "{") key = this.finish(this.parseFlow(), props, true);
    else {
      if (c === "-" && isBlank(this.s[this.p + 1])) this.fail("did not find expected key");
      this.checkPlainStart();
      const text = this.readPlainLine(false);
      key = this.scalarValue(text, props, false);
    }
    this.skipInline();
    if (!(this.c() === ":" && isBlank(this.s[this.p + 1]))) this.fail("could not find expected ':'");
    return { value: key, line };
  }

  private parseBlockMapping(indent: number, first: Key | undefined, _props: Props): ObjectValue {
    const out: ObjectValue = new Map();
    const keyLines = new Map<string, number>();
    const merges: Value[] = [];
    let key = first;
    for (;;) {
      if (key === undefined) key = this.readKey(indent);
      let value: Value;
      if ((key as Key & { explicitNoValue?: boolean }).explicitNoValue) {
        value = null;
      } else {
        this.p++; // ':'
        value = this.parseNode(indent + 1, "value", indent);
      }
      if (key.value === MERGE) {
        merges.push(value);
      } else {
        const k = keyString(key.value);
        const prev = keyLines.get(k);
        if (prev !== undefined) {
          throw duplicateKey(k, key.line, prev);
        }
        keyLines.set(k, key.line);
        out.set(k, value);
      }
      key = undefined;
      this.skipToContent();
      if (this.atEnd()) break;
      const col = this.col();
      if (col < indent) break;
      if (col > indent) this.fail("mapping values are not allowed in this context");
      if (this.isSeqEntry()) this.fail("did not find expected key");
    }
    if (merges.length > 0) applyMerges(out, merges, this);
    return out;
  }

  /** Reports a merge error at the current position. */
  mergeError(): never {
    this.fail("map merge requires map or sequence of maps as the value");
  }

  // --- properties, aliases ---------------------------------------------------

  private readProps(): Props {
    const props: Props = {};
    for (let n = 0; n < 2; n++) {
      const c = this.c();
      if (c === "&") {
        props.anchor = this.readAnchorName();
      } else if (c === "!") {
        const start = this.p;
        if (this.s[this.p + 1] === "<") {
          const end = this.s.indexOf(">", this.p);
          if (end === -1) this.fail("did not find the expected '>'");
          props.tag = this.s.slice(this.p + 2, end);
          this.p = end + 1;
        } else {
          while (this.p < this.s.length && !isBlank(this.c()) && !FLOW_INDICATORS.includes(this.c() as string))
            this.p++;
          const t = this.s.slice(start, this.p);
          props.tag = t.startsWith("!!") ? `tag:yaml.org,2002:${t.slice(2)}` : t;
        }
      } else break;
      this.skipInline();
    }
    return props;
  }

  private readAnchorName(): string {
    const start = ++this.p;
    while (this.p < this.s.length && /[0-9A-Za-z_-]/.test(this.s[this.p] as string)) this.p++;
    if (this.p === start) this.fail("did not find expected alphabetic or numeric character");
    return this.s.slice(start, this.p);
  }

  private parseAlias(): Value {
    const name = this.readAnchorName();
    if (!this.anchors.has(name)) throw new YAMLError(`unknown anchor '${name}' referenced`, 0, 0);
    return this.anchors.get(name) as Value;
  }

  /** Applies a tag and registers the anchor. */
  private finish(v: Value, props: Props, quoted = false): Value {
    if (props.tag !== undefined) v = this.applyTag(v, props.tag, quoted);
    if (props.anchor !== undefined) this.anchors.set(props.anchor, v);
    return v;
  }

  private scalarValue(text: string, props: Props, quoted: boolean): Value | typeof MERGE {
    if (props.tag === undefined && !quoted) {
      const r = resolvePlain(text);
      if (r === MERGE) return MERGE;
      if (props.anchor !== undefined) this.anchors.set(props.anchor, r);
      return r;
    }
    return this.finish(text, props, quoted);
  }

  private applyTag(v: Value, tag: string, quoted: boolean): Value {
    const std = "tag:yaml.org,2002:";
    if (!tag.startsWith(std)) {
      // Local or unknown tags: scalars stay strings, collections as they are.
      if (tag === "!" || typeof v !== "string") return v;
      return v;
    }
    const name = tag.slice(std.length);
    const text = typeof v === "string" ? v : undefined;
    const bad = (want: string): never => {
      this.fail(`cannot decode !!str \`${text ?? ""}\` as a !!${want}`);
    };
    switch (name) {
      case "str":
        if (text !== undefined) return text;
        return v;
      case "null":
        if (text === undefined || resolvePlain(text) === null) return null;
        return bad("null");
      case "bool": {
        if (text === undefined) return v;
        const r = resolvePlain(text);
        if (typeof r === "boolean") return r;
        return bad("bool");
      }
      case "int": {
        if (text === undefined) return v;
        const r = resolvePlain(text);
        if (r instanceof Num && r.kind !== "float") return r;
        return bad("int");
      }
      case "float": {
        if (text === undefined) return v;
        const r = resolvePlain(text);
        if (r instanceof Num) return Num.float(r.toNumber());
        return bad("float");
      }
      case "binary": {
        if (text === undefined) return v;
        try {
          return utf8Decoder.decode(base64Decode(text.replace(/[ \t\n]/g, "")));
        } catch {
          return this.fail("!!binary value contains invalid base64 data");
        }
      }
      case "timestamp":
        return v;
    }
    void quoted;
    return v;
  }

  // --- scalars ---------------------------------------------------------------

  private checkPlainStart(): void {
    const c = this.c() as string;
    if (c === "@" || c === "`" || c === "\t") this.fail("found character that cannot start any token");
    if (c === "%" && this.col() === 0) this.fail("found character that cannot start any token");
    if (c === "]" || c === "}") this.fail("did not find expected node content");
    if (c === ",") this.fail("did not find expected node content");
    if ((c === "-" || c === "?" || c === ":") && isBlank(this.s[this.p + 1])) {
      this.fail("did not find expected node content");
    }
  }

  /** Reads a plain scalar up to the end of the line (or ": ", " #", flow indicators in flow context). */
  private readPlainLine(flow: boolean): string {
    const s = this.s;
    const start = this.p;
    let end = this.p;
    while (this.p < s.length) {
      const c = s[this.p] as string;
      if (c === "\n") break;
      if (c === ":") {
        const n = s[this.p + 1];
        if (isBlank(n) || (flow && n !== undefined && FLOW_INDICATORS.includes(n))) break;
      }
      if (c === "#" && (s[this.p - 1] === " " || s[this.p - 1] === "\t")) break;
      if (flow && FLOW_INDICATORS.includes(c)) break;
      this.p++;
      if (c !== " " && c !== "\t") end = this.p;
    }
    this.p = end;
    return s.slice(start, end);
  }

  /** Continues a plain scalar over following lines indented at least minIndent. */
  private continuePlain(first: string, minIndent: number, flow: boolean): string {
    let text = first;
    for (;;) {
      const save = this.p;
      this.skipInline();
      if (this.c() === "#" || this.c() !== "\n") {
        this.p = save;
        return text;
      }
      // Count line breaks up to the next content.
      let breaks = 0;
      while (this.c() === "\n") {
        this.p++;
        breaks++;
        this.skipInline();
      }
      if (this.p >= this.s.length || this.c() === "#" || this.atDocumentMarker()) {
        this.p = save;
        return text;
      }
      const col = this.col();
      if (!flow && col < minIndent) {
        this.p = save;
        return text;
      }
      if (flow && FLOW_INDICATORS.includes(this.c() as string)) {
        this.p = save;
        return text;
      }
      const line = this.readPlainLine(flow);
      if (line === "") {
        this.p = save;
        return text;
      }
      text += breaks === 1 ? ` ${line}` : "\n".repeat(breaks - 1) + line;
      if (!flow) {
        const after = this.p;
        this.skipInline();
        if (this.c() === ":" && isBlank(this.s[this.p + 1]))
          this.fail("mapping values are not allowed in this context");
        this.p = after;
      }
    }
  }

  /** A whitespace run inside a quoted scalar: kept as is, unless a line break follows (then folded). */
  private quotedWhitespace(): string {
    const s = this.s;
    let q = this.p;
    while (s[q] === " " || s[q] === "\t") q++;
    if (s[q] === "\n") {
      this.p = q;
      return this.foldQuotedBreak();
    }
    const run = s.slice(this.p, q);
    this.p = q;
    return run;
  }

  /** Folds the line breaks of a multi-line quoted scalar starting at a "\n". */
  private foldQuotedBreak(): string {
    // Trailing whitespace before the break was already dropped by the caller.
    let breaks = 0;
    while (this.c() === "\n") {
      this.p++;
      breaks++;
      this.skipInline();
    }
    if (this.atDocumentMarker()) this.fail("found unexpected document indicator");
    return breaks === 1 ? " " : "\n".repeat(breaks - 1);
  }

  private parseSingleQuoted(): string {
    const s = this.s;
    const start = this.p;
    this.p++;
    let out = "";
    for (;;) {
      if (this.p >= s.length) this.fail("found unexpected end of stream", start);
      const c = s[this.p] as string;
      if (c === "'") {
        if (s[this.p + 1] === "'") {
          out += "'";
          this.p += 2;
          continue;
        }
        this.p++;
        return out;
      }
      if (c === " " || c === "\t" || c === "\n") {
        out += this.quotedWhitespace();
        continue;
      }
      out += c;
      this.p++;
    }
  }

  private parseDoubleQuoted(): string {
    const s = this.s;
    const start = this.p;
    this.p++;
    let out = "";
    for (;;) {
      if (this.p >= s.length) this.fail("found unexpected end of stream", start);
      const c = s[this.p] as string;
      if (c === '"') {
        this.p++;
        return out;
      }
      if (c === "\\") {
        const e = s[this.p + 1];
        this.p += 2;
        switch (e) {
          case "0":
            out += "\0";
            break;
          case "a":
            out += "\x07";
            break;
          case "b":
            out += "\b";
            break;
          case "t":
          case "\t":
            out += "\t";
            break;
          case "n":
            out += "\n";
            break;
          case "v":
            out += "\v";
            break;
          case "f":
            out += "\f";
            break;
          case "r":
            out += "\r";
            break;
          case "e":
            out += "\x1b";
            break;
          case " ":
            out += " ";
            break;
          case '"':
            out += '"';
            break;
          case "/":
            out += "/";
            break;
          case "\\":
            out += "\\";
            break;
          case "N":
            out += "\x85";
            break;
          case "_":
            out += "\xa0";
            break;
          case "L":
            out += "\u2028";
            break;
          case "P":
            out += "\u2029";
            break;
          case "x":
            out += this.hexEscape(2);
            break;
          case "u":
            out += this.hexEscape(4);
            break;
          case "U":
            out += this.hexEscape(8);
            break;
          case "\n":
            // Escaped line break: joined without a space; leading whitespace of the next line dropped.
            this.skipInline();
            while (this.c() === "\n") {
              out += "\n";
              this.p++;
              this.skipInline();
            }
            break;
          default:
            this.fail("found unknown escape character while parsing a quoted scalar", this.p - 2);
        }
        continue;
      }
      if (c === " " || c === "\t" || c === "\n") {
        out += this.quotedWhitespace();
        continue;
      }
      out += c;
      this.p++;
    }
  }

  private hexEscape(n: number): string {
    const h = this.s.slice(this.p, this.p + n);
    if (h.length < n || !/^[0-9a-fA-F]+$/.test(h)) {
      this.fail("did not find expected hexdecimal number while parsing a quoted scalar");
    }
    this.p += n;
    const cp = Number.parseInt(h, 16);
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      this.fail("found invalid Unicode character escape code while parsing a quoted scalar");
    }
    return String.fromCodePoint(cp);
  }

  private parseBlockScalar(parentIndent: number): string {
    const s = this.s;
    const literal = this.c() === "|";
    this.p++;
    let chomp: "clip" | "strip" | "keep" = "clip";
    let explicit = 0;
    for (let k = 0; k < 2; k++) {
      const c = this.c();
      if (c === "+" || c === "-") {
        chomp = c === "+" ? "keep" : "strip";
        this.p++;
      } else if (c !== undefined && c >= "1" && c <= "9") {
        explicit = c.charCodeAt(0) - 48;
        this.p++;
      } else if (c === "0") {
        this.fail("found an indentation indicator equal to 0");
      }
    }
    this.skipInline();
    if (this.c() === "#" && isBlank(s[this.p - 1])) this.skipComment();
    if (this.c() !== undefined && this.c() !== "\n") this.fail("did not find expected comment or line break");
    if (this.c() === "\n") this.p++;

    const minIndent = Math.max(parentIndent + 1, 1);
    let indent = explicit > 0 ? (parentIndent >= 0 ? parentIndent + explicit : explicit) : 0;
    let maxLeading = 0;
    const lines: { text: string; empty: boolean; br: boolean }[] = [];
    while (this.p < s.length) {
      const lineStart = this.p;
      if (this.atDocumentMarker(lineStart)) break;
      const nl = s.indexOf("\n", lineStart);
      const lineEnd = nl === -1 ? s.length : nl;
      const raw = s.slice(lineStart, lineEnd);
      let spaces = 0;
      while (raw.charCodeAt(spaces) === 32) spaces++;
      const onlySpaces = spaces === raw.length;
      if (indent === 0) {
        if (onlySpaces) {
          maxLeading = Math.max(maxLeading, spaces);
          lines.push({ text: "", empty: true, br: nl !== -1 });
          this.p = nl === -1 ? s.length : nl + 1;
          continue;
        }
        indent = Math.max(maxLeading, spaces, minIndent);
      }
      if (onlySpaces && spaces <= indent) {
        lines.push({ text: "", empty: true, br: nl !== -1 });
        this.p = nl === -1 ? s.length : nl + 1;
        continue;
      }
      if (spaces < indent) break;
      lines.push({ text: raw.slice(indent), empty: false, br: nl !== -1 });
      this.p = nl === -1 ? s.length : nl + 1;
    }

    let last = lines.length - 1;
    while (last >= 0 && (lines[last] as { empty: boolean }).empty) last--;
    const content = lines.slice(0, last + 1);
    const trailing = lines.slice(last + 1);
    let text = "";
    if (literal) {
      text = content.map((l) => l.text).join("\n");
    } else {
      let pending = 0;
      let first = true;
      let prevMore = false;
      for (const l of content) {
        if (l.empty) {
          pending++;
          continue;
        }
        const more = l.text[0] === " " || l.text[0] === "\t";
        if (first) text += "\n".repeat(pending);
        else if (!more && !prevMore) text += pending === 0 ? " " : "\n".repeat(pending);
        else text += "\n".repeat(pending + 1);
        text += l.text;
        pending = 0;
        first = false;
        prevMore = more;
      }
    }
    if (content.length === 0) {
      return chomp === "keep" ? "\n".repeat(trailing.filter((l) => l.br).length) : "";
    }
    const lastBreak = (content[content.length - 1] as { br: boolean }).br;
    switch (chomp) {
      case "strip":
        return text;
      case "clip":
        return lastBreak ? `${text}\n` : text;
      case "keep":
        return text + (lastBreak ? "\n" : "") + "\n".repeat(trailing.filter((l) => l.br).length);
    }
  }

  // --- flow collections -------------------------------------------------------

  private skipFlowSpace(): void {
    for (;;) {
      this.skipInline();
      if (this.c() === "#" && isBlank(this.s[this.p - 1])) this.skipComment();
      if (this.c() === "\n") {
        this.p++;
        continue;
      }
      return;
    }
  }

  private parseFlow(): Value {
    const open = this.c();
    const start = this.p;
    this.p++;
    if (open === "[") {
      const out: Value[] = [];
      for (;;) {
        this.skipFlowSpace();
        if (this.p >= this.s.length) this.fail("did not find expected ',' or ']'", start);
        if (this.c() === "]") {
          this.p++;
          return out;
        }
        const entryLine = this.line();
        const node = this.parseFlowNode();
        this.skipFlowSpace();
        if (
          this.c() === ":" &&
          (isBlank(this.s[this.p + 1]) || ",]".includes(this.s[this.p + 1] as string) || node.json)
        ) {
          // Single-pair mapping inside a sequence.
          this.p++;
          this.skipFlowSpace();
          const value = this.c() === "," || this.c() === "]" ? null : noMerge(this.parseFlowNode().value);
          const m: ObjectValue = new Map();
          m.set(keyString(node.value, entryLine), value);
          out.push(m);
          this.skipFlowSpace();
        } else {
          if (node.value === MERGE) out.push("<<");
          else out.push(node.value);
        }
        if (this.c() === ",") {
          this.p++;
          continue;
        }
        if (this.c() === "]") {
          this.p++;
          return out;
        }
        this.fail("did not find expected ',' or ']'");
      }
    }
    const out: ObjectValue = new Map();
    const keyLines = new Map<string, number>();
    const merges: Value[] = [];
    for (;;) {
      this.skipFlowSpace();
      if (this.p >= this.s.length) this.fail("did not find expected ',' or '}'", start);
      if (this.c() === "}") {
        this.p++;
        if (merges.length > 0) applyMerges(out, merges, this);
        return out;
      }
      if (this.c() === "?" && isBlank(this.s[this.p + 1])) {
        this.p++;
        this.skipFlowSpace();
      }
      const line = this.line();
      let key: Value | typeof MERGE = null;
      let json = false;
      if (this.c() !== ":") {
        const k = this.parseFlowNode();
        key = k.value;
        json = k.json;
      }
      this.skipFlowSpace();
      let value: Value = null;
      if (this.c() === ":" && (json || isBlank(this.s[this.p + 1]) || ",}".includes(this.s[this.p + 1] as string))) {
        this.p++;
        this.skipFlowSpace();
        if (this.c() !== "," && this.c() !== "}") value = noMerge(this.parseFlowNode().value);
        this.skipFlowSpace();
      }
      if (key === MERGE) merges.push(value);
      else {
        const k = keyString(key);
        const prev = keyLines.get(k);
        if (prev !== undefined) {
          throw duplicateKey(k, line, prev);
        }
        keyLines.set(k, line);
        out.set(k, value);
      }
      if (this.c() === ",") {
        this.p++;
        continue;
      }
      if (this.c() === "}") continue;
      this.fail("did not find expected ',' or '}'");
    }
  }

  /** A node inside a flow collection; json tells whether it was quoted or a collection. */
  private parseFlowNode(): { value: Value | typeof MERGE; json: boolean } {
    let props: Props = {};
    if (this.c() === "&" || this.c() === "!") {
      props = this.readProps();
      this.skipFlowSpace();
      if (this.c() === "," || this.c() === "]" || this.c() === "}")
        return { value: this.finish(null, props), json: false };
    }
    const c = this.c();
    if (c === "*") return { value: this.parseAlias(), json: false };
    if (c === "[" || c === "{") return { value: this.finish(this.parseFlow(), props), json: true };
    if (c === '"') return { value: this.finish(this.parseDoubleQuoted(), props, true), json: true };
    if (c === "'") return { value: this.finish(this.parseSingleQuoted(), props, true), json: true };
    if (c === undefined) this.fail("did not find expected node content");
    this.checkPlainStart();
    let text = this.readPlainLine(true);
    text = this.continuePlain(text, 0, true);
    return { value: this.scalarValue(text, props, false), json: false };
  }
}

function noMerge(v: Value | typeof MERGE): Value {
  return v === MERGE ? "<<" : v;
}

/** The string form of a mapping key (non-string keys as Go would print them). */
function keyString(k: Value | typeof MERGE, _line?: number): string {
  if (k === MERGE) return "<<";
  if (typeof k === "string") return k;
  if (k === null) return "";
  if (typeof k === "boolean") return k ? "true" : "false";
  if (k instanceof Num) return typeof k.n === "bigint" ? k.n.toString() : formatFloat(k.n, "g", -1);
  return JSON.stringify(k, (_key, v) => (v instanceof Map ? Object.fromEntries(v) : v));
}

function duplicateKey(k: string, line: number, prev: number): YAMLError {
  return new YAMLError(
    `unmarshal errors:\n  line ${line}: mapping key ${goQuote(k)} already defined at line ${prev}`,
    0,
    0,
  );
}

function applyMerges(out: ObjectValue, merges: Value[], p: Parser): void {
  const explicit = new Set(out.keys());
  const add = (m: Value) => {
    if (!(m instanceof Map)) p.mergeError();
    for (const [k, v] of m) {
      if (explicit.has(k)) continue;
      if (!out.has(k)) out.set(k, v);
    }
  };
  for (const m of merges) {
    if (Array.isArray(m)) for (const e of m) add(e);
    else add(m);
  }
}

/** Decodes the first YAML document of text into a value (null for an empty document). */
export function decodeYAML(text: string): Value {
  return new Parser(text).parseStream();
}
