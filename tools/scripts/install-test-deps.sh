#!/usr/bin/env bash
# Installs the system packages the tests start for real, when missing: Debian's
# Prometheus 2.42 (remote-write receiver) and node_exporter 1.5, for the end-to-end
# tests of @ingot/plugin-prometheus (see docs/testing.md). Their systemd units never
# start here; the tests run the binaries themselves on loopback ports. Run by `npm test`
# (pretest) and by .ci/run; a no-op once both are installed.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v prometheus-node-exporter >/dev/null 2>&1; then
  exit 0
fi
echo "== installing prometheus and prometheus-node-exporter (Debian packages)"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends prometheus prometheus-node-exporter
