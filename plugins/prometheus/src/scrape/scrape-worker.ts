// A scrape worker's entry (worker_threads; started by pool.ts). Holds a TargetScraper
// per target pinned to this worker and an HTTP client per component configuration;
// answers each scrape with a ScrapeResult whose sample columns are copied into fresh
// buffers and transferred (no per-sample serialisation). Built to dist/scrape-worker.js
// next to the plugin bundle.
import { parentPort } from "node:worker_threads";
import type { ScrapeArguments } from "./args.js";
import { ScrapeClient } from "./http.js";
import type { FromWorker, ToWorker } from "./pool.js";
import { type CoreTarget, type ScrapeCoreArgs, type ScrapeResult, TargetScraper } from "./target-scraper.js";

interface Client {
  args: ScrapeCoreArgs;
  http: ScrapeClient;
}

interface Target {
  scraper: TargetScraper;
  cid: number;
  inflight: AbortController | undefined;
}

const clients = new Map<number, Client>();
const targets = new Map<number, Target>();
const port = parentPort;
if (!port) throw new Error("scrape-worker.js runs only as a worker thread");

function send(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(m, transfer);
}

/**
 * Buffers the main thread handed back after forwarding a result (pool.recycle): reused
 * for the next results, so steady-state scrapes allocate no new backing stores.
 */
const free: ArrayBuffer[] = [];
const FREE_MAX = 192;

function take(bytes: number): ArrayBuffer {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const b = free[i] as ArrayBuffer;
    if (b.byteLength >= bytes && (best < 0 || b.byteLength < (free[best] as ArrayBuffer).byteLength)) best = i;
  }
  if (best >= 0) {
    const b = free[best] as ArrayBuffer;
    free[best] = free[free.length - 1] as ArrayBuffer;
    free.pop();
    return b;
  }
  // A little head room, so a target whose sample count varies keeps reusing its buffers.
  return new ArrayBuffer(Math.max(64, Math.ceil((bytes * 1.25) / 8) * 8));
}

function copyU32(a: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(take(n * 4), 0, n);
  out.set(a.subarray(0, n));
  return out;
}

function copyF64(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(take(n * 8), 0, n);
  out.set(a.subarray(0, n));
  return out;
}

/** Copies the result's views out of the scraper's reused buffers, listing what to transfer. */
function detach(r: ScrapeResult): { result: ScrapeResult; transfer: ArrayBuffer[] } {
  const ids = copyU32(r.ids, r.length);
  const timestamps = copyF64(r.timestamps, r.length);
  const values = copyF64(r.values, r.length);
  const newLabels = r.newLabels.slice();
  const out: ScrapeResult = { ...r, ids, timestamps, values, newLabels };
  const transfer = [ids.buffer, timestamps.buffer, values.buffer, newLabels.buffer] as ArrayBuffer[];
  if (r.exemplars) {
    const e = r.exemplars;
    out.exemplars = {
      length: e.length,
      ids: e.ids.slice(0, e.length),
      labels: e.labels,
      values: e.values.slice(0, e.length),
      timestamps: e.timestamps.slice(0, e.length),
    };
  }
  if (r.histograms) {
    const h = r.histograms;
    const copy: Record<string, unknown> = { length: h.length };
    for (const [k, v] of Object.entries(h)) if (k !== "length") copy[k] = (v as Float64Array).slice();
    out.histograms = copy as unknown as ScrapeResult["histograms"];
  }
  if (r.compact) transfer.push(r.compact.buffer as ArrayBuffer);
  return { result: out, transfer };
}

async function scrape(m: Extract<ToWorker, { t: "scrape" }>): Promise<void> {
  if (m.args !== undefined) {
    const args = m.args as ScrapeCoreArgs;
    clients.set(m.cid, { args, http: new ScrapeClient(args as ScrapeArguments) });
  }
  const c = clients.get(m.cid);
  if (!c) throw new Error(`unknown client ${m.cid}`);
  let t = targets.get(m.tid);
  if (m.target !== undefined) {
    t = { scraper: new TargetScraper(m.target as CoreTarget, c.args), cid: m.cid, inflight: undefined };
    targets.set(m.tid, t);
  }
  if (!t) throw new Error(`unknown target ${m.tid}`);
  if (t.cid !== m.cid) {
    t.scraper.setArgs(c.args);
    t.cid = m.cid;
  }
  const ac = new AbortController();
  t.inflight = ac;
  try {
    const r = await t.scraper.scrape(c.http, ac.signal, m.forcedError);
    const { result, transfer } = detach(r);
    send({ rid: m.rid, result }, transfer);
  } finally {
    if (t.inflight === ac) t.inflight = undefined;
  }
}

port.on("message", (m: ToWorker) => {
  switch (m.t) {
    case "scrape":
      scrape(m).catch((e: Error) => send({ rid: m.rid, error: e.message }));
      break;
    case "abort":
      targets.get(m.tid)?.inflight?.abort();
      break;
    case "remove": {
      const t = targets.get(m.tid);
      targets.delete(m.tid);
      t?.inflight?.abort();
      send({ rid: m.rid, ids: m.wantIds && t ? t.scraper.lastIds() : undefined });
      break;
    }
    case "recycle":
      for (const b of m.buffers) if (free.length < FREE_MAX) free.push(b);
      break;
    case "dropClient": {
      const c = clients.get(m.cid);
      clients.delete(m.cid);
      // In-flight scrapes of the old configuration keep their sockets until they end.
      if (c) setTimeout(() => c.http.close(), 30_000).unref();
      break;
    }
  }
});
