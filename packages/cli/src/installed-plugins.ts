// Plugins installed by `ingot plugins install` live in one directory (default
// `<storage.path>/plugins`), one package per name (`@scope/name` nested). A package
// is a plugin (ingot-plugin.json) or a pack (ingot-pack.json listing plugin
// directories). `ingot run`, `validate` and `plugins list` discover them without flags.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const INSTALLED_PLUGINS_DIR = "plugins";

/** The default install directory for a storage path. */
export function defaultPluginsDir(storagePath: string): string {
  return resolve(storagePath, INSTALLED_PLUGINS_DIR);
}

function dirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Package roots installed in dir: "<name>" and "@scope/<name>", sorted. */
export function installedPackages(dir: string): string[] {
  const out: string[] = [];
  for (const name of dirs(dir)) {
    if (name.startsWith("@")) for (const inner of dirs(join(dir, name))) out.push(join(dir, name, inner));
    else out.push(join(dir, name));
  }
  return out;
}

/** Plugin package roots among the installed packages: each plugin, and each member of each pack. */
export function installedPluginDirs(dir: string): string[] {
  const out: string[] = [];
  for (const pkg of installedPackages(dir)) {
    if (existsSync(join(pkg, "ingot-pack.json"))) {
      try {
        const pack = JSON.parse(readFileSync(join(pkg, "ingot-pack.json"), "utf8")) as { plugins?: unknown };
        if (Array.isArray(pack.plugins)) {
          for (const p of pack.plugins) if (typeof p === "string") out.push(join(pkg, p));
        }
      } catch {
        // A broken pack shows up as nothing; install checked it.
      }
    } else if (existsSync(join(pkg, "ingot-plugin.json"))) out.push(pkg);
  }
  return out;
}
