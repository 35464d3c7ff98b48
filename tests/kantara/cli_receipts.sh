#!/bin/sh
# cli_receipts.sh CHARTER SOURCE_DIR OUT_DIR: receipts made by `charter consent receipt` on a
# fresh embedded store (a given and a withdrawn event), written to OUT_DIR for validate.mjs.
set -eu
charter=$1 src=$2 out=$3
rm -rf "$out" && mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export CHARTER_MASTER_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
opts="--data $data/data --policy $src/policies/oxemis.yaml"
subject=sub_0123456789abcdefghjkmnpqrs
# The vault's keys first: consent commands audit, naming subjects by a pseudonym the vault keys.
"$charter" keys init $opts > /dev/null
given=$("$charter" consent give $opts --subject $subject --purpose prospecting \
  --channel privacy_center --language en | cut -f1)
withdrawn=$("$charter" consent withdraw $opts --subject $subject --purpose prospecting \
  --channel one_click_unsubscribe | cut -f1)
"$charter" consent receipt $opts --subject $subject --event "$given" > "$out/cli-given.json"
"$charter" consent receipt $opts --subject $subject --event "$withdrawn" \
  --policy-url https://privacy.oxemis.com/charter > "$out/cli-withdrawn.json"
echo "cli_receipts: 2 receipts in $out"
