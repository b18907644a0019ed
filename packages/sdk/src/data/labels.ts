// Label sets as flat sorted arrays: [name0, value0, name1, value1, ...], sorted by
// name (UTF-16 order, which equals byte order for the ASCII names Prometheus allows),
// names unique. One array per series, shared by every sample of it; never an object
// per sample.

/** A sorted label set: [name0, value0, name1, value1, ...]. Treat as immutable. */
export type Labels = readonly string[];

export const EMPTY_LABELS: Labels = Object.freeze([]) as Labels;

/** A label set from pairs in any order (later duplicates win); empty values are dropped, as Prometheus. */
export function labelsFromPairs(pairs: readonly string[]): Labels {
  const n = pairs.length >> 1;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) idx.push(i);
  idx.sort((a, b) => {
    const x = pairs[2 * a] as string;
    const y = pairs[2 * b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const out: string[] = [];
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k] as number;
    const name = pairs[2 * i] as string;
    // Keep the last of equal names.
    const next = idx[k + 1];
    if (next !== undefined && pairs[2 * next] === name) continue;
    const value = pairs[2 * i + 1] as string;
    if (value === "") continue;
    out.push(name, value);
  }
  return out;
}

/** A label set from an object ({__name__: "up", job: "x"}). */
export function labelsFromObject(o: Record<string, string>): Labels {
  const pairs: string[] = [];
  for (const k of Object.keys(o)) pairs.push(k, o[k] as string);
  return labelsFromPairs(pairs);
}

/** The labels as a plain object (for display and tests). */
export function labelsToObject(l: Labels): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < l.length; i += 2) o[l[i] as string] = l[i + 1] as string;
  return o;
}

/** The value of a label, or "" when absent (Prometheus's Labels.Get). */
export function labelValue(l: Labels, name: string): string {
  // Sorted: binary search over names.
  let lo = 0;
  let hi = (l.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = l[2 * mid] as string;
    if (n === name) return l[2 * mid + 1] as string;
    if (n < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return "";
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Prometheus's labels.Compare: name by name, then value, then length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** `{__name__="up", job="x"}`-style text, as Prometheus prints label sets. */
export function labelsString(l: Labels): string {
  let s = "{";
  for (let i = 0; i < l.length; i += 2) {
    if (i > 0) s += ", ";
    s += `${l[i]}=${JSON.stringify(l[i + 1])}`;
  }
  return `${s}}`;
}

/**
 * A stable 53-bit hash of a label set (two 32-bit FNV-1a lanes over names, values and
 * separators), the same in every process and run: usable for sharding, scrape offsets
 * and interning. Equal label sets hash equal; collisions are possible, so compare
 * with labelsEqual.
 */
export function hashLabels(l: Labels): number {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < l.length; i++) {
    const s = l[i] as string;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    // Separator (0xff, as Prometheus) so ["ab","c"] and ["a","bc"] differ.
    h1 = Math.imul(h1 ^ 0xff, 0x01000193);
    h2 = Math.imul(h2 ^ 0xff, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) >>> 11);
}
