// Subresource-Integrity strings (`sha512-<base64>`), as npm's lockfiles carry them:
// every artifact the registry stores has one, and clients check downloads against it.
import { createHash, timingSafeEqual } from "node:crypto";

/** The SRI string of the bytes: `sha512-<base64 digest>`. */
export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
}

/** Whether the text is a well-formed sha512 SRI string. */
export function isIntegrity(text: string): boolean {
  return /^sha512-[A-Za-z0-9+/]{86}==$/.test(text);
}

/** Whether the bytes hash to the expected SRI string (compared in constant time). */
export function matchesIntegrity(bytes: Uint8Array, expected: string): boolean {
  const actual = Buffer.from(integrityOf(bytes));
  const want = Buffer.from(expected);
  return actual.length === want.length && timingSafeEqual(actual, want);
}

/** Thrown when downloaded or stored bytes do not match the integrity they were published with. */
export class IntegrityError extends Error {
  override name = "IntegrityError";
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`integrity mismatch for ${what}: expected ${expected}, got ${actual}`);
  }
}

/** Throws IntegrityError unless the bytes match. */
export function verifyIntegrity(bytes: Uint8Array, expected: string, what: string): void {
  if (!matchesIntegrity(bytes, expected)) throw new IntegrityError(what, expected, integrityOf(bytes));
}
