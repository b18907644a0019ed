// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";
import { prometheusRelabel } from "./component.js";

export type { RelabelArguments, RelabelExports } from "./component.js";

export const components: Record<string, ComponentDefinition> = {
  "prometheus.relabel": prometheusRelabel,
};
