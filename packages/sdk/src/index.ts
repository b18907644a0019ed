// @ingot/sdk: the plugin contract.
export * from "./ajv.js";
export * from "./component.js";
export * from "./duration.js";
export * from "./logger.js";
export * from "./manifest.js";
export * from "./manifest-schema.js";
export * from "./schema.js";
export * from "./schema-types.js";
export * from "./values.js";
