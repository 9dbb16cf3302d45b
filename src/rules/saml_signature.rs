//! `saml.*` rules about XML signatures, trust and wrapping.

use super::{Control, Rule, Severity, Vendor};

const SIG_CONTROLS: &[Control] = &[
    Control::nist("SC-8"),
    Control::nist("SI-7"),
    Control::nist("IA-2"),
    Control::soc2("CC6.1"),
];

const ROTATION_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta Admin Console → Applications → the app → Sign On → SAML Signing Certificates: download the active certificate (or the new one after a rotation) and give it to ssolint and the SP."),
    (Vendor::Entra, "Entra admin center → Enterprise applications → the app → Single sign-on → SAML Certificates: download Certificate (Base64) of the Active certificate; after a rotation, make the new certificate active only once the SP has it."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → Service provider details / certificate: download the IdP certificate shown there (Google rotates it every five years)."),
    (Vendor::Adfs, "AD FS Management → Service → Certificates: export the Token-signing certificate (both primary and secondary during AutoCertificateRollover) and update the SP."),
    (Vendor::Onelogin, "OneLogin Administration → Applications → the app → SSO → X.509 Certificate → View Details: download the certificate, or switch the app to the new certificate under Security → Certificates."),
    (Vendor::Ping, "PingFederate → SP Connections → the connection → Credentials → Digital Signature Settings: check which signing certificate is selected and export it."),
    (Vendor::Keycloak, "Keycloak admin console → Realm settings → Keys: copy the active RS256 certificate (or the client's own signing key under Clients → the client → Keys)."),
];

pub static SIGNATURE_MISSING: Rule = Rule {
    id: "saml.signature-missing",
    severity: Severity::Error,
    summary: "Neither the Response nor the Assertion is signed",
    why: "Without a signature on the Response or the Assertion, anyone can forge a login for any user. Signatures placed anywhere else in the message do not count.",
    fix: "Enable response and/or assertion signing in the IdP's application settings for this SP.",
    vendor_fixes: &[
        (Vendor::Okta, "Applications → the app → General → SAML Settings → Edit → Advanced: set Response and Assertion Signature to Signed."),
        (Vendor::Entra, "Enterprise applications → the app → Single sign-on → SAML Certificates → Edit: Signing Option 'Sign SAML response and assertion'."),
        (Vendor::Adfs, "Set-AdfsRelyingPartyTrust -TargetName <name> -SamlResponseSignature MessageAndAssertion."),
        (Vendor::Keycloak, "Clients → the client → Settings → Signature and Encryption: turn on Sign documents and Sign assertions."),
    ],
    controls: SIG_CONTROLS,
    source: "SAML 2.0 profiles §4.1.3.5 (assertion must be signed on HTTP-POST); seed 002 §1.1",
    ..Rule::BLANK
};

pub static ASSERTION_UNSIGNED: Rule = Rule {
    id: "saml.assertion-unsigned",
    severity: Severity::Warning,
    summary: "Only the Response is signed; the Assertion carries no signature of its own",
    why: "A signed Response protects the assertion inside it, but SPs that extract the assertion and verify it alone (or forward it) need the assertion itself signed; some SPs require it. The severity is an error where the SP policy requires a signed assertion.",
    fix: "Have the IdP sign the assertion as well as (or instead of) the response.",
    vendor_fixes: &[
        (Vendor::Okta, "Applications → the app → General → SAML Settings → Advanced: Assertion Signature: Signed."),
        (Vendor::Entra, "Single sign-on → SAML Certificates → Edit: Signing Option 'Sign SAML response and assertion' or 'Sign SAML assertion'."),
        (Vendor::Adfs, "Set-AdfsRelyingPartyTrust -TargetName <name> -SamlResponseSignature MessageAndAssertion."),
        (Vendor::Keycloak, "Clients → the client → Settings → Signature and Encryption: Sign assertions on."),
    ],
    controls: SIG_CONTROLS,
    source: "SAML 2.0 profiles §4.1.3.5; SAML 2.0 core §5",
    ..Rule::BLANK
};

pub static SIGNATURE_INVALID: Rule = Rule {
    id: "saml.signature-invalid",
    severity: Severity::Error,
    summary: "The SignatureValue does not verify",
    why: "SignedInfo (which carries the digest of the signed element) does not verify with any trusted or embedded key, or the signature is incomplete. The message was altered, or was signed with a key nobody here knows.",
    fix: "Capture the message again unmodified. If it persists, compare the IdP's current signing certificate with the one configured at the SP (see saml.signature-untrusted-key).",
    controls: SIG_CONTROLS,
    source: "XML-DSig 1.1 §3.2.2 (signature validation); SAML 2.0 core §5.4",
    ..Rule::BLANK
};

pub static DIGEST_MISMATCH: Rule = Rule {
    id: "saml.digest-mismatch",
    severity: Severity::Error,
    summary: "The signed element changed after it was signed",
    why: "The digest recomputed over the referenced element (after its transforms) differs from the DigestValue inside SignedInfo: something between the IdP and here edited the element (a proxy re-formatting XML, a hand edit, or an attack).",
    fix: "Do not pretty-print, re-encode or edit the message; capture it again from the browser (HAR). If an intermediary rewrites it, stop it from doing so.",
    controls: SIG_CONTROLS,
    source: "XML-DSig 1.1 §3.2.1 (reference validation)",
    ..Rule::BLANK
};

pub static SIGNATURE_UNTRUSTED_KEY: Rule = Rule {
    id: "saml.signature-untrusted-key",
    severity: Severity::Error,
    summary: "Signed by a key that is not among the trusted certificates (certificate rotation)",
    why: "The signature verifies with the certificate embedded in the message but not with any certificate from the IdP metadata or configuration. The usual cause is an IdP signing-certificate rotation the SP has not picked up; an attacker can also embed their own certificate, so the embedded one is never trusted by itself.",
    fix: "Compare the two fingerprints. If the new certificate is genuinely the IdP's, update the SP's IdP certificate (or metadata) with it.",
    vendor_fixes: ROTATION_FIXES,
    controls: SIG_CONTROLS,
    source: "SAML 2.0 metadata §2.4.1.1 (KeyDescriptor use=signing); XML-DSig 1.1 §4.5 (KeyInfo is a hint)",
    ..Rule::BLANK
};

pub static TRUST_NOT_ESTABLISHED: Rule = Rule {
    id: "saml.trust-not-established",
    severity: Severity::Info,
    summary: "Structurally valid against the embedded certificate; trust not established",
    why: "No IdP certificate or metadata was given, so the signature could only be checked against the certificate it carries. That proves the message is intact, not that the IdP sent it: anyone can sign with their own certificate.",
    fix: "Pass the IdP's signing certificate (--idp-cert FILE) or metadata (--idp-metadata FILE), or set [saml.idp] metadata/certificates in the configuration.",
    vendor_fixes: ROTATION_FIXES,
    source: "XML-DSig 1.1 §4.5 (KeyInfo); SAML 2.0 metadata §2.4.1.1",
    ..Rule::BLANK
};

pub static SIGNATURE_REFERENCE_INVALID: Rule = Rule {
    id: "saml.signature-reference-invalid",
    severity: Severity::Error,
    summary: "The signature's Reference does not point at the element it signs",
    why: "The SAML profile requires exactly one Reference whose URI is `#` + the ID of the element that contains the signature. An empty or external URI, several References, or a URI pointing at another element is how signature-wrapping attacks make a valid signature cover something other than what the SP reads.",
    fix: "A genuine IdP never does this; treat the message as hostile or the IdP's signing as misconfigured and report it to the vendor.",
    controls: SIG_CONTROLS,
    source: "SAML 2.0 core §5.4.2 (References); CVE-2024-45409 class",
    ..Rule::BLANK
};

pub static SIGNATURE_WRAPPING: Rule = Rule {
    id: "saml.signature-wrapping",
    severity: Severity::Error,
    summary: "A value the response reports lies outside the signed element (XSW)",
    why: "A signature verifies, but over a different element from the assertion or response an SP would read. This is XML Signature Wrapping (XSW1–8 in Somorovsky et al., 'On Breaking SAML'): the attacker keeps the signed original somewhere harmless and adds an unsigned copy with their own subject.",
    fix: "Reject the message. Only values inside the signed element may be used; an SP that accepted this is vulnerable.",
    controls: SIG_CONTROLS,
    source: "Somorovsky et al., USENIX Security 2012; CVE-2024-45409, CVE-2022-41912 class",
    ..Rule::BLANK
};

pub static MULTIPLE_ASSERTIONS: Rule = Rule {
    id: "saml.multiple-assertions",
    severity: Severity::Error,
    summary: "The message carries more than one assertion",
    why: "The web-browser SSO profile sends one assertion. With several, the SP may verify one and read another (the CVE-2022-41912 class in crewjam/saml).",
    fix: "Configure the IdP to send a single assertion; treat unexpected extra assertions as an attack.",
    controls: SIG_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2; CVE-2022-41912",
    ..Rule::BLANK
};

pub static DUPLICATE_ID: Rule = Rule {
    id: "saml.duplicate-id",
    severity: Severity::Error,
    summary: "Two elements carry the same ID",
    why: "IDs must be unique. When two elements share one, which of them a signature's Reference resolves to depends on the parser, so a signature can be made to cover a different element from the one the SP reads.",
    fix: "Treat the message as hostile; a genuine IdP never repeats an ID.",
    controls: SIG_CONTROLS,
    source: "XML Schema ID type; SAML 2.0 core §1.3.4; XSW attacks",
    ..Rule::BLANK
};

pub static COMMENT_IN_VALUE: Rule = Rule {
    id: "saml.comment-in-value",
    severity: Severity::Error,
    summary: "A comment, processing instruction or CDATA section splits a NameID or attribute value",
    why: "Exclusive canonicalisation drops comments, so a comment inserted into a signed NameID leaves the signature valid; SP libraries that read only the first text piece then see a truncated value (`admin@corp.com<!---->.evil.com` read as `admin@corp.com`, CVE-2017-11427 and relatives). No IdP emits such values. ssolint reports the full text.",
    fix: "Treat the message as hostile. The SP must read the full text content of values.",
    controls: SIG_CONTROLS,
    source: "CVE-2017-11427/11428/11429/11430 (VU#475445)",
    ..Rule::BLANK
};

pub static WEAK_ALGORITHM: Rule = Rule {
    id: "saml.weak-algorithm",
    severity: Severity::Warning,
    summary: "The signature uses SHA-1",
    why: "SHA-1 is broken for collision resistance (SHAttered, 2017); rsa-sha1 and sha1 digests are deprecated by XML-DSig 1.1 and refused by many SPs.",
    fix: "Switch the IdP's signature algorithm to RSA-SHA256 and digest to SHA256.",
    vendor_fixes: &[
        (Vendor::Okta, "Applications → the app → General → SAML Settings → Advanced: Signature Algorithm RSA-SHA256, Digest Algorithm SHA256."),
        (Vendor::Entra, "Single sign-on → SAML Certificates → Edit: Signing Algorithm SHA-256."),
        (Vendor::Adfs, "Relying party trust → Properties → Advanced: Secure hash algorithm SHA-256."),
        (Vendor::Keycloak, "Clients → the client → Settings → Signature and Encryption: Signature algorithm RSA_SHA256."),
    ],
    controls: &[Control::nist("SC-13"), Control::soc2("CC6.1")],
    source: "XML-DSig 1.1 §6.2 and §6.4; NIST SP 800-131A",
    ..Rule::BLANK
};

pub static WEAK_KEY: Rule = Rule {
    id: "saml.weak-key",
    severity: Severity::Warning,
    summary: "The signing key is RSA shorter than 2048 bits",
    why: "RSA keys under 2048 bits are below NIST's minimum and within reach of well-funded attackers.",
    fix: "Generate a new 2048-bit (or larger) signing certificate at the IdP and roll it over.",
    vendor_fixes: ROTATION_FIXES,
    controls: &[Control::nist("SC-12"), Control::nist("SC-13")],
    source: "NIST SP 800-131A Rev. 2 §2",
    ..Rule::BLANK
};

pub static SIGNING_CERT_EXPIRED: Rule = Rule {
    id: "saml.signing-cert-expired",
    severity: Severity::Warning,
    summary: "The signing certificate had expired when the message was issued",
    why: "Most SPs ignore certificate dates for SAML signing keys, but some reject expired ones, and an expired certificate usually means a rotation is overdue.",
    fix: "Rotate the IdP signing certificate and update the SP.",
    vendor_fixes: ROTATION_FIXES,
    controls: &[Control::nist("SC-12")],
    source: "RFC 5280 §4.1.2.5; SAML 2.0 metadata §2.4.1.1",
    ..Rule::BLANK
};

pub static SIGNING_CERT_NOT_YET_VALID: Rule = Rule {
    id: "saml.signing-cert-not-yet-valid",
    severity: Severity::Warning,
    summary: "The signing certificate was not yet valid when the message was issued",
    why: "A certificate whose validity starts after the message's IssueInstant points at a clock problem at the IdP or a certificate generated for a future rotation; SPs that check dates reject it.",
    fix: "Check the IdP's clock, and which certificate is active.",
    vendor_fixes: ROTATION_FIXES,
    controls: &[Control::nist("SC-12")],
    source: "RFC 5280 §4.1.2.5",
    ..Rule::BLANK
};

pub static KEYINFO_CERT_MISMATCH: Rule = Rule {
    id: "saml.keyinfo-cert-mismatch",
    severity: Severity::Info,
    summary: "The certificate embedded in the signature differs from the trusted one that verified it",
    why: "The trusted certificate verified the signature, so the message is trusted; the embedded certificate is only a hint. A difference usually means the IdP re-issued a certificate with the same key, or the SP's copy is stale.",
    fix: "Nothing is broken; refresh the SP's copy of the IdP certificate to avoid confusion at the next rotation.",
    vendor_fixes: ROTATION_FIXES,
    source: "XML-DSig 1.1 §4.5 (KeyInfo)",
    ..Rule::BLANK
};

pub static TRANSFORM_UNSUPPORTED: Rule = Rule {
    id: "saml.transform-unsupported",
    severity: Severity::Error,
    summary: "The Reference uses a transform the SAML profile does not allow",
    why: "SAML signatures use the enveloped-signature transform followed by exclusive canonicalisation. XPath, XSLT, base64 or other transforms change what is hashed and have been used to make signatures cover nothing of value; the signature is not verified rather than silently passed.",
    fix: "Configure the IdP to sign with the standard transforms (enveloped-signature, exc-c14n).",
    controls: SIG_CONTROLS,
    source: "SAML 2.0 core §5.4.4 (transforms); XML-DSig best practices §2",
    ..Rule::BLANK
};

pub static C14N_UNSUPPORTED: Rule = Rule {
    id: "saml.c14n-unsupported",
    severity: Severity::Error,
    summary: "SignedInfo uses a canonicalisation method ssolint does not implement",
    why: "Without the right canonicalisation SignedInfo cannot be verified; ssolint implements exclusive c14n and Canonical XML 1.0/1.1 (with and without comments) and never passes a signature it could not check.",
    fix: "Configure the IdP to use exclusive canonicalisation (http://www.w3.org/2001/10/xml-exc-c14n#).",
    controls: SIG_CONTROLS,
    source: "SAML 2.0 core §5.4.3; XML-DSig 1.1 §4.4.3",
    ..Rule::BLANK
};

pub static ASSERTION_ENCRYPTED: Rule = Rule {
    id: "saml.assertion-encrypted",
    severity: Severity::Info,
    summary: "The assertion is encrypted and was not decrypted",
    why: "An EncryptedAssertion hides the subject, attributes, conditions and the assertion's own signature; nothing inside it can be checked without the SP's private key.",
    fix: "Pass the SP's decryption key with --sp-key FILE (PEM) to decrypt and check the assertion.",
    source: "SAML 2.0 core §2.3.4; XML Encryption 1.1",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &SIGNATURE_MISSING,
    &ASSERTION_UNSIGNED,
    &SIGNATURE_INVALID,
    &DIGEST_MISMATCH,
    &SIGNATURE_UNTRUSTED_KEY,
    &TRUST_NOT_ESTABLISHED,
    &SIGNATURE_REFERENCE_INVALID,
    &SIGNATURE_WRAPPING,
    &MULTIPLE_ASSERTIONS,
    &DUPLICATE_ID,
    &COMMENT_IN_VALUE,
    &WEAK_ALGORITHM,
    &WEAK_KEY,
    &SIGNING_CERT_EXPIRED,
    &SIGNING_CERT_NOT_YET_VALID,
    &KEYINFO_CERT_MISMATCH,
    &TRANSFORM_UNSUPPORTED,
    &C14N_UNSUPPORTED,
    &ASSERTION_ENCRYPTED,
];
