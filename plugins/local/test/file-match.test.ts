import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { withComponent } from "@ingot/sdk/testkit";
import type { FileMatchArguments, FileMatchExports } from "../src/index.js";
import { localPlugin } from "./plugin.js";

let dir: string;

async function touch(...parts: string[]): Promise<string> {
  const p = join(dir, ...parts);
  await mkdir(join(p, ".."), { recursive: true });
  await writeFile(p, "x");
  return p;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ingot-file-match-"));
  await touch("logs", "app.log");
  await touch("logs", ".hidden.log");
  await touch("logs", "notes.txt");
  await touch("logs", "a", "deep.log");
  await touch("logs", "a", "b", "deeper.log");
  await touch("logs", "a", "b", "old.log.gz");
  await touch("other", "z.log");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Alloy text for the arguments: path_targets as a list of objects, plus extra attributes. */
function body(pathTargets: Record<string, string>[], extra = ""): string {
  const targets = pathTargets.map(
    (t) =>
      `{${Object.entries(t)
        .map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`)
        .join(", ")}}`,
  );
  return `path_targets = [${targets.join(", ")}]\n${extra}`;
}

async function start(text: string) {
  const plugin = await localPlugin();
  return plugin.build<FileMatchArguments, FileMatchExports>("local.file_match", text);
}
const paths = (e: FileMatchExports | undefined) => e?.targets.map((t) => t.__path__);

describe("local.file_match", () => {
  it("applies Alloy's defaults and requires path_targets", async () => {
    const plugin = await localPlugin();
    assert.deepEqual(plugin.decode("local.file_match", body([{ __path__: "/x/*.log" }])), {
      path_targets: [{ __path__: "/x/*.log" }],
      sync_period: 10_000,
      ignore_older_than: 0,
    });
    assert.throws(() => plugin.decode("local.file_match", `sync_period = "1s"`), /path_targets/);
  });

  // Patterns against the tree made in before(); paths are relative to it. With one
  // path target, its other labels (__path_exclude__ too) stay on every target.
  const globCases: { name: string; targets: (d: string) => Record<string, string>[]; want: string[] }[] = [
    {
      name: "`**` matches at any depth, `*` matches dotfiles, other labels are kept, output sorted",
      targets: (d) => [{ __path__: join(d, "logs/**/*.log"), job: "app", env: "test" }],
      want: ["logs/.hidden.log", "logs/a/b/deeper.log", "logs/a/deep.log", "logs/app.log"],
    },
    {
      name: "a single `*` stays in its directory; a plain path matches itself",
      targets: (d) => [{ __path__: join(d, "logs/*") }, { __path__: join(d, "other/z.log") }],
      want: ["logs/.hidden.log", "logs/app.log", "logs/notes.txt", "other/z.log"],
    },
    {
      name: "__path_exclude__ drops matches, and stays on the target as a label",
      targets: (d) => [{ __path__: join(d, "logs/**"), __path_exclude__: join(d, "logs/a/**") }],
      want: ["logs/.hidden.log", "logs/app.log", "logs/notes.txt"],
    },
    {
      name: "brace alternatives and excludes by extension",
      targets: (d) => [{ __path__: join(d, "{logs,other}/**/*"), __path_exclude__: "**/*.{gz,txt}" }],
      want: ["logs/.hidden.log", "logs/a/b/deeper.log", "logs/a/deep.log", "logs/app.log", "other/z.log"],
    },
  ];
  for (const { name, targets, want } of globCases) {
    it(name, async () => {
      const t = targets(dir);
      await withComponent(start(body(t)), async (c) => {
        assert.deepEqual(
          paths(c.exports()),
          want.map((p) => join(dir, p)),
        );
        if (t.length === 1) {
          const { __path__, ...labels } = t[0]!;
          for (const target of c.exports()!.targets)
            for (const [k, v] of Object.entries(labels)) assert.equal(target[k], v);
        }
        assert.equal(c.health().state, "healthy");
      });
    });
  }

  it("relative patterns resolve against the working directory and export absolute paths", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await withComponent(start(body([{ __path__: "./logs/*.log", __path_exclude__: "logs/app.log" }])), async (c) => {
        assert.deepEqual(paths(c.exports()), [join(dir, "logs/.hidden.log")]);
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it("ignore_older_than skips files not modified recently; 0 keeps them", async () => {
    const stale = await touch("aged", "stale.log");
    await touch("aged", "fresh.log");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    const targets = [{ __path__: join(dir, "aged/*.log") }];
    await withComponent(start(body(targets, `ignore_older_than = "1h"`)), async (c) => {
      assert.deepEqual(paths(c.exports()), [join(dir, "aged/fresh.log")]);
      await c.update(body(targets, `ignore_older_than = "0s"`));
      assert.deepEqual(paths(c.exports()), [join(dir, "aged/fresh.log"), stale]);
    });
  });

  it("syncs every sync_period and exports only when the set changes", async () => {
    await mkdir(join(dir, "sync"));
    await withComponent(start(body([{ __path__: join(dir, "sync/*.log") }], `sync_period = "50ms"`)), async (c) => {
      assert.deepEqual(paths(c.exports()), []);
      const added = await touch("sync", "new.log");
      await c.waitFor("added file", () => paths(c.exports())?.length === 1);
      assert.deepEqual(paths(c.exports()), [added]);
      const before = c.exportsHistory.length;
      await new Promise((r) => setTimeout(r, 200)); // several periods, nothing changes
      assert.equal(c.exportsHistory.length, before);
      await rm(added);
      await c.waitFor("removed file", () => paths(c.exports())?.length === 0);
    });
  });

  it("update re-globs at once with the new targets", async () => {
    await withComponent(start(body([{ __path__: join(dir, "other/*.log") }])), async (c) => {
      assert.deepEqual(paths(c.exports()), [join(dir, "other/z.log")]);
      await c.update(body([{ __path__: join(dir, "logs/*.txt") }, { job: "no path" }]));
      assert.deepEqual(paths(c.exports()), [join(dir, "logs/notes.txt")]);
      assert.equal((c.debugInfo() as { targets: number }).targets, 1);
    });
  });

  it("the same file from two targets appears once per target, in a stable order", async () => {
    const file = join(dir, "other/z.log");
    await withComponent(
      start(
        body([
          { __path__: file, team: "b" },
          { __path__: join(dir, "other/*"), team: "a" },
        ]),
      ),
      async (c) => {
        assert.deepEqual(
          c.exports()!.targets.map((t) => t.team),
          ["a", "b"],
        );
      },
    );
  });
});
