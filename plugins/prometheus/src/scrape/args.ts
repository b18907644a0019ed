import type { MetricsReceiver } from "@ingot/sdk";

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
  basic_auth?: { username?: string; username_file?: string; password?: string; password_file?: string };
  authorization?: { type?: string; credentials?: string; credentials_file?: string };
  tls_config?: {
    ca_pem?: string;
    ca_file?: string;
    cert_pem?: string;
    cert_file?: string;
    key_pem?: string;
    key_file?: string;
    server_name?: string;
    insecure_skip_verify?: boolean;
    min_version?: string;
  };
  clustering?: { enabled: boolean };
}
