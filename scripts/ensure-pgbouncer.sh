#!/usr/bin/env bash
# The PgBouncer hook example's test (test/integration/pgbouncer-hook.test.ts)
# runs Debian's pgbouncer. Installs it when missing.
set -euo pipefail
if [ -x /usr/sbin/pgbouncer ]; then exit 0; fi
"$(dirname "$0")/apt-install.sh" pgbouncer "the integration tests"
# The package starts its own service on 6432; the tests run their own PgBouncer.
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if command -v systemctl >/dev/null && systemctl is-active --quiet pgbouncer 2>/dev/null; then $sudo systemctl disable --now pgbouncer >/dev/null 2>&1 || true; fi
