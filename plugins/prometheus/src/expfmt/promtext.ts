// Prometheus text exposition format 0.0.4, after Prometheus's textparse.PromParser
// (promlex.l): the same tokens, acceptance rules and error messages, scanned by hand
// over the body bytes. With strict: true it also applies the rules of prometheus/common
// expfmt's TextParser (what `promtool check metrics` enforces): a final newline, only
// \\ \" \n escapes, no raw newline in label values, no __name__ label, no duplicate
// label names, one HELP and one TYPE per family and TYPE before the family's samples,
// float le/quantile values.
import { Buffer } from "node:buffer";
import type { MetricType } from "@ingot/sdk";
import { asBuffer, type Bytes, floatStatus, isValidUtf8, parseFloatBytes, parseIntBytes } from "./bytes.js";
import type { Entry } from "./parser.js";
import { isLabelChar, isLabelStart, isNameChar, isNameStart, TextParserBase } from "./textbase.js";

export interface TextParserOptions {
  /** Also enforce prometheus/common expfmt's TextParser rules (validation, not scraping). */
  strict?: boolean;
}

const TYPES: Record<string, MetricType> = {
  counter: "counter",
  gauge: "gauge",
  histogram: "histogram",
  summary: "summary",
  untyped: "unknown",
};

export class PromTextParser extends TextParserBase {
  private readonly strict: boolean;
  // Strict-mode bookkeeping: family -> seen HELP/TYPE/samples.
  private helpSeen?: Set<string>;
  private typeSeen?: Map<string, MetricType>;
  private samplesSeen?: Set<string>;
  private readonly missingNewline: boolean;

  constructor(body: Uint8Array, options: TextParserOptions = {}) {
    const b = asBuffer(body);
    const missing = b.length > 0 && b[b.length - 1] !== 10;
    // Prometheus appends a newline to the body (expfmt rejects a body without one).
    let c = b;
    if (missing) {
      c = Buffer.allocUnsafe(b.length + 1) as Bytes;
      b.copy(c);
      c[b.length] = 10;
    }
    super(c);
    this.strict = options.strict === true;
    this.missingNewline = missing;
    if (this.strict) {
      this.helpSeen = new Set();
      this.typeSeen = new Map();
      this.samplesSeen = new Set();
    }
  }

  next(): Entry {
    const b = this.b;
    const end = this.end;
    if (this.done) return "eof";
    for (;;) {
      let i = this.pos;
      this.lineStart = i;
      // Leading blanks.
      let c = b[i] as number;
      while (c === 32 || c === 9) c = b[++i] as number;
      if (i >= end || c === 0) {
        this.done = true;
        return "eof";
      }
      if (c === 10) {
        this.pos = i + 1;
        continue;
      }
      if (this.strict && this.missingNewline && b.indexOf(10, i) === end - 1)
        this.fail("unexpected end of input stream", end - 1);
      if (c === 35) return this.comment(i);
      if (isNameStart(c)) return this.sample(i);
      this.pos = i;
      return this.parseError("expected a valid start token", i);
    }
  }

  private comment(i: number): Entry {
    const b = this.b;
    i++;
    let c = b[i] as number;
    if (c === 32 || c === 9) {
      while (c === 32 || c === 9) c = b[++i] as number;
      const isHelp = c === 72 && b[i + 1] === 69 && b[i + 2] === 76 && b[i + 3] === 80;
      const isType = c === 84 && b[i + 1] === 89 && b[i + 2] === 80 && b[i + 3] === 69;
      const after = b[i + 4];
      if ((isHelp || isType) && (after === 32 || after === 9)) return this.meta(i + 4, isHelp);
    }
    // A plain comment: consume to the end of the line.
    const nl = b.indexOf(10, i);
    this.textStart = i;
    this.textEnd = nl;
    this.pos = nl + 1;
    return "comment";
  }

  private meta(i: number, isHelp: boolean): Entry {
    const b = this.b;
    const what = isHelp ? "HELP" : "TYPE";
    let c = b[i] as number;
    while (c === 32 || c === 9) c = b[++i] as number;
    if (c === 10 && this.strict) {
      // expfmt reads "# HELP " alone as a comment; promlex rejects it.
      this.textStart = i;
      this.textEnd = i;
      this.pos = i + 1;
      return "comment";
    }
    if (!isNameStart(c)) return this.parseError(`expected metric name after ${what}`, i);
    const ns = i;
    while (isNameChar(b[i] as number)) i++;
    this.metaNameStart = ns;
    this.metaNameEnd = i;
    // The rest of the line is the text: promlex's {C}* token minus its first byte, or
    // nothing when the rest is only blanks.
    const nl = b.indexOf(10, i);
    let allBlank = true;
    let hi = false;
    for (let k = i; k < nl; k++) {
      const d = b[k] as number;
      if (d !== 32 && d !== 9) allBlank = false;
      if (d >= 0x80) hi = true;
    }
    let ts = allBlank || nl === i ? nl : i + 1;
    // NUL bytes in the text are skipped by the lexer; keep them (rare).
    if (ts > nl) ts = nl;
    this.textStart = ts;
    this.textEnd = nl;
    this.textHi = hi;
    this.pos = nl + 1;
    if (isHelp) {
      if (hi && !isValidUtf8(b, ts, nl)) this.fail(`help text ${this.q(ts, nl)} is not a valid utf8 string`, ts);
      if (this.strict) this.strictHelp(ts, nl);
      return "help";
    }
    const t = TYPES[b.latin1Slice(ts, nl)];
    if (t === undefined) this.fail(`invalid metric type ${JSON.stringify(b.latin1Slice(ts, nl))}`, ts);
    this.metaType = t;
    this.mtype = t;
    if (this.strict) this.strictType(t);
    return "type";
  }

  private sample(i: number): Entry {
    const b = this.b;
    const ns = i;
    let c = b[++i] as number;
    while (isNameChar(c)) c = b[++i] as number;
    this.nameStart = ns;
    this.nameEnd = i;
    this.keyEnd = i;
    this.nl = 0;
    this.lhi = false;
    this.lesc = false;
    while (c === 32 || c === 9) c = b[++i] as number;
    if (c === 123) {
      i = this.labelSet(i + 1);
      this.keyEnd = i;
      c = b[i] as number;
      while (c === 32 || c === 9) c = b[++i] as number;
    }
    // Value: [^{ \t\n]+
    const vs = i;
    while (c !== 123 && c !== 32 && c !== 9 && c !== 10) c = b[++i] as number;
    if (i === vs) {
      this.pos = i;
      return this.parseError("expected value after metric", i);
    }
    const v = parseFloatBytes(b, vs, i);
    if (!floatStatus.ok) {
      if (this.strict) this.fail(`expected float as value, got ${this.q(vs, i)}`, vs);
      this.fail(
        `strconv.ParseFloat: parsing ${this.q(vs, i)}: ${floatStatus.message} while parsing: ${this.q(this.lineStart, i)}`,
        vs,
      );
    }
    this.val = v;
    while (c === 32 || c === 9) c = b[++i] as number;
    if (c === 10) {
      this.ts = undefined;
    } else if ((c >= 48 && c <= 57) || (this.strict && (c === 45 || c === 43))) {
      // expfmt (strict) takes a signed timestamp; promlex only digits.
      const ts0 = i;
      if (c === 45 || c === 43) c = b[++i] as number;
      while (c >= 48 && c <= 57) c = b[++i] as number;
      const t = parseIntBytes(b, ts0, i, this.strict);
      if (t === undefined)
        this.fail(
          `strconv.ParseInt: parsing ${this.q(ts0, i)}: value out of range while parsing: ${this.q(this.lineStart, i)}`,
          ts0,
        );
      this.ts = t;
      while (c === 32 || c === 9) c = b[++i] as number;
      if (c !== 10) {
        if (this.strict) this.fail(`spurious string after timestamp: ${this.q(i, b.indexOf(10, i))}`, i);
        return this.parseError("expected next entry after timestamp", i);
      }
    } else {
      if (this.strict) {
        const nl = b.indexOf(10, i);
        this.fail(`expected integer as timestamp, got ${this.q(i, nl)}`, i);
      }
      return this.parseError("expected timestamp or new record", i);
    }
    this.pos = i + 1;
    if (this.strict) this.strictSample();
    return "series";
  }

  /** Parses the label set after '{'; returns the offset just past '}'. */
  private labelSet(i: number): number {
    const b = this.b;
    let c = b[i] as number;
    for (;;) {
      while (c === 32 || c === 9) c = b[++i] as number;
      if (c === 125) return i + 1;
      if (!isLabelStart(c)) return this.parseError("expected label name", i);
      const ls = i;
      c = b[++i] as number;
      while (isLabelChar(c)) c = b[++i] as number;
      const le = i;
      while (c === 32 || c === 9) c = b[++i] as number;
      if (c !== 61) {
        if (this.strict) this.fail(`expected '=' after label name, found ${JSON.stringify(String.fromCharCode(c))}`, i);
        return this.parseError("expected equal", i);
      }
      c = b[++i] as number;
      while (c === 32 || c === 9) c = b[++i] as number;
      if (c !== 34) {
        if (this.strict)
          this.fail(`expected '"' at start of label value, found ${JSON.stringify(String.fromCharCode(c))}`, i);
        return this.parseError("expected label value", i);
      }
      const vs = ++i;
      let hi = false;
      for (;;) {
        if (i >= this.end) return this.parseError("expected label value", vs - 1);
        c = b[i] as number;
        if (c === 34) break;
        if (c === 92) {
          this.lesc = true;
          if (this.strict) {
            const e = b[i + 1] as number;
            if (e !== 92 && e !== 34 && e !== 110)
              this.fail(`invalid escape sequence '\\${String.fromCharCode(e)}'`, i);
          }
          i += 2;
          continue;
        }
        if (c >= 0x80) hi = true;
        else if (c === 10 && this.strict) this.fail(`label value ${this.q(vs, i)} contains unescaped new-line`, i);
        i++;
      }
      const ve = i;
      if (hi) {
        if (!isValidUtf8(b, vs, ve)) this.fail(`invalid UTF-8 label value: ${this.q(vs - 1, ve + 1)}`, vs);
        this.lhi = true;
      }
      this.pushLabel(ls, le, vs, ve);
      c = b[++i] as number;
      while (c === 32 || c === 9) c = b[++i] as number;
      if (c === 44) c = b[++i] as number;
      else if (this.strict && c !== 125) {
        this.fail(`unexpected end of label value ${this.q(vs, ve)}`, i);
      }
    }
  }

  // ---- strict (expfmt) checks ----

  private strictHelp(ts: number, te: number): void {
    const b = this.b;
    for (let k = ts; k < te; k++) {
      if (b[k] === 92) {
        const e = b[k + 1] as number;
        if (e !== 92 && e !== 110) this.fail(`invalid escape sequence '\\${String.fromCharCode(e)}'`, k);
        k++;
      }
    }
    // expfmt ignores a HELP line that ends right after the name.
    if (this.b[this.metaNameEnd] === 10) return;
    const name = this.metricFamily();
    const seen = this.helpSeen as Set<string>;
    if (seen.has(name)) this.fail(`second HELP line for metric name ${JSON.stringify(name)}`, ts);
    seen.add(name);
  }

  private strictType(t: MetricType): void {
    const name = this.metricFamily();
    const types = this.typeSeen as Map<string, MetricType>;
    if (types.has(name) || this.samplesSeen?.has(name))
      this.fail(
        `second TYPE line for metric name ${JSON.stringify(name)}, or TYPE reported after samples`,
        this.pos - 1,
      );
    types.set(name, t);
  }

  private strictSample(): void {
    const name = this.metricName();
    const types = this.typeSeen as Map<string, MetricType>;
    let family = name;
    let type = types.get(name) ?? "unknown";
    const us = name.lastIndexOf("_");
    if (us > 0) {
      const suffix = name.slice(us);
      const bt = types.get(name.slice(0, us));
      if (
        (suffix === "_bucket" && bt === "histogram") ||
        ((suffix === "_sum" || suffix === "_count") && (bt === "histogram" || bt === "summary"))
      ) {
        family = name.slice(0, us);
        type = bt;
      }
    }
    (this.samplesSeen as Set<string>).add(family);
    const b = this.b;
    const seen = new Set<string>();
    for (let k = 0; k < this.nl; k++) {
      const ln = b.latin1Slice(this.lo[4 * k] as number, this.lo[4 * k + 1] as number);
      if (ln === "__name__") this.fail(`label name "__name__" is reserved`, this.lineStart);
      if (seen.has(ln)) this.fail(`duplicate label names for metric ${JSON.stringify(name)}`, this.lineStart);
      seen.add(ln);
      const mustFloat =
        (type === "summary" && ln === "quantile" && family === name) ||
        (type === "histogram" && ln === "le" && family !== name && name.endsWith("_bucket"));
      if (mustFloat) {
        parseFloatBytes(b, this.lo[4 * k + 2] as number, this.lo[4 * k + 3] as number);
        if (!floatStatus.ok)
          this.fail(
            `expected float as value for '${ln}' label, got ${this.q(this.lo[4 * k + 2] as number, this.lo[4 * k + 3] as number)}`,
            this.lineStart,
          );
      }
    }
  }
}
