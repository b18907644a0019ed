// A small line-based text parser (Prometheus text 0.0.4 and the OpenMetrics subset the
// scrape tests use) implementing the ExpositionParser contract. It stands in only
// while src/expfmt exports no createParser: parse.ts prefers P1's byte-level parsers.
import { type Labels, labelsFromPairs, type MetricType, type NativeHistogram } from "@ingot/sdk";
import { type Entry, type Exemplar, type ExpositionParser, ParseError } from "../expfmt/parser.js";

const TYPES = new Set(["counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown"]);

function parseNumber(s: string, line: number): number {
  switch (s) {
    case "+Inf":
    case "Inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
    case "NaN":
      return Number.NaN;
  }
  const v = Number(s);
  if (s === "" || Number.isNaN(v)) throw new ParseError(`invalid value "${s}"`, line);
  return v;
}

export class FallbackTextParser implements ExpositionParser {
  private readonly lines: string[];
  private i = 0;
  private key = "";
  private name = "";
  private labelText = "";
  private v = 0;
  private ts: number | undefined;
  private fam = "";
  private typ: MetricType = "unknown";
  private text = "";
  private ex: Exemplar | undefined;

  constructor(
    body: Uint8Array,
    private readonly openMetrics: boolean,
  ) {
    this.lines = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8").split("\n");
  }

  next(): Entry {
    while (this.i < this.lines.length) {
      const lineNo = this.i + 1;
      const line = this.lines[this.i++] as string;
      if (line.trim() === "") continue;
      if (line.startsWith("#")) {
        const m = /^#\s+(HELP|TYPE|UNIT|EOF)\s*(\S*)\s?(.*)$/.exec(line);
        if (!m) return "comment";
        if (m[1] === "EOF") return "eof";
        this.fam = m[2] as string;
        this.text = m[3] as string;
        if (m[1] === "HELP") return "help";
        if (m[1] === "UNIT") return "unit";
        const t = this.text.trim();
        if (!TYPES.has(t)) throw new ParseError(`invalid metric type "${t}"`, lineNo);
        this.typ = t as MetricType;
        return "type";
      }
      this.parseSample(line, lineNo);
      return "series";
    }
    return "eof";
  }

  private parseSample(line: string, lineNo: number): void {
    let j = 0;
    while (j < line.length && /[A-Za-z0-9_:]/.test(line[j] as string)) j++;
    this.name = line.slice(0, j);
    if (this.name === "") throw new ParseError(`invalid metric name in "${line}"`, lineNo);
    let end = j;
    if (line[j] === "{") {
      let inQ = false;
      let k = j + 1;
      for (; k < line.length; k++) {
        const c = line[k];
        if (inQ) {
          if (c === "\\") k++;
          else if (c === '"') inQ = false;
        } else if (c === '"') inQ = true;
        else if (c === "}") break;
      }
      if (k >= line.length) throw new ParseError(`unterminated label set in "${line}"`, lineNo);
      this.labelText = line.slice(j + 1, k);
      end = k + 1;
    } else this.labelText = "";
    this.key = line.slice(0, end);
    let rest = line.slice(end).trim();
    this.ex = undefined;
    const hash = rest.indexOf(" # ");
    if (this.openMetrics && hash >= 0) rest = rest.slice(0, hash).trim();
    const parts = rest.split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === "")
      throw new ParseError(`invalid sample line "${line}"`, lineNo);
    this.v = parseNumber(parts[0] as string, lineNo);
    if (parts.length === 2) {
      const t = Number(parts[1]);
      if (Number.isNaN(t)) throw new ParseError(`invalid timestamp "${parts[1]}"`, lineNo);
      this.ts = this.openMetrics ? Math.round(t * 1000) : t;
    } else this.ts = undefined;
  }

  seriesKey(): string {
    return this.key;
  }
  labels(): Labels {
    const pairs = ["__name__", this.name];
    const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
    let m: RegExpExecArray | null;
    re.lastIndex = 0;
    while (re.lastIndex < this.labelText.length && (m = re.exec(this.labelText)) !== null) {
      const raw = m[2] as string;
      pairs.push(
        m[1] as string,
        raw.replace(/\\(.)/g, (_s, c: string) => (c === "n" ? "\n" : c)),
      );
    }
    return labelsFromPairs(pairs);
  }
  value(): number {
    return this.v;
  }
  timestamp(): number | undefined {
    return this.ts;
  }
  histogram(): NativeHistogram {
    throw new ParseError("no native histograms in text");
  }
  exemplar(): Exemplar | undefined {
    return this.ex;
  }
  createdTimestamp(): number | undefined {
    return undefined;
  }
  metricFamily(): string {
    return this.fam;
  }
  metricType(): MetricType {
    return this.typ;
  }
  help(): string {
    return this.text;
  }
  unit(): string {
    return this.text;
  }
}
