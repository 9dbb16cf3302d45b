"""Helpers shared by the benchmark material generators: keys, certificates, signing with xmlsec1."""

import datetime as dt
import os
import subprocess
import sys

SP_ENTITY_ID = "https://sp.example.test/saml/metadata"
ACS_URL = "https://sp.example.test/saml/acs"
ACS_HOST = "sp.example.test"
ACS_PATH = "/saml/acs"
IDP_ENTITY_ID = "https://idp.example.test/saml"
OIDC_ISSUER = "https://login.example.test"
OIDC_CLIENT_ID = "chatgpt-enterprise"
OIDC_NONCE = "n-0S6_WzA2Mj"
VERIFIED_DOMAINS = ["acme.com", "eu.acme.com"]
ELSEWHERE_DOMAINS = ["partner.org"]


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return r.stdout


def keypair(directory, name, kind, days=3650, not_before_days=1):
    """A key and a self-signed certificate (PEM files). kind: rsa2048 | p256."""
    key = os.path.join(directory, f"{name}.key")
    crt = os.path.join(directory, f"{name}.crt")
    if os.path.exists(key) and os.path.exists(crt):
        return key, crt
    if kind == "rsa2048":
        run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key])
    elif kind == "p256":
        run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
    else:
        raise ValueError(kind)
    run(["openssl", "req", "-new", "-x509", "-key", key, "-out", crt, "-days", str(days),
         "-subj", f"/CN={name}.example.test/O=ssolint bench", "-sha256"])
    return key, crt


def cert_b64(crt):
    """The base64 body of a PEM certificate, on one line."""
    with open(crt) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("-----")]
    return "".join(lines)


def xmlsec_sign(template, output, key, crt, id_attr):
    """Sign a template holding an empty ds:Signature with the xmlsec1 program."""
    run(["xmlsec1", "--sign", "--privkey-pem", f"{key},{crt}", "--id-attr:ID", id_attr,
         "--output", output, template])


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
