// Types of the Alloy <-> JSON Schema mapping. The mapping itself (keywords, decoding,
// defaults, validation, export encoding) is implemented in schema.ts and documented in
// docs/plugin-authoring.md.
//
// Keywords Ingot adds to JSON Schema (draft-07, ajv), all annotations:
//   "x-alloy-block": true        the property is a block, not an attribute. An object
//                                schema is a block given at most once; an array of
//                                objects is a repeated block.
//   "x-alloy-label": "<prop>"    on a block's (item) schema: the block takes a label,
//                                stored in property <prop>; a label is then required.
//   "x-alloy-type": "duration"   a Go duration string ("15s", "1m30s"); decoded to a
//                                number of milliseconds, exported back as a string.
//   "x-alloy-type": "secret"     a string or secret; the plugin gets a plain string and
//                                the runtime never shows it (API, UI, logs).
//   "x-alloy-type": "optional-secret"  a string that may be a secret (exports such as
//                                local.file's content); see values.ts for secret().
//   "x-alloy-type": "capsule"    a live object exchanged between components, with
//   "x-alloy-capsule": "<Type>"  the capsule type name (e.g. "MetricsReceiver"); the
//                                plugin gets (and exports) the object itself.
import type { Body, BodyEntry, Diagnostic, Scope, SourceFile } from "@ingot/syntax";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema documents are free-form.
export type JSONSchema = Record<string, any> | boolean;

/** The schemas of one component, compiled once (at discovery) and reused for every evaluation. */
export interface CompiledComponentSchemas {
  readonly name: string;
  /**
   * Evaluates a block body against the arguments schema: every attribute expression
   * in `scope`, blocks and labels per the mapping, defaults applied, then ajv
   * validation. Returns the plain-JS arguments or the diagnostics, positioned at the
   * offending attribute, block or (for a missing one) the component block itself.
   * `block` is the component block's range as offsets: its first character
   * (startPos) and its last, the closing brace (endPos, inclusive).
   * Every problem is reported, not just the first.
   */
  decodeArguments(
    body: Body,
    scope: Scope,
    source: SourceFile,
    block: { start: number; end: number },
  ): { ok: true; value: Record<string, unknown> } | { ok: false; diagnostics: Diagnostic[] };
  /**
   * Validates exports a component published (throws an Error naming the first
   * problem) and converts them to Alloy values for the scope (Capsule, Secret,
   * duration strings, objects as Maps).
   */
  encodeExports(exports: unknown): import("@ingot/syntax").ObjectValue;
  /**
   * Paths (JSON pointers into the arguments) that the schema marks as secret, for
   * redaction; "*" stands for any array index (repeated blocks, arrays) or map key.
   */
  readonly secretArgumentPaths: readonly string[];
  /**
   * Decoded arguments in Alloy value form, as body entries for @ingot/syntax's
   * bodyToTypedJSON (what the API shows): blocks as blocks with their labels,
   * durations as strings, capsules as Capsules, and every secret or optional-secret
   * field as a Secret, so typed JSON prints "(secret)".
   */
  argumentsToBody(args: Record<string, unknown>): BodyEntry[];
  /** A plain-JS copy of decoded arguments with every secret replaced by "(secret)" (for logs). */
  redactArguments(args: Record<string, unknown>): Record<string, unknown>;
}
