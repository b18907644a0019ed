// Remote write 1.0 protobuf (prometheus.WriteRequest) encoding and decoding at the byte
// level, shared by prometheus.remote_write and prometheus.receive_http.
export * from "./reader.js";
export * from "./writer.js";

/** Reads the uncompressed length a snappy block declares (its leading varint), or -1 if malformed. */
export function snappyDeclaredLength(b: Uint8Array): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 5 && i < b.length; i++) {
    const c = b[i] as number;
    v += (c & 127) * mul;
    if (c < 128) return v;
    mul *= 128;
  }
  return -1;
}
