// The evaluator, after Alloy's syntax/vm (implementation in ./vm/).
export * from "./vm/index.js";
