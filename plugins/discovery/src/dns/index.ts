// discovery.dns: targets from DNS records (Alloy's discovery.dns, Prometheus dns_sd).
// SRV records give `<target>:<port>`; A/AAAA give `<ip>:<port>`; MX and NS give
// `<host>:<port>`. Meta labels as Prometheus: __meta_dns_name and, per type,
// __meta_dns_srv_record_target/_port, __meta_dns_mx_record_target,
// __meta_dns_ns_record_target. A name whose lookup fails keeps its last targets.
import { Resolver } from "node:dns/promises";
import type { ComponentDefinition } from "@ingot/sdk";
import { RefreshingDiscovery, type RefreshResult, refreshingDefinition, type Target } from "../common/refresh.js";

export interface DnsArguments {
  names: string[];
  port: number;
  /** Milliseconds. */
  refresh_interval: number;
  type: string;
}

/**
 * Internal, for tests only: a DNS server ("127.0.0.1:5353") used instead of the
 * system's resolvers.
 */
export const TEST_DNS_SERVER_ENV = "INGOT_DISCOVERY_DNS_TEST_SERVER";

export const discoveryDns = refreshingDefinition<DnsArguments>((ctx, args) => new DnsDiscovery(ctx, args));

const trimDot = (s: string) => (s.endsWith(".") ? s.slice(0, -1) : s);
const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

class DnsDiscovery extends RefreshingDiscovery<DnsArguments> {
  private lastGood = new Map<string, Target[]>();

  protected validate(args: DnsArguments): void {
    switch (args.type.toUpperCase()) {
      case "SRV":
        break;
      case "A":
      case "AAAA":
      case "MX":
      case "NS":
        if (args.port === 0) throw new Error("a port is required in DNS-SD configs for all record types except SRV");
        break;
      default:
        throw new Error(`invalid DNS-SD records type ${args.type}`);
    }
    if (args.names.length === 0) throw new Error("DNS-SD config must contain at least one SRV record name");
  }

  protected async discover(): Promise<RefreshResult> {
    const resolver = new Resolver({ timeout: 5000, tries: 2 });
    const server = process.env[TEST_DNS_SERVER_ENV];
    if (server) resolver.setServers([server]);
    const type = this.args.type.toUpperCase();
    const port = this.args.port;
    const results = await Promise.all(
      this.args.names.map(async (name) => {
        try {
          const ts = await lookup(resolver, name, type, port);
          this.lastGood.set(name, ts);
          return { ts, err: undefined };
        } catch (e) {
          const err = `error refreshing DNS targets for ${JSON.stringify(name)}: ${(e as Error).message}`;
          return { ts: this.lastGood.get(name) ?? [], err };
        }
      }),
    );
    for (const n of [...this.lastGood.keys()]) if (!this.args.names.includes(n)) this.lastGood.delete(n);
    return {
      targets: results.flatMap((r) => r.ts),
      errors: results.flatMap((r) => (r.err ? [r.err] : [])),
    };
  }
}

async function lookup(resolver: Resolver, name: string, type: string, port: number): Promise<Target[]> {
  const base = (address: string): Target => ({ __address__: address, __meta_dns_name: name });
  switch (type) {
    case "SRV":
      return (await resolver.resolveSrv(name)).map((r) => {
        const target = trimDot(r.name);
        return {
          ...base(hostPort(target, r.port)),
          __meta_dns_srv_record_target: target,
          __meta_dns_srv_record_port: String(r.port),
        };
      });
    case "A":
      return (await resolver.resolve4(name)).map((ip) => base(hostPort(ip, port)));
    case "AAAA":
      return (await resolver.resolve6(name)).map((ip) => base(hostPort(ip, port)));
    case "MX":
      return (await resolver.resolveMx(name)).map((r) => {
        const target = trimDot(r.exchange);
        return { ...base(hostPort(target, port)), __meta_dns_mx_record_target: target };
      });
    case "NS":
      return (await resolver.resolveNs(name)).map((ns) => {
        const target = trimDot(ns);
        return { ...base(hostPort(target, port)), __meta_dns_ns_record_target: target };
      });
  }
  throw new Error(`invalid DNS-SD records type ${type}`);
}

export const components: Record<string, ComponentDefinition> = { "discovery.dns": discoveryDns };
