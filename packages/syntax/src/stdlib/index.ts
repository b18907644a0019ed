// The Alloy standard library: every identifier visible at the root scope, as
// defined by Alloy's syntax/internal/stdlib.

import type { ObjectValue, Value } from "../value.js";
import { makeArrayFunctions, makeConcat } from "./array.js";
import { fromBase64, fromJSON, fromYAML, makeEncodingFunctions } from "./encoding.js";
import { jsonPathFn } from "./json-path.js";
import { coalesce, constants, makeEnv, makeNonsensitive, pathJoinFn } from "./misc.js";
import { makeStringFunctions } from "./string.js";

export { valuesEqual } from "./array.js";
export { base64Decode, base64Encode, queryEscape, queryUnescape } from "./encoding.js";
export { goQuote, sprintf } from "./format.js";
export { decodeJSON, encodeJSON } from "./json.js";
export { jsonPath } from "./json-path.js";
export { cleanPath, goarch, goos, normalizeVersion, pathJoin, setStdlibVersion } from "./misc.js";
export { formatFloat } from "./util.js";
export { decodeYAML, YAMLError } from "./yaml.js";

function namespace(entries: Map<string, Value>): ObjectValue {
  return entries;
}

const stringFns = makeStringFunctions("string.");
const deprecatedStringFns = makeStringFunctions("");

/** Identifiers deprecated in favour of namespaced ones: name -> replacement. */
export const deprecatedStdlib: ReadonlyMap<string, string> = new Map([
  ["env", "sys.env"],
  ["nonsensitive", "convert.nonsensitive"],
  ["concat", "array.concat"],
  ["json_decode", "encoding.from_json"],
  ["yaml_decode", "encoding.from_yaml"],
  ["base64_decode", "encoding.from_base64"],
  ["format", "string.format"],
  ["join", "string.join"],
  ["replace", "string.replace"],
  ["split", "string.split"],
  ["to_lower", "string.to_lower"],
  ["to_upper", "string.to_upper"],
  ["trim", "string.trim"],
  ["trim_prefix", "string.trim_prefix"],
  ["trim_suffix", "string.trim_suffix"],
  ["trim_space", "string.trim_space"],
]);

/** Full names (namespace.name) of stdlib identifiers that are experimental. */
export const experimentalStdlib: ReadonlySet<string> = new Set(["array.combine_maps", "array.group_by"]);

/** Every identifier of the standard library, by name. */
export const stdlib: Map<string, Value> = new Map<string, Value>([
  ["constants", constants],
  ["coalesce", coalesce],
  ["json_path", jsonPathFn],
  ["sys", namespace(new Map([["env", makeEnv("sys.env")]]))],
  ["convert", namespace(new Map([["nonsensitive", makeNonsensitive("convert.nonsensitive")]]))],
  ["array", namespace(makeArrayFunctions())],
  ["encoding", namespace(makeEncodingFunctions())],
  ["string", namespace(stringFns)],
  ["file", namespace(new Map([["path_join", pathJoinFn]]))],
  // Deprecated aliases.
  ["env", makeEnv("env")],
  ["nonsensitive", makeNonsensitive("nonsensitive")],
  ["concat", makeConcat("concat")],
  ["json_decode", fromJSON("json_decode")],
  ["yaml_decode", fromYAML("yaml_decode")],
  ["base64_decode", fromBase64("base64_decode")],
]);
for (const [name, fn] of deprecatedStringFns) stdlib.set(name, fn);
