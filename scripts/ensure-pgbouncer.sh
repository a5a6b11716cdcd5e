#!/usr/bin/env bash
# The PgBouncer hook example's test (test/integration/pgbouncer-hook.test.ts)
# runs Debian's pgbouncer. Installs it when missing.
set -euo pipefail
if [ -x /usr/sbin/pgbouncer ]; then exit 0; fi
echo "Installing Debian's pgbouncer for the integration tests…"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "pgbouncer is missing and installing it needs root: run 'apt-get install pgbouncer' as root." >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbouncer >/dev/null
# The package starts its own service on 6432; the tests run their own PgBouncer.
if command -v systemctl >/dev/null && systemctl is-active --quiet pgbouncer 2>/dev/null; then $sudo systemctl disable --now pgbouncer >/dev/null 2>&1 || true; fi
