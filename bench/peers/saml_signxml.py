"""Peer: signxml (pure-Python XML-DSig over lxml and `cryptography`).

Per response: XMLVerifier().verify() with the pinned IdP certificate: parse, find the
signature, dereference the Reference, apply the transforms, exclusive c14n, SHA-256 digest and
RSA/ECDSA verification; it returns the signed element, so it also tells what the signature
covers. It does not check issuer, audience, destination, recipient or time conditions.

  saml_signxml.py verdict CERT FILE...     one line per file: valid | invalid
  saml_signxml.py one CERT FILE            seconds per response
"""

import sys

from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

from timing import per_call, report


def verifier(cert):
    with open(cert) as f:
        pem = f.read()

    def verify(data):
        try:
            XMLVerifier().verify(data, x509_cert=pem, id_attribute="ID")
            return True
        except (InvalidSignature, InvalidInput):
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


if __name__ == "__main__":
    main()
