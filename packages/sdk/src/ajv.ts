// The ajv instance schemas are compiled with: draft-07, every error, strict, and the
// x-alloy-* keywords registered as annotations (they carry no validation).
import { Ajv } from "ajv";

export const ALLOY_KEYWORD_DEFINITIONS = [
  { keyword: "x-alloy-block", schemaType: "boolean" },
  { keyword: "x-alloy-label", schemaType: "string" },
  { keyword: "x-alloy-type", schemaType: "string" },
  { keyword: "x-alloy-capsule", schemaType: "string" },
] as const;

/**
 * A new ajv instance set up for component schemas. `format` is an annotation
 * (no formats are bundled); union types are allowed.
 */
export function createAjv(): Ajv {
  // validateSchema is off: every schema is checked first against the draft-07
  // meta-schema validator precompiled at build time (checkSchema in schema.ts), which
  // spares ajv compiling the meta-schema at startup.
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    validateFormats: false,
    validateSchema: false,
    // Keep the generated code so validators can be cached on disk (validator-cache.ts).
    code: { source: true },
  });
  for (const def of ALLOY_KEYWORD_DEFINITIONS) ajv.addKeyword({ ...def });
  return ajv;
}

let shared: Ajv | undefined;

/** One instance shared by every compile that is not given its own (compiling the meta-schema once). */
export function sharedAjv(): Ajv {
  shared ??= createAjv();
  return shared;
}

export type { Ajv };
