//! `metadata.*` rules: IdP metadata and the IdP signing certificates (from metadata or from
//! `[saml.idp] certificates`).

use super::{Control, Rule, Severity, Vendor};

const CERT_ROTATION_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta: the app's Sign On tab → SAML Signing Certificates → Generate new certificate, activate it, then download the new IdP metadata."),
    (Vendor::Entra, "Entra: the enterprise application → Single sign-on → SAML Certificates → Edit → New Certificate; make it active and download the new Federation Metadata XML."),
    (Vendor::Google, "Google Admin: the custom SAML app → Service provider details → Manage certificates → Add certificate, then download the new metadata."),
    (Vendor::Adfs, "ADFS: Service → Certificates; with AutoCertificateRollover the new token-signing certificate becomes primary automatically; refresh the metadata copy."),
    (Vendor::Keycloak, "Keycloak: Realm settings → Keys → add a new rsa-generated provider with higher priority, then export the new metadata."),
];

pub static CERT_EXPIRED: Rule = Rule {
    id: "metadata.cert-expired",
    severity: Severity::Error,
    summary: "An IdP signing certificate has expired",
    why: "Responses signed with an expired certificate are rejected by strict service providers, and an expired certificate still listed as trusted usually means the IdP has rotated to a new one that the workspace does not know yet: logins fail the signature check.",
    fix: "Get the IdP's current signing certificate (download fresh metadata) and replace the expired one in the workspace's SSO settings and in the configuration.",
    vendor_fixes: CERT_ROTATION_FIXES,
    controls: &[Control::nist("SC-12"), Control::nist("IA-5(2)")],
    source: "RFC 5280 §4.1.2.5 (validity); SAML metadata §2.4.1.1 (KeyDescriptor)",
    ..Rule::BLANK
};

pub static CERT_EXPIRING: Rule = Rule {
    id: "metadata.cert-expiring",
    severity: Severity::Warning,
    summary: "An IdP signing certificate expires soon",
    why: "When the IdP's signing certificate expires, every SSO login fails until the new one is configured on both sides. The warning window (`[lint] cert_expiry_warning`, default 30 days) leaves time to plan the rotation.",
    fix: "Create the next signing certificate at the IdP now, add it to the workspace alongside the current one, and switch the IdP to it before the old one expires.",
    vendor_fixes: CERT_ROTATION_FIXES,
    controls: &[Control::nist("SC-12")],
    source: "RFC 5280 §4.1.2.5 (validity)",
    ..Rule::BLANK
};

pub static CERT_NOT_YET_VALID: Rule = Rule {
    id: "metadata.cert-not-yet-valid",
    severity: Severity::Warning,
    summary: "An IdP signing certificate is not valid yet",
    why: "A certificate whose notBefore lies in the future was configured ahead of a rotation (or the IdP's clock is wrong). Service providers that check validity reject responses signed with it until then.",
    fix: "Keep the current certificate configured until the new one becomes valid; check the IdP host's clock if the date is unexpected.",
    controls: &[Control::nist("SC-12")],
    source: "RFC 5280 §4.1.2.5 (validity)",
    ..Rule::BLANK
};

pub static WEAK_KEY: Rule = Rule {
    id: "metadata.weak-key",
    severity: Severity::Error,
    summary: "An IdP signing key is too short (RSA under 2048 bits)",
    why: "RSA keys under 2048 bits are below NIST SP 800-131A's minimum; a 1024-bit key can be factored by a well-resourced attacker, who could then sign any assertion for any user.",
    fix: "Generate a new signing certificate with an RSA key of at least 2048 bits (or P-256 ECDSA) at the IdP and rotate to it.",
    vendor_fixes: CERT_ROTATION_FIXES,
    controls: &[Control::nist("SC-12"), Control::nist("SC-13")],
    source: "NIST SP 800-131A Rev. 2 §3 (RSA ≥ 2048 bits for signatures)",
    ..Rule::BLANK
};

pub static SHA1_CERTIFICATE: Rule = Rule {
    id: "metadata.sha1-certificate",
    severity: Severity::Warning,
    summary: "An IdP certificate is signed with SHA-1 (or MD5)",
    why: "SHA-1 collisions are practical (SHAttered, 2017). A self-signed SAML certificate's own signature is not what protects responses, but a SHA-1 certificate is a sign of an old IdP configuration that often also signs responses with rsa-sha1.",
    fix: "Issue a new signing certificate signed with SHA-256 and make sure the IdP signs responses with rsa-sha256.",
    vendor_fixes: &[
        (Vendor::Adfs, "ADFS: relying party trust → Advanced → Secure hash algorithm: SHA-256; renew the token-signing certificate."),
        (Vendor::Okta, "Okta: generate a new SAML signing certificate (SHA-256) and set Signature Algorithm RSA-SHA256."),
    ],
    controls: &[Control::nist("SC-13")],
    source: "NIST SP 800-131A Rev. 2 §9 (SHA-1 for digital signatures disallowed)",
    ..Rule::BLANK
};

pub static MALFORMED: Rule = Rule {
    id: "metadata.malformed",
    severity: Severity::Error,
    summary: "The file is not usable SAML metadata",
    why: "The IdP's metadata is where the workspace's trust comes from: its signing certificates, entity id and endpoints. A document that is not an EntityDescriptor or EntitiesDescriptor, or holds unreadable certificates or dates, cannot provide them.",
    fix: "Download the metadata again from the IdP (the XML document, not the HTML page around it).",
    source: "SAML metadata §2.3 (EntityDescriptor, EntitiesDescriptor)",
    ..Rule::BLANK
};

pub static NOT_IDP: Rule = Rule {
    id: "metadata.not-idp",
    severity: Severity::Error,
    summary: "The metadata describes no identity provider",
    why: "The workspace's IdP metadata must carry an IDPSSODescriptor (signing keys and SSO endpoints). A service provider's metadata, often the workspace's own SP metadata pasted by mistake, has none.",
    fix: "Use the IdP's metadata (downloaded from the IdP's SAML app), not the workspace's SP metadata.",
    source: "SAML metadata §2.4.3 (IDPSSODescriptor)",
    ..Rule::BLANK
};

pub static NO_SIGNING_CERT: Rule = Rule {
    id: "metadata.no-signing-cert",
    severity: Severity::Error,
    summary: "The IdP publishes no signing certificate",
    why: "Responses are trusted only when they verify against a certificate from the metadata. Without a KeyDescriptor for signing (use=\"signing\" or no use), no response can be verified.",
    fix: "Export the metadata again with the signing certificate, or give the certificate in `[saml.idp] certificates`.",
    source: "SAML metadata §2.4.1.1 (KeyDescriptor)",
    ..Rule::BLANK
};

pub static MULTIPLE_SIGNING_CERTS: Rule = Rule {
    id: "metadata.multiple-signing-certs",
    severity: Severity::Info,
    summary: "Several signing certificates: a rotation is in progress",
    why: "IdPs publish the next signing certificate beside the current one while rotating. The workspace must trust the one that signs today's responses; after the IdP switches, the other. Configuring only the new one too early, or the old one too long, breaks logins.",
    fix: "Keep both in the workspace during the rotation; once responses are signed by the new certificate, remove the old one from the IdP and the configuration.",
    source: "SAML metadata §2.4.1.1; SAML metadata interoperability profile §2.5 (key rollover)",
    ..Rule::BLANK
};

pub static NO_SSO_ENDPOINT: Rule = Rule {
    id: "metadata.no-sso-endpoint",
    severity: Severity::Error,
    summary: "No SingleSignOnService for the HTTP-Redirect or HTTP-POST binding",
    why: "Web browser SSO sends the AuthnRequest with the HTTP-Redirect or HTTP-POST binding. An IdP that lists only SOAP or Artifact endpoints (or none) cannot be used for SP-initiated login.",
    fix: "Enable the HTTP-Redirect (or HTTP-POST) SSO binding in the IdP and export the metadata again.",
    source: "SAML profiles §4.1.3.3; SAML metadata §2.4.3",
    ..Rule::BLANK
};

pub static INSECURE_ENDPOINT: Rule = Rule {
    id: "metadata.insecure-endpoint",
    severity: Severity::Error,
    summary: "A metadata endpoint uses http://",
    why: "Assertions and logout messages sent over plain HTTP can be read and replayed by anyone on the path; SAML web SSO requires TLS for its endpoints.",
    fix: "Publish https:// endpoints in the IdP and export the metadata again.",
    source: "SAML profiles §4.1.6 (use of SSL 3.0 or TLS 1.0); SAML security considerations §5",
    ..Rule::BLANK
};

pub static VALID_UNTIL_PASSED: Rule = Rule {
    id: "metadata.valid-until-passed",
    severity: Severity::Error,
    summary: "The metadata's validUntil has passed",
    why: "validUntil says when relying parties must stop using the metadata. Past it, strict SPs refuse the IdP, and a federation aggregate past it is stale: keys may have been revoked since.",
    fix: "Download current metadata (federations republish aggregates daily).",
    source: "SAML metadata §2.3.1 (validUntil)",
    ..Rule::BLANK
};

pub static DUPLICATE_ENTITY_ID: Rule = Rule {
    id: "metadata.duplicate-entity-id",
    severity: Severity::Error,
    summary: "An aggregate holds two entities with the same entityID",
    why: "Consumers look entities up by entityID. With two, which keys and endpoints are used depends on the consumer: an attacker who can add an entity to the aggregate can shadow a real IdP.",
    fix: "Report it to the federation operator; remove the stale or rogue entry.",
    source: "SAML metadata §2.3.2 (entityID uniqueness)",
    ..Rule::BLANK
};

pub static ENTITY_ID_MISMATCH: Rule = Rule {
    id: "metadata.entity-id-mismatch",
    severity: Severity::Error,
    summary: "The metadata's entityID is not the Issuer of the IdP's responses",
    why: "Responses are matched to the IdP by Issuer; when the metadata's entityID differs from the Issuer the IdP really sends (`lint --response`), every response fails the issuer check, usually because the metadata belongs to another app or tenant.",
    fix: "Download the metadata of the SAML app that issued the response.",
    source: "SAML core §2.2.5 (Issuer); SAML metadata §2.3.2",
    ..Rule::BLANK
};

pub static SIGNATURE_INVALID: Rule = Rule {
    id: "metadata.signature-invalid",
    severity: Severity::Error,
    summary: "The metadata's signature does not verify against the given signer certificate",
    why: "Federation aggregates are trusted because the federation operator signs them; keys and endpoints in an aggregate whose signature fails (changed after signing, or signed by someone else) must not be used.",
    fix: "Download the aggregate again and check that `--metadata-signer` is the federation's current signing certificate (published on its website).",
    source: "SAML metadata §3 (signature processing); XML-DSig core §3.2",
    ..Rule::BLANK
};

pub static UNSIGNED: Rule = Rule {
    id: "metadata.unsigned",
    severity: Severity::Error,
    summary: "The metadata is not signed, but a signer certificate was given",
    why: "With `--metadata-signer` the aggregate is expected to carry the operator's signature on its root element; without one, anyone on the download path could have changed the keys it lists.",
    fix: "Use the signed aggregate URL of the federation (not an unsigned preview), or drop `--metadata-signer` for a file you trust by other means.",
    source: "SAML metadata §3; SAML metadata interoperability profile §2.1",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &CERT_EXPIRED,
    &CERT_EXPIRING,
    &CERT_NOT_YET_VALID,
    &WEAK_KEY,
    &SHA1_CERTIFICATE,
    &MALFORMED,
    &NOT_IDP,
    &ENTITY_ID_MISMATCH,
    &NO_SIGNING_CERT,
    &MULTIPLE_SIGNING_CERTS,
    &NO_SSO_ENDPOINT,
    &INSECURE_ENDPOINT,
    &VALID_UNTIL_PASSED,
    &DUPLICATE_ENTITY_ID,
    &SIGNATURE_INVALID,
    &UNSIGNED,
];
