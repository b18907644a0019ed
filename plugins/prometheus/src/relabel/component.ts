// prometheus.relabel: rewrites the label set of every series passing through its
// receiver with Prometheus relabel rules and forwards the batches to forward_to
// (Alloy's prometheus.relabel). Results are cached per input series, keyed by the
// producer's (series table, ref), in dense arrays: a series seen before costs one
// array read per sample. Relabelled series are interned in this component's own
// series table, so downstream caches keyed by (table, ref) work too.
import {
  appendToAll,
  type Component,
  type ComponentContext,
  type ComponentDefinition,
  isStaleAt,
  type Labels,
  type MetricsBatch,
  MetricsBatchBuilder,
  type MetricsReceiver,
  type NativeHistogram,
  type NativeHistogramColumns,
  SeriesTable,
} from "@ingot/sdk";
import {
  type RelabelRule,
  type RelabelRuleArguments,
  relabelLabels,
  relabelRuleToConfig,
  rulesFromArguments,
} from "@ingot/sdk/relabel";
import type { Counter, Gauge, Histogram } from "prom-client";
import { promClient } from "./prom-client.js";

export interface RelabelArguments {
  forward_to: MetricsReceiver[];
  rule?: RelabelRuleArguments[];
  max_cache_size: number;
}

export interface RelabelExports {
  receiver: MetricsReceiver;
  rules: readonly RelabelRule[];
}

export const prometheusRelabel: ComponentDefinition<RelabelArguments, RelabelExports> = {
  build(ctx, args) {
    return new RelabelComponent(ctx, args);
  },
};

/** Per input table: out[ref] = output ref + 1, 0 = not cached, -1 = dropped. */
interface TableCache {
  out: Int32Array;
}

const DROPPED = -1;

class RelabelComponent implements Component<RelabelArguments> {
  private forwardTo: MetricsReceiver[];
  private rules: RelabelRule[];
  private maxCache: number;
  private caches = new Map<number, TableCache>();
  private cached = 0;
  private table = new SeriesTable();
  private pool: MetricsBatchBuilder[] = [];
  private readonly m: {
    processed: Counter;
    written: Counter;
    hits: Counter;
    misses: Counter;
    size: Gauge;
    fanoutLatency: Histogram;
    forwarded: Counter;
  };
  readonly receiver: MetricsReceiver;

  constructor(
    private readonly ctx: ComponentContext<RelabelExports>,
    args: RelabelArguments,
  ) {
    this.rules = rulesFromArguments(args.rule);
    this.forwardTo = args.forward_to;
    this.maxCache = args.max_cache_size;
    const registers = [ctx.metrics];
    const counter = (name: string, help: string) => new promClient.Counter({ name, help, registers });
    this.m = {
      processed: counter("prometheus_relabel_metrics_processed", "Total number of metrics processed"),
      written: counter("prometheus_relabel_metrics_written", "Total number of metrics written"),
      hits: counter("prometheus_relabel_cache_hits", "Total number of cache hits"),
      misses: counter("prometheus_relabel_cache_misses", "Total number of cache misses"),
      size: new promClient.Gauge({
        name: "prometheus_relabel_cache_size",
        help: "Total size of relabel cache",
        registers,
      }),
      fanoutLatency: new promClient.Histogram({
        name: "prometheus_fanout_latency",
        help: "Write latency for sending to direct and indirect components",
        registers,
      }),
      forwarded: counter(
        "prometheus_forwarded_samples_total",
        "Total number of samples sent to downstream components.",
      ),
    };
    this.receiver = { append: (b) => this.append(b) };
    ctx.setExports({ receiver: this.receiver, rules: this.rules });
    ctx.setHealth("healthy");
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  update(args: RelabelArguments): void {
    const rules = rulesFromArguments(args.rule);
    this.forwardTo = args.forward_to;
    this.maxCache = args.max_cache_size;
    if (JSON.stringify(rules.map(relabelRuleToConfig)) !== JSON.stringify(this.rules.map(relabelRuleToConfig))) {
      this.rules = rules;
      this.clearCache();
      this.ctx.setExports({ receiver: this.receiver, rules: this.rules });
    } else if (this.cached > this.maxCache) this.clearCache();
  }

  debugInfo(): unknown {
    return {
      rules: this.rules.map(relabelRuleToConfig),
      cache_size: this.cached,
      max_cache_size: this.maxCache,
      output_series: this.table.size,
    };
  }

  /** Forgets every cached result and starts a new output series table. */
  private clearCache(): void {
    this.caches.clear();
    this.cached = 0;
    this.table = new SeriesTable();
    this.pool.length = 0;
    this.m.size.set(0);
  }

  private cacheFor(table: SeriesTable): TableCache {
    let c = this.caches.get(table.id);
    if (!c) {
      c = { out: new Int32Array(Math.max(64, table.size)) };
      this.caches.set(table.id, c);
    } else if (c.out.length < table.size) {
      let n = c.out.length * 2;
      while (n < table.size) n *= 2;
      const grown = new Int32Array(n);
      grown.set(c.out);
      c.out = grown;
    }
    return c;
  }

  /** The output ref + 1 of an input series, or DROPPED. */
  private resolve(table: SeriesTable, cache: TableCache, ref: number): number {
    const hit = cache.out[ref] as number;
    if (hit !== 0) {
      this.hitCount++;
      return hit;
    }
    this.missCount++;
    const labels = this.relabel(table.labels(ref));
    const v = labels === null ? DROPPED : this.table.intern(labels) + 1;
    cache.out[ref] = v;
    this.cached++;
    return v;
  }

  private hitCount = 0;
  private missCount = 0;

  private relabel(labels: Labels): Labels | null {
    const out = relabelLabels(labels, this.rules);
    return out === null || out.length === 0 ? null : out;
  }

  append(batch: MetricsBatch): Promise<void> | undefined {
    const n = batch.length;
    this.m.processed.inc(n);
    if (this.rules.length === 0) return this.forward(batch, n);
    if (this.cached > this.maxCache) this.clearCache();
    const table = batch.series;
    const cache = this.cacheFor(table);
    const b = this.pool.pop() ?? new MetricsBatchBuilder(this.table);
    const builderTable = b.series;
    this.hitCount = 0;
    this.missCount = 0;
    const { refs, timestamps, values } = batch;
    for (let i = 0; i < n; i++) {
      const ref = refs[i] as number;
      const out = this.resolve(table, cache, ref);
      const v = values[i] as number;
      if (out !== DROPPED) b.add(out - 1, timestamps[i] as number, v);
      // A stale marker ends the series: forget its cached result (Alloy does the same).
      if (Number.isNaN(v) && isStaleAt(values, i)) {
        cache.out[ref] = 0;
        this.cached--;
      }
    }
    const ex = batch.exemplars;
    if (ex) {
      for (let i = 0; i < ex.length; i++) {
        const out = this.resolve(table, cache, ex.refs[i] as number);
        if (out !== DROPPED)
          b.addExemplar(out - 1, ex.labels[i] as Labels, ex.values[i] as number, ex.timestamps[i] as number);
      }
    }
    const h = batch.histograms;
    if (h) {
      for (let i = 0; i < h.length; i++) {
        const out = this.resolve(table, cache, h.refs[i] as number);
        if (out !== DROPPED) b.addHistogram(out - 1, h.timestamps[i] as number, histogramAt(h, i));
      }
    }
    if (batch.metadata) for (const md of batch.metadata) b.addMetadata(md);
    this.m.hits.inc(this.hitCount);
    this.m.misses.inc(this.missCount);
    this.m.size.set(this.cached);
    const outBatch = b.build();
    const release = () => {
      b.reset();
      // A builder of a table replaced meanwhile is not reused.
      if (builderTable === this.table) this.pool.push(b);
    };
    if (outBatch.length === 0 && !outBatch.exemplars && !outBatch.histograms && !outBatch.metadata) {
      release();
      return undefined;
    }
    const p = this.forward(outBatch, outBatch.length);
    if (!p) {
      release();
      return undefined;
    }
    return p.then(release, (e) => {
      release();
      throw e;
    });
  }

  private forward(batch: MetricsBatch, n: number): Promise<void> | undefined {
    const start = performance.now();
    const p = appendToAll(this.forwardTo, batch);
    this.m.written.inc(n);
    this.m.forwarded.inc(n * this.forwardTo.length);
    if (!p) {
      this.m.fanoutLatency.observe((performance.now() - start) / 1000);
      return undefined;
    }
    return p.then(() => {
      this.m.fanoutLatency.observe((performance.now() - start) / 1000);
    });
  }
}

function histogramAt(h: NativeHistogramColumns, i: number): NativeHistogram {
  const ps = h.positiveSpanStart[i] as number;
  const pe = h.positiveSpanStart[i + 1] as number;
  const pb = h.positiveBucketStart[i] as number;
  const pbe = h.positiveBucketStart[i + 1] as number;
  const ns = h.negativeSpanStart[i] as number;
  const ne = h.negativeSpanStart[i + 1] as number;
  const nb = h.negativeBucketStart[i] as number;
  const nbe = h.negativeBucketStart[i + 1] as number;
  const positiveSpans = [];
  for (let k = ps; k < pe; k++)
    positiveSpans.push({ offset: h.positiveSpanOffsets[k] as number, length: h.positiveSpanLengths[k] as number });
  const negativeSpans = [];
  for (let k = ns; k < ne; k++)
    negativeSpans.push({ offset: h.negativeSpanOffsets[k] as number, length: h.negativeSpanLengths[k] as number });
  return {
    count: h.counts[i] as number,
    sum: h.sums[i] as number,
    schema: h.schemas[i] as number,
    zeroThreshold: h.zeroThresholds[i] as number,
    zeroCount: h.zeroCounts[i] as number,
    resetHint: h.resetHints[i] as number,
    positiveSpans,
    positiveBuckets: Array.from(h.positiveBuckets.subarray(pb, pbe)),
    negativeSpans,
    negativeBuckets: Array.from(h.negativeBuckets.subarray(nb, nbe)),
  };
}
