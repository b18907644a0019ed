// Loads this package as a plugin through the sdk test kit (manifest validated,
// schemas compiled, entry imported), once per test file.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPlugin, type PluginHarness } from "@ingot/sdk/testkit";

/** The package root: dist/test/plugin.js -> ../.. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

let harness: Promise<PluginHarness> | undefined;
export function localPlugin(): Promise<PluginHarness> {
  harness ??= loadPlugin(packageRoot);
  return harness;
}

/** An Alloy string literal. */
export const str = (s: string): string => JSON.stringify(s);
