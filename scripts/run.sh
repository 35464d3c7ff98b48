#!/usr/bin/env bash
# The run command (README): installs what is needed, builds Charter (release), checks the
# default Oxemis policy and renders the charter from it into ./data.
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
echo "Charter rendered from policies/oxemis.yaml:"
echo "  open file://$PWD/data/charter.fr.html (French) or file://$PWD/data/charter.en.html (English)"
echo "  record of processing activities: $PWD/data/register.csv"
