// `ingot modules update` through the real bundle: fetches an import.http module from
// a server on 127.0.0.1, writes the modules key of ingot.lock beside the config (the
// plugins key kept) and fails without writing when a source is unreachable.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { repoRoot } from "@ingot/testkit";
import { ensureBundle } from "./bundle.js";

const bin = join(repoRoot, "packages", "cli", "bin", "ingot.js");

before(() => ensureBundle());

function ingot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (c) => {
      stdout += c;
    });
    p.stderr.on("data", (c) => {
      stderr += c;
    });
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("ingot modules update locks the remote imports of a config", async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { etag: '"v1"' });
    res.end('declare "v" {\n  export "out" {\n    value = 1\n  }\n}\n');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.alloy`;
  try {
    const dir = mkdtempSync(join(tmpdir(), "ingot-cli-modules-"));
    const config = join(dir, "config.alloy");
    writeFileSync(config, `import.http "lib" {\n  url = "${url}"\n}\nlib.v "x" {}\n`);
    writeFileSync(join(dir, "ingot.lock"), JSON.stringify({ lockfileVersion: 1, plugins: {} }));
    const r = await ingot(["modules", "update", "--storage.path", join(dir, "data"), config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 module\(s\) locked/);
    const lock = JSON.parse(readFileSync(join(dir, "ingot.lock"), "utf8"));
    assert.deepEqual(lock.plugins, {});
    const entry = lock.modules[`import.http.lib ${url}`];
    assert.equal(entry.kind, "http");
    assert.equal(entry.revision, '"v1"');
    assert.match(entry.integrity, /^sha512-[A-Za-z0-9+/]+=*$/);

    writeFileSync(config, `import.http "lib" {\n  url = "http://127.0.0.1:1/gone.alloy"\n}\n`);
    const r2 = await ingot(["modules", "update", "--storage.path", join(dir, "data"), config]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /ingot\.lock not updated:[\s\S]*import\.http\.lib: .*ECONNREFUSED/);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "ingot.lock"), "utf8")), lock);
  } finally {
    server.close();
  }
});
