// @ingot/sdk: the plugin contract.
export * from "./component.js";
export * from "./manifest.js";
export * from "./schema-types.js";
