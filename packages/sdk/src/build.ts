// The plugin build kit (`@ingot/sdk/build`): what a plugin's build script calls after
// `tsc` to produce what Ingot loads. It assembles ingot-plugin.json from per-area
// manifest fragments when the package keeps them (src/<area>/manifest.json), and
// bundles the compiled entry into one ES module with esbuild, the sdk helpers
// tree-shaken in and the package's own dependencies left external.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ComponentManifest, PluginManifest } from "./manifest.js";

export interface BuildPluginOptions {
  /** The package root (holding package.json). */
  root: string | URL;
  /** The compiled entry, relative to root. Default "dist/src/index.js". */
  entry?: string;
  /** The bundle, relative to root; the manifest's `entry` must name it. Default "dist/plugin.js". */
  outfile?: string;
  /** Modules left to node_modules. Default: package.json dependencies except @ingot/sdk. */
  external?: string[];
  /**
   * More bundles built with the same settings, e.g. a worker_threads entry the plugin
   * starts with `new Worker(new URL("./worker.js", import.meta.url))`: put its outfile
   * next to the main bundle (and list it in package.json "files"). Paths relative to root.
   */
  extraEntries?: { entry: string; outfile: string }[];
}

/** Builds a plugin package; returns the manifest it wrote (or found). */
export async function buildPlugin(options: BuildPluginOptions): Promise<PluginManifest> {
  const root = typeof options.root === "string" ? options.root : fileURLToPath(options.root);
  const outfile = options.outfile ?? "dist/plugin.js";
  const manifest = assembleManifest(root, `./${outfile}`);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  // Loaded only here: plugins never pay for esbuild at run time.
  const { build } = await import("esbuild");
  const bundles = [{ entry: options.entry ?? "dist/src/index.js", outfile }, ...(options.extraEntries ?? [])];
  await Promise.all(
    bundles.map((b) => bundle(build, root, b.entry, b.outfile, options.external ?? defaultExternal(pkg))),
  );
  return manifest;
}

function defaultExternal(pkg: { dependencies?: Record<string, string> }): string[] {
  return Object.keys(pkg.dependencies ?? {}).filter((d) => d !== "@ingot/sdk");
}

async function bundle(
  build: typeof import("esbuild").build,
  root: string,
  entry: string,
  outfile: string,
  external: string[],
): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    external,
    logLevel: "warning",
    // Bundled CommonJS code may require() Node's built-ins; an ES module has no require.
    banner: {
      js: "import { createRequire as __ingotRequire } from 'node:module'; const require = __ingotRequire(import.meta.url);",
    },
  });
}

/**
 * With fragments under src/<area>/manifest.json (arrays of component manifests, one
 * owner each), writes ingot-plugin.json from them, components sorted by name; without
 * any, returns the package's ingot-plugin.json as it is.
 */
export function assembleManifest(root: string, entry: string): PluginManifest {
  const target = join(root, "ingot-plugin.json");
  const src = join(root, "src");
  const fragments = existsSync(src)
    ? readdirSync(src)
        .sort()
        .map((area) => join(src, area, "manifest.json"))
        .filter((f) => existsSync(f))
    : [];
  if (fragments.length === 0) return JSON.parse(readFileSync(target, "utf8")) as PluginManifest;
  const components: ComponentManifest[] = fragments.flatMap(
    (f) => JSON.parse(readFileSync(f, "utf8")) as ComponentManifest[],
  );
  components.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const manifest: PluginManifest = { pluginApi: "^1.0.0", entry, components };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  // Rewritten only on change, so builds do not dirty the tree.
  if (!existsSync(target) || readFileSync(target, "utf8") !== text) writeFileSync(target, text);
  return manifest;
}
