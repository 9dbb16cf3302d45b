"""Peer: a Python lint of a federation aggregate, streaming with lxml, signature by libxmlsec1.

The checks are the ones `ssolint lint --metadata` makes on an aggregate: the aggregate's
validUntil; duplicate entityIDs among all entities; and for each entity with an IdP role, its
validUntil, the IdP's signing certificates (KeyDescriptor use="signing" or no use, parsed with
`cryptography`: expired, not yet valid, expiring within 30 days, RSA under 2048 bits, SHA-1
signed; none at all; more than one), an HTTP-POST/Redirect SingleSignOnService, and every SSO
and SLO Location that is http://. Entities are read with lxml iterparse and freed after use.
Then the aggregate's enveloped signature is verified against the signer certificate with the
python `xmlsec` binding (a second, whole-tree parse: libxmlsec1 needs the tree). It counts
entities per defect (an entity with two http:// endpoints counts once).

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
    counts = dict.fromkeys(["entities", "valid_until_passed", "duplicate_entity_id", "cert_expired",
                            "cert_not_yet_valid", "cert_expiring", "weak_key", "sha1_certificate",
                            "no_signing_cert", "multiple_signing_certs", "no_sso_endpoint",
                            "insecure_endpoint"], 0)
    seen = set()
    soon = now + dt.timedelta(days=30)

    def passed(el):
        until = el.get("validUntil")
        return until is not None and dt.datetime.fromisoformat(until.replace("Z", "+00:00")) < now

    root = None
    for _, entity in etree.iterparse(path, events=("end",), tag=f"{MD}EntityDescriptor",
                                     resolve_entities=False, no_network=True, huge_tree=True):
        counts["entities"] += 1
        found = set()
        entity_id = entity.get("entityID")
        if entity_id in seen:
            found.add("duplicate_entity_id")
        seen.add(entity_id)
        idp = entity.find(f"{MD}IDPSSODescriptor")
        if idp is not None:
            if passed(entity):
                found.add("valid_until_passed")
            signing = [k for k in idp.iterfind(f"{MD}KeyDescriptor") if k.get("use") in (None, "signing")]
            certs = [c for k in signing for c in k.iter(f"{DS}X509Certificate")]
            if not certs:
                found.add("no_signing_cert")
            if len(certs) > 1:
                found.add("multiple_signing_certs")
            for cert_el in certs:
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
            sso = idp.findall(f"{MD}SingleSignOnService")
            if not any(s.get("Binding") in SSO_BINDINGS for s in sso):
                found.add("no_sso_endpoint")
            for ep in sso + idp.findall(f"{MD}SingleLogoutService"):
                if (ep.get("Location") or "").lower().startswith("http://"):
                    found.add("insecure_endpoint")
        for defect in found:
            counts[defect] += 1
        entity.clear()
        parent = root = entity.getparent()
        while entity.getprevious() is not None:
            del parent[0]
    if root is not None and passed(root):
        counts["valid_until_passed"] += 1
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
