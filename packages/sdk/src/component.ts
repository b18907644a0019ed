// The component contract: what a plugin's code implements and what the runtime hands
// it. Modelled on Alloy's component.Component (Run/Update, exports, health, debug
// info, HTTP handler) and the OpenTelemetry Collector's factories (a definition
// builds a component from validated arguments).
//
// Values that cross the runtime/plugin boundary are plain JavaScript: a plugin may be
// loaded with its own copy of @ingot/sdk, so nothing here relies on `instanceof`
// across packages; branded objects use Symbol.for keys instead (see values.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

/** A component's health, as Alloy reports it. */
export type HealthState = "healthy" | "unhealthy" | "unknown" | "exited";

export interface ComponentHealth {
  state: HealthState;
  message: string;
  /** When the state last changed. */
  updatedAt: Date;
}

/** Structured logger handed to each component; fields are logged as key=value pairs. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry these fields too. */
  child(fields: Record<string, unknown>): Logger;
}

/**
 * An HTTP handler mounted at `/api/v0/component/{id}/`. `path` is the part of the
 * request path after that prefix, starting with "/" (the query string stripped; read
 * `req.url` for it). The handler owns the response and must end it.
 */
export type ComponentHttpHandler = (req: IncomingMessage, res: ServerResponse, path: string) => void | Promise<void>;

/** What the runtime gives a component when it builds it. */
export interface ComponentContext<Exports = Record<string, unknown>> {
  /** The node id: `local.file.name`; inside a module, prefixed by the module's path. */
  readonly id: string;
  /** `<storage.path>/<id>`: created by the runtime before build; the component's own. */
  readonly dataPath: string;
  readonly logger: Logger;
  /**
   * A prom-client registry for this component's own metrics. Every series it holds is
   * exposed on `/metrics` with the label `component_id="<id>"` added.
   */
  readonly metrics: Registry;
  /**
   * Ingot's HTTP server as "host:port" (for exports such as prometheus.exporter.self's
   * targets), or undefined when Ingot serves no HTTP (tests, `ingot validate`). Read it
   * when needed: it is set once the server listens.
   */
  readonly httpAddress: string | undefined;
  /** Where this component's `handler` is mounted: `/api/v0/component/<id>/`. */
  readonly httpPathPrefix: string;
  /**
   * Publishes new exports (validated against the component's exports schema). When
   * they differ (deep compare) from the previous ones, components that reference
   * them are re-evaluated. Safe to call from build, update and run.
   */
  setExports(exports: Exports): void;
  /** Reports the component's own health; the runtime stamps the time. */
  setHealth(state: HealthState, message?: string): void;
}

/** A running component. */
export interface Component<Args = Record<string, unknown>> {
  /**
   * Runs until the signal aborts, then resolves. A run that returns (or throws)
   * before the signal aborts leaves the component in the `exited` state.
   */
  run(signal: AbortSignal): Promise<void>;
  /** New validated arguments (called only when they differ from the previous ones). */
  update(args: Args): void | Promise<void>;
  /** Optional cleanup after run has resolved (close files, flush queues). */
  stop?(): void | Promise<void>;
  /** Optional current health; when absent, the last setHealth call counts. */
  health?(): ComponentHealth;
  /** Optional debug information shown in the API and UI (plain JSON). */
  debugInfo?(): unknown;
  /** Optional HTTP handler mounted at `/api/v0/component/{id}/`. */
  handler?: ComponentHttpHandler;
}

/** How a plugin builds one kind of component from validated arguments. */
// biome-ignore lint/suspicious/noExplicitAny: definitions of any argument type share one registry.
export interface ComponentDefinition<Args = any, Exports = any> {
  build(ctx: ComponentContext<Exports>, args: Args): Component<Args> | Promise<Component<Args>>;
}

/** What a plugin's entry module exports (as its default export or as `plugin`). */
export interface PluginModule {
  /** Component definitions by the names declared in ingot-plugin.json. */
  components: Record<string, ComponentDefinition>;
}

/** Identity helper that gives a component definition its types. */
export function defineComponent<Args, Exports = Record<string, never>>(
  def: ComponentDefinition<Args, Exports>,
): ComponentDefinition<Args, Exports> {
  return def;
}

/** Identity helper for a plugin's entry module. */
export function definePlugin(plugin: PluginModule): PluginModule {
  return plugin;
}
