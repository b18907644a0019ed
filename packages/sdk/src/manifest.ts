// The plugin manifest: `ingot-plugin.json` at the package root. Its JSON Schema
// (manifest-schema.ts) is what the runtime validates every manifest against.
import type { JSONSchema } from "./schema-types.js";

/** The plugin API this sdk describes; a manifest's `pluginApi` range must include it. */
export const PLUGIN_API_VERSION = "1.0.0";

/** The manifest file name, at a plugin package's root beside package.json. */
export const MANIFEST_FILE = "ingot-plugin.json";

export type Stability = "experimental" | "public-preview" | "generally-available";

/** Stability levels from least to most stable; `--stability.level` refuses anything below. */
export const STABILITY_ORDER: readonly Stability[] = ["experimental", "public-preview", "generally-available"];

export interface ComponentManifest {
  /** Dotted component name as used in configs: `local.file`. */
  name: string;
  stability: Stability;
  /** One-line summary shown by `ingot plugins list` and the UI. */
  description?: string;
  /** JSON Schema of the arguments (see docs/plugin-authoring.md for the Alloy mapping). */
  arguments: JSONSchema;
  /** JSON Schema of the exports. */
  exports: JSONSchema;
}

export interface PluginManifest {
  /** Optional pointer to the manifest schema, for editors. */
  $schema?: string;
  /** Semver range of the plugin API the plugin needs, e.g. "^1.0.0". */
  pluginApi: string;
  /** The entry module, relative to the package root: "./dist/index.js". */
  entry: string;
  components: ComponentManifest[];
}
