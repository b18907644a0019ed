// The runtime's metrics registry: controller metrics (named as Alloy's, with the
// `ingot_` prefix), process metrics, and every component's own registry merged in
// with a `component_id` label on each series.
import type { ComponentHealth } from "@ingot/sdk";
import { collectDefaultMetrics, Gauge, Histogram, type MetricObject, Registry } from "prom-client";
import { HEALTH_STATES } from "./health.js";

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface MetricSnapshot {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: MetricValue[];
}

/** A Registry whose output also holds the series of each component's registry, labelled with its id. */
export class RuntimeRegistry extends Registry {
  private readonly components = new Map<string, Registry>();

  addComponent(id: string, registry: Registry): void {
    this.components.set(id, registry);
  }

  removeComponent(id: string): void {
    this.components.delete(id);
  }

  override getMetricsAsArray(): MetricObject[] {
    const own = super.getMetricsAsArray();
    if (this.components.size === 0) return own;
    const taken = new Set(own.map((m) => m.name));
    // Group component metrics by name so one family holds every component's series.
    const families = new Map<string, { first: MetricObject; members: [string, MetricObject][] }>();
    for (const [id, reg] of this.components) {
      for (const m of reg.getMetricsAsArray()) {
        if (taken.has(m.name)) continue; // a component may not shadow a runtime metric
        let f = families.get(m.name);
        if (!f) {
          f = { first: m, members: [] };
          families.set(m.name, f);
        }
        if (m.type === f.first.type) f.members.push([id, m]);
      }
    }
    const merged: MetricObject[] = [];
    for (const [name, f] of families) {
      const family = {
        name,
        help: f.first.help,
        type: f.first.type,
        aggregator: f.first.aggregator,
        collect() {},
        async get(): Promise<MetricSnapshot> {
          const values: MetricValue[] = [];
          for (const [id, m] of f.members) {
            const snap = (await (m as unknown as { get(): Promise<MetricSnapshot> }).get()) as MetricSnapshot;
            for (const v of snap.values ?? []) values.push({ ...v, labels: { ...v.labels, component_id: id } });
          }
          return {
            name,
            help: f.first.help,
            type: String(f.first.type),
            aggregator: String(f.first.aggregator),
            values,
          };
        },
      };
      merged.push(family as unknown as MetricObject);
    }
    return own.concat(merged);
  }
}

/** What the controller metrics read from the running graph. */
export interface ControllerView {
  componentHealth(): { id: string; name: string; health: ComponentHealth }[];
  queueSize(): number;
}

// Alloy's buckets: 5ms .. 10m.
const EVALUATION_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600];

export class ControllerMetrics {
  readonly evaluating: Gauge;
  readonly evaluationSeconds: Histogram;
  readonly dependenciesWaitSeconds: Histogram;
  readonly queueSize: Gauge;

  constructor(registry: Registry, view: ControllerView, options: { defaultMetrics: boolean }) {
    const registers = [registry];
    this.evaluating = new Gauge({
      name: "ingot_component_controller_evaluating",
      help: "Tracks if the controller is currently in the middle of a graph evaluation",
      registers,
    });
    this.evaluationSeconds = new Histogram({
      name: "ingot_component_evaluation_seconds",
      help: "Time spent performing component evaluation",
      buckets: EVALUATION_BUCKETS,
      registers,
    });
    this.dependenciesWaitSeconds = new Histogram({
      name: "ingot_component_dependencies_wait_seconds",
      help: "Time spent by components waiting to be evaluated after their dependency is updated.",
      buckets: EVALUATION_BUCKETS,
      registers,
    });
    this.queueSize = new Gauge({
      name: "ingot_component_evaluation_queue_size",
      help: "Tracks the number of components waiting to be evaluated",
      registers,
      collect() {
        this.set(view.queueSize());
      },
    });
    new Gauge({
      name: "ingot_component_controller_running_components",
      help: "Total number of running components, by health",
      labelNames: ["health_type"],
      registers,
      collect() {
        const counts = new Map<string, number>(HEALTH_STATES.map((h) => [h, 0]));
        for (const c of view.componentHealth()) counts.set(c.health.state, (counts.get(c.health.state) ?? 0) + 1);
        for (const [h, n] of counts) this.set({ health_type: h }, n);
      },
    });
    new Gauge({
      name: "ingot_component_controller_health",
      help: "Component health: 1 for the component's current health type, 0 for the others",
      labelNames: ["component_id", "component_name", "health_type"],
      registers,
      collect() {
        this.reset();
        for (const c of view.componentHealth()) {
          for (const h of HEALTH_STATES) {
            this.set({ component_id: c.id, component_name: c.name, health_type: h }, c.health.state === h ? 1 : 0);
          }
        }
      },
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  }
}
