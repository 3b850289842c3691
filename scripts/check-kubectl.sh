#!/usr/bin/env bash
# The e2e tests drive the real kubectl. skiff serves what kubectl 1.30 and later use (OpenAPI
# v3 for `kubectl apply`, the WebSocket protocol for `kubectl exec`); older clients ask for
# /openapi/v2 and SPDY, which skiff does not serve. Debian 12's kubernetes-client is 1.20, so
# stop here with the reason instead of failing dozens of tests.
set -euo pipefail
version=$(kubectl version --client -o json 2>/dev/null |
  /usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)["clientVersion"]
print(v["major"], v["minor"].rstrip("+"), v["gitVersion"])' 2>/dev/null) || version="0 0 none"
read -r major minor git <<<"$version"
if ((major < 1 || (major == 1 && minor < 30))); then
  found="no kubectl on the PATH"
  [ "$git" != none ] && found="kubectl $git at $(command -v kubectl)"
  echo "$found: skiff's tests need kubectl 1.30 or later (tested with 1.32)." \
    "Put one first on the PATH." >&2
  exit 1
fi
