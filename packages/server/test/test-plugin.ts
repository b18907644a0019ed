// A throwaway plugin package written to a temp dir, the way a third party would ship
// one: package.json, ingot-plugin.json and a plain ESM entry module.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "@ingot/testkit";

export const testPluginName = "ingot-plugin-servertest";
export const testPluginVersion = "1.2.3";

const manifest = {
  pluginApi: "^1.0.0",
  entry: "./index.js",
  components: [
    {
      name: "test.value",
      stability: "generally-available",
      description: "Exports its value; reports the health it is told.",
      arguments: {
        type: "object",
        properties: {
          value: { type: "string" },
          token: { type: "string", "x-alloy-type": "secret" },
          healthy: { type: "boolean", default: true },
        },
        required: ["value"],
        additionalProperties: false,
      },
      exports: {
        type: "object",
        properties: { value: { type: "string" } },
        required: ["value"],
        additionalProperties: false,
      },
    },
    {
      name: "test.plain",
      stability: "generally-available",
      arguments: { type: "object", properties: {}, additionalProperties: false },
      exports: { type: "object", properties: {}, additionalProperties: false },
    },
  ],
};

// Uses the workspace's prom-client by path, so its metrics land in the registry the runtime hands out.
const entry = (promClient: string) => `
import { Counter } from ${JSON.stringify(promClient)};

const valueComponent = {
  build(ctx, args) {
    const updates = new Counter({ name: "test_value_updates_total", help: "Argument updates.", registers: [ctx.metrics] });
    const apply = (a) => {
      updates.inc();
      ctx.setExports({ value: a.value });
      ctx.setHealth(a.healthy === false ? "unhealthy" : "healthy", a.healthy === false ? "told to be unhealthy" : "ok");
    };
    apply(args);
    return {
      async run(signal) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      },
      update: apply,
      debugInfo: () => ({ updates: "counted" }),
      async handler(req, res, path) {
        if (path === "/fail") throw new Error("handler exploded");
        const chunks = [];
        for await (const c of req) chunks.push(c);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ method: req.method, path, url: req.url, body: Buffer.concat(chunks).toString() }));
      },
    };
  },
};

const plainComponent = {
  build() {
    return {
      async run(signal) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      },
      update() {},
    };
  },
};

export default { components: { "test.value": valueComponent, "test.plain": plainComponent } };
`;

/** Writes the plugin into <dir>/plugins/<name> and returns the plugins directory. */
export function writeTestPlugin(): { root: string; pluginsDir: string } {
  const root = mkdtempSync(join(tmpdir(), "ingot-server-"));
  const pluginsDir = join(root, "plugins");
  const pkgDir = join(pluginsDir, testPluginName);
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(
    join(pkgDir, "package.json"),
    JSON.stringify({ name: testPluginName, version: testPluginVersion, type: "module", main: "index.js" }, null, 2),
  );
  writeFileSync(join(pkgDir, "ingot-plugin.json"), JSON.stringify(manifest, null, 2));
  const promClient = pathToFileURL(join(repoRoot, "node_modules", "prom-client", "index.js")).href;
  writeFileSync(join(pkgDir, "index.js"), entry(promClient));
  return { root, pluginsDir };
}
