// /metrics: the runtime's registry (controller, process and component metrics) in
// the Prometheus text exposition format.
import type { IngotRuntime } from "@ingot/runtime";
import type { FastifyInstance } from "fastify";

export function metricsRoute(app: FastifyInstance, runtime: IngotRuntime): void {
  app.get("/metrics", async (_req, reply) => {
    const registry = runtime.metrics;
    const body = await registry.metrics();
    return reply.code(200).type(registry.contentType).send(body);
  });
}
