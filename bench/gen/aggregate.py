"""Signed SAML federation aggregates for the benchmarks (an InCommon/eduGAIN-like shape).

Writes into OUT/aggregate/: signer.{key,crt} (the federation's signing key), agg-N.xml for each
size (the first entities of every size are the same, so the planted defects are the same),
tampered-N.xml for the smallest size (one endpoint changed after signing) and expected.json
(the planted defects every lint must find). Each entity has its own certificate (real
aggregates do), made from a small pool of RSA-2048 keys to keep generation quick.
"""

import argparse
import base64
import datetime as dt
import json
import os
import random
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from common import iso, keypair, now_utc, xmlsec_sign

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
KEY_POOL = 8
# Planted defects, at fixed positions inside the first 5 000 entities, on IdPs (even
# positions): an aggregate lint looks at the IdP roles.
EXPIRED_AT = (100, 2202, 4006)
HTTP_AT = (332, 3776)
DUPLICATE_OF = {4500: 76}


def certificate(key, name, not_before, not_after, serial):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench Federation Member")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(not_before).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    b64 = base64.b64encode(der).decode()
    return "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))


def key_descriptor(use, cert):
    return (f'<md:KeyDescriptor use="{use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n'
            f'{cert}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n')


def entity(n, cert, scheme, entity_id):
    host = f"member{n:05d}.example.edu"
    ui = (f'<md:Extensions><mdrpi:RegistrationInfo registrationAuthority="https://federation.example.org" '
          f'registrationInstant="2024-03-0{1 + n % 9}T10:00:00Z"/>'
          f'<mdui:UIInfo><mdui:DisplayName xml:lang="en">Member {n} University</mdui:DisplayName>'
          f'<mdui:Description xml:lang="en">Identity and service endpoints of Member {n} University, '
          f'department of computing, for federated access to research and teaching resources.</mdui:Description>'
          f'<mdui:InformationURL xml:lang="en">https://{host}/about</mdui:InformationURL>'
          f'<mdui:PrivacyStatementURL xml:lang="en">https://{host}/privacy</mdui:PrivacyStatementURL>'
          f'<mdui:Logo height="80" width="80">https://{host}/logo.png</mdui:Logo></mdui:UIInfo>'
          f'<mdattr:EntityAttributes><saml:Attribute Name="http://macedir.org/entity-category" '
          f'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
          f'<saml:AttributeValue>http://refeds.org/category/research-and-scholarship</saml:AttributeValue>'
          f'<saml:AttributeValue>https://refeds.org/category/code-of-conduct/v2</saml:AttributeValue></saml:Attribute>'
          f'<saml:Attribute Name="urn:oasis:names:tc:SAML:attribute:assurance-certification" '
          f'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
          f'<saml:AttributeValue>https://refeds.org/sirtfi</saml:AttributeValue></saml:Attribute>'
          f'</mdattr:EntityAttributes></md:Extensions>\n')
    if n % 2 == 0:
        role = (f'<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
                + key_descriptor("signing", cert) + key_descriptor("encryption", cert)
                + f'<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{scheme}://{host}/idp/profile/SAML2/Redirect/SLO"/>\n'
                f'<md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://{host}:8443/idp/profile/SAML2/SOAP/ArtifactResolution" index="1"/>\n'
                f'<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n'
                f'<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>\n'
                f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{scheme}://{host}/idp/profile/SAML2/POST/SSO"/>\n'
                f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://{host}/idp/profile/SAML2/Redirect/SSO"/>\n'
                f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://{host}:8443/idp/profile/SAML2/SOAP/ECP"/>\n'
                f'</md:IDPSSODescriptor>\n')
    else:
        role = (f'<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true">\n'
                + key_descriptor("signing", cert) + key_descriptor("encryption", cert)
                + f'<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{scheme}://{host}/Shibboleth.sso/SLO/Redirect"/>\n'
                f'<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{scheme}://{host}/Shibboleth.sso/SAML2/POST" index="1"/>\n'
                f'<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://{host}/Shibboleth.sso/SAML2/Artifact" index="2"/>\n'
                f'<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:PAOS" Location="https://{host}/Shibboleth.sso/SAML2/ECP" index="3"/>\n'
                f'<md:AttributeConsumingService index="1"><md:ServiceName xml:lang="en">Member {n} portal</md:ServiceName>'
                f'<md:RequestedAttribute FriendlyName="mail" Name="urn:oid:0.9.2342.19200300.100.1.3" isRequired="true"/>'
                f'<md:RequestedAttribute FriendlyName="eduPersonPrincipalName" Name="urn:oid:1.3.6.1.4.1.5923.1.1.1.6" isRequired="true"/>'
                f'</md:AttributeConsumingService>\n'
                f'</md:SPSSODescriptor>\n')
    org = (f'<md:Organization><md:OrganizationName xml:lang="en">Member {n} University</md:OrganizationName>'
           f'<md:OrganizationDisplayName xml:lang="en">Member {n} University</md:OrganizationDisplayName>'
           f'<md:OrganizationURL xml:lang="en">https://{host}/</md:OrganizationURL></md:Organization>\n'
           f'<md:ContactPerson contactType="technical"><md:GivenName>Grace</md:GivenName><md:SurName>Hopper</md:SurName>'
           f'<md:EmailAddress>mailto:sso-admin@{host}</md:EmailAddress></md:ContactPerson>\n'
           f'<md:ContactPerson contactType="support"><md:EmailAddress>mailto:helpdesk@{host}</md:EmailAddress></md:ContactPerson>\n')
    return f'<md:EntityDescriptor entityID="{entity_id}">\n{ui}{role}{org}</md:EntityDescriptor>\n'


def header(agg_id, t):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<md:EntitiesDescriptor xmlns:md="{MD_NS}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" '
            f'xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute" '
            f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:mdrpi="urn:oasis:names:tc:SAML:metadata:rpi" '
            f'ID="{agg_id}" Name="https://federation.example.org" validUntil="{iso(t + dt.timedelta(days=14))}">\n'
            f'<ds:Signature><ds:SignedInfo>'
            f'<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
            f'<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
            f'<ds:Reference URI="#{agg_id}"><ds:Transforms>'
            f'<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
            f'<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
            f'<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>'
            f'</ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>\n')


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--sizes", default="5000,20000")
    a = p.parse_args()
    sizes = sorted(int(s) for s in a.sizes.split(","))
    d = os.path.join(a.out, "aggregate")
    os.makedirs(d, exist_ok=True)
    t = now_utc()
    rng = random.Random(20261201)
    pool = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(KEY_POOL)]
    valid_from = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    valid_to = dt.datetime(2035, 1, 1, tzinfo=dt.timezone.utc)
    expired = (dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc))
    signer_key, signer_crt = keypair(d, "signer", "rsa2048")
    with tempfile.TemporaryDirectory() as tmp:
        templates = {s: open(os.path.join(tmp, f"agg-{s}.xml"), "w") for s in sizes}
        for s, f in templates.items():
            f.write(header(f"_bench_aggregate_{s}", t))
        for n in range(sizes[-1]):
            window = expired if n in EXPIRED_AT else (valid_from, valid_to)
            cert = certificate(pool[rng.randrange(KEY_POOL)], f"member{n:05d}.example.edu",
                               window[0], window[1], 1000 + n)
            entity_id = f"https://member{DUPLICATE_OF.get(n, n):05d}.example.edu/saml"
            text = entity(n, cert, "http" if n in HTTP_AT else "https", entity_id)
            for s, f in templates.items():
                if n < s:
                    f.write(text)
        for s, f in templates.items():
            f.write("</md:EntitiesDescriptor>\n")
            f.close()
            out = os.path.join(d, f"agg-{s}.xml")
            xmlsec_sign(os.path.join(tmp, f"agg-{s}.xml"), out, signer_key, signer_crt,
                        f"{MD_NS}:EntitiesDescriptor")
            print(f"aggregate: {s} entities, {os.path.getsize(out) / 1e6:.1f} MB in {out}")
    small = os.path.join(d, f"agg-{sizes[0]}.xml")
    with open(small) as f:
        text = f.read()
    needle = "https://member00042.example.edu/idp/profile/SAML2/POST/SSO"
    assert needle in text
    with open(os.path.join(d, f"tampered-{sizes[0]}.xml"), "w") as f:
        f.write(text.replace(needle, "https://member00042.example.com/idp/profile/SAML2/POST/SSO", 1))
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"generated": iso(t), "check_at": iso(t + dt.timedelta(minutes=1)),
                   "sizes": sizes,
                   "cert_expired_entities": sum(n < sizes[0] for n in EXPIRED_AT),
                   "insecure_endpoint_entities": sum(n < sizes[0] for n in HTTP_AT),
                   "duplicate_entity_ids": sum(n < sizes[0] for n in DUPLICATE_OF)}, f)


if __name__ == "__main__":
    main()
