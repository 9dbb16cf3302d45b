"""Peer: libxmlsec1 in-process, through the python `xmlsec` binding (lxml tree).

Per response: parse (lxml, no entities, no network), register the ID attributes, find the
ds:Signature and verify it (exclusive c14n, SHA-256 digest, RSA or ECDSA signature) with the
pinned IdP certificate loaded once. It does not check which element the signature covers, nor
issuer, audience, destination, recipient or time conditions.

  saml_xmlsec.py verdict CERT FILE...      one line per file: valid | invalid
  saml_xmlsec.py one CERT FILE             seconds per response (loop over the same bytes)
  saml_xmlsec.py batch CERT DIR            seconds for every *.xml in DIR (read + verify)
"""

import os
import sys

import xmlsec
from lxml import etree

from timing import per_call, report, whole

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def verifier(cert):
    key = xmlsec.Key.from_file(cert, xmlsec.constants.KeyDataFormatCertPem)

    def verify(data):
        root = etree.fromstring(data, PARSER)
        xmlsec.tree.add_ids(root, ["ID"])
        signature = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
        if signature is None:
            return False
        ctx = xmlsec.SignatureContext()
        ctx.key = key
        try:
            ctx.verify(signature)
            return True
        except xmlsec.Error:
            return False

    return verify


def main():
    mode, cert, *paths = sys.argv[1:]
    verify = verifier(cert)
    if mode == "verdict":
        for path in paths:
            with open(path, "rb") as f:
                print("valid" if verify(f.read()) else "invalid")
    elif mode == "one":
        with open(paths[0], "rb") as f:
            data = f.read()
        assert verify(data)
        report(per_call(lambda: verify(data)))
    elif mode == "batch":
        files = sorted(os.path.join(paths[0], n) for n in os.listdir(paths[0]) if n.endswith(".xml"))

        def batch():
            for path in files:
                with open(path, "rb") as f:
                    if not verify(f.read()):
                        raise SystemExit(f"{path}: invalid")

        report(whole(batch), count=len(files))


if __name__ == "__main__":
    main()
