import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FileArguments, TargetsExports } from "../src/index.js";
import { discoveryPlugin, str } from "./helpers/plugin.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ingot-discovery-file-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("discovery.file", () => {
  it("Alloy's defaults; only .json/.yml/.yaml", async () => {
    const p = await discoveryPlugin();
    assert.deepEqual(p.decode("discovery.file", `files = ["/x/*.json"]`), {
      files: ["/x/*.json"],
      refresh_interval: 300_000,
    });
    await assert.rejects(
      () => p.build("discovery.file", `files = ["/x/targets.txt"]`),
      /must end in \.json, \.yml or \.yaml/,
    );
  });

  it("reads JSON and YAML (globs), adds __meta_filepath, picks up changes, reports a bad file", async () => {
    const a = join(dir, "a.json");
    const b = join(dir, "b.yml");
    await writeFile(a, JSON.stringify([{ targets: ["h1:9100", "h2:9100"], labels: { job: "node", env: "prod" } }]));
    await writeFile(b, "- targets: ['h3:80']\n  labels:\n    job: web\n- targets: ['h4:80']\n");
    const p = await discoveryPlugin();
    const c = await p.build<FileArguments, TargetsExports>(
      "discovery.file",
      `files = [${str(join(dir, "*.json"))}, ${str(join(dir, "*.yml"))}]\nrefresh_interval = "1h"`,
    );
    try {
      assert.deepEqual(c.exports()!.targets, [
        { __address__: "h1:9100", job: "node", env: "prod", __meta_filepath: a },
        { __address__: "h2:9100", job: "node", env: "prod", __meta_filepath: a },
        { __address__: "h3:80", job: "web", __meta_filepath: b },
        { __address__: "h4:80", __meta_filepath: b },
      ]);
      assert.equal(c.health().state, "healthy");

      // A change is picked up by the directory watch (refresh_interval is an hour).
      await writeFile(a, JSON.stringify([{ targets: ["h9:9100"] }]));
      await c.waitForExports((e) => e.targets[0]?.__address__ === "h9:9100", 5000);
      // A new file matching the glob too.
      await writeFile(join(dir, "c.json"), JSON.stringify([{ targets: ["h5:1"] }]));
      await c.waitForExports((e) => e.targets.some((t) => t.__address__ === "h5:1"), 5000);

      // A bad file: unhealthy with the reason; its last good targets stay.
      await writeFile(a, "[{ not json");
      await c.waitFor("unhealthy", () => c.health().state === "unhealthy", 5000);
      assert.match(c.health().message ?? "", /error reading file ".*a\.json"/);
      assert.ok(c.exports()!.targets.some((t) => t.__address__ === "h9:9100"));
      await writeFile(a, JSON.stringify([{ targets: ["x:1"], labels: { n: 1 } }]));
      await c.waitFor("label type error", () => /expected a string, got number/.test(c.health().message ?? ""), 5000);
      await writeFile(a, "[]");
      await c.waitFor("healthy again", () => c.health().state === "healthy", 5000);
      assert.ok(!c.exports()!.targets.some((t) => t.__meta_filepath === a));
    } finally {
      await c.stop();
    }
  });

  it("refresh_interval re-reads without a watch event; missing files give no targets", async () => {
    const d = await mkdtemp(join(dir, "sub-"));
    const p = await discoveryPlugin();
    const c = await p.build<FileArguments, TargetsExports>(
      "discovery.file",
      `files = [${str(join(d, "t.yaml"))}, ${str(join(d, "missing", "x.json"))}]\nrefresh_interval = "100ms"`,
    );
    try {
      assert.deepEqual(c.exports()!.targets, []);
      await writeFile(join(d, "t.yaml"), "- targets: [a:1]\n");
      await c.waitForExports((e) => e.targets.length === 1, 5000);
      assert.equal((c.debugInfo() as { refreshes: number }).refreshes >= 2, true);
    } finally {
      await c.stop();
    }
  });
});
