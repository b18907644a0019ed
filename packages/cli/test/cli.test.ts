// End-to-end tests of the bundled `ingot` command: each test spawns
// `node packages/cli/bin/ingot.js ...` and checks stdout, stderr and the exit status.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { conformancePath, readTxtar, repoRoot } from "@ingot/testkit";
import { ensureBundle } from "./bundle.js";

const cliDir = join(repoRoot, "packages", "cli");
const bin = join(cliDir, "bin", "ingot.js");

before(() => ensureBundle());

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ingot(args: string[], opts: { input?: string; cwd?: string } = {}): Result {
  const r = spawnSync(process.execPath, [bin, ...args], {
    input: opts.input ?? "",
    cwd: opts.cwd ?? repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ingot-cli-"));
}

const unformatted = 'logging {\nlevel = "debug"\n  format   = "logfmt"\n}\n';
const formatted = 'logging {\n\tlevel  = "debug"\n\tformat = "logfmt"\n}\n';

// ---- fmt -------------------------------------------------------------------------

test("fmt reads stdin (no argument, or -) and writes the formatted text to stdout", () => {
  for (const args of [["fmt"], ["fmt", "-"], ["format", "-"]]) {
    const r = ingot(args, { input: unformatted });
    assert.deepEqual(r, { code: 0, stdout: formatted, stderr: "" }, args.join(" "));
  }
});

test("fmt FILE prints the formatted file and leaves it alone", () => {
  const dir = tempDir();
  const f = join(dir, "c.alloy");
  writeFileSync(f, unformatted);
  assert.deepEqual(ingot(["fmt", f]), { code: 0, stdout: formatted, stderr: "" });
  assert.equal(readFileSync(f, "utf8"), unformatted);
});

test("fmt -w / --write rewrites the file, and does not touch a formatted one", () => {
  const dir = tempDir();
  for (const flag of ["-w", "--write", "--write=true"]) {
    const f = join(dir, "c.alloy");
    writeFileSync(f, unformatted);
    assert.deepEqual(ingot(["fmt", flag, f]), { code: 0, stdout: "", stderr: "" }, flag);
    assert.equal(readFileSync(f, "utf8"), formatted);
  }
  // Already formatted and read-only: no write is attempted, so no error.
  const ro = join(dir, "ro.alloy");
  writeFileSync(ro, formatted);
  chmodSync(ro, 0o400);
  // Flags may come after the file, as with pflag.
  assert.deepEqual(ingot(["fmt", ro, "-w"]), { code: 0, stdout: "", stderr: "" });
  chmodSync(ro, 0o600);
});

test("fmt -t / --test reports files that are not formatted", () => {
  const dir = tempDir();
  const f = join(dir, "c.alloy");
  writeFileSync(f, unformatted);
  assert.deepEqual(ingot(["fmt", "-t", f]), {
    code: 1,
    stdout: "",
    stderr: `Error: file ${f} is not formatted correctly\n`,
  });
  assert.equal(readFileSync(f, "utf8"), unformatted);
  writeFileSync(f, formatted);
  assert.deepEqual(ingot(["fmt", "--test", f]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(ingot(["fmt", "-t"], { input: unformatted }), {
    code: 1,
    stdout: "",
    stderr: "Error: file <stdin> is not formatted correctly\n",
  });
  assert.deepEqual(ingot(["fmt", "-t", "-"], { input: formatted }), { code: 0, stdout: "", stderr: "" });
});

test("fmt errors: flags, arguments, directories, missing files", () => {
  const dir = tempDir();
  const f = join(dir, "c.alloy");
  writeFileSync(f, formatted);
  const cases: [string[], string][] = [
    [["fmt", "-w", "-t", f], "Error: cannot use -w/--write and -t/--test at the same time\n"],
    [["fmt", "-wt", f], "Error: cannot use -w/--write and -t/--test at the same time\n"],
    [["fmt", "-w"], "Error: cannot use -w with standard input\n"],
    [["fmt", "-w", "-"], "Error: cannot use -w with standard input\n"],
    [["fmt", dir], "Error: cannot format a directory\n"],
    [["fmt", join(dir, "nope.alloy")], `Error: stat ${join(dir, "nope.alloy")}: no such file or directory\n`],
    [["fmt", f, f], "Error: accepts between 0 and 1 arg(s), received 2\n"],
    [["fmt", "-x", f], "Error: unknown shorthand flag: 'x' in -x\n"],
    [["fmt", "--wrte", f], "Error: unknown flag: --wrte\n"],
    [
      ["fmt", "--write=maybe", f],
      'Error: invalid argument "maybe" for "-w, --write" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n',
    ],
  ];
  for (const [args, stderr] of cases) {
    assert.deepEqual(ingot(args, { input: formatted }), { code: 1, stdout: "", stderr }, args.join(" "));
  }
});

test("fmt with syntax errors prints them and leaves the file alone", () => {
  const r = ingot(["fmt"], { input: 'a = "x\nb = 1\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.match(lines[0] as string, /^<stdin>:1:5: string literal not terminated$/);
  assert.equal(lines.at(-1), "Error: encountered errors during formatting");

  const dir = tempDir();
  const f = join(dir, "bad.alloy");
  writeFileSync(f, "block {\n  a = \n}\n");
  const w = ingot(["fmt", "-w", f]);
  assert.equal(w.code, 1);
  assert.match(w.stderr, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `));
  assert.ok(w.stderr.endsWith("Error: encountered errors during formatting\n"));
  assert.equal(readFileSync(f, "utf8"), "block {\n  a = \n}\n");
});

test("fmt output equals the upstream printer golden files", () => {
  const dir = conformancePath("alloy", "syntax", "printer", "testdata");
  const names = readdirSync(dir).filter((n) => n.endsWith(".in"));
  let checked = 0;
  for (const name of names) {
    const base = name.slice(0, -3);
    let expect: string;
    try {
      expect = readFileSync(join(dir, `${base}.expect`), "utf8");
    } catch {
      continue; // an error case (.error): covered by the printer's own tests
    }
    const r = ingot(["fmt", join(dir, name)]);
    assert.equal(r.stderr, "", base);
    assert.equal(r.code, 0, base);
    // Upstream trims trailing whitespace from .expect; alloy fmt adds one newline.
    assert.equal(r.stdout, `${expect.trimEnd()}\n`, base);
    checked++;
  }
  assert.equal(checked, 9);
});

// ---- validate --------------------------------------------------------------------

function writeTxtar(path: string): string {
  const dir = tempDir();
  for (const f of readTxtar(path).files) {
    mkdirSync(join(dir, f.name, ".."), { recursive: true });
    writeFileSync(join(dir, f.name), f.data);
  }
  return dir;
}

const validatorData = (name: string) => conformancePath("alloy", "internal", "validator", "testdata", "default", name);

test("validate DIR reproduces Alloy's report for syntax_errors (byte-exact)", () => {
  const dir = writeTxtar(validatorData("syntax_errors.txtar"));
  const want = readFileSync(validatorData("syntax_errors.diags"), "utf8").replace(/\r\n/g, "\n");
  const r = ingot(["validate", "."], { cwd: dir });
  assert.equal(r.stderr, `${want}Error: validation failed\n`);
  assert.equal(r.stdout, "\n");
  assert.equal(r.code, 1);
});

test("validate DIR names each file by its path inside DIR", () => {
  const dir = writeTxtar(validatorData("syntax_errors.txtar"));
  const r = ingot(["validate", dir]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.startsWith(`Error: ${join(dir, "main.alloy")}:2:18: string literal not terminated\n`));
  assert.ok(r.stderr.includes(`Error: ${join(dir, "secondary.alloy")}:3:59: missing ',' in expression list\n`));
});

test("validate reproduces Alloy's report for stdlib.txtar (warnings only; declare is a custom component)", () => {
  const dir = writeTxtar(validatorData("stdlib.txtar"));
  const want = readFileSync(validatorData("stdlib.diags"), "utf8").replace(/\r\n/g, "\n");
  // Both warnings: a component shadowing a stdlib name, and a deprecated stdlib function.
  assert.match(want, /^Warning: main\.alloy:11:13: a component is shadowing an existing stdlib name$/m);
  assert.match(want, /^Warning: main\.alloy:15:13: this stdlib function is deprecated/m);
  const r = ingot(["validate", "main.alloy"], { cwd: dir });
  // Alloy's report byte for byte: `declare "sys"` and its instance `sys "sys"` are valid.
  assert.equal(r.stderr, want);
  assert.equal(r.stdout, "\n");
  assert.equal(r.code, 0);
});

test("validate: valid config, directory filtering, argument errors", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "a.alloy"), formatted);
  writeFileSync(join(dir, "notes.txt"), "this is not alloy {{{");
  mkdirSync(join(dir, "sub.alloy"));
  writeFileSync(join(dir, "sub.alloy", "x.alloy"), "broken {{{");
  assert.deepEqual(ingot(["validate", dir]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(ingot(["validate", join(dir, "a.alloy")]), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(ingot(["validate"]), { code: 1, stdout: "", stderr: "Error: accepts 1 arg(s), received 0\n" });
  assert.deepEqual(ingot(["validate", "a", "b"]), {
    code: 1,
    stdout: "",
    stderr: "Error: accepts 1 arg(s), received 2\n",
  });
  assert.deepEqual(ingot(["validate", join(dir, "missing")]), {
    code: 1,
    stdout: "",
    stderr: `Error: stat ${join(dir, "missing")}: no such file or directory\n`,
  });
});

test("validate: a single file with an error shows its path and an excerpt", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "one.alloy"), 'a = 1\nb = "x" +\n');
  const r = ingot(["validate", "one.alloy"], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: one\.alloy:\d+:\d+: /);
  assert.match(r.stderr, /\n2 \| b = "x" \+\n/);
  assert.ok(r.stderr.endsWith("\nError: validation failed\n"));
});

// ---- help, version, dispatch -------------------------------------------------------

test("help and version", () => {
  for (const args of [[], ["--help"], ["-h"], ["help"]]) {
    const r = ingot(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /^Usage:\n {2}ingot \[global options\] <subcommand>$/m);
    for (const c of ["fmt", "validate", "run", "help"]) assert.match(r.stdout, new RegExp(`^ {2}${c} +\\S`, "m"));
  }
  for (const args of [
    ["fmt", "--help"],
    ["help", "fmt"],
    ["format", "-h"],
  ]) {
    const r = ingot(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /^ {2}ingot fmt \[flags\] file$/m);
    assert.match(r.stdout, /^ {2}-w, --write +write result to \(source\) file instead of stdout$/m);
    assert.match(r.stdout, /^ {2}-t, --test +exit with non-zero/m);
  }
  const pkg = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")) as { version: string };
  for (const flag of ["--version", "-v"]) {
    const v = ingot([flag]);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.split("\n")[0], `ingot, version v${pkg.version}`);
  }
});

test("unknown commands fail with status 1; run and plugins have help", () => {
  assert.deepEqual(ingot(["frobnicate"]), {
    code: 1,
    stdout: "",
    stderr: 'Error: unknown command "frobnicate" for "ingot"\nRun \'ingot --help\' for usage.\n',
  });
  assert.deepEqual(ingot(["--bogus"]), { code: 1, stdout: "", stderr: "Error: unknown flag: --bogus\n" });
  const run = ingot(["run", "--help"]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^ {2}ingot run \[flags\] \[path\]$/m);
  assert.match(run.stdout, /^ {6}--server\.http\.listen-addr string +.*\(default "127\.0\.0\.1:12345"\)$/m);
  assert.match(run.stdout, /^ {6}--storage\.path string +.*\(default "data-ingot\/"\)$/m);
  assert.match(run.stdout, /^ {6}--stability\.level string +.*\(default "generally-available"\)$/m);
  assert.match(run.stdout, /^ {6}--plugins\.path strings +/m);
  const plugins = ingot(["help", "plugins"]);
  assert.match(
    plugins.stdout,
    /^ {2}ingot plugins \(list \| install NAME\[@RANGE\] \| remove NAME \| new NAME\) \[flags\]$/m,
  );
});

test("fmt output into a closed pipe ends quietly", () => {
  const dir = tempDir();
  const f = join(dir, "big.alloy");
  writeFileSync(f, Array.from({ length: 20000 }, (_, i) => `b "x${i}" {\n  a = ${i}\n}\n`).join("\n"));
  const err = join(dir, "err.txt");
  const r = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" fmt "${f}" 2>"${err}" | head -n 1`], {
    encoding: "utf8",
  });
  assert.equal(r.stdout, 'b "x0" {\n');
  assert.equal(readFileSync(err, "utf8"), "");
});
