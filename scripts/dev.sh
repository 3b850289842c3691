#!/usr/bin/env bash
# The two entry points of the README:
#   scripts/dev.sh run   install, build (release) and start `skiff server` on the embedded store
#   scripts/dev.sh test  install, build (ASan+UBSan, warnings as errors) and run every test
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
shift || true
scripts/install-deps.sh
# Let ccache reuse objects across clones of the repository (CI builds a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
case "$mode" in
  run)
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DSKIFF_BUILD_TESTS=OFF -DSKIFF_BUILD_BENCH=OFF >/dev/null
    # skiff, and the reference plugins as .so and sidecars for examples/configs/.
    cmake --build build/release --target skiff skiff_mock_runtime_plugin skiff-mock-runtime \
      skiff_bridge_cni_plugin skiff-bridge skiff_hostpath_csi_plugin skiff-hostpath-csi
    exec build/release/core/cmd/skiff server "$@"
    ;;
  test)
    scripts/check-kubectl.sh
    scripts/check-format.sh
    cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DSKIFF_SANITIZE=ON -DSKIFF_WERROR=ON >/dev/null
    cmake --build build/test
    cd build/test
    ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 600 --parallel 2 "$@"
    ;;
  *)
    echo "usage: scripts/dev.sh run|test [args]" >&2
    exit 2
    ;;
esac
