// A scrape target we control: every scrape answers `e2e_seq{idx="0".."N-1"} <n>` where
// n counts the scrapes served (1, 2, 3, ...), so each scrape's samples are
// distinguishable by value and the test knows exactly what was scraped and when.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export class SeqTarget {
  /** serve time (ms since epoch) of scrape n is served[n-1] */
  readonly served: number[] = [];
  private constructor(
    private readonly server: Server,
    readonly series: number,
  ) {}

  static async start(series = 10): Promise<SeqTarget> {
    let target: SeqTarget | undefined;
    const server = createServer((req, res) => {
      if (!target || req.url?.split("?")[0] !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      const n = target.served.length + 1;
      target.served.push(Date.now());
      let body = "# HELP e2e_seq The number of the scrape that returned this sample.\n# TYPE e2e_seq gauge\n";
      for (let i = 0; i < target.series; i++) body += `e2e_seq{idx="${i}"} ${n}\n`;
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }).end(body);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    target = new SeqTarget(server, series);
    return target;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Scrapes served so far (= the highest value served). */
  get count(): number {
    return this.served.length;
  }

  /** The highest scrape number served at or before `time` (ms since epoch). */
  countAt(time: number): number {
    let n = 0;
    while (n < this.served.length && (this.served[n] as number) <= time) n++;
    return n;
  }

  async close(): Promise<void> {
    this.server.close();
    this.server.closeAllConnections();
  }
}
