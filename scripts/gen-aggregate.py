#!/usr/bin/env python3
"""Generate a SAML federation metadata aggregate with planted defects.

    scripts/gen-aggregate.py --entities 20000 --out /tmp/aggregate.xml \
        [--manifest /tmp/aggregate.tsv] [--sign-key key.pem --sign-cert cert.pem] [--seed 7]

The aggregate is an EntitiesDescriptor of IdPs and SPs in the shape of real federations
(InCommon, eduGAIN): mdui-free, one or two KeyDescriptors per role, SSO and SLO endpoints.
Every 97th entity carries one planted defect, recorded in the manifest as
`entity_id<TAB>rule`, so a test or benchmark can assert that `ssolint lint --metadata` reports
exactly those. Certificates are made once with the openssl command (good, expired, 1024-bit,
SHA-1 signed) and reused; with --sign-key/--sign-cert the aggregate is signed with xmlsec1
(an independent signer), for `--metadata-signer`.

Only the standard library and the openssl/xmlsec1 programs are used, so the script runs on a
plain CI image.
"""

import argparse
import base64
import os
import random
import subprocess
import sys
import tempfile

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SOAP = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
ARTIFACT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"

# Defect name -> the rule ssolint reports for it.
DEFECTS = [
    ("expired-cert", "metadata.cert-expired"),
    ("weak-key", "metadata.weak-key"),
    ("sha1-cert", "metadata.sha1-certificate"),
    ("http-endpoint", "metadata.insecure-endpoint"),
    ("no-sso-endpoint", "metadata.no-sso-endpoint"),
    ("no-signing-cert", "metadata.no-signing-cert"),
    ("valid-until-passed", "metadata.valid-until-passed"),
    ("duplicate-entity-id", "metadata.duplicate-entity-id"),
    ("rotation", "metadata.multiple-signing-certs"),
]


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_cert(tmp, name, days_from, days_to, bits=2048, md="sha256"):
    """A self-signed certificate valid from/to the given day offsets around 2026-01-01."""
    key = os.path.join(tmp, f"{name}.key")
    openssl("genrsa", "-out", key, str(bits), cwd=tmp)
    conf = os.path.join(tmp, f"{name}.cnf")
    db = os.path.join(tmp, f"{name}.db")
    open(db, "w").close()
    with open(os.path.join(tmp, f"{name}.serial"), "w") as f:
        f.write("1000\n")
    with open(conf, "w") as f:
        f.write(
            f"[ca]\ndefault_ca = d\n[d]\ndatabase = {db}\nnew_certs_dir = {tmp}\n"
            f"serial = {tmp}/{name}.serial\ndefault_md = {md}\npolicy = p\nunique_subject = no\n"
            "[p]\ncommonName = supplied\n"
        )
    csr = os.path.join(tmp, f"{name}.csr")
    openssl("req", "-new", "-key", key, "-subj", f"/CN={name}.federation.test", "-out", csr, cwd=tmp)

    def stamp(offset):
        import datetime

        d = datetime.datetime(2026, 1, 1) + datetime.timedelta(days=offset)
        return d.strftime("%Y%m%d%H%M%SZ")

    out = os.path.join(tmp, f"{name}.pem")
    openssl(
        "ca", "-batch", "-config", conf, "-selfsign", "-keyfile", key, "-in", csr,
        "-startdate", stamp(days_from), "-enddate", stamp(days_to), "-md", md,
        "-out", out, "-notext", cwd=tmp,
    )
    der = subprocess.run(
        ["openssl", "x509", "-in", out, "-outform", "DER"], check=True, capture_output=True
    ).stdout
    return base64.b64encode(der).decode()


def key_descriptor(cert, use="signing"):
    return (
        f'<md:KeyDescriptor use="{use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
    )


def idp(entity_id, host, certs, defect):
    attrs = ""
    if defect == "valid-until-passed":
        attrs = ' validUntil="2025-01-01T00:00:00Z"'
    scheme = "http" if defect == "http-endpoint" else "https"
    keys = ""
    if defect == "no-signing-cert":
        keys = key_descriptor(certs["good"], "encryption")
    elif defect == "expired-cert":
        keys = key_descriptor(certs["expired"])
    elif defect == "weak-key":
        keys = key_descriptor(certs["weak"])
    elif defect == "sha1-cert":
        keys = key_descriptor(certs["sha1"])
    elif defect == "rotation":
        keys = key_descriptor(certs["good"]) + key_descriptor(certs["next"])
    else:
        keys = key_descriptor(certs["good"])
    if defect == "no-sso-endpoint":
        sso = f'<md:SingleSignOnService Binding="{SOAP}" Location="https://{host}/idp/soap"/>'
    else:
        sso = (
            f'<md:SingleSignOnService Binding="{REDIRECT}" Location="{scheme}://{host}/idp/sso"/>'
            f'<md:SingleSignOnService Binding="{POST}" Location="{scheme}://{host}/idp/sso"/>'
        )
    return (
        f'<md:EntityDescriptor entityID="{entity_id}"{attrs}>'
        f'<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{keys}"
        f'<md:SingleLogoutService Binding="{REDIRECT}" Location="https://{host}/idp/slo"/>'
        "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
        f"{sso}</md:IDPSSODescriptor></md:EntityDescriptor>\n"
    )


def sp(entity_id, host, certs):
    return (
        f'<md:EntityDescriptor entityID="{entity_id}">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" '
        'AuthnRequestsSigned="true">'
        f"{key_descriptor(certs['good'])}"
        f'<md:AssertionConsumerService Binding="{POST}" Location="https://{host}/sp/acs" index="0"/>'
        f'<md:AssertionConsumerService Binding="{ARTIFACT}" Location="https://{host}/sp/art" index="1"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>\n"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=20000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--manifest")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sign-key")
    ap.add_argument("--sign-cert")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as tmp:
        certs = {
            "good": make_cert(tmp, "good", -365, 3650),
            "next": make_cert(tmp, "next", -10, 4000),
            "expired": make_cert(tmp, "expired", -2000, -100),
            "weak": make_cert(tmp, "weak", -365, 3650, bits=1024),
            "sha1": make_cert(tmp, "sha1", -365, 3650, md="sha1"),
        }
        planted = []
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<md:EntitiesDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" ID="aggregate" '
            'Name="urn:example:federation" validUntil="2036-01-01T00:00:00Z">\n'
        ]
        defect_i = 0
        previous_idp = None
        for i in range(a.entities):
            host = f"{rng.choice(['idp', 'login', 'sso', 'auth'])}{i}.uni{i % 997}.example.edu"
            is_idp = i % 3 == 0
            entity_id = f"https://{host}/{'idp' if is_idp else 'sp'}/shibboleth"
            defect = None
            if is_idp and i % 97 == 0 and i > 0:
                defect, rule = DEFECTS[defect_i % len(DEFECTS)]
                defect_i += 1
                if defect == "duplicate-entity-id" and previous_idp:
                    entity_id = previous_idp
                planted.append((entity_id, rule))
            if is_idp:
                parts.append(idp(entity_id, host, certs, defect))
                previous_idp = entity_id
            else:
                parts.append(sp(entity_id, host, certs))
        parts.append("</md:EntitiesDescriptor>\n")
        xml = "".join(parts)
        if a.sign_key and a.sign_cert:
            xml = xml.replace(
                'validUntil="2036-01-01T00:00:00Z">\n',
                'validUntil="2036-01-01T00:00:00Z">\n'
                '<ds:Signature><ds:SignedInfo>'
                '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
                '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
                '<ds:Reference URI="#aggregate"><ds:Transforms>'
                '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
                '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
                '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
                "<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
                "</ds:Signature>\n",
                1,
            )
            unsigned = os.path.join(tmp, "unsigned.xml")
            with open(unsigned, "w") as f:
                f.write(xml)
            subprocess.run(
                ["xmlsec1", "--sign", "--privkey-pem", f"{a.sign_key},{a.sign_cert}",
                 "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor",
                 "--output", a.out, unsigned],
                check=True,
            )
        else:
            with open(a.out, "w") as f:
                f.write(xml)
    if a.manifest:
        with open(a.manifest, "w") as f:
            f.write("entity_id\trule\n")
            for entity_id, rule in planted:
                f.write(f"{entity_id}\t{rule}\n")
    print(f"{a.out}: {a.entities} entities, {len(planted)} planted defects", file=sys.stderr)


if __name__ == "__main__":
    main()
