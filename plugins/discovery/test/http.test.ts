import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { HttpArguments, TargetsExports } from "../src/index.js";
import { discoveryPlugin, str } from "./helpers/plugin.js";

let server: Server;
let base: string;
let reply: { status: number; type: string; body: string } = { status: 200, type: "application/json", body: "[]" };
let lastHeaders: IncomingHttpHeaders = {};

before(async () => {
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    if (req.url === "/redirect") {
      res.writeHead(302, { Location: "/sd" });
      res.end();
      return;
    }
    res.writeHead(reply.status, { "Content-Type": reply.type });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const groups = JSON.stringify([
  { targets: ["10.0.0.1:9100", "10.0.0.2:9100"], labels: { job: "node" } },
  { targets: ["10.0.0.3:80"], labels: {} },
]);

describe("discovery.http", () => {
  it("Alloy's defaults", async () => {
    const p = await discoveryPlugin();
    const a = p.decode("discovery.http", `url = "http://x/sd"`) as Record<string, unknown>;
    assert.equal(a.refresh_interval, 60_000);
    assert.equal(a.follow_redirects, true);
  });

  it("reads http_sd JSON with __meta_url, sends auth, follows redirects, and fails clearly", async () => {
    reply = { status: 200, type: "application/json; charset=utf-8", body: groups };
    const p = await discoveryPlugin();
    const url = `${base}/sd`;
    const c = await p.build<HttpArguments, TargetsExports>(
      "discovery.http",
      `url = ${str(url)}\nrefresh_interval = "1h"\nbasic_auth {\n username = "u"\n password = "p"\n}`,
    );
    try {
      assert.deepEqual(c.exports()!.targets, [
        { __address__: "10.0.0.1:9100", job: "node", __meta_url: url },
        { __address__: "10.0.0.2:9100", job: "node", __meta_url: url },
        { __address__: "10.0.0.3:80", __meta_url: url },
      ]);
      assert.equal(lastHeaders.authorization, `Basic ${Buffer.from("u:p").toString("base64")}`);
      assert.equal(lastHeaders.accept, "application/json");
      assert.equal(lastHeaders["x-prometheus-refresh-interval-seconds"], "3600");
      assert.equal(c.health().state, "healthy");

      reply = { status: 500, type: "text/plain", body: "boom" };
      await c.update(`url = ${str(url)}\nrefresh_interval = "1h"\nbearer_token = "tok"`);
      assert.equal(c.health().state, "unhealthy");
      assert.match(c.health().message ?? "", /server returned HTTP status 500 Internal Server Error/);
      assert.equal(c.exports()!.targets.length, 3); // kept
      assert.equal(lastHeaders.authorization, "Bearer tok");

      reply = { status: 200, type: "text/plain", body: groups };
      await c.update(`url = ${str(url)}\nrefresh_interval = "2h"`);
      assert.match(c.health().message ?? "", /unsupported content type "text\/plain"/);

      reply = { status: 200, type: "application/json", body: "[null]" };
      await c.update(`url = ${str(url)}\nrefresh_interval = "3h"`);
      assert.match(c.health().message ?? "", /nil target group item found/);

      reply = { status: 200, type: "application/json", body: "{bad" };
      await c.update(`url = ${str(url)}\nrefresh_interval = "4h"`);
      assert.match(c.health().message ?? "", /JSON/);

      reply = { status: 200, type: "application/json", body: JSON.stringify([{ targets: ["z:1"] }]) };
      await c.update(`url = ${str(`${base}/redirect`)}\nrefresh_interval = "1h"`);
      assert.equal(c.health().state, "healthy");
      assert.deepEqual(c.exports()!.targets, [{ __address__: "z:1", __meta_url: `${base}/redirect` }]);
    } finally {
      await c.stop();
    }
  });

  it("refuses bad configuration and reports an unreachable server", async () => {
    const p = await discoveryPlugin();
    await assert.rejects(() => p.build("discovery.http", `url = "ftp://x/sd"`), /URL scheme must be 'http' or 'https'/);
    await assert.rejects(
      () => p.build("discovery.http", `url = "http://x/sd"\nbearer_token = "a"\nbasic_auth {\n username = "u"\n}`),
      /at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured/,
    );
    const c = await p.build<HttpArguments, TargetsExports>("discovery.http", `url = "http://127.0.0.1:1/sd"`);
    try {
      assert.equal(c.health().state, "unhealthy");
      assert.match(c.health().message ?? "", /ECONNREFUSED/);
      assert.deepEqual(c.exports()!.targets, []);
    } finally {
      await c.stop();
    }
  });
});
