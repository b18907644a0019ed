// The Ingot HTTP server (fastify): metrics, readiness, health, reload, the JSON API
// and per-component handlers, on Alloy's paths.
import type { IngotRuntime } from "@ingot/runtime";
import type { Logger } from "@ingot/sdk";
import Fastify, { type FastifyError } from "fastify";
import { formatListenAddr, parseListenAddr } from "./listen-addr.js";
import { componentHttpRoute } from "./routes/component-http.js";
import { lifecycleRoutes, type ReloadResult } from "./routes/lifecycle.js";
import { metricsRoute } from "./routes/metrics.js";
import { webApiRoutes } from "./routes/web-api.js";

export interface ServerOptions {
  /** "host:port"; port 0 picks a free port (see the returned address). */
  listenAddr: string;
  /** Re-reads the configuration and loads it (GET/POST /-/reload). */
  reload: () => Promise<ReloadResult>;
  logger?: Logger;
}

export interface IngotServer {
  /** The address actually listened on, "host:port". */
  readonly address: string;
  close(): Promise<void>;
}

function noSchemas(): never {
  throw new Error("the Ingot server has no schema compilers: routes must not declare a schema (server.ts)");
}

export async function createServer(runtime: IngotRuntime, options: ServerOptions): Promise<IngotServer> {
  const { host, port } = parseListenAddr(options.listenAddr);
  const logger = options.logger;
  const app = Fastify({
    logger: false,
    return503OnClosing: true,
    // No route declares a JSON schema, so fastify's own ajv and fast-json-stringify
    // compilers are never needed; left to their defaults, creating the instance loads
    // both (~100 modules: startup time). A route given a schema fails loudly here.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  });

  // No endpoint reads a body; leaving it unread keeps the raw stream intact for
  // component handlers (and a malformed body can never fail a request).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_req, _payload, done) => done(null, undefined));

  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type("text/plain; charset=utf-8")
      .send(`404 page not found: ${req.method} ${(req.raw.url ?? "").split("?")[0]}\n`);
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status =
      typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) logger?.error("HTTP request failed", { method: req.method, url: req.url, err: err.message });
    reply.code(status).type("text/plain; charset=utf-8").send(`${err.message}\n`);
  });

  metricsRoute(app, runtime);
  lifecycleRoutes(app, runtime, options.reload, logger);
  webApiRoutes(app, runtime);
  componentHttpRoute(app, runtime, logger);

  await app.listen({ host, port });
  const bound = app.server.address();
  const address = bound && typeof bound === "object" ? formatListenAddr(bound.address, bound.port) : options.listenAddr;
  logger?.info("now listening for http traffic", { addr: address });

  let closing: Promise<void> | undefined;
  return {
    address,
    close: () => {
      closing ??= app.close();
      return closing;
    },
  };
}
