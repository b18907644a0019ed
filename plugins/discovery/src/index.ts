// @ingot/plugin-discovery: the discovery.* components. Each area folder exports its
// component definitions (`components`) and declares them in its manifest.json
// fragment; build.js assembles the fragments into ingot-plugin.json.
import type { PluginModule } from "@ingot/sdk";
import { components as dns } from "./dns/index.js";
import { components as file } from "./file/index.js";
import { components as http } from "./http/index.js";
import { components as relabel } from "./relabel/index.js";

export type { Target, TargetsExports } from "./common/refresh.js";
export type { DnsArguments } from "./dns/index.js";
export type { FileArguments } from "./file/index.js";
export type { HttpArguments } from "./http/index.js";
export type { DiscoveryRelabelArguments, DiscoveryRelabelExports } from "./relabel/index.js";

export const plugin: PluginModule = {
  components: { ...relabel, ...file, ...http, ...dns },
};

export default plugin;
