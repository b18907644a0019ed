import assert from "node:assert/strict";
import { test } from "node:test";
import { Secret } from "@ingot/syntax";
import { createLogger } from "../src/logger.js";
import { secret } from "../src/values.js";

const now = () => new Date("2024-01-02T03:04:05.678Z");

test("logfmt lines as Alloy writes them, with component fields and quoting", () => {
  const lines: string[] = [];
  const root = createLogger({ write: (l) => lines.push(l), now });
  const log = root.child({ component_path: "/", component_id: "local.file.a" });
  log.info("file read", { path: "/tmp/a b", size: 3, ok: true });
  assert.deepEqual(lines, [
    'ts=2024-01-02T03:04:05.678Z level=info msg="file read" component_path=/ component_id=local.file.a path="/tmp/a b" size=3 ok=true',
  ]);
});

test("levels filter, and setLevel/setFormat/configure apply to children", () => {
  const lines: string[] = [];
  const root = createLogger({ level: "warn", write: (l) => lines.push(l), now });
  const log = root.child({ component_id: "x" });
  log.info("hidden");
  log.warn("shown");
  root.setLevel("debug");
  log.debug("now shown");
  root.setFormat("json");
  log.error("as json", { err: new Error("bad") });
  root.configure({ level: "error", format: "logfmt" });
  log.warn("hidden again");
  log.error("logfmt again");
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /level=warn msg=shown component_id=x$/);
  assert.match(lines[1]!, /level=debug msg="now shown"/);
  assert.deepEqual(JSON.parse(lines[2]!), {
    ts: "2024-01-02T03:04:05.678Z",
    level: "error",
    msg: "as json",
    component_id: "x",
    err: "bad",
  });
  assert.match(lines[3]!, /level=error msg="logfmt again"/);
  assert.equal(root.level, "error");
  assert.equal(root.format, "logfmt");
});

test("secrets never appear in log lines", () => {
  const lines: string[] = [];
  const root = createLogger({ write: (l) => lines.push(l), now, fields: { token: secret("s1") } });
  root.info("x", { password: secret("s2"), nested: { key: new Secret("s3") } });
  root.setFormat("json");
  root.info("y", { password: secret("s2"), list: [secret("s4")] });
  const all = lines.join("\n");
  for (const s of ["s1", "s2", "s3", "s4"]) assert.ok(!all.includes(s), `${s} leaked: ${all}`);
  assert.match(lines[0]!, /token=\(secret\) password=\(secret\) nested="\{\\"key\\":\\"\(secret\)\\"\}"/);
});
