import assert from "node:assert/strict";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isSecret, secretValue } from "@ingot/sdk";
import { type FileExports, plugin } from "../src/index.js";
import { start } from "./harness.js";

const localFile = plugin.components["local.file"]!;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ingot-local-file-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function args(filename: string, extra: Record<string, unknown> = {}) {
  return { filename, detector: "fsnotify", poll_frequency: 60_000, is_secret: false, ...extra };
}

const contentOf = (e: FileExports | undefined) => (e === undefined ? undefined : secretValue(e.content));

describe("local.file", () => {
  it("exports the file's content at build and is healthy", async () => {
    const file = join(dir, "content.txt");
    await writeFile(file, "hello\nworld\n");
    const c = await start<FileExports>(localFile, args(file));
    try {
      assert.equal(c.exports()?.content, "hello\nworld\n");
      assert.equal(c.health().state, "healthy");
      assert.equal(c.health().message, "read file");
      const info = c.debugInfo() as Record<string, unknown>;
      assert.equal(info.filename, file);
      assert.equal(info.size_bytes, 12);
    } finally {
      await c.stop();
    }
  });

  it("fsnotify: picks up a change from the filesystem event, not the poll", async () => {
    const file = join(dir, "watched.txt");
    await writeFile(file, "v1");
    // An hour-long poll: only the watch can notice the change within the test.
    const c = await start<FileExports>(localFile, args(file, { poll_frequency: 3_600_000 }));
    try {
      await writeFile(file, "v2");
      await c.waitFor("content v2", () => contentOf(c.exports()) === "v2");
      await writeFile(file, "v3");
      await c.waitFor("content v3", () => contentOf(c.exports()) === "v3");
    } finally {
      await c.stop();
    }
  });

  it("fsnotify: follows an atomic replace (rename over the file)", async () => {
    const file = join(dir, "replaced.txt");
    await writeFile(file, "old");
    const c = await start<FileExports>(localFile, args(file, { poll_frequency: 3_600_000 }));
    try {
      const tmp = join(dir, "replaced.txt.tmp");
      await writeFile(tmp, "new");
      await rename(tmp, file);
      await c.waitFor("replaced content", () => contentOf(c.exports()) === "new");
      // The watch was re-armed on the new file: a later write is seen too.
      await writeFile(file, "newer");
      await c.waitFor("content after replace", () => contentOf(c.exports()) === "newer");
    } finally {
      await c.stop();
    }
  });

  it("poll: re-reads every poll_frequency", async () => {
    const file = join(dir, "polled.txt");
    await writeFile(file, "a");
    const c = await start<FileExports>(localFile, args(file, { detector: "poll", poll_frequency: 50 }));
    try {
      await writeFile(file, "b");
      await c.waitFor("polled content b", () => contentOf(c.exports()) === "b");
      assert.equal(c.health().state, "healthy");
    } finally {
      await c.stop();
    }
  });

  it("a missing file makes it unhealthy with the error, and it recovers when the file appears", async () => {
    const file = join(dir, "late.txt");
    const c = await start<FileExports>(localFile, args(file, { poll_frequency: 50 }));
    try {
      assert.equal(c.health().state, "unhealthy");
      assert.equal(c.health().message, `failed to read file: open ${file}: no such file or directory`);
      assert.equal(c.exports(), undefined);
      await writeFile(file, "here now");
      await c.waitFor("recovery", () => c.health().state === "healthy");
      assert.equal(c.exports()?.content, "here now");
    } finally {
      await c.stop();
    }
  });

  for (const detector of ["fsnotify", "poll"] as const) {
    it(`${detector}: a deleted file turns it unhealthy, keeps the last content, and recovers`, async () => {
      const file = join(dir, `deleted-${detector}.txt`);
      await writeFile(file, "first");
      const c = await start<FileExports>(localFile, args(file, { detector, poll_frequency: 50 }));
      try {
        await rm(file);
        await c.waitFor("unhealthy after delete", () => c.health().state === "unhealthy");
        assert.match(c.health().message, /no such file or directory/);
        assert.equal(c.exports()?.content, "first");
        await writeFile(file, "second");
        await c.waitFor("recovered content", () => contentOf(c.exports()) === "second");
        assert.equal(c.health().state, "healthy");
      } finally {
        await c.stop();
      }
    });
  }

  it("is_secret exports the content as a secret that never prints", async () => {
    const file = join(dir, "token");
    await writeFile(file, "s3cr3t");
    const c = await start<FileExports>(localFile, args(file, { is_secret: true }));
    try {
      const content = c.exports()!.content;
      assert.ok(isSecret(content));
      assert.equal(secretValue(content), "s3cr3t");
      assert.equal(String(content), "(secret)");
      assert.equal(JSON.stringify({ content }), '{"content":"(secret)"}');
      // Turning is_secret off re-exports the same text as a plain string.
      await c.update(args(file, { is_secret: false }));
      assert.equal(c.exports()?.content, "s3cr3t");
    } finally {
      await c.stop();
    }
  });

  it("update to another filename exports that file and watches it", async () => {
    const a = join(dir, "a.txt");
    const b = join(dir, "b.txt");
    await writeFile(a, "A");
    await writeFile(b, "B");
    const c = await start<FileExports>(localFile, args(a, { poll_frequency: 3_600_000 }));
    try {
      await c.update(args(b, { poll_frequency: 3_600_000 }));
      assert.equal(c.exports()?.content, "B");
      await writeFile(b, "B2");
      await c.waitFor("watched new file", () => contentOf(c.exports()) === "B2");
      await writeFile(a, "A2");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(contentOf(c.exports()), "B2");
    } finally {
      await c.stop();
    }
  });

  it("does not re-export unchanged content", async () => {
    const file = join(dir, "steady.txt");
    await writeFile(file, "same");
    const c = await start<FileExports>(localFile, args(file, { detector: "poll", poll_frequency: 20 }));
    try {
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(c.exportsHistory.length, 1);
    } finally {
      await c.stop();
    }
  });

  it("refuses a poll_frequency that is not positive", async () => {
    const file = join(dir, "content.txt");
    await assert.rejects(
      () => start(localFile, args(file, { poll_frequency: 0 })),
      /poll_frequency must be greater than 0/,
    );
  });
});
