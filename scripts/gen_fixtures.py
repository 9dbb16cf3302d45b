#!/usr/bin/env python3
"""Fixture generator called by gen-fixtures.sh: SAML templates signed with xmlsec1, metadata,
a signed HTTP-Redirect AuthnRequest, HAR captures, an ID token and every encoding."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import zlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = sys.argv[1]
FIX = os.path.join(ROOT, "fixtures")
KEYS = os.path.join(FIX, "keys")
SP_ENTITY = "https://sp.example.test/saml/metadata"
ACS = "https://sp.example.test/saml/acs"
REQUEST_ID = "_6c3a4f8e2b1d4e7a9f0c5b8d2e1a3f47"
RELAY_STATE = "https://sp.example.test/app/home"

OKTA_ISSUER = "http://www.okta.com/exk8f3k2nqTXz1ABC5d7"
OKTA_SSO = "https://example.okta.com/app/example_chatgpt_1/exk8f3k2nqTXz1ABC5d7/sso/saml"
ENTRA_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
ENTRA_ISSUER = f"https://sts.windows.net/{ENTRA_TENANT}/"
ENTRA_SSO = f"https://login.microsoftonline.com/{ENTRA_TENANT}/saml2"
GOOGLE_ISSUER = "https://accounts.google.com/o/saml2?idpid=C03xk8v2q"
GOOGLE_SSO = "https://accounts.google.com/o/saml2/idp?idpid=C03xk8v2q"

SIG_TEMPLATE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate></ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"""


def path(*parts):
    p = os.path.join(FIX, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write(rel, text):
    with open(path(*rel.split("/")), "w", encoding="utf-8") as f:
        f.write(text)


def cert_b64(name):
    pem = open(os.path.join(KEYS, f"{name}.crt.pem")).read()
    return "".join(l for l in pem.splitlines() if "CERTIFICATE" not in l)


def sign(xml, key, id_attrs):
    """Sign the first empty ds:Signature template with xmlsec1."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.xml")
        with open(src, "w", encoding="utf-8") as f:
            f.write(xml)
        args = ["xmlsec1", "--sign", "--privkey-pem",
                f"{KEYS}/{key}.key.pem,{KEYS}/{key}.crt.pem"]
        for a in id_attrs:
            args += ["--id-attr:ID", a]
        args.append(src)
        out = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    return out


ASSERTION_NODE = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
RESPONSE_NODE = "urn:oasis:names:tc:SAML:2.0:protocol:Response"


def attr(p, name, values, fmt="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified", extra=""):
    vals = "".join(
        f'<{p}:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{v}</{p}:AttributeValue>'
        for v in values)
    return f'<{p}:Attribute Name="{name}" NameFormat="{fmt}"{extra}>{vals}</{p}:Attribute>'


def response(*, p, rp, resp_id, assertion_id, issuer, issue, not_before, not_after, nameid,
             nameid_format, attrs, authn_ctx, audience=SP_ENTITY, in_response_to=REQUEST_ID,
             session_index=None, issuer_format=True):
    """A Response with one Assertion; `p`/`rp` are the assertion and protocol prefixes."""
    ifmt = ' Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity"' if issuer_format else ""
    a_ns = f'xmlns:{p}="urn:oasis:names:tc:SAML:2.0:assertion"'
    irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
    session = session_index or assertion_id
    assertion = (
        f'<{p}:Assertion {a_ns} ID="{assertion_id}" IssueInstant="{issue}" Version="2.0">'
        f'<{p}:Issuer{ifmt}>{issuer}</{p}:Issuer>'
        f'{SIG_TEMPLATE.format(id=assertion_id)}'
        f'<{p}:Subject><{p}:NameID Format="{nameid_format}">{nameid}</{p}:NameID>'
        f'<{p}:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<{p}:SubjectConfirmationData{irt} NotOnOrAfter="{not_after}" Recipient="{ACS}"/>'
        f'</{p}:SubjectConfirmation></{p}:Subject>'
        f'<{p}:Conditions NotBefore="{not_before}" NotOnOrAfter="{not_after}">'
        f'<{p}:AudienceRestriction><{p}:Audience>{audience}</{p}:Audience></{p}:AudienceRestriction>'
        f'</{p}:Conditions>'
        f'<{p}:AuthnStatement AuthnInstant="{issue}" SessionIndex="{session}">'
        f'<{p}:AuthnContext><{p}:AuthnContextClassRef>{authn_ctx}</{p}:AuthnContextClassRef>'
        f'</{p}:AuthnContext></{p}:AuthnStatement>'
        f'<{p}:AttributeStatement>{"".join(attrs)}</{p}:AttributeStatement>'
        f'</{p}:Assertion>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{rp}:Response xmlns:{rp}="urn:oasis:names:tc:SAML:2.0:protocol" Destination="{ACS}" '
        f'ID="{resp_id}"{irt} IssueInstant="{issue}" Version="2.0">'
        f'<{p}:Issuer {a_ns}{ifmt}>{issuer}</{p}:Issuer>'
        f'<{rp}:Status><{rp}:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></{rp}:Status>'
        f'{assertion}</{rp}:Response>\n')


def sign_response_too(signed, p, resp_id):
    """Add a Response signature template after the Response's Issuer and sign it."""
    marker = f"</{p}:Issuer>"
    i = signed.index(marker) + len(marker)
    templated = signed[:i] + SIG_TEMPLATE.format(id=resp_id) + signed[i:]
    return sign(templated, KEY_OF[resp_id], [ASSERTION_NODE, RESPONSE_NODE])


KEY_OF = {}


def okta_response(*, resp_id, assertion_id, issue, not_before, not_after, audience=SP_ENTITY):
    p = "saml2"
    attrs = [
        attr(p, "email", ["alice.nguyen@example.com"]),
        attr(p, "firstName", ["Alice"]),
        attr(p, "lastName", ["Nguyen"]),
        attr(p, "groups", ["ChatGPT Users", "Engineering"]),
    ]
    return response(p=p, rp="saml2p", resp_id=resp_id, assertion_id=assertion_id,
                    issuer=OKTA_ISSUER, issue=issue, not_before=not_before, not_after=not_after,
                    nameid="alice.nguyen@example.com",
                    nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                    attrs=attrs, audience=audience,
                    authn_ctx="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")


def entra_response():
    p = "saml"
    c = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
    m = "http://schemas.microsoft.com/identity/claims"
    attrs = [
        attr(p, f"{m}/tenantid", [ENTRA_TENANT]),
        attr(p, f"{m}/objectidentifier", ["3f2504e0-4f89-41d3-9a0c-0305e82c3301"]),
        attr(p, f"{m}/displayname", ["Bruno Martins"]),
        attr(p, f"{m}/identityprovider", [ENTRA_ISSUER]),
        attr(p, "http://schemas.microsoft.com/claims/authnmethodsreferences",
             ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
              "http://schemas.microsoft.com/claims/multipleauthn"]),
        attr(p, f"{c}/givenname", ["Bruno"]),
        attr(p, f"{c}/surname", ["Martins"]),
        attr(p, f"{c}/emailaddress", ["bruno.martins@contoso.example"]),
        attr(p, f"{c}/name", ["bruno.martins@contoso.example"]),
        attr(p, "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
             ["b1c2d3e4-1111-4a5b-8c9d-0e1f2a3b4c5d", "c2d3e4f5-2222-4b6c-9d0e-1f2a3b4c5d6e"]),
    ]
    rid = "_8e8dc5f6-9a2b-4c3d-8e4f-5a6b7c8d9e0f"
    aid = "_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
    KEY_OF[rid] = "entra"
    xml = response(p=p, rp="samlp", resp_id=rid, assertion_id=aid, issuer=ENTRA_ISSUER,
                   issue="2026-03-01T10:00:00.000Z", not_before="2026-03-01T09:55:00.000Z",
                   not_after="2026-03-01T10:05:00.000Z", nameid="bruno.martins@contoso.example",
                   nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                   attrs=attrs, issuer_format=False,
                   authn_ctx="urn:oasis:names:tc:SAML:2.0:ac:classes:Password")
    return sign(xml, "entra", [ASSERTION_NODE])


def google_response():
    p = "saml2"
    attrs = [
        attr(p, "email", ["chen.wei@example.org"]),
        attr(p, "firstName", ["Chen"]),
        attr(p, "lastName", ["Wei"]),
    ]
    rid = "_1f4c9b2e7a3d58c6e0b9a4d7f2c1e8b5"
    aid = "_7d2e9a4c1b8f36e5d0a7c4b1e9f2a6d3"
    KEY_OF[rid] = "google"
    xml = response(p=p, rp="saml2p", resp_id=rid, assertion_id=aid, issuer=GOOGLE_ISSUER,
                   issue="2026-03-01T10:00:00Z", not_before="2026-03-01T09:55:00Z",
                   not_after="2026-03-01T10:05:00Z", nameid="chen.wei@example.org",
                   nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                   attrs=attrs, issuer_format=False,
                   authn_ctx="urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified")
    signed = sign(xml, "google", [ASSERTION_NODE])
    return sign_response_too(signed, p, rid)


def metadata(entity_id, key, sso, name_ids):
    nid = "".join(f"<md:NameIDFormat>{n}</md:NameIDFormat>" for n in name_ids)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">\n'
        '  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
        '    <md:KeyDescriptor use="signing">\n'
        '      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>'
        f'{cert_b64(key)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n'
        '    </md:KeyDescriptor>\n'
        f'    {nid}\n'
        f'    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{sso}"/>\n'
        f'    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/>\n'
        '  </md:IDPSSODescriptor>\n'
        '</md:EntityDescriptor>\n')


def authn_request():
    return (
        f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{REQUEST_ID}" Version="2.0" '
        f'IssueInstant="2026-03-01T09:59:58Z" Destination="{OKTA_SSO}" '
        f'AssertionConsumerServiceURL="{ACS}" '
        f'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
        f'<saml:Issuer>{SP_ENTITY}</saml:Issuer>'
        '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/>'
        '</samlp:AuthnRequest>')


def okta_assertion(signed_response):
    """The signed Assertion alone (it declares its own namespace, so its signature holds)."""
    start = signed_response.index("<saml2:Assertion ")
    end = signed_response.index("</saml2:Assertion>") + len("</saml2:Assertion>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + signed_response[start:end] + "\n"


def logout_request():
    return (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_b7e1c9d24f3a4e8b9c0d1e2f3a4b5c6d" '
        f'Version="2.0" IssueInstant="2026-03-01T11:00:00Z" Destination="{OKTA_SSO}/slo">'
        f'<saml:Issuer>{SP_ENTITY}</saml:Issuer>'
        '<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice.nguyen@example.com</saml:NameID>'
        '<samlp:SessionIndex>id42188456110125501871692580</samlp:SessionIndex>'
        '</samlp:LogoutRequest>')


def logout_response():
    return (
        '<saml2p:LogoutResponse xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" '
        'ID="id4218845610985537512683999" InResponseTo="_b7e1c9d24f3a4e8b9c0d1e2f3a4b5c6d" '
        'Version="2.0" IssueInstant="2026-03-01T11:00:01Z" '
        'Destination="https://sp.example.test/saml/slo">'
        f'<saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">{OKTA_ISSUER}</saml2:Issuer>'
        '<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>'
        '</saml2p:LogoutResponse>')


def jwe():
    """A compact JWE (RSA-OAEP + A256GCM) to the SP key. OAEP is randomised, so this file
    changes on each run; tests only read its header."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    header = {"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "sp-encryption"}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    cek = bytes(range(32))
    iv = bytes(range(12))
    cert = serialization.load_pem_private_key(
        open(os.path.join(KEYS, "sp.key.pem"), "rb").read(), password=None).public_key()
    wrapped = cert.encrypt(cek, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()),
                                             algorithm=hashes.SHA1(), label=None))
    sealed = AESGCM(cek).encrypt(iv, b'{"sub":"x"}', protected.encode())
    return ".".join([protected, b64url(wrapped), b64url(iv), b64url(sealed[:-16]), b64url(sealed[-16:])])


def q(s):
    return urllib.parse.quote(s, safe="")


def deflate(text):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(text.encode("utf-8")) + c.flush()


def redirect_url(base, param, xml, relay=RELAY_STATE, sign_key=None):
    value = base64.b64encode(deflate(xml)).decode()
    query = f"{param}={q(value)}&RelayState={q(relay)}"
    if sign_key:
        alg = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        query += f"&SigAlg={q(alg)}"
        key = serialization.load_pem_private_key(
            open(os.path.join(KEYS, f"{sign_key}.key.pem"), "rb").read(), password=None)
        sig = key.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
        query += f"&Signature={q(base64.b64encode(sig).decode())}"
    return f"{base}?{query}"


def form_body(param, xml, relay=RELAY_STATE):
    value = base64.b64encode(xml.encode("utf-8")).decode()
    return f"{param}={q(value)}&RelayState={q(relay)}"


def wrap(s, width):
    return "\n".join(s[i:i + width] for i in range(0, len(s), width)) + "\n"


def har_entry(time, method, url, status, *, post=None, location=None, html=None, json_body=None):
    headers = [{"name": "Content-Type", "value": "text/html; charset=utf-8"}]
    if location:
        headers = [{"name": "Location", "value": location}]
    content = {"size": 0, "mimeType": "text/html"}
    if html:
        content = {"size": len(html), "mimeType": "text/html", "text": html}
    if json_body is not None:
        body = json.dumps(json_body)
        content = {"size": len(body), "mimeType": "application/json", "text": body}
    request = {"method": method, "url": url, "httpVersion": "HTTP/2", "headers": [],
               "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0}
    if post:
        request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": post}
        request["bodySize"] = len(post)
    return {"startedDateTime": time, "time": 120, "request": request,
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2",
                         "headers": headers, "cookies": [], "content": content,
                         "redirectURL": location or "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 100, "receive": 20}}


def har(entries):
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "Chrome", "version": "131"},
                               "pages": [], "entries": entries}}, indent=2) + "\n"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token():
    header = {"alg": "RS256", "typ": "JWT", "kid": "ssolint-test-entra"}
    claims = {"aud": "chatgpt-enterprise", "iss": f"https://login.microsoftonline.com/{ENTRA_TENANT}/v2.0",
              "iat": 1772359200, "nbf": 1772359200, "exp": 1772362800, "auth_time": 1772359190,
              "email": "bruno.martins@contoso.example", "name": "Bruno Martins",
              "given_name": "Bruno", "family_name": "Martins",
              "oid": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "tid": ENTRA_TENANT,
              "preferred_username": "bruno.martins@contoso.example", "nonce": "n-0S6_WzA2Mj",
              "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ"}
    signing_input = f"{b64url(json.dumps(header, separators=(',', ':')).encode())}.{b64url(json.dumps(claims, separators=(',', ':')).encode())}"
    key = serialization.load_pem_private_key(
        open(os.path.join(KEYS, "entra.key.pem"), "rb").read(), password=None)
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(sig)}"


def main():
    okta_rid, okta_aid = "id4218845610985537512683941", "id42188456110125501871692580"
    KEY_OF[okta_rid] = "okta"
    okta = sign(okta_response(resp_id=okta_rid, assertion_id=okta_aid,
                              issue="2026-03-01T10:00:00.000Z",
                              not_before="2026-03-01T09:55:00.000Z",
                              not_after="2026-03-01T10:05:00.000Z"), "okta", [ASSERTION_NODE])
    entra = entra_response()
    google = google_response()
    messages = {
        "okta-response": ("SAMLResponse", okta),
        "entra-response": ("SAMLResponse", entra),
        "google-response": ("SAMLResponse", google),
        "okta-metadata": (None, metadata(OKTA_ISSUER, "okta", OKTA_SSO,
                                         ["urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                                          "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"])),
        "entra-metadata": (None, metadata(ENTRA_ISSUER, "entra", ENTRA_SSO,
                                          ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"])),
        "google-metadata": (None, metadata(GOOGLE_ISSUER, "google", GOOGLE_SSO,
                                           ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"])),
        "authn-request": ("SAMLRequest", authn_request()),
        "okta-assertion": ("SAMLResponse", okta_assertion(okta)),
        "logout-request": ("SAMLRequest", logout_request()),
        "logout-response": ("SAMLResponse", logout_response()),
    }
    for name, (param, xml) in messages.items():
        folder = "saml"
        write(f"{folder}/{name}.xml", xml)
        b64 = base64.b64encode(xml.encode("utf-8")).decode()
        write(f"decode/{name}.xml", xml)
        write(f"decode/{name}.b64", b64 + "\n")
        write(f"decode/{name}.wrapped76.b64", wrap(b64, 76))
        write(f"decode/{name}.wrapped64.b64", wrap(b64, 64))
        write(f"decode/{name}.urlsafe.b64", base64.urlsafe_b64encode(xml.encode()).decode() + "\n")
        p = param or "SAMLResponse"
        write(f"decode/{name}.form", form_body(p, xml) + "\n")
        base = OKTA_SSO if p == "SAMLRequest" else ACS
        write(f"decode/{name}.redirect-url", redirect_url(base, p, xml) + "\n")
        write(f"decode/{name}.har", har([har_entry(
            "2026-03-01T10:00:00.100Z", "POST", ACS, 302,
            post=form_body(p, xml), location=RELAY_STATE)]))

    # The SP-initiated login: SP redirect, IdP pages, POST to the ACS, final redirect.
    request_url = redirect_url(OKTA_SSO, "SAMLRequest", authn_request(), sign_key="sp")
    write("saml/authn-request.redirect-url", request_url + "\n")
    autopost = (f'<html><body onload="document.forms[0].submit()"><form method="post" action="{ACS}">'
                f'<input type="hidden" name="SAMLResponse" value="{base64.b64encode(okta.encode()).decode()}"/>'
                f'<input type="hidden" name="RelayState" value="{RELAY_STATE}"/></form></body></html>')
    write("har/okta-sp-initiated.har", har([
        har_entry("2026-03-01T09:59:58.000Z", "GET", "https://sp.example.test/app/home", 302,
                  location="https://sp.example.test/saml/login?next=%2Fapp%2Fhome"),
        har_entry("2026-03-01T09:59:58.200Z", "GET", "https://sp.example.test/saml/login?next=%2Fapp%2Fhome",
                  302, location=request_url),
        har_entry("2026-03-01T09:59:58.500Z", "GET", request_url, 200,
                  html="<html><title>Example - Sign In</title></html>"),
        har_entry("2026-03-01T09:59:59.000Z", "POST", "https://example.okta.com/api/v1/authn", 200,
                  json_body={"status": "SUCCESS", "expiresAt": "2026-03-01T10:04:59.000Z"}),
        har_entry("2026-03-01T09:59:59.800Z", "GET", OKTA_SSO, 200, html=autopost),
        har_entry("2026-03-01T10:00:00.100Z", "POST", ACS, 302,
                  post=form_body("SAMLResponse", okta), location=RELAY_STATE),
        har_entry("2026-03-01T10:00:00.400Z", "GET", RELAY_STATE, 200,
                  html="<html><title>Home</title></html>"),
    ]))

    token = id_token()
    write("decode/entra-id-token.jwt", token + "\n")
    write("decode/entra-id-token.form", f"id_token={token}&state=af0ifjsldkj\n")
    write("decode/entra-id-token.jwe", jwe() + "\n")
    write("decode/scim-group.json", json.dumps({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "ChatGPT Users",
        "members": [{"value": "2819c223-7f76-453a-919d-413861904646",
                     "display": "Dana Kowalski"}]}, indent=2) + "\n")
    write("decode/scim-list-response.json", json.dumps({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 1, "startIndex": 1, "itemsPerPage": 1,
        "Resources": [{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                       "id": "2819c223-7f76-453a-919d-413861904646",
                       "userName": "dana.kowalski@example.com"}]}, indent=2) + "\n")
    write("decode/scim-user.json", json.dumps({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646", "userName": "dana.kowalski@example.com",
        "name": {"givenName": "Dana", "familyName": "Kowalski"},
        "emails": [{"value": "dana.kowalski@example.com", "primary": True}], "active": True}, indent=2) + "\n")

    # The demo: a failing Okta login. The audience is the ACS URL pasted as the entity id,
    # and the IdP clock runs 4 minutes ahead of the SP (evaluate with --now 2026-03-01T10:00:00Z).
    demo_rid, demo_aid = "id4218845610985537512999001", "id42188456110125501871999002"
    KEY_OF[demo_rid] = "okta"
    demo = sign(okta_response(resp_id=demo_rid, assertion_id=demo_aid,
                              issue="2026-03-01T10:04:00.000Z",
                              not_before="2026-03-01T10:04:00.000Z",
                              not_after="2026-03-01T10:09:00.000Z", audience=ACS),
                "okta", [ASSERTION_NODE])
    write("demo/okta-response.xml", demo)
    write("demo/idp-metadata.xml", messages["okta-metadata"][1])
    rule_fixtures(okta)
    write("demo/ssolint.toml", f'''# The workspace of the README's first example.
pattern = "sso-manual-invites"
clock_skew = "180s"

[workspace]
name = "Example"
verified_domains = ["example.com"]
owners = ["owner@example.com"]

[saml.sp]
entity_id = "{SP_ENTITY}"
acs_url = "{ACS}"
nameid_format = "emailAddress"

[saml.attributes]
email = "email"
given_name = "firstName"
family_name = "lastName"
groups = "groups"

[saml.idp]
metadata = "idp-metadata.xml"
vendor = "okta"
''')


def rule_fixtures(okta):
    """fire and near-miss inputs for every input.* rule (run with `decode`)."""
    def case(rule, files, fire, near):
        for name, data in files.items():
            mode = "wb" if isinstance(data, bytes) else "w"
            with open(path("rules", rule, name), mode) as f:
                f.write(data)
        for which, target in (("fire", fire), ("near-miss", near)):
            write(f"rules/{rule}/{which}.args", f"decode\n{target}\n--now\n2026-03-01T10:00:00Z\n")

    b64 = base64.b64encode(okta.encode()).decode()
    broken = b64[:100] + "!" + b64[100:]
    case("input.undecodable", {"response.b64": b64 + "\n", "broken.b64": broken + "\n"},
         "broken.b64", "response.b64")
    # /dev/zero never ends: reading stops at the cap.
    case("input.too-large", {"response.xml": okta}, "/dev/zero", "response.xml")
    case("input.xml-malformed", {"response.xml": okta, "truncated.xml": okta[: len(okta) * 2 // 3]},
         "truncated.xml", "response.xml")
    doctype = okta.replace("?>\n", '?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n', 1)
    case("input.dtd-forbidden", {"response.xml": okta, "doctype.xml": doctype},
         "doctype.xml", "response.xml")

    def nested(depth):
        inner = "<x>" * depth + "</x>" * depth
        return okta.replace("<saml2p:Status>",
                            f'<saml2p:Extensions>{inner}</saml2p:Extensions><saml2p:Status>', 1)
    case("input.too-deep", {"deep.xml": nested(300), "shallow.xml": nested(200)},
         "deep.xml", "shallow.xml")
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "dana.kowalski@example.com", "active": True}
    good = json.dumps(user, indent=2)
    case("input.json-malformed", {"user.json": good + "\n", "trailing-comma.json": good[:-2] + ",\n}\n"},
         "trailing-comma.json", "user.json")
    dup = good.replace('"active": true', '"active": true,\n  "userName": "someone.else@example.com"')
    case("input.json-duplicate-key", {"user.json": good + "\n", "duplicate.json": dup + "\n"},
         "duplicate.json", "user.json")
    accented = okta.replace("<saml2:AttributeValue", "<saml2:AttributeValue", 1).replace(">Nguyen<", ">Nguy\u00ean<")
    case("input.not-utf8", {"utf8.xml": accented.encode("utf-8"),
                            "latin1.xml": accented.encode("latin-1", errors="replace")},
         "latin1.xml", "utf8.xml")

    def padded(n):
        req = authn_request().replace("<saml:Issuer>", " " * n + "<saml:Issuer>", 1)
        return redirect_url(OKTA_SSO, "SAMLRequest", req) + "\n"
    case("input.inflate-bomb", {"bomb.url": padded(5 << 20), "large.url": padded(1 << 20)},
         "bomb.url", "large.url")


main()
