// Shared helpers of the scrape and exporter tests: the plugin harness, real HTTP
// targets on 127.0.0.1 and a receiver that records every sample it gets.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CAPSULE_METRICS_RECEIVER,
  isStaleNaN,
  labelsToObject,
  type MetricMetadata,
  type MetricsBatch,
} from "@ingot/sdk";
import { capsule, loadPlugin, type PluginHarness } from "@ingot/sdk/testkit";

/** The package root: dist/test/scrape-helpers.js -> ../.. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

let harness: Promise<PluginHarness> | undefined;
export function promPlugin(): Promise<PluginHarness> {
  harness ??= loadPlugin(packageRoot);
  return harness;
}

export interface Sample {
  labels: Record<string, string>;
  name: string;
  t: number;
  v: number;
  stale: boolean;
}

/** A MetricsReceiver capsule that copies every sample out of the batches. */
export function collector() {
  const samples: Sample[] = [];
  const batches: number[] = [];
  const metadata: MetricMetadata[] = [];
  const exemplars: { name: string; labels: Record<string, string>; value: number }[] = [];
  const receiver = {
    append(b: MetricsBatch) {
      batches.push(b.length);
      for (let i = 0; i < b.length; i++) {
        const labels = labelsToObject(b.series.labels(b.refs[i] as number));
        const v = b.values[i] as number;
        samples.push({ labels, name: labels.__name__ ?? "", t: b.timestamps[i] as number, v, stale: isStaleNaN(v) });
      }
      if (b.metadata) metadata.push(...b.metadata);
      if (b.histograms) histograms += b.histograms.length;
      if (b.exemplars)
        for (let i = 0; i < b.exemplars.length; i++) {
          const labels = labelsToObject(b.series.labels(b.exemplars.refs[i] as number));
          exemplars.push({
            name: labels.__name__ ?? "",
            labels: labelsToObject(b.exemplars.labels[i] ?? []),
            value: b.exemplars.values[i] as number,
          });
        }
    },
  };
  let histograms = 0;
  return {
    samples,
    batches,
    metadata,
    exemplars,
    /** Native histogram samples received. */
    get histograms() {
      return histograms;
    },
    cap: capsule(receiver, CAPSULE_METRICS_RECEIVER),
    /** Samples of one metric name (optionally filtered). */
    of(name: string, pred: (s: Sample) => boolean = () => true): Sample[] {
      return samples.filter((s) => s.name === name && pred(s));
    },
    async waitFor(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got ${samples.length} samples`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A real HTTP target on 127.0.0.1; `handler` may be swapped while it runs. */
export async function target(handler: Handler) {
  const requests: http.IncomingMessage[] = [];
  const t = {
    handler,
    requests,
    address: "",
    server: undefined as unknown as http.Server,
    close: () =>
      new Promise<void>((r) => {
        t.server.closeAllConnections();
        t.server.close(() => r());
      }),
  };
  t.server = http.createServer((req, res) => {
    requests.push(req);
    t.handler(req, res);
  });
  await new Promise<void>((r) => t.server.listen(0, "127.0.0.1", () => r()));
  t.address = `127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  return t;
}

/** A handler serving a fixed text body. */
export function text(body: string | (() => string), contentType = "text/plain; version=0.0.4"): Handler {
  return (_req, res) => {
    res.writeHead(200, { "Content-Type": contentType });
    res.end(typeof body === "function" ? body() : body);
  };
}
