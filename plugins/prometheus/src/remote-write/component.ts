// prometheus.remote_write: a WAL under the component's data directory and one queue per
// endpoint reading from it. append() writes the batch to the WAL (series first) and
// returns; the queues pick the records up from the WAL files, so what was accepted is
// sent after an endpoint outage or a restart (the per-endpoint "delivered up to"
// positions are saved in <dataPath>/positions.json every second and on stop).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ComponentContext,
  defineComponent,
  type Labels,
  labelsFromObject,
  type MetricMetadata,
  type MetricsBatch,
  type MetricsReceiver,
} from "@ingot/sdk";
import { type RelabelConfig, rulesFromArguments } from "@ingot/sdk/relabel";
import { RemoteWriteMetrics } from "./metrics.js";
import { type EndpointConfig, EndpointQueue } from "./queue.js";
import { comparePos, Wal, type WalPosition } from "./wal.js";

export interface RemoteWriteEndpointArguments extends EndpointConfig {
  write_relabel_config?: RelabelConfig[];
}

export interface RemoteWriteArguments {
  endpoint?: RemoteWriteEndpointArguments[];
  external_labels?: Record<string, string>;
  wal: { truncate_frequency: number; min_keepalive_time: number; max_keepalive_time: number };
}

export interface RemoteWriteExports {
  receiver: MetricsReceiver;
}

/** Test hooks: a smaller segment size; internal only. */
export const walTuning = { segmentSize: 64 * 1024 * 1024, positionsIntervalMs: 1000 };

function endpointName(e: RemoteWriteEndpointArguments): string {
  return e.name || createHash("sha256").update(e.url).digest("hex").slice(0, 6);
}

export const remoteWrite = defineComponent<RemoteWriteArguments, RemoteWriteExports>({
  build(ctx: ComponentContext<RemoteWriteExports>, args: RemoteWriteArguments) {
    const walDir = join(ctx.dataPath, "wal");
    mkdirSync(walDir, { recursive: true });
    const positionsFile = join(ctx.dataPath, "positions.json");
    const log = (level: "debug" | "info" | "warn" | "error", msg: string, f?: Record<string, unknown>) =>
      ctx.logger[level](msg, f ?? {});
    const wal = new Wal({ dir: walDir, segmentSize: walTuning.segmentSize, log });
    wal.open();
    if (wal.stats.replayedRecords > 0)
      log("info", "replayed WAL", { records: wal.stats.replayedRecords, series: wal.series.size });
    const metrics = new RemoteWriteMetrics(ctx.metrics, () => wal);
    const metadata = new Map<string, MetricMetadata>();
    let saved: Record<string, WalPosition> = {};
    try {
      saved = JSON.parse(readFileSync(positionsFile, "utf8")).endpoints ?? {};
    } catch {
      // no positions yet
    }
    let current = args;
    let queues: EndpointQueue[] = [];
    let lastSaved = "";
    let lastError = "";

    function savePositions(): void {
      const endpoints: Record<string, WalPosition> = {};
      for (const q of queues) endpoints[q.cfg.name] = q.delivered;
      const text = JSON.stringify({ endpoints });
      if (text === lastSaved) return;
      const tmp = `${positionsFile}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, positionsFile);
      lastSaved = text;
    }

    function makeQueues(a: RemoteWriteArguments): EndpointQueue[] {
      const external: Labels = labelsFromObject(a.external_labels ?? {});
      const names = new Set<string>();
      const out: EndpointQueue[] = [];
      for (const e of a.endpoint ?? []) {
        const name = endpointName(e);
        if (names.has(name)) throw new Error(`endpoint name ${JSON.stringify(name)} is used more than once`);
        names.add(name);
        const rules = rulesFromArguments(e.write_relabel_config);
        let start = saved[name] ?? wal.end();
        if (start.seg < wal.firstSegment()) start = { seg: wal.firstSegment(), off: 0 };
        if (comparePos(start, wal.end()) > 0) start = wal.end();
        const q = new EndpointQueue({
          cfg: { ...e, name },
          wal,
          externalLabels: external,
          rules,
          metrics: metrics.forEndpoint(name, e.url),
          start,
          log: (level, msg, f) => log(level, msg, { endpoint: name, ...f }),
        });
        q.metadataSource = () => [...metadata.values()];
        out.push(q);
      }
      return out;
    }

    queues = makeQueues(args);
    const receiver: MetricsReceiver = {
      append(batch: MetricsBatch) {
        try {
          wal.append(batch);
        } catch (e) {
          lastError = `WAL write failed: ${(e as Error).message}`;
          ctx.setHealth("unhealthy", lastError);
          throw e;
        }
        if (batch.metadata) for (const m of batch.metadata) metadata.set(m.family, m);
      },
    };
    ctx.setExports({ receiver });
    ctx.setHealth("healthy", "WAL open");

    let timers: NodeJS.Timeout[] = [];
    function startTimers(): void {
      const pos = setInterval(() => {
        try {
          savePositions();
        } catch (e) {
          log("warn", "cannot save WAL positions", { err: (e as Error).message });
        }
      }, walTuning.positionsIntervalMs);
      const trunc = setInterval(() => truncate(), current.wal.truncate_frequency);
      pos.unref();
      trunc.unref();
      timers = [pos, trunc];
    }
    function truncate(now = Date.now()): number[] {
      let lowest = wal.end().seg;
      for (const q of queues) lowest = Math.min(lowest, q.delivered.seg);
      // Series GC as Alloy's truncation loop: series without samples since the lowest
      // timestamp every endpoint has sent minus min_keepalive_time (at most max_keepalive_time
      // ago) are dropped, if every endpoint has passed the segments holding their records.
      let lowestSent = queues.length > 0 ? Number.POSITIVE_INFINITY : wal.highestTimestampMs;
      for (const q of queues) lowestSent = Math.min(lowestSent, q.highestSentTimestampMs);
      let ts = Math.max(0, lowestSent - current.wal.min_keepalive_time);
      const maxTs = now - current.wal.max_keepalive_time;
      if (ts < maxTs) ts = maxTs;
      const removed = wal.gcSeries(ts, lowest);
      if (removed.length > 0) {
        for (const q of queues) q.forgetSeries(removed);
        log("debug", "garbage-collected WAL series", { removed: removed.length, active: wal.series.active });
      }
      metrics.truncations.inc();
      const deleted = wal.truncate(lowest, current.wal.min_keepalive_time, current.wal.max_keepalive_time, now);
      if (deleted.length > 0) log("debug", "truncated WAL", { segments: deleted.join(",") });
      return deleted;
    }

    for (const q of queues) q.start();
    startTimers();
    let stopped = false;

    return {
      async run(signal: AbortSignal) {
        if (signal.aborted) return;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
      async update(next: RemoteWriteArguments) {
        const fresh = makeQueues(next); // throws on invalid endpoints: keep the old ones
        savePositions();
        for (const q of queues) await q.stop();
        for (const q of queues) {
          saved[q.cfg.name] = q.delivered;
          if (!fresh.some((f) => f.cfg.name === q.cfg.name)) metrics.removeEndpoint(q.cfg.name, q.cfg.url);
        }
        // Rebuild with the positions just reached.
        current = next;
        queues = makeQueues(next);
        for (const q of queues) q.start();
        for (const t of timers) clearInterval(t);
        startTimers();
        savePositions();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const t of timers) clearInterval(t);
        await Promise.all(queues.map((q) => q.stop()));
        try {
          savePositions();
        } catch (e) {
          log("warn", "cannot save WAL positions", { err: (e as Error).message });
        }
        wal.close();
      },
      debugInfo() {
        return {
          wal: {
            directory: walDir,
            segments: wal.segmentCount(),
            current_segment: wal.end().seg,
            active_series: wal.series.active,
            removed_series: wal.series.removed,
            samples_appended: wal.samplesAppended,
            bytes_written: wal.bytesWritten,
            replayed_records: wal.stats.replayedRecords,
            corruptions: wal.stats.corruptions,
          },
          endpoints: queues.map((q) => q.debug()),
          last_error: lastError,
        };
      },
      /** Internal (tests): truncate now. */
      truncateNow: truncate,
      /** Internal (tests): the queues. */
      queues: () => queues,
    } as never;
  },
});
