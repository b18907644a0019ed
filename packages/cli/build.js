// Bundles the CLI into one CommonJS file (dist/ingot.cjs) with esbuild: CommonJS so that
// bin/ingot.js can compile it with vm.Script and V8's code cache (startup time; Node 20
// has no code cache for ES modules). The version comes
// from this package's package.json. fastify, prom-client and ajv are bundled; plugins
// are not (the runtime discovers and imports them at run time).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";

const here = new URL(".", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", here), "utf8"));
const outfile = new URL("dist/ingot.cjs", here).pathname;

// The workspace packages and fastify each have their own copy of semver in node_modules
// (same major, 7.8.x); bundling one copy saves parsing and initialising three more.
const requireHere = createRequire(new URL("package.json", here));
const oneSemver = {
  name: "one-semver",
  setup(b) {
    b.onResolve({ filter: /^semver(\/.*)?$/ }, (args) => ({ path: requireHere.resolve(args.path) }));
  },
};

// Node built-in modules that `ingot run` imports (through fastify, the runtime's HTTP
// clients, prom-client) but does not use on the way to ready: each becomes a module
// whose exports load the real one on first access, so startup does not load and
// initialise them. The export names are the building Node's.
const lazyBuiltins = ["http2", "https", "tls", "dns", "v8", "zlib", "worker_threads", "cluster", "readline"];
const lazyBuiltinsPlugin = {
  name: "lazy-builtins",
  setup(b) {
    const filter = new RegExp(`^(node:)?(${lazyBuiltins.join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === "lazy-builtin"
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ""), namespace: "lazy-builtin" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => {
      const names = Object.keys(requireHere(`node:${args.path}`)).filter((n) => n !== "default");
      return {
        loader: "js",
        contents:
          `let m;\nconst load = () => (m ??= require("node:${args.path}"));\n` +
          `for (const k of ${JSON.stringify(names)}) Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k] });\n`,
      };
    });
  },
};

const result = await build({
  plugins: [oneSemver, lazyBuiltinsPlugin],
  absWorkingDir: new URL(".", here).pathname,
  entryPoints: ["dist/src/main.js"],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: true,
  // Smaller source parses faster: startup time to /-/ready is a goal. Internal-error
  // stacks are mapped back through the source map (main.ts).
  minifyWhitespace: true,
  minifySyntax: true,
  // INGOT_BUNDLE_NAMES=1 keeps the names, for CPU profiles (docs/benchmarks.md).
  minifyIdentifiers: process.env.INGOT_BUNDLE_NAMES !== "1",
  // Heavy clients the runtime imports lazily (import.git, import.s3, the S3 registry
  // storage): left to node_modules so that startup never parses them.
  external: ["isomorphic-git", "isomorphic-git/*", "@aws-sdk/client-s3"],
  logLevel: "warning",
  write: false,
  // import.meta.url of every bundled module is the bundle's URL, as in an ESM bundle:
  // bin/ingot.js passes it as a parameter of the function the bundle is wrapped in.
  define: { __INGOT_VERSION__: JSON.stringify(pkg.version), "import.meta.url": "__ingotImportMetaUrl" },
});

// In a CommonJS bundle import.meta is empty: only import.meta.url is provided (define
// above), so any other use fails the build rather than reading undefined at run time.
const metaWarnings = result.warnings.filter((w) => w.text.includes("import.meta"));
if (metaWarnings.length > 0) {
  throw new Error(`build.js: import.meta other than import.meta.url in the bundle: ${metaWarnings[0].text}`);
}

// import() in a script compiled from V8's code cache fails on Node 20 ("A dynamic
// import callback was not specified": the cache loses the script's host-defined
// options). So every import() of the bundle (plugin entry modules, the lazily loaded
// clients above) calls __ingotImport instead, a parameter bin/ingot.js passes:
// `(specifier) => import(specifier)` in that ES module. Minified output has import( only
// as the keyword here; a string holding "import(" would be rewritten too, so the build
// refuses one that is not preceded by what precedes an expression.
const dynamicImport = /(?<![\w$.])import\(/g;
for (const file of result.outputFiles) {
  let text = file.text;
  if (file.path === outfile) {
    for (const m of text.matchAll(dynamicImport)) {
      if (!/(?:[=(,;:!&|?{}[]|\bawait |\breturn )$/.test(text.slice(Math.max(0, m.index - 7), m.index))) {
        throw new Error(
          `build.js: unexpected "import(" in the bundle: ...${text.slice(m.index - 40, m.index + 40)}...`,
        );
      }
    }
    text = text.replace(dynamicImport, "__ingotImport(");
  }
  // Written under temporary names and renamed, so a concurrent reader (tests build the
  // bundle on demand) never sees a half-written file.
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file.path);
}
