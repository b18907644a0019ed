// Plugin discovery: finds plugin packages (a package root holding ingot-plugin.json
// beside package.json), validates each manifest, checks its plugin API range, compiles
// its schemas and registers its components. A plugin failing any step is refused
// with one message and the rest carry on. Only two small JSON files are read per
// package; entry modules are imported later, on first use (plugin-module.ts).
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CompiledComponentSchemas,
  type ComponentDefinition,
  type ComponentManifest,
  compileComponentSchemas,
  type Logger,
  MANIFEST_FILE,
  PLUGIN_API_VERSION,
  type PluginManifest,
  type Stability,
  validateManifest,
} from "@ingot/sdk";
import satisfies from "semver/functions/satisfies.js";
import validRange from "semver/ranges/valid.js";

/** One component a plugin provides, with its schemas compiled at discovery. */
export interface ComponentRecord {
  name: string;
  stability: Stability;
  description?: string;
  manifest: ComponentManifest;
  schemas: CompiledComponentSchemas;
  plugin: PluginRecord;
  /** Set for blocks the runtime provides itself (module blocks, custom components): no entry module to import. */
  definition?: ComponentDefinition;
  /**
   * For custom components: what the instance is built from (the resolved declare).
   * When it changes, the node is updated even if its arguments did not.
   */
  revision?: () => unknown;
  /** Failures of this node's build are reported without the "building component:" prefix. */
  customComponent?: boolean;
}

export interface PluginRecord {
  name: string;
  version: string;
  /** Absolute (real) path of the package root. */
  path: string;
  status: "ok" | "refused";
  reason?: string;
  /** The manifest when it parsed and validated. */
  manifest?: PluginManifest;
  /** Components the manifest declares (name, stability), also for refused plugins when known. */
  declared: { name: string; stability: Stability; description?: string }[];
  /** Registered components (empty when refused at discovery). */
  components: ComponentRecord[];
  /** Absolute path of the entry module. */
  entryPath?: string;
}

export interface PluginRegistry {
  plugins: PluginRecord[];
  /** Registered components by name. */
  components: Map<string, ComponentRecord>;
  /** Component names declared only by refused plugins, to explain unknown names. */
  refusedNames: Map<string, PluginRecord>;
}

export interface DiscoveryOptions {
  /** Directories whose node_modules hold installed packages. */
  searchRoots: string[];
  /** Directories holding plugin packages (`--plugins.path`). */
  pluginPaths: string[];
  logger?: Logger;
}

/** The message a refused plugin gets: `plugin <name>@<version> (<path>) refused: <reason>`. */
export function refusedMessage(p: { name: string; version: string; path: string; reason?: string }): string {
  return `plugin ${p.name}@${p.version} (${p.path}) refused: ${p.reason ?? "unknown reason"}`;
}

/** The default search roots: the working directory and every ancestor of the runtime's package with node_modules. */
export function defaultSearchRoots(): string[] {
  const roots = [process.cwd()];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "node_modules"))) roots.push(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return roots;
}

// The node_modules scan checks every installed package (hundreds in a development
// checkout) on every start: paths are built by concatenation onto an already resolved
// directory, as path.join normalising each one costs several times the check itself.

/** Names of the subdirectories (or links) of dir, sorted; dot entries skipped. */
function subdirectories(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    if (e.isDirectory() || e.isSymbolicLink()) out.push(e.name);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Package roots holding a manifest directly under dir (resolved), including @scope/* packages. */
function packagesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of subdirectories(dir)) {
    const p = dir + sep + name;
    if (name.startsWith("@")) {
      for (const inner of subdirectories(p)) {
        const q = p + sep + inner;
        if (existsSync(q + sep + MANIFEST_FILE)) out.push(q);
      }
    } else if (existsSync(p + sep + MANIFEST_FILE)) out.push(p);
  }
  return out;
}

/** Candidate package roots in discovery order: --plugins.path first, then installed packages. */
export function candidatePackages(opts: Pick<DiscoveryOptions, "searchRoots" | "pluginPaths">): string[] {
  const out: string[] = [];
  for (const dir of opts.pluginPaths) {
    const abs = resolve(dir);
    if (existsSync(join(abs, MANIFEST_FILE))) out.push(abs);
    else out.push(...packagesIn(abs));
  }
  for (const root of opts.searchRoots) {
    out.push(...packagesIn(join(resolve(root), "node_modules")));
  }
  // The same package reached twice (a workspace symlink, overlapping roots) counts once.
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const p of out) {
    let real = p;
    try {
      real = realpathSync(p);
    } catch {
      // keep the unresolved path
    }
    if (seen.has(real)) continue;
    seen.add(real);
    unique.push(real);
  }
  return unique;
}

function readJSON(path: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { ok: false, error: `cannot read ${basename(path)}: ${(e as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `${basename(path)} is not valid JSON: ${(e as Error).message}` };
  }
}

/** Reads, validates and compiles one package; returns the record (refused or ok, not yet checked for duplicates). */
export function inspectPackage(path: string): PluginRecord {
  const rec: PluginRecord = {
    name: basename(path),
    version: "unknown",
    path,
    status: "refused",
    declared: [],
    components: [],
  };
  const refuse = (reason: string): PluginRecord => {
    rec.reason = reason;
    return rec;
  };
  const pkg = readJSON(join(path, "package.json"));
  if (!pkg.ok) return refuse(pkg.error);
  const pj = pkg.value as { name?: unknown; version?: unknown };
  if (typeof pj?.name === "string") rec.name = pj.name;
  if (typeof pj?.version === "string") rec.version = pj.version;

  const man = readJSON(join(path, MANIFEST_FILE));
  if (!man.ok) return refuse(man.error);
  // Note the declared names early, so a config using them learns why they are missing.
  const raw = man.value as { components?: unknown };
  if (Array.isArray(raw?.components)) {
    for (const c of raw.components as { name?: unknown; stability?: unknown; description?: unknown }[]) {
      if (c && typeof c.name === "string") {
        rec.declared.push({
          name: c.name,
          stability: (typeof c.stability === "string" ? c.stability : "experimental") as Stability,
          ...(typeof c.description === "string" ? { description: c.description } : {}),
        });
      }
    }
  }
  const valid = validateManifest(man.value);
  if (!valid.ok) return refuse(`invalid ${MANIFEST_FILE}: ${valid.reason}`);
  const manifest = valid.manifest;
  rec.manifest = manifest;

  if (validRange(manifest.pluginApi) === null) {
    return refuse(`pluginApi "${manifest.pluginApi}" is not a valid semver range`);
  }
  if (!satisfies(PLUGIN_API_VERSION, manifest.pluginApi)) {
    return refuse(`needs plugin API ${manifest.pluginApi}, but this runtime provides ${PLUGIN_API_VERSION}`);
  }
  const entryPath = resolve(path, manifest.entry);
  const rel = relative(path, entryPath);
  if (rel.startsWith("..") || isAbsolute(rel)) return refuse(`entry "${manifest.entry}" is outside the package`);
  rec.entryPath = entryPath;

  const names = new Set<string>();
  const components: ComponentRecord[] = [];
  for (const cm of manifest.components) {
    if (names.has(cm.name)) return refuse(`component "${cm.name}" is declared twice`);
    names.add(cm.name);
    let schemas: CompiledComponentSchemas;
    try {
      schemas = compileComponentSchemas(cm);
    } catch (e) {
      return refuse(`component "${cm.name}": ${(e as Error).message}`);
    }
    components.push({
      name: cm.name,
      stability: cm.stability,
      ...(cm.description !== undefined ? { description: cm.description } : {}),
      manifest: cm,
      schemas,
      plugin: rec,
    });
  }
  rec.components = components;
  rec.status = "ok";
  return rec;
}

/**
 * Finds and checks every plugin. Candidates come in a fixed order (--plugins.path
 * directories in flag order, then each search root's node_modules, packages sorted
 * by name); when two plugins declare the same component name, the later one is refused.
 */
export function discoverPlugins(opts: DiscoveryOptions): PluginRegistry {
  const registry: PluginRegistry = { plugins: [], components: new Map(), refusedNames: new Map() };
  for (const path of candidatePackages(opts)) {
    const rec = inspectPackage(path);
    if (rec.status === "ok") {
      for (const c of rec.components) {
        const owner = registry.components.get(c.name);
        if (owner) {
          const o = owner.plugin;
          rec.status = "refused";
          rec.reason = `component "${c.name}" is already provided by plugin ${o.name}@${o.version} (${o.path})`;
          rec.components = [];
          break;
        }
      }
    }
    if (rec.status === "ok") {
      for (const c of rec.components) registry.components.set(c.name, c);
    } else {
      opts.logger?.warn(refusedMessage(rec));
      for (const d of rec.declared) {
        if (!registry.refusedNames.has(d.name)) registry.refusedNames.set(d.name, rec);
      }
    }
    registry.plugins.push(rec);
  }
  // A name a refused plugin declared but a later plugin provides is not missing.
  for (const name of registry.components.keys()) registry.refusedNames.delete(name);
  return registry;
}
