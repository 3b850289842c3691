#!/usr/bin/env bash
# Installs the SDK from a skiff build tree to a temporary prefix, builds this example against
# it out of tree, and runs the conformance suite on the result.
#   test_out_of_tree.sh <skiff build dir> [extra CMAKE_CXX_FLAGS, e.g. for sanitizers]
set -euo pipefail
build_dir=$1
cxx_flags=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/skiff-out-of-tree-XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --component skiff_sdk --prefix "$work/prefix" >/dev/null
cmake -S "$here" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_FLAGS="$cxx_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$cxx_flags" -DCMAKE_MODULE_LINKER_FLAGS="$cxx_flags" >/dev/null
cmake --build "$work/build"
ctest --test-dir "$work/build" --output-on-failure
