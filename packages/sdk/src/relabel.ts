// Prometheus relabelling (model/relabel) on the sdk's sorted flat Labels: every action,
// Prometheus's defaults and validation messages, RE2 regexes (re2js) anchored as
// `^(?s:regex)$`, and Go regexp.Expand templates. Rules compile once; applying them
// allocates nothing unless a label actually changes (the input array is returned
// as is when no rule modifies it).
import { createHash } from "node:crypto";
import { RE2JS } from "re2js";
import type { Labels } from "./data/labels.js";

export type RelabelAction =
  | "replace"
  | "keep"
  | "drop"
  | "keepequal"
  | "dropequal"
  | "hashmod"
  | "labelmap"
  | "labeldrop"
  | "labelkeep"
  | "lowercase"
  | "uppercase";

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  "replace",
  "keep",
  "drop",
  "keepequal",
  "dropequal",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "lowercase",
  "uppercase",
];

/** How label names are validated: Prometheus 3's default "utf8", or the old "legacy" pattern. */
export type NameValidationScheme = "utf8" | "legacy";

/** A relabel rule as configured (Prometheus YAML / Alloy `rule` block names). Absent fields take the defaults. */
export interface RelabelConfig {
  source_labels?: readonly string[] | null;
  separator?: string;
  regex?: string;
  modulus?: number;
  target_label?: string;
  replacement?: string;
  action?: string;
}

/** Prometheus's DefaultRelabelConfig. */
export const RELABEL_DEFAULTS = Object.freeze({
  separator: ";",
  regex: "(.*)",
  modulus: 0,
  target_label: "",
  replacement: "$1",
  action: "replace" as RelabelAction,
});

export class RelabelConfigError extends Error {
  override name = "RelabelConfigError";
}

// ---- label names ----

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Prometheus's relabelTarget: a label name that may hold $1 / ${name} references. */
const RELABEL_TARGET_LEGACY = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** Whether `name` is a valid label name under the scheme (utf8: non-empty well-formed text). */
export function isValidLabelName(name: string, scheme: NameValidationScheme = "utf8"): boolean {
  if (scheme === "legacy") return LEGACY_LABEL_NAME.test(name);
  return name.length > 0 && isWellFormed(name);
}

/** Whether a target_label/replacement with template references is acceptable under the scheme. */
export function isValidRelabelTarget(name: string, scheme: NameValidationScheme = "utf8"): boolean {
  if (scheme === "legacy") return RELABEL_TARGET_LEGACY.test(name);
  return isWellFormed(name);
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

// ---- regexes ----

/**
 * A compiled anchored regex with fast paths for the shapes relabel configs use most
 * (match-all, literals, literal alternations) before falling back to re2js.
 */
interface Matcher {
  /** Whether the whole string matches. */
  test(s: string): boolean;
  /** Capture groups (index 0 = whole match; undefined = group did not participate) or null. */
  exec(s: string): (string | undefined)[] | null;
  /** Capturing groups count (without group 0). */
  readonly groups: number;
  /** Named groups to indexes. */
  readonly names: Record<string, number>;
}

const LITERAL = /^[A-Za-z0-9_:/=,@ -]*$/;

function compileRegex(src: string): Matcher {
  // Compile with re2js first so invalid or non-RE2 syntax is always refused.
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?s:${src})$`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new RelabelConfigError(msg.startsWith("error parsing regexp") ? msg : `error parsing regexp: ${msg}`);
  }
  const groups = re.groupCount();
  const names = re.namedGroups() as Record<string, number>;
  if (src === ".*") return { groups, names, test: () => true, exec: (s) => [s] };
  if (src === "(.*)") return { groups, names, test: () => true, exec: (s) => [s, s] };
  if (LITERAL.test(src) && !src.includes("|"))
    return { groups, names, test: (s) => s === src, exec: (s) => (s === src ? [s] : null) };
  if (LITERAL.test(src.replaceAll("|", ""))) {
    const set = new Set(src.split("|"));
    return { groups, names, test: (s) => set.has(s), exec: (s) => (set.has(s) ? [s] : null) };
  }
  const m = /^\(([A-Za-z0-9_:/=,@ |-]*)\)$/.exec(src);
  if (m) {
    const set = new Set((m[1] as string).split("|"));
    return { groups, names, test: (s) => set.has(s), exec: (s) => (set.has(s) ? [s, s] : null) };
  }
  const prefix = /^([A-Za-z0-9_:/=,@ -]+)(\(\.\*\)|\.\*)$/.exec(src);
  if (prefix) {
    const p = prefix[1] as string;
    const cap = prefix[2] === "(.*)";
    return {
      groups,
      names,
      test: (s) => s.startsWith(p),
      exec: (s) => (s.startsWith(p) ? (cap ? [s, s.slice(p.length)] : [s]) : null),
    };
  }
  let matcher: ReturnType<RE2JS["matcher"]> | undefined;
  return {
    groups,
    names,
    test: (s) => re.matches(s),
    exec: (s) => {
      matcher = matcher ? matcher.resetMatcherInput(s) : re.matcher(s);
      if (!matcher.matches()) return null;
      const out: (string | undefined)[] = new Array(groups + 1);
      for (let i = 0; i <= groups; i++) {
        const g = matcher.group(i);
        out[i] = g === null ? undefined : g;
      }
      return out;
    },
  };
}

// ---- templates (Go regexp.Expand) ----

/** Literal text or a capture group index; a reference to no group is dropped at compile time. */
type Segment = string | number;

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

function compileTemplate(template: string, m: Matcher): Segment[] {
  const out: Segment[] = [];
  let lit = "";
  let t = template;
  for (;;) {
    const i = t.indexOf("$");
    if (i < 0) break;
    lit += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith("$")) {
      lit += "$";
      t = t.slice(1);
      continue;
    }
    const ex = extract(t);
    if (!ex) {
      lit += "$"; // malformed: the $ is literal text
      continue;
    }
    t = ex.rest;
    let idx = -1;
    if (ex.num >= 0) idx = ex.num <= m.groups ? ex.num : -1;
    else idx = m.names[ex.name] ?? -1;
    if (idx < 0) continue;
    if (lit !== "") out.push(lit);
    lit = "";
    out.push(idx);
  }
  lit += t;
  if (lit !== "") out.push(lit);
  return out;
}

function extract(str: string): { name: string; num: number; rest: string } | null {
  if (str === "") return null;
  let s = str;
  let brace = false;
  if (s[0] === "{") {
    brace = true;
    s = s.slice(1);
  }
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return null;
  const name = s.slice(0, i);
  if (brace) {
    if (i >= s.length || s[i] !== "}") return null;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 48 || c > 57 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 48);
  }
  if (name[0] === "0" && name.length > 1) num = -1;
  return { name, num, rest: s.slice(i) };
}

function expand(segs: readonly Segment[], groups: readonly (string | undefined)[]): string {
  if (segs.length === 1) {
    const s = segs[0] as Segment;
    return typeof s === "string" ? s : (groups[s] ?? "");
  }
  let out = "";
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as Segment;
    out += typeof s === "string" ? s : (groups[s] ?? "");
  }
  return out;
}

// ---- compiled rules ----

/** A validated, compiled relabel rule. Immutable; share it freely. */
export interface RelabelRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: string;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
  /** @internal */
  readonly _m: Matcher;
  /** @internal */
  readonly _target: readonly Segment[];
  /** @internal */
  readonly _repl: readonly Segment[];
  /** @internal replace's fast path (Prometheus): empty source value with the default regex sets the literal target. */
  readonly _fast: boolean;
  /** @internal */
  readonly _scheme: NameValidationScheme;
}

export interface CompileOptions {
  /** Label name validation (default "utf8", as Prometheus 3). */
  nameValidationScheme?: NameValidationScheme;
}

function normAction(a: string | undefined): RelabelAction | "" {
  if (a === undefined) return RELABEL_DEFAULTS.action;
  const l = a.toLowerCase();
  if (l === "") return "";
  if ((RELABEL_ACTIONS as readonly string[]).includes(l)) return l as RelabelAction;
  throw new RelabelConfigError(`unknown relabel action ${JSON.stringify(a)}`);
}

/** Prometheus's Config.Validate, with its messages. Throws RelabelConfigError. */
export function validateRelabelConfig(cfg: RelabelConfig, opts: CompileOptions = {}): void {
  const scheme = opts.nameValidationScheme ?? "utf8";
  const action = normAction(cfg.action);
  const target = cfg.target_label ?? RELABEL_DEFAULTS.target_label;
  const replacement = cfg.replacement ?? RELABEL_DEFAULTS.replacement;
  const fail = (m: string): never => {
    throw new RelabelConfigError(m);
  };
  if (action === "") fail("relabel action cannot be empty");
  const modulus = cfg.modulus ?? 0;
  if (modulus === 0 && action === "hashmod") fail("relabel configuration for hashmod requires non-zero modulus");
  const needsTarget = ["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"].includes(action);
  if (needsTarget && target === "") fail(`relabel configuration for ${action} action requires 'target_label' value`);
  const bad = (what: string, v: string) => fail(`${JSON.stringify(v)} is invalid '${what}' for ${action} action`);
  if (action === "replace") {
    if (target.includes("$") ? !isValidRelabelTarget(target, scheme) : !isValidLabelName(target, scheme))
      bad("target_label", target);
  }
  const caseOrEqual = ["lowercase", "uppercase", "keepequal", "dropequal"].includes(action);
  if (caseOrEqual && !isValidLabelName(target, scheme)) bad("target_label", target);
  if (caseOrEqual && replacement !== RELABEL_DEFAULTS.replacement)
    fail(`'replacement' can not be set for ${action} action`);
  if (action === "labelmap" && !isValidRelabelTarget(replacement, scheme)) bad("replacement", replacement);
  if (action === "hashmod" && !isValidLabelName(target, scheme)) bad("target_label", target);
  if (action === "keepequal" || action === "dropequal") {
    if (
      (cfg.regex ?? RELABEL_DEFAULTS.regex) !== RELABEL_DEFAULTS.regex ||
      modulus !== 0 ||
      (cfg.separator ?? RELABEL_DEFAULTS.separator) !== RELABEL_DEFAULTS.separator ||
      replacement !== RELABEL_DEFAULTS.replacement
    )
      fail(`${action} action requires only 'source_labels' and \`target_label\`, and no other fields`);
  }
  if (action === "labeldrop" || action === "labelkeep") {
    if (
      (cfg.source_labels != null && cfg.source_labels.length > 0) ||
      target !== "" ||
      modulus !== 0 ||
      (cfg.separator ?? RELABEL_DEFAULTS.separator) !== RELABEL_DEFAULTS.separator ||
      replacement !== RELABEL_DEFAULTS.replacement
    )
      fail(`${action} action requires only 'regex', and no other fields`);
  }
}

/** Applies defaults, validates and compiles one rule. Throws RelabelConfigError. */
export function compileRelabelRule(cfg: RelabelConfig, opts: CompileOptions = {}): RelabelRule {
  const scheme = opts.nameValidationScheme ?? "utf8";
  validateRelabelConfig(cfg, opts);
  const regex = cfg.regex ?? RELABEL_DEFAULTS.regex;
  const m = compileRegex(regex);
  const targetLabel = cfg.target_label ?? "";
  const replacement = cfg.replacement ?? RELABEL_DEFAULTS.replacement;
  const modulus = cfg.modulus ?? 0;
  if (!Number.isInteger(modulus) || modulus < 0)
    throw new RelabelConfigError(`modulus must be a non-negative integer, got ${modulus}`);
  const rule: RelabelRule = {
    action: normAction(cfg.action) as RelabelAction,
    sourceLabels: Object.freeze([...(cfg.source_labels ?? [])]),
    separator: cfg.separator ?? RELABEL_DEFAULTS.separator,
    regex,
    modulus,
    targetLabel,
    replacement,
    _m: m,
    _target: compileTemplate(targetLabel, m),
    _repl: compileTemplate(replacement, m),
    _fast: regex === RELABEL_DEFAULTS.regex && !targetLabel.includes("$") && !replacement.includes("$"),
    _scheme: scheme,
  };
  return Object.freeze(rule);
}

/** Compiles a list of rules; an error names the rule (`rule[1]: ...`). */
export function compileRelabelRules(
  cfgs: readonly RelabelConfig[] | undefined | null,
  opts: CompileOptions = {},
): RelabelRule[] {
  const out: RelabelRule[] = [];
  (cfgs ?? []).forEach((c, i) => {
    try {
      out.push(compileRelabelRule(c, opts));
    } catch (e) {
      throw new RelabelConfigError(`rule[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return out;
}

/** The rule as a plain config object (debug info, the `rules` export's display). */
export function relabelRuleToConfig(r: RelabelRule): Required<RelabelConfig> {
  return {
    source_labels: [...r.sourceLabels],
    separator: r.separator,
    regex: r.regex,
    modulus: r.modulus,
    target_label: r.targetLabel,
    replacement: r.replacement,
    action: r.action,
  };
}

// ---- applying rules ----

/** A copy-on-write sorted label set (Prometheus's labels.Builder over flat pairs). */
class Builder {
  base: Labels = [];
  work: string[] | null = null;

  reset(l: Labels): void {
    this.base = l;
    this.work = null;
  }

  private find(arr: Labels, name: string): number {
    let lo = 0;
    let hi = (arr.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = arr[2 * mid] as string;
      if (n === name) return 2 * mid;
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(2 * lo) - 1;
  }

  get(name: string): string {
    const arr = this.work ?? this.base;
    const i = this.find(arr, name);
    return i >= 0 ? (arr[i + 1] as string) : "";
  }

  set(name: string, value: string): void {
    if (value === "") {
      this.del(name);
      return;
    }
    const arr = this.work ?? this.base;
    const i = this.find(arr, name);
    if (i >= 0) {
      if (arr[i + 1] === value) return;
      const w = (this.work ??= this.base.slice());
      w[i + 1] = value;
      return;
    }
    const w = (this.work ??= this.base.slice());
    w.splice(-i - 1, 0, name, value);
  }

  del(name: string): void {
    const arr = this.work ?? this.base;
    const i = this.find(arr, name);
    if (i < 0) return;
    const w = (this.work ??= this.base.slice());
    w.splice(i, 2);
  }

  current(): Labels {
    return this.work ?? this.base;
  }
}

const builder = new Builder();

function sourceValue(b: Builder, r: RelabelRule): string {
  const src = r.sourceLabels;
  if (src.length === 1) return b.get(src[0] as string);
  if (src.length === 0) return "";
  let v = b.get(src[0] as string);
  for (let i = 1; i < src.length; i++) v += r.separator + b.get(src[i] as string);
  return v;
}

/** Prometheus's hashmod: MD5 of the value, last 8 bytes big-endian, modulo `mod`. */
export function hashMod(value: string, mod: number): number {
  const d = createHash("md5").update(value, "utf8").digest();
  const hi = d.readUInt32BE(8);
  const lo = d.readUInt32BE(12);
  if (mod <= 0x200000) return ((hi % mod) * (0x100000000 % mod) + (lo % mod)) % mod;
  return Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(mod));
}

function applyRule(b: Builder, r: RelabelRule): boolean {
  switch (r.action) {
    case "drop":
      return !r._m.test(sourceValue(b, r));
    case "keep":
      return r._m.test(sourceValue(b, r));
    case "dropequal":
      return b.get(r.targetLabel) !== sourceValue(b, r);
    case "keepequal":
      return b.get(r.targetLabel) === sourceValue(b, r);
    case "replace": {
      const val = sourceValue(b, r);
      if (val === "" && r._fast) {
        b.set(r.targetLabel, r.replacement);
        return true;
      }
      const g = r._m.exec(val);
      if (g === null) return true;
      const target = expand(r._target, g);
      if (!isValidLabelName(target, r._scheme)) return true;
      b.set(target, expand(r._repl, g));
      return true;
    }
    case "lowercase":
      b.set(r.targetLabel, sourceValue(b, r).toLowerCase());
      return true;
    case "uppercase":
      b.set(r.targetLabel, sourceValue(b, r).toUpperCase());
      return true;
    case "hashmod":
      b.set(r.targetLabel, String(hashMod(sourceValue(b, r), r.modulus)));
      return true;
    case "labelmap": {
      // Iterate over the labels as they were before this rule (Prometheus's Builder.Range).
      const snap = b.work ? b.work.slice() : b.base;
      for (let i = 0; i < snap.length; i += 2) {
        const name = snap[i] as string;
        const g = r._m.exec(name);
        if (g !== null) b.set(expand(r._repl, g), snap[i + 1] as string);
      }
      return true;
    }
    case "labeldrop":
    case "labelkeep": {
      const keep = r.action === "labelkeep";
      // Backwards: deleting a label never moves the ones not yet visited.
      const snap = b.current();
      for (let i = snap.length - 2; i >= 0; i -= 2) {
        const name = snap[i] as string;
        if (r._m.test(name) !== keep) b.del(name);
      }
      return true;
    }
  }
}

/**
 * Applies the rules in order (Prometheus's relabel.Process). Returns the resulting
 * labels, the input array itself when nothing changed, or null when a rule dropped
 * the set. The result may be empty.
 */
export function relabelLabels(labels: Labels, rules: readonly RelabelRule[]): Labels | null {
  if (rules.length === 0) return labels;
  const b = builder;
  b.reset(labels);
  for (let i = 0; i < rules.length; i++) {
    if (!applyRule(b, rules[i] as RelabelRule)) {
      b.reset([]);
      return null;
    }
  }
  const out = b.current();
  b.reset([]);
  return out;
}

/** Relabels a target given as an object (discovery); null when dropped. */
export function relabelObject(
  target: Record<string, string>,
  rules: readonly RelabelRule[],
): Record<string, string> | null {
  const pairs: string[] = [];
  for (const k of Object.keys(target).sort()) {
    const v = target[k] as string;
    if (v !== "") pairs.push(k, v);
  }
  const out = relabelLabels(pairs, rules);
  if (out === null) return null;
  const o: Record<string, string> = {};
  for (let i = 0; i < out.length; i += 2) o[out[i] as string] = out[i + 1] as string;
  return o;
}

// ---- Alloy `rule` blocks ----

/** Capsule type name of the `rules` export (Alloy's relabel.Rules). */
export const CAPSULE_RELABEL_RULES = "RelabelRules";

/** JSON Schema of one Alloy `rule` block (the items of RELABEL_RULE_BLOCK_SCHEMA). */
export const RELABEL_RULE_SCHEMA = Object.freeze({
  type: "object",
  properties: {
    source_labels: {
      type: "array",
      items: { type: "string" },
      description: "The list of labels whose values are to be selected.",
    },
    separator: {
      type: "string",
      default: ";",
      description: "The separator used to concatenate the values present in source_labels.",
    },
    regex: {
      type: "string",
      default: "(.*)",
      description: "A valid RE2 expression with support for parenthesized capture groups.",
    },
    modulus: {
      type: "integer",
      minimum: 0,
      default: 0,
      description: "A positive integer used to calculate the modulus of the hashed source label values.",
    },
    target_label: {
      type: "string",
      default: "",
      description: "Label to which the resulting value will be written to.",
    },
    replacement: {
      type: "string",
      default: "$1",
      description: "The value against which a regex replace is performed, if the regex matches.",
    },
    action: { type: "string", default: "replace", description: "The relabeling action to perform." },
  },
  additionalProperties: false,
});

/** JSON Schema of the repeated `rule` block property, for a component's arguments schema. */
export const RELABEL_RULE_BLOCK_SCHEMA = Object.freeze({
  "x-alloy-block": true,
  type: "array",
  items: RELABEL_RULE_SCHEMA,
  description: "Relabeling rules to apply, in order.",
});

/** Decoded `rule` block arguments. */
export type RelabelRuleArguments = RelabelConfig;

/**
 * Compiles decoded `rule` blocks. Alloy's unknown-action message is used; other
 * errors are Prometheus's validation messages, prefixed with the block (`rule[1]: ...`).
 */
export function rulesFromArguments(
  rules: readonly RelabelRuleArguments[] | undefined,
  opts: CompileOptions = {},
): RelabelRule[] {
  const list = rules ?? [];
  list.forEach((r, i) => {
    if (r.action !== undefined && !(RELABEL_ACTIONS as readonly string[]).includes(r.action.toLowerCase()))
      throw new RelabelConfigError(`rule[${i}]: unrecognized action type ${JSON.stringify(r.action)}`);
  });
  return compileRelabelRules(list, opts);
}
