// @ingot/syntax: the Alloy configuration language.
export * from "./ast.js";
export * from "./diag.js";
export * from "./source.js";
export * from "./token.js";
export * from "./value.js";
export * from "./strconv.js";
