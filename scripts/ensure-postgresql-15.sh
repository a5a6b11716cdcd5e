#!/usr/bin/env bash
# The bring-your-own-cluster integration test runs a cluster from Debian's
# postgresql-15 package (pg_basebackup and pg_rewind included, which the npm
# PostgreSQL lacks). Installs it when missing.
set -euo pipefail
bin="/usr/lib/postgresql/15/bin"
if [ -x "$bin/pg_basebackup" ] && [ -x "$bin/pg_rewind" ] && [ -x "$bin/initdb" ]; then exit 0; fi
echo "Installing Debian's postgresql-15 for the integration tests…"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "PostgreSQL 15 is missing and installing it needs root: run 'apt-get install postgresql-15' as root." >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >/dev/null
