// coalesce, json_path, sys, convert, file and constants.

import { hostname } from "node:os";
import { Capsule, makeFunction, Num, type ObjectValue, Secret, type Value } from "../value.js";
import { argSecret, argString } from "./util.js";

/** Whether Go's reflect.Value.IsZero holds for the value (plus Alloy's empty array/object rule). */
function isEmpty(v: Value): boolean {
  if (v === null || v === false || v === "") return true;
  if (v instanceof Num) return typeof v.n === "bigint" ? v.n === 0n : Object.is(v.n, 0);
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof Secret) return v.value === "";
  if (v instanceof Capsule) return v.value === null || v.value === undefined;
  return false;
}

export const coalesce = makeFunction("coalesce", 0, -1, (args) => {
  if (args.length === 0) return null;
  for (const a of args) if (!isEmpty(a)) return a;
  return args[args.length - 1] as Value;
});

export function makeEnv(name: string) {
  return makeFunction(name, 1, 1, (args) => process.env[argString(args, 0)] ?? "");
}

export function makeNonsensitive(name: string) {
  return makeFunction(name, 1, 1, (args) => argSecret(args, 0));
}

/** Go's path.Clean (slash-separated). */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p[0] === "/";
  const parts = p.split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const s = out.join("/");
  if (rooted) return `/${s}`;
  return s === "" ? "." : s;
}

/** Go's filepath.Join on a slash-separated system. */
export function pathJoin(elems: string[]): string {
  for (let i = 0; i < elems.length; i++) {
    if (elems[i] !== "") return cleanPath(elems.slice(i).join("/"));
  }
  return "";
}

export const pathJoinFn = makeFunction("file.path_join", 0, -1, (args) => {
  const elems: string[] = [];
  for (let i = 0; i < args.length; i++) elems.push(argString(args, i));
  return pathJoin(elems);
});

const GOOS: Record<string, string> = { win32: "windows", sunos: "solaris" };
const GOARCH: Record<string, string> = {
  x64: "amd64",
  ia32: "386",
  x32: "386",
  ppc64: "ppc64le",
  mipsel: "mipsle",
};

/** Go's runtime.GOOS for this process. */
export const goos: string = GOOS[process.platform] ?? process.platform;
/** Go's runtime.GOARCH for this process. */
export const goarch: string = GOARCH[process.arch] ?? process.arch;

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return "";
  }
}

/** Normalizes a version to a "v" prefixed semantic version ("v0.0.0" when empty). */
export function normalizeVersion(version: string): string {
  version = version.trim();
  if (version === "") return "v0.0.0";
  // semver.ParseTolerant: optional v prefix, missing minor/patch filled with 0.
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(version);
  if (!m) return version;
  const num = (s: string | undefined) => String(Number(s ?? "0"));
  return `v${num(m[1])}.${num(m[2])}.${num(m[3])}${m[4] ?? ""}${m[5] ?? ""}`;
}

export const constants: ObjectValue = new Map<string, Value>([
  ["hostname", safeHostname()],
  ["os", goos],
  ["arch", goarch],
  ["version", "v0.0.0"],
]);

/** Sets constants.version (normalized like upstream). */
export function setStdlibVersion(version: string): void {
  constants.set("version", normalizeVersion(version));
}
