#!/usr/bin/env bash
# One watch-latency run that also reports the CPU time of the server and of the driver.
# Usage: bench/api/watch_cpu.sh SERVER_BINARY READER EVENTS
#   e.g. bench/api/watch_cpu.sh build-rel/bench/api/watch_server epoll 200
# SERVER_BINARY is a watch_server build (e.g. a copy built from an older commit, to compare).
set -u
bin=$1
reader=$2
events=$3
cd "$(dirname "$0")/../.."
data=$(mktemp -d)
"$bin" --data-dir "$data" >"$data/out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
url=
for _ in $(seq 50); do
  url=$(sed -n 's/^listening on //p' "$data/out")
  [ -n "$url" ] && break
  sleep 0.1
done
echo "== $bin reader=$reader, load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "driver CPU: user %U s, sys %S s" build-rel/bench/api/watch_latency \
  --server "$url" --watches 1000 --events "$events" --reader "$reader" 2>&1
awk '{print "server CPU: user", $14/100, "s, sys", $15/100, "s"}' /proc/$pid/stat
