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

pub static RULES: &[&Rule] = &[
    &CERT_EXPIRED,
    &CERT_EXPIRING,
    &CERT_NOT_YET_VALID,
    &WEAK_KEY,
    &SHA1_CERTIFICATE,
];
