// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";

export const components: Record<string, ComponentDefinition> = {};
