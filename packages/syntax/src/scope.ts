// Variable scopes for evaluation, after Alloy's vm.Scope: a chain of variable maps
// whose root falls back to the standard library.
import { deprecatedStdlib, stdlib } from "./stdlib/index.js";
import type { Value } from "./value.js";

let stdlibIdents: ReadonlyMap<string, Value> = stdlib;
let deprecatedIdents: ReadonlyMap<string, string> = deprecatedStdlib;

/**
 * Replaces the identifiers visible below every scope and the deprecated ones (name ->
 * replacement); by default the standard library of ./stdlib. Meant for tests and
 * embedders.
 */
export function setStdlib(lib: ReadonlyMap<string, Value>, deprecated: ReadonlyMap<string, string>): void {
  stdlibIdents = lib;
  deprecatedIdents = deprecated;
}

/** Whether name is a standard library identifier (`sys`, `env`, `array`, ...). */
export function isStdlibIdentifier(name: string): boolean {
  return stdlibIdents.has(name);
}

/** The replacement of a deprecated standard library identifier, or undefined if it is not deprecated. */
export function stdlibDeprecation(name: string): string | undefined {
  return deprecatedIdents.get(name);
}

/** A standard library identifier's value, or undefined. */
export function stdlibLookup(name: string): Value | undefined {
  return stdlibIdents.get(name);
}

export class Scope {
  /** Variables of this scope; values must be treated as immutable once evaluation starts. */
  readonly variables: Map<string, Value>;
  /** The enclosing scope; the root (null parent) falls back to the standard library. */
  readonly parent: Scope | null;

  constructor(variables?: Map<string, Value> | Record<string, Value>, parent: Scope | null = null) {
    this.variables =
      variables === undefined ? new Map() : variables instanceof Map ? variables : new Map(Object.entries(variables));
    this.parent = parent;
  }

  /** A new scope whose lookups fall back to this one. */
  child(variables?: Map<string, Value> | Record<string, Value>): Scope {
    return new Scope(variables, this);
  }

  /** The value of name in this scope, its parents or the standard library; undefined if absent. */
  lookup(name: string): Value | undefined {
    let s: Scope | null = this;
    do {
      const v = s.variables.get(name);
      if (v !== undefined) return v;
      s = s.parent;
    } while (s !== null);
    return stdlibIdents.get(name);
  }

  /** Whether name resolves in this scope chain (not counting the standard library). */
  hasOwnChain(name: string): boolean {
    for (let s: Scope | null = this; s !== null; s = s.parent) if (s.variables.has(name)) return true;
    return false;
  }

  set(name: string, v: Value): this {
    this.variables.set(name, v);
    return this;
  }
}
