#!/usr/bin/env bash
# build.sh <release|test|clang> [targets...]: configure (once) and build one of the build trees.
#   release  build/release  optimised, for running and benchmarks
#   test     build/test     ASan + UBSan, for the test suite
#   clang    build/clang    clang 14, checks the code also builds with clang
#   tsan     build/tsan     ThreadSanitizer, -O1 -g1, for the e2e suite (docs/BUILD.md)
# CHARTER_UNITY=1 (scripts/test.sh sets it) configures a new test or tsan tree as a unity build
# (cmake/Unity.cmake): about half the compile time of a clean build; an edit recompiles its batch.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
shift || true
case "$kind" in
  release) args=(-DCMAKE_BUILD_TYPE=Release -DCHARTER_SANITIZE=OFF) ;;
  test) args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1 -O1" -DCHARTER_SANITIZE=ON -DCHARTER_BENCH=OFF) ;;
  clang) args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0" -DCMAKE_CXX_COMPILER=clang++-14
               -DCMAKE_C_COMPILER=clang-14 -DCHARTER_BENCH=OFF) ;;
  tsan) args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1 -O1" -DCHARTER_BENCH=OFF
              -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_C_FLAGS="-fsanitize=thread"
              -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread") ;;
  *) echo "usage: build.sh release|test|clang|tsan [targets...]" >&2; exit 2 ;;
esac
if [ "${CHARTER_UNITY:-0}" = 1 ] && { [ "$kind" = test ] || [ "$kind" = tsan ]; }; then
  args+=(-DCMAKE_UNITY_BUILD=ON)
fi
dir=build/$kind
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
fi
jobs=$(nproc)
# TSan binaries run during the build (gtest discovery): without ASLR, as in scripts/test.sh.
run=(); if [ "$kind" = tsan ]; then run=(setarch "$(uname -m)" -R); fi
"${run[@]}" cmake --build "$dir" -j "$jobs" ${1:+--target "$@"}
