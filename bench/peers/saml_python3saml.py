"""Peer: python3-saml (OneLogin) strict response validation, as a Python SP would run it.

Per response: OneLogin_Saml2_Response(settings, base64).is_valid(request_data) with strict
settings matching ssolint's check: SP entity id (audience), ACS URL (Destination, Recipient),
IdP entity id (Issuer), the pinned IdP certificate, signed assertions required, NameID and
AttributeStatement required, deprecated algorithms rejected. It also validates the response
against the SAML XSD schema, which ssolint does not do. Its clock is the system clock (the
material is valid for a week after it is generated).

  saml_python3saml.py verdict CERT FILE...   one line per file: valid | invalid (+ reason)
  saml_python3saml.py batch CERT DIR         seconds for every *.xml in DIR (read + validate)
"""

import base64
import json
import os
import sys

from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from timing import report, whole

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "gen"))
from common import ACS_HOST, ACS_PATH, ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID, cert_b64  # noqa: E402

REQUEST = {"https": "on", "http_host": ACS_HOST, "script_name": ACS_PATH, "server_port": "443",
           "get_data": {}, "post_data": {}}


def settings(cert):
    return OneLogin_Saml2_Settings({
        "strict": True,
        "sp": {"entityId": SP_ENTITY_ID,
               "assertionConsumerService": {"url": ACS_URL,
                                            "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"},
               "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
        "idp": {"entityId": IDP_ENTITY_ID,
                "singleSignOnService": {"url": "https://idp.example.test/saml/sso",
                                        "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"},
                "x509cert": cert_b64(cert)},
        "security": {"wantAssertionsSigned": True, "wantMessagesSigned": False, "wantNameId": True,
                     "wantAttributeStatement": True, "rejectDeprecatedAlgorithm": True,
                     "requestedAuthnContext": False},
    }, sp_validation_only=True)


def validator(cert):
    s = settings(cert)

    def validate(data):
        response = OneLogin_Saml2_Response(s, base64.b64encode(data).decode())
        ok = response.is_valid(REQUEST)
        return ok, response.get_error()

    return validate


def main():
    mode, cert, *paths = sys.argv[1:]
    validate = validator(cert)
    if mode == "verdict":
        for path in paths:
            with open(path, "rb") as f:
                ok, error = validate(f.read())
            print("valid" if ok else f"invalid {json.dumps(error)}")
    elif mode == "batch":
        files = sorted(os.path.join(paths[0], n) for n in os.listdir(paths[0]) if n.endswith(".xml"))

        def batch():
            for path in files:
                with open(path, "rb") as f:
                    ok, error = validate(f.read())
                if not ok:
                    raise SystemExit(f"{path}: {error}")

        report(whole(batch, runs=3), count=len(files))


if __name__ == "__main__":
    main()
