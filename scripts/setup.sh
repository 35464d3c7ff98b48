#!/usr/bin/env bash
# Installs every Debian package Charter needs to build, run and test.
# Idempotent: prints nothing and touches nothing when everything is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  g++ lld clang-14 clang-format-14 clang-tidy-14 libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost1.81-dev libboost-url1.81-dev
  nlohmann-json3-dev libsodium-dev libssl-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15
  libyaml-cpp-dev libkainjow-mustache-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libcli11-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libzip-dev
  python3 curl
  chromium  # browser tests (tests/browser: playwright-core drives it; never a downloaded browser)
)
# Extra packages a caller asks for (e.g. chromium for browser tests).
PACKAGES+=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
