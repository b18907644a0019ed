// The JSON Schema of ingot-plugin.json and the validator the runtime runs on every
// manifest. The same schema is published as `@ingot/sdk/ingot-plugin.schema.json`
// (a test keeps that file equal to this object).
import type { ErrorObject } from "ajv";
import { validateManifestSchema } from "./generated/manifest-validator.js";
import type { PluginManifest } from "./manifest.js";

export { COMPONENT_NAME_PATTERN, MANIFEST_SCHEMA, MANIFEST_SCHEMA_ID } from "./manifest-schema-def.js";

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
