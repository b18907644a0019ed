// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";
import { remoteWrite } from "./component.js";

export type { RemoteWriteArguments, RemoteWriteExports } from "./component.js";

export const components: Record<string, ComponentDefinition> = {
  "prometheus.remote_write": remoteWrite as ComponentDefinition,
};
