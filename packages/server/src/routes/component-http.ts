// /api/v0/component/{id}/...: hands the raw request to the component's own HTTP
// handler with the path after its prefix, as Alloy's component handler does.
import type { IngotRuntime } from "@ingot/runtime";
import type { Logger } from "@ingot/sdk";
import type { FastifyInstance } from "fastify";

export const componentPathPrefix = "/api/v0/component/";

/**
 * Splits the rest of the URL path (after the prefix) into a component id and the
 * component's own path. Ids inside modules contain slashes, so the longest prefix
 * that names a known component wins.
 */
export function splitComponentPath(
  rest: string,
  known: (id: string) => boolean,
): { id: string; path: string } | undefined {
  let cut = rest.length;
  while (cut > 0) {
    const id = rest.slice(0, cut);
    if (known(id)) return { id, path: rest.slice(cut) || "/" };
    cut = rest.lastIndexOf("/", cut - 1);
  }
  return undefined;
}

export function componentHttpRoute(app: FastifyInstance, runtime: IngotRuntime, logger: Logger | undefined): void {
  app.all(`${componentPathPrefix}*`, async (req, reply) => {
    const rawPath = (req.raw.url ?? "").split("?")[0] as string;
    let rest: string;
    try {
      rest = decodeURIComponent(rawPath.slice(componentPathPrefix.length));
    } catch {
      return reply
        .code(400)
        .type("text/plain; charset=utf-8")
        .send(`failed to parse URL path ${JSON.stringify(rawPath)}\n`);
    }
    const found = splitComponentPath(rest, (id) => runtime.component(id) !== undefined);
    if (!found) {
      return reply
        .code(404)
        .type("text/plain; charset=utf-8")
        .send(`component not found in path ${JSON.stringify(rawPath)}\n`);
    }
    const handler = runtime.componentHandler(found.id);
    if (!handler) {
      return reply
        .code(404)
        .type("text/plain; charset=utf-8")
        .send(`component ${JSON.stringify(found.id)} has no HTTP handler\n`);
    }
    // The component owns the response from here on.
    reply.hijack();
    const res = reply.raw;
    try {
      await handler(req.raw, res, found.path);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger?.error("component HTTP handler failed", { component: found.id, err: message });
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`component ${found.id} failed to handle the request: ${message}\n`);
      } else if (!res.writableEnded) {
        res.end();
      }
    }
  });
}
