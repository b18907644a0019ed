// The configuration `ingot run` uses when no path is given (`npm start`): useful on
// its own, with nothing to set up. Documented in docs/cli.md; extend it as
// first-party plugins arrive.
import type { ConfigSource } from "@ingot/runtime";

export const defaultConfigName = "<default config>";

export const defaultConfigText = `// Ingot's embedded default configuration. Its own metrics are served on /metrics.
logging {
	level  = "info"
	format = "logfmt"
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
