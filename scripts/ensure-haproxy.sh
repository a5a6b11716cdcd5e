#!/usr/bin/env bash
# The HAProxy integration test puts Debian's haproxy in front of the lab (npm
# start runs it when it is installed, and never needs it). Installs it when missing.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi
"$(dirname "$0")/apt-install.sh" haproxy "the integration tests"
