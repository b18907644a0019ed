// prometheus.exporter.self: a target pointing at Ingot's own /metrics.
import { type ComponentContext, defineComponent } from "@ingot/sdk";
import {
  defaultInstance,
  type ExporterExports,
  exportWhenListening,
  ingotAddress,
} from "../exporter-unix/component.js";

export const selfComponent = defineComponent<Record<string, never>, ExporterExports>({
  build(ctx: ComponentContext<ExporterExports>) {
    const targets = (): ExporterExports => ({
      targets: [
        {
          __address__: ingotAddress(ctx),
          __metrics_path__: "/metrics",
          instance: defaultInstance(),
          job: "integrations/alloy",
        },
      ],
    });
    ctx.setExports(targets());
    ctx.setHealth("healthy");
    return {
      run: (signal: AbortSignal) => exportWhenListening(ctx, targets, signal),
      update() {},
    };
  },
});
