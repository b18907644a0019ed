export * from "./bytes.js";
export * from "./negotiate.js";
export { OpenMetricsValidator } from "./omvalidate.js";
export * from "./openmetrics.js";
export * from "./parser.js";
export * from "./promtext.js";
export * from "./protobuf.js";
export { TextParserBase } from "./textbase.js";
