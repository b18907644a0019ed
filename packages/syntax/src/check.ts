// Checks a parsed file before any runtime exists (for `ingot validate`): evaluates the
// expressions that only use the standard library, warns about deprecated and shadowed
// standard library names, and reports attributes given twice in one body.
import { type Body, type Expr, endPos, type File, type IdentifierExpr } from "./ast.js";
import type { Diagnostic } from "./diag.js";
import { isStdlibIdentifier, Scope, stdlibDeprecation } from "./scope.js";
import type { SourceFile } from "./source.js";
import { experimentalStdlib } from "./stdlib/index.js";
import { Tok } from "./token.js";
import { EvaluationError } from "./vm/errors.js";
import { duplicateAttributeDiagnostic, evaluate } from "./vm/eval.js";

export const deprecatedStdlibMessage =
  "this stdlib function is deprecated; please refer to the documentation for updated usage and alternatives";
export const shadowedStdlibMessage = "a component is shadowing an existing stdlib name";

interface Names {
  /** First name part of every component (top-level and declare-level block) and foreach variable. */
  roots: Set<string>;
  /** Full ids of components: name parts plus label. */
  ids: string[][];
}

function collectNames(body: Body, names: Names, depth: number): void {
  for (const stmt of body) {
    if (stmt.kind !== "Block") continue;
    const first = stmt.name[0];
    if (first !== undefined) names.roots.add(first);
    names.ids.push(stmt.label !== "" ? [...stmt.name, stmt.label] : stmt.name);
    const full = stmt.name.join(".");
    if (full === "declare" && stmt.label !== "") names.roots.add(stmt.label);
    if (full === "foreach") {
      for (const s of stmt.body) {
        if (
          s.kind === "Attribute" &&
          s.name.name === "var" &&
          s.value.kind === "Literal" &&
          s.value.tok === Tok.STRING
        ) {
          names.roots.add(s.value.value.slice(1, -1));
        }
      }
    }
    // Components declared inside declare and foreach bodies are components too.
    if ((full === "declare" || full === "foreach" || full === "template") && depth < 64) {
      collectNames(stmt.body, names, depth + 1);
    }
  }
}

/** The dotted parts of an identifier-rooted access chain (`a.b.c`), or undefined. */
function chainParts(e: Expr): { root: IdentifierExpr; parts: string[] } | undefined {
  const parts: string[] = [];
  let cur = e;
  while (cur.kind === "Access") {
    parts.push(cur.name.name);
    cur = cur.value;
  }
  if (cur.kind !== "Identifier") return undefined;
  parts.push(cur.ident.name);
  parts.reverse();
  return { root: cur, parts };
}

/** Alloy's stability levels, lowest first. */
export type Stability = "experimental" | "public-preview" | "generally-available";
const stabilityRank: Record<Stability, number> = { experimental: 0, "public-preview": 1, "generally-available": 2 };

export interface CheckOptions {
  /**
   * The minimum stability level allowed (Alloy's --stability.level). Uses of
   * experimental stdlib functions below it are errors. Default "experimental" (no gate).
   */
  minStability?: Stability;
  /**
   * Whether expressions calling functions are evaluated too. Default false: Alloy's
   * validator does not run functions (their results may depend on the environment, and
   * a call failing at run time, like array.combine_maps([], [], []), still validates).
   */
  evaluateCalls?: boolean;
}

function containsCall(e: Expr): boolean {
  switch (e.kind) {
    case "Call":
      return true;
    case "Array":
      return e.elements.some(containsCall);
    case "Object":
      return e.fields.some((f) => containsCall(f.value));
    case "Access":
      return containsCall(e.value);
    case "Index":
      return containsCall(e.value) || containsCall(e.index);
    case "Unary":
      return containsCall(e.value);
    case "Binary":
      return containsCall(e.left) || containsCall(e.right);
    case "Paren":
      return containsCall(e.inner);
    default:
      return false;
  }
}

class Checker {
  readonly diags: Diagnostic[] = [];
  readonly scope = new Scope();
  readonly gateExperimental: Stability | undefined;
  constructor(
    readonly source: SourceFile,
    readonly names: Names,
    readonly options: CheckOptions,
  ) {
    const min = options.minStability ?? "experimental";
    this.gateExperimental = stabilityRank[min] > stabilityRank.experimental ? min : undefined;
  }

  private identDiag(id: IdentifierExpr, message: string): Diagnostic {
    const pos = id.ident.pos;
    return {
      severity: "warning",
      start: this.source.position(pos),
      end: this.source.position(pos + id.ident.name.length - 1),
      message,
    };
  }

  private matchesComponent(parts: string[]): boolean {
    outer: for (const id of this.names.ids) {
      if (id.length > parts.length) continue;
      for (let i = 0; i < id.length; i++) if (id[i] !== parts[i]) continue outer;
      return true;
    }
    return false;
  }

  /** Visits identifiers of e; returns whether every one resolves in the standard library alone. */
  private visit(e: Expr): boolean {
    switch (e.kind) {
      case "Literal":
        return true;
      case "Identifier":
      case "Access": {
        const chain = chainParts(e);
        if (!chain) return e.kind === "Access" ? this.visit(e.value) : true;
        const name = chain.root.ident.name;
        if (!isStdlibIdentifier(name)) return false;
        if (this.names.roots.has(name)) {
          if (this.matchesComponent(chain.parts)) this.diags.push(this.identDiag(chain.root, shadowedStdlibMessage));
          return false;
        }
        if (stdlibDeprecation(name) !== undefined) {
          this.diags.push(this.identDiag(chain.root, deprecatedStdlibMessage));
        } else if (this.gateExperimental !== undefined) {
          const full = chain.parts.join(".");
          if (experimentalStdlib.has(full)) {
            this.diags.push({
              severity: "error",
              start: this.source.position(chain.root.ident.pos),
              end: this.source.position(endPos(e)),
              message:
                `${full} is at stability level "experimental", which is below the minimum allowed stability level ` +
                `"${this.gateExperimental}". Use --stability.level command-line flag to enable "experimental" features`,
            });
          }
        }
        return true;
      }
      case "Array": {
        let ok = true;
        for (const x of e.elements) ok = this.visit(x) && ok;
        return ok;
      }
      case "Object": {
        let ok = true;
        for (const f of e.fields) ok = this.visit(f.value) && ok;
        return ok;
      }
      case "Index":
        return this.visit(e.value) && this.visit(e.index);
      case "Call": {
        let ok = this.visit(e.value);
        for (const a of e.args) ok = this.visit(a) && ok;
        return ok;
      }
      case "Unary":
        return this.visit(e.value);
      case "Binary": {
        const l = this.visit(e.left);
        return this.visit(e.right) && l;
      }
      case "Paren":
        return this.visit(e.inner);
    }
  }

  checkBody(body: Body, depth: number): void {
    const seen = new Set<string>();
    for (const stmt of body) {
      if (stmt.kind === "Block") {
        if (depth < 256) this.checkBody(stmt.body, depth + 1);
        continue;
      }
      const name = stmt.name.name;
      if (seen.has(name)) this.diags.push(duplicateAttributeDiagnostic(this.source, stmt));
      seen.add(name);
      let resolvable: boolean;
      try {
        resolvable = this.visit(stmt.value);
      } catch {
        continue; // nesting too deep to analyse: leave it to the runtime
      }
      if (!resolvable || (!this.options.evaluateCalls && containsCall(stmt.value))) continue;
      try {
        evaluate(stmt.value, this.scope, this.source);
      } catch (e) {
        if (e instanceof EvaluationError) this.diags.push(e.diagnostic);
        else if (e instanceof RangeError)
          continue; // too deep to evaluate here
        else throw e;
      }
    }
  }
}

/**
 * Checks a parsed file without a runtime:
 *   - evaluates every attribute expression whose identifiers all resolve in the
 *     standard library (others reference components and are left to the runtime),
 *     reporting evaluation errors; expressions with function calls only when
 *     options.evaluateCalls is set;
 *   - warns at every use of a deprecated standard library name, and at a reference
 *     whose first name is a standard library name shadowed by a component (Alloy's
 *     validator texts); with options.minStability above "experimental", reports uses
 *     of experimental stdlib functions as errors;
 *   - reports an attribute given twice in one body.
 * Diagnostics come in source order within each attribute.
 */
export function checkFile(file: File, options: CheckOptions = {}): Diagnostic[] {
  const names: Names = { roots: new Set(), ids: [] };
  collectNames(file.body, names, 0);
  const c = new Checker(file.source, names, options);
  c.checkBody(file.body, 0);
  return c.diags;
}
