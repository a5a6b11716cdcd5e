#!/usr/bin/env bash
# The integration tests in two lanes side by side (test/integration-lanes.ts): the
# files that run replicated servers of their own, one at a time, and the
# others, one at a time. Each lane has its own vitest and its own store;
# their lines are prefixed with the lane's name. Arguments (file filters,
# -t patterns) go to both lanes; a lane they leave empty passes.
set -uo pipefail
cd "$(dirname "$0")/.."

lane() {
  local project=$1 prefix=$2
  shift 2
  npx vitest run --project "$project" --passWithNoTests "$@" 2>&1 | sed -u "s/^/[$prefix] /"
}

lane integration-servers servers "$@" &
servers=$!
lane integration store "$@"
store=$?
wait "$servers"
servers_status=$?
echo "integration lanes: store $([ $store -eq 0 ] && echo passed || echo "failed ($store)"), servers $([ $servers_status -eq 0 ] && echo passed || echo "failed ($servers_status)")"
[ $store -eq 0 ] && [ $servers_status -eq 0 ]
