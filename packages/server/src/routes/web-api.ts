// The JSON API the UI reads: /api/v0/web/components[/{id}] and /api/v0/web/plugins.
import type { IngotRuntime } from "@ingot/runtime";
import type { FastifyInstance } from "fastify";
import { componentDetailJSON, componentSummaryJSON } from "../component-json.js";

export function webApiRoutes(app: FastifyInstance, runtime: IngotRuntime): void {
  app.get("/api/v0/web/components", async (_req, reply) => {
    const list = runtime.components().map((c) => {
      // Without references in the summary, read them from the detail.
      const withRefs = c as typeof c & { references?: string[]; referencedBy?: string[] };
      if (Array.isArray(withRefs.references)) return componentSummaryJSON(withRefs);
      const detail = runtime.component(c.id);
      return componentSummaryJSON(
        detail ? { ...c, references: detail.references, referencedBy: detail.referencedBy } : c,
      );
    });
    return reply.code(200).send(list);
  });

  app.get<{ Params: { "*": string } }>("/api/v0/web/components/*", async (req, reply) => {
    const id = req.params["*"];
    const detail = id ? runtime.component(id) : undefined;
    if (!detail) {
      return reply
        .code(404)
        .type("text/plain; charset=utf-8")
        .send(`component ${JSON.stringify(id)} not found\n`);
    }
    return reply.code(200).send(componentDetailJSON(detail));
  });

  app.get("/api/v0/web/plugins", async (_req, reply) => {
    const plugins = runtime.plugins().map((p) => ({
      name: p.name,
      version: p.version,
      path: p.path,
      status: p.status,
      ...(p.reason !== undefined ? { reason: p.reason } : {}),
      loaded: p.loaded,
      components: p.components.map((c) => ({
        name: c.name,
        stability: c.stability,
        ...(c.description !== undefined ? { description: c.description } : {}),
      })),
    }));
    return reply.code(200).send(plugins);
  });
}
