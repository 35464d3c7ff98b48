#!/usr/bin/env bash
# fuzz.sh TARGET [SECONDS] [libFuzzer options...]: builds fuzz/TARGET_fuzz.cc with clang 14 and
# -fsanitize=fuzzer,address,undefined (tree build/fuzz: every library it links is instrumented
# too) and runs it for SECONDS (default 60) on a copy of its corpus, fuzz/corpus/TARGET/.
# The tree is a unity build (cmake/Unity.cmake). New inputs libFuzzer finds go to
# build/fuzz/corpus/TARGET (not the repository: add an input to fuzz/corpus/ by hand when it is
# worth replaying in CI); a crash leaves crash-* in build/fuzz/.
# `fuzz.sh list` prints the targets. docs/FUZZING.md has the figures of the runs so far.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = list ] || [ -z "${1:-}" ]; then
  for f in fuzz/*_fuzz.cc; do n=${f#fuzz/}; echo "${n%_fuzz.cc}"; done
  exit 0
fi
target=$1
seconds=${2:-60}
shift 2 || shift $#
[ -f "fuzz/${target}_fuzz.cc" ] || { echo "fuzz.sh: no fuzz/${target}_fuzz.cc" >&2; exit 2; }
dir=build/fuzz
if [ ! -f "$dir/build.ninja" ]; then
  san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" \
    -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 -DCHARTER_BENCH=OFF \
    -DCHARTER_FUZZ=ON -DCMAKE_CXX_FLAGS="$san" -DCMAKE_C_FLAGS="$san" -DCMAKE_UNITY_BUILD=ON \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
fi
nice cmake --build "$dir" -j "$(nproc)" --target "${target}_fuzz"
work=$dir/corpus/$target
mkdir -p "$work"
cp -n fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$dir"
"./fuzz/${target}_fuzz" -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 \
  -timeout=10 -rss_limit_mb=4096 "$@" "corpus/$target"
