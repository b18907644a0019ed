// `ingot.lock`: what was installed, pinned. JSON, shared with the module sources
// (other top-level keys are kept as they are when plugins are recorded).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { CommandError } from "./util.js";

export const LOCKFILE_NAME = "ingot.lock";

export interface LockedPlugin {
  version: string;
  /** The artifact URL it was downloaded from. */
  resolved: string;
  /** `sha512-<base64>` of the artifact. */
  integrity: string;
  /** The registry it was resolved against. */
  registry: string;
  /** "npm" when that registry speaks the npm protocol (absent: an Ingot registry). */
  protocol?: "npm";
  /** Where it is installed. */
  path: string;
}

export interface Lockfile {
  lockfileVersion: number;
  plugins?: Record<string, LockedPlugin>;
  [key: string]: unknown;
}

export function defaultLockfilePath(): string {
  return resolve(LOCKFILE_NAME);
}

export function readLockfile(path: string): Lockfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { lockfileVersion: 1 };
    throw new CommandError(`read ${path}: ${(e as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Lockfile;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
    return value;
  } catch (e) {
    throw new CommandError(`${path} is not a valid lockfile: ${(e as Error).message}`);
  }
}

export function writeLockfile(path: string, lock: Lockfile): void {
  if (lock.plugins) {
    lock.plugins = Object.fromEntries(Object.entries(lock.plugins).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
  renameSync(tmp, path);
}
