#!/usr/bin/env bash
# HTTP ceiling of this machine: wrk against the real `charter serve` on /healthz (a static,
# inline route), 64 connections on 127.0.0.1, bounded in time. Also runs bench/http_bench
# (in-process driver: inline vs worker pool, slow handlers).
#   bench/http_bench.sh [seconds]       default 10 s per run
# Installs the Debian package `wrk` if missing (benchmarks only; CI does not need it).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
if ! command -v wrk >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "http_bench: installing wrk" >&2
  $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
./scripts/build.sh release charter http_bench >/dev/null

echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp -d /tmp/charter-bench.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

run_wrk() {  # label, log level
  ./build/release/charter serve --policy policies/oxemis.yaml --data "$tmp/data" \
    --listen 127.0.0.1:0 --log-level "$2" >"$tmp/out" 2>"$tmp/log" &
  pid=$!
  for _ in $(seq 400); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n -E 's/.*127\.0\.0\.1:([0-9]+).*/\1/p' "$tmp/out")
  if [ -z "$port" ]; then echo "charter serve did not start:" >&2; cat "$tmp/log" >&2; exit 1; fi
  echo "== wrk -t2 -c64 -d${secs}s --latency http://127.0.0.1:$port/healthz ($1)"
  wrk -t2 -c64 -d"${secs}s" --latency "http://127.0.0.1:$port/healthz" |
    grep -E "Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors"
  kill -TERM "$pid"; wait "$pid" || true; pid=""
}
run_wrk "access log off: --log-level warn" warn
run_wrk "access log on, to a file: --log-level info" info

echo "== bench/http_bench (in process)"
./build/release/bench/http_bench "$((secs / 2 > 1 ? secs / 2 : 2))"
