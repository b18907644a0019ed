import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DnsArguments, TargetsExports } from "../src/index.js";
import { DnsServer } from "./helpers/dns-server.js";
import { discoveryPlugin } from "./helpers/plugin.js";

const server = new DnsServer({
  SRV: {
    "_prom._tcp.example.test": [
      { priority: 10, weight: 5, port: 9100, target: "node1.example.test" },
      { priority: 10, weight: 5, port: 9200, target: "node2.example.test" },
    ],
  },
  A: { "web.example.test": ["10.0.0.1", "10.0.0.2"] },
  AAAA: { "web.example.test": ["2001:db8::1"] },
  MX: { "example.test": [{ preference: 10, exchange: "mail.example.test" }] },
  NS: { "example.test": ["ns1.example.test"] },
});

before(async () => {
  process.env.INGOT_DISCOVERY_DNS_TEST_SERVER = await server.start();
});
after(() => server.stop());

async function discover(body: string) {
  const p = await discoveryPlugin();
  const c = await p.build<DnsArguments, TargetsExports>("discovery.dns", body);
  const result = { targets: c.exports()!.targets, health: c.health() };
  await c.stop();
  return result;
}

describe("discovery.dns", () => {
  it("Alloy's defaults and validation", async () => {
    const p = await discoveryPlugin();
    assert.deepEqual(p.decode("discovery.dns", `names = ["a"]`), {
      names: ["a"],
      port: 0,
      refresh_interval: 30_000,
      type: "SRV",
    });
    await assert.rejects(
      () => p.build("discovery.dns", `names = ["a"]\ntype = "A"`),
      /a port is required in DNS-SD configs/,
    );
    await assert.rejects(
      () => p.build("discovery.dns", `names = ["a"]\ntype = "TXT"`),
      /invalid DNS-SD records type TXT/,
    );
    await assert.rejects(() => p.build("discovery.dns", `names = []`), /must contain at least one SRV record name/);
  });

  it("SRV records", async () => {
    const r = await discover(`names = ["_prom._tcp.example.test"]`);
    assert.equal(r.health.state, "healthy");
    assert.deepEqual(r.targets, [
      {
        __address__: "node1.example.test:9100",
        __meta_dns_name: "_prom._tcp.example.test",
        __meta_dns_srv_record_target: "node1.example.test",
        __meta_dns_srv_record_port: "9100",
      },
      {
        __address__: "node2.example.test:9200",
        __meta_dns_name: "_prom._tcp.example.test",
        __meta_dns_srv_record_target: "node2.example.test",
        __meta_dns_srv_record_port: "9200",
      },
    ]);
  });

  it("A, AAAA, MX and NS records", async () => {
    const a = await discover(`names = ["web.example.test"]\ntype = "A"\nport = 80`);
    assert.deepEqual(a.targets, [
      { __address__: "10.0.0.1:80", __meta_dns_name: "web.example.test" },
      { __address__: "10.0.0.2:80", __meta_dns_name: "web.example.test" },
    ]);
    const aaaa = await discover(`names = ["web.example.test"]\ntype = "AAAA"\nport = 80`);
    assert.deepEqual(aaaa.targets, [{ __address__: "[2001:db8::1]:80", __meta_dns_name: "web.example.test" }]);
    const mx = await discover(`names = ["example.test"]\ntype = "MX"\nport = 25`);
    assert.deepEqual(mx.targets, [
      {
        __address__: "mail.example.test:25",
        __meta_dns_name: "example.test",
        __meta_dns_mx_record_target: "mail.example.test",
      },
    ]);
    const ns = await discover(`names = ["example.test"]\ntype = "ns"\nport = 53`);
    assert.deepEqual(ns.targets, [
      {
        __address__: "ns1.example.test:53",
        __meta_dns_name: "example.test",
        __meta_dns_ns_record_target: "ns1.example.test",
      },
    ]);
  });

  it("a failed name is reported; the others still resolve", async () => {
    const r = await discover(`names = ["web.example.test", "missing.example.test"]\ntype = "A"\nport = 1`);
    assert.equal(r.health.state, "unhealthy");
    assert.match(r.health.message ?? "", /error refreshing DNS targets for "missing.example.test": .*ENOTFOUND/);
    assert.equal(r.targets.length, 2);
  });
});
