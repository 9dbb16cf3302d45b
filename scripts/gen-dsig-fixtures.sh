#!/usr/bin/env bash
# Regenerate fixtures/dsig: throwaway keys and certificates, SAML responses signed by
# xmlsec1 in each algorithm, and attack variants (XSW1-8, duplicate IDs, comment injection,
# digest and signature tampering, unsupported transforms) built from the signed ones.
# Needs openssl, xmlsec1 and python3. Keys are for tests only; they are kept between runs
# unless --new-keys is given.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/dsig"
[ "${1:-}" = --new-keys ] && rm -rf keys
rm -rf responses && mkdir -p keys responses
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

# --- keys and certificates ---------------------------------------------------------------
cat >"$WORK/ca.cnf" <<'CNF'
[ca]
default_ca = d
[d]
database = WORK/index.txt
new_certs_dir = WORK
serial = WORK/serial
default_md = sha256
policy = p
copy_extensions = none
unique_subject = no
[p]
commonName = supplied
CNF
sed -i "s#WORK#$WORK#g" "$WORK/ca.cnf"
# cert NAME KEYFILE START END: a self-signed certificate with a pinned validity period.
cert() {
  : >"$WORK/index.txt"; echo 01 >"$WORK/serial"
  openssl req -new -key "keys/$2" -subj "/CN=$1.idp.example.com" -out "$WORK/$1.csr" 2>/dev/null
  openssl ca -batch -config "$WORK/ca.cnf" -selfsign -keyfile "keys/$2" -in "$WORK/$1.csr" \
    -startdate "$3" -enddate "$4" -out "$WORK/$1.crt" >/dev/null 2>&1
  openssl x509 -in "$WORK/$1.crt" -out "keys/$1.pem"
}
if [ ! -f keys/idp.key ]; then
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/idp.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/rotated.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out keys/weak.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/sp.key 2>/dev/null
for c in P-256 P-384 P-521; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$c -out "keys/${c,,}.key" 2>/dev/null
done
VALID=(250101000000Z 300101000000Z)
cert idp idp.key "${VALID[@]}"
cert rotated rotated.key "${VALID[@]}"
cert weak weak.key "${VALID[@]}"
cert sp sp.key "${VALID[@]}"
cert p-256 p-256.key "${VALID[@]}"
cert p-384 p-384.key "${VALID[@]}"
cert p-521 p-521.key "${VALID[@]}"
cert expired idp.key 240101000000Z 250101000000Z
cert future idp.key 270101000000Z 300101000000Z
fi

# --- templates ---------------------------------------------------------------------------
DS=http://www.w3.org/2000/09/xmldsig#
EXC=http://www.w3.org/2001/10/xml-exc-c14n#
# sigtmpl ID SIGALG DIGALG [C14N] [TRANSFORMS]
sigtmpl() {
  local c14n=${4:-$EXC}
  local transforms=${5:-"<ds:Transform Algorithm=\"${DS}enveloped-signature\"/><ds:Transform Algorithm=\"$EXC\"/>"}
  printf '<ds:Signature xmlns:ds="%s"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="%s"/><ds:SignatureMethod Algorithm="%s"/><ds:Reference URI="#%s"><ds:Transforms>%s</ds:Transforms><ds:DigestMethod Algorithm="%s"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>' \
    "$DS" "$c14n" "$2" "$1" "$transforms" "$3"
}
# response RESP_SIG ASSERT_SIG (EXTRA_ATTRIBUTES, when set, is added to the statement)
EXTRA_ATTRIBUTES=""
response() {
  cat <<XML
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z" Destination="https://sp.example.com/acs" InResponseTo="_req1">
  <saml:Issuer>https://idp.example.com/</saml:Issuer>$1
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="_assert1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z">
    <saml:Issuer>https://idp.example.com/</saml:Issuer>$2
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">ana@acme.com</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-03-01T10:05:00Z" Recipient="https://sp.example.com/acs" InResponseTo="_req1"/></saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="2026-03-01T09:59:00Z" NotOnOrAfter="2026-03-01T10:05:00Z"><saml:AudienceRestriction><saml:Audience>https://sp.example.com</saml:Audience></saml:AudienceRestriction></saml:Conditions>
    <saml:AuthnStatement AuthnInstant="2026-03-01T10:00:00Z" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
    <saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>ana@acme.com</saml:AttributeValue></saml:Attribute><saml:Attribute Name="given_name"><saml:AttributeValue>Ana</saml:AttributeValue></saml:Attribute>$EXTRA_ATTRIBUTES</saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>
XML
}
IDS=(--id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion --id-attr:ID urn:oasis:names:tc:SAML:2.0:protocol:Response)
# sign IN OUT KEY CERT: sign the first unsigned template in document order.
sign() {
  xmlsec1 --sign --privkey-pem "keys/$3,keys/$4" "${IDS[@]}" --output "$2" "$1" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
}
RSA256=http://www.w3.org/2001/04/xmldsig-more#rsa-sha256
SHA256=http://www.w3.org/2001/04/xmlenc#sha256
# signed NAME RESP? ASSERT? KEY CERT SIGALG DIGALG [C14N] [TRANSFORMS]
signed() {
  local name=$1 r=$2 a=$3 key=$4 crt=$5 sa=$6 da=$7 c=${8:-} t=${9:-}
  local rs="" as=""
  [ "$a" = 1 ] && as=$'\n    '"$(sigtmpl _assert1 "$sa" "$da" "$c" "$t")"
  response "" "$as" >"$WORK/t.xml"
  [ "$a" = 1 ] && { sign "$WORK/t.xml" "$WORK/s.xml" "$key" "$crt"; cp "$WORK/s.xml" "$WORK/t.xml"; }
  if [ "$r" = 1 ]; then
    rs="$(sigtmpl _resp1 "$sa" "$da" "$c" "$t")"
    python3 - "$WORK/t.xml" "$rs" <<'PY'
import sys
p, sig = sys.argv[1], sys.argv[2]
s = open(p).read()
i = s.index("</saml:Issuer>") + len("</saml:Issuer>")
open(p, "w").write(s[:i] + "\n  " + sig + s[i:])
PY
    sign "$WORK/t.xml" "$WORK/s.xml" "$key" "$crt"; cp "$WORK/s.xml" "$WORK/t.xml"
  fi
  cp "$WORK/t.xml" "responses/$name.xml"
}
signed unsigned 0 0 idp.key idp.pem "$RSA256" "$SHA256"
signed assertion-signed 0 1 idp.key idp.pem "$RSA256" "$SHA256"
signed response-signed 1 0 idp.key idp.pem "$RSA256" "$SHA256"
signed both-signed 1 1 idp.key idp.pem "$RSA256" "$SHA256"
signed rsa-sha1 0 1 idp.key idp.pem "${DS}rsa-sha1" "${DS}sha1"
signed rsa-sha384 0 1 idp.key idp.pem http://www.w3.org/2001/04/xmldsig-more#rsa-sha384 http://www.w3.org/2001/04/xmldsig-more#sha384
signed rsa-sha512 0 1 idp.key idp.pem http://www.w3.org/2001/04/xmldsig-more#rsa-sha512 http://www.w3.org/2001/04/xmlenc#sha512
signed digest-sha224 0 1 idp.key idp.pem "$RSA256" http://www.w3.org/2001/04/xmldsig-more#sha224
signed ecdsa-p256 0 1 p-256.key p-256.pem http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256 "$SHA256"
signed ecdsa-p384 0 1 p-384.key p-384.pem http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384 "$SHA256"
signed ecdsa-p521 0 1 p-521.key p-521.pem http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512 "$SHA256"
signed c14n10 0 1 idp.key idp.pem "$RSA256" "$SHA256" http://www.w3.org/TR/2001/REC-xml-c14n-20010315 \
  "<ds:Transform Algorithm=\"${DS}enveloped-signature\"/><ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>"
signed c14n11 1 0 idp.key idp.pem "$RSA256" "$SHA256" http://www.w3.org/2006/12/xml-c14n11 \
  "<ds:Transform Algorithm=\"${DS}enveloped-signature\"/><ds:Transform Algorithm=\"http://www.w3.org/2006/12/xml-c14n11#WithComments\"/>"
signed exc-with-comments 0 1 idp.key idp.pem "$RSA256" "$SHA256" "${EXC}WithComments" \
  "<ds:Transform Algorithm=\"${DS}enveloped-signature\"/><ds:Transform Algorithm=\"${EXC}WithComments\"/>"
signed exc-prefixlist 0 1 idp.key idp.pem "$RSA256" "$SHA256" "$EXC" \
  "<ds:Transform Algorithm=\"${DS}enveloped-signature\"/><ds:Transform Algorithm=\"$EXC\"><ec:InclusiveNamespaces xmlns:ec=\"$EXC\" PrefixList=\"samlp #default\"/></ds:Transform>"
signed weak-key 0 1 weak.key weak.pem "$RSA256" "$SHA256"
signed expired-cert 0 1 idp.key expired.pem "$RSA256" "$SHA256"
signed future-cert 0 1 idp.key future.pem "$RSA256" "$SHA256"
signed rotated 0 1 rotated.key rotated.pem "$RSA256" "$SHA256"
# About 7 KB, for the verification benchmark.
EXTRA_ATTRIBUTES=$(for i in $(seq 1 15); do printf '\n      <saml:Attribute Name="http://schemas.example.com/claims/group%s" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>engineering-group-%s</saml:AttributeValue></saml:Attribute>' "$i" "$i"; done)
signed large-assertion-signed 0 1 idp.key idp.pem "$RSA256" "$SHA256"
EXTRA_ATTRIBUTES=""
signed xpath-transform 0 1 idp.key idp.pem "$RSA256" "$SHA256" "$EXC" \
  "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform><ds:Transform Algorithm=\"$EXC\"/>"

# A Response-level signature whose Reference points at the assertion, not its parent.
response "" "" >"$WORK/t.xml"
python3 - "$WORK/t.xml" "$(sigtmpl _assert1 "$RSA256" "$SHA256")" <<'PY'
import sys
p, sig = sys.argv[1], sys.argv[2]
s = open(p).read()
i = s.index("</saml:Issuer>") + len("</saml:Issuer>")
open(p, "w").write(s[:i] + "\n  " + sig + s[i:])
PY
sign "$WORK/t.xml" responses/reference-elsewhere.xml idp.key idp.pem

# --- edits after signing ------------------------------------------------------------------
python3 - <<'PY'
import re
R = "responses/"
def read(n): return open(R + n + ".xml").read()
def write(n, s): open(R + n + ".xml", "w").write(s)
def sig_block(s, after):
    i = s.index("<ds:Signature", after); j = s.index("</ds:Signature>", i) + len("</ds:Signature>")
    return i, j
a = read("assertion-signed")
write("comment-in-nameid", a.replace("ana@acme.com</saml:NameID>", "ana@<!-- split -->acme.com</saml:NameID>", 1))
write("comment-in-nameid-with-comments", read("exc-with-comments").replace("ana@acme.com</saml:NameID>", "ana@<!-- split -->acme.com</saml:NameID>", 1))
write("digest-mismatch", a.replace("ana@acme.com</saml:NameID>", "eve@acme.com</saml:NameID>", 1))
m = re.search(r"<ds:SignatureValue>\s*(.)", a)
flip = "B" if m.group(1) != "B" else "C"
write("signature-invalid", a[:m.start(1)] + flip + a[m.end(1):])
write("c14n-unknown", a.replace('CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"', 'CanonicalizationMethod Algorithm="urn:example:c14n"', 1))
rot = open("keys/rotated.pem").read()
rot_b64 = "".join(l for l in rot.splitlines() if "-----" not in l)
write("keyinfo-other-cert", re.sub(r"<ds:X509Certificate>[^<]*</ds:X509Certificate>", "<ds:X509Certificate>" + rot_b64 + "</ds:X509Certificate>", a, count=1))

# Assertions without their signature, evil copies.
ai = a.index("<saml:Assertion"); aj = a.index("</saml:Assertion>") + len("</saml:Assertion>")
orig = a[ai:aj]
si, sj = sig_block(orig, 0)
orig_sig = orig[si:sj]
orig_nosig = orig[:si] + orig[sj:]
evil_nosig = orig_nosig.replace('ID="_assert1"', 'ID="_evil"').replace("ana@acme.com</saml:NameID>", "admin@acme.com</saml:NameID>")
def with_sig(assertion, sig):
    i = assertion.index("</saml:Issuer>") + len("</saml:Issuer>")
    return assertion[:i] + sig + assertion[i:]
def resp(body):
    return a[:ai] + body + a[aj:]
write("multiple-assertions", resp(orig + "\n  " + evil_nosig))
write("duplicate-id", resp(orig + "\n  " + orig_nosig.replace("ana@acme.com</saml:NameID>", "admin@acme.com</saml:NameID>")))
write("xsw3", resp(evil_nosig + "\n  " + orig))
write("xsw4", resp(evil_nosig.replace("</saml:Assertion>", orig + "</saml:Assertion>")))
write("xsw5", resp(with_sig(evil_nosig, orig_sig) + "\n  " + orig_nosig))
write("xsw6", resp(with_sig(evil_nosig, orig_sig.replace("</ds:Signature>", orig_nosig + "</ds:Signature>"))))
write("xsw8", resp(with_sig(evil_nosig, orig_sig.replace("</ds:Signature>", "<ds:Object>" + orig_nosig + "</ds:Object></ds:Signature>"))))
st = a.index("<samlp:Status")
xsw7 = a[:st] + "<samlp:Extensions>" + orig + "</samlp:Extensions>\n  " + a[st:ai] + evil_nosig + a[aj:]
write("xsw7", xsw7)

r = read("response-signed")
body_start = r.index("<samlp:Response"); body_end = r.index("</samlp:Response>") + len("</samlp:Response>")
resp_full = r[body_start:body_end]
si, sj = sig_block(resp_full, 0)
rsig = resp_full[si:sj]
r_nosig = resp_full[:si] + resp_full[sj:]
evil_r = r_nosig.replace('ID="_resp1"', 'ID="_evilresp"', 1).replace("ana@acme.com</saml:NameID>", "admin@acme.com</saml:NameID>")
ei = evil_r.index("</saml:Issuer>") + len("</saml:Issuer>")
write("xsw1", r[:body_start] + evil_r[:ei] + rsig.replace("</ds:Signature>", r_nosig + "</ds:Signature>") + evil_r[ei:] + r[body_end:])
write("xsw2", r[:body_start] + evil_r[:ei] + r_nosig + rsig + evil_r[ei:] + r[body_end:])
PY

# --- encrypted assertion (to the SP certificate) ---------------------------------------------
enc() { # NAME KEYTRANSPORT CONTENT
  cat >"$WORK/enc.xml" <<XML
<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="$3"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="$2"/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>
XML
  python3 - responses/assertion-signed.xml "$WORK/plain.xml" <<'PY'
import sys
s = open(sys.argv[1]).read()
i = s.index("<saml:Assertion"); j = s.index("</saml:Assertion>") + len("</saml:Assertion>")
open(sys.argv[2], "w").write(s[i:j].replace("<saml:Assertion ", '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ', 1))
PY
  xmlsec1 --encrypt --pubkey-cert-pem keys/sp.pem --session-key "$4" --xml-data "$WORK/plain.xml" \
    --output "$WORK/encdata.xml" "$WORK/enc.xml" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  python3 - responses/assertion-signed.xml "$WORK/encdata.xml" "responses/$1.xml" <<'PY'
import sys
s = open(sys.argv[1]).read(); e = open(sys.argv[2]).read()
e = e[e.index("<xenc:EncryptedData"):].strip()
i = s.index("<saml:Assertion"); j = s.index("</saml:Assertion>") + len("</saml:Assertion>")
open(sys.argv[3], "w").write(s[:i] + "<saml:EncryptedAssertion>" + e + "</saml:EncryptedAssertion>" + s[j:])
PY
}
enc encrypted-oaep-aes128cbc http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p http://www.w3.org/2001/04/xmlenc#aes128-cbc aes-128
enc encrypted-rsa15-aes256cbc http://www.w3.org/2001/04/xmlenc#rsa-1_5 http://www.w3.org/2001/04/xmlenc#aes256-cbc aes-256
enc encrypted-oaep-aes256gcm http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p http://www.w3.org/2009/xmlenc11#aes256-gcm aes-256
enc encrypted-oaep-aes128gcm http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p http://www.w3.org/2009/xmlenc11#aes128-gcm aes-128
echo "fixtures/dsig regenerated"
