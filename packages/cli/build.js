// Bundles the CLI into one ESM file (dist/ingot.js) with esbuild.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/src/main.js"],
  outfile: "dist/ingot.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __ingotCreateRequire } from 'node:module'; const require = __ingotCreateRequire(import.meta.url);",
  },
});
