#!/usr/bin/env bash
# API benchmarks against a real `skiff server` (Release build):
#   GET of one pod with concurrent clients (wrk), LIST of 10,000 pods, watch event latency
#   with 1,000 open watches.
# Usage: bench/api/run.sh [build-dir]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSKIFF_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target skiff watch_latency >/dev/null
data=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/core/cmd/skiff" --log-level warn server --data-dir "$data" --listen 127.0.0.1:$port &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf $url/readyz >/dev/null && break; sleep 0.1; done

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "== creating 10,000 pods"
/usr/bin/python3 - "$url" <<'PY'
import json, sys, urllib.request, concurrent.futures
url = sys.argv[1]
def create(i):
    body = json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": f"pod-{i}", "labels": {"app": "bench", "i": str(i % 10)}},
                       "spec": {"nodeName": f"node-{i % 100}",
                                "containers": [{"name": "c", "image": "busybox:1.36",
                                                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}).encode()
    req = urllib.request.Request(url + "/api/v1/namespaces/default/pods", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
with concurrent.futures.ThreadPoolExecutor(32) as ex:
    list(ex.map(create, range(10000)))
PY

echo "== GET one pod: wrk, 2 threads, 64 connections, 10 s"
wrk -t2 -c64 -d10s --latency $url/api/v1/namespaces/default/pods/pod-42 | grep -E "Requests/sec|99%|50%"

echo "== LIST 10,000 pods (JSON), 10 runs"
for i in $(seq 10); do
  curl -s -o /dev/null -w '%{time_total}\n' $url/api/v1/namespaces/default/pods
done | sort -n | awk '{a[NR]=$1} END {printf "min %.1f ms, median %.1f ms, max %.1f ms\n", a[1]*1000, a[int((NR+1)/2)]*1000, a[NR]*1000}'

echo "== watch event latency, 1,000 watches"
"$build/bench/api/watch_latency" --server $url --watches 1000 --events 100
