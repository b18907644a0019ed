// Builds the plugin: assembles ingot-plugin.json from the manifest.json fragment of
// each area under src/ (one owner per fragment), then bundles the entry into one ES
// module (dist/plugin.js) with the sdk helpers tree-shaken in. Native and heavy
// dependencies stay external and load from node_modules.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const root = new URL(".", import.meta.url);
const components = [];
for (const area of readdirSync(new URL("src/", root)).sort()) {
  const file = new URL(`src/${area}/manifest.json`, root);
  if (existsSync(file)) components.push(...JSON.parse(readFileSync(file, "utf8")));
}
components.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const manifest = { pluginApi: "^1.0.0", entry: "./dist/plugin.js", components };
const text = `${JSON.stringify(manifest, null, 2)}\n`;
const target = new URL("ingot-plugin.json", root);
if (!existsSync(target) || readFileSync(target, "utf8") !== text) writeFileSync(target, text);

const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
await build({
  absWorkingDir: root.pathname,
  entryPoints: ["dist/src/index.js"],
  outfile: "dist/plugin.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}).filter((d) => d !== "@ingot/sdk"),
  logLevel: "warning",
});
