// The one place the scrape loop meets the exposition parsers of src/expfmt: picks the
// format from the response's Content-Type (Prometheus's textparse.New rules) and
// creates a parser over the body.
import { createParser as createExpfmtParser } from "../expfmt/index.js";
import type { ExpositionFormat, ExpositionParser } from "../expfmt/parser.js";

/** The format of a response, by media type; undefined when unknown or absent. */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat | undefined {
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

/** Scrape protocol names (scrape_protocols values) to formats. */
export const PROTOCOL_FORMAT: Record<string, ExpositionFormat> = {
  PrometheusProto: "prometheus-proto",
  PrometheusText0_0_4: "prometheus-text",
  "PrometheusText0.0.4": "prometheus-text",
  "PrometheusText1.0.0": "prometheus-text",
  "OpenMetricsText0.0.1": "openmetrics-text",
  "OpenMetricsText1.0.0": "openmetrics-text",
};

export function createParser(body: Uint8Array, format: ExpositionFormat): ExpositionParser {
  return createExpfmtParser(body, format);
}
