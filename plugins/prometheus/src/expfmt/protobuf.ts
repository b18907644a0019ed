// Prometheus protobuf exposition (varint-delimited io.prometheus.client.MetricFamily),
// decoded by hand at the byte level after Prometheus's textparse.ProtobufParser: per
// family help then (unit, when set) type, then per metric its classic series (counter,
// gauge, untyped; summary _count, _sum, quantiles; histogram _count, _sum, buckets with
// a synthetic +Inf) or, when the family's first histogram is native, one "histogram"
// entry (plus the classic series when classicHistograms is set). Nothing is decoded
// before it is needed: the family's metrics are kept as byte ranges.
import type { Labels, MetricType, NativeHistogram } from "@ingot/sdk";
import { WireReader } from "../protowire/reader.js";
import { asBuffer, type Bytes, formatOpenMetricsFloat, isValidUtf8 } from "./bytes.js";
import { type Entry, type Exemplar, type ExpositionParser, ParseError } from "./parser.js";

export interface ProtobufParserOptions {
  /** Also emit the classic series of native histograms that have classic buckets (scrape_classic_histograms). */
  classicHistograms?: boolean;
}

const TYPES: MetricType[] = ["counter", "gauge", "summary", "unknown", "histogram", "gaugehistogram"];
const LEGACY_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Whether b[s, e) is a legacy label name ([a-zA-Z_][a-zA-Z0-9_]*). */
function legacyLabelName(b: Bytes, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > s && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

const parseError = (message: string) => new ParseError(message);

/** Reads a google.protobuf.Timestamp message [s, e) as ms (with r, whose position it restores). */
function timestampMs(r: WireReader, s: number, e: number): number {
  const pos = r.pos;
  const end = r.end;
  r.pos = s;
  r.end = e;
  let sec = 0;
  let nanos = 0;
  while (r.pos < e) {
    const tag = r.uvarint();
    if (tag === 8) sec = r.int64();
    else if (tag === 16) nanos = r.uvarint();
    else r.skip(tag & 7);
  }
  r.pos = pos;
  r.end = end;
  return sec * 1000 + Math.trunc(nanos / 1e6);
}

export class ProtobufParser implements ExpositionParser {
  private readonly b: Bytes;
  private readonly r: WireReader; // families
  private readonly mr: WireReader; // a family's metric
  private readonly vr: WireReader; // a metric's value
  private readonly lr: WireReader; // a label pair
  private readonly sr: WireReader; // a histogram bucket or span
  private readonly xr: WireReader; // an exemplar, a timestamp
  private readonly classic: boolean;
  private state: Entry | "start" = "start";
  // Family.
  private famName = "";
  private helpS = 0;
  private helpE = 0;
  private unitS = 0;
  private unitE = 0;
  private type: MetricType = "unknown";
  private metrics = new Int32Array(64); // [start, end] per metric
  private nMetrics = 0;
  private metricPos = 0;
  private native = false;
  // Current metric.
  private lo = new Int32Array(32); // [ns, ne, vs, ve] per label
  private nl = 0;
  private labelsStart = 0;
  private labelsEnd = 0;
  private labelsHi = false;
  private ts: number | undefined;
  private simple = 0; // gauge/counter/untyped value
  private ctS = -1;
  private ctE = -1;
  private exS = -1; // counter exemplar
  private exE = -1;
  private count = 0;
  private countFloat = 0;
  private sum = 0;
  private fv = new Float64Array(64); // quantile (q, v) pairs or bucket (ub, count, countFloat) triples
  private fex = new Int32Array(64); // bucket exemplar ranges
  private nf = 0;
  private h: NativeHistogram | undefined;
  private nativeEx = new Int32Array(16);
  private nNativeEx = 0;
  // Position in the metric's series: -2 _count, -1 _sum, >= 0 quantile/bucket index.
  private fieldPos = -2;
  private fieldsDone = false;
  private redoClassic = false;
  private suffix = "";
  private magicName = "";
  private magicValue = "";
  private val = 0;
  private curEx = -1; // range start of the current sample's exemplar (in exS/exE terms)
  private curExE = -1;

  constructor(body: Uint8Array, options: ProtobufParserOptions = {}) {
    this.b = asBuffer(body);
    this.r = new WireReader(this.b, 0, this.b.length, parseError);
    this.mr = this.r.sub(0, 0);
    this.vr = this.r.sub(0, 0);
    this.lr = this.r.sub(0, 0);
    this.sr = this.r.sub(0, 0);
    this.xr = this.r.sub(0, 0);
    this.classic = options.classicHistograms === true;
  }

  next(): Entry {
    try {
      return this.advance();
    } catch (e) {
      this.state = "eof";
      if (e instanceof ParseError) throw e;
      throw new ParseError((e as Error).message);
    }
  }

  private advance(): Entry {
    switch (this.state) {
      case "eof":
        return "eof";
      case "start":
        for (;;) {
          if (this.r.pos >= this.b.length) {
            this.state = "eof";
            return "eof";
          }
          this.readFamily();
          if (this.nMetrics > 0) break;
        }
        this.state = "help";
        return "help";
      case "help":
        if (this.unitE > this.unitS) {
          this.state = "unit";
          return "unit";
        }
        return this.typeEntry();
      case "unit":
        return this.typeEntry();
      case "type":
        this.metricPos = 0;
        this.loadMetric();
        return this.emitFirst();
      default:
        return this.step();
    }
  }

  private typeEntry(): Entry {
    this.state = "type";
    return "type";
  }

  /** The first entry of the current metric. */
  private emitFirst(): Entry {
    this.fieldPos = -2;
    this.fieldsDone = false;
    if (this.native) {
      this.redoClassic = this.classic && this.nf > 0;
      this.state = "histogram";
      this.suffix = "";
      this.magicName = "";
      this.curEx = -1;
      return "histogram";
    }
    return this.series();
  }

  private step(): Entry {
    const t = this.type;
    const multi = t === "summary" || t === "histogram" || t === "gaugehistogram";
    if (this.state === "histogram" && this.redoClassic) {
      this.redoClassic = false;
      this.fieldPos = -2;
      this.fieldsDone = false;
      return this.series();
    }
    if (this.state === "series" && multi && !this.fieldsDone) {
      this.fieldPos++;
      return this.series();
    }
    this.metricPos++;
    if (this.metricPos >= this.nMetrics) {
      this.state = "start";
      return this.advance();
    }
    this.loadMetric();
    return this.emitFirst();
  }

  /** Sets up the classic series at fieldPos and returns "series". */
  private series(): Entry {
    this.state = "series";
    this.magicName = "";
    this.curEx = -1;
    const t = this.type;
    const fp = this.fieldPos;
    if (t === "summary" || t === "histogram" || t === "gaugehistogram") {
      const hist = t !== "summary";
      if (fp === -2) {
        this.suffix = "_count";
        this.val = hist && this.countFloat !== 0 ? this.countFloat : this.count;
      } else if (fp === -1) {
        this.suffix = "_sum";
        this.val = this.sum;
        if (!hist && this.nf === 0) this.fieldsDone = true;
      } else if (!hist) {
        this.suffix = "";
        this.magicName = "quantile";
        this.magicValue = formatOpenMetricsFloat(this.fv[2 * fp] as number);
        this.val = this.fv[2 * fp + 1] as number;
        this.fieldsDone = fp === this.nf - 1;
      } else {
        this.suffix = "_bucket";
        this.magicName = "le";
        if (fp >= this.nf) {
          this.magicValue = "+Inf";
          this.val = this.countFloat !== 0 ? this.countFloat : this.count;
          this.fieldsDone = true;
        } else {
          const ub = this.fv[3 * fp] as number;
          this.magicValue = formatOpenMetricsFloat(ub);
          const cf = this.fv[3 * fp + 2] as number;
          this.val = cf !== 0 ? cf : (this.fv[3 * fp + 1] as number);
          this.fieldsDone = ub === Number.POSITIVE_INFINITY;
          this.curEx = this.fex[2 * fp] as number;
          this.curExE = this.fex[2 * fp + 1] as number;
        }
      }
    } else {
      this.suffix = "";
      this.val = this.simple;
      if (t === "counter") {
        this.curEx = this.exS;
        this.curExE = this.exE;
      }
    }
    return "series";
  }

  private readFamily(): void {
    const r = this.r;
    r.end = this.b.length;
    const n = r.len();
    const end = r.pos + n;
    r.end = end;
    let nameS = 0;
    let nameE = 0;
    this.helpS = this.helpE = this.unitS = this.unitE = 0;
    let type = 0;
    this.nMetrics = 0;
    while (r.pos < end) {
      const tag = r.uvarint();
      switch (tag) {
        case 10: {
          const l = r.len();
          nameS = r.pos;
          nameE = r.pos += l;
          break;
        }
        case 18: {
          const l = r.len();
          this.helpS = r.pos;
          this.helpE = r.pos += l;
          break;
        }
        case 24:
          type = r.uvarint();
          break;
        case 34: {
          const l = r.len();
          const i = this.nMetrics * 2;
          if (i + 2 > this.metrics.length) {
            const g = new Int32Array(this.metrics.length * 2);
            g.set(this.metrics);
            this.metrics = g;
          }
          this.metrics[i] = r.pos;
          this.metrics[i + 1] = r.pos += l;
          this.nMetrics++;
          break;
        }
        case 42: {
          const l = r.len();
          this.unitS = r.pos;
          this.unitE = r.pos += l;
          break;
        }
        default:
          r.skip(tag & 7);
      }
    }
    r.pos = end;
    r.end = this.b.length;
    const name = this.b.utf8Slice(nameS, nameE);
    if (this.nMetrics === 0) return;
    if (!LEGACY_NAME.test(name)) throw new ParseError(`invalid metric name: ${name}`);
    if (!isValidUtf8(this.b, this.helpS, this.helpE))
      throw new ParseError(`invalid help for metric ${JSON.stringify(name)}`);
    const t = TYPES[type];
    if (t === undefined) throw new ParseError(`unknown metric type for metric ${JSON.stringify(name)}: ${type}`);
    this.famName = name;
    this.type = t;
    if (this.unitE > this.unitS) {
      const unit = this.b.latin1Slice(this.unitS, this.unitE);
      const base = t === "counter" && name.endsWith("_total") ? name.slice(0, -6) : name;
      if (!base.endsWith(`_${unit}`))
        throw new ParseError(
          `unit ${JSON.stringify(unit)} not a suffix of ${t === "counter" ? "counter" : "metric"} ${JSON.stringify(name)}`,
        );
    }
    this.native = false;
    if (t === "histogram" || t === "gaugehistogram") {
      this.metricPos = 0;
      this.loadMetric();
      this.native = this.h !== undefined;
    }
  }

  /** Decodes metric metricPos's labels and values into scratch state. */
  private loadMetric(): void {
    const s = this.metrics[2 * this.metricPos] as number;
    const e = this.metrics[2 * this.metricPos + 1] as number;
    const r = this.mr;
    r.end = e;
    r.pos = s;
    this.nl = 0;
    this.labelsStart = -1;
    this.labelsEnd = -1;
    this.labelsHi = false;
    this.ts = undefined;
    this.simple = 0;
    this.ctS = this.ctE = this.exS = this.exE = -1;
    this.count = this.countFloat = this.sum = 0;
    this.nf = 0;
    this.h = undefined;
    this.nNativeEx = 0;
    let valueS = -1;
    let valueE = -1;
    while (r.pos < e) {
      const tagStart = r.pos;
      const tag = r.uvarint();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 1 && wire === 2) {
        const l = r.len();
        if (this.labelsStart < 0) this.labelsStart = tagStart;
        this.readLabelPair(r.pos, r.pos + l);
        r.pos += l;
        this.labelsEnd = r.pos;
      } else if (field === 6 && wire === 0) {
        const t = r.int64();
        this.ts = t === 0 ? undefined : t;
      } else if (wire === 2 && field >= 2 && field <= 7) {
        const l = r.len();
        if (field === typeField(this.type)) {
          valueS = r.pos;
          valueE = r.pos + l;
        }
        r.pos += l;
      } else r.skip(wire);
    }
    if (valueS >= 0) this.readValue(valueS, valueE);
  }

  private readLabelPair(s: number, e: number): void {
    const r = this.lr;
    r.end = e;
    r.pos = s;
    let ns = s;
    let ne = s;
    let vs = s;
    let ve = s;
    while (r.pos < e) {
      const tag = r.uvarint();
      if (tag === 10) {
        const l = r.len();
        ns = r.pos;
        ne = r.pos += l;
      } else if (tag === 18) {
        const l = r.len();
        vs = r.pos;
        ve = r.pos += l;
      } else r.skip(tag & 7);
    }
    const b = this.b;
    for (let k = vs; k < ve; k++)
      if ((b[k] as number) >= 0x80) {
        if (!isValidUtf8(b, vs, ve)) throw new ParseError(`invalid label value: ${b.toString("utf8", vs, ve)}`);
        this.labelsHi = true;
        break;
      }
    if (!legacyLabelName(b, ns, ne)) throw new ParseError(`invalid label name: ${b.toString("utf8", ns, ne)}`);
    const i = this.nl * 4;
    if (i + 4 > this.lo.length) {
      const g = new Int32Array(this.lo.length * 2);
      g.set(this.lo);
      this.lo = g;
    }
    this.lo[i] = ns;
    this.lo[i + 1] = ne;
    this.lo[i + 2] = vs;
    this.lo[i + 3] = ve;
    this.nl++;
  }

  private readValue(s: number, e: number): void {
    const r = this.vr;
    r.end = e;
    r.pos = s;
    const t = this.type;
    if (t === "gauge" || t === "unknown" || t === "counter") {
      while (r.pos < e) {
        const tag = r.uvarint();
        if (tag === 9) this.simple = r.double();
        else if (tag === 18 && t === "counter") {
          const l = r.len();
          this.exS = r.pos;
          this.exE = r.pos += l;
        } else if (tag === 26 && t === "counter") {
          const l = r.len();
          this.ctS = r.pos;
          this.ctE = r.pos += l;
        } else r.skip(tag & 7);
      }
      return;
    }
    if (t === "summary") {
      while (r.pos < e) {
        const tag = r.uvarint();
        if (tag === 8) this.count = r.uvarint();
        else if (tag === 17) this.sum = r.double();
        else if (tag === 26) {
          const l = r.len();
          const qe = r.pos + l;
          let q = 0;
          let v = 0;
          while (r.pos < qe) {
            const qt = r.uvarint();
            if (qt === 9) q = r.double();
            else if (qt === 17) v = r.double();
            else r.skip(qt & 7);
          }
          this.growF(2 * this.nf + 2);
          this.fv[2 * this.nf] = q;
          this.fv[2 * this.nf + 1] = v;
          this.nf++;
        } else if (tag === 34) {
          const l = r.len();
          this.ctS = r.pos;
          this.ctE = r.pos += l;
        } else r.skip(tag & 7);
      }
      return;
    }
    // Histogram.
    let schema = 0;
    let zt = 0;
    let zc = 0;
    let zcf = 0;
    let nativeSeen = false;
    const pSpans: { offset: number; length: number }[] = [];
    const nSpans: { offset: number; length: number }[] = [];
    const pDeltas: number[] = [];
    const nDeltas: number[] = [];
    const pCounts: number[] = [];
    const nCounts: number[] = [];
    while (r.pos < e) {
      const tag = r.uvarint();
      const field = tag >>> 3;
      const wire = tag & 7;
      switch (field) {
        case 1:
          this.count = r.uvarint();
          break;
        case 4:
          this.countFloat = r.double();
          break;
        case 2:
          this.sum = r.double();
          break;
        case 3: {
          const l = r.len();
          this.readBucket(r.pos, r.pos + l);
          r.pos += l;
          break;
        }
        case 15: {
          const l = r.len();
          this.ctS = r.pos;
          this.ctE = r.pos += l;
          break;
        }
        case 5:
          schema = r.svarint();
          break;
        case 6:
          zt = r.double();
          break;
        case 7:
          zc = r.uvarint();
          break;
        case 8:
          zcf = r.double();
          break;
        case 9:
        case 12: {
          const l = r.len();
          (field === 9 ? nSpans : pSpans).push(this.readSpan(r.pos, r.pos + l));
          r.pos += l;
          nativeSeen = true;
          break;
        }
        case 10:
        case 13:
          readRepeated(r, wire, field === 10 ? nDeltas : pDeltas, true);
          break;
        case 11:
        case 14:
          readRepeated(r, wire, field === 11 ? nCounts : pCounts, false);
          break;
        case 16: {
          const l = r.len();
          const i = 2 * this.nNativeEx;
          if (i + 2 > this.nativeEx.length) {
            const g = new Int32Array(this.nativeEx.length * 2);
            g.set(this.nativeEx);
            this.nativeEx = g;
          }
          this.nativeEx[i] = r.pos;
          this.nativeEx[i + 1] = r.pos += l;
          this.nNativeEx++;
          break;
        }
        default:
          r.skip(wire);
      }
    }
    // Prometheus's isNativeHistogram.
    if (nativeSeen || zt > 0 || zc > 0 || zcf > 0) {
      const isFloat = this.countFloat > 0 || zcf > 0;
      this.h = {
        count: isFloat ? this.countFloat : this.count,
        sum: this.sum,
        schema,
        zeroThreshold: zt,
        zeroCount: isFloat ? zcf : zc,
        resetHint: t === "gaugehistogram" ? 3 : 0,
        positiveSpans: pSpans,
        positiveBuckets: isFloat ? pCounts : absolute(pDeltas),
        negativeSpans: nSpans,
        negativeBuckets: isFloat ? nCounts : absolute(nDeltas),
      };
    }
  }

  private readBucket(s: number, e: number): void {
    const r = this.sr;
    r.pos = s;
    r.end = e;
    let cc = 0;
    let ccf = 0;
    let ub = 0;
    let exS = -1;
    let exE = -1;
    while (r.pos < e) {
      const tag = r.uvarint();
      if (tag === 8) cc = r.uvarint();
      else if (tag === 33) ccf = r.double();
      else if (tag === 17) ub = r.double();
      else if (tag === 26) {
        const l = r.len();
        exS = r.pos;
        exE = r.pos += l;
      } else r.skip(tag & 7);
    }
    const i = this.nf;
    this.growF(3 * i + 3);
    this.fv[3 * i] = ub;
    this.fv[3 * i + 1] = cc;
    this.fv[3 * i + 2] = ccf;
    if (2 * i + 2 > this.fex.length) {
      const g = new Int32Array(this.fex.length * 2);
      g.set(this.fex);
      this.fex = g;
    }
    this.fex[2 * i] = exS;
    this.fex[2 * i + 1] = exE;
    this.nf++;
  }

  private readSpan(s: number, e: number): { offset: number; length: number } {
    const r = this.sr;
    r.pos = s;
    r.end = e;
    let offset = 0;
    let length = 0;
    while (r.pos < e) {
      const tag = r.uvarint();
      if (tag === 8) offset = r.svarint();
      else if (tag === 16) length = r.uvarint();
      else r.skip(tag & 7);
    }
    return { offset, length };
  }

  private growF(n: number): void {
    if (n <= this.fv.length) return;
    let m = this.fv.length * 2;
    while (m < n) m *= 2;
    const g = new Float64Array(m);
    g.set(this.fv);
    this.fv = g;
  }

  // ---- accessors ----

  seriesKey(): string {
    // Name and suffix, the raw label fields, the magic label (le/quantile).
    const raw = this.labelsStart >= 0 ? this.b.latin1Slice(this.labelsStart, this.labelsEnd) : "";
    const k = `${this.famName}${this.suffix}\xff${raw}`;
    return this.magicName === "" ? k : `${k}\xff${this.magicName}\xff${this.magicValue}`;
  }

  metricName(): string {
    return this.famName + this.suffix;
  }

  labels(): Labels {
    const b = this.b;
    const pairs: string[] = ["__name__", this.famName + this.suffix];
    for (let i = 0; i < this.nl; i++) {
      const lo = this.lo;
      pairs.push(
        b.latin1Slice(lo[4 * i] as number, lo[4 * i + 1] as number),
        this.labelsHi
          ? b.utf8Slice(lo[4 * i + 2] as number, lo[4 * i + 3] as number)
          : b.latin1Slice(lo[4 * i + 2] as number, lo[4 * i + 3] as number),
      );
    }
    if (this.magicName !== "") pairs.push(this.magicName, this.magicValue);
    return sortPairs(pairs);
  }

  value(): number {
    return this.val;
  }

  timestamp(): number | undefined {
    return this.ts;
  }

  histogram(): NativeHistogram {
    if (this.state !== "histogram" || !this.h) throw new Error("not at a native histogram");
    return this.h;
  }

  exemplar(): Exemplar | undefined {
    if (this.state === "histogram") {
      // Native histograms: the first exemplar with a timestamp, from `exemplars`, else from the buckets.
      for (let i = 0; i < this.nNativeEx; i++) {
        const ex = this.decodeExemplar(this.nativeEx[2 * i] as number, this.nativeEx[2 * i + 1] as number);
        if (ex.timestamp !== undefined) return ex;
      }
      if (this.nNativeEx > 0) return undefined;
      for (let i = 0; i < this.nf; i++) {
        const s = this.fex[2 * i] as number;
        if (s < 0) continue;
        const ex = this.decodeExemplar(s, this.fex[2 * i + 1] as number);
        if (ex.timestamp !== undefined) return ex;
      }
      return undefined;
    }
    if (this.curEx < 0) return undefined;
    return this.decodeExemplar(this.curEx, this.curExE);
  }

  private decodeExemplar(s: number, e: number): Exemplar {
    const b = this.b;
    const r = this.xr;
    r.pos = s;
    r.end = e;
    const pairs: string[] = [];
    let value = 0;
    let timestamp: number | undefined;
    while (r.pos < e) {
      const tag = r.uvarint();
      if (tag === 10) {
        const l = r.len();
        const pe = r.pos + l;
        let name = "";
        let val = "";
        while (r.pos < pe) {
          const t = r.uvarint();
          if (t === 10 || t === 18) {
            const sl = r.len();
            const str = b.utf8Slice(r.pos, r.pos + sl);
            r.pos += sl;
            if (t === 10) name = str;
            else val = str;
          } else r.skip(t & 7);
        }
        pairs.push(name, val);
      } else if (tag === 17) value = r.double();
      else if (tag === 26) {
        const l = r.len();
        timestamp = timestampMs(this.sr, r.pos, r.pos + l);
        r.pos += l;
      } else r.skip(tag & 7);
    }
    return { labels: sortPairs(pairs), value, timestamp };
  }

  createdTimestamp(): number | undefined {
    if (this.ctS < 0) return undefined;
    return timestampMs(this.xr, this.ctS, this.ctE);
  }

  metricFamily(): string {
    return this.famName;
  }

  metricType(): MetricType {
    return this.type;
  }

  help(): string {
    return this.b.utf8Slice(this.helpS, this.helpE);
  }

  unit(): string {
    return this.b.utf8Slice(this.unitS, this.unitE);
  }
}

function typeField(t: MetricType): number {
  switch (t) {
    case "gauge":
      return 2;
    case "counter":
      return 3;
    case "summary":
      return 4;
    case "unknown":
      return 5;
    default:
      return 7;
  }
}

function readRepeated(r: WireReader, wire: number, out: number[], sint: boolean): void {
  if (wire === 2) {
    const l = r.len();
    const e = r.pos + l;
    while (r.pos < e) out.push(sint ? r.svarint() : r.double());
  } else if (sint && wire === 0) out.push(r.svarint());
  else if (!sint && wire === 1) out.push(r.double());
  else r.skip(wire);
}

function absolute(deltas: number[]): number[] {
  let c = 0;
  const out = new Array<number>(deltas.length);
  for (let i = 0; i < deltas.length; i++) out[i] = c += deltas[i] as number;
  return out;
}

function sortPairs(pairs: string[]): Labels {
  const n = pairs.length >> 1;
  for (let i = 1; i < n; i++) {
    const kn = pairs[2 * i] as string;
    const kv = pairs[2 * i + 1] as string;
    let j = i - 1;
    while (j >= 0 && (pairs[2 * j] as string) > kn) {
      pairs[2 * j + 2] = pairs[2 * j] as string;
      pairs[2 * j + 3] = pairs[2 * j + 1] as string;
      j--;
    }
    pairs[2 * j + 2] = kn;
    pairs[2 * j + 3] = kv;
  }
  return pairs;
}
