// OTLP data as the OTLP/JSON mapping of the protobuf messages (camelCase fields,
// 64-bit integers and nanosecond times as decimal strings, ids as hex strings), which
// both the gRPC and HTTP receivers can produce. Types cover what components read;
// unknown fields may be present and must be passed on.

/** Capsule type name of an OtlpConsumer (Alloy's otelcol.Consumer). */
export const CAPSULE_OTEL_CONSUMER = "OtelConsumer";

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string (OTLP/JSON), or a number when it fits. */
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
  /** base64 */
  bytesValue?: string;
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

// ---- traces ----

export interface SpanEvent {
  timeUnixNano: string;
  name: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface Span {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  events?: SpanEvent[];
  droppedEventsCount?: number;
  links?: SpanLink[];
  droppedLinksCount?: number;
  /** code: 0 unset, 1 ok, 2 error. */
  status?: { message?: string; code?: number };
}

export interface ScopeSpans {
  scope?: InstrumentationScope;
  spans: Span[];
  schemaUrl?: string;
}

export interface ResourceSpans {
  resource?: Resource;
  scopeSpans: ScopeSpans[];
  schemaUrl?: string;
}

export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
}

// ---- metrics ----

export interface NumberDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string | number;
  exemplars?: Exemplar[];
  flags?: number;
}

export interface Exemplar {
  filteredAttributes?: KeyValue[];
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string | number;
  spanId?: string;
  traceId?: string;
}

export interface HistogramDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  count: string | number;
  sum?: number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
  exemplars?: Exemplar[];
  flags?: number;
  min?: number;
  max?: number;
}

export interface ExponentialHistogramDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  count: string | number;
  sum?: number;
  scale: number;
  zeroCount?: string | number;
  positive?: { offset?: number; bucketCounts?: (string | number)[] };
  negative?: { offset?: number; bucketCounts?: (string | number)[] };
  flags?: number;
  exemplars?: Exemplar[];
  min?: number;
  max?: number;
  zeroThreshold?: number;
}

export interface SummaryDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  count: string | number;
  sum: number;
  quantileValues?: { quantile: number; value: number }[];
  flags?: number;
}

/** 1 delta, 2 cumulative. */
export type AggregationTemporality = 0 | 1 | 2;

export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints: NumberDataPoint[] };
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality?: AggregationTemporality; isMonotonic?: boolean };
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality?: AggregationTemporality };
  exponentialHistogram?: {
    dataPoints: ExponentialHistogramDataPoint[];
    aggregationTemporality?: AggregationTemporality;
  };
  summary?: { dataPoints: SummaryDataPoint[] };
  metadata?: KeyValue[];
}

export interface ScopeMetrics {
  scope?: InstrumentationScope;
  metrics: Metric[];
  schemaUrl?: string;
}

export interface ResourceMetrics {
  resource?: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl?: string;
}

export interface ExportMetricsServiceRequest {
  resourceMetrics: ResourceMetrics[];
}

// ---- logs ----

export interface LogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  /** 1..24 (TRACE..FATAL4), 0 unspecified. */
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ScopeLogs {
  scope?: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl?: string;
}

export interface ResourceLogs {
  resource?: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl?: string;
}

export interface ExportLogsServiceRequest {
  resourceLogs: ResourceLogs[];
}

/**
 * What otelcol.* components send to (an `output { traces = [...] }` element; exported
 * as `input`). Each method may return a promise for backpressure. A component that
 * does not handle a signal throws or rejects with an Error saying so. Requests are
 * shared between consumers: never mutate one you received; copy first.
 */
export interface OtlpConsumer {
  consumeTraces(request: ExportTraceServiceRequest): void | Promise<void>;
  consumeMetrics(request: ExportMetricsServiceRequest): void | Promise<void>;
  consumeLogs(request: ExportLogsServiceRequest): void | Promise<void>;
}

/** Counts in a request, for metrics and debug info. */
export function countSpans(r: ExportTraceServiceRequest): number {
  let n = 0;
  for (const rs of r.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

export function countLogRecords(r: ExportLogsServiceRequest): number {
  let n = 0;
  for (const rl of r.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

export function countDataPoints(r: ExportMetricsServiceRequest): number {
  let n = 0;
  for (const rm of r.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        n +=
          (m.gauge?.dataPoints.length ?? 0) +
          (m.sum?.dataPoints.length ?? 0) +
          (m.histogram?.dataPoints.length ?? 0) +
          (m.exponentialHistogram?.dataPoints.length ?? 0) +
          (m.summary?.dataPoints.length ?? 0);
      }
  return n;
}
