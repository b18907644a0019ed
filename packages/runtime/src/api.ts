// The runtime's public surface, used by @ingot/server and @ingot/cli. The
// implementation lives in runtime.ts (discovery, controller, reload, shutdown).
import type { ComponentHealth, ComponentHttpHandler, Logger, RootLogger, Stability } from "@ingot/sdk";
import type { Diagnostic, TypedJSONStatement } from "@ingot/syntax";
import type { Registry } from "prom-client";

/** One source file of a configuration (a file, or each *.alloy of a directory, in name order). */
export interface ConfigSource {
  name: string;
  text: string;
}

export interface RuntimeOptions {
  /** Root of per-component data directories (`--storage.path`, default `data-ingot/`). */
  storagePath: string;
  /** Components below this stability are refused (`--stability.level`). */
  stabilityLevel: Stability;
  /** Extra directories holding plugin packages (`--plugins.path`). */
  pluginPaths: string[];
  /**
   * Directories whose node_modules are searched for installed plugin packages
   * (default: the current directory and the directory the runtime is installed in).
   */
  searchRoots?: string[];
  /**
   * The root logger (the `logging` block sets its level and format). Default: a
   * logfmt logger on stderr at level info.
   */
  logger?: RootLogger;
  /** Register Node.js process metrics (prom-client's default metrics) on `metrics`. Default true. */
  defaultMetrics?: boolean;
}

export interface DiscoveredPlugin {
  /** npm package name and version from package.json. */
  name: string;
  version: string;
  /** Absolute path of the package root. */
  path: string;
  status: "ok" | "refused";
  /** Why it was refused: one line naming the reason. */
  reason?: string;
  components: { name: string; stability: Stability; description?: string }[];
  /** Whether its entry module has been imported (lazily, on first use). */
  loaded: boolean;
}

export interface ComponentSummary {
  /** Node id: `local.file.name`. */
  id: string;
  /** Component name: `local.file`. */
  name: string;
  label: string;
  health: ComponentHealth;
  plugin: { name: string; version: string };
  /** Ids of the nodes this one references, and of the nodes referencing it. */
  references?: string[];
  referencedBy?: string[];
}

export interface ComponentDetail extends ComponentSummary {
  /** Arguments and exports in Alloy's typed JSON form; secrets as "(secret)". */
  arguments: TypedJSONStatement[];
  exports: TypedJSONStatement[];
  debugInfo: unknown;
  /** Ids of the nodes this one references, and of the nodes referencing it. */
  references: string[];
  referencedBy: string[];
}

/**
 * The result of loading or reloading a configuration. ok false: nothing changed (parse
 * or graph errors, unknown or gated components, unknown references, cycles, argument
 * errors) and the previous graph, if any, keeps running. ok true: the new graph is
 * applied; diagnostics may still hold errors of single nodes that failed to build or
 * update (their plugin's entry module threw, build threw...), which stay unhealthy
 * while the rest runs.
 */
export interface LoadResult {
  ok: boolean;
  diagnostics: Diagnostic[];
}

/** A running Ingot: the discovered plugins and the component graph. */
export interface IngotRuntime {
  /** True once the first configuration has been loaded and its components started. */
  readonly ready: boolean;
  /** Every plugin found at startup, the refused ones with their reasons. */
  plugins(): DiscoveredPlugin[];
  /**
   * Loads a configuration: the first one, or a reload. On error the previous graph is
   * kept untouched. On success removed components stop, new ones start, and unchanged
   * ones keep running (updated only if their evaluated arguments changed).
   */
  load(sources: ConfigSource[]): Promise<LoadResult>;
  components(): ComponentSummary[];
  component(id: string): ComponentDetail | undefined;
  /** The HTTP handler a component mounts at /api/v0/component/{id}/, if any. */
  componentHandler(id: string): ComponentHttpHandler | undefined;
  /** Registry holding the controller's and every component's metrics (with component_id). */
  readonly metrics: Registry;
  /**
   * Tells components where Ingot's HTTP server listens ("host:port"); the CLI calls it
   * once the server is up, before the first load.
   */
  setHttpAddress(address: string): void;
  /** Stops every component, sources before sinks, within the deadline (default 10 s). */
  shutdown(deadlineMs?: number): Promise<void>;
  /** The root logger; the config's `logging` block sets its level and format. */
  readonly logger?: Logger;
  /** Resolves once no re-evaluation is queued or running (for tests and benchmarks). */
  settled?(): Promise<void>;
}
