// Branded values that cross the runtime/plugin boundary. A plugin may bundle its own
// copy of @ingot/sdk, so brands are global symbols (Symbol.for), never classes checked
// with instanceof.

const SECRET_BRAND: unique symbol = Symbol.for("ingot.secret") as never;

/** A string the runtime never shows (API, UI, logs print "(secret)"). */
export interface SecretString {
  readonly [SECRET_BRAND]: true;
  /** The secret text. Read it with secretValue(). */
  readonly value: string;
  toString(): string;
  toJSON(): string;
}

const secretProto = {
  toString(): string {
    return "(secret)";
  },
  toJSON(): string {
    return "(secret)";
  },
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "(secret)";
  },
};

/**
 * Marks a string as secret: for an export typed `secret` or `optional-secret` (e.g. a
 * file's content read with is_secret = true). Printing it never shows the text.
 */
export function secret(value: string): SecretString {
  const s = Object.create(secretProto) as { [SECRET_BRAND]: true; value: string };
  Object.defineProperty(s, SECRET_BRAND, { value: true });
  Object.defineProperty(s, "value", { value, enumerable: false });
  return Object.freeze(s) as SecretString;
}

/** Whether v is a secret made by secret() of any copy of @ingot/sdk. */
export function isSecret(v: unknown): v is SecretString {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[SECRET_BRAND] === true;
}

/** The text of a secret, or the string itself for a plain string. */
export function secretValue(v: SecretString | string): string {
  return typeof v === "string" ? v : v.value;
}

/** The text shown in place of a secret. */
export const REDACTED = "(secret)";
