// Protobuf exposition bodies for tests: MetricFamily messages (client_model's
// metrics.proto from the conformance data) encoded with protobufjs, the reference encoder.
import { createRequire } from "node:module";
import { join } from "node:path";
import { conformancePath } from "@ingot/testkit";

const require = createRequire(import.meta.url);
const protobuf = require("protobufjs") as typeof import("protobufjs");

let metricFamily: import("protobufjs").Type | undefined;

function metricFamilyType(): import("protobufjs").Type {
  if (metricFamily) return metricFamily;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith("google/")
      ? join(require.resolve("protobufjs/package.json"), "..", target)
      : conformancePath("prometheus-client-model", target);
  root.loadSync("io/prometheus/client/metrics.proto");
  metricFamily = root.lookupType("io.prometheus.client.MetricFamily");
  return metricFamily;
}

/** One length-delimited MetricFamily message from its protobufjs object form. */
export function encodeMetricFamily(family: object): Buffer {
  const t = metricFamilyType();
  return Buffer.from(t.encodeDelimited(t.fromObject(family)).finish());
}
