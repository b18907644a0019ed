import type { MetricsReceiver } from "@ingot/sdk";
import type { AuthorizationArgs, BasicAuthArgs, TlsConfigArgs } from "@ingot/sdk/http-client";

export interface ScrapeArguments {
  targets: Record<string, string>[];
  forward_to: MetricsReceiver[];
  job_name?: string;
  extra_metrics: boolean;
  enable_protobuf_negotiation: boolean;
  honor_labels: boolean;
  honor_timestamps: boolean;
  track_timestamps_staleness: boolean;
  params?: Record<string, string[]>;
  scrape_classic_histograms: boolean;
  scrape_native_histograms: boolean;
  scrape_interval: number;
  scrape_timeout: number;
  scrape_protocols: string[];
  scrape_fallback_protocol: string;
  metrics_path: string;
  scheme: string;
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  enable_compression: boolean;
  bearer_token?: string;
  bearer_token_file?: string;
  proxy_url?: string;
  follow_redirects: boolean;
  enable_http2: boolean;
  /** Scrape's basic_auth also takes the username from a file (Alloy's username_file). */
  basic_auth?: BasicAuthArgs & { username_file?: string };
  authorization?: AuthorizationArgs;
  tls_config?: TlsConfigArgs;
  clustering?: { enabled: boolean };
}
