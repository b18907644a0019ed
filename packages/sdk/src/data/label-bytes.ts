// The byte form of a label set: the fields of a Prometheus remote write TimeSeries'
// `repeated Label labels = 1`, in the set's (sorted) order, each Label with both its
// name (1) and value (2) fields, empty strings included. SeriesTable keeps label sets in
// this form, and a remote write sender can copy it into requests unchanged.
import type { Labels } from "./labels.js";
import { growTypedArray } from "./typed-arrays.js";

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** A growable scratch buffer for encoding (reused; the result is a view into it). */
export class LabelBytesWriter {
  buf = new Uint8Array(512);
  pos = 0;

  /** Encodes a label set; the view is valid until the next call. */
  encode(labels: Labels): Uint8Array {
    this.pos = 0;
    for (let i = 0; i < labels.length; i += 2) {
      const name = labels[i] as string;
      const value = labels[i + 1] as string;
      // Label message: tag, length (1 byte if both strings are short ASCII), fields.
      const at = this.pos;
      this.ensure(3);
      this.buf[this.pos] = 0x0a;
      this.pos += 2;
      this.string(0x0a, name);
      this.string(0x12, value);
      const len = this.pos - at - 2;
      if (len < 128) this.buf[at + 1] = len;
      else {
        const n = len < 16384 ? 2 : len < 2097152 ? 3 : len < 268435456 ? 4 : 5;
        this.ensure(n - 1);
        this.buf.copyWithin(at + 1 + n, at + 2, this.pos);
        this.pos += n - 1;
        let v = len;
        let p = at + 1;
        for (let k = 0; k < n - 1; k++) {
          this.buf[p++] = (v & 127) | 128;
          v >>>= 7;
        }
        this.buf[p] = v;
      }
    }
    return this.buf.subarray(0, this.pos);
  }

  private string(tag: number, s: string): void {
    const n = s.length;
    this.ensure(n * 3 + 6);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = tag;
    if (n < 128) {
      let ascii = true;
      for (let i = 0; i < n; i++)
        if (s.charCodeAt(i) > 127) {
          ascii = false;
          break;
        }
      if (ascii) {
        buf[p++] = n;
        for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
        this.pos = p;
        return;
      }
    }
    const b = utf8.encode(s);
    let v = b.length;
    while (v >= 128) {
      buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[p++] = v;
    this.ensure(p - this.pos + b.length);
    this.buf.set(b, p);
    this.pos = p + b.length;
  }

  private ensure(n: number): void {
    this.buf = growTypedArray(this.buf, this.pos + n);
  }
}

const shared = new LabelBytesWriter();

/** A label set's byte form (a fresh copy). */
export function encodeLabelBytes(labels: Labels): Uint8Array {
  return shared.encode(labels).slice();
}

/** The label set held in buf[s, e) (its byte form); fields other than names and values are skipped. */
export function decodeLabelBytes(buf: Uint8Array, s = 0, e = buf.length): Labels {
  const out: string[] = [];
  let p = s;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= e) throw new RangeError("label bytes: truncated varint");
      const b = buf[p++] as number;
      v += (b & 127) * 2 ** shift;
      if (b < 128) return v;
      shift += 7;
    }
  };
  const str = (n: number): string => {
    if (p + n > e) throw new RangeError("label bytes: truncated string");
    let ascii = n < 64;
    if (ascii)
      for (let i = p; i < p + n; i++)
        if ((buf[i] as number) > 127) {
          ascii = false;
          break;
        }
    const v = ascii
      ? String.fromCharCode.apply(null, buf.subarray(p, p + n) as unknown as number[])
      : utf8d.decode(buf.subarray(p, p + n));
    p += n;
    return v;
  };
  while (p < e) {
    const key = varint();
    if (key !== 0x0a) {
      skip(key & 7);
      continue;
    }
    const end = varint() + p;
    let name = "";
    let value = "";
    while (p < end) {
      const k = varint();
      if (k === 0x0a) name = str(varint());
      else if (k === 0x12) value = str(varint());
      else skip(k & 7);
    }
    if (p !== end || end > e) throw new RangeError("label bytes: bad Label length");
    out.push(name, value);
  }
  return out;

  function skip(wire: number): void {
    if (wire === 0) varint();
    else if (wire === 1) p += 8;
    else if (wire === 2) p += varint();
    else if (wire === 5) p += 4;
    else throw new RangeError(`label bytes: wire type ${wire}`);
  }
}

/** FNV-1a of buf[s, e) mixed with its length (for hash indexes over byte forms). */
export function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  return (h ^ (e - s)) >>> 0;
}
