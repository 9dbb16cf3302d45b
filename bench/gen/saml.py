"""Signed SAML responses (~7 KB) for the benchmarks, signed by the xmlsec1 program.

Writes into OUT/saml/: idp-rsa.{key,crt}, idp-ec.{key,crt}, idp-metadata-{rsa,ec}.xml,
response-rsa.xml, response-ec.xml, tampered-rsa.xml (the NameID changed after signing),
batch/NNN.xml (COUNT responses, RSA-2048) and meta.json (the instant to check them at).
"""

import argparse
import json
import os
import tempfile

from common import (ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID, cert_b64, iso, keypair, now_utc,
                    xmlsec_sign)
import datetime as dt

ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
SIG_ALG = {
    "rsa2048": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "p256": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
}


def response_template(n, kind, crt, t):
    rid = f"_r{n:06d}a7f3c1e9b2d4"
    aid = f"_a{n:06d}c4e8f0a2b6d1"
    user = f"user{n:05d}"
    groups = "".join(
        f'<saml:AttributeValue xsi:type="xs:string">ChatGPT Team {g:02d} (engineering, {user})</saml:AttributeValue>'
        for g in range(24)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{rid}" Version="2.0" IssueInstant="{iso(t)}" Destination="{ACS_URL}">
  <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{aid}" Version="2.0" IssueInstant="{iso(t)}">
    <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
    <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <ds:SignedInfo>
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
        <ds:SignatureMethod Algorithm="{SIG_ALG[kind]}"/>
        <ds:Reference URI="#{aid}">
          <ds:Transforms>
            <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
            <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
          </ds:Transforms>
          <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
          <ds:DigestValue></ds:DigestValue>
        </ds:Reference>
      </ds:SignedInfo>
      <ds:SignatureValue></ds:SignatureValue>
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64(crt)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </ds:Signature>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{user}@acme.com</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="{iso(t + dt.timedelta(days=7))}" Recipient="{ACS_URL}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{iso(t - dt.timedelta(minutes=5))}" NotOnOrAfter="{iso(t + dt.timedelta(days=7))}">
      <saml:AudienceRestriction><saml:Audience>{SP_ENTITY_ID}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{iso(t)}" SessionIndex="{aid}" SessionNotOnOrAfter="{iso(t + dt.timedelta(days=8))}">
      <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>
      <saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">{user}@acme.com</saml:AttributeValue></saml:Attribute>
      <saml:Attribute Name="firstName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">Ana {n}</saml:AttributeValue></saml:Attribute>
      <saml:Attribute Name="lastName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">Lovelace</saml:AttributeValue></saml:Attribute>
      <saml:Attribute Name="groups" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">ChatGPT Users</saml:AttributeValue>{groups}</saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>
"""


def metadata(crt):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP_ENTITY_ID}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64(crt)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.test/saml/sso"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/saml/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def signed_response(n, kind, key, crt, t, output, tmp):
    template = os.path.join(tmp, f"t{n}-{kind}.xml")
    with open(template, "w") as f:
        f.write(response_template(n, kind, crt, t))
    xmlsec_sign(template, output, key, crt, f"{ASSERTION_NS}:Assertion")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--count", type=int, default=200)
    a = p.parse_args()
    d = os.path.join(a.out, "saml")
    os.makedirs(os.path.join(d, "batch"), exist_ok=True)
    t = now_utc()
    keys = {
        "rsa": keypair(d, "idp-rsa", "rsa2048"),
        "ec": keypair(d, "idp-ec", "p256"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, kind in (("rsa", "rsa2048"), ("ec", "p256")):
            key, crt = keys[name]
            with open(os.path.join(d, f"idp-metadata-{name}.xml"), "w") as f:
                f.write(metadata(crt))
            signed_response(0, kind, key, crt, t, os.path.join(d, f"response-{name}.xml"), tmp)
        key, crt = keys["rsa"]
        for n in range(1, a.count + 1):
            signed_response(n, "rsa2048", key, crt, t, os.path.join(d, "batch", f"{n:03d}.xml"), tmp)
    with open(os.path.join(d, "response-rsa.xml")) as f:
        good = f.read()
    tampered = good.replace("user00000@acme.com</saml:NameID>", "admin0000@acme.com</saml:NameID>")
    assert tampered != good
    with open(os.path.join(d, "tampered-rsa.xml"), "w") as f:
        f.write(tampered)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"generated": iso(t), "check_at": iso(t + dt.timedelta(minutes=1)),
                   "count": a.count}, f)
    print(f"saml: {a.count} responses, {len(good)} bytes each, in {d}")


if __name__ == "__main__":
    main()
