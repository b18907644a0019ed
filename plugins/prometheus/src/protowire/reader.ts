// The protobuf wire reader shared by the Prometheus protobuf exposition parser
// (src/expfmt/protobuf.ts) and the remote write decoder (src/prompb/reader.ts): varints,
// zigzag, doubles, length-delimited fields and skipping unknown fields over a byte range.
// Each caller passes the constructor of the error it throws on malformed input.
//
// One concrete class on purpose (no subclasses): every call site sees the same object
// shape, so V8 keeps the property loads of these small hot methods monomorphic.

/** Makes the error thrown on malformed input (the caller's error class). */
export type WireErrorFactory = (message: string) => Error;

const TWO32 = 4294967296;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const plainError: WireErrorFactory = (m) => new Error(m);

/** A cursor over protobuf bytes buf[pos, end). */
export class WireReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  readonly view: DataView;
  readonly error: WireErrorFactory;

  constructor(buf: Uint8Array, pos = 0, end = buf.length, error: WireErrorFactory = plainError, view?: DataView) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.error = error;
  }

  /** A reader over buf[pos, end) of the same buffer (shares the view and the error factory). */
  sub(pos: number, end: number): WireReader {
    return new WireReader(this.buf, pos, end, this.error, this.view);
  }

  /** An unsigned varint (exact below 2^53; 32-bit arithmetic below 2^28). */
  uvarint(): number {
    const buf = this.buf;
    let p = this.pos;
    if (p >= this.end) throw this.error("truncated varint");
    let b = buf[p++] as number;
    if (b < 128) {
      this.pos = p;
      return b;
    }
    let v = b & 127;
    let shift = 7;
    let mul = 128;
    for (;;) {
      if (p >= this.end) throw this.error("truncated varint");
      b = buf[p++] as number;
      if (shift < 28) v |= (b & 127) << shift;
      else v += (b & 127) * mul;
      if (b < 128) break;
      shift += 7;
      mul *= 128;
      if (shift > 63) throw this.error("varint overflows 64 bits");
    }
    this.pos = p;
    return shift < 28 ? v >>> 0 : v;
  }

  /** An int64 varint as a number (negative values decoded from two's complement). */
  int64(): number {
    const start = this.pos;
    const v = this.uvarint();
    if (this.pos - start === 10) {
      // Negative: recompute from the words.
      let lo = 0;
      let hi = 0;
      const buf = this.buf;
      for (let i = 0; i < 4; i++) lo |= ((buf[start + i] as number) & 127) << (7 * i);
      lo |= ((buf[start + 4] as number) & 15) << 28;
      hi = ((buf[start + 4] as number) & 127) >> 4;
      for (let i = 5; i < 10; i++) hi |= ((buf[start + i] as number) & 127) << (7 * (i - 5) + 3);
      lo >>>= 0;
      hi >>>= 0;
      if (hi & 0x80000000) {
        // -(~x + 1)
        const nlo = ~lo >>> 0;
        const nhi = ~hi >>> 0;
        return -(nhi * TWO32 + nlo + 1);
      }
      return hi * TWO32 + lo;
    }
    return v;
  }

  /** A zigzag-encoded varint (sint32/sint64). */
  svarint(): number {
    const v = this.uvarint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  /** A little-endian double (wire type 1). */
  double(): number {
    if (this.pos + 8 > this.end) throw this.error("truncated double");
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The length of a length-delimited field, checked against end; pos is left at its start. */
  len(): number {
    const n = this.uvarint();
    if (this.pos + n > this.end) throw this.error("length exceeds message");
    return n;
  }

  /** A length-delimited UTF-8 string (invalid UTF-8 is an error). */
  string(): string {
    const n = this.len();
    const s = this.pos;
    this.pos += n;
    let ascii = n < 64;
    const buf = this.buf;
    if (ascii) for (let i = s; i < s + n; i++) if ((buf[i] as number) > 127) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(s, s + n) as unknown as number[]);
    try {
      return utf8.decode(buf.subarray(s, s + n));
    } catch {
      throw this.error("invalid UTF-8 in string");
    }
  }

  /** Skips a field's value of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.uvarint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2: {
        const n = this.len();
        this.pos += n;
        break;
      }
      case 5:
        this.pos += 4;
        break;
      default:
        throw this.error(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.end) throw this.error("truncated field");
  }
}
