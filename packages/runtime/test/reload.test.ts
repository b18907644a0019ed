import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagnosticString } from "@ingot/syntax";
import { validateConfig } from "../src/index.js";
import { events, eventsFor, newRuntime, src, standardPlugin } from "./helpers.js";

describe("reload", () => {
  it("stops removed components, builds new ones, updates changed ones and leaves unchanged ones alone", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    const first = await runtime.load([
      src(`${p}.value "keep" { value = "k" }\n${p}.value "change" { value = "1" }`, "a.alloy"),
      src(`${p}.value "drop" { value = "d" }\n${p}.value "reads" { value = ${p}.value.keep.value }`, "b.alloy"),
    ]);
    assert.equal(first.ok, true, first.diagnostics.map(diagnosticString).join("\n"));
    const id = (l: string) => `${p}.value.${l}`;
    const before = runtime.component(id("keep"))!;

    const second = await runtime.load([
      src(`${p}.value "keep" { value = "k" }\n${p}.value "change" { value = "2" }`, "a.alloy"),
      src(
        `${p}.value "new" { value = ${p}.value.change.value + "!" }\n${p}.value "reads" { value = ${p}.value.keep.value }`,
        "b.alloy",
      ),
    ]);
    assert.equal(second.ok, true, second.diagnostics.map(diagnosticString).join("\n"));
    // Unchanged: one build, no update, no stop, still the same run.
    for (const l of ["keep", "reads"]) {
      assert.equal(eventsFor(id(l), "build").length, 1, l);
      assert.equal(eventsFor(id(l), "update").length, 0, l);
      assert.equal(eventsFor(id(l), "stop").length, 0, l);
      assert.equal(eventsFor(id(l), "run").length, 1, l);
    }
    assert.equal(runtime.component(id("keep"))!.health.updatedAt <= new Date(), true);
    assert.deepEqual(runtime.component(id("keep"))!.arguments, before.arguments);
    // Changed: updated in place.
    assert.deepEqual(
      eventsFor(id("change"), "update").map((e) => e.args),
      [{ value: "2" }],
    );
    // Removed: aborted and stopped; new: built from the changed one's new exports and running.
    assert.deepEqual(
      eventsFor(id("drop")).map((e) => e.type),
      ["build", "run", "run-end", "stop"],
    );
    assert.deepEqual(eventsFor(id("new"), "build")[0]?.args, { value: "2!" });
    assert.equal(eventsFor(id("new"), "run").length, 1);
    assert.deepEqual(
      runtime.components().map((c) => c.id),
      [id("keep"), id("change"), id("new"), id("reads")],
    );
    assert.equal(runtime.component(id("drop")), undefined);
    await runtime.shutdown(2000);
  });

  it("keeps the old graph untouched when the new config has any error", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    await runtime.load([src(`${p}.value "a" { value = "1" }\n${p}.value "b" { value = "2" }`)]);
    const count = events().length;
    for (const bad of [
      `${p}.value "a" { value = "1" `, // parse error
      `${p}.value "a" { value = "changed" }\n${p}.value "c" { value = ${p}.value.zzz.value }`, // unknown reference
      `${p}.value "a" { value = "changed" }\n${p}.value "c" { value = [1] }`, // argument error in a new block
      `${p}.value "a" { value = "changed" }\nunknown.component "x" {}`,
    ]) {
      const r = await runtime.load([src(bad)]);
      assert.equal(r.ok, false, bad);
      assert.ok(r.diagnostics.some((d) => d.severity === "error"));
    }
    assert.equal(events().length, count, "no build, update or stop happened");
    assert.deepEqual(
      runtime.components().map((c) => c.id),
      [`${p}.value.a`, `${p}.value.b`],
    );
    assert.equal(
      runtime.components().every((c) => c.health.state === "healthy"),
      true,
    );
    await runtime.shutdown(2000);
  });

  it("rejects an argument error in a block that reads a running component's real exports", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    await runtime.load([src(`${p}.value "a" { value = "a-value-that-is-long-enough-already" }`)]);
    // b reads a's real exports (already running), so the too-long result is a load error.
    const r = await runtime.load([
      src(
        `${p}.value "a" { value = "a-value-that-is-long-enough-already" }\n${p}.value "b" { value = ${p}.value.a.value + "-and-more" }`,
      ),
    ]);
    assert.equal(r.ok, false);
    assert.match(diagnosticString(r.diagnostics[0]!), /^config\.alloy:2:/);
    assert.equal(runtime.component(`${p}.value.b`), undefined);
    await runtime.shutdown(2000);
  });
});

describe("shutdown", () => {
  it("stops dependants before the components they reference", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime } = await newRuntime([dir]);
    await runtime.load([
      src(
        `${p}.value "sink" { value = "s" }\n${p}.value "mid" { value = ${p}.value.sink.value }\n${p}.value "source" { value = ${p}.value.mid.value }\n${p}.value "other" { value = "o" }`,
      ),
    ]);
    const start = events().length;
    await runtime.shutdown(2000);
    const stops = events()
      .slice(start)
      .filter((e) => e.type === "stop")
      .map((e) => e.id.split(".").at(-1));
    assert.deepEqual(stops, ["other", "source", "mid", "sink"]);
    for (const c of runtime.components()) assert.equal(c.health.state, "exited");
    const after = await runtime.load([src(`${p}.value "x" { value = "1" }`)]);
    assert.equal(after.ok, false);
  });

  it("gives up on components that ignore the abort signal at the deadline", async () => {
    const { dir, prefix: p } = standardPlugin();
    const { runtime, lines } = await newRuntime([dir]);
    await runtime.load([src(`${p}.value "fast" { value = "f" }\n${p}.slow "stuck" {}`)]);
    const t0 = Date.now();
    await runtime.shutdown(150);
    const took = Date.now() - t0;
    assert.ok(took >= 140 && took < 1000, `took ${took} ms`);
    assert.ok(
      lines.some((l) => l.includes("shutdown deadline reached") && l.includes(`${p}.slow.stuck`)),
      lines.join("\n"),
    );
  });
});

describe("validateConfig", () => {
  it("checks components, stability, references, cycles and argument schemas without running anything", async () => {
    const { dir, prefix: p } = standardPlugin();
    const before = events().length;
    const diags = await validateConfig(
      [
        src(
          [
            `${p}.value "a" { value = [1] }`,
            `${p}.value "b" { value = ${p}.value.a.value + "x" }`,
            `${p}.value "c" { value = ${p}.value.nope.value }`,
            `${p}.experimental "e" {}`,
            `${p}.value "d" { value = ${p}.value.f.value }`,
            `${p}.value "f" { value = ${p}.value.d.value }`,
            `${p}.secret "s" { password = ${p}.value.a.value }`,
            `${p}.value "g" { value = json_decode(${p}.value.a.value) }`,
          ].join("\n"),
        ),
      ],
      { pluginPaths: [dir], searchRoots: [], stabilityLevel: "generally-available" },
    );
    const ms = diags.map(diagnosticString);
    assert.equal(events().length, before, "nothing was built");
    assert.ok(
      ms.some((m) => m.startsWith("config.alloy:1:") && m.includes("should be string, got array")),
      ms.join("\n"),
    );
    assert.ok(ms.some((m) => m.startsWith("config.alloy:3:") && m.includes("does not exist or is out of scope")));
    assert.ok(ms.some((m) => m.startsWith("config.alloy:4:1:") && m.includes('stability level "experimental"')));
    assert.ok(ms.some((m) => m.includes(`cycle: ${p}.value.d, ${p}.value.f`)));
    // b, s and g read placeholder exports: no false alarms from values nothing computed yet.
    assert.equal(ms.filter((m) => /config\.alloy:(2|7|8):/.test(m)).length, 0, ms.join("\n"));
    assert.equal(ms.length, 4, ms.join("\n"));
  });

  it("returns no diagnostics for a valid config", async () => {
    const { dir, prefix: p } = standardPlugin();
    const diags = await validateConfig(
      [
        src(
          `logging { level = "debug" }\n${p}.value "a" { value = "1" }\n${p}.value "b" { value = ${p}.value.a.value }`,
        ),
      ],
      { pluginPaths: [dir], searchRoots: [], stabilityLevel: "generally-available" },
    );
    assert.deepEqual(diags.map(diagnosticString), []);
  });
});
