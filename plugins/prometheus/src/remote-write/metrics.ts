// Metrics of prometheus.remote_write, named as Prometheus's queue manager and Alloy's WAL.
import { createRequire } from "node:module";
import type * as PromClient from "prom-client";
import type { Counter as CounterT, Gauge as GaugeT, Histogram as HistogramT, Registry } from "prom-client";

// prom-client is loaded from node_modules at run time (the bundle must share the
// runtime's copy; a bundled copy of this CommonJS package fails to load as ESM).
const { Counter, Gauge, Histogram } = createRequire(import.meta.url)("prom-client") as typeof PromClient;
type Counter = CounterT;
type Gauge = GaugeT;
type Histogram = HistogramT;

import type { Wal } from "./wal.js";

type Inc = { inc(n?: number): void };
type SetG = { set(v: number): void };
type Obs = { observe(v: number): void };

export interface QueueMetrics {
  samplesTotal: Inc;
  samplesFailed: Inc;
  samplesRetried: Inc;
  exemplarsTotal: Inc;
  exemplarsFailed: Inc;
  exemplarsRetried: Inc;
  histogramsTotal: Inc;
  histogramsFailed: Inc;
  histogramsRetried: Inc;
  metadataTotal: Inc;
  metadataFailed: Inc;
  metadataBytes: Inc;
  bytesTotal: Inc;
  pending: SetG;
  shards: SetG;
  shardsDesired: SetG;
  shardsMin: SetG;
  shardsMax: SetG;
  highestSent: SetG;
  batchDuration: Obs;
  dropped(reason: string): Inc;
}

const EP = ["remote_name", "url"];

export class RemoteWriteMetrics {
  private readonly c: Record<string, Counter | Gauge | Histogram> = {};
  private readonly dropped: Counter;

  constructor(registry: Registry, walRef: () => Wal | undefined) {
    const counter = (name: string, help: string) =>
      (this.c[name] = new Counter({ name, help, labelNames: EP, registers: [registry] }));
    const gauge = (name: string, help: string) =>
      (this.c[name] = new Gauge({ name, help, labelNames: EP, registers: [registry] }));
    counter("prometheus_remote_storage_samples_total", "Total number of samples sent to remote storage.");
    counter(
      "prometheus_remote_storage_samples_failed_total",
      "Total number of samples which failed on send to remote storage, non-recoverable errors.",
    );
    counter(
      "prometheus_remote_storage_samples_retried_total",
      "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.",
    );
    counter("prometheus_remote_storage_exemplars_total", "Total number of exemplars sent to remote storage.");
    counter(
      "prometheus_remote_storage_exemplars_failed_total",
      "Total number of exemplars which failed on send to remote storage, non-recoverable errors.",
    );
    counter(
      "prometheus_remote_storage_exemplars_retried_total",
      "Total number of exemplars which failed on send to remote storage but were retried because the send error was recoverable.",
    );
    counter("prometheus_remote_storage_histograms_total", "Total number of histograms sent to remote storage.");
    counter(
      "prometheus_remote_storage_histograms_failed_total",
      "Total number of histograms which failed on send to remote storage, non-recoverable errors.",
    );
    counter(
      "prometheus_remote_storage_histograms_retried_total",
      "Total number of histograms which failed on send to remote storage but were retried because the send error was recoverable.",
    );
    counter("prometheus_remote_storage_metadata_total", "Total number of metadata entries sent to remote storage.");
    counter(
      "prometheus_remote_storage_metadata_failed_total",
      "Total number of metadata entries which failed on send to remote storage, non-recoverable errors.",
    );
    counter(
      "prometheus_remote_storage_metadata_bytes_total",
      "The total number of bytes of metadata sent by the queue after compression.",
    );
    counter(
      "prometheus_remote_storage_bytes_total",
      "The total number of bytes of data (not metadata) sent by the queue after compression.",
    );
    gauge(
      "prometheus_remote_storage_samples_pending",
      "The number of samples pending in the queues shards to be sent to the remote storage.",
    );
    gauge("prometheus_remote_storage_shards", "The number of shards used for parallel sending to the remote storage.");
    gauge(
      "prometheus_remote_storage_shards_desired",
      "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.",
    );
    gauge("prometheus_remote_storage_shards_min", "The minimum number of shards that the queue is allowed to run.");
    gauge("prometheus_remote_storage_shards_max", "The maximum number of shards that the queue is allowed to run.");
    gauge(
      "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
      "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.",
    );
    this.c.prometheus_remote_storage_sent_batch_duration_seconds = new Histogram({
      name: "prometheus_remote_storage_sent_batch_duration_seconds",
      help: "Duration of send calls to the remote storage.",
      labelNames: EP,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300],
      registers: [registry],
    });
    this.dropped = new Counter({
      name: "prometheus_remote_storage_samples_dropped_total",
      help: "Total number of samples which were dropped after being read from the WAL before being sent via remote write, by reason.",
      labelNames: [...EP, "reason"],
      registers: [registry],
    });
    const wal = walRef;
    new Gauge({
      name: "prometheus_remote_storage_highest_timestamp_in_seconds",
      help: "Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.",
      registers: [registry],
      collect() {
        this.set((wal()?.highestTimestampMs ?? 0) / 1000);
      },
    });
    new Gauge({
      name: "prometheus_remote_write_wal_storage_active_series",
      help: "Current number of active series being tracked by the WAL storage.",
      registers: [registry],
      collect() {
        this.set(wal()?.series.active ?? 0);
      },
    });
    const walCounter = (name: string, help: string, get: (w: Wal) => number) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          const w = wal();
          if (!w) return;
          this.reset();
          this.inc(get(w));
        },
      });
    walCounter(
      "prometheus_remote_write_wal_samples_appended_total",
      "Total number of samples appended to the WAL.",
      (w) => w.samplesAppended,
    );
    walCounter(
      "prometheus_remote_write_wal_exemplars_appended_total",
      "Total number of exemplars appended to the WAL.",
      (w) => w.exemplarsAppended,
    );
    walCounter(
      "prometheus_remote_write_wal_histograms_appended_total",
      "Total number of native histograms appended to the WAL.",
      (w) => w.histogramsAppended,
    );
    walCounter(
      "prometheus_remote_write_wal_storage_created_series_total",
      "Total number of created series appended to the WAL.",
      (w) => w.series.created,
    );
    walCounter(
      "prometheus_remote_write_wal_storage_removed_series_total",
      "Total number of created series removed from the WAL.",
      (w) => w.series.removed,
    );
    walCounter("prometheus_tsdb_wal_corruptions_total", "Total number of WAL corruptions.", (w) => w.stats.corruptions);
    walCounter("prometheus_tsdb_wal_fsyncs_total", "Total number of WAL fsyncs.", (w) => w.fsyncs);
    walCounter("prometheus_tsdb_wal_bytes_written_total", "Total bytes written to the WAL.", (w) => w.bytesWritten);
    this.truncations = new Counter({
      name: "prometheus_tsdb_wal_truncations_total",
      help: "Total number of WAL truncations attempted.",
      registers: [registry],
    });
    new Gauge({
      name: "prometheus_tsdb_wal_segment_current",
      help: "Write log segment index that TSDB is currently writing to.",
      registers: [registry],
      collect() {
        const w = wal();
        if (w) this.set(w.end().seg);
      },
    });
  }

  readonly truncations: Counter;

  forEndpoint(name: string, url: string): QueueMetrics {
    const l = (n: string) => (this.c[n] as Counter).labels(name, url);
    const g = (n: string) => (this.c[n] as Gauge).labels(name, url);
    const droppedCounter = this.dropped;
    return {
      samplesTotal: l("prometheus_remote_storage_samples_total"),
      samplesFailed: l("prometheus_remote_storage_samples_failed_total"),
      samplesRetried: l("prometheus_remote_storage_samples_retried_total"),
      exemplarsTotal: l("prometheus_remote_storage_exemplars_total"),
      exemplarsFailed: l("prometheus_remote_storage_exemplars_failed_total"),
      exemplarsRetried: l("prometheus_remote_storage_exemplars_retried_total"),
      histogramsTotal: l("prometheus_remote_storage_histograms_total"),
      histogramsFailed: l("prometheus_remote_storage_histograms_failed_total"),
      histogramsRetried: l("prometheus_remote_storage_histograms_retried_total"),
      metadataTotal: l("prometheus_remote_storage_metadata_total"),
      metadataFailed: l("prometheus_remote_storage_metadata_failed_total"),
      metadataBytes: l("prometheus_remote_storage_metadata_bytes_total"),
      bytesTotal: l("prometheus_remote_storage_bytes_total"),
      pending: g("prometheus_remote_storage_samples_pending"),
      shards: g("prometheus_remote_storage_shards"),
      shardsDesired: g("prometheus_remote_storage_shards_desired"),
      shardsMin: g("prometheus_remote_storage_shards_min"),
      shardsMax: g("prometheus_remote_storage_shards_max"),
      highestSent: g("prometheus_remote_storage_queue_highest_sent_timestamp_seconds"),
      batchDuration: (this.c.prometheus_remote_storage_sent_batch_duration_seconds as Histogram).labels(name, url),
      dropped: (reason: string) => droppedCounter.labels(name, url, reason),
    };
  }

  /** Removes an endpoint's series (after it left the config). */
  removeEndpoint(name: string, url: string): void {
    for (const m of Object.values(this.c)) m.remove(name, url);
  }
}
