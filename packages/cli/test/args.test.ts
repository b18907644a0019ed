import assert from "node:assert/strict";
import { test } from "node:test";
import { type FlagSpec, flagsHelp, parseArgs, UsageError } from "../src/args.js";

const specs: FlagSpec[] = [
  { name: "write", short: "w", type: "bool", usage: "write" },
  { name: "test", short: "t", type: "bool", usage: "test" },
  { name: "level", short: "l", type: "string", usage: "level", valueName: "LEVEL", default: "info" },
];

const ok: [string[], Record<string, string | boolean>, string[]][] = [
  [[], {}, []],
  [["-w", "f"], { write: true }, ["f"]],
  [["f", "--write"], { write: true }, ["f"]],
  [["-wt"], { write: true, test: true }, []],
  [["--write=false", "-t=true"], { write: false, test: true }, []],
  [["--write=0", "--test=T"], { write: false, test: true }, []],
  [["-"], {}, ["-"]],
  [["--", "-w", "--x"], {}, ["-w", "--x"]],
  [["--level", "debug", "a"], { level: "debug" }, ["a"]],
  [["--level=warn"], { level: "warn" }, []],
  [["-l", "error"], { level: "error" }, []],
  [["-lerror"], { level: "error" }, []],
  [["-wl", "x"], { write: true, level: "x" }, []],
  [["--level="], { level: "" }, []],
];

for (const [argv, flags, positionals] of ok) {
  test(`parseArgs ${JSON.stringify(argv)}`, () => {
    const got = parseArgs(argv, specs);
    assert.deepEqual(Object.fromEntries(got.flags), flags);
    assert.deepEqual(got.positionals, positionals);
  });
}

const bad: [string[], string][] = [
  [["--nope"], "unknown flag: --nope"],
  [["-x"], "unknown shorthand flag: 'x' in -x"],
  [["-wx"], "unknown shorthand flag: 'x' in -wx"],
  [["--level"], "flag needs an argument: --level"],
  [["-l"], "flag needs an argument: 'l' in -l"],
  [["--write=yes"], 'invalid argument "yes" for "-w, --write" flag: strconv.ParseBool: parsing "yes": invalid syntax'],
];

for (const [argv, message] of bad) {
  test(`parseArgs rejects ${JSON.stringify(argv)}`, () => {
    assert.throws(
      () => parseArgs(argv, specs),
      (e: unknown) => e instanceof UsageError && e.message === message,
    );
  });
}

test("flagsHelp aligns the descriptions", () => {
  assert.equal(
    flagsHelp(specs),
    [
      "  -w, --write         write",
      "  -t, --test          test",
      '  -l, --level LEVEL   level (default "info")',
      "",
    ].join("\n"),
  );
});

test("string-slice flags repeat and split on commas", () => {
  const slice: FlagSpec[] = [{ name: "plugins.path", type: "stringSlice", usage: "dirs" }, ...specs];
  assert.deepEqual(parseArgs(["--plugins.path", "a,b", "x", "--plugins.path=c", "-w"], slice), {
    flags: new Map<string, string | boolean | string[]>([
      ["plugins.path", ["a", "b", "c"]],
      ["write", true],
    ]),
    positionals: ["x"],
  });
  assert.deepEqual(parseArgs(["--plugins.path="], slice).flags.get("plugins.path"), []);
  assert.throws(() => parseArgs(["--plugins.path"], slice), /^UsageError: flag needs an argument: --plugins.path$/);
  assert.match(flagsHelp(slice), /^ {6}--plugins\.path strings +dirs$/m);
});
