#!/usr/bin/env bash
# Regenerate the committed fixtures: throwaway test keys and self-signed certificates
# (openssl; made once and kept, so reruns give the same signatures), SAML responses signed by
# xmlsec1 (an independent signer: exclusive c14n, rsa-sha256, sha256), IdP metadata, an
# HTTP-Redirect AuthnRequest, HAR captures, an ID token and every message in every encoding.
# Tests never run this script; they read its committed outputs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
keys="$root/fixtures/keys"
mkdir -p "$keys"
command -v xmlsec1 >/dev/null || { echo "xmlsec1 is required" >&2; exit 1; }

# A self-signed certificate with fixed validity (openssl ca accepts start/end dates).
make_cert() {
  local name="$1" cn="$2"
  [ -f "$keys/$name.key.pem" ] && [ -f "$keys/$name.crt.pem" ] && return 0
  local tmp; tmp="$(mktemp -d)"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/$name.key.pem" 2>/dev/null
  touch "$tmp/index.txt"; echo 1000 > "$tmp/serial"
  cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
dir = $tmp
database = $tmp/index.txt
serial = $tmp/serial
new_certs_dir = $tmp
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
[v3]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
CNF
  openssl req -new -key "$keys/$name.key.pem" -subj "/CN=$cn" -out "$tmp/req.csr"
  openssl ca -batch -config "$tmp/ca.cnf" -selfsign -keyfile "$keys/$name.key.pem" \
    -startdate 20250101000000Z -enddate 20350101000000Z -extensions v3 \
    -in "$tmp/req.csr" -out "$tmp/cert.pem" -notext 2>/dev/null
  openssl x509 -in "$tmp/cert.pem" -out "$keys/$name.crt.pem"
  rm -rf "$tmp"
}

make_cert okta "ssolint test Okta example"
make_cert entra "Microsoft Azure Federated SSO Certificate (ssolint test)"
make_cert google "Google (ssolint test)"
make_cert sp "sp.example.test (ssolint test SP)"

python3 "$root/scripts/gen_fixtures.py" "$root"
echo "fixtures regenerated under $root/fixtures"
