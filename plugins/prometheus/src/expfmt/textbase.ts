// State and accessors shared by the two text parsers (Prometheus 0.0.4 and OpenMetrics):
// the current sample is kept as offsets into the body; strings are only made when asked.
import type { Labels, MetricType, NativeHistogram } from "@ingot/sdk";
import { type Bytes, decode, normalizeFloatLabel, unescapeValue } from "./bytes.js";
import { type Entry, type Exemplar, type ExpositionParser, ParseError } from "./parser.js";

export abstract class TextParserBase implements ExpositionParser {
  protected readonly b: Bytes;
  protected readonly end: number;
  protected pos = 0;
  /** Start of the current line (for error messages). */
  protected lineStart = 0;
  protected done = false;

  // Current sample.
  protected nameStart = 0;
  protected nameEnd = 0;
  protected keyEnd = 0;
  /** [nameStart, nameEnd, valueStart, valueEnd] per label. */
  protected lo = new Int32Array(64);
  protected nl = 0;
  /** A label value of the current sample holds a byte >= 0x80 / a backslash. */
  protected lhi = false;
  protected lesc = false;
  protected val = 0;
  protected ts: number | undefined = undefined;
  /** Type of the family the current sample belongs to (for le/quantile normalisation). */
  protected mtype: MetricType = "unknown";

  // Current metadata entry.
  protected metaNameStart = 0;
  protected metaNameEnd = 0;
  protected textStart = 0;
  protected textEnd = 0;
  protected textHi = false;
  protected metaType: MetricType = "unknown";

  constructor(body: Bytes) {
    this.b = body;
    this.end = body.length;
  }

  abstract next(): Entry;

  seriesKey(): string {
    return this.b.latin1Slice(this.nameStart, this.keyEnd);
  }

  /** Start and end offsets of the series key bytes in the body (to hash without a string). */
  seriesKeyStart(): number {
    return this.nameStart;
  }
  seriesKeyEnd(): number {
    return this.keyEnd;
  }
  /** The body being parsed. */
  body(): Bytes {
    return this.b;
  }

  /** The metric name of the current sample (cheaper than labels()). */
  metricName(): string {
    return this.b.latin1Slice(this.nameStart, this.nameEnd);
  }

  labels(): Labels {
    const b = this.b;
    const lo = this.lo;
    const n = this.nl;
    const out: string[] = new Array(2 * n + 2);
    out[0] = "__name__";
    out[1] = b.latin1Slice(this.nameStart, this.nameEnd);
    const norm = this.mtype === "histogram" ? "le" : this.mtype === "summary" ? "quantile" : "";
    for (let i = 0; i < n; i++) {
      const name = b.latin1Slice(lo[4 * i] as number, lo[4 * i + 1] as number);
      let value = decode(b, lo[4 * i + 2] as number, lo[4 * i + 3] as number, this.lhi);
      if (this.lesc) value = unescapeValue(value);
      if (name === norm) value = normalizeFloatLabel(value);
      out[2 * i + 2] = name;
      out[2 * i + 3] = value;
    }
    // Insertion sort of the pairs by name (label sets are small).
    for (let i = 1; i <= n; i++) {
      const kn = out[2 * i] as string;
      const kv = out[2 * i + 1] as string;
      let j = i - 1;
      while (j >= 0 && (out[2 * j] as string) > kn) {
        out[2 * j + 2] = out[2 * j] as string;
        out[2 * j + 3] = out[2 * j + 1] as string;
        j--;
      }
      out[2 * j + 2] = kn;
      out[2 * j + 3] = kv;
    }
    return out;
  }

  value(): number {
    return this.val;
  }
  timestamp(): number | undefined {
    return this.ts;
  }
  histogram(): NativeHistogram {
    throw new Error("the text formats carry no native histograms");
  }
  exemplar(): Exemplar | undefined {
    return undefined;
  }
  createdTimestamp(): number | undefined {
    return undefined;
  }
  metricFamily(): string {
    return this.b.latin1Slice(this.metaNameStart, this.metaNameEnd);
  }
  metricType(): MetricType {
    return this.metaType;
  }
  help(): string {
    return unescapeValue(decode(this.b, this.textStart, this.textEnd, this.textHi), true);
  }
  unit(): string {
    return this.b.latin1Slice(this.textStart, this.textEnd);
  }

  protected pushLabel(ns: number, ne: number, vs: number, ve: number): void {
    const i = this.nl * 4;
    if (i + 4 > this.lo.length) {
      const g = new Int32Array(this.lo.length * 2);
      g.set(this.lo);
      this.lo = g;
    }
    const lo = this.lo;
    lo[i] = ns;
    lo[i + 1] = ne;
    lo[i + 2] = vs;
    lo[i + 3] = ve;
    this.nl++;
  }

  /** 1-based line number of a body offset. */
  protected lineOf(at: number): number {
    let n = 1;
    const b = this.b;
    for (let i = 0; i < at && i < this.end; i++) if (b[i] === 10) n++;
    return n;
  }

  protected fail(message: string, at = this.pos): never {
    this.done = true;
    throw new ParseError(message, this.lineOf(Math.min(at, this.end)));
  }

  /** Go's %q-ish quoting of body bytes for error messages. */
  protected q(start: number, end: number): string {
    return JSON.stringify(this.b.toString("utf8", start, Math.min(end, this.end)));
  }

  /** Prometheus's parseError: "<exp>, got "<token>" (<TOKEN>) while parsing: "<line so far>"". */
  protected parseError(exp: string, at: number): never {
    const c = at < this.end ? (this.b[at] as number) : -1;
    const tok = c === -1 || c === 0 ? "EOF" : c === 10 ? "LINEBREAK" : "INVALID";
    return this.fail(
      `${exp}, got ${this.q(at, at + 1)} ("${tok}") while parsing: ${this.q(this.lineStart, at + 1)}`,
      at,
    );
  }
}

export const isNameStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
export const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (c >= 48 && c <= 57);
export const isLabelStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
export const isLabelChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
