// prometheus.scrape: one scrape loop per target; targets update without restarting the
// loops of unchanged targets; removed targets get staleness markers.
import { hostname } from "node:os";
import { type ComponentContext, defineComponent, formatDuration, hashLabels, labelsToObject } from "@ingot/sdk";
import { DEFAULT_SCRAPE_PROTOCOLS } from "../expfmt/negotiate.js";
import type { ScrapeArguments } from "./args.js";
import { ScrapeClient, validateHttpArgs } from "./http.js";
import { type LoopShared, ScrapeLoop } from "./loop.js";
import { newClientId, scrapeWorkerPool } from "./pool.js";
import { resolveTarget } from "./targets.js";

export type { ScrapeArguments } from "./args.js";

function validate(a: ScrapeArguments, jobName: string): void {
  if (a.scrape_timeout > a.scrape_interval)
    throw new Error(
      `scrape_timeout (${formatDuration(a.scrape_timeout)}) greater than scrape_interval (${formatDuration(a.scrape_interval)}) for scrape config with job name ${JSON.stringify(jobName)}`,
    );
  const seen = new Set<string>();
  for (const p of a.scrape_protocols) {
    if (seen.has(p))
      throw new Error(
        `duplicate scrape protocol ${JSON.stringify(p)}: make sure the scrape protocols provided are unique`,
      );
    seen.add(p);
  }
  const http = validateHttpArgs(a);
  if (http) throw new Error(http);
}

const DEFAULT_PROTOCOLS = DEFAULT_SCRAPE_PROTOCOLS;

function normalize(a: ScrapeArguments): ScrapeArguments {
  const n = { ...a };
  if (n.enable_protobuf_negotiation) {
    if (JSON.stringify(n.scrape_protocols) !== JSON.stringify(DEFAULT_PROTOCOLS))
      throw new Error("both enable_protobuf_negotiation and scrape_protocols are set, only one can be set at a time");
    n.scrape_protocols = ["PrometheusProto", ...DEFAULT_PROTOCOLS];
    n.scrape_native_histograms = true;
  }
  if (n.scrape_native_histograms && JSON.stringify(n.scrape_protocols) === JSON.stringify(DEFAULT_PROTOCOLS))
    n.scrape_protocols = ["PrometheusProto", ...DEFAULT_PROTOCOLS];
  return n;
}

export const scrapeComponent = defineComponent<ScrapeArguments, Record<string, never>>({
  build(ctx: ComponentContext<Record<string, never>>, rawArgs: ScrapeArguments) {
    const jobOf = (a: ScrapeArguments) => a.job_name || ctx.id;
    let args = normalize(rawArgs);
    validate(args, jobOf(args));
    const seed = hashLabels(["hostname", hostname()]);
    // Scrape workers (pool.ts), or undefined to scrape on the main thread.
    const pool = scrapeWorkerPool();
    let shared: LoopShared = {
      args,
      client: new ScrapeClient(args),
      receivers: args.forward_to,
      forcedError: undefined,
      seed,
      pool,
      cid: newClientId(),
    };
    const loops = new Map<string, ScrapeLoop>();
    let dropped: { labels: Record<string, string>; error: string }[] = [];
    let running = false;
    let warnedClustering = false;

    const sync = async () => {
      const a = shared.args;
      const defaults = {
        jobName: jobOf(a),
        scheme: a.scheme,
        metricsPath: a.metrics_path,
        intervalMs: a.scrape_interval,
        timeoutMs: a.scrape_timeout,
        params: a.params ?? {},
      };
      const wanted = new Map<string, ReturnType<typeof resolveTarget>>();
      dropped = [];
      for (const t of a.targets) {
        const r = resolveTarget(t, defaults);
        if (typeof r === "string") {
          dropped.push({ labels: t, error: r });
          ctx.logger.warn("dropping target", { target: JSON.stringify(t), err: r });
          continue;
        }
        if (!wanted.has(r.key)) wanted.set(r.key, r);
      }
      shared.forcedError =
        a.target_limit > 0 && wanted.size > a.target_limit
          ? `target_limit exceeded (number of targets: ${wanted.size}, limit: ${a.target_limit})`
          : undefined;
      const stops: Promise<void>[] = [];
      for (const [key, loop] of loops) {
        if (!wanted.has(key)) {
          loops.delete(key);
          stops.push(loop.stop(true));
        } else loop.setShared(shared);
      }
      for (const [key, r] of wanted) {
        if (loops.has(key) || typeof r === "string") continue;
        const loop = new ScrapeLoop(r, shared);
        loops.set(key, loop);
        loop.start();
      }
      await Promise.all(stops);
    };

    const apply = (raw: ScrapeArguments) => {
      const next = normalize(raw);
      validate(next, jobOf(next));
      if (next.clustering?.enabled && !warnedClustering) {
        warnedClustering = true;
        ctx.logger.warn("clustering is not supported by Ingot; this instance scrapes every target (a cluster of one)");
      }
      const old = shared;
      const sameHttp =
        JSON.stringify({ ...old.args, targets: 0, forward_to: 0 }) ===
        JSON.stringify({ ...next, targets: 0, forward_to: 0 });
      args = next;
      shared = {
        args: next,
        client: sameHttp ? old.client : new ScrapeClient(next),
        receivers: next.forward_to,
        forcedError: undefined,
        seed,
        pool,
        cid: sameHttp ? old.cid : newClientId(),
      };
      if (!sameHttp)
        setTimeout(() => {
          (old.client as ScrapeClient).close();
          if (old.cid !== undefined) pool?.dropClient(old.cid);
        }, next.scrape_timeout + 1000).unref();
    };
    apply(rawArgs);
    ctx.setHealth("healthy", "started scrape manager");

    return {
      async run(signal: AbortSignal) {
        running = true;
        await sync();
        await new Promise<void>((resolve) => {
          if (signal.aborted) return resolve();
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        running = false;
        // Shutdown or removal: stop without staleness markers, as Prometheus on shutdown.
        await Promise.all([...loops.values()].map((l) => l.stop(false)));
        loops.clear();
        (shared.client as ScrapeClient).close();
        if (shared.cid !== undefined) pool?.dropClient(shared.cid);
      },
      async update(next: ScrapeArguments) {
        apply(next);
        if (running) await sync();
      },
      debugInfo() {
        return {
          target: [...loops.values()].map((l) => ({
            job: labelsToObject(l.target.labels).job ?? jobOf(args),
            url: l.target.url.href,
            health: l.health,
            labels: labelsToObject(l.target.labels),
            last_error: l.lastError,
            last_scrape: l.lastScrape ? l.lastScrape.toISOString() : "0001-01-01T00:00:00Z",
            last_scrape_duration: formatDuration(l.lastDurationMs),
          })),
          dropped_targets: dropped,
        };
      },
    };
  },
});
