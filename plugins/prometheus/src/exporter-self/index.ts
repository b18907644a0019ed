// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";
import { selfComponent } from "./component.js";

export const components: Record<string, ComponentDefinition> = {
  "prometheus.exporter.self": selfComponent as ComponentDefinition,
};
