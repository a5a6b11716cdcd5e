#!/usr/bin/env bash
# The bring-your-own-cluster integration test runs a cluster from Debian's
# postgresql-15 package (pg_basebackup and pg_rewind included, which the npm
# PostgreSQL lacks). Installs it when missing.
set -euo pipefail
bin="/usr/lib/postgresql/15/bin"
if [ -x "$bin/pg_basebackup" ] && [ -x "$bin/pg_rewind" ] && [ -x "$bin/initdb" ]; then exit 0; fi
"$(dirname "$0")/apt-install.sh" postgresql-15 "the integration tests"
