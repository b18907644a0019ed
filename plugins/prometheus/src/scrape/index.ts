// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";
import { scrapeComponent } from "./component.js";

export type { ScrapeArguments } from "./component.js";

export const components: Record<string, ComponentDefinition> = {
  "prometheus.scrape": scrapeComponent as ComponentDefinition,
};
