// Byte-level helpers shared by the exposition parsers: number parsing straight from the
// body (Go's strconv rules as Prometheus uses them), UTF-8 validation, unescaping and
// the OpenMetrics float formatting of `le`/`quantile` label values.
import { Buffer } from "node:buffer";

/** A Buffer with Node's long-standing fast paths behind toString(encoding, start, end). */
export type Bytes = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
};

/** A Buffer view of any Uint8Array without copying. */
export function asBuffer(b: Uint8Array): Bytes {
  return (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)) as Bytes;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/** Set by parseFloatBytes when the bytes are not a float Go's ParseFloat accepts. */
export const floatStatus = { ok: true, message: "" };

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchesWord(b: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (lower(b[i + k] as number) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Parses b[start, end) as Go's strconv.ParseFloat(s, 64) after Prometheus's check that
 * rejects 'p', 'P' and '_' (so no hex floats or digit separators). Sets floatStatus.ok
 * to false (and returns NaN) when the text is not a valid float or is out of range.
 */
export function parseFloatBytes(b: Bytes, start: number, end: number): number {
  floatStatus.ok = true;
  let i = start;
  if (i >= end) return badFloat("invalid syntax");
  let neg = false;
  let c = b[i] as number;
  if (c === 43 || c === 45) {
    neg = c === 45;
    i++;
    if (i >= end) return badFloat("invalid syntax");
    c = b[i] as number;
  }
  if (c === 105 || c === 73) {
    if (matchesWord(b, i, end, "inf") || matchesWord(b, i, end, "infinity"))
      return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return badFloat("invalid syntax");
  }
  if (c === 110 || c === 78) {
    if (i === start && matchesWord(b, i, end, "nan")) return Number.NaN;
    return badFloat("invalid syntax");
  }
  let mant = 0;
  let digits = 0; // significant digits accumulated in mant
  let sawDigit = false;
  let dropped = false; // digits that did not fit the fast path
  let exp10 = 0;
  let sawDot = false;
  for (; i < end; i++) {
    c = b[i] as number;
    if (c >= 48 && c <= 57) {
      sawDigit = true;
      if (digits < 15) {
        if (mant !== 0 || c !== 48) digits++;
        mant = mant * 10 + (c - 48);
        if (sawDot) exp10--;
      } else {
        dropped = true;
        if (!sawDot) exp10++;
      }
    } else if (c === 46 && !sawDot) {
      sawDot = true;
    } else break;
  }
  if (!sawDigit) return badFloat("invalid syntax");
  if (i < end) {
    c = b[i] as number;
    if (c !== 101 && c !== 69) return badFloat("invalid syntax");
    i++;
    let eneg = false;
    if (i < end && (b[i] === 43 || b[i] === 45)) {
      eneg = b[i] === 45;
      i++;
    }
    if (i >= end) return badFloat("invalid syntax");
    let e = 0;
    for (; i < end; i++) {
      c = b[i] as number;
      if (c < 48 || c > 57) return badFloat("invalid syntax");
      if (e < 100000) e = e * 10 + (c - 48);
    }
    exp10 += eneg ? -e : e;
  }
  let v: number;
  if (!dropped && exp10 >= -22 && exp10 <= 22) {
    // Clinger's fast path: both operands exact, one correctly rounded operation.
    v = exp10 < 0 ? mant / (POW10[-exp10] as number) : mant * (POW10[exp10] as number);
  } else {
    v = Number(b.latin1Slice(neg || b[start] === 43 ? start + 1 : start, end));
  }
  if (v === Number.POSITIVE_INFINITY) return badFloat("value out of range");
  return neg ? -v : v;
}

function badFloat(message: string): number {
  floatStatus.ok = false;
  floatStatus.message = message;
  return Number.NaN;
}

const INT64_MAX = "9223372036854775807";

/**
 * Parses b[start, end) of decimal digits (with an optional sign when signed) as Go's
 * strconv.ParseInt(s, 10, 64); undefined when invalid or out of range.
 */
export function parseIntBytes(b: Bytes, start: number, end: number, signed = false): number | undefined {
  let i = start;
  let neg = false;
  if (signed && i < end && (b[i] === 43 || b[i] === 45)) {
    neg = b[i] === 45;
    i++;
  }
  const n = end - i;
  if (n <= 0) return undefined;
  let v = 0;
  for (let k = i; k < end; k++) {
    const c = b[k] as number;
    if (c < 48 || c > 57) return undefined;
    v = v * 10 + (c - 48);
  }
  if (n >= 16) {
    // Beyond 2^53 the running product rounds; re-read exactly and check int64 range.
    let s = b.latin1Slice(i, end).replace(/^0+(?=\d)/, "");
    if (s.length > 19 || (s.length === 19 && s > INT64_MAX)) {
      if (!(neg && s === "9223372036854775808")) return undefined;
    }
    if (neg) s = `-${s}`;
    v = Math.abs(Number(s));
  }
  return neg ? -v : v;
}

/** Whether b[start, end) is valid UTF-8 (call only when a byte >= 0x80 was seen). */
export function isValidUtf8(b: Bytes, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return false;
    if (i + n >= end) return false;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k] as number;
      if ((d & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** Decodes b[start, end): latin1 when all bytes are ASCII (hi false), else UTF-8. */
export function decode(b: Bytes, start: number, end: number, hi: boolean): string {
  return hi ? b.utf8Slice(start, end) : b.latin1Slice(start, end);
}

/**
 * Prometheus's label-value unescaping (lvalReplacer: \" \\ \n); other escapes are kept
 * as written. With help=true, the text-format HELP rules (\\ and \n only).
 */
export function unescapeValue(s: string, help = false): string {
  if (s.indexOf("\\") < 0) return s;
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== 92 || i + 1 >= s.length) continue;
    const n = s.charCodeAt(i + 1);
    let r: string | undefined;
    if (n === 92) r = "\\";
    else if (n === 110) r = "\n";
    else if (n === 34 && !help) r = '"';
    if (r === undefined) continue;
    out += s.slice(last, i) + r;
    i++;
    last = i + 1;
  }
  return out + s.slice(last);
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const e = f.toExponential(); // shortest round-trip digits: "-1.2345e+3"
  const ePos = e.indexOf("e");
  const neg = f < 0;
  const digits = e.slice(neg ? 1 : 0, ePos).replace(".", "");
  const exp = Number(e.slice(ePos + 1));
  const sign = neg ? "-" : "";
  if (exp < -4 || exp >= 21 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Prometheus's formatOpenMetricsFloat: Go's %g, with ".0" added to integral values. */
export function formatOpenMetricsFloat(f: number): string {
  const s = formatGoFloat(f);
  if (Number.isNaN(f) || !Number.isFinite(f)) return s;
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/** Label value normalisation of le (histograms) and quantile (summaries), as Prometheus 3. */
export function normalizeFloatLabel(value: string): string {
  const b = Buffer.from(value, "latin1") as Bytes;
  const f = parseFloatBytes(b, 0, b.length);
  return floatStatus.ok ? formatOpenMetricsFloat(f) : value;
}
