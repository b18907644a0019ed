// @ingot/sdk: the plugin contract.
export * from "./ajv.js";
export * from "./component.js";
export * from "./data/byte-store.js";
export * from "./data/label-bytes.js";
export * from "./data/labels.js";
export * from "./data/logs.js";
export * from "./data/metrics.js";
export * from "./data/otlp.js";
export * from "./duration.js";
export * from "./errno.js";
export * from "./logger.js";
export * from "./manifest.js";
export * from "./manifest-schema.js";
export * from "./schema.js";
export * from "./schema-types.js";
export * from "./sleep.js";
export { setValidatorCacheDir } from "./validator-cache.js";
export * from "./values.js";
