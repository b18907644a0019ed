// Bundles the plugin's entry into one ES module (dist/plugin.js), the way
// docs/plugin-authoring.md tells third parties to: the sdk helpers it uses are
// tree-shaken in, so loading the plugin does not load the sdk's schema compiler.
// picomatch (a dependency) stays external; it loads on the first local.file_match sync.
import { buildPlugin } from "@ingot/sdk/build";

await buildPlugin({ root: new URL(".", import.meta.url) });
