// Target labels and URLs, after Prometheus's scrape.PopulateLabels: defaults from the
// scrape config for __scheme__, __metrics_path__, __scrape_interval__,
// __scrape_timeout__, __param_*, and job; instance defaults to __address__; labels
// starting with "__" are dropped from the series labels.
import { formatDuration, hashLabels, type Labels, labelsFromPairs, parseDuration } from "@ingot/sdk";

export interface TargetDefaults {
  jobName: string;
  scheme: string;
  metricsPath: string;
  intervalMs: number;
  timeoutMs: number;
  params: Record<string, string[]>;
}

export interface ResolvedTarget {
  /** Series labels added to every scraped sample (job, instance, the target's own). */
  labels: Labels;
  /** Every label before dropping the "__" ones (shown in debug info as Prometheus's discovered labels). */
  discovered: Record<string, string>;
  url: URL;
  intervalMs: number;
  timeoutMs: number;
  /** Identity: equal keys mean the same scrape loop (labels, URL, interval, timeout). */
  key: string;
  hash: number;
}

const ADDRESS_OK = /^[^/]+$/;

/** Resolves one target, or returns an error message (the target is then dropped, as Prometheus). */
export function resolveTarget(target: Record<string, string>, d: TargetDefaults): ResolvedTarget | string {
  const all: Record<string, string> = { ...target };
  const setDefault = (k: string, v: string) => {
    if (all[k] === undefined || all[k] === "") all[k] = v;
  };
  setDefault("job", d.jobName);
  setDefault("__scheme__", d.scheme);
  setDefault("__metrics_path__", d.metricsPath);
  setDefault("__scrape_interval__", formatDuration(d.intervalMs));
  setDefault("__scrape_timeout__", formatDuration(d.timeoutMs));
  for (const name of Object.keys(d.params)) {
    const vals = d.params[name] as string[];
    if (vals.length > 0) setDefault(`__param_${name}`, vals[0] as string);
  }
  const address = all.__address__ ?? "";
  if (address === "") return "no address";
  if (!ADDRESS_OK.test(address)) return `${JSON.stringify(address)} is not a valid hostname`;
  let intervalMs: number;
  let timeoutMs: number;
  try {
    intervalMs = parseDuration(all.__scrape_interval__ as string);
  } catch (e) {
    return `error parsing scrape interval: ${(e as Error).message}`;
  }
  try {
    timeoutMs = parseDuration(all.__scrape_timeout__ as string);
  } catch (e) {
    return `error parsing scrape timeout: ${(e as Error).message}`;
  }
  if (intervalMs <= 0) return "scrape interval cannot be 0";
  if (timeoutMs <= 0) return "scrape timeout cannot be 0";
  if (timeoutMs > intervalMs)
    return `scrape timeout cannot be greater than scrape interval (${formatDuration(timeoutMs)} > ${formatDuration(intervalMs)})`;
  setDefault("instance", address);

  const scheme = all.__scheme__ as string;
  let path = all.__metrics_path__ as string;
  if (!path.startsWith("/")) path = `/${path}`;
  let url: URL;
  try {
    url = new URL(`${scheme}://${address}${path}`);
  } catch {
    return `invalid target URL ${scheme}://${address}${path}`;
  }
  // Query: the config's params, overridden (first value) by __param_<name> labels.
  const q = new URLSearchParams();
  for (const name of Object.keys(d.params)) for (const v of d.params[name] as string[]) q.append(name, v);
  for (const k of Object.keys(all)) {
    if (!k.startsWith("__param_")) continue;
    const name = k.slice(8);
    const vals = q.getAll(name);
    q.delete(name);
    q.append(name, all[k] as string);
    for (let i = 1; i < vals.length; i++) q.append(name, vals[i] as string);
  }
  const qs = q.toString();
  if (qs !== "") url.search = qs;

  const pairs: string[] = [];
  for (const k of Object.keys(all)) if (!k.startsWith("__")) pairs.push(k, all[k] as string);
  const labels = labelsFromPairs(pairs);
  const key = `${url.href}\u0000${intervalMs}\u0000${timeoutMs}\u0000${labels.join("\u0000")}`;
  return { labels, discovered: all, url, intervalMs, timeoutMs, key, hash: hashLabels([url.href, ...labels]) };
}

/**
 * How far into the interval this target's scrapes happen (Prometheus's Target.offset):
 * the target's hash xor a per-process seed, modulo the interval, measured from the
 * next interval boundary, so targets of one job spread over the interval.
 */
export function scrapeOffsetMs(hash: number, seed: number, intervalMs: number, nowMs: number): number {
  const base = intervalMs - (nowMs % intervalMs);
  // hash and seed are 53-bit; xor the low 32 bits and mix in the high part.
  const lo = ((hash >>> 0) ^ (seed >>> 0)) >>> 0;
  const hi = Math.floor(hash / 2 ** 32) ^ Math.floor(seed / 2 ** 32);
  const mixed = (hi >>> 0) * 2 ** 32 + lo;
  const offset = mixed % intervalMs;
  let next = base + offset;
  if (next > intervalMs) next -= intervalMs;
  return next;
}
