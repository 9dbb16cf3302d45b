#!/usr/bin/env bash
# Generate the OIDC fixtures with an independent signer: the openssl command line signs every
# token (`openssl dgst -sign`, `openssl pkeyutl`), never ssolint's own code. Throwaway test
# keys are created under fixtures/oidc/keys/ on the first run and reused afterwards, so
# re-running reproduces the RSA/HMAC/EdDSA tokens byte for byte (ECDSA signatures are
# randomised and change). Usage: scripts/gen-oidc-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=fixtures/oidc
K=$OUT/keys
T=$OUT/tokens
mkdir -p "$K" "$T" "$OUT/discovery" "$OUT/configs"

# The instant every fixture is evaluated at (--now 2026-06-01T12:00:00Z).
NOW=1780315200
ISS=https://idp.example.test
AUD=chatgpt-enterprise

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
b64url_str() { printf '%s' "$1" | b64url; }
hex_to_b64url() { xxd -r -p | b64url; }

# --- keys -------------------------------------------------------------------------------
[ -f "$K/rsa.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa.pem" 2>/dev/null
[ -f "$K/rsa-other.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa-other.pem" 2>/dev/null
[ -f "$K/ec256.pem" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$K/ec256.pem"
[ -f "$K/ec384.pem" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$K/ec384.pem"
[ -f "$K/ec521.pem" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$K/ec521.pem"
[ -f "$K/ed25519.pem" ] || openssl genpkey -algorithm ED25519 -out "$K/ed25519.pem"
[ -f "$K/hmac.hex" ] || openssl rand -hex 32 > "$K/hmac.hex"
for k in rsa rsa-other ec256 ec384 ec521 ed25519; do
  openssl pkey -in "$K/$k.pem" -pubout -out "$K/$k.pub.pem"
done

rsa_jwk() { # key kid [extra members]
  local n; n=$(openssl rsa -in "$1" -noout -modulus | cut -d= -f2 | hex_to_b64url)
  printf '{"kty":"RSA","kid":"%s","use":"sig","alg":"RS256","n":"%s","e":"AQAB"%s}' "$2" "$n" "${3:-}"
}
ec_jwk() { # key kid crv len
  local pt; pt=$(openssl pkey -in "$1" -pubout -outform DER | tail -c $((2 * $4 + 1)) | xxd -p | tr -d '\n')
  local x=${pt:2:$((4 * $4 / 2))} y=${pt:$((2 + 2 * $4))}
  printf '{"kty":"EC","kid":"%s","use":"sig","crv":"%s","x":"%s","y":"%s"}' "$2" "$3" \
    "$(printf %s "$x" | hex_to_b64url)" "$(printf %s "$y" | hex_to_b64url)"
}
ed_jwk() {
  printf '{"kty":"OKP","kid":"%s","use":"sig","crv":"Ed25519","x":"%s"}' "$2" \
    "$(openssl pkey -in "$1" -pubout -outform DER | tail -c 32 | b64url)"
}
RSA_JWK=$(rsa_jwk "$K/rsa.pem" rsa-1)
# Entra publishes keys without `alg`; the main JWKS does the same for its second RSA key.
printf '{"keys":[%s,%s,%s,%s,%s]}\n' "$RSA_JWK" \
  "$(ec_jwk "$K/ec256.pem" ec-256 P-256 32)" "$(ec_jwk "$K/ec384.pem" ec-384 P-384 48)" \
  "$(ec_jwk "$K/ec521.pem" ec-521 P-521 66)" "$(ed_jwk "$K/ed25519.pem" ed-1)" > "$OUT/jwks.json"
printf '{"keys":[%s]}\n' "$RSA_JWK" > "$OUT/jwks-rsa-only.json"
printf '{"keys":[{"kty":"oct","kid":"hs-1","k":"%s"}]}\n' "$(hex_to_b64url < "$K/hmac.hex")" > "$OUT/jwks-oct.json"
OTHER_NOALG=$(rsa_jwk "$K/rsa-other.pem" rsa-1 | sed 's/,"alg":"RS256"//')
printf '{"keys":[%s,%s]}\n' "$RSA_JWK" "$OTHER_NOALG" > "$OUT/jwks-duplicate-kid.json"
printf '{"keys":[%s,%s]}\n' "$RSA_JWK" "$(printf %s "$OTHER_NOALG" | sed 's/"use":"sig"/"use":"enc"/')" > "$OUT/jwks-duplicate-kid-enc.json"

# --- discovery documents shaped like Okta, Entra and Google (jwks_uri is never fetched) ---
cat > "$OUT/discovery/okta.json" <<JSON
{"issuer":"$ISS","authorization_endpoint":"$ISS/oauth2/v1/authorize","token_endpoint":"$ISS/oauth2/v1/token","jwks_uri":"$ISS/oauth2/v1/keys","response_types_supported":["code","id_token","code id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"],"scopes_supported":["openid","email","profile","groups"],"claims_supported":["iss","sub","aud","exp","iat","email","email_verified","groups"]}
JSON
cat > "$OUT/discovery/entra.json" <<JSON
{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","authorization_endpoint":"https://login.microsoftonline.com/common/oauth2/v2.0/authorize","token_endpoint":"https://login.microsoftonline.com/common/oauth2/v2.0/token","jwks_uri":"https://login.microsoftonline.com/common/discovery/v2.0/keys","response_types_supported":["code","id_token","code id_token","id_token token"],"subject_types_supported":["pairwise"],"id_token_signing_alg_values_supported":["RS256"],"tenant_region_scope":null,"claims_supported":["sub","iss","aud","exp","iat","nonce","email","tid","oid","preferred_username"]}
JSON
cat > "$OUT/discovery/google.json" <<JSON
{"issuer":"https://accounts.google.com","authorization_endpoint":"https://accounts.google.com/o/oauth2/v2/auth","token_endpoint":"https://oauth2.googleapis.com/token","jwks_uri":"https://www.googleapis.com/oauth2/v3/certs","response_types_supported":["code","token","id_token","code token","code id_token","token id_token","code token id_token","none"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"],"claims_supported":["aud","email","email_verified","exp","iat","iss","sub"]}
JSON

# --- signing ------------------------------------------------------------------------------
# ECDSA: openssl gives DER; JOSE wants r‖s, each left-padded to the curve's length.
der_to_raw() { # len < der
  openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}' | while read -r v; do
    printf '%*s' $((2 * $1)) "$v" | tr ' ' 0
  done | hex_to_b64url
}
sign() { # alg header-json payload-json > token
  local alg=$1 input; input="$(b64url_str "$2").$(b64url_str "$3")"
  local sig
  case $alg in
    RS256|RS384|RS512) sig=$(printf %s "$input" | openssl dgst "-sha${alg:2}" -sign "$K/rsa.pem" | b64url) ;;
    PS256|PS384|PS512) sig=$(printf %s "$input" | openssl dgst "-sha${alg:2}" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sign "$K/rsa.pem" | b64url) ;;
    ES256) sig=$(printf %s "$input" | openssl dgst -sha256 -sign "$K/ec256.pem" | der_to_raw 32) ;;
    ES384) sig=$(printf %s "$input" | openssl dgst -sha384 -sign "$K/ec384.pem" | der_to_raw 48) ;;
    ES512) sig=$(printf %s "$input" | openssl dgst -sha512 -sign "$K/ec521.pem" | der_to_raw 66) ;;
    EdDSA) local tmp; tmp=$(mktemp); printf %s "$input" > "$tmp"
           sig=$(openssl pkeyutl -sign -rawin -inkey "$K/ed25519.pem" -in "$tmp" | b64url); rm -f "$tmp" ;;
    HS256) sig=$(printf %s "$input" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(cat "$K/hmac.hex")" -binary | b64url) ;;
    # The algorithm-confusion forgery: HMAC keyed with the RSA public key's PEM text.
    HS256-CONFUSED) sig=$(printf %s "$input" | openssl dgst -sha256 -mac HMAC -macopt "key:$(cat "$K/rsa.pub.pem")" -binary | b64url) ;;
    none) sig="" ;;
  esac
  printf '%s.%s\n' "$input" "$sig"
}

IAT=$((NOW - 60)); EXP=$((NOW + 3600))
base_claims() { # extra members appended (leading comma) / replaced via sed by callers
  printf '{"iss":"%s","aud":"%s","sub":"00u1ana","email":"ana@acme.test","email_verified":true,"iat":%s,"exp":%s%s}' "$ISS" "$AUD" "$IAT" "$EXP" "${1:-}"
}
H='{"alg":"RS256","kid":"rsa-1","typ":"JWT"}'
tok() { sign "${3:-RS256}" "$1" "$2" > "$T/$4"; }

GOOD=$(base_claims)
tok "$H" "$GOOD" RS256 good.jwt

# One token per algorithm, each signed by openssl with the matching test key.
for a in RS256 RS384 RS512 PS256 PS384 PS512; do tok "{\"alg\":\"$a\",\"kid\":\"rsa-1\"}" "$GOOD" "$a" "alg-$a.jwt"; done
sed -i 's/"alg":"RS256",//' "$OUT/jwks.json" # Entra-style: no alg members, kty decides
tok '{"alg":"ES256","kid":"ec-256"}' "$GOOD" ES256 alg-ES256.jwt
tok '{"alg":"ES384","kid":"ec-384"}' "$GOOD" ES384 alg-ES384.jwt
tok '{"alg":"ES512","kid":"ec-521"}' "$GOOD" ES512 alg-ES512.jwt
tok '{"alg":"EdDSA","kid":"ed-1"}' "$GOOD" EdDSA alg-EdDSA.jwt
tok '{"alg":"HS256","kid":"hs-1"}' "$GOOD" HS256 alg-HS256.jwt

# Rule fixtures: <rule>.fire.jwt and, where the near miss needs its own token, <rule>.near.jwt.
good_payload_b64=$(b64url_str "$GOOD")
cut -d. -f1 "$T/good.jwt" | tr -d '\n' > /tmp/h.$$
printf '%s.%s=.%s\n' "$(cat /tmp/h.$$)" "$good_payload_b64" "$(cut -d. -f3 "$T/good.jwt")" > "$T/token-malformed.fire.jwt"; rm -f /tmp/h.$$
printf '%s.%s.%s.%s.%s\n' "$(b64url_str '{"alg":"RSA-OAEP","enc":"A256GCM","kid":"enc-1"}')" \
  "$(openssl rand 256 | b64url)" "$(openssl rand 12 | b64url)" "$(openssl rand 64 | b64url)" "$(openssl rand 16 | b64url)" > "$T/token-encrypted.fire.jwt"
tok '{"alg":"none","typ":"JWT"}' "$GOOD" none alg-none.fire.jwt
tok '{"alg":"PS256","kid":"rsa-1"}' "$GOOD" PS256 alg-not-allowed.fire.jwt
tok '{"alg":"HS256","typ":"JWT"}' "$GOOD" HS256-CONFUSED alg-key-mismatch.fire.jwt
tok '{"alg":"RS256","kid":"rsa-2025"}' "$GOOD" RS256 kid-unknown.fire.jwt
printf '%s.%s.%s\n' "$(cut -d. -f1 "$T/good.jwt")" "$(b64url_str "$(base_claims | sed 's/00u1ana/00u1raj/')")" "$(cut -d. -f3 "$T/good.jwt")" > "$T/signature-invalid.fire.jwt"
tok '{"alg":"RS256","kid":"rsa-1","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}' "$GOOD" RS256 header-key-injection.fire.jwt
tok '{"alg":"RS256","kid":"rsa-1","crit":["exp"],"exp":1}' "$GOOD" RS256 crit-unsupported.fire.jwt
tok "$H" "$(base_claims | sed "s/\"aud\":\"$AUD\"/\"aud\":\"$AUD-staging\"/")" RS256 audience-mismatch.fire.jwt
tok "$H" "$(base_claims | sed "s/\"aud\":\"$AUD\",//")" RS256 audience-missing.fire.jwt
tok "$H" "$(base_claims | sed "s/\"aud\":\"$AUD\"/\"aud\":[\"$AUD\",\"reporting-api\"]/")" RS256 azp-mismatch.fire.jwt
tok "$H" "$(base_claims ",\"azp\":\"$AUD\"" | sed "s/\"aud\":\"$AUD\"/\"aud\":[\"$AUD\",\"reporting-api\"]/")" RS256 azp-mismatch.near.jwt
tok "$H" "$(base_claims | sed "s/\"iat\":$IAT,\"exp\":$EXP/\"iat\":$((NOW - 7200)),\"exp\":$((NOW - 3600))/")" RS256 expired.fire.jwt
tok "$H" "$(base_claims | sed "s/,\"exp\":$EXP//")" RS256 exp-missing.fire.jwt
tok "$H" "$(base_claims ",\"nbf\":$((NOW + 3600))")" RS256 not-yet-valid.fire.jwt
tok "$H" "$(base_claims ",\"nbf\":$IAT")" RS256 not-yet-valid.near.jwt
tok "$H" "$(base_claims | sed "s/\"iat\":$IAT/\"iat\":$((NOW + 1800))/")" RS256 iat-future.fire.jwt
tok "$H" "$(base_claims | sed "s/\"iat\":$IAT,//")" RS256 iat-missing.fire.jwt
tok "$H" "$(base_claims | sed 's/"sub":"00u1ana",//')" RS256 sub-missing.fire.jwt
tok "$H" "$(base_claims ',"nonce":"n-0S6_WzA2Mj"')" RS256 nonce-mismatch.fire.jwt
tok "$H" "$(base_claims ',"nonce":"n-7Yq3LpR2xK"')" RS256 nonce-mismatch.near.jwt
ACCESS_TOKEN=SlAV32hkKG-access-token-fixture
AT_HASH=$(printf %s "$ACCESS_TOKEN" | openssl dgst -sha256 -binary | head -c 16 | b64url)
OTHER_AT_HASH=$(printf %s "another-access-token" | openssl dgst -sha256 -binary | head -c 16 | b64url)
tok "$H" "$(base_claims ",\"at_hash\":\"$OTHER_AT_HASH\"")" RS256 at-hash-mismatch.fire.jwt
tok "$H" "$(base_claims ",\"at_hash\":\"$AT_HASH\"")" RS256 at-hash-mismatch.near.jwt
tok "$H" "$(base_claims | sed "s/\"exp\":$EXP/\"exp\":${EXP}000/")" RS256 time-claim-type.fire.jwt
tok "$H" "$(base_claims | sed 's/"email":"ana@acme.test","email_verified":true,//')" RS256 email-missing.fire.jwt
tok "$H" "$(base_claims | sed 's/"email_verified":true/"email_verified":"false"/')" RS256 email-unverified.fire.jwt
tok "$H" "$(base_claims | sed 's/ana@acme.test/ana@contractor.test/')" RS256 email-domain-unverified.fire.jwt
tok "$H" "$(base_claims ',"groups":["ChatGPT Users"]')" RS256 groups.near.jwt
tok "$H" "$(base_claims ',"_claim_names":{"groups":"src1"},"_claim_sources":{"src1":{"endpoint":"https://graph.microsoft.com/v1.0/users/00u1ana/getMemberObjects"}}')" RS256 groups-overage.fire.jwt
tok "$H" "$(base_claims ',"preferred_username":"ana@acme.test"')" RS256 identity-by-email.jwt
MANY=$(for i in $(seq 1 700); do printf '"ChatGPT Group %04d",' "$i"; done)
tok "$H" "$(base_claims ",\"groups\":[${MANY%,}]")" RS256 token-too-large.fire.jwt
tok "$H" "$(base_claims ',"groups":["ChatGPT Group 0001","ChatGPT Group 0002"]')" RS256 token-too-large.near.jwt
echo "$ACCESS_TOKEN" > "$T/access-token.txt"

# Entra-shaped v2.0 tokens: iss carries the tenant id, tid names it; one from another tenant.
TENANT=9188040d-6c67-4c5b-b112-36a304b66dad
OTHER_TENANT=72f988bf-86f1-41af-91ab-2d7cd011db47
entra_claims() { # tenant
  printf '{"iss":"https://login.microsoftonline.com/%s/v2.0","tid":"%s","aud":"%s","sub":"AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ","oid":"00000000-0000-0000-66f3-3332eca7ea81","email":"ana@acme.test","xms_edov":true,"preferred_username":"ana@acme.test","iat":%s,"nbf":%s,"exp":%s}' "$1" "$1" "$AUD" "$IAT" "$IAT" "$EXP"
}
tok "$H" "$(entra_claims "$TENANT")" RS256 entra.jwt
tok "$H" "$(entra_claims "$OTHER_TENANT")" RS256 entra-other-tenant.jwt

# --- configurations -------------------------------------------------------------------------
cfg() { # name [oidc extra lines]
  { printf '[workspace]\nverified_domains = ["acme.test"]\n\n[authentication]\nprotocol = "oidc"\n\n[oidc]\nissuer = "%s"\nclient_id = "%s"\njwks = "../jwks.json"\nalgorithms = ["RS256"]\n' "$ISS" "$AUD"
    printf '%s' "${2:-}"; } > "$OUT/configs/$1.toml"
}
cfg workspace
cfg groups 'groups_claim = "groups"
'
cfg identity-preferred-username 'email_claim = "preferred_username"
'
cfg entra ''
sed -i "s|^issuer = .*|issuer = \"https://login.microsoftonline.com/{tenantid}/v2.0\"\nallowed_tenants = [\"$TENANT\"]|" "$OUT/configs/entra.toml"
echo "fixtures written to $OUT"
