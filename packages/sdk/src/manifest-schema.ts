// The JSON Schema of ingot-plugin.json and the validator the runtime runs on every
// manifest. The same schema is published as `@ingot/sdk/ingot-plugin.schema.json`
// (a test keeps that file equal to this object).
import type { ErrorObject } from "ajv";
import { validateManifestSchema } from "./generated/manifest-validator.js";
import type { PluginManifest } from "./manifest.js";

/** Alloy's component names: two or more dotted identifiers (`local.file`, `otelcol.receiver.otlp`). */
export const COMPONENT_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$";

/** Where editors can fetch the schema; manifests may point their "$schema" here. */
export const MANIFEST_SCHEMA_ID = "https://ingot.dev/schemas/ingot-plugin.schema.json";

export const MANIFEST_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: MANIFEST_SCHEMA_ID,
  title: "Ingot plugin manifest (ingot-plugin.json)",
  type: "object",
  required: ["pluginApi", "entry", "components"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string", description: "Optional pointer to this schema, for editors." },
    pluginApi: {
      type: "string",
      description: 'Semver range of the Ingot plugin API the plugin needs, e.g. "^1.0.0".',
      minLength: 1,
      pattern: "^[0-9A-Za-z.*^~<>=|+ -]+$",
    },
    entry: {
      type: "string",
      description: 'The entry module, relative to the package root, e.g. "./dist/index.js".',
      minLength: 1,
      // Relative, inside the package: no leading "/", no drive letter, no ".." segment.
      pattern: "^(?![/\\\\])(?![A-Za-z]:)(?!(.*[/\\\\])?\\.\\.([/\\\\]|$)).+$",
    },
    components: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["name", "stability", "arguments", "exports"],
        additionalProperties: false,
        properties: {
          name: {
            type: "string",
            description: "Dotted component name as used in configs, e.g. local.file.",
            pattern: COMPONENT_NAME_PATTERN,
          },
          stability: { enum: ["experimental", "public-preview", "generally-available"] },
          description: { type: "string" },
          arguments: { $ref: "#/definitions/objectSchema" },
          exports: { $ref: "#/definitions/objectSchema" },
        },
      },
    },
  },
  definitions: {
    objectSchema: {
      description: 'A JSON Schema (draft-07) with "type": "object"; see docs/plugin-authoring.md.',
      type: "object",
      required: ["type"],
      properties: { type: { const: "object" } },
    },
  },
} as const;

// Precompiled at build time from MANIFEST_SCHEMA (scripts/gen-validators.mjs): the
// runtime validates every manifest at startup without compiling a schema.
function validate(json: unknown): boolean {
  return validateManifestSchema(json);
}

function pathOf(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const s = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^[0-9]+$/.test(s) ? `[${s}]` : out === "" ? s : `.${s}`;
  }
  return out;
}

function reason(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  let path = pathOf(e.instancePath);
  let msg: string;
  switch (e.keyword) {
    case "enum":
      msg = `must be one of ${(p.allowedValues as unknown[]).join(", ")}`;
      break;
    case "required":
      msg = `missing required field ${JSON.stringify(p.missingProperty)}`;
      break;
    case "additionalProperties":
      msg = `unknown field ${JSON.stringify(p.additionalProperty)}`;
      break;
    case "const":
      path = path.replace(/\.type$/, "");
      msg = 'must be a JSON Schema with "type": "object"';
      break;
    case "pattern":
      msg = path.endsWith(".name")
        ? "must be a dotted component name like local.file"
        : path === "entry"
          ? 'must be a path relative to the package root, like "./dist/index.js"'
          : `must match pattern ${p.pattern}`;
      break;
    default:
      msg = e.message ?? e.keyword;
  }
  return path ? `${path}: ${msg}` : `manifest ${msg}`;
}

/** Names declared more than once in one manifest, each once, in order of first repeat. */
export function duplicateComponentNames(manifest: Pick<PluginManifest, "components">): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const c of manifest.components) {
    if (seen.has(c.name) && !dups.includes(c.name)) dups.push(c.name);
    seen.add(c.name);
  }
  return dups;
}

/**
 * Validates a parsed ingot-plugin.json against the manifest schema, and that no
 * component name repeats. The reason is one line: `components[0].stability: must be
 * one of experimental, public-preview, generally-available`. (The pluginApi range is
 * checked syntactically here; the runtime matches it against its API with semver.)
 */
export function validateManifest(
  json: unknown,
): { ok: true; manifest: PluginManifest } | { ok: false; reason: string } {
  if (!validate(json)) return { ok: false, reason: reason((validateManifestSchema.errors ?? [])[0] as ErrorObject) };
  const manifest = json as PluginManifest;
  const dups = duplicateComponentNames(manifest);
  if (dups.length > 0) {
    const i = manifest.components.findIndex(
      (c, j) => c.name === dups[0] && manifest.components.findIndex((d) => d.name === c.name) !== j,
    );
    return { ok: false, reason: `components[${i}].name: duplicate component name ${JSON.stringify(dups[0])}` };
  }
  return { ok: true, manifest };
}
