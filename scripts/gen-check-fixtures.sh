#!/usr/bin/env bash
# Regenerate fixtures/check and the saml.* check-rule fixtures: Okta-, Entra- and
# Google-shaped responses built from one template with one defect each, every assertion
# signed by xmlsec1 (the independent signer) with the test keys of fixtures/dsig/keys, a
# workspace configuration, a directory, and HAR captures of an SP-initiated flow.
# Needs xmlsec1 and python3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/fixtures/check"
rm -rf responses har && mkdir -p responses har
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
KEYS="$ROOT/fixtures/dsig/keys"
python3 "$ROOT/scripts/gen_check_fixtures.py" "$WORK"
for t in "$WORK"/*.tmpl.xml; do
  name=$(basename "$t" .tmpl.xml)
  key=idp; case "$name" in entra-rotated) key=rotated;; esac
  xmlsec1 --sign --privkey-pem "$KEYS/$key.key,$KEYS/$key.pem" \
    --id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion \
    --output "responses/$name.xml" "$t" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
done
for t in "$WORK"/*.unsigned.xml; do
  [ -e "$t" ] && cp "$t" "responses/$(basename "$t" .unsigned.xml).xml"
done
python3 "$ROOT/scripts/gen_check_fixtures.py" "$WORK" --har
