// Growing typed arrays (columns and per-ref tables) without an object per element.

/** `a` when it holds `need` elements, else a copy at least twice as long (16 at least). */
export function growTypedArray<T extends Float64Array | Uint32Array | Int32Array | Int8Array | Uint8Array>(
  a: T,
  need: number,
): T {
  if (need <= a.length) return a;
  let n = Math.max(16, a.length * 2);
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
