import assert from "node:assert/strict";
import { test } from "node:test";
import { formatListenAddr, parseListenAddr, splitComponentId, splitComponentPath } from "../src/index.js";

test("parseListenAddr reads host:port, [v6]:port and :port as Go does", () => {
  assert.deepEqual(parseListenAddr("127.0.0.1:12345"), { host: "127.0.0.1", port: 12345 });
  assert.deepEqual(parseListenAddr("localhost:0"), { host: "localhost", port: 0 });
  assert.deepEqual(parseListenAddr("[::1]:80"), { host: "::1", port: 80 });
  assert.deepEqual(parseListenAddr(":9000"), { host: "0.0.0.0", port: 9000 });
  for (const bad of ["127.0.0.1", "::1:80", "host:http", "host:70000", "host:"]) {
    assert.throws(() => parseListenAddr(bad), /invalid listen address/, bad);
  }
});

test("formatListenAddr brackets IPv6 hosts", () => {
  assert.equal(formatListenAddr("127.0.0.1", 1), "127.0.0.1:1");
  assert.equal(formatListenAddr("::1", 2), "[::1]:2");
});

test("splitComponentId splits MODULE/LOCAL at the last slash", () => {
  assert.deepEqual(splitComponentId("local.file.a"), { moduleID: "", localID: "local.file.a" });
  assert.deepEqual(splitComponentId("import.file.m/mod.x/local.file.a"), {
    moduleID: "import.file.m/mod.x",
    localID: "local.file.a",
  });
});

test("splitComponentPath picks the longest known component id", () => {
  const known = new Set(["a.b", "m/a.b", "m/a.b/c.d"]);
  const has = (id: string) => known.has(id);
  assert.deepEqual(splitComponentPath("a.b/x/y", has), { id: "a.b", path: "/x/y" });
  assert.deepEqual(splitComponentPath("a.b", has), { id: "a.b", path: "/" });
  assert.deepEqual(splitComponentPath("a.b/", has), { id: "a.b", path: "/" });
  assert.deepEqual(splitComponentPath("m/a.b/c.d/metrics", has), { id: "m/a.b/c.d", path: "/metrics" });
  assert.deepEqual(splitComponentPath("m/a.b/zz", has), { id: "m/a.b", path: "/zz" });
  assert.equal(splitComponentPath("nope/x", has), undefined);
  assert.equal(splitComponentPath("", has), undefined);
});
