// `ingot run` with the embedded default configuration, startup failures, and the
// `plugins list` and `validate` commands against the real runtime.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { repoRoot } from "@ingot/testkit";
import { ensureBundle } from "./bundle.js";
import { bin, eventually, httpGet, startIngot } from "./ingot-process.js";

before(() => ensureBundle());

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ingot-cli-run-"));
}

function ingot(args: string[], cwd = repoRoot): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("npm start runs `ingot run` on the embedded default configuration", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.start, "npm run build --silent && node packages/cli/bin/ingot.js run");
});

test("run without a path serves /-/ready with the default configuration; SIGINT exits 0", async () => {
  const dir = tempDir();
  const started = Date.now();
  const ingot = await startIngot(
    ["run", "--server.http.listen-addr", "127.0.0.1:0", "--storage.path", join(dir, "d")],
    {
      cwd: dir,
    },
  );
  await eventually(async () => (await httpGet(`${ingot.base}/-/ready`)).status === 200);
  // Generous bound for a loaded machine; docs/benchmarks.md has the measured time.
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms to become ready`);
  const list = JSON.parse((await httpGet(`${ingot.base}/api/v0/web/components`)).body) as { localID: string }[];
  assert.deepEqual(list.map((c) => c.localID).sort(), [
    "local.file.hosts",
    "local.file_match.system_logs",
    "prometheus.exporter.self.ingot",
    "prometheus.exporter.unix.host",
    "prometheus.remote_write.default",
    "prometheus.scrape.default",
  ]);
  // The default pipeline scrapes the host and Ingot itself: both targets show in the
  // scrape component's debug info once their first scrape ran.
  const scrape = await eventually(async () => {
    const c = JSON.parse((await httpGet(`${ingot.base}/api/v0/web/components/prometheus.scrape.default`)).body) as {
      debugInfo?: { target?: { job: string; health: string }[] };
    };
    const targets = c.debugInfo?.target ?? [];
    return targets.length === 2 && targets.every((t) => t.health === "up") ? targets : undefined;
  }, 20_000);
  assert.deepEqual(scrape.map((t) => t.job).sort(), ["integrations/alloy", "integrations/unix"]);
  ingot.proc.kill("SIGINT");
  assert.equal(await ingot.exited, 0);
});

test("a configuration that does not load is rendered with its position and exits 1", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "bad.alloy"), 'local.missing "x" {\n}\n');
  const r = ingot(["run", "--server.http.listen-addr=127.0.0.1:0", "--storage.path", join(dir, "d"), "bad.alloy"], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^Error: bad\.alloy:1:1: .*local\.missing/m);
  assert.match(r.stderr, /\n1 \| local\.missing "x" \{\n/);
  assert.ok(r.stderr.endsWith("Error: could not perform the initial load successfully\n"), r.stderr);
});

test("run flag and argument errors", () => {
  const dir = tempDir();
  const cases: [string[], RegExp][] = [
    [["run", "--stability.level=bogus"], /^Error: invalid argument "bogus" for "--stability.level" flag: /],
    [["run", "--server.http.listen-addr=nonsense"], /^Error: invalid listen address "nonsense"/],
    [["run", "a.alloy", "b.alloy"], /^Error: accepts between 0 and 1 arg\(s\), received 2$/m],
    [["run", join(dir, "missing.alloy")], /^Error: stat .*missing\.alloy: no such file or directory$/m],
  ];
  for (const [args, want] of cases) {
    const r = ingot(args, dir);
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr, want, args.join(" "));
  }
});

test("run fails with status 1 when the port is taken", async () => {
  const dir = tempDir();
  const taken = createNetServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const addr = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
  try {
    const r = spawnSync(
      process.execPath,
      [bin, "run", `--server.http.listen-addr=${addr}`, "--storage.path", join(dir, "d")],
      {
        cwd: dir,
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^Error: failed to listen on ${addr.replace(/\./g, "\\.")}: .*EADDRINUSE`, "m"));
  } finally {
    taken.close();
  }
});

/** A plugin directory with one good third-party plugin and one with a broken manifest. */
function pluginsDir(): string {
  const dir = join(tempDir(), "plugins");
  const good = join(dir, "ingot-plugin-hello");
  mkdirSync(good, { recursive: true });
  writeFileSync(
    join(good, "package.json"),
    JSON.stringify({ name: "ingot-plugin-hello", version: "0.3.0", type: "module" }),
  );
  writeFileSync(
    join(good, "ingot-plugin.json"),
    JSON.stringify({
      pluginApi: "^1.0.0",
      entry: "./index.js",
      components: [
        {
          name: "hello.world",
          stability: "experimental",
          description: "Says hello.",
          arguments: { type: "object", properties: {} },
          exports: { type: "object", properties: {} },
        },
      ],
    }),
  );
  writeFileSync(join(good, "index.js"), "export default { components: {} };\n");
  const bad = join(dir, "ingot-plugin-broken");
  mkdirSync(bad);
  writeFileSync(join(bad, "package.json"), JSON.stringify({ name: "ingot-plugin-broken", version: "9.9.9" }));
  writeFileSync(join(bad, "ingot-plugin.json"), JSON.stringify({ entry: 42 }));
  return dir;
}

test("plugins list shows installed and --plugins.path plugins, refused ones with a reason", () => {
  const dir = pluginsDir();
  const r = ingot(["plugins", "list", "--plugins.path", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^@ingot\/plugin-local \d+\.\d+\.\d+ \(ok\)$/m);
  assert.match(r.stdout, /^ {4}local\.file +generally-available +\S/m);
  assert.match(
    r.stdout,
    /^ingot-plugin-hello 0\.3\.0 \(ok\)\n {2}path: .*ingot-plugin-hello\n {2}components:\n {4}hello\.world +experimental +Says hello\.$/m,
  );
  assert.match(r.stdout, /^ingot-plugin-broken 9\.9\.9 \(refused\)\n {2}path: .*\n {2}reason: \S/m);

  const j = ingot(["plugins", "list", "--format=json", `--plugins.path=${dir}`]);
  assert.equal(j.code, 0, j.stderr);
  const plugins = JSON.parse(j.stdout) as { name: string; status: string; reason?: string; path: string }[];
  const broken = plugins.find((p) => p.name === "ingot-plugin-broken");
  assert.equal(broken?.status, "refused");
  assert.ok(broken?.reason);
  assert.equal(plugins.find((p) => p.name === "ingot-plugin-hello")?.path, join(dir, "ingot-plugin-hello"));

  assert.match(ingot(["plugins"]).stderr, /^Error: missing subcommand/);
  assert.match(ingot(["plugins", "frob"]).stderr, /^Error: unknown command "frob" for "ingot plugins"/);
  assert.match(ingot(["plugins", "list", "--format=xml"]).stderr, /^Error: invalid argument "xml" for "--format"/);
});

test("validate checks components, arguments, references and cycles with the runtime", () => {
  const dir = tempDir();
  const check = (name: string, text: string, want: RegExp[]) => {
    writeFileSync(join(dir, name), text);
    const r = ingot(["validate", name], dir);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    for (const w of want) assert.match(r.stderr, w, name);
    assert.ok(r.stderr.endsWith("Error: validation failed\n"), name);
  };
  check("unknown.alloy", 'local.missing "x" {\n}\n', [/^Error: unknown\.alloy:1:1: .*local\.missing/m]);
  check("badarg.alloy", 'local.file "x" {\n  filename = "/etc/hosts"\n  bogus    = 1\n}\n', [
    /^Error: badarg\.alloy:3:\d+: .*bogus/m,
  ]);
  check("badtype.alloy", 'local.file "x" {\n  filename = ["a"]\n}\n', [/^Error: badtype\.alloy:2:\d+: /m]);
  check(
    "cycle.alloy",
    'local.file "a" {\n  filename = local.file.b.content\n}\n\nlocal.file "b" {\n  filename = local.file.a.content\n}\n',
    [/^Error: cycle\.alloy:\d+:1: cycle(?: detected)?: local\.file\.a, local\.file\.b$/m],
  );
  check("ref.alloy", 'local.file "a" {\n  filename = local.file.nope.content\n}\n', [
    /^Error: ref\.alloy:2:14: .*local\.file\.nope.* does not exist/m,
  ]);

  // hello.world is experimental: refused below --stability.level=experimental.
  const plugins = pluginsDir();
  writeFileSync(join(dir, "hello.alloy"), 'hello.world "x" {\n}\n');
  const refused = ingot(["validate", "--plugins.path", plugins, "hello.alloy"], dir);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /^Error: hello\.alloy:1:1: .*experimental/m);
  const allowed = ingot(["validate", "--plugins.path", plugins, "--stability.level=experimental", "hello.alloy"], dir);
  assert.deepEqual(allowed, { code: 0, stdout: "", stderr: "" });
});
