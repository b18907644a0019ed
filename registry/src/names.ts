// Package names and versions the registry accepts: npm's rules (lower case, optional
// @scope/, URL-safe characters, at most 214 characters) and strict semver versions.
// Names double as storage keys, so nothing that could climb out of a directory passes.
import valid from "semver/functions/valid.js";

const NAME_PATTERN = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Why the name is not a valid package name, or undefined when it is. */
export function invalidNameReason(name: string): string | undefined {
  if (name.length === 0) return "package name is empty";
  if (name.length > 214) return `package name ${JSON.stringify(name)} is longer than 214 characters`;
  if (!NAME_PATTERN.test(name) || name.split("/").some((part) => part === "." || part === ".." || part === "@.")) {
    return `invalid package name ${JSON.stringify(name)}: want lower-case letters, digits, "-", ".", "_", "~", optionally "@scope/"`;
  }
  return undefined;
}

/** Why the version is not a valid semver version (as published: no "v", no ranges), or undefined. */
export function invalidVersionReason(version: string): string | undefined {
  if (valid(version) !== version)
    return `invalid version ${JSON.stringify(version)}: want a semver version such as 1.2.3`;
  return undefined;
}

/** Splits "name", "name@range", "@scope/name" and "@scope/name@range". */
export function parsePackageSpec(spec: string): { name: string; range: string | undefined } {
  const at = spec.indexOf("@", 1);
  if (at === -1) return { name: spec, range: undefined };
  return { name: spec.slice(0, at), range: spec.slice(at + 1) };
}
