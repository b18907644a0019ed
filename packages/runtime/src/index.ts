// @ingot/runtime: plugin discovery and validation, and the component graph controller.
export * from "./api.js";
export { inspectPackage, type PluginRecord, refusedMessage } from "./discovery.js";
export {
  type UpdateModulesOptions,
  type UpdateModulesResult,
  updateModulesLock,
} from "./modules/update.js";
export { createRuntime } from "./runtime.js";
export { type ValidateOptions, validateConfig } from "./validate.js";
