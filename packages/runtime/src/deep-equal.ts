// Structural equality for decoded arguments and published exports: decides whether a
// component gets update() and whether its dependants are re-evaluated (Alloy's
// equality.DeepEqual). Plain data compares by value; live objects (class instances
// such as receivers) compare by identity, since two distinct receivers are never
// interchangeable.
import { Capsule, Num, Secret } from "@ingot/syntax";

const SECRET_BRAND = Symbol.for("ingot.secret");

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isBrandedSecret(v: object): v is { value: string } {
  return (v as Record<symbol, unknown>)[SECRET_BRAND] === true;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === "number") return Number.isNaN(a) && Number.isNaN(b as number);
  if (typeof a !== "object" || a === null || b === null) return false;
  const x = a as object;
  const y = b as object;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  if (isBrandedSecret(x) || isBrandedSecret(y)) {
    return isBrandedSecret(x) && isBrandedSecret(y) && x.value === y.value;
  }
  if (ArrayBuffer.isView(x)) {
    if (!ArrayBuffer.isView(y) || x.constructor !== y.constructor || x.byteLength !== y.byteLength) return false;
    const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const v = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
    return true;
  }
  if (x instanceof Map) {
    if (!(y instanceof Map) || x.size !== y.size) return false;
    for (const [k, v] of x) {
      if (!y.has(k) || !deepEqual(v, y.get(k))) return false;
    }
    return true;
  }
  if (x instanceof Set) {
    if (!(y instanceof Set) || x.size !== y.size) return false;
    for (const v of x) if (!y.has(v)) return false;
    return true;
  }
  if (x instanceof Date) return y instanceof Date && x.getTime() === y.getTime();
  if (x instanceof Num) return y instanceof Num && x.kind === y.kind && x.n === y.n;
  if (x instanceof Secret) return y instanceof Secret && x.value === y.value;
  if (x instanceof Capsule) return y instanceof Capsule && x.value === y.value;
  if (!isPlainObject(x) || !isPlainObject(y)) return false; // distinct live objects
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (const k of kx) {
    if (!Object.hasOwn(y, k)) return false;
    if (!deepEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
  }
  return true;
}
