#!/usr/bin/env bash
# The store-on-Patroni integration test (test/integration/store-on-patroni.test.ts)
# runs the control plane's store as a Patroni-managed PostgreSQL 15 cluster over
# etcd, from Debian's packages. Installs them when missing.
set -euo pipefail
if [ ! -x /usr/bin/patroni ]; then "$(dirname "$0")/apt-install.sh" patroni "the integration tests"; fi
if [ ! -x /usr/bin/etcd ]; then "$(dirname "$0")/apt-install.sh" etcd-server "the integration tests"; fi
# The packages may start their own services; the tests run their own etcd and Patroni.
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
for unit in etcd patroni; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$unit" 2>/dev/null; then $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true; fi
done
