// OpenMetrics 1.0 text format, after Prometheus's textparse.OpenMetricsParser
// (openmetricslex.l): single spaces as separators, no free comments, `# EOF` required
// and last, exemplars after ` # `, float timestamps in seconds, UNIT lines. Like
// Prometheus, the scrape path checks the syntax only; with strict: true the parser also
// applies the OpenMetrics 1.0 semantic rules (see OpenMetricsValidator) so that it
// passes the upstream OpenMetrics parser test suite.
import type { Labels, MetricType } from "@ingot/sdk";
import { asBuffer, decode, floatStatus, isValidUtf8, parseFloatBytes, unescapeValue } from "./bytes.js";
import { OpenMetricsValidator } from "./omvalidate.js";
import type { Entry, Exemplar } from "./parser.js";
import { isLabelChar, isLabelStart, isNameChar, isNameStart, TextParserBase } from "./textbase.js";

export interface OpenMetricsParserOptions {
  /** Apply OpenMetrics 1.0's semantic rules too (validation, not scraping). */
  strict?: boolean;
  /** Do not emit `<family>_created` samples of counters, histograms and summaries (Prometheus's skipCTSeries). */
  skipCreatedSeries?: boolean;
}

const TYPES: Record<string, MetricType> = {
  counter: "counter",
  gauge: "gauge",
  histogram: "histogram",
  gaugehistogram: "gaugehistogram",
  summary: "summary",
  info: "info",
  stateset: "stateset",
  unknown: "unknown",
};

export class OpenMetricsParser extends TextParserBase {
  private readonly validator?: OpenMetricsValidator;
  private readonly skipCreated: boolean;
  // Family of the last metadata line (for _created lookups and skipping).
  private famStart = 0;
  private famEnd = 0;
  private famType: MetricType = "unknown";
  // Exemplar of the current sample: label offsets in elo, value, timestamp.
  private elo = new Int32Array(16);
  private enl = 0;
  private hasEx = false;
  private exHi = false;
  private exEsc = false;
  private exVal = 0;
  private exTs: number | undefined;

  constructor(body: Uint8Array, options: OpenMetricsParserOptions = {}) {
    super(asBuffer(body));
    if (options.strict) this.validator = new OpenMetricsValidator();
    this.skipCreated = options.skipCreatedSeries === true;
  }

  next(): Entry {
    if (this.done) return "eof";
    for (;;) {
      const e = this.entry();
      if (e === "series") {
        if (this.validator) this.validate();
        if (this.skipCreated && this.isCreatedOfFamily()) continue;
      } else if (this.validator && e !== "eof") this.validateMeta(e);
      return e;
    }
  }

  private entry(): Entry {
    const b = this.b;
    const end = this.end;
    const i = this.pos;
    this.lineStart = i;
    this.hasEx = false;
    if (i >= end) {
      this.done = true;
      return this.fail("data does not end with # EOF", i);
    }
    const c = b[i] as number;
    if (c === 35) return this.comment(i);
    if (isNameStart(c)) return this.sample(i);
    return this.parseError("expected a valid start token", i);
  }

  private comment(i: number): Entry {
    const b = this.b;
    if (b[i + 1] !== 32) return this.parseError("expected a valid start token", i);
    i += 2;
    const w0 = b[i];
    const w1 = b[i + 1];
    const w2 = b[i + 2];
    if (w0 === 69 && w1 === 79 && w2 === 70) {
      // "EOF" then an optional newline, then nothing.
      let j = i + 3;
      if (b[j] === 10) j++;
      if (j < this.end) this.fail("unexpected data after # EOF", j);
      this.done = true;
      if (this.validator) {
        try {
          this.validator.eof();
        } catch (e) {
          this.fail((e as Error).message, i);
        }
      }
      return "eof";
    }
    let kind: Entry | undefined;
    if (b[i + 4] === 32) {
      const w3 = b[i + 3];
      if (w0 === 72 && w1 === 69 && w2 === 76 && w3 === 80) kind = "help";
      else if (w0 === 84 && w1 === 89 && w2 === 80 && w3 === 69) kind = "type";
      else if (w0 === 85 && w1 === 78 && w2 === 73 && w3 === 84) kind = "unit";
    }
    if (kind === undefined) return this.parseError("expected a valid start token", i);
    const what = kind.toUpperCase();
    i += 5;
    if (!isNameStart(b[i] as number)) return this.parseError(`expected metric name after ${what}`, i);
    const ns = i;
    while (isNameChar(b[i] as number)) i++;
    this.metaNameStart = ns;
    this.metaNameEnd = i;
    // Text: " " then anything up to the newline.
    const nl = b.indexOf(10, i);
    if (b[i] !== 32 || nl < 0) this.fail(`expected text in ${what}`, i);
    const ts = i + 1;
    let hi = false;
    for (let k = ts; k < nl; k++) if ((b[k] as number) >= 0x80) hi = true;
    this.textStart = ts;
    this.textEnd = nl;
    this.textHi = hi;
    this.pos = nl + 1;
    this.famStart = ns;
    this.famEnd = this.metaNameEnd;
    if (kind === "type") {
      const t = TYPES[b.latin1Slice(ts, nl)];
      if (t === undefined) this.fail(`invalid metric type ${JSON.stringify(b.latin1Slice(ts, nl))}`, ts);
      this.metaType = t;
      this.mtype = t;
      this.famType = t;
    } else if (kind === "help") {
      if (hi && !isValidUtf8(b, ts, nl)) this.fail(`help text ${this.q(ts, nl)} is not a valid utf8 string`, ts);
    } else {
      const n = this.metaNameEnd - ns;
      const u = nl - ts;
      if (u > 0) {
        const ok =
          n >= u + 1 &&
          b[this.metaNameEnd - u - 1] === 95 &&
          b.compare(b, ts, nl, this.metaNameEnd - u, this.metaNameEnd) === 0;
        if (!ok)
          this.fail(
            `unit ${JSON.stringify(b.latin1Slice(ts, nl))} not a suffix of metric ${JSON.stringify(this.metricFamily())}`,
            ts,
          );
      }
    }
    return kind;
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
    if (c === 123) {
      i = this.labelSet(i + 1, false);
      this.keyEnd = i;
      c = b[i] as number;
    }
    // Value: " " [^ \n]+
    if (c !== 32 || b[i + 1] === 32 || b[i + 1] === 10 || i + 1 >= this.end) {
      return this.parseError("expected value after metric", i);
    }
    let vs = ++i;
    c = b[i] as number;
    while (c !== 32 && c !== 10 && i < this.end) c = b[++i] as number;
    this.val = this.float(vs, i);
    this.ts = undefined;
    if (c === 32 && b[i + 1] !== 35) {
      // Timestamp: " " [^ \n]+ (float seconds).
      vs = ++i;
      c = b[i] as number;
      while (c !== 32 && c !== 10 && i < this.end) c = b[++i] as number;
      if (i === vs) return this.parseError("expected next entry after timestamp", i);
      const t = this.float(vs, i);
      if (!Number.isFinite(t)) this.fail(`invalid timestamp ${goF(t)}`, vs);
      this.ts = Math.trunc(t * 1000);
    }
    if (c === 32) {
      // Exemplar: " # {"
      if (b[i + 1] !== 35 || b[i + 2] !== 32 || b[i + 3] !== 123) {
        return this.parseError(
          this.ts === undefined ? "expected timestamp or comment" : "expected next entry after timestamp",
          i,
        );
      }
      i = this.exemplarAt(i + 4);
      c = b[i] as number;
    }
    if (i >= this.end) this.fail("data does not end with # EOF", i);
    if (c !== 10) return this.parseError("expected next entry after timestamp", i);
    this.pos = i + 1;
    return "series";
  }

  private exemplarAt(i: number): number {
    const b = this.b;
    // The label set goes into elo: swap buffers around labelSet.
    const saveLo = this.lo;
    const saveNl = this.nl;
    const saveHi = this.lhi;
    const saveEsc = this.lesc;
    this.lo = this.elo;
    this.nl = 0;
    this.lhi = false;
    this.lesc = false;
    i = this.labelSet(i, true);
    this.elo = this.lo;
    this.enl = this.nl;
    this.exHi = this.lhi;
    this.exEsc = this.lesc;
    this.lo = saveLo;
    this.nl = saveNl;
    this.lhi = saveHi;
    this.lesc = saveEsc;
    let c = b[i] as number;
    if (c !== 32 || i + 1 >= this.end || b[i + 1] === 32 || b[i + 1] === 10)
      return this.parseError("expected value after exemplar labels", i);
    let vs = ++i;
    c = b[i] as number;
    while (c !== 32 && c !== 10 && i < this.end) c = b[++i] as number;
    this.exVal = this.float(vs, i);
    this.exTs = undefined;
    if (c === 32) {
      vs = ++i;
      c = b[i] as number;
      while (c !== 32 && c !== 10 && i < this.end) c = b[++i] as number;
      if (i === vs) return this.parseError("expected timestamp or comment", i);
      const t = this.float(vs, i);
      if (!Number.isFinite(t)) this.fail(`invalid exemplar timestamp ${goF(t)}`, vs);
      this.exTs = Math.trunc(t * 1000);
      if (c !== 10) {
        if (i >= this.end) this.fail("data does not end with # EOF", i);
        return this.parseError("expected next entry after exemplar timestamp", i);
      }
    }
    this.hasEx = true;
    return i;
  }

  private float(s: number, e: number): number {
    const v = parseFloatBytes(this.b, s, e);
    if (!floatStatus.ok)
      this.fail(
        `strconv.ParseFloat: parsing ${this.q(s, e)}: ${floatStatus.message} while parsing: ${this.q(this.lineStart, e)}`,
        s,
      );
    return v;
  }

  /** Parses the label set after '{' (no blanks allowed); returns the offset past '}'. */
  private labelSet(i: number, exemplar: boolean): number {
    const b = this.b;
    let c = b[i] as number;
    for (;;) {
      if (c === 125) return i + 1;
      if (!isLabelStart(c)) return this.parseError("expected label name", i);
      const ls = i;
      c = b[++i] as number;
      while (isLabelChar(c)) c = b[++i] as number;
      const le = i;
      if (c !== 61) return this.parseError("expected equal", i);
      if (b[i + 1] !== 34) return this.parseError("expected label value", i + 1);
      i += 2;
      const vs = i;
      let hi = false;
      for (;;) {
        if (i >= this.end) return this.parseError("expected label value", vs - 1);
        c = b[i] as number;
        if (c === 34) break;
        if (c === 10) return this.parseError("expected label value", vs - 1);
        if (c === 92) {
          if (b[i + 1] === 10) return this.parseError("expected label value", vs - 1);
          if (exemplar) this.exEsc = true;
          this.lesc = true;
          i += 2;
          continue;
        }
        if (c >= 0x80) hi = true;
        i++;
      }
      const ve = i;
      if (hi) {
        if (!isValidUtf8(b, vs, ve)) this.fail(`invalid UTF-8 label value: ${this.q(vs - 1, ve + 1)}`, vs);
        this.lhi = true;
      }
      this.pushLabel(ls, le, vs, ve);
      c = b[++i] as number;
      if (c === 44) {
        c = b[++i] as number;
        // OpenMetrics forbids the trailing comma Prometheus accepts.
        if (c === 125 && this.validator) this.fail("trailing comma in label set", i);
      } else if (c !== 125) return this.parseError("expected comma or brace close", i);
    }
  }

  /** Whether the current sample's name is the metadata family's name plus a suffix its type allows. */
  private belongsToFamily(): boolean {
    const b = this.b;
    const fl = this.famEnd - this.famStart;
    const nl = this.nameEnd - this.nameStart;
    if (fl === 0 || nl < fl) return false;
    if (b.compare(b, this.famStart, this.famEnd, this.nameStart, this.nameStart + fl) !== 0) return false;
    if (nl === fl) return true;
    const suffix = b.latin1Slice(this.nameStart + fl, this.nameEnd);
    return suffixAllowed(this.famType, suffix);
  }

  private isCreatedOfFamily(): boolean {
    const t = this.famType;
    if (t !== "counter" && t !== "histogram" && t !== "summary" && t !== "gaugehistogram") return false;
    const b = this.b;
    const fl = this.famEnd - this.famStart;
    return (
      this.nameEnd - this.nameStart === fl + 8 &&
      b.latin1Slice(this.nameEnd - 8, this.nameEnd) === "_created" &&
      b.compare(b, this.famStart, this.famEnd, this.nameStart, this.nameStart + fl) === 0
    );
  }

  override labels(): Labels {
    // The sample's family type (for le/quantile normalisation): the metadata family's
    // when the name belongs to it; resolved here, off the per-sample path.
    this.mtype = this.belongsToFamily() ? this.famType : "unknown";
    return super.labels();
  }

  override exemplar(): Exemplar | undefined {
    if (!this.hasEx) return undefined;
    const b = this.b;
    const pairs: string[] = [];
    for (let k = 0; k < this.enl; k++) {
      const name = b.latin1Slice(this.elo[4 * k] as number, this.elo[4 * k + 1] as number);
      let value = decode(b, this.elo[4 * k + 2] as number, this.elo[4 * k + 3] as number, this.exHi);
      if (this.exEsc) value = unescapeValue(value);
      pairs.push(name, value);
    }
    return { labels: sortPairs(pairs), value: this.exVal, timestamp: this.exTs };
  }

  /**
   * The created timestamp (ms) of the current counter/histogram/summary sample: the value
   * of the family's `_created` sample with the same labels (le/quantile aside), looked up
   * ahead in the family's lines. Costs a scan of the family: call it only when needed.
   */
  override createdTimestamp(): number | undefined {
    const t = this.famType;
    if (t !== "counter" && t !== "histogram" && t !== "summary") return undefined;
    if (!this.belongsToFamily() || this.isCreatedOfFamily()) return undefined;
    const want = identity(this.labels());
    const fam = this.b.latin1Slice(this.famStart, this.famEnd);
    const created = `${fam}_created`;
    const sub = new OpenMetricsParser(this.b.subarray(this.pos));
    try {
      for (let e = sub.next(); e === "series"; e = sub.next()) {
        const name = sub.metricName();
        if (!name.startsWith(fam)) return undefined;
        if (name === created && identity(sub.labels()) === want) return Math.trunc(sub.value() * 1000);
      }
    } catch {
      // Lookahead past a syntax error: no created timestamp.
    }
    return undefined;
  }

  override help(): string {
    return unescapeValue(decode(this.b, this.textStart, this.textEnd, this.textHi));
  }

  override unit(): string {
    return this.b.latin1Slice(this.textStart, this.textEnd);
  }

  // ---- strict validation hooks ----

  private validate(): void {
    const v = this.validator as OpenMetricsValidator;
    const ex = this.hasEx ? this.exemplarInfo() : undefined;
    // The label values as written (no le/quantile normalisation) for the checks.
    this.mtype = "unknown";
    const labels = super.labels();
    try {
      v.sample(this.metricName(), labels, this.val, this.ts, ex);
    } catch (e) {
      this.fail((e as Error).message, this.lineStart);
    }
  }

  private exemplarInfo(): { runes: number } {
    // Code points of the exemplar's label names and values (OpenMetrics caps them at 128).
    let runes = 0;
    const b = this.b;
    for (let k = 0; k < 4 * this.enl; k += 2) {
      const str = unescapeValue(b.utf8Slice(this.elo[k] as number, this.elo[k + 1] as number));
      for (const _ of str) runes++;
    }
    return { runes };
  }

  private validateMeta(e: Entry): void {
    const v = this.validator as OpenMetricsValidator;
    try {
      if (e === "type") v.type(this.metricFamily(), this.metaType);
      else if (e === "help") v.help(this.metricFamily());
      else if (e === "unit") v.unit(this.metricFamily(), this.unit());
    } catch (err) {
      this.fail((err as Error).message, this.lineStart);
    }
  }
}

/** Suffixes a family's sample names may carry, by type (OpenMetrics 1.0). */
export function suffixAllowed(t: MetricType, suffix: string): boolean {
  switch (t) {
    case "counter":
      return suffix === "_total" || suffix === "_created";
    case "histogram":
      return suffix === "_bucket" || suffix === "_count" || suffix === "_sum" || suffix === "_created";
    case "gaugehistogram":
      return suffix === "_bucket" || suffix === "_gcount" || suffix === "_gsum";
    case "summary":
      return suffix === "_count" || suffix === "_sum" || suffix === "_created";
    case "info":
      return suffix === "_info";
    default:
      return false;
  }
}

function sortPairs(pairs: string[]): Labels {
  const idx: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) idx.push(i);
  idx.sort((a, c) =>
    (pairs[a] as string) < (pairs[c] as string) ? -1 : (pairs[a] as string) > (pairs[c] as string) ? 1 : 0,
  );
  const out: string[] = [];
  for (const i of idx) out.push(pairs[i] as string, pairs[i + 1] as string);
  return out;
}

/** A label set without __name__, le and quantile, as a comparable string. */
function identity(l: Labels): string {
  let s = "";
  for (let i = 0; i < l.length; i += 2) {
    const n = l[i] as string;
    if (n === "__name__" || n === "le" || n === "quantile") continue;
    s += `${n}\xff${l[i + 1]}\xff`;
  }
  return s;
}

/** Go's %f of a non-finite float. */
function goF(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}
