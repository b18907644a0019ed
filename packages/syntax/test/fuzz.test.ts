// Fuzz test: random and mutated inputs through the parser, the checker and the
// formatter, within a fixed time budget. Properties:
//   - parseFile never throws and returns within a time bound;
//   - checkFile (on inputs that parse cleanly) never throws anything but diagnostics;
//   - format() of an input that parses cleanly succeeds, its output re-parses cleanly,
//     and formatting reaches a fixed point (see the comment in the loop).
// The PRNG seed is fixed (reproducible in CI); set INGOT_FUZZ_SEED=<n> to replay a
// failure or INGOT_FUZZ_SEED=random to explore, and INGOT_FUZZ_MS to change the budget.
// Every failure message starts with the seed and the case number.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { conformancePath, parseTxtar } from "@ingot/testkit";
import { generateConfig, prng } from "../bench/gen-config.js";
import { type Body, type Expr, endPos, type File, startPos } from "../src/ast.js";
import { checkFile } from "../src/check.js";
import { DiagnosticsError, hasErrors } from "../src/diag.js";
import { parseFile } from "../src/parser.js";
import { format } from "../src/printer/index.js";

const seedEnv = process.env.INGOT_FUZZ_SEED;
const seed = seedEnv === "random" ? (Math.random() * 2 ** 32) >>> 0 : seedEnv ? Number(seedEnv) >>> 0 : 20260821;
const budgetMs = Number(process.env.INGOT_FUZZ_MS ?? 8000);
/** Per-input bound for parseFile; generous so a slow CI machine does not flake, far below a hang. */
const parseBoundMs = 2000;
const maxInput = 48 * 1024;

function walk(dir: string, acc: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, acc);
    else acc.push(p);
  }
  return acc;
}

/** Seeds: every .alloy file, printer input, validator/runtime txtar section of the conformance data. */
function corpus(): string[] {
  const root = conformancePath("alloy");
  const out: string[] = [];
  for (const p of walk(root, [])) {
    if (p.endsWith(".alloy") || p.endsWith(".in") || p.endsWith(".expect")) {
      out.push(readFileSync(p, "utf8"));
    } else if (p.endsWith(".txtar")) {
      for (const f of parseTxtar(readFileSync(p, "utf8")).files) if (f.name.endsWith(".alloy")) out.push(f.data);
    }
  }
  // The upstream fuzz corpus entries (Go []byte literals) as plain text.
  out.push("A0000000000000000", 'A={A!0A"', 'A"');
  for (let s = 1; s <= 4; s++) out.push(generateConfig(12, s).text);
  return out.filter((t) => t.length <= maxInput);
}

const tokens = [
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  ",",
  ".",
  "=",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "&&",
  "||",
  "!",
  ";",
  "\n",
  "\r\n",
  " ",
  "\t",
  "ident",
  "a.b.c",
  "block",
  '"label"',
  '"str\\n\\u00e9"',
  '"',
  "`raw\nstring`",
  "`",
  "'x'",
  "0",
  "1.5e3",
  "0x1f",
  "017",
  "9223372036854775808",
  "18446744073709551616",
  "1e400",
  "true",
  "false",
  "null",
  "// comment\n",
  "/* block */",
  "/*",
  "*/",
  "é",
  "😀",
  "\u0000",
  "\uFEFF",
  "\\",
  'sys.env("HOME")',
  'env("X")',
  "concat([1], [2])",
  'string.format("%d", 1)',
  'json_decode("{}")',
  'encoding.from_base64("aGk=")',
  "coalesce(null, 1)",
  "[1, 2][5]",
  "{a = 1}.b",
  "1 / 0",
  '"a" + 1',
  '-"x"',
];

type Mutator = (r: () => number, s: string) => string;

const rint = (r: () => number, n: number) => Math.floor(r() * n);
const randTok = (r: () => number) => tokens[rint(r, tokens.length)] as string;

const mutators: [string, Mutator][] = [
  [
    "flip",
    (r, s) => {
      if (!s) return randTok(r);
      const i = rint(r, s.length);
      const c = r() < 0.5 ? String.fromCharCode(rint(r, 128)) : (randTok(r)[0] ?? "x");
      return s.slice(0, i) + c + s.slice(i + 1);
    },
  ],
  [
    "insert",
    (r, s) => {
      const i = rint(r, s.length + 1);
      return s.slice(0, i) + randTok(r) + s.slice(i);
    },
  ],
  [
    "delete",
    (r, s) => {
      const i = rint(r, s.length + 1);
      return s.slice(0, i) + s.slice(i + 1 + rint(r, 16));
    },
  ],
  ["truncate", (r, s) => s.slice(0, rint(r, s.length + 1))],
  [
    "duplicate",
    (r, s) => {
      const i = rint(r, s.length + 1);
      const j = Math.min(s.length, i + rint(r, 200));
      return s.slice(0, j) + s.slice(i, j) + s.slice(j);
    },
  ],
  [
    "swap",
    (r, s) => {
      const a = rint(r, s.length + 1);
      const b = rint(r, s.length + 1);
      const [i, j] = a < b ? [a, b] : [b, a];
      const k = rint(r, j - i + 1) + i;
      return s.slice(0, i) + s.slice(k, j) + s.slice(i, k) + s.slice(j);
    },
  ],
  [
    "soup",
    (r) => {
      const n = 1 + rint(r, 60);
      let t = "";
      for (let i = 0; i < n; i++) t += (r() < 0.7 ? " " : "") + randTok(r);
      return t;
    },
  ],
];

interface Case {
  input: string;
  how: string;
}

function makeCase(r: () => number, seeds: readonly string[], i: number): Case {
  // First every seed as it is, then mutations of 1-4 steps.
  if (i < seeds.length) return { input: seeds[i] as string, how: `seed #${i}` };
  let input = seeds[rint(r, seeds.length)] as string;
  const steps: string[] = [];
  const n = 1 + rint(r, 4);
  for (let k = 0; k < n; k++) {
    const [name, m] = mutators[rint(r, mutators.length)] as [string, Mutator];
    input = m(r, input).slice(0, maxInput);
    steps.push(name);
  }
  return { input, how: steps.join("+") };
}

/**
 * Why Alloy's printer (faithfully reproduced) may not give a re-parsable fixed point for
 * this input, or undefined. Upstream quirks:
 *   - a raw form feed is a line break to Go's tabwriter: inside a string literal it
 *     splits the string, inside a comment it shifts the printer's line tracking;
 *   - a quoted object key is kept raw ("a\\tb" stays escaped) and re-quoted with %q, so
 *     a key with a backslash or a control character gains escapes on every pass;
 *   - a comment between the tokens of an expression, of a block header or of an
 *     attribute (`a./* c *\/b`, `x = // c`) is placed by estimated positions: it moves
 *     on each pass, and a line comment can swallow the tokens after it.
 */
function printerQuirk(input: string, file: File): string | undefined {
  if (input.includes("\f")) return "form feed";
  const spans: [number, number][] = [];
  let badKey = false;
  const expr = (e: Expr): void => {
    switch (e.kind) {
      case "Array":
        for (const x of e.elements) expr(x);
        return;
      case "Object":
        for (const f of e.fields) {
          if (f.quoted && /[\\\x00-\x1f\x7f]/.test(f.name.name)) badKey = true;
          spans.push([f.name.pos, startPos(f.value)]);
          expr(f.value);
        }
        return;
      case "Call":
        spans.push([startPos(e), e.lparen]);
        for (const x of e.args) expr(x);
        return;
      case "Access":
      case "Index":
      case "Unary":
      case "Binary":
      case "Paren":
        spans.push([startPos(e), endPos(e)]);
        return;
      default:
        return;
    }
  };
  const body = (b: Body): void => {
    for (const st of b) {
      if (st.kind === "Attribute") {
        spans.push([st.name.pos, startPos(st.value)]);
        expr(st.value);
      } else {
        spans.push([st.namePos, st.lcurly]);
        body(st.body);
      }
    }
  };
  body(file.body);
  if (badKey) return "escaped object key";
  for (const group of file.comments) {
    for (const c of group) {
      if (spans.some(([a, b]) => c.pos > a && c.pos < b)) return "comment inside an expression";
    }
  }
  return undefined;
}

test("fuzz: parse, check and format never crash, and formatting is stable", { timeout: 120_000 }, () => {
  const seeds = corpus();
  assert.ok(seeds.length > 150, `expected the conformance corpus, got ${seeds.length} inputs`);
  const r = prng(seed);
  const start = performance.now();
  let cases = 0;
  let clean = 0;
  let twoPass = 0;
  const quirks = new Map<string, number>();
  for (let i = 0; performance.now() - start < budgetMs || i < seeds.length; i++) {
    const c = makeCase(r, seeds, i);
    const where = () =>
      `seed ${seed} (INGOT_FUZZ_SEED=${seed}), case ${i} (${c.how}), input ${JSON.stringify(c.input.slice(0, 300))}`;
    cases++;

    let parsed: ReturnType<typeof parseFile>;
    const t0 = performance.now();
    try {
      parsed = parseFile("fuzz.alloy", c.input);
    } catch (err) {
      assert.fail(`parseFile threw ${(err as Error)?.stack ?? err}\n${where()}`);
    }
    const dt = performance.now() - t0;
    assert.ok(dt < parseBoundMs, `parseFile took ${dt.toFixed(0)} ms\n${where()}`);
    assert.ok(Array.isArray(parsed.diagnostics), where());
    if (hasErrors(parsed.diagnostics)) continue;
    clean++;

    try {
      const diags = checkFile(parsed.file);
      assert.ok(Array.isArray(diags), `checkFile returned ${typeof diags}\n${where()}`);
    } catch (err) {
      if (!(err instanceof DiagnosticsError)) {
        assert.fail(`checkFile threw a non-diagnostic error: ${(err as Error)?.stack ?? err}\n${where()}`);
      }
    }

    let out: string | undefined;
    try {
      const f = format(c.input, "fuzz.alloy");
      assert.ok(!hasErrors(f.diagnostics), `format reported errors on clean input\n${where()}`);
      out = f.output;
    } catch (err) {
      assert.fail(`format threw ${(err as Error)?.stack ?? err}\n${where()}`);
    }
    assert.equal(typeof out, "string", `format gave no output for a clean parse\n${where()}`);
    const quirk = printerQuirk(c.input, parsed.file);
    if (quirk) {
      quirks.set(quirk, (quirks.get(quirk) ?? 0) + 1);
      continue;
    }
    const reparsed = parseFile("fuzz.alloy", out as string);
    assert.deepEqual(
      reparsed.diagnostics.map((d) => `${d.start.line}:${d.start.column}: ${d.message}`),
      [],
      `formatted output does not re-parse cleanly\n${where()}\noutput ${JSON.stringify(out)}`,
    );
    // Alloy's printer is idempotent except where the source layout feeds its decisions:
    // a statement spanning several lines starts a new alignment run, so once formatting
    // joins its lines (`a =\n 1`, a binary operator's right side on the next line) the
    // second pass aligns it with its neighbours. Upstream behaves the same. Require a
    // fixed point after at most two passes, and count the inputs that needed two.
    const again = format(out as string, "fuzz.alloy").output;
    if (again !== out) {
      twoPass++;
      const third = format(again as string, "fuzz.alloy").output;
      assert.equal(
        third,
        again,
        `format does not settle after two passes\n${where()}\nfirst pass ${JSON.stringify(out)}`,
      );
    }
  }
  // Enough work was done for the run to mean something.
  assert.ok(cases >= seeds.length + 100, `only ${cases} cases ran`);
  assert.ok(clean > seeds.length / 2, `only ${clean} inputs parsed cleanly`);
  console.log(
    `fuzz: seed ${seed}, ${cases} cases (${clean} parsed cleanly, ${twoPass} needed two format passes; not checked for upstream printer quirks: ${JSON.stringify(Object.fromEntries(quirks))}) in ${(performance.now() - start).toFixed(0)} ms`,
  );
});
