// A disk cache of compiled argument/export validators. ajv compiles a schema by
// generating code, which at startup costs ~10 ms per component schema; the same code
// (ajv's standalone output) read back from disk costs a fraction of that. Entries are
// keyed by a hash of the exact schema and of this cache format, so a changed schema
// never meets a stale validator; anything unexpected falls back to compiling.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Ajv, ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

/** Bump when the generated code's shape or the ajv options change. */
const CACHE_FORMAT = "ingot-validator-v1";

let cacheDir: string | undefined;

/** Where compiled validators are kept (the runtime passes `<storage.path>/.cache/validators`); undefined turns caching off. */
export function setValidatorCacheDir(dir: string | undefined): void {
  cacheDir = dir;
}

// ajv's standalone code require()s small runtime helpers; the cached modules carry
// inline copies so that they evaluate with no module resolution at all.
const RUNTIME_HELPERS: Record<string, string> = {
  'require("ajv/dist/runtime/equal").default': `(function equal(a, b) {
  if (a === b) return true;
  if (a && b && typeof a === "object" && typeof b === "object") {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a !== a && b !== b;
})`,
  'require("ajv/dist/runtime/ucs2length").default': "((s) => [...s].length)",
};

/**
 * ajv standalone code with its runtime helpers inlined, or undefined when it needs a
 * helper not inlined here (such code is not kept).
 */
export function inlineAjvRuntime(code: string): string | undefined {
  for (const [call, inline] of Object.entries(RUNTIME_HELPERS)) code = code.split(call).join(inline);
  return code.includes("require(") ? undefined : code;
}

/** A validator for the schema: from the cache when there, else compiled (and cached). */
export function cachedValidator(getAjv: () => Ajv, schema: object): ValidateFunction {
  if (cacheDir === undefined) return getAjv().compile(schema);
  const key = createHash("sha256").update(CACHE_FORMAT).update(JSON.stringify(schema)).digest("hex").slice(0, 32);
  const file = join(cacheDir, `${key}.cjs`);
  let code: string | undefined;
  try {
    code = readFileSync(file, "utf8");
  } catch {
    // absent or unreadable: compile below
  }
  if (code !== undefined) return evaluatedOnFirstCall(code, () => compileAndCache(getAjv, schema, file));
  return compileAndCache(getAjv, schema, file);
}

/**
 * A validator that evaluates the cached code when first called: most validators (the
 * exports of every component, the arguments of components a config does not use) are
 * never called before the runtime is ready, so startup does not pay for them. Code
 * that does not evaluate is replaced by a fresh compile.
 */
function evaluatedOnFirstCall(code: string, compile: () => ValidateFunction): ValidateFunction {
  let fn: ValidateFunction | undefined;
  const validate = ((data: unknown, ctx?: unknown) => {
    if (fn === undefined) {
      try {
        fn = evaluate(code);
      } catch {
        fn = compile();
      }
    }
    const ok = (fn as (d: unknown, c?: unknown) => boolean)(data, ctx);
    validate.errors = fn.errors;
    return ok;
  }) as ValidateFunction;
  return validate;
}

function compileAndCache(getAjv: () => Ajv, schema: object, file: string): ValidateFunction {
  const ajv = getAjv();
  const validate = ajv.compile(schema);
  try {
    let code = (standaloneCode as unknown as { default: typeof standaloneCode }).default
      ? (standaloneCode as unknown as { default: (a: Ajv, v: ValidateFunction) => string }).default(ajv, validate)
      : (standaloneCode as unknown as (a: Ajv, v: ValidateFunction) => string)(ajv, validate);
    const inlined = inlineAjvRuntime(code);
    if (inlined === undefined) return validate; // a helper we do not inline: keep it uncached
    code = inlined;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // ajv instance without code.source, or a read-only disk: caching is only an optimisation
  }
  return validate;
}

function evaluate(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function("module", "exports", code)(module, module.exports);
  const fn = module.exports as ValidateFunction;
  if (typeof fn !== "function") throw new Error("not a validator");
  return fn;
}
