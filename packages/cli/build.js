// Bundles the CLI into one ESM file (dist/ingot.js) with esbuild. The version comes
// from this package's package.json.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const here = new URL(".", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", here), "utf8"));

await build({
  absWorkingDir: new URL(".", here).pathname,
  entryPoints: ["dist/src/main.js"],
  outfile: "dist/ingot.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  define: { __INGOT_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __ingotCreateRequire } from 'node:module'; const require = __ingotCreateRequire(import.meta.url);",
  },
});
