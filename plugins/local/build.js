// Bundles the plugin's entry into one ES module (dist/plugin.js), the way
// docs/plugin-authoring.md tells third parties to: the sdk helpers it uses are
// tree-shaken in, so loading the plugin does not load the sdk's schema compiler.
// picomatch stays external and is imported only on the first local.file_match sync.
import { build } from "esbuild";

await build({
  absWorkingDir: new URL(".", import.meta.url).pathname,
  entryPoints: ["dist/src/index.js"],
  outfile: "dist/plugin.js",
  bundle: true,
  splitting: false,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["picomatch"],
  logLevel: "warning",
});
