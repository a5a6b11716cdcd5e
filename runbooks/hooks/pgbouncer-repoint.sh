#!/bin/sh
# Points a local PgBouncer at a service's new primary: an example of a script
# an agent allowlists for runbooks' `script` steps (runbooks/README.md, "Hooks").
#
#   pgbouncer-repoint.sh --host=<new primary host> --port=<its port>
#
# It rewrites the [databases] file PgBouncer includes (PGBOUNCER_DATABASES_FILE,
# `%include`d at the end of pgbouncer.ini) so that each database named in
# PGBOUNCER_DATABASES (space-separated) goes to the new primary, then reloads
# PgBouncer (SIGHUP to the pid in PGBOUNCER_PIDFILE): a database whose
# connection string changed has its server connections to the old primary
# closed as they are released, and new ones go to the new primary.
# PGBOUNCER_DATABASE_OPTIONS is appended to each connection string (e.g.
# "user=app"). The agent passes the arguments as an
# argv array, never through a shell; this script still refuses anything that
# is not a plain host name or address and port.
set -eu

host=""
port=""
for arg in "$@"; do
  case "$arg" in
    --host=*) host="${arg#--host=}" ;;
    --port=*) port="${arg#--port=}" ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

: "${PGBOUNCER_DATABASES_FILE:?the agent's script env must set PGBOUNCER_DATABASES_FILE}"
: "${PGBOUNCER_PIDFILE:?the agent's script env must set PGBOUNCER_PIDFILE}"
: "${PGBOUNCER_DATABASES:?the agent's script env must set PGBOUNCER_DATABASES}"
for database in $PGBOUNCER_DATABASES; do
  case "$database" in
    *[!A-Za-z0-9_]*) echo "PGBOUNCER_DATABASES: '$database' is not a plain database name" >&2; exit 2 ;;
  esac
done

case "$host" in
  "" | *[!A-Za-z0-9.:-]*) echo "refusing host '$host': expected a host name or an IP address" >&2; exit 2 ;;
esac
case "$port" in
  "" | *[!0-9]*) echo "refusing port '$port': expected a number" >&2; exit 2 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then echo "refusing port $port: out of range" >&2; exit 2; fi

options="${PGBOUNCER_DATABASE_OPTIONS:-}"
case "$options" in
  *"
"*) echo "PGBOUNCER_DATABASE_OPTIONS must be one line" >&2; exit 2 ;;
esac

# Written beside the target and renamed over it: PgBouncer never reads half a file.
tmp="$PGBOUNCER_DATABASES_FILE.switchyard-$$"
{
  echo "; written by pgbouncer-repoint.sh (Switchyard) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "[databases]"
  for database in $PGBOUNCER_DATABASES; do
    echo "$database = host=$host port=$port dbname=$database${options:+ $options}"
  done
} >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$PGBOUNCER_DATABASES_FILE"

if [ ! -r "$PGBOUNCER_PIDFILE" ]; then echo "PgBouncer is not running: no pid file $PGBOUNCER_PIDFILE" >&2; exit 1; fi
pid="$(cat "$PGBOUNCER_PIDFILE")"
if ! kill -HUP "$pid" 2>/dev/null; then echo "PgBouncer (pid $pid) could not be told to reload" >&2; exit 1; fi
echo "PgBouncer (pid $pid) now sends every database to $host:$port"
