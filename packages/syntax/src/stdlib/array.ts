// The array namespace: concat, combine_maps and group_by.

import { structurallyEqual } from "../internal/deep-equal.js";
import { ArgError, makeFunction, Num, type ObjectValue, Secret, type Value } from "../value.js";
import { FieldError } from "../vm/errors.js";
import { argTypeError, elementArgError, valueTypeError } from "./util.js";

/** Deep equality of values as Alloy's value.Equal (same type, same contents). */
export function valuesEqual(a: Value, b: Value): boolean {
  return structurallyEqual(a, b, valueScalarsEqual);
}

function valueScalarsEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof Num) {
    if (!(b instanceof Num)) return false;
    if (typeof a.n === "bigint" && typeof b.n === "bigint") return a.n === b.n;
    return a.toNumber() === b.toNumber();
  }
  if (a instanceof Secret) return b instanceof Secret && a.value === b.value;
  return false;
}

export function makeConcat(name: string) {
  return makeFunction(name, 0, -1, (args) => {
    if (args.length === 0) return [];
    let size = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as Value;
      if (!Array.isArray(a)) argTypeError(i, "array", a);
      size += a.length;
    }
    if (args.length === 1) return args[0] as Value;
    const out: Value[] = new Array(size);
    let k = 0;
    for (const a of args as Value[][]) for (const v of a) out[k++] = v;
    return out;
  });
}

function shouldJoin(left: ObjectValue, right: ObjectValue, conditions: Value[]): boolean {
  for (const c of conditions) {
    const key = typeof c === "string" ? c : String(c);
    if (!left.has(key) || !right.has(key)) return false;
    if (!valuesEqual(left.get(key) as Value, right.get(key) as Value)) return false;
  }
  return true;
}

function checkObjectArray(args: Value[], index: number): ObjectValue[] {
  const a = args[index] as Value;
  if (!Array.isArray(a)) return argTypeError(index, "array", a);
  for (let j = 0; j < a.length; j++) {
    const e = a[j] as Value;
    if (!(e instanceof Map)) throw elementArgError(index, a, j, valueTypeError(e, "object"));
  }
  return a as ObjectValue[];
}

const combineMaps = makeFunction("array.combine_maps", 3, 4, (args) => {
  if (args.length !== 3 && args.length !== 4) {
    throw new Error(`combine_maps: expected 3 or 4 arguments, got ${args.length}`);
  }
  const left = checkObjectArray(args, 0);
  const right = checkObjectArray(args, 1);
  const conds = args[2] as Value;
  if (!Array.isArray(conds)) return argTypeError(2, "array", conds);
  if (conds.length === 0) throw new ArgError(2, "combine_maps: merge conditions must not be empty");
  let passthrough = false;
  if (args.length === 4) {
    const b = args[3] as Value;
    if (typeof b !== "boolean") return argTypeError(3, "bool", b);
    passthrough = b;
  }
  const res: Value[] = [];
  for (const l of left) {
    for (const r of right) {
      if (shouldJoin(l, r, conds)) {
        const m: ObjectValue = new Map(l);
        for (const [k, v] of r) m.set(k, v);
        res.push(m);
      } else if (passthrough) {
        res.push(l);
      }
    }
  }
  return res;
});

const groupBy = makeFunction("array.group_by", 3, 3, (args) => {
  if (args.length !== 3) throw new Error(`group_by: expected 3 arguments, got ${args.length}`);
  const arr = args[0] as Value;
  if (!Array.isArray(arr)) return argTypeError(0, "array", arr);
  const key = args[1] as Value;
  if (typeof key !== "string") return argTypeError(1, "string", key);
  const drop = args[2] as Value;
  if (typeof drop !== "boolean") return argTypeError(2, "bool", drop);
  // Upstream collects groups in a Go map (random order); groups are kept here in
  // order of first appearance.
  const groups = new Map<string, Value[]>();
  for (let i = 0; i < arr.length; i++) {
    const item = arr[i] as Value;
    if (!(item instanceof Map)) throw elementArgError(0, arr, i, valueTypeError(item, "object"));
    if (!item.has(key)) {
      if (drop) continue;
      const g = groups.get("");
      if (g) g.push(item);
      else groups.set("", [item]);
      continue;
    }
    const v = item.get(key) as Value;
    if (typeof v !== "string") {
      throw elementArgError(0, arr, i, new FieldError(item, key, valueTypeError(v, "string")));
    }
    const g = groups.get(v);
    if (g) g.push(item);
    else groups.set(v, [item]);
  }
  const out: Value[] = [];
  for (const [v, items] of groups) {
    const o: ObjectValue = new Map();
    o.set(key, v);
    o.set("items", items);
    out.push(o);
  }
  return out;
});

export function makeArrayFunctions(): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set("concat", makeConcat("array.concat"));
  m.set("combine_maps", combineMaps);
  m.set("group_by", groupBy);
  return m;
}
