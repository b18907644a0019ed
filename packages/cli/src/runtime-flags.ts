// Flags shared by `run`, `validate` and `plugins list`, named as Alloy's, and their
// conversion to the runtime's options.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RuntimeOptions } from "@ingot/runtime";
import { STABILITY_ORDER, type Stability } from "@ingot/sdk";
import { type FlagSpec, type ParsedArgs, UsageError } from "./args.js";
import { defaultPluginsDir, installedPluginDirs } from "./installed-plugins.js";

export const defaultListenAddr = "127.0.0.1:12345";
export const defaultStoragePath = "data-ingot/";
export const defaultStabilityLevel: Stability = "generally-available";

export const listenAddrFlag: FlagSpec = {
  name: "server.http.listen-addr",
  type: "string",
  usage: "Address to listen for HTTP traffic on (port 0 picks a free port)",
  valueName: "string",
  default: defaultListenAddr,
};
export const storagePathFlag: FlagSpec = {
  name: "storage.path",
  type: "string",
  usage: "Base directory where components can store data",
  valueName: "string",
  default: defaultStoragePath,
};
export const stabilityLevelFlag: FlagSpec = {
  name: "stability.level",
  type: "string",
  usage: `Minimum stability level of components to enable. Supported values: ${STABILITY_ORDER.map((s) => JSON.stringify(s)).join(", ")}`,
  valueName: "string",
  default: defaultStabilityLevel,
};
export const pluginsPathFlag: FlagSpec = {
  name: "plugins.path",
  type: "stringSlice",
  usage: "Directories holding plugin packages, besides the installed ones (repeatable, or comma-separated)",
  valueName: "strings",
};

export function stringFlag(args: ParsedArgs, name: string, fallback: string): string {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : fallback;
}

export function stabilityFromArgs(args: ParsedArgs): Stability {
  const raw = stringFlag(args, stabilityLevelFlag.name, defaultStabilityLevel);
  if (!(STABILITY_ORDER as readonly string[]).includes(raw)) {
    throw new UsageError(
      `invalid argument ${JSON.stringify(raw)} for "--stability.level" flag: ` +
        `unknown stability level, want one of ${STABILITY_ORDER.map((s) => JSON.stringify(s)).join(", ")}`,
    );
  }
  return raw as Stability;
}

export function pluginPathsFromArgs(args: ParsedArgs): string[] {
  const v = args.flags.get(pluginsPathFlag.name);
  return Array.isArray(v) ? v.map((p) => resolve(p)) : [];
}

/**
 * Where installed plugin packages are looked for: the current directory, and every
 * ancestor of the directory ingot is installed in that has a node_modules directory
 * (a global install finds globally installed plugins; a checkout finds its workspace).
 */
export function pluginSearchRoots(): string[] {
  const roots = [process.cwd()];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(resolve(dir, "node_modules"))) roots.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...new Set(roots)];
}

export function runtimeOptionsFromArgs(args: ParsedArgs): RuntimeOptions {
  const storagePath = stringFlag(args, storagePathFlag.name, defaultStoragePath);
  const explicit = pluginPathsFromArgs(args);
  return {
    storagePath,
    stabilityLevel: stabilityFromArgs(args),
    // --plugins.path first (with the members of packs installed there), then what
    // `ingot plugins install` put in <storage.path>/plugins. Discovery drops repeats.
    pluginPaths: [
      ...explicit,
      ...explicit.flatMap(installedPluginDirs),
      ...installedPluginDirs(defaultPluginsDir(storagePath)),
    ],
    searchRoots: pluginSearchRoots(),
  };
}
