// @ingot/syntax: the Alloy configuration language.
export * from "./ast.js";
export * from "./check.js";
export * from "./diag.js";
export * from "./diag-render.js";
export * from "./parser.js";
export * from "./printer/index.js";
export * from "./scanner.js";
export * from "./scope.js";
export * from "./source.js";
export * from "./stdlib/index.js";
export * from "./strconv.js";
export * from "./token.js";
export * from "./typed-json.js";
export * from "./value.js";
export * from "./vm.js";
