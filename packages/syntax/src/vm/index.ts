// The evaluator package: evaluation, operators, conversions, errors, value printing,
// and the pre-runtime checker.
export { checkFile } from "../check.js";
export * from "./convert.js";
export * from "./errors.js";
export * from "./eval.js";
export {
  binaryOp,
  fitNumberKinds,
  numFloat,
  numInt,
  numUint,
  OpError,
  parseGoFloat,
  unaryOp,
  valueFromLiteral,
  valuesEqual as equalValues,
} from "./ops.js";
export * from "./print.js";
