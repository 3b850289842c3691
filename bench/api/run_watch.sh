#!/usr/bin/env bash
# Watch event latency with 1,000 open watches against the API server alone (`watch_server`:
# the request path of `skiff server` without controllers/scheduler/agent, so it builds in
# minutes on the shared 2-core machine), the CPU time the server and the driver used, then the
# machine's floor for the same fan-out (`fanout_floor`: raw sends, 1 thread and one per core).
# Same driver and arguments as run.sh's watch step.
# Usage: bench/api/run_watch.sh [build-dir] [watches] [events] [driver flags, e.g. --reader epoll]
#        (default build-rel 1000 100)
# WATCH_SERVER=BINARY runs another watch_server build (e.g. one from an older commit, to compare).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-rel}
watches=${2:-1000}
events=${3:-100}
server=${WATCH_SERVER:-$build/bench/api/watch_server}
data=$(mktemp -d)
out=$data/server.out
"$server" --data-dir "$data" >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$out")
  [ -n "$url" ] && break
  sleep 0.1
done
echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== watch event latency, $watches watches, $events events, server $server"
/usr/bin/time -f "driver CPU: user %U s, sys %S s" "$build/bench/api/watch_latency" \
  --server "$url" --watches "$watches" --events "$events" "${@:4}" 2>&1 | tee "$data/driver.out"
awk '{print "server CPU: user", $14/100, "s, sys", $15/100, "s"}' "/proc/$pid/stat"
kill $pid
# The same fan-out as bare loopback sends, from as many threads as the server's StreamLanes:
# the floor this machine puts under the figures above.
bytes=$(sed -n 's/^event line: \([0-9]*\) bytes$/\1/p' "$data/driver.out")
echo "== floor, $watches connections, $events events of ${bytes:-420} bytes"
for senders in 1 $(( $(nproc) > 4 ? 4 : $(nproc) )); do
  "$build/bench/api/fanout_floor" --sockets "$watches" --events "$events" --senders "$senders" \
    --bytes "${bytes:-420}"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
