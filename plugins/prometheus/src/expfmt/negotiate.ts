// Content negotiation for scrapes, after Prometheus 3 and Alloy: the Accept header built
// from scrape_protocols (scrape.acceptHeader) and the parser chosen by the response's
// Content-Type (textparse.New).

import { OpenMetricsParser, type OpenMetricsParserOptions } from "./openmetrics.js";
import type { ExpositionFormat, ExpositionParser } from "./parser.js";
import { PromTextParser, type TextParserOptions } from "./promtext.js";
import { ProtobufParser, type ProtobufParserOptions } from "./protobuf.js";

/**
 * Media types of the scrape_protocols values (Prometheus 3's config.ScrapeProtocolsHeaders;
 * Alloy's prometheus.scrape accepts the same five names).
 */
export const SCRAPE_PROTOCOL_HEADERS: Readonly<Record<string, string>> = {
  PrometheusProto: "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
  "PrometheusText0.0.4": "text/plain;version=0.0.4",
  "PrometheusText1.0.0": "text/plain;version=1.0.0",
  "OpenMetricsText0.0.1": "application/openmetrics-text;version=0.0.1",
  "OpenMetricsText1.0.0": "application/openmetrics-text;version=1.0.0",
};

/** The scrape_protocols names. */
export const SCRAPE_PROTOCOLS: readonly string[] = Object.keys(SCRAPE_PROTOCOL_HEADERS);

/** Alloy's default scrape_protocols. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly string[] = [
  "OpenMetricsText1.0.0",
  "OpenMetricsText0.0.1",
  "PrometheusText1.0.0",
  "PrometheusText0.0.4",
];

/**
 * The Accept header for a scrape, as Prometheus 3's acceptHeader: each protocol in order
 * with descending q weights starting at 0.<n+1> (n known protocols), the 1.0.0 text
 * formats with the metric name escaping scheme (`underscores`), then `*\/*`. The names
 * are validated by the component's schema (an enum) before they get here.
 */
export function acceptHeader(
  protocols: readonly string[] = DEFAULT_SCRAPE_PROTOCOLS,
  escaping = "underscores",
): string {
  const vals: string[] = [];
  let weight = SCRAPE_PROTOCOLS.length + 1;
  for (const p of protocols) {
    let v = SCRAPE_PROTOCOL_HEADERS[p] as string;
    if (p === "PrometheusText1.0.0" || p === "OpenMetricsText1.0.0") v += `;escaping=${escaping}`;
    vals.push(`${v};q=0.${weight--}`);
  }
  vals.push(`*/*;q=0.${weight}`);
  return vals.join(",");
}

/** The format of a response by its media type (textparse.New); undefined when unknown or absent. */
export function formatFromContentType(contentType: string | undefined | null): ExpositionFormat | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(";");
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  switch (media) {
    case "application/openmetrics-text":
      return "openmetrics-text";
    case "application/vnd.google.protobuf":
      return "prometheus-proto";
    case "text/plain":
      return "prometheus-text";
  }
  return undefined;
}

const FORMATS = new Set<string>(["prometheus-text", "openmetrics-text", "prometheus-proto"]);

export interface ParserOptions extends TextParserOptions, OpenMetricsParserOptions, ProtobufParserOptions {
  /** Format used when the content type is absent or unknown (Prometheus 3's fallback_scrape_protocol). */
  fallback?: ExpositionFormat;
}

type Factory = (body: Uint8Array, options: ParserOptions) => ExpositionParser;
const factories: Partial<Record<ExpositionFormat, Factory>> = {
  "prometheus-text": (body, options) => new PromTextParser(body, options),
  "openmetrics-text": (body, options) => new OpenMetricsParser(body, options),
  "prometheus-proto": (body, options) => new ProtobufParser(body, options),
};

/** Registers the parser of a format (the OpenMetrics and protobuf modules do). */
export function registerParser(format: ExpositionFormat, factory: Factory): void {
  factories[format] = factory;
}

/**
 * A parser for a scrape body. `formatOrContentType` is an ExpositionFormat name or a
 * Content-Type header value; unknown or absent content types use options.fallback
 * (default: the Prometheus text format, as Prometheus 2 and Alloy do).
 */
export function createParser(
  body: Uint8Array,
  formatOrContentType?: ExpositionFormat | string | null,
  options: ParserOptions = {},
): ExpositionParser {
  const format =
    formatOrContentType && FORMATS.has(formatOrContentType)
      ? (formatOrContentType as ExpositionFormat)
      : (formatFromContentType(formatOrContentType) ?? options.fallback ?? "prometheus-text");
  const f = factories[format];
  if (!f) throw new Error(`exposition format ${format} is not supported`);
  return f(body, options);
}
