// A tiny authoritative DNS server over UDP on 127.0.0.1 for the discovery.dns tests:
// answers A, AAAA, SRV, MX and NS questions from an in-memory zone, NXDOMAIN otherwise.
import { createSocket, type Socket } from "node:dgram";

export interface Zone {
  A?: Record<string, string[]>;
  AAAA?: Record<string, string[]>;
  SRV?: Record<string, { priority: number; weight: number; port: number; target: string }[]>;
  MX?: Record<string, { preference: number; exchange: string }[]>;
  NS?: Record<string, string[]>;
}

const TYPES: Record<number, keyof Zone> = { 1: "A", 28: "AAAA", 33: "SRV", 15: "MX", 2: "NS" };

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function rdata(type: keyof Zone, rec: unknown): Buffer {
  switch (type) {
    case "A":
      return Buffer.from((rec as string).split(".").map(Number));
    case "AAAA": {
      const full = (rec as string).split("::");
      const head = full[0] ? full[0].split(":") : [];
      const tail = full.length > 1 && full[1] ? full[1].split(":") : [];
      const groups = [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail];
      return Buffer.concat(groups.map((g) => u16(Number.parseInt(g, 16))));
    }
    case "SRV": {
      const r = rec as { priority: number; weight: number; port: number; target: string };
      return Buffer.concat([u16(r.priority), u16(r.weight), u16(r.port), encodeName(r.target)]);
    }
    case "MX": {
      const r = rec as { preference: number; exchange: string };
      return Buffer.concat([u16(r.preference), encodeName(r.exchange)]);
    }
    case "NS":
      return encodeName(rec as string);
  }
}

export class DnsServer {
  private socket: Socket = createSocket("udp4");
  queries = 0;
  constructor(public zone: Zone) {}

  async start(): Promise<string> {
    this.socket.on("message", (msg, rinfo) => {
      this.queries++;
      const reply = this.answer(msg);
      if (reply) this.socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, "127.0.0.1", r));
    return `127.0.0.1:${this.socket.address().port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 12) return undefined;
    const id = msg.readUInt16BE(0);
    let off = 12;
    const labels: string[] = [];
    while (msg[off] !== 0) {
      const len = msg[off] as number;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString());
      off += len + 1;
    }
    off++;
    const qtype = msg.readUInt16BE(off);
    const question = msg.subarray(12, off + 4);
    const name = labels.join(".").toLowerCase();
    const type = TYPES[qtype];
    const records = type
      ? ((this.zone[type] as Record<string, unknown[]> | undefined)?.[name] ?? undefined)
      : undefined;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(records ? 0x8580 : 0x8583, 2); // QR AA RD RA; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records?.length ?? 0, 6);
    const answers = (records ?? []).map((rec) => {
      const data = rdata(type as keyof Zone, rec);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(30, 6);
      rr.writeUInt16BE(data.length, 10);
      return Buffer.concat([rr, data]);
    });
    return Buffer.concat([header, question, ...answers]);
  }
}
