// Parses a `--server.http.listen-addr` value the way Go's net.Listen reads it:
// "host:port", "[v6addr]:port", or ":port" (every interface, as in Go).

export interface ListenAddr {
  host: string;
  port: number;
}

export function parseListenAddr(addr: string): ListenAddr {
  const colon = addr.lastIndexOf(":");
  if (colon === -1) throw new Error(`invalid listen address ${JSON.stringify(addr)}: missing port in address`);
  let host = addr.slice(0, colon);
  const portText = addr.slice(colon + 1);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  else if (host.includes(":")) {
    throw new Error(`invalid listen address ${JSON.stringify(addr)}: too many colons in address`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new Error(`invalid listen address ${JSON.stringify(addr)}: invalid port ${JSON.stringify(portText)}`);
  }
  // Go listens on every interface for an empty host.
  return { host: host === "" ? "0.0.0.0" : host, port: Number(portText) };
}

/** "host:port" for an address, with IPv6 hosts in brackets. */
export function formatListenAddr(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
