// The JSON Schema of ingot-plugin.json, as data only: scripts/gen-validators.mjs
// compiles it at build time, so this module must not import the generated validators.

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
