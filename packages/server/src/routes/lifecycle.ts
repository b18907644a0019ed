// /-/ready, /-/healthy and /-/reload, with Alloy's status codes and texts.
import type { ConfigSource, IngotRuntime, LoadResult } from "@ingot/runtime";
import type { Logger } from "@ingot/sdk";
import { hasErrors, renderDiagnostics } from "@ingot/syntax";
import type { FastifyInstance } from "fastify";

/** What a reload returns: the load result, and the sources it read (to render diagnostics with excerpts). */
export type ReloadResult = LoadResult & { sources?: ConfigSource[] };

/** Health states that make /-/healthy fail: a component that reports a problem or stopped running. */
const failingStates = new Set(["unhealthy", "exited"]);

export function lifecycleRoutes(
  app: FastifyInstance,
  runtime: IngotRuntime,
  reload: () => Promise<ReloadResult>,
  logger: Logger | undefined,
): void {
  app.get("/-/ready", async (_req, reply) => {
    reply.type("text/plain; charset=utf-8");
    if (runtime.ready) return reply.code(200).send("Ingot is ready.\n");
    return reply.code(503).send("Ingot is not ready.\n");
  });

  app.get("/-/healthy", async (_req, reply) => {
    reply.type("text/plain; charset=utf-8");
    const unhealthy = runtime
      .components()
      .filter((c) => failingStates.has(c.health?.state))
      .map((c) => c.id);
    if (unhealthy.length > 0) return reply.code(500).send(`unhealthy components: ${unhealthy.join(", ")}\n`);
    return reply.code(200).send("All Ingot components are healthy.\n");
  });

  const reloadHandler = async (_req: unknown, reply: import("fastify").FastifyReply) => {
    logger?.info("reload requested via /-/reload endpoint");
    reply.type("text/plain; charset=utf-8");
    let result: ReloadResult;
    try {
      result = await reload();
    } catch (err) {
      // Reading the configuration failed (a missing file, say): the old graph keeps running.
      const message = err instanceof Error ? err.message : String(err);
      logger?.error("failed to reload config", { err: message });
      return reply.code(400).send(`${message}\n`);
    }
    // As Alloy: any error fails the reload. With ok false nothing changed; with ok true
    // the new graph is applied and the components that failed to build stay unhealthy.
    if (!result.ok || hasErrors(result.diagnostics)) {
      const texts = new Map((result.sources ?? []).map((s) => [s.name, s.text]));
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      const shown = errors.length > 0 ? errors : result.diagnostics;
      const text = shown.length > 0 ? renderDiagnostics(shown, texts) : "the configuration could not be loaded\n";
      logger?.error("failed to reload config", { err: shown.map((d) => d.message).join("; ") });
      return reply.code(400).send(text);
    }
    logger?.info("config reloaded");
    return reply.code(200).send("config reloaded\n");
  };
  app.get("/-/reload", reloadHandler);
  app.post("/-/reload", reloadHandler);
}
