// The encoding namespace: JSON, YAML, base64 and URL query encoding.

import { makeFunction, type Value } from "../value.js";
import { goQuote } from "./format.js";
import { decodeJSON, encodeJSON } from "./json.js";
import { argString, utf8Decoder, utf8Encoder } from "./util.js";
import { decodeYAML } from "./yaml.js";

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

/** base64.Encoding.EncodeToString with padding. */
export function base64Encode(bytes: Uint8Array, alphabet: string = STD): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rem = bytes.length - i;
  if (rem === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${alphabet[(n >> 18) & 63]!}${alphabet[(n >> 12) & 63]!}==`;
  } else if (rem === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${alphabet[(n >> 18) & 63]!}${alphabet[(n >> 12) & 63]!}${alphabet[(n >> 6) & 63]!}=`;
  }
  return out;
}

function corrupt(offset: number): Error {
  return new Error(`illegal base64 data at input byte ${offset}`);
}

/**
 * base64.Encoding.DecodeString with padding (StdEncoding or URLEncoding): newlines
 * are ignored, padding is required, errors report the offending byte offset.
 */
export function base64Decode(text: string, url = false): Uint8Array {
  const map = url ? URL_MAP : STD_MAP;
  const src = utf8Encoder.encode(text);
  const out: number[] = [];
  let si = 0;
  const n = src.length;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    let done = false;
    for (; j < 4; ) {
      if (si === n) {
        if (j === 0) return Uint8Array.from(out);
        throw corrupt(si - j);
      }
      const c = src[si] as number;
      si++;
      if (c === 0x0a || c === 0x0d) continue;
      const d = map[c] as number;
      if (d !== -1) {
        dbuf[j] = d;
        j++;
        continue;
      }
      if (c !== 0x3d /* = */) throw corrupt(si - 1);
      // Padding.
      switch (j) {
        case 0:
        case 1:
          throw corrupt(si - 1);
        case 2:
          while (si < n && (src[si] === 0x0a || src[si] === 0x0d)) si++;
          if (si === n) throw corrupt(n);
          if (src[si] !== 0x3d) throw corrupt(si - 1);
          si++;
      }
      while (si < n && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < n) throw corrupt(si);
      dlen = j;
      done = true;
      break;
    }
    const val =
      ((dbuf[0] as number) << 18) | ((dbuf[1] as number) << 12) | ((dbuf[2] as number) << 6) | (dbuf[3] as number);
    const b0 = (val >> 16) & 0xff;
    const b1 = (val >> 8) & 0xff;
    const b2 = val & 0xff;
    switch (dlen) {
      case 4:
        out.push(b0, b1, b2);
        break;
      case 3:
        out.push(b0, b1);
        break;
      case 2:
        out.push(b0);
        break;
    }
    if (done) return Uint8Array.from(out);
  }
}

function shouldEscapeQuery(c: number): boolean {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) return false;
  return !(c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e);
}

const HEX = "0123456789ABCDEF";

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  const b = utf8Encoder.encode(s);
  let out = "";
  for (const c of b) {
    if (c === 0x20) out += "+";
    else if (shouldEscapeQuery(c)) out += `%${HEX[c >> 4]}${HEX[c & 15]}`;
    else out += String.fromCharCode(c);
  }
  return out;
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** url.QueryUnescape. */
export function queryUnescape(s: string): string {
  const b = utf8Encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0x25) {
      if (i + 2 >= b.length || unhex(b[i + 1] as number) < 0 || unhex(b[i + 2] as number) < 0) {
        let rest = utf8Decoder.decode(b.subarray(i, Math.min(b.length, i + 3)));
        if (rest.length > 3) rest = rest.slice(0, 3);
        throw new Error(`invalid URL escape ${goQuote(rest)}`);
      }
      out.push((unhex(b[i + 1] as number) << 4) | unhex(b[i + 2] as number));
      i += 2;
    } else if (c === 0x2b) out.push(0x20);
    else out.push(c);
  }
  return utf8Decoder.decode(Uint8Array.from(out));
}

export const fromJSON = (name: string) => makeFunction(name, 1, 1, (args) => decodeJSON(argString(args, 0)));
export const fromYAML = (name: string) => makeFunction(name, 1, 1, (args) => decodeYAML(argString(args, 0)));
export const fromBase64 = (name: string) =>
  makeFunction(name, 1, 1, (args) => utf8Decoder.decode(base64Decode(argString(args, 0))));

export function makeEncodingFunctions(): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set("from_json", fromJSON("encoding.from_json"));
  m.set("from_yaml", fromYAML("encoding.from_yaml"));
  m.set("from_base64", fromBase64("encoding.from_base64"));
  m.set(
    "from_URLbase64",
    makeFunction("encoding.from_URLbase64", 1, 1, (args) => utf8Decoder.decode(base64Decode(argString(args, 0), true))),
  );
  m.set(
    "to_json",
    makeFunction("encoding.to_json", 1, 1, (args) => {
      const v = args[0] ?? null;
      if (!(v instanceof Map)) throw new Error("jsonEncode only supports map");
      return encodeJSON(v);
    }),
  );
  m.set(
    "to_base64",
    makeFunction("encoding.to_base64", 1, 1, (args) => base64Encode(utf8Encoder.encode(argString(args, 0)))),
  );
  m.set(
    "to_URLbase64",
    makeFunction("encoding.to_URLbase64", 1, 1, (args) => base64Encode(utf8Encoder.encode(argString(args, 0)), URL)),
  );
  m.set(
    "url_encode",
    makeFunction("encoding.url_encode", 1, 1, (args) => queryEscape(argString(args, 0))),
  );
  m.set(
    "url_decode",
    makeFunction("encoding.url_decode", 1, 1, (args) => queryUnescape(argString(args, 0))),
  );
  return m;
}
