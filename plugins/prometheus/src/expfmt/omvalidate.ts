// OpenMetrics 1.0 semantic rules, checked on top of the syntax when an OpenMetrics
// parser runs with strict: true (a validation pass; the scrape path does not pay for
// it): metric family grouping and metadata placement, name clashes, suffixes by type,
// values allowed per type, histogram bucket order, +Inf and _count, exemplar placement
// and size, timestamps that never go back within a series.
import type { Labels, MetricType } from "@ingot/sdk";
import { suffixAllowed } from "./openmetrics.js";

interface Family {
  name: string;
  type: MetricType;
  meta: Set<string>;
  hasSamples: boolean;
}

interface Group {
  key: string;
  buckets: { le: number; v: number }[];
  count: number | undefined;
  sum: boolean;
  gsum: boolean;
  negative: boolean;
  created: boolean;
  ts: number | undefined;
}

const SUFFIXES = ["_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"];

export class OpenMetricsValidator {
  private fam: Family | undefined;
  private readonly seen = new Set<string>();
  private group: Group | undefined;
  private readonly groupsSeen = new Set<string>();
  private readonly lastTs = new Map<string, number>();

  help(name: string): void {
    this.metadata(name, "help");
  }

  unit(name: string, unit: string): void {
    this.metadata(name, "unit");
    const t = this.fam?.type;
    if (unit !== "" && (t === "info" || t === "stateset")) throw new Error(`${t} metrics cannot have a unit`);
  }

  type(name: string, t: MetricType): void {
    this.metadata(name, "type");
    const f = this.fam as Family;
    f.type = t;
    if (t !== "unknown" && t !== "gauge" && t !== "stateset") {
      // A family whose samples would carry suffixed names clashes with earlier families of those names.
      for (const s of SUFFIXES)
        if (suffixAllowed(t, s) && this.seen.has(name + s)) throw new Error(`clashing name ${name + s}`);
    }
    for (const s of SUFFIXES) {
      if (name.endsWith(s)) {
        const base = name.slice(0, -s.length);
        if (this.seen.has(base) && base !== name) throw new Error(`clashing name ${name}`);
      }
    }
    const unit = f.meta.has("unit");
    if (unit && (t === "info" || t === "stateset")) throw new Error(`${t} metrics cannot have a unit`);
  }

  private metadata(name: string, kind: string): void {
    let f = this.fam;
    if (!f || f.name !== name) {
      this.endGroup();
      if (this.seen.has(name)) throw new Error(`metric family ${name} already seen (metadata out of place)`);
      f = { name, type: "unknown", meta: new Set(), hasSamples: false };
      this.fam = f;
      this.seen.add(name);
      this.groupsSeen.clear();
    }
    if (f.hasSamples) throw new Error(`metadata for ${name} after its samples`);
    if (f.meta.has(kind)) throw new Error(`repeated ${kind.toUpperCase()} for ${name}`);
    f.meta.add(kind);
  }

  sample(name: string, labels: Labels, value: number, ts: number | undefined, ex: { runes: number } | undefined): void {
    let f = this.fam;
    let suffix = "";
    if (
      f &&
      name.startsWith(f.name) &&
      (name.length === f.name.length || suffixAllowed(f.type, name.slice(f.name.length)))
    ) {
      suffix = name.slice(f.name.length);
    } else {
      // A sample without metadata starts an unknown-typed family of its own name.
      this.endGroup();
      if (this.seen.has(name)) throw new Error(`metric family ${name} already seen (samples not grouped)`);
      for (const s of SUFFIXES)
        if (name.endsWith(s) && this.seen.has(name.slice(0, -s.length))) throw new Error(`clashing name ${name}`);
      f = { name, type: "unknown", meta: new Set(), hasSamples: false };
      this.fam = f;
      this.seen.add(name);
      this.groupsSeen.clear();
    }
    f.hasSamples = true;
    const t = f.type;
    if (suffix === "" && (t === "counter" || t === "histogram" || t === "gaugehistogram" || t === "info"))
      throw new Error(`${t} ${f.name} needs a suffixed sample name, got ${name}`);

    // Label checks.
    let le: string | undefined;
    let quantile: string | undefined;
    let stateLabel = false;
    for (let i = 2; i < labels.length; i += 2) {
      const n = labels[i] as string;
      if (n === labels[i - 2]) throw new Error(`duplicate label name ${n}`);
      if (n === "le") le = labels[i + 1];
      else if (n === "quantile") quantile = labels[i + 1];
      if (n === f.name) stateLabel = true;
    }
    if (n2(value) && t !== "gauge" && t !== "unknown" && t !== "stateset" && !(t === "summary" && suffix === ""))
      throw new Error(`invalid value NaN for ${name}`);
    const nonNegative =
      (t === "counter" && suffix === "_total") ||
      ((t === "histogram" || t === "gaugehistogram") &&
        (suffix === "_bucket" || suffix === "_count" || suffix === "_gcount")) ||
      (t === "summary" && (suffix === "_count" || suffix === "_sum" || suffix === "")) ||
      (t === "histogram" && suffix === "_sum") ||
      (t === "gaugehistogram" && suffix === "_gsum");
    const sumSuffix = suffix === "_sum" || suffix === "_gsum";
    if (nonNegative && value < 0 && !(sumSuffix && this.group?.negative && this.group.key === seriesKey(labels, t)))
      throw new Error(`negative value ${value} for ${name}`);
    if ((suffix === "_count" || suffix === "_bucket" || suffix === "_gcount") && !Number.isInteger(value))
      throw new Error(`non-integer value ${value} for ${name}`);
    if (t === "stateset") {
      if (value !== 0 && value !== 1) throw new Error("stateset samples can only have values 0 and 1");
      if (!stateLabel) throw new Error(`stateset ${name} needs a label ${f.name}`);
    }
    if (t === "info" && value !== 1) throw new Error("info samples can only have value 1");

    // Exemplars: only on counter _total and histogram buckets.
    if (ex) {
      const ok =
        (t === "counter" && suffix === "_total") ||
        ((t === "histogram" || t === "gaugehistogram") && suffix === "_bucket");
      if (!ok) throw new Error(`exemplar not allowed on ${name}`);
      if (ex.runes > 128) throw new Error("exemplar labels exceed 128 UTF-8 characters");
    }

    // Series grouping (MetricPoints): labels without le/quantile.
    const key = seriesKey(labels, t);
    let g = this.group;
    const tsKey = `${name}\xfd${labels.join("\xff")}`;
    if (!g || g.key !== key) {
      this.endGroup();
      if (this.groupsSeen.has(key) && t !== "stateset") throw new Error(`samples of ${f.name}{${key}} are not grouped`);
      this.groupsSeen.add(key);
      g = { key, buckets: [], count: undefined, sum: false, gsum: false, negative: false, created: false, ts };
      this.group = g;
    } else if (t === "histogram" || t === "gaugehistogram" || t === "summary") {
      if ((g.ts === undefined) !== (ts === undefined) || (ts !== undefined && g.ts !== undefined && ts < g.ts))
        throw new Error(`timestamps within a MetricPoint of ${f.name} differ`);
    }
    const last = this.lastTs.get(tsKey);
    if (last !== undefined) {
      // A series repeated: both samples need timestamps, and they must not go back.
      if (ts === undefined || Number.isNaN(last)) throw new Error(`${name} repeated without timestamps`);
      if (ts < last) throw new Error(`timestamp of ${name} went backwards`);
    }
    this.lastTs.set(tsKey, ts ?? Number.NaN);

    if (t === "histogram" || t === "gaugehistogram") {
      if (suffix === "_bucket") {
        if (le === undefined) throw new Error(`${name} without le label`);
        const lv = parseOMFloat(le);
        if (lv === undefined) throw new Error(`invalid le ${le}`);
        if (g.count !== undefined || g.sum || g.gsum) throw new Error("buckets after _count/_sum");
        const prev = g.buckets[g.buckets.length - 1];
        if (prev && lv <= prev.le) throw new Error("buckets out of order");
        if (prev && value < prev.v) throw new Error("bucket values decrease");
        if (lv < 0) g.negative = true;
        g.buckets.push({ le: lv, v: value });
      } else if (suffix === "_count" || suffix === "_gcount") {
        g.count = value;
      } else if (suffix === "_sum" || suffix === "_gsum") {
        if (suffix === "_sum" && g.negative && t === "histogram")
          throw new Error("_sum not allowed with negative buckets");
        g.sum = true;
      } else if (suffix === "_created") g.created = true;
    } else if (t === "summary") {
      if (suffix === "") {
        if (quantile === undefined) throw new Error(`${name} without quantile label`);
        const q = parseOMFloat(quantile);
        if (q === undefined || !(q >= 0 && q <= 1)) throw new Error(`invalid quantile ${quantile}`);
      } else if (suffix === "_count") g.count = value;
      else if (suffix === "_sum") g.sum = true;
    }
  }

  private endGroup(): void {
    const g = this.group;
    this.group = undefined;
    const t = this.fam?.type;
    if (!g || (t !== "histogram" && t !== "gaugehistogram")) return;
    const last = g.buckets[g.buckets.length - 1];
    if (g.buckets.length === 0) throw new Error(`histogram ${this.fam?.name} without buckets`);
    if (!last || last.le !== Number.POSITIVE_INFINITY)
      throw new Error(`histogram ${this.fam?.name} without +Inf bucket`);
    if (g.count !== undefined && g.count !== last.v) throw new Error("_count does not match the +Inf bucket");
    if (g.sum && g.count === undefined) throw new Error("_sum without _count");
    if (!g.sum && g.count !== undefined) throw new Error("_count without _sum");
  }

  eof(): void {
    this.endGroup();
  }
}

/** A MetricPoint's identity: labels without le (histograms) or quantile (summaries). */
function seriesKey(labels: Labels, t: MetricType): string {
  let key = "";
  for (let i = 2; i < labels.length; i += 2) {
    const n = labels[i] as string;
    if ((n === "le" && (t === "histogram" || t === "gaugehistogram")) || (n === "quantile" && t === "summary"))
      continue;
    key += `${n}\xff${labels[i + 1]}\xff`;
  }
  return t === "stateset" ? `${key}\xfe${labels.length}` : key;
}

function n2(v: number): boolean {
  return Number.isNaN(v);
}

/** An OpenMetrics label float (le/quantile): a number, or +Inf/-Inf/NaN as spelled. */
function parseOMFloat(s: string): number | undefined {
  // Canonical spellings only.
  if (s === "+Inf") return Number.POSITIVE_INFINITY;
  if (s === "-Inf") return Number.NEGATIVE_INFINITY;
  if (s === "NaN") return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}
