// What an artifact is, read from its manifests: a plugin (package.json +
// ingot-plugin.json), a plugin pack (package.json + ingot-pack.json listing plugin
// directories, each a plugin package) or a module (ingot-module.json + Alloy files).
// The plugin checks are discovery's, minus the ones that depend on the running Ingot
// (its plugin API version, the other installed plugins): those run again at install.
import { compileComponentSchemas, createAjv, MANIFEST_FILE, type PluginManifest, validateManifest } from "@ingot/sdk";
import validRange from "semver/ranges/valid.js";
import { MODULE_MANIFEST_FILE, type ModuleManifest, validateModuleManifest } from "./module-manifest.js";
import { invalidNameReason, invalidVersionReason } from "./names.js";
import { type Tarball, TarballError } from "./tarball.js";

export const PACK_MANIFEST_FILE = "ingot-pack.json";

export type ArtifactKind = "plugin" | "pack" | "module";

export interface PluginSummary {
  /** Directory of the plugin inside the package ("" for the package root). */
  dir: string;
  name: string;
  version: string;
  pluginApi: string;
  components: string[];
}

export interface ArtifactInfo {
  kind: ArtifactKind;
  name: string;
  version: string;
  description?: string;
  /** The plugins a plugin or pack holds. */
  plugins: PluginSummary[];
  /** The module manifest (modules only). */
  module?: ModuleManifest;
}

export const PACK_MANIFEST_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Ingot plugin pack manifest (ingot-pack.json)",
  type: "object",
  required: ["plugins"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    plugins: {
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: { type: "string", pattern: "^(?![/\\\\])(?![A-Za-z]:)(?!(.*[/\\\\])?\\.\\.([/\\\\]|$))[^\\\\]+$" },
    },
  },
} as const;

let packValidator: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

function json(tarball: Tarball, path: string): unknown {
  const buf = tarball.files.get(path);
  if (!buf) throw new TarballError(`missing ${path}`);
  try {
    return JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new TarballError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function join(dir: string, file: string): string {
  return dir === "" ? file : `${dir}/${file}`;
}

function normalize(path: string): string {
  return path
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p !== "" && p !== ".")
    .join("/");
}

function packageJson(tarball: Tarball, dir: string): { name: string; version: string; description?: string } {
  const path = join(dir, "package.json");
  const pj = json(tarball, path) as { name?: unknown; version?: unknown; description?: unknown };
  if (typeof pj !== "object" || pj === null) throw new TarballError(`${path} is not a JSON object`);
  if (typeof pj.name !== "string") throw new TarballError(`${path}: missing "name"`);
  if (typeof pj.version !== "string") throw new TarballError(`${path}: missing "version"`);
  const bad = invalidNameReason(pj.name) ?? invalidVersionReason(pj.version);
  if (bad) throw new TarballError(`${path}: ${bad}`);
  return {
    name: pj.name,
    version: pj.version,
    ...(typeof pj.description === "string" ? { description: pj.description } : {}),
  };
}

/** Checks one plugin package inside the tarball (at dir) the way discovery does. */
function inspectPlugin(tarball: Tarball, dir: string): PluginSummary {
  const pj = packageJson(tarball, dir);
  const manifestPath = join(dir, MANIFEST_FILE);
  const valid = validateManifest(json(tarball, manifestPath));
  if (!valid.ok) throw new TarballError(`invalid ${manifestPath}: ${valid.reason}`);
  const manifest: PluginManifest = valid.manifest;
  if (validRange(manifest.pluginApi) === null) {
    throw new TarballError(`${manifestPath}: pluginApi "${manifest.pluginApi}" is not a valid semver range`);
  }
  const entry = join(dir, normalize(manifest.entry));
  if (!tarball.files.has(entry))
    throw new TarballError(`${manifestPath}: entry "${manifest.entry}" is not in the package`);
  for (const c of manifest.components) {
    try {
      compileComponentSchemas(c);
    } catch (e) {
      throw new TarballError(`${manifestPath}: component "${c.name}": ${(e as Error).message}`);
    }
  }
  return {
    dir,
    name: pj.name,
    version: pj.version,
    pluginApi: manifest.pluginApi,
    components: manifest.components.map((c) => c.name),
  };
}

function inspectModule(tarball: Tarball): ArtifactInfo {
  const valid = validateModuleManifest(json(tarball, MODULE_MANIFEST_FILE));
  if (!valid.ok) throw new TarballError(`invalid ${MODULE_MANIFEST_FILE}: ${valid.reason}`);
  const m = valid.manifest;
  const bad = invalidNameReason(m.name) ?? invalidVersionReason(m.version);
  if (bad) throw new TarballError(`${MODULE_MANIFEST_FILE}: ${bad}`);
  if (tarball.files.has("package.json")) {
    const pj = packageJson(tarball, "");
    if (pj.name !== m.name || pj.version !== m.version) {
      throw new TarballError(
        `package.json names ${pj.name}@${pj.version} but ${MODULE_MANIFEST_FILE} names ${m.name}@${m.version}`,
      );
    }
  }
  const sources = new Map<string, string>();
  for (const f of m.files) {
    const buf = tarball.files.get(normalize(f));
    if (!buf) throw new TarballError(`${MODULE_MANIFEST_FILE}: file "${f}" is not in the package`);
    sources.set(f, buf.toString("utf8"));
  }
  for (const d of m.declares) {
    const label = new RegExp(`(^|[\\s}])declare\\s+"${d.name}"\\s*\\{`);
    if (!label.test(sources.get(d.file) ?? "")) {
      throw new TarballError(`${MODULE_MANIFEST_FILE}: declare "${d.name}" is not defined in ${d.file}`);
    }
  }
  return {
    kind: "module",
    name: m.name,
    version: m.version,
    ...(m.description !== undefined ? { description: m.description } : {}),
    plugins: [],
    module: m,
  };
}

/** Reads the artifact's manifests; throws TarballError with the reason when they are missing or invalid. */
export function inspectArtifact(tarball: Tarball): ArtifactInfo {
  if (tarball.files.has(MODULE_MANIFEST_FILE)) return inspectModule(tarball);
  if (tarball.files.has(PACK_MANIFEST_FILE)) {
    const pj = packageJson(tarball, "");
    const raw = json(tarball, PACK_MANIFEST_FILE);
    packValidator ??= createAjv().compile(PACK_MANIFEST_SCHEMA);
    if (!packValidator(raw)) {
      const e = packValidator.errors?.[0];
      throw new TarballError(
        `invalid ${PACK_MANIFEST_FILE}: ${e?.instancePath ? `${e.instancePath.slice(1)}: ` : ""}${e?.message}`,
      );
    }
    const plugins = (raw as { plugins: string[] }).plugins.map((dir) => inspectPlugin(tarball, normalize(dir)));
    const owner = new Map<string, string>();
    for (const p of plugins) {
      for (const c of p.components) {
        const other = owner.get(c);
        if (other) throw new TarballError(`component "${c}" is provided by both ${other} and ${p.name} in the pack`);
        owner.set(c, p.name);
      }
    }
    return { kind: "pack", ...pj, plugins };
  }
  if (tarball.files.has(MANIFEST_FILE)) {
    const pj = packageJson(tarball, "");
    return { kind: "plugin", ...pj, plugins: [inspectPlugin(tarball, "")] };
  }
  throw new TarballError(
    `missing manifest: the package holds none of ${MANIFEST_FILE}, ${PACK_MANIFEST_FILE}, ${MODULE_MANIFEST_FILE}`,
  );
}
