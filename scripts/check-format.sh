#!/usr/bin/env bash
# Fails when a tracked C++ file differs from .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.h' '*.cc' '*.cpp')
[ -z "$files" ] && exit 0
echo "$files" | xargs clang-format --dry-run --Werror
