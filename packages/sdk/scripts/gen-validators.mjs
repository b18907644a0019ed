// Precompiles, at build time, the two validators every startup needs: the plugin
// manifest schema and the JSON Schema draft-07 meta-schema (which checks every
// component schema). Compiling them with ajv at run time costs ~100 ms of startup;
// ajv's standalone code is the same validator, emitted once as plain JS.
import { mkdirSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { ALLOY_KEYWORD_DEFINITIONS } from "../dist/src/ajv.js";
import { MANIFEST_SCHEMA } from "../dist/src/manifest-schema-def.js";
import { inlineAjvRuntime } from "../dist/src/validator-cache.js";

const DRAFT07 = "http://json-schema.org/draft-07/schema";

const manifestAjv = new Ajv({ allErrors: false, strict: true, code: { source: true, esm: true } });
manifestAjv.addSchema(MANIFEST_SCHEMA, "manifest");

// Same options as createAjv() so that meta-validation behaves as ajv.compile's would.
const metaAjv = new Ajv({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  validateFormats: false,
  code: { source: true, esm: true },
});
for (const def of ALLOY_KEYWORD_DEFINITIONS) metaAjv.addKeyword({ ...def });

// The generated modules must be plain ESM with no imports (bundled or not): the same
// inline runtime helpers as the validator disk cache.
function standalone(ajv, refs) {
  const code = inlineAjvRuntime(standaloneCode.default(ajv, refs));
  if (code === undefined) throw new Error("gen-validators: unexpected require() in generated code");
  return code;
}

const out = new URL("../dist/src/generated/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL("manifest-validator.js", out), standalone(manifestAjv, { validateManifestSchema: "manifest" }));
writeFileSync(new URL("draft07-validator.js", out), standalone(metaAjv, { validateDraft07: DRAFT07 }));
