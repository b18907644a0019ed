// Go's time.ParseDuration and time.Duration.String, on milliseconds. Alloy configs
// write durations as Go duration strings ("15s", "1m30s", "250ms"); components get
// them as a number of milliseconds (fractions for sub-millisecond values).
import { quote } from "@ingot/syntax";

const NS_PER_MS = 1e6;
const MAX_NS = 2 ** 63; // int64 overflow bound, as Go
const MAX_FRACTION = ((1n << 63n) - 1n) / 10n;

// Unit sizes in nanoseconds; both micro signs are accepted, as Go.
const UNITS: ReadonlyMap<string, number> = new Map([
  ["ns", 1],
  ["us", 1e3],
  ["\u00b5s", 1e3],
  ["\u03bcs", 1e3],
  ["ms", 1e6],
  ["s", 1e9],
  ["m", 60e9],
  ["h", 3600e9],
]);

/** Thrown for a malformed duration; the message is Go's (`time: invalid duration "x"`). */
export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DurationError";
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Parses a Go duration string ("300ms", "-1.5h", "2h45m") into milliseconds. Valid
 * units are "ns", "us" (or "µs"), "ms", "s", "m", "h"; "0" needs no unit. Throws
 * DurationError with Go's message for anything else.
 */
export function parseDuration(s: string): number {
  const orig = s;
  const invalid = (): DurationError => new DurationError(`time: invalid duration ${quote(orig)}`);
  let i = 0;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    i = 1;
  }
  if (s.slice(i) === "0") return 0;
  if (i === s.length) throw invalid();
  let total = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!(c === 0x2e || isDigit(c))) throw invalid();
    // Integer part.
    const intStart = i;
    let whole = 0;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      whole = whole * 10 + (s.charCodeAt(i) - 0x30);
      if (whole >= MAX_NS) throw invalid();
      i++;
    }
    const pre = i !== intStart;
    // Fraction part.
    let frac = 0;
    let scale = 1;
    let post = false;
    if (s[i] === ".") {
      i++;
      const fracStart = i;
      let digits = "";
      let overflow = false;
      while (i < s.length && isDigit(s.charCodeAt(i))) {
        // Go keeps digits while the int64 fraction cannot overflow, then drops the rest.
        if (!overflow) {
          if (digits.length >= 18 && BigInt(digits) > MAX_FRACTION) overflow = true;
          else digits += s[i];
        }
        i++;
      }
      if (digits !== "") {
        // Exact integer first, then one rounding to float, as Go's float64(int64).
        frac = digits.length > 15 ? Number(BigInt(digits)) : Number.parseInt(digits, 10);
        scale = 10 ** digits.length;
      }
      post = i !== fracStart;
    }
    if (!pre && !post) throw invalid();
    // Unit.
    const unitStart = i;
    while (i < s.length) {
      const u = s.charCodeAt(i);
      if (u === 0x2e || isDigit(u)) break;
      i++;
    }
    if (i === unitStart) throw new DurationError(`time: missing unit in duration ${quote(orig)}`);
    const unitText = s.slice(unitStart, i);
    const unit = UNITS.get(unitText);
    if (unit === undefined) throw new DurationError(`time: unknown unit ${quote(unitText)} in duration ${quote(orig)}`);
    if (whole > MAX_NS / unit) throw invalid();
    let v = whole * unit;
    if (frac > 0) v += Math.trunc(frac * (unit / scale));
    total += v;
    if (total > MAX_NS) throw invalid();
  }
  if (!neg && total >= MAX_NS) throw invalid();
  const ms = total / NS_PER_MS;
  return neg ? -ms : ms;
}

/** Go's fmtFrac: the fraction digits of v / 10^prec with trailing zeros dropped. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = "";
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const d = v % 10n;
    printed = printed || d !== 0n;
    if (printed) digits = d.toString() + digits;
    v /= 10n;
  }
  return [printed ? `.${digits}` : "", v];
}

/**
 * Formats milliseconds as Go's Duration.String: "1h2m3.5s", "1m0s", "1.5ms", "0s".
 * The value is rounded to whole nanoseconds first.
 */
export function formatDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * NS_PER_MS));
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  if (neg) ns = -ns;
  let out: string;
  if (ns < 1_000_000_000n) {
    // Sub-second: one unit with a fraction.
    let prec: number;
    let unit: string;
    if (ns < 1000n) {
      out = `${ns}ns`;
      return neg ? `-${out}` : out;
    }
    if (ns < 1_000_000n) {
      prec = 3;
      unit = "\u00b5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    const [frac, whole] = fmtFrac(ns, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secsTotal] = fmtFrac(ns, 9);
    const secs = secsTotal % 60n;
    const minsTotal = secsTotal / 60n;
    out = `${secs}${frac}s`;
    if (minsTotal > 0n) {
      const mins = minsTotal % 60n;
      const hours = minsTotal / 60n;
      out = `${mins}m${out}`;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
