// Types of the validators scripts/gen-validators.mjs writes to dist/src/generated/ at
// build time (ajv standalone code).
import type { ErrorObject } from "ajv";

export interface PrecompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
