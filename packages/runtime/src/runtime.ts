// createRuntime: discovery, then a controller ready to load configurations.
import { join } from "node:path";
import { createLogger, setValidatorCacheDir } from "@ingot/sdk";
import { bodyToTypedJSON, objectToBodyEntries, type TypedJSONStatement } from "@ingot/syntax";
import type { ComponentDetail, ComponentSummary, ConfigSource, IngotRuntime, RuntimeOptions } from "./api.js";
import { Controller } from "./controller.js";
import { defaultSearchRoots, discoverPlugins } from "./discovery.js";
import { ControllerMetrics, RuntimeRegistry } from "./metrics.js";
import type { ComponentNode } from "./node.js";
import { PluginModules } from "./plugin-module.js";

function summary(c: Controller, n: ComponentNode): ComponentSummary {
  const p = n.spec.component.plugin;
  return {
    id: n.id,
    name: n.spec.name,
    label: n.spec.label,
    health: n.health(),
    plugin: { name: p.name, version: p.version },
    references: c.dependencies(n.id),
    referencedBy: c.dependants(n.id),
  };
}

function argumentsJSON(n: ComponentNode): TypedJSONStatement[] {
  if (!n.args) return [];
  try {
    return bodyToTypedJSON(n.spec.component.schemas.argumentsToBody(n.args));
  } catch {
    return [];
  }
}

function debugInfo(n: ComponentNode): unknown {
  const inst = n.instance;
  if (!inst?.debugInfo) return null;
  try {
    return inst.debugInfo() ?? null;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export async function createRuntime(options: RuntimeOptions): Promise<IngotRuntime> {
  const logger = options.logger ?? createLogger();
  // Compiled schema validators are kept on disk between runs (startup time).
  setValidatorCacheDir(join(options.storagePath, ".cache", "validators"));
  const registry = discoverPlugins({
    searchRoots: options.searchRoots ?? defaultSearchRoots(),
    pluginPaths: options.pluginPaths,
    logger,
  });
  const modules = new PluginModules(logger);
  const metrics = new RuntimeRegistry();
  const controller = new Controller({
    registry,
    modules,
    logger,
    storagePath: options.storagePath,
    stabilityLevel: options.stabilityLevel,
    metrics,
  });
  controller.metrics = new ControllerMetrics(
    metrics,
    {
      componentHealth: () => controller.componentNodes().map((n) => ({ id: n.id, name: n.name, health: n.health() })),
      queueSize: () => controller.queueSize(),
    },
    { defaultMetrics: options.defaultMetrics ?? true },
  );

  return {
    get ready() {
      return controller.ready;
    },
    logger,
    metrics,
    plugins() {
      return registry.plugins.map((p) => ({
        name: p.name,
        version: p.version,
        path: p.path,
        status: p.status,
        ...(p.reason !== undefined ? { reason: p.reason } : {}),
        components: p.declared.map((d) => ({ ...d })),
        loaded: modules.loaded(p),
      }));
    },
    setHttpAddress(address: string) {
      controller.httpAddress = address;
    },
    load(sources: ConfigSource[]) {
      return controller.load(sources);
    },
    components() {
      return controller.componentNodes().map((n) => summary(controller, n));
    },
    component(id: string): ComponentDetail | undefined {
      const n = controller.componentNode(id);
      if (!n) return undefined;
      return {
        ...summary(controller, n),
        arguments: argumentsJSON(n),
        exports: bodyToTypedJSON(objectToBodyEntries(n.exportsValue)),
        debugInfo: debugInfo(n),
        references: controller.dependencies(id),
        referencedBy: controller.dependants(id),
      };
    },
    componentHandler(id: string) {
      const inst = controller.componentNode(id)?.instance;
      if (!inst?.handler) return undefined;
      return (req, res, path) => inst.handler?.(req, res, path);
    },
    shutdown(deadlineMs = 10_000) {
      return controller.shutdown(deadlineMs);
    },
    settled() {
      return controller.settled();
    },
  };
}
