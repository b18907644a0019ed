// Assembles ingot-plugin.json from the src/<area>/manifest.json fragments and bundles
// the entry into dist/plugin.js (see @ingot/sdk/build).
import { buildPlugin } from "@ingot/sdk/build";

await buildPlugin({ root: new URL(".", import.meta.url) });
