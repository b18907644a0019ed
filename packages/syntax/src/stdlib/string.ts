// The string namespace: Go's strings functions and fmt.Sprintf.

import { makeFunction, type Value } from "../value.js";
import { sprintf } from "./format.js";
import { argString, argStringArray } from "./util.js";

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Go's strings.ToLower: simple per-rune case mapping (no special casing). */
export function goToLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    if (ch === "\u0130") {
      out += "i";
      continue;
    }
    const l = ch.toLowerCase();
    out += l.length === ch.length || [...l].length === 1 ? l : ch;
  }
  return out;
}

/** Go's strings.ToUpper: simple per-rune case mapping (no special casing). */
export function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = "";
  for (const ch of s) {
    if (ch === "\u0131") {
      out += "I";
      continue;
    }
    const u = ch.toUpperCase();
    out += [...u].length === 1 ? u : ch;
  }
  return out;
}

/** Go's unicode.IsSpace. */
export function isGoSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return cp >= 0x2000 && cp <= 0x200a;
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end) {
    const cp = s.codePointAt(start) as number;
    if (!isGoSpace(cp)) break;
    start += cp > 0xffff ? 2 : 1;
  }
  while (end > start) {
    const cp = s.charCodeAt(end - 1);
    if (!isGoSpace(cp)) break;
    end--;
  }
  return s.slice(start, end);
}

/** Go's strings.Trim: removes leading and trailing runes contained in cutset. */
export function goTrim(s: string, cutset: string): string {
  if (s === "" || cutset === "") return s;
  const set = new Set<string>();
  for (const ch of cutset) set.add(ch);
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start] as string)) start++;
  while (end > start && set.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join("");
}

/** Go's strings.Split. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === "") return Array.from(s);
  return s.split(sep);
}

/** Go's strings.ReplaceAll. */
export function goReplaceAll(s: string, old: string, repl: string): string {
  if (old === repl) return s;
  if (old === "") {
    let out = repl;
    for (const ch of s) out += ch + repl;
    return out;
  }
  return s.split(old).join(repl);
}

export function makeStringFunctions(prefix: string): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set(
    "format",
    makeFunction(`${prefix}format`, 1, -1, (args) => sprintf(argString(args, 0), args.slice(1))),
  );
  m.set(
    "join",
    makeFunction(`${prefix}join`, 2, 2, (args) => {
      const elems = argStringArray(args, 0);
      return elems.join(argString(args, 1));
    }),
  );
  m.set(
    "replace",
    makeFunction(`${prefix}replace`, 3, 3, (args) =>
      goReplaceAll(argString(args, 0), argString(args, 1), argString(args, 2)),
    ),
  );
  m.set(
    "split",
    makeFunction(`${prefix}split`, 2, 2, (args) => goSplit(argString(args, 0), argString(args, 1))),
  );
  m.set(
    "to_lower",
    makeFunction(`${prefix}to_lower`, 1, 1, (args) => goToLower(argString(args, 0))),
  );
  m.set(
    "to_upper",
    makeFunction(`${prefix}to_upper`, 1, 1, (args) => goToUpper(argString(args, 0))),
  );
  m.set(
    "trim",
    makeFunction(`${prefix}trim`, 2, 2, (args) => goTrim(argString(args, 0), argString(args, 1))),
  );
  m.set(
    "trim_prefix",
    makeFunction(`${prefix}trim_prefix`, 2, 2, (args) => {
      const s = argString(args, 0);
      const p = argString(args, 1);
      return p !== "" && s.startsWith(p) ? s.slice(p.length) : s;
    }),
  );
  m.set(
    "trim_suffix",
    makeFunction(`${prefix}trim_suffix`, 2, 2, (args) => {
      const s = argString(args, 0);
      const p = argString(args, 1);
      return p !== "" && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
    }),
  );
  m.set(
    "trim_space",
    makeFunction(`${prefix}trim_space`, 1, 1, (args) => goTrimSpace(argString(args, 0))),
  );
  return m;
}
