#!/usr/bin/env bash
# The HAProxy integration test puts Debian's haproxy in front of the lab (npm
# start runs it when it is installed, and never needs it). Installs it when missing.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi
echo "Installing Debian's haproxy for the integration tests…"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "HAProxy is missing and installing it needs root: run 'apt-get install haproxy' as root." >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq haproxy >/dev/null
