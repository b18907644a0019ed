// Bundles the CLI into one ESM file (dist/ingot.js) with esbuild. The version comes
// from this package's package.json. fastify, prom-client and ajv are bundled; plugins
// are not (the runtime discovers and imports them at run time).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const here = new URL(".", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", here), "utf8"));
const outfile = new URL("dist/ingot.js", here).pathname;

const result = await build({
  absWorkingDir: new URL(".", here).pathname,
  entryPoints: ["dist/src/main.js"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // Smaller source parses faster: startup time to /-/ready is a goal. Internal-error
  // stacks are mapped back through the source map (main.ts).
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  // Heavy clients the runtime imports lazily (import.git, import.s3, the S3 registry
  // storage): left to node_modules so that startup never parses them.
  external: ["isomorphic-git", "isomorphic-git/*", "@aws-sdk/client-s3"],
  logLevel: "warning",
  write: false,
  define: { __INGOT_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __ingotCreateRequire } from 'node:module'; const require = __ingotCreateRequire(import.meta.url);",
  },
});

// Written under temporary names and renamed, so a concurrent reader (tests build the
// bundle on demand) never sees a half-written file.
for (const file of result.outputFiles) {
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
