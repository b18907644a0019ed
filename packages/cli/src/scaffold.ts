// `ingot plugins new NAME`: writes a plugin package to start from: package.json, the
// manifest with one working component (<ns>.counter), its TypeScript source, a test
// with @ingot/sdk/testkit, the build script (tsc, then @ingot/sdk/build), tsconfig,
// README and .gitignore. docs/plugin-authoring.md ("Scaffolding") describes the result.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Versions the template depends on (the ones this repository builds with). */
export const SCAFFOLD_VERSIONS = {
  sdk: "^0.1.0",
  esbuild: "^0.28.2",
  typescript: "^7.0.2",
  typesNode: "^20.19.0",
};

/** The component namespace for a package name: "@acme/ingot-plugin-web-x" -> "web_x". */
export function namespaceFor(name: string): string {
  const base = (name.split("/").pop() ?? name).replace(/^ingot-plugin-/, "").replace(/^ingot-/, "");
  let ns = base.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (ns === "") ns = "plugin";
  if (/^[0-9]/.test(ns)) ns = `_${ns}`;
  return ns;
}

export interface ScaffoldResult {
  dir: string;
  component: string;
  files: string[];
}

function packageJson(name: string): string {
  const pkg = {
    name,
    version: "0.1.0",
    description: "An Ingot plugin",
    type: "module",
    license: "Apache-2.0",
    keywords: ["ingot-plugin"],
    files: ["dist/plugin.js", "dist/plugin.js.map", "ingot-plugin.json", "README.md"],
    engines: { node: ">=20.19" },
    scripts: {
      build: "tsc -p tsconfig.json && node build.js",
      test: "node --test dist/test/",
      pretest: "npm run build",
    },
    dependencies: { "@ingot/sdk": SCAFFOLD_VERSIONS.sdk },
    devDependencies: {
      "@types/node": SCAFFOLD_VERSIONS.typesNode,
      esbuild: SCAFFOLD_VERSIONS.esbuild,
      typescript: SCAFFOLD_VERSIONS.typescript,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function manifest(component: string): string {
  const m = {
    $schema: "https://ingot.dev/schemas/ingot-plugin.schema.json",
    pluginApi: "^1.0.0",
    entry: "./dist/plugin.js",
    components: [
      {
        name: component,
        stability: "experimental",
        description: "Counts from start by step every interval and exports the value.",
        arguments: {
          type: "object",
          additionalProperties: false,
          properties: {
            start: { type: "number", default: 0, description: "The first value." },
            step: { type: "number", default: 1, description: "Added every interval." },
            interval: {
              type: "string",
              "x-alloy-type": "duration",
              default: "1s",
              description: "How often to count.",
            },
          },
        },
        exports: {
          type: "object",
          properties: { value: { type: "number", description: "The current count." } },
        },
      },
    ],
  };
  return `${JSON.stringify(m, null, 2)}\n`;
}

const INDEX_TS = `// The plugin's entry: one definition per component named in ingot-plugin.json.
// See docs/plugin-authoring.md in the Ingot repository for the component interface.
import { type ComponentContext, defineComponent, definePlugin } from "@ingot/sdk";

export interface CounterArgs {
  start: number;
  step: number;
  /** Milliseconds (the manifest declares it as an Alloy duration). */
  interval: number;
}

export interface CounterExports {
  value: number;
}

/** Resolves after ms, or as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export const counter = defineComponent<CounterArgs, CounterExports>({
  build(ctx: ComponentContext<CounterExports>, args: CounterArgs) {
    let current = args;
    let value = args.start;
    ctx.setExports({ value });
    ctx.setHealth("healthy");
    return {
      async run(signal: AbortSignal) {
        while (!signal.aborted) {
          await sleep(current.interval, signal);
          if (signal.aborted) break;
          value += current.step;
          ctx.setExports({ value });
          ctx.logger.debug("counted", { value });
        }
      },
      update(next: CounterArgs) {
        // A new start restarts the count; a new step or interval applies from the next tick.
        if (next.start !== current.start) {
          value = next.start;
          ctx.setExports({ value });
        }
        current = next;
      },
      debugInfo() {
        return { value, step: current.step, intervalMs: current.interval };
      },
    };
  },
});

export default definePlugin({ components: { "%COMPONENT%": counter } });
`;

const TEST_TS = `import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadPlugin } from "@ingot/sdk/testkit";
import type { CounterArgs, CounterExports } from "../src/index.js";

// The package root: this file runs as dist/test/%TESTNAME%.test.js, after \`npm run build\`.
const root = fileURLToPath(new URL("../..", import.meta.url));

test("%COMPONENT% counts from start by step, and restarts when start changes", async () => {
  const plugin = await loadPlugin(root);
  const c = await plugin.build<CounterArgs, CounterExports>(
    "%COMPONENT%",
    \`
      start    = 10
      step     = 5
      interval = "10ms"
    \`,
  );
  try {
    assert.equal((await c.waitForExports()).value, 10);
    await c.waitForExports((e) => e.value >= 20);
    assert.equal(c.health().state, "healthy");
    assert.equal(c.args.interval, 10, "durations arrive as milliseconds");
    await c.update(\`
      start    = 1000
      step     = 1
      interval = "10ms"
    \`);
    await c.waitForExports((e) => e.value >= 1000 && e.value < 2000);
  } finally {
    await c.stop();
  }
});

test("%COMPONENT% refuses arguments its schema does not allow", async () => {
  const plugin = await loadPlugin(root);
  assert.throws(() => plugin.decode("%COMPONENT%", \`step = "one"\`));
  assert.throws(() => plugin.decode("%COMPONENT%", \`unknown = 1\`));
});
`;

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023"],
    "types": ["node"],
    "strict": true,
    "verbatimModuleSyntax": true,
    "sourceMap": true,
    "skipLibCheck": true,
    "rootDir": ".",
    "outDir": "dist"
  },
  "include": ["src/**/*.ts", "test/**/*.ts"]
}
`;

const BUILD_JS = `// Bundles the compiled entry (dist/src/index.js, from tsc) into dist/plugin.js, the
// file ingot-plugin.json's "entry" names: @ingot/sdk's helpers are bundled in, your
// package.json dependencies stay external. See @ingot/sdk/build.
import { buildPlugin } from "@ingot/sdk/build";

await buildPlugin({ root: new URL(".", import.meta.url) });
`;

const GITIGNORE = "node_modules/\ndist/\n*.tgz\n";

function readme(name: string, component: string): string {
  return `# ${name}

An [Ingot](https://github.com/ingot-dev/ingot) plugin providing \`${component}\`.

## Components

### \`${component}\`

Counts from \`start\` by \`step\` every \`interval\` and exports the value.

| Argument | Type | Default | |
|---|---|---|---|
| \`start\` | \`number\` | \`0\` | The first value. |
| \`step\` | \`number\` | \`1\` | Added every interval. |
| \`interval\` | \`duration\` | \`"1s"\` | How often to count. |

| Export | Type | |
|---|---|---|
| \`value\` | \`number\` | The current count. |

\`\`\`alloy
${component} "requests" {
  start    = 0
  step     = 1
  interval = "5s"
}
\`\`\`

## Develop

\`\`\`sh
npm install
npm run build        # tsc, then build.js bundles dist/plugin.js
npm test             # builds, then node --test dist/test/
ingot run --plugins.path .. --stability.level=experimental config.alloy
\`\`\`

Edit \`ingot-plugin.json\` (components and their JSON Schemas) and \`src/index.ts\`
together: every component in the manifest needs a definition in the entry.

## Publish

\`\`\`sh
ingot publish . --registry https://registry.example --token-file token.txt   # an Ingot registry
npm publish                                                                   # or npm
\`\`\`
`;
}

/** Writes the plugin package into dir (which must not exist or be empty). */
export function scaffoldPlugin(name: string, dir: string): ScaffoldResult {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new Error(`${root} already exists and is not empty`);
  }
  const component = `${namespaceFor(name)}.counter`;
  const testName = namespaceFor(name).replace(/_/g, "-");
  const files: Record<string, string> = {
    "package.json": packageJson(name),
    "ingot-plugin.json": manifest(component),
    "src/index.ts": INDEX_TS.replaceAll("%COMPONENT%", component),
    [`test/${testName}.test.ts`]: TEST_TS.replaceAll("%COMPONENT%", component).replaceAll("%TESTNAME%", testName),
    "tsconfig.json": TSCONFIG,
    "build.js": BUILD_JS,
    "README.md": readme(name, component),
    ".gitignore": GITIGNORE,
  };
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return { dir: root, component, files: Object.keys(files) };
}
