// Steps several CLI tests share: the CLI in process with captured output, `ingot` as a
// child without blocking this process, a minimal plugin's files, what `npm install`
// gives a plugin author, and `ingot run` of a config with a component's detail read back.
import { spawn } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { repoRoot } from "@ingot/testkit";
import { runCli } from "../src/cli.js";
import { bin, eventually, httpGet, type RunningIngot, startIngot } from "./ingot-process.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured output (no color, empty stdin). */
export async function cliInProcess(argv: string[]): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await runCli(argv, { stdout, stderr, stdin: new PassThrough(), color: false });
  return { code, stdout: out, stderr: err };
}

/** Runs `ingot <args>` as a child without blocking this process (which may be serving a registry or S3). */
export function ingotAsync(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", INGOT_REGISTRY: "", INGOT_REGISTRY_TOKEN: "" },
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    proc.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    proc.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** ingot-plugin.json text of a plugin with one experimental component (no arguments or exports by default). */
export function pluginManifest(
  component: string,
  opts: { pluginApi?: string; arguments?: object; exports?: object } = {},
): string {
  return JSON.stringify({
    pluginApi: opts.pluginApi ?? "^1.0.0",
    entry: "./index.js",
    components: [
      {
        name: component,
        stability: "experimental",
        arguments: opts.arguments ?? { type: "object", properties: {} },
        exports: opts.exports ?? { type: "object", properties: {} },
      },
    ],
  });
}

/** What `npm install` gives a plugin author: @ingot/sdk (and optionally @types/node) in pkgDir/node_modules. */
export function linkSdk(pkgDir: string, opts: { typesNode?: boolean } = {}): void {
  const nm = join(pkgDir, "node_modules");
  mkdirSync(join(nm, "@ingot"), { recursive: true });
  symlinkSync(join(repoRoot, "packages", "sdk"), join(nm, "@ingot", "sdk"), "dir");
  if (opts.typesNode) {
    mkdirSync(join(nm, "@types"), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules", "@types", "node"), join(nm, "@types", "node"), "dir");
  }
}

/** `ingot run <config>` on 127.0.0.1:0 at stability experimental, optionally with --storage.path and --plugins.path. */
export function runConfig(
  config: string,
  opts: { cwd: string; storagePath?: string; pluginsDir?: string },
): Promise<RunningIngot> {
  return startIngot(
    [
      "run",
      "--server.http.listen-addr=127.0.0.1:0",
      ...(opts.storagePath ? ["--storage.path", opts.storagePath] : []),
      "--stability.level=experimental",
      ...(opts.pluginsDir ? ["--plugins.path", opts.pluginsDir] : []),
      config,
    ],
    { cwd: opts.cwd },
  );
}

export interface ComponentDetail {
  health: { state: string };
  plugin: unknown;
  exports: { name: string; value: { value: unknown } }[];
}

/**
 * The web API's detail of a component, once the graph is loaded: the server listens
 * before the first load ends, so a node can be listed before it is evaluated and started.
 */
export async function componentDetail(running: RunningIngot, id: string): Promise<ComponentDetail> {
  await eventually(async () => (await httpGet(`${running.base}/-/ready`)).status === 200);
  return eventually(async () => {
    const r = await httpGet(`${running.base}/api/v0/web/components/${id}`);
    return r.status === 200 ? (JSON.parse(r.body) as ComponentDetail) : undefined;
  });
}

/** One export's value from a component detail. */
export function exportValue(detail: ComponentDetail, name: string): unknown {
  return detail.exports.find((e) => e.name === name)?.value.value;
}
