// Deterministic generator of large, realistic Alloy configurations, for the syntax
// benchmark and the fuzz test. Blocks look like real pipelines: scrape jobs with
// arrays of target objects, relabel rules, log sources, OTLP exporters with nested
// blocks, comments, arithmetic and string expressions, and standard library calls.
// Every component reference points at a component defined in the same config, so the
// config evaluates once a scope holds the components' exports (see referencePaths).

/** A small seeded PRNG (mulberry32): same seed, same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedConfig {
  text: string;
  blocks: number;
  /** Dotted paths of every component export referenced by an expression (for a scope). */
  referencePaths: string[][];
  /** Environment variables read through sys.env / env. */
  envVars: string[];
}

const services = ["payments", "checkout", "search", "auth", "catalog", "billing", "gateway", "ledger"];
const envs = ["prod", "staging", "dev"];
const regions = ["eu-west-1", "us-east-1", "ap-south-1"];
const actions = ["keep", "drop", "replace", "labelmap", "hashmod"];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/**
 * A config of `blocks` top-level blocks (default 10 000). The text is what a person
 * might write: not canonically formatted (alignment is left to the formatter).
 */
export function generateConfig(blocks = 10_000, seed = 1): GeneratedConfig {
  const r = prng(seed);
  const out: string[] = [];
  const refs: string[][] = [];
  const env = new Set<string>();
  out.push("// Generated configuration for benchmarks. Not a real deployment.\n\n");
  out.push('logging {\n\tlevel  = "info"\n\tformat = "logfmt"\n}\n\n');
  out.push(
    'prometheus.remote_write "default" {\n\tendpoint {\n\t\turl = "https://prom.example.com/api/v1/write"\n' +
      '\t\theaders = {\n\t\t\t"X-Scope-OrgID" = "tenant-1",\n\t\t}\n\t\tqueue_config {\n\t\t\tcapacity = 10000\n' +
      '\t\t\tmax_shards = 50\n\t\t}\n\t}\n\texternal_labels = {cluster = "main", region = "eu-west-1"}\n}\n\n',
  );
  out.push('loki.write "default" {\n\tendpoint {\n\t\turl = "https://logs.example.com/loki/api/v1/push"\n\t}\n}\n\n');

  for (let i = 0; i < blocks; i++) {
    const svc = pick(r, services);
    const e = pick(r, envs);
    switch (i % 5) {
      case 0: {
        // A relabel component, defined before the scrape job that forwards to it.
        out.push(`// Relabeling for ${svc} (${e}).\n`);
        out.push(`prometheus.relabel "filter_${i}" {\n`);
        out.push("\tforward_to = [prometheus.remote_write.default.receiver]\n\n");
        refs.push(["prometheus", "remote_write", "default", "receiver"]);
        const rules = 1 + Math.floor(r() * 3);
        for (let k = 0; k < rules; k++) {
          out.push("\trule {\n");
          out.push(`\t\tsource_labels = ["__name__", "job", "instance"]\n`);
          out.push(`\t\tregex = "(${svc}|${e})_[a-z]+_total"\n`);
          out.push(`\t\taction = "${pick(r, actions)}"\n`);
          out.push(`\t\ttarget_label = "svc_${k}"\n`);
          out.push(`\t\treplacement = "$1"\n`);
          out.push(`\t\tmodulus = ${1 + Math.floor(r() * 64)}\n`);
          out.push("\t}\n");
        }
        out.push("}\n\n");
        break;
      }
      case 1: {
        const relabel = i - 1;
        const n = 2 + Math.floor(r() * 4);
        const envVar = `SCRAPE_PASSWORD_${i % 97}`;
        env.add(envVar);
        out.push(`prometheus.scrape "job_${i}" {\n\ttargets = [\n`);
        for (let k = 0; k < n; k++) {
          const ip = `10.${i % 256}.${k}.${Math.floor(r() * 254) + 1}`;
          out.push(
            `\t\t{"__address__" = "${ip}:${9000 + k}", "job" = "${svc}", env = "${e}", "region" = "${pick(r, regions)}"},\n`,
          );
        }
        out.push("\t]\n");
        out.push(`\tforward_to = [prometheus.relabel.filter_${relabel}.receiver]\n`);
        refs.push(["prometheus", "relabel", `filter_${relabel}`, "receiver"]);
        out.push(`\tjob_name = string.format("%s-%s-%d", "${svc}", "${e}", ${i})\n`);
        out.push(`\tscrape_interval = "${15 * (1 + (i % 4))}s"\n`);
        out.push('\tscrape_timeout = "10s"\n');
        out.push(`\thonor_labels = ${r() < 0.5}\n`);
        out.push(`\tsample_limit = ${1000 + (i % 10) * 500} * 2 + 1\n`);
        out.push(`\tparams = {\n\t\t"format" = ["prometheus", "openmetrics"],\n\t\t"module" = ["http_2xx"],\n\t}\n`);
        out.push("\n\tbasic_auth {\n");
        out.push(`\t\tusername = "svc-" + "${svc}" // per-service user\n`);
        out.push(
          i % 3 === 0 ? `\t\tpassword = env("${envVar}")\n` : `\t\tpassword = coalesce(sys.env("${envVar}"), "x")\n`,
        );
        out.push("\t}\n}\n\n");
        break;
      }
      case 2: {
        out.push(`local.file_match "logs_${i}" {\n`);
        out.push(
          `\tpath_targets = [{"__path__" = "/var/log/${svc}/*.log", "service" = "${svc}"}, {"__path__" = "/var/log/${svc}/" + string.to_lower("${e.toUpperCase()}") + "/*.log"}]\n`,
        );
        out.push(`\tsync_period = "${5 + (i % 10)}s"\n}\n\n`);
        out.push(`/* Tail the ${svc} logs and push them to Loki. */\n`);
        out.push(`loki.source.file "logs_${i}" {\n`);
        out.push(`\ttargets = local.file_match.logs_${i}.targets\n`);
        refs.push(["local", "file_match", `logs_${i}`, "targets"]);
        out.push("\tforward_to = [loki.write.default.receiver]\n");
        refs.push(["loki", "write", "default", "receiver"]);
        out.push(`\ttail_from_end = ${i % 2 === 0}\n`);
        out.push("\tencoding = `utf-8`\n}\n\n");
        break;
      }
      case 3: {
        const port = 4317 + (i % 2);
        out.push(`otelcol.exporter.otlp "tempo_${i}" {\n\tclient {\n`);
        out.push(`\t\tendpoint = "tempo-${svc}.${e}.svc:${port}"\n`);
        out.push(`\t\tcompression = "gzip"\n`);
        out.push(
          `\t\theaders = {\n\t\t\t"authorization" = "Bearer " + encoding.from_base64("dG9rZW4tJHtpfQ=="),\n\t\t}\n`,
        );
        out.push(`\t\ttls {\n\t\t\tinsecure = ${i % 2 === 0}\n\t\t\tinsecure_skip_verify = false\n\t\t}\n`);
        out.push("\t}\n\tsending_queue {\n");
        out.push(`\t\tenabled = true\n\t\tnum_consumers = ${2 + (i % 8)}\n\t\tqueue_size = 1000 * ${1 + (i % 5)}\n`);
        out.push('\t}\n\tretry_on_failure {\n\t\tinitial_interval = "5s"\n\t\tmax_elapsed_time = "5m"\n');
        out.push(`\t\tmultiplier = ${(1 + r()).toFixed(2)}\n\t}\n}\n\n`);
        break;
      }
      default: {
        out.push(`discovery.relabel "pods_${i}" {\n`);
        out.push(
          `\ttargets = array.concat([{"__meta_kubernetes_pod_name" = "${svc}-${i}"}], [{"__meta_kubernetes_namespace" = "${e}"}])\n`,
        );
        out.push("\n\trule {\n");
        out.push('\t\tsource_labels = ["__meta_kubernetes_pod_label_app"]\n');
        out.push(`\t\ttarget_label = "app"\n\t\tregex = "^(${svc})$"\n\t}\n`);
        out.push("\trule {\n");
        out.push(`\t\tsource_labels = ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name"]\n`);
        out.push(`\t\tseparator = "/"\n\t\ttarget_label = "instance"\n`);
        out.push(
          `\t\treplacement = string.join(["${e}", "${svc}", "${i}"], "-") // ${i % 7 === 0 ? "legacy naming" : "default"}\n`,
        );
        out.push("\t}\n");
        out.push(
          `\t// Threshold: ${i} items.\n\tthreshold = (${i} % 100 + 1) * 1.5 >= 10 && !false || ${i} == 0\n}\n\n`,
        );
      }
    }
  }
  return { text: out.join(""), blocks, referencePaths: refs, envVars: [...env] };
}
