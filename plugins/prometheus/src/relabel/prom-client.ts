// prom-client loaded at run time from node_modules rather than bundled: the bundle must
// share the runtime's copy (a second, bundled copy of this CommonJS package fails to
// load as ESM). esbuild leaves calls of a renamed require alone. Once prom-client is in
// this package's dependencies (build.js then keeps it external), a plain import works.
import { createRequire } from "node:module";
import type * as PromClient from "prom-client";

const load = createRequire(import.meta.url);
export const promClient = load("prom-client") as typeof PromClient;
