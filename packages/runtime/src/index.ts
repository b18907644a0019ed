// @ingot/runtime: plugin discovery and validation, and the component graph controller.
export * from "./api.js";
