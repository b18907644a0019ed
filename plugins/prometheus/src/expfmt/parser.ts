// The exposition-format parser contract, after Prometheus's textparse.Parser: a pull
// parser over the raw scrape body that never allocates an object per sample. The
// scrape loop keys its series cache on seriesKey() (the raw bytes of the metric name
// and labels) and calls labels() only on a cache miss.
import type { Labels, MetricType, NativeHistogram } from "@ingot/sdk";

export type Entry =
  | "series" // a float sample: seriesKey/labels/value/timestamp
  | "histogram" // a native histogram sample: seriesKey/labels/histogram/timestamp
  | "type" // a # TYPE line: metricFamily/metricType
  | "help" // a # HELP line: metricFamily/help
  | "unit" // a # UNIT line (OpenMetrics): metricFamily/unit
  | "comment"
  | "eof";

export interface Exemplar {
  labels: Labels;
  value: number;
  /** Milliseconds, or undefined when the exemplar has none. */
  timestamp: number | undefined;
}

export interface ExpositionParser {
  /** Advances to the next entry; throws ParseError on malformed input. */
  next(): Entry;
  /**
   * The current sample's series identity as a string of the raw bytes (name and
   * labels as written): equal keys mean equal series within one target's bodies.
   */
  seriesKey(): string;
  /** The current sample's labels (with __name__), sorted by name. */
  labels(): Labels;
  value(): number;
  /** Milliseconds since the epoch, or undefined when the line has no timestamp. */
  timestamp(): number | undefined;
  /** The current native histogram (entry "histogram"). */
  histogram(): NativeHistogram;
  /** The exemplar attached to the current sample, if any (OpenMetrics, protobuf). */
  exemplar(): Exemplar | undefined;
  /** Created timestamp (ms) of the current sample's family/series when the format carries it. */
  createdTimestamp(): number | undefined;
  /** For type/help/unit entries. */
  metricFamily(): string;
  metricType(): MetricType;
  help(): string;
  unit(): string;
}

export class ParseError extends Error {
  constructor(
    message: string,
    /** 1-based line of the body where parsing failed (text formats). */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "ParseError";
  }
}

/** Which parser to use for a response: by Content-Type, as Prometheus's textparse.New. */
export type ExpositionFormat = "prometheus-text" | "openmetrics-text" | "prometheus-proto";
