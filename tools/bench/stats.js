// Small statistics helpers for the benchmarks.

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** @param {number[]} xs */
export function summarize(xs) {
  return {
    runs: xs.length,
    median_ms: round(median(xs)),
    min_ms: round(Math.min(...xs)),
    max_ms: round(Math.max(...xs)),
  };
}

/** @param {number} x */
export function round(x) {
  return Math.round(x * 100) / 100;
}
