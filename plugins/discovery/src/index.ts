// @ingot/plugin-discovery: the discovery.* components. Each area folder exports its
// component definitions (`components`) and declares them in its manifest.json
// fragment; build.js assembles the fragments into ingot-plugin.json.
import type { PluginModule } from "@ingot/sdk";

export const plugin: PluginModule = {
  components: {},
};

export default plugin;
