// Structural equality of Alloy values. Not part of the public API.
//
// Why shared: Alloy has two equalities — the `==` operator (vm/ops.ts) and the
// value.Equal used by array.combine_maps (stdlib/array.ts). They walk arrays and
// objects identically and differ only in how they compare everything else (numbers
// across kinds, NaN, capsules, functions), so each passes its own `scalarsEqual`.
import type { Value } from "../value.js";

/** Arrays and objects compared element by element; any other pair is decided by scalarsEqual. */
export function structurallyEqual(a: Value, b: Value, scalarsEqual: (a: Value, b: Value) => boolean): boolean {
  if (Array.isArray(a)) {
    if (a === b) return true;
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!structurallyEqual(a[i] as Value, b[i] as Value, scalarsEqual)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (a === b) return true;
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, x] of a) {
      const y = b.get(k);
      if (y === undefined || !structurallyEqual(x, y, scalarsEqual)) return false;
    }
    return true;
  }
  return scalarsEqual(a, b);
}
