"""Peer: a Python lint of a federation aggregate, streaming with lxml, signature by libxmlsec1.

Counts entities per defect (an entity with two expired certificates counts once). Checks, per
EntityDescriptor (lxml iterparse, each entity freed after use): duplicate entityID;
every KeyDescriptor certificate (parsed with `cryptography`) expired, not yet valid, expiring
within 30 days, RSA key under 2048 bits, SHA-1 signed; every Location/ResponseLocation not
https; an IdP role without a signing certificate or without an HTTP-POST/Redirect SSO
endpoint. Then the aggregate's enveloped signature is verified against the signer certificate
with the python `xmlsec` binding (a second, whole-tree parse: libxmlsec1 needs the tree).
It does not check validUntil, entity-level signatures or anything ssolint ties to a workspace.

  lint_aggregate.py FILE SIGNER_CERT NOW    prints counts and seconds as JSON
"""

import base64
import datetime as dt
import json
import sys
import time

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SSO_BINDINGS = {"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"}


def lint(path, now):
    counts = dict.fromkeys(["entities", "duplicate_entity_id", "cert_expired", "cert_not_yet_valid",
                            "cert_expiring", "weak_key", "sha1_certificate", "insecure_endpoint",
                            "no_signing_cert", "no_sso_endpoint"], 0)
    seen = set()
    soon = now + dt.timedelta(days=30)
    for _, entity in etree.iterparse(path, events=("end",), tag=f"{MD}EntityDescriptor",
                                     resolve_entities=False, no_network=True, huge_tree=True):
        counts["entities"] += 1
        found = set()
        entity_id = entity.get("entityID")
        if entity_id in seen:
            found.add("duplicate_entity_id")
        seen.add(entity_id)
        for el in entity.iter():
            location = el.get("Location") or el.get("ResponseLocation")
            if location is not None and not location.startswith("https://"):
                found.add("insecure_endpoint")
        for cert_el in entity.iter(f"{DS}X509Certificate"):
            cert = x509.load_der_x509_certificate(base64.b64decode("".join(cert_el.text.split())))
            if cert.not_valid_after_utc < now:
                found.add("cert_expired")
            elif cert.not_valid_before_utc > now:
                found.add("cert_not_yet_valid")
            elif cert.not_valid_after_utc < soon:
                found.add("cert_expiring")
            key = cert.public_key()
            if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
                found.add("weak_key")
            if cert.signature_hash_algorithm is not None and cert.signature_hash_algorithm.name == "sha1":
                found.add("sha1_certificate")
        for idp in entity.iter(f"{MD}IDPSSODescriptor"):
            uses = [k.get("use") for k in idp.iter(f"{MD}KeyDescriptor")]
            if not any(u in (None, "signing") for u in uses):
                found.add("no_signing_cert")
            if not any(s.get("Binding") in SSO_BINDINGS for s in idp.iter(f"{MD}SingleSignOnService")):
                found.add("no_sso_endpoint")
        for defect in found:
            counts[defect] += 1
        entity.clear()
        parent = entity.getparent()
        while entity.getprevious() is not None:
            del parent[0]
    return counts


def verify(path, signer):
    tree = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    root = tree.getroot()
    xmlsec.tree.add_ids(root, ["ID"])
    signature = root.find(f"{DS}Signature")
    if signature is None:
        return False
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_file(signer, xmlsec.constants.KeyDataFormatCertPem)
    try:
        ctx.verify(signature)
        return True
    except xmlsec.Error:
        return False


def main():
    path, signer, now = sys.argv[1], sys.argv[2], sys.argv[3]
    now = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    start = time.perf_counter()
    counts = lint(path, now)
    counts["signature_valid"] = verify(path, signer)
    print(json.dumps({"counts": counts, "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
