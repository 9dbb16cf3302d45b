"""Templates for scripts/gen-check-fixtures.sh: one base response per IdP shape, and one
variant per check rule (the defect applied to the base). Signing is done by xmlsec1.
With --har, builds HAR captures from the signed responses."""
import base64, json, os, sys, urllib.parse, zlib

WORK = sys.argv[1]
SP = "https://sp.example.test/saml/metadata"
ACS = "https://sp.example.test/saml/acs"
OKTA = "http://www.okta.com/exk1example"
REQ = "_req1f3b2a"

SIG = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{aid}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"""


def attr(name, *values):
    vals = "".join(f"<saml:AttributeValue>{v}</saml:AttributeValue>" for v in values)
    return f'<saml:Attribute Name="{name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified">{vals}</saml:Attribute>'


def response(issuer=OKTA, issue="2026-03-01T10:00:00Z", not_before="2026-03-01T10:00:00Z",
             not_after="2026-03-01T10:05:00Z", scd_after="2026-03-01T10:05:00Z",
             session_after="2026-03-01T18:00:00Z", audience=SP, destination=ACS, recipient=ACS,
             irt=REQ, nameid="alice.nguyen@example.com",
             nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
             method="urn:oasis:names:tc:SAML:2.0:cm:bearer",
             context="urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
             attributes=None, version="2.0", status="Success", rid="_resp1", aid="_assert1",
             assertion=True, confirmation=True, audience_restriction=True, with_nameid=True):
    if attributes is None:
        attributes = [attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"),
                      attr("lastName", "Nguyen"), attr("groups", "ChatGPT Users", "Engineering")]
    irt_attr = f' InResponseTo="{irt}"' if irt else ""
    dest = f' Destination="{destination}"' if destination else ""
    conf = (f'<saml:SubjectConfirmation Method="{method}"><saml:SubjectConfirmationData{irt_attr} '
            f'NotOnOrAfter="{scd_after}" Recipient="{recipient}"/></saml:SubjectConfirmation>') if confirmation else ""
    nid = f'<saml:NameID Format="{nameid_format}">{nameid}</saml:NameID>' if with_nameid else ""
    aud = (f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>"
           if audience_restriction else "")
    body = ""
    if assertion:
        body = (f'<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{aid}" IssueInstant="{issue}" Version="2.0">'
                f'<saml:Issuer>{issuer}</saml:Issuer>{SIG.format(aid=aid)}'
                f'<saml:Subject>{nid}{conf}</saml:Subject>'
                f'<saml:Conditions NotBefore="{not_before}" NotOnOrAfter="{not_after}">{aud}</saml:Conditions>'
                f'<saml:AuthnStatement AuthnInstant="{issue}" SessionIndex="{aid}" SessionNotOnOrAfter="{session_after}"><saml:AuthnContext><saml:AuthnContextClassRef>{context}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>'
                f'<saml:AttributeStatement>{"".join(attributes)}</saml:AttributeStatement></saml:Assertion>')
    if status == "Success":
        st = '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
    else:
        top, second, msg = status
        st = (f'<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:{top}"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:{second}"/></samlp:StatusCode>'
              f'<samlp:StatusMessage>{msg}</samlp:StatusMessage>')
    return (f'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{rid}" Version="{version}" IssueInstant="{issue}"{dest}{irt_attr}>\n'
            f'<saml:Issuer>{issuer}</saml:Issuer>\n<samlp:Status>{st}</samlp:Status>\n{body}\n</samlp:Response>\n')


def pretty(xml):
    # One element per line below the Assertion, so findings point at their own line.
    for tag in ["<saml:Subject>", "<saml:SubjectConfirmation ", "<saml:Conditions", "<saml:AuthnStatement",
                "<saml:AttributeStatement>", "<saml:Attribute ", "</saml:AttributeStatement>", "</saml:Assertion>",
                "<saml:NameID", "<saml:AudienceRestriction>", "<ds:Signature"]:
        xml = xml.replace(tag, "\n" + tag)
    return xml


GUIDS = ["3f1c2a9e-8d4b-4e7a-9c1f-0a2b3c4d5e6f", "b7e4d2c1-5a6f-4b3e-8d9c-1e2f3a4b5c6d"]
BASE = dict()
CASES = {
    "base": {},
    "status-not-success": dict(status=("Responder", "RequestDenied", "User is not assigned to this application"), assertion=False),
    "version": dict(version="1.1"),
    "assertion-missing": dict(assertion=False),
    "issuer-mismatch": dict(issuer="http://www.okta.com/exk1example/"),
    "destination-mismatch": dict(destination="https://sp.example.test/saml/acs/"),
    "recipient-mismatch": dict(recipient="http://sp.example.test/saml/acs"),
    "audience-mismatch": dict(audience=ACS),
    "audience-missing": dict(audience_restriction=False),
    "unsolicited": dict(irt=None),
    "subject-confirmation-method": dict(method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"),
    "subject-confirmation-missing": dict(confirmation=False),
    "not-yet-valid": dict(not_before="2026-03-01T10:05:00Z"),
    "expired": dict(not_after="2026-03-01T09:57:00Z"),
    "subject-confirmation-expired": dict(scd_after="2026-03-01T09:57:00Z"),
    "issue-instant-future": dict(issue="2026-03-01T10:05:00Z"),
    "issue-instant-stale": dict(issue="2026-03-01T09:50:00Z"),
    "session-expired": dict(session_after="2026-03-01T09:00:00Z"),
    "validity-window-too-long": dict(not_after="2026-03-02T10:00:00Z"),
    "nameid-format": dict(nameid="00u8f3k2nqTXz1ABC5d7", nameid_format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
    "nameid-missing": dict(with_nameid=False),
    "email-missing": dict(nameid="alice", nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                          attributes=[attr("email", "alice"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("groups", "ChatGPT Users")]),
    "email-mismatch": dict(nameid="anguyen@example.com"),
    "email-domain-unverified": dict(nameid="alice@contractor.example.org",
                                    attributes=[attr("email", "alice@contractor.example.org"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("groups", "ChatGPT Users")]),
    "attribute-missing": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("groups", "ChatGPT Users")]),
    "attribute-name-variant": dict(attributes=[attr("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("groups", "ChatGPT Users")]),
    "attribute-duplicate": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("firstName", "Alicia"), attr("lastName", "Nguyen"), attr("groups", "ChatGPT Users")]),
    "attribute-empty": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", ""), attr("groups", "ChatGPT Users")]),
    "groups-missing": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", "Nguyen")]),
    "groups-no-match": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("groups", "ChatGPT-Users", "Engineering")]),
    "groups-object-ids": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("groups", *GUIDS)]),
    "groups-overage": dict(attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("http://schemas.microsoft.com/claims/groups.link", "https://graph.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/users/3f1c2a9e/getMemberObjects")]),
    "mfa-not-evident": dict(context="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"),
}

ENTRA_ISSUER = "https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/"
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
ENTRA_ATTRS = [attr("http://schemas.microsoft.com/identity/claims/tenantid", "9188040d-6c67-4c5b-b112-36a304b66dad"),
               attr(CLAIMS + "emailaddress", "alice.nguyen@example.com"), attr(CLAIMS + "givenname", "Alice"),
               attr(CLAIMS + "surname", "Nguyen"), attr("http://schemas.microsoft.com/claims/authnmethodsreferences",
                                                        "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
                                                        "http://schemas.microsoft.com/claims/multipleauthn")]
GOOGLE_ISSUER = "https://accounts.google.com/o/saml2?idpid=C01example"
EXAMPLES = {
    # Entra ID after a signing-certificate rotation the SP has not picked up (signed with the
    # rotated key; the configuration trusts the old certificate).
    "entra-rotated": dict(issuer=ENTRA_ISSUER, attributes=ENTRA_ATTRS, rid="_8e8dc5f6-1f2b-4c52-9b47-7e0e0c1b5a10",
                          aid="_2c5e3a91-6f4d-4a8b-9e12-3b7c8d9e0f11", not_before="2026-03-01T09:55:00Z",
                          not_after="2026-03-01T11:00:00Z", scd_after="2026-03-01T10:05:00Z",
                          context="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"),
    # Google Workspace with the IdP clock eight minutes behind the SP's.
    "google-clock-skew": dict(issuer=GOOGLE_ISSUER, issue="2026-03-01T09:52:00Z", not_before="2026-03-01T09:47:00Z",
                              not_after="2026-03-01T09:57:00Z", scd_after="2026-03-01T09:57:00Z",
                              aid="_b1a4c0ffee0d2e6f8a9b", rid="_google_resp_1",
                              context="urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
                              attributes=[attr("email", "alice.nguyen@example.com"), attr("firstName", "Alice"), attr("lastName", "Nguyen"), attr("groups", "ChatGPT Users")]),
}


def authn_request(rid=REQ):
    return (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{rid}" Version="2.0" IssueInstant="2026-03-01T09:59:58Z" '
            f'Destination="https://example.okta.com/app/example_chatgpt/exk1example/sso/saml" AssertionConsumerServiceURL="{ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
            f'<saml:Issuer>{SP}</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/></samlp:AuthnRequest>')


def har(response_xml, relay_back, posted_to=ACS, request_id=REQ):
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflate.compress(authn_request(request_id).encode()) + deflate.flush()
    q = urllib.parse.urlencode({"SAMLRequest": base64.b64encode(raw).decode(), "RelayState": "/app/projects/42"})
    body = urllib.parse.urlencode({"SAMLResponse": base64.b64encode(response_xml.encode()).decode(), "RelayState": relay_back})

    def entry(t, method, url, post=None):
        e = {"startedDateTime": t, "time": 80, "request": {"method": method, "url": url, "httpVersion": "HTTP/2",
             "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": len(post or "")},
             "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
                          "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
             "cache": {}, "timings": {"send": 0, "wait": 80, "receive": 0}}
        if post is not None:
            e["request"]["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": post}
        return e
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "133"}, "pages": [], "entries": [
        entry("2026-03-01T09:59:58.200Z", "GET", "https://example.okta.com/app/example_chatgpt/exk1example/sso/saml?" + q),
        entry("2026-03-01T10:00:00.400Z", "POST", posted_to, body)]}}, indent=2) + "\n"


if "--har" in sys.argv:
    os.makedirs("har", exist_ok=True)
    signed = open("responses/base.xml").read()
    open("har/flow-ok.har", "w").write(har(signed, "/app/projects/42"))
    open("har/relay-state-lost.har", "w").write(har(signed, ""))
    open("har/wrong-request.har", "w").write(har(signed, "/app/projects/42", request_id="_req-from-another-tab"))
    sys.exit(0)

for name, kw in list(CASES.items()) + list(EXAMPLES.items()):
    xml = pretty(response(**kw))
    suffix = ".tmpl.xml" if kw.get("assertion", True) else ".unsigned.xml"
    open(os.path.join(WORK, name + suffix), "w").write(xml)
