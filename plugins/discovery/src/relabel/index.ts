// discovery.relabel: applies Prometheus relabel rules to targets (Alloy's
// discovery.relabel). Exports the relabelled targets as `output` and the rules.
import type { Component, ComponentContext, ComponentDefinition } from "@ingot/sdk";
import {
  type RelabelRule,
  type RelabelRuleArguments,
  relabelObject,
  relabelRuleToConfig,
  rulesFromArguments,
} from "@ingot/sdk/relabel";
import { sameTargets, type Target } from "../common/refresh.js";

export interface DiscoveryRelabelArguments {
  targets: Target[];
  rule?: RelabelRuleArguments[];
}

export interface DiscoveryRelabelExports {
  output: Target[];
  rules: readonly RelabelRule[];
}

export const discoveryRelabel: ComponentDefinition<DiscoveryRelabelArguments, DiscoveryRelabelExports> = {
  build(ctx, args) {
    return new RelabelComponent(ctx, args);
  },
};

class RelabelComponent implements Component<DiscoveryRelabelArguments> {
  private output: Target[] = [];
  private rules: RelabelRule[] = [];
  private inputCount = 0;

  constructor(
    private readonly ctx: ComponentContext<DiscoveryRelabelExports>,
    args: DiscoveryRelabelArguments,
  ) {
    this.apply(args, true);
    ctx.setHealth("healthy");
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  update(args: DiscoveryRelabelArguments): void {
    this.apply(args, false);
  }

  debugInfo(): unknown {
    return {
      input_targets: this.inputCount,
      output_targets: this.output.length,
      rules: this.rules.map(relabelRuleToConfig),
    };
  }

  private apply(args: DiscoveryRelabelArguments, first: boolean): void {
    const rules = rulesFromArguments(args.rule);
    const output: Target[] = [];
    for (const t of args.targets) {
      const r = relabelObject(t, rules);
      if (r !== null) output.push(r);
    }
    const rulesChanged =
      JSON.stringify(rules.map(relabelRuleToConfig)) !== JSON.stringify(this.rules.map(relabelRuleToConfig));
    this.inputCount = args.targets.length;
    if (!first && !rulesChanged && sameTargets(output, this.output)) return;
    if (rulesChanged || first) this.rules = rules;
    this.output = output;
    this.ctx.setExports({ output, rules: this.rules });
  }
}

export const components: Record<string, ComponentDefinition> = { "discovery.relabel": discoveryRelabel };
