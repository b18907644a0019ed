// Keeps secret argument values out of component log lines: a component receives its
// secrets as plain strings (by contract), so the logger the runtime hands it replaces
// any occurrence of those strings with "(secret)" before the line is written.
import type { Logger } from "@ingot/sdk";

const REDACTED = "(secret)";

/** The string values at the given JSON pointers ("*" matches any index or key). */
export function secretValues(args: unknown, paths: readonly string[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, segs: string[], i: number): void => {
    if (v === null || v === undefined) return;
    if (i === segs.length) {
      if (typeof v === "string" && v !== "") out.add(v);
      else if (typeof v === "object" && typeof (v as { value?: unknown }).value === "string") {
        const s = (v as { value: string }).value;
        if (s !== "") out.add(s);
      }
      return;
    }
    if (typeof v !== "object") return;
    const seg = segs[i] as string;
    if (seg === "*") {
      for (const x of Array.isArray(v) ? v : Object.values(v as object)) walk(x, segs, i + 1);
    } else walk((v as Record<string, unknown>)[seg], segs, i + 1);
  };
  for (const p of paths) {
    const segs =
      p === ""
        ? []
        : p
            .slice(1)
            .split("/")
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    walk(args, segs, 0);
  }
  return out;
}

function scrubString(s: string, secrets: ReadonlySet<string>): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export function scrub(v: unknown, secrets: ReadonlySet<string>, depth = 0): unknown {
  if (typeof v === "string") return scrubString(v, secrets);
  if (depth > 16 || v === null || typeof v !== "object") return v;
  if (v instanceof Error) return scrubString(v.message, secrets);
  if (Array.isArray(v)) return v.map((x) => scrub(x, secrets, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) o[k] = scrub(x, secrets, depth + 1);
  return o;
}

/** A logger that scrubs the current secrets (read on every line) from messages and fields. */
export function scrubbingLogger(inner: Logger, secrets: () => ReadonlySet<string>): Logger {
  const wrap =
    (f: (m: string, fields?: Record<string, unknown>) => void) =>
    (message: string, fields?: Record<string, unknown>) => {
      const s = secrets();
      if (s.size === 0) return f.call(inner, message, fields);
      f.call(inner, scrubString(message, s), fields && (scrub(fields, s) as Record<string, unknown>));
    };
  return {
    debug: wrap(inner.debug),
    info: wrap(inner.info),
    warn: wrap(inner.warn),
    error: wrap(inner.error),
    child: (fields) => scrubbingLogger(inner.child(fields), secrets),
  };
}
