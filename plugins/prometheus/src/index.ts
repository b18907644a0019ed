// @ingot/plugin-prometheus: the prometheus.* components. Each area folder exports its
// component definitions (`components`) and declares them in its manifest.json
// fragment; build.js assembles the fragments into ingot-plugin.json.
import type { PluginModule } from "@ingot/sdk";
import { components as exporterSelf } from "./exporter-self/index.js";
import { components as exporterUnix } from "./exporter-unix/index.js";
import { components as receiveHttp } from "./receive-http/index.js";
import { components as relabel } from "./relabel/index.js";
import { components as remoteWrite } from "./remote-write/index.js";
import { components as scrape } from "./scrape/index.js";

export const plugin: PluginModule = {
  components: { ...scrape, ...relabel, ...remoteWrite, ...receiveHttp, ...exporterSelf, ...exporterUnix },
};

export default plugin;
