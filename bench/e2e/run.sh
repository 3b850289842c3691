#!/usr/bin/env bash
# End-to-end Deployment startup (issue 5): a Release `skiff server` (no embedded agent) and a
# `skiff agent --simulate NODES` (hollow nodes, mock runtime) as two processes talking HTTP, as
# kubemark runs hollow nodes; then deployment_startup creates one Deployment of REPLICAS pods
# and watches them to Running. Prints the machine, the load, and the driver's numbers.
# Usage: bench/e2e/run.sh [build-dir] [replicas] [nodes]   (default build-rel 10000 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-rel}
replicas=${2:-10000}
nodes=${3:-1000}
skiff="$build/core/cmd/skiff"
driver="$build/bench/e2e/deployment_startup"
[ -x "$skiff" ] && [ -x "$driver" ] || { echo "build $skiff and $driver first" >&2; exit 2; }
data=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
"$skiff" --log-level warn server --no-agent --data-dir "$data/server" --listen 127.0.0.1:$port \
  >"$data/server.log" 2>&1 &
server=$!
agent=
cleanup() {
  [ -n "$agent" ] && kill "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf $url/readyz >/dev/null && break; sleep 0.1; done
cat >"$data/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "$url"}}]
contexts: [{name: bench, context: {cluster: bench, user: bench}}]
users: [{name: bench, user: {}}]
current-context: bench
KC
agent_config=()
# AGENT_CONFIG=FILE: the agent's config YAML (e.g. podWorkerThreads).
[ -n "${AGENT_CONFIG:-}" ] && agent_config=(--config "$AGENT_CONFIG")
"$skiff" --log-level warn agent --kubeconfig "$data/kubeconfig" --simulate "$nodes" \
  "${agent_config[@]}" >"$data/agent.log" 2>&1 &
agent=$!

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# PERF=DIR: also record CPU profiles (perf record -g) of both processes into DIR.
perf_pids=()
if [ -n "${PERF:-}" ]; then
  mkdir -p "$PERF"
  perf record -F 99 ${PERF_CALLGRAPH:--g} -p $server -o "$PERF/server.data" >/dev/null 2>&1 & perf_pids+=($!)
  perf record -F 99 ${PERF_CALLGRAPH:--g} -p $agent -o "$PERF/agent.data" >/dev/null 2>&1 & perf_pids+=($!)
fi
"$build/bench/e2e/deployment_startup" --server "$url" --replicas "$replicas" --nodes "$nodes" \
  --pid server=$server --pid agent=$agent
for p in "${perf_pids[@]}"; do kill -INT "$p"; wait "$p" || true; done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
