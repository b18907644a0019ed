import assert from "node:assert/strict";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isSecret, secretValue } from "@ingot/sdk";
import { Secret, withComponent } from "@ingot/sdk/testkit";
import type { FileArguments, FileExports } from "../src/index.js";
import { localPlugin, str } from "./plugin.js";

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ingot-local-file-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function build(body: string) {
  const plugin = await localPlugin();
  return plugin.build<FileArguments, FileExports>("local.file", body);
}

const contentOf = (e: FileExports | undefined) => (e === undefined ? undefined : secretValue(e.content));

describe("local.file", () => {
  it("applies Alloy's defaults", async () => {
    const plugin = await localPlugin();
    assert.deepEqual(plugin.decode("local.file", `filename = "/x"`), {
      filename: "/x",
      detector: "fsnotify",
      poll_frequency: 60_000,
      is_secret: false,
    });
    assert.throws(() => plugin.decode("local.file", `detector = "poll"`), /filename/);
    assert.throws(() => plugin.decode("local.file", `filename = "/x"\ndetector = "inotify"`), /detector/);
  });

  it("exports the file's content at build and is healthy", async () => {
    const file = join(dir, "content.txt");
    await writeFile(file, "hello\nworld\n");
    await withComponent(build(`filename = ${str(file)}`), async (c) => {
      assert.equal(c.exports()?.content, "hello\nworld\n");
      assert.equal(c.exportsValue()?.get("content"), "hello\nworld\n");
      assert.equal(c.health().state, "healthy");
      assert.equal(c.health().message, "read file");
      const info = c.debugInfo() as Record<string, unknown>;
      assert.equal(info.filename, file);
      assert.equal(info.size_bytes, 12);
    });
  });

  it("fsnotify: picks up a change from the filesystem event, not the poll", async () => {
    const file = join(dir, "watched.txt");
    await writeFile(file, "v1");
    // An hour-long poll: only the watch can notice the change within the test.
    await withComponent(build(`filename = ${str(file)}\npoll_frequency = "1h"`), async (c) => {
      await writeFile(file, "v2");
      await c.waitForExports((e) => contentOf(e) === "v2");
      await writeFile(file, "v3");
      await c.waitForExports((e) => contentOf(e) === "v3");
    });
  });

  it("fsnotify: follows an atomic replace (rename over the file)", async () => {
    const file = join(dir, "replaced.txt");
    await writeFile(file, "old");
    await withComponent(build(`filename = ${str(file)}\npoll_frequency = "1h"`), async (c) => {
      const tmp = join(dir, "replaced.txt.tmp");
      await writeFile(tmp, "new");
      await rename(tmp, file);
      await c.waitForExports((e) => contentOf(e) === "new");
      // The watch was re-armed on the new file: a later write is seen too.
      await writeFile(file, "newer");
      await c.waitForExports((e) => contentOf(e) === "newer");
    });
  });

  it("poll: re-reads every poll_frequency", async () => {
    const file = join(dir, "polled.txt");
    await writeFile(file, "a");
    await withComponent(build(`filename = ${str(file)}\ndetector = "poll"\npoll_frequency = "50ms"`), async (c) => {
      await writeFile(file, "b");
      await c.waitForExports((e) => contentOf(e) === "b");
      assert.equal(c.health().state, "healthy");
    });
  });

  it("a missing file makes it unhealthy with the error, and it recovers when the file appears", async () => {
    const file = join(dir, "late.txt");
    await withComponent(build(`filename = ${str(file)}\npoll_frequency = "50ms"`), async (c) => {
      assert.equal(c.health().state, "unhealthy");
      assert.equal(c.health().message, `failed to read file: open ${file}: no such file or directory`);
      assert.equal(c.exports(), undefined);
      assert.ok(c.logs.some((l) => l.includes("failed to read file")));
      await writeFile(file, "here now");
      await c.waitFor("recovery", () => c.health().state === "healthy");
      assert.equal(c.exports()?.content, "here now");
    });
  });

  it("a directory is not readable: unhealthy with Go's message", async () => {
    await withComponent(build(`filename = ${str(dir)}`), async (c) => {
      assert.equal(c.health().state, "unhealthy");
      assert.equal(c.health().message, `failed to read file: read ${dir}: is a directory`);
    });
  });

  for (const detector of ["fsnotify", "poll"] as const) {
    it(`${detector}: a deleted file turns it unhealthy, keeps the last content, and recovers`, async () => {
      const file = join(dir, `deleted-${detector}.txt`);
      await writeFile(file, "first");
      await withComponent(
        build(`filename = ${str(file)}\ndetector = "${detector}"\npoll_frequency = "50ms"`),
        async (c) => {
          await rm(file);
          await c.waitFor("unhealthy after delete", () => c.health().state === "unhealthy");
          assert.match(c.health().message, /no such file or directory/);
          assert.equal(c.exports()?.content, "first");
          await writeFile(file, "second");
          await c.waitForExports((e) => contentOf(e) === "second");
          assert.equal(c.health().state, "healthy");
        },
      );
    });
  }

  it("is_secret exports the content as a secret that never prints", async () => {
    const file = join(dir, "token");
    await writeFile(file, "s3cr3t");
    await withComponent(build(`filename = ${str(file)}\nis_secret = true`), async (c) => {
      const content = c.exports()!.content;
      assert.ok(isSecret(content));
      assert.equal(secretValue(content), "s3cr3t");
      assert.equal(String(content), "(secret)");
      assert.equal(JSON.stringify({ content }), '{"content":"(secret)"}');
      // What referencing components see: an Alloy secret.
      const value = c.exportsValue()?.get("content");
      assert.ok(value instanceof Secret);
      assert.equal(value.value, "s3cr3t");
      // Turning is_secret off re-exports the same text as a plain string.
      await c.update(`filename = ${str(file)}\nis_secret = false`);
      assert.equal(c.exports()?.content, "s3cr3t");
      assert.equal(c.exportsValue()?.get("content"), "s3cr3t");
    });
  });

  it("update to another filename exports that file and watches it", async () => {
    const a = join(dir, "a.txt");
    const b = join(dir, "b.txt");
    await writeFile(a, "A");
    await writeFile(b, "B");
    await withComponent(build(`filename = ${str(a)}\npoll_frequency = "1h"`), async (c) => {
      await c.update(`filename = ${str(b)}\npoll_frequency = "1h"`);
      assert.equal(c.exports()?.content, "B");
      await writeFile(b, "B2");
      await c.waitForExports((e) => contentOf(e) === "B2");
      await writeFile(a, "A2");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(contentOf(c.exports()), "B2");
    });
  });

  it("does not re-export unchanged content", async () => {
    const file = join(dir, "steady.txt");
    await writeFile(file, "same");
    await withComponent(build(`filename = ${str(file)}\ndetector = "poll"\npoll_frequency = "20ms"`), async (c) => {
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(c.exportsHistory.length, 1);
    });
  });

  it("refuses a poll_frequency that is not positive", async () => {
    const file = join(dir, "content.txt");
    await assert.rejects(
      () => build(`filename = ${str(file)}\npoll_frequency = "0s"`),
      /poll_frequency must be greater than 0/,
    );
  });
});
