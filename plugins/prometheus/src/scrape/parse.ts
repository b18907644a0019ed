// The one place the scrape loop meets the exposition parsers of src/expfmt: the
// format of a response by its Content-Type (Prometheus's textparse.New rules), the
// parser over a body, and the format each scrape protocol name stands for.
import type { ExpositionFormat } from "../expfmt/parser.js";

export { createParser, formatFromContentType } from "../expfmt/index.js";

/** Scrape protocol names (scrape_protocols values) to formats. */
export const PROTOCOL_FORMAT: Record<string, ExpositionFormat> = {
  PrometheusProto: "prometheus-proto",
  PrometheusText0_0_4: "prometheus-text",
  "PrometheusText0.0.4": "prometheus-text",
  "PrometheusText1.0.0": "prometheus-text",
  "OpenMetricsText0.0.1": "openmetrics-text",
  "OpenMetricsText1.0.0": "openmetrics-text",
};
