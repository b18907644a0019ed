import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RELABEL_RULE_BLOCK_SCHEMA } from "@ingot/sdk/relabel";
import type { DiscoveryRelabelArguments, DiscoveryRelabelExports } from "../src/index.js";
import { discoveryPlugin } from "./helpers/plugin.js";

const TARGETS = `targets = [
  { __address__ = "a:80", __meta_kubernetes_pod_label_app = "web", __meta_env = "prod" },
  { __address__ = "b:80", __meta_kubernetes_pod_label_app = "db" },
  { __address__ = "c:80", __meta_kubernetes_pod_label_app = "web", drop_me = "x" },
]`;

describe("discovery.relabel", () => {
  it("declares the sdk's rule block", async () => {
    const p = await discoveryPlugin();
    const m = p.manifest.components.find((c) => c.name === "discovery.relabel")!;
    assert.deepEqual(
      (m.arguments as { properties: Record<string, unknown> }).properties.rule,
      JSON.parse(JSON.stringify(RELABEL_RULE_BLOCK_SCHEMA)),
    );
  });

  it("relabels targets, drops the dropped, exports output and rules; updates", async () => {
    const p = await discoveryPlugin();
    const c = await p.build<DiscoveryRelabelArguments, DiscoveryRelabelExports>(
      "discovery.relabel",
      `${TARGETS}
      rule {
        source_labels = ["__meta_kubernetes_pod_label_app"]
        regex         = "web"
        action        = "keep"
      }
      rule {
        regex       = "__meta_kubernetes_pod_label_(.+)"
        replacement = "$1"
        action      = "labelmap"
      }
      rule {
        regex  = "drop_me|__meta_.*"
        action = "labeldrop"
      }`,
    );
    try {
      assert.deepEqual(c.exports()!.output, [
        { __address__: "a:80", app: "web" },
        { __address__: "c:80", app: "web" },
      ]);
      assert.equal(c.exports()!.rules.length, 3);
      assert.equal((c.exportsValue()!.get("rules") as { typeName: string }).typeName, "RelabelRules");
      assert.equal(c.health().state, "healthy");
      await c.update(
        `${TARGETS}\nrule {\n source_labels = ["__address__"]\n regex = "(.*):80"\n target_label = "host"\n}`,
      );
      assert.deepEqual(
        c.exports()!.output.map((t) => t.host),
        ["a", "b", "c"],
      );
      // No rules: targets pass unchanged.
      await c.update(TARGETS);
      assert.equal(c.exports()!.output.length, 3);
      assert.equal(c.exports()!.output[0]!.__meta_env, "prod");
      await assert.rejects(
        () => c.update(`${TARGETS}\nrule {\n action = "replace"\n}`),
        /relabel configuration for replace action requires 'target_label' value/,
      );
    } finally {
      await c.stop();
    }
  });
});
