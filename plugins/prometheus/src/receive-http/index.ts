// Component definitions of this area, keyed by the names in ./manifest.json.
import type { ComponentDefinition } from "@ingot/sdk";
import { receiveHttp } from "./component.js";

export type { ReceiveHttpArguments } from "./component.js";

export const components: Record<string, ComponentDefinition> = {
  "prometheus.receive_http": receiveHttp as ComponentDefinition,
};
