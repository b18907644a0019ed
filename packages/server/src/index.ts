// @ingot/server: the HTTP server of a running Ingot (fastify).
export {
  type ComponentHealthJSON,
  type ComponentJSON,
  componentDetailJSON,
  componentSummaryJSON,
  splitComponentId,
} from "./component-json.js";
export { formatListenAddr, type ListenAddr, parseListenAddr } from "./listen-addr.js";
export { componentPathPrefix, splitComponentPath } from "./routes/component-http.js";
export type { ReloadResult } from "./routes/lifecycle.js";
export { createServer, type IngotServer, type ServerOptions } from "./server.js";
