// The module manifest: `ingot-module.json` at the root of a module artifact. A module
// is a set of Alloy files holding `declare` blocks (custom components) that configs
// import with `import.registry`; the manifest names it, and describes each exported
// declare with JSON Schemas of its arguments and exports.
import { createAjv } from "@ingot/sdk";

/** The part of an ajv error this file reads. */
interface ErrorObject {
  keyword: string;
  instancePath: string;
  params: unknown;
  message?: string;
}

export const MODULE_MANIFEST_FILE = "ingot-module.json";

export interface ModuleDeclare {
  /** The declare's label: `declare "name" { ... }`; configs use it as `<import label>.<name>`. */
  name: string;
  description?: string;
  /** The Alloy file (a path in `files`) holding the declare. */
  file: string;
  /** JSON Schema (draft-07) of its arguments (`argument` blocks), `"type": "object"`. */
  arguments: Record<string, unknown>;
  /** JSON Schema of its exports (`export` blocks), `"type": "object"`. */
  exports: Record<string, unknown>;
}

export interface ModuleManifest {
  $schema?: string;
  name: string;
  version: string;
  description?: string;
  /** The Alloy files of the module, relative to the package root, each ending in `.alloy`. */
  files: string[];
  declares: ModuleDeclare[];
}

const RELATIVE_PATH = "^(?![/\\\\])(?![A-Za-z]:)(?!(.*[/\\\\])?\\.\\.([/\\\\]|$)).+$";

const objectSchema = {
  type: "object",
  required: ["type"],
  properties: { type: { const: "object" } },
};

export const MODULE_MANIFEST_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://ingot.dev/schemas/ingot-module.schema.json",
  title: "Ingot module manifest (ingot-module.json)",
  type: "object",
  required: ["name", "version", "files", "declares"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    name: { type: "string", minLength: 1, maxLength: 214 },
    version: { type: "string", minLength: 1 },
    description: { type: "string" },
    files: {
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: { type: "string", pattern: `${RELATIVE_PATH.slice(0, -1)}\\.alloy$` },
    },
    declares: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["name", "file", "arguments", "exports"],
        additionalProperties: false,
        properties: {
          name: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
          description: { type: "string" },
          file: { type: "string", pattern: RELATIVE_PATH },
          arguments: objectSchema,
          exports: objectSchema,
        },
      },
    },
  },
} as const;

let compiled: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

function errorText(e: ErrorObject): string {
  const at =
    e.instancePath === ""
      ? ""
      : `${e.instancePath
          .slice(1)
          .replace(/\/(\d+)(?=\/|$)/g, "[$1]")
          .replace(/\//g, ".")}: `;
  if (e.keyword === "additionalProperties") {
    return `${at}unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  }
  if (e.keyword === "required")
    return `${at}missing field ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`;
  return `${at}${e.message ?? "is invalid"}`;
}

/**
 * Checks a parsed ingot-module.json against MODULE_MANIFEST_SCHEMA and the rules a schema
 * cannot say: declare names unique, each declare's file listed in `files`.
 */
export function validateModuleManifest(
  json: unknown,
): { ok: true; manifest: ModuleManifest } | { ok: false; reason: string } {
  // The sdk's ajv setup (strict, draft-07), so the registry needs no ajv of its own.
  compiled ??= createAjv().compile(MODULE_MANIFEST_SCHEMA);
  if (!compiled(json)) return { ok: false, reason: errorText((compiled.errors ?? [])[0] as ErrorObject) };
  const manifest = json as unknown as ModuleManifest;
  const seen = new Set<string>();
  for (const [i, d] of manifest.declares.entries()) {
    if (seen.has(d.name))
      return { ok: false, reason: `declares[${i}].name: duplicate declare ${JSON.stringify(d.name)}` };
    seen.add(d.name);
    if (!manifest.files.includes(d.file)) {
      return { ok: false, reason: `declares[${i}].file: ${JSON.stringify(d.file)} is not listed in files` };
    }
  }
  return { ok: true, manifest };
}
