#!/usr/bin/env bash
# P1, P2 and P3 over HTTP (DESIGN.md section 10; docs/BENCHMARKS.md "HTTP"), against the release
# `charter serve` (SQLite, fresh data folder) on 127.0.0.1, each run beside /healthz (the static
# inline route: this machine's HTTP ceiling) measured in the same run:
#   P1  wrk, 64 connections: POST /v1/subjects with 6 contact fields (bench/wrk/create_subject.lua)
#   P2  wrk, 64 connections: POST /v1/decisions over 1,000 stored subjects (bench/wrk/decide.lua)
#   P3  curl: POST /v1/decisions/bulk?purpose=prospecting, Content-Type text/plain, 1M e-mail
#       addresses (half stored), streamed both ways; and the same with 1M subject ids
# Each run prints the load average. Rate limits are raised (--rate-credential) so they do not
# cap the figures. Needs wrk (Debian package) and a release build:
#   nice ./scripts/build.sh release charter
#   bench/http_p123.sh [seconds per wrk run, default 10] [runs, default 3]
# CHARTER_BIN=path runs another binary (a baseline); P1=0 / P3=0 skip P1 / P3 (P3: a binary
# without the streamed form); CHARTER_SERVE_ARGS adds serve options (e.g. "--workers 64").
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
runs=${2:-3}
bin=${CHARTER_BIN:-./build/release/charter}
tmp=$(mktemp -d /tmp/charter-p123.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$bin" serve ${CHARTER_SERVE_ARGS:-} --policy policies/oxemis.yaml --data "$tmp/data" --listen 127.0.0.1:0 \
  --log-level warn --rate-credential 10000000 --rate-anonymous 10000000 >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in $(seq 400); do grep -q "First DPO" "$tmp/out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n -E 's/.*127\.0\.0\.1:([0-9]+).*/\1/p' "$tmp/out" | head -1)
line=$(grep "First DPO" "$tmp/out")
email=$(sed -E 's/.*e-mail ([^,]+), password.*/\1/' <<<"$line")
password=$(sed -E 's/.*, password ([^ ]+).*/\1/' <<<"$line")
base="http://127.0.0.1:$port"
j() { curl -sS -b "$tmp/jar" -c "$tmp/jar" -H 'Content-Type: application/json' "$@"; }
csrf=$(j -X POST "$base/v1/session" -d "{\"email\":\"$email\",\"password\":\"$password\"}" | jq -r .csrf_token)
j -X PUT "$base/v1/session/password" -H "X-CSRF-Token: $csrf" \
  -d "{\"current_password\":\"$password\",\"new_password\":\"bench-password-123456\"}" >/dev/null
csrf=$(j -X POST "$base/v1/session" -d "{\"email\":\"$email\",\"password\":\"bench-password-123456\"}" | jq -r .csrf_token)
svc=$(j -X POST "$base/v1/services" -H "X-CSRF-Token: $csrf" \
  -d '{"name":"bench","purposes":["prospecting"]}' | jq -r .id)
export CHARTER_TOKEN=$(j -X POST "$base/v1/services/$svc/tokens" -H "X-CSRF-Token: $csrf" \
  -d '{"validity":"P30D"}' | jq -r .token)
auth=(-H "Authorization: Bearer $CHARTER_TOKEN" -H 'Content-Type: application/json')

# 1,000 subjects for P2 and P3 (known.<i>@bench.example.org), consent given to every other one.
export CHARTER_SUBJECTS="$tmp/subjects"
for i in $(seq 1000); do
  id=$(curl -sS "${auth[@]}" -X POST "$base/v1/subjects" \
    -d "{\"purposes\":[\"prospecting\"],\"fields\":{\"email\":\"known.$i@bench.example.org\"}}" | jq -r .id)
  echo "$id" >>"$CHARTER_SUBJECTS"
  if [ $((i % 2)) = 0 ]; then
    curl -sS "${auth[@]}" -X POST "$base/v1/subjects/$id/consents" \
      -d '{"purpose":"prospecting","action":"give","channel":"api"}' >/dev/null
  fi
done
# P3 inputs: 1M addresses (even lines stored, odd lines unknown), 1M subject ids.
awk 'BEGIN { for (i = 0; i < 1000000; i++) if (i % 2) printf "nobody.%d@elsewhere.example.net\n", i; else printf "known.%d@bench.example.org\n", (i / 2) % 1000 + 1 }' >"$tmp/emails"
awk '{ a[NR] = $0 } END { for (i = 0; i < 1000000; i++) print a[i % NR + 1] }' "$CHARTER_SUBJECTS" >"$tmp/ids"

wrk_run() {  # label, wrk args...
  local label=$1
  shift
  echo "-- $label (load average $(load))"
  wrk -t2 -c64 -d"${secs}s" --latency "$@" | grep -E "Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors"
}
p3_run() {  # label, file
  echo "-- $1 (load average $(load))"
  curl -sS -o "$tmp/answer" -w 'time_total %{time_total} s, uploaded %{size_upload} B, downloaded %{size_download} B\n' \
    -H "Authorization: Bearer $CHARTER_TOKEN" -H 'Content-Type: text/plain' \
    --data-binary @"$2" "$base/v1/decisions/bulk?purpose=prospecting"
  tail -1 "$tmp/answer"
}
for run in $(seq "$runs"); do
  echo "== run $run"
  wrk_run "healthz" "$base/healthz"
  if [ "${P1:-1}" = 1 ]; then
    wrk_run "P1 create subject" -s bench/wrk/create_subject.lua "$base"
    wrk_run "healthz" "$base/healthz"
  fi
  wrk_run "P2 decision" -s bench/wrk/decide.lua "$base"
  wrk_run "healthz" "$base/healthz"
  if [ "${P3:-1}" = 1 ]; then
    p3_run "P3 1M e-mail addresses" "$tmp/emails"
    p3_run "P3 1M subject ids" "$tmp/ids"
  fi
done
