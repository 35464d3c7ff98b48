#!/usr/bin/env bash
# The run command (README): installs what is needed, builds Charter (release), checks the
# default Oxemis policy, renders the charter and the register into ./data, and starts the server
# on the embedded SQLite store in ./data (Ctrl-C or SIGTERM stops it gracefully). On the first
# start the server initialises the vault keys (./data/keys/master.key, mode 0600: back it up) and
# creates the first DPO account, whose e-mail and password it prints once, here, on stdout.
# CHARTER_LISTEN overrides the address (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release charter >/dev/null
bin=build/release/charter
$bin policy check policies/oxemis.yaml
mkdir -p data
for lang in fr en; do
  $bin policy render policies/oxemis.yaml --lang $lang --format html > data/charter.$lang.html
  $bin policy render policies/oxemis.yaml --lang $lang --format md > data/charter.$lang.md
done
$bin policy ropa policies/oxemis.yaml --format csv > data/register.csv
listen=${CHARTER_LISTEN:-127.0.0.1:8080}
echo "Charter: the charter is rendered in $PWD/data/charter.fr.html (and .en.html), the register"
echo "         in $PWD/data/register.csv; the API is described at http://$listen/v1/openapi.json"
echo "         Open the privacy center at http://localhost:${listen##*:}/ and the DPO console at"
echo "         http://localhost:${listen##*:}/console (localhost, not 127.0.0.1: browsers keep the"
echo "         console's Secure session cookie on localhost only, unless you serve TLS)."
echo "         (first start: note the DPO account printed below; it is shown only once, and its"
echo "         password must be changed at the first login)"
exec $bin serve --policy policies/oxemis.yaml --data data --listen "$listen"
