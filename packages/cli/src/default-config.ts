// The configuration `ingot run` uses when no path is given (`npm start`): useful on
// its own, with nothing to set up. Documented in docs/cli.md; extend it as
// first-party plugins arrive.
import type { ConfigSource } from "@ingot/runtime";

export const defaultConfigName = "<default config>";

export const defaultConfigText = `// Ingot's embedded default configuration: it scrapes this host (node_exporter-compatible
// metrics) and Ingot itself every 15s and writes the samples to a Prometheus remote-write
// endpoint: $INGOT_REMOTE_WRITE_URL, or a Prometheus on this host. While the endpoint is
// unreachable, samples wait in the write-ahead log under --storage.path.
logging {
	level  = "info"
	format = "logfmt"
}

prometheus.exporter.unix "host" { }

prometheus.exporter.self "ingot" { }

prometheus.scrape "default" {
	targets         = array.concat(prometheus.exporter.unix.host.targets, prometheus.exporter.self.ingot.targets)
	forward_to      = [prometheus.remote_write.default.receiver]
	scrape_interval = "15s"
}

prometheus.remote_write "default" {
	endpoint {
		url = coalesce(sys.env("INGOT_REMOTE_WRITE_URL"), "http://127.0.0.1:9090/api/v1/write")
	}
}

// A host file read (and re-read when it changes) by local.file: its content is an export
// other components can reference as local.file.hosts.content.
local.file "hosts" {
	filename = "/etc/hosts"
}

// The system's log files, found by local.file_match: exports targets with __path__.
local.file_match "system_logs" {
	path_targets = [{"__path__" = "/var/log/*.log"}]
}
`;

export const defaultConfigSource: ConfigSource = { name: defaultConfigName, text: defaultConfigText };
