export * from "./parser.js";
