// Assembles ingot-plugin.json from the src/<area>/manifest.json fragments and bundles
// the entry into dist/plugin.js (see @ingot/sdk/build), and the scrape worker's entry
// into dist/scrape-worker.js next to it (prometheus.scrape starts it by a URL relative
// to its own module).
import { buildPlugin } from "@ingot/sdk/build";

await buildPlugin({
  root: new URL(".", import.meta.url),
  extraEntries: [{ entry: "dist/src/scrape/scrape-worker.js", outfile: "dist/scrape-worker.js" }],
});
