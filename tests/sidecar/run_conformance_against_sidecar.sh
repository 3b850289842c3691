#!/bin/sh
# Starts the mock runtime sidecar, runs skiff-conformance-grpc --runtime-endpoint against it,
# and stops it: the runner's gRPC sources used the way a plugin author would.
#   run_conformance_against_sidecar.sh <skiff-conformance-grpc> <skiff-mock-runtime>
set -eu
runner=$1
sidecar=$2
dir=$(mktemp -d /tmp/skiff-conf-XXXXXX)
"$sidecar" --socket "$dir/mock.sock" >"$dir/mock.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
i=0
while [ ! -S "$dir/mock.sock" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then
    echo "the sidecar's socket never appeared; its log:" >&2
    cat "$dir/mock.log" >&2
    exit 1
  fi
  sleep 0.1
done
"$runner" --runtime-endpoint "unix://$dir/mock.sock"
