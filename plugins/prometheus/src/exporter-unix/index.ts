// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";
import { unixComponent } from "./component.js";

export type { ExporterExports, UnixArguments } from "./component.js";

export const components: Record<string, ComponentDefinition> = {
  "prometheus.exporter.unix": unixComponent as ComponentDefinition,
};
