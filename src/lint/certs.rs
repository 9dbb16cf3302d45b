//! IdP signing certificate checks, shared by the configuration's `[saml.idp] certificates`
//! and the certificates of IdP metadata.

use crate::clock;
use crate::findings::{FileId, Finding};
use crate::rules::metadata as rule;
use crate::source::Span;
use crate::x509::{self, Certificate};
use chrono::{DateTime, Duration, Utc};

/// Where a certificate was found, for the findings about it.
pub struct CertSite<'a> {
    pub file: FileId,
    pub span: Span,
    pub element: &'a str,
}

/// The default of `[lint] cert_expiry_warning`.
pub fn default_expiry_warning() -> Duration {
    Duration::days(30)
}

fn describe(c: &Certificate) -> String {
    let cn = c
        .info
        .subject
        .split(", ")
        .find_map(|p| p.strip_prefix("CN="))
        .unwrap_or(&c.info.subject);
    let fp = c
        .info
        .sha256_fingerprint
        .get(..23)
        .unwrap_or(&c.info.sha256_fingerprint);
    format!("certificate {cn:?} (SHA-256 {fp}…)")
}

/// Validity window, key strength and signature hash of one certificate.
pub fn check_certificate(
    c: &Certificate,
    now: DateTime<Utc>,
    warn_within: Duration,
    at: &CertSite,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let place = |f: Finding| f.at(at.file, at.span).element(at.element);
    // Described only for a finding: the description needs the fingerprint.
    let name = || describe(c);
    if let Some(na) = c.info.not_after {
        if na < now {
            out.push(
                place(Finding::new(
                    &rule::CERT_EXPIRED,
                    format!("{} expired {} ({na})", name(), clock::relative(na, now)),
                ))
                .found(na.to_rfc3339())
                .expected(format!("valid at {}", now.to_rfc3339())),
            );
        } else if na - now <= warn_within {
            out.push(
                place(Finding::new(
                    &rule::CERT_EXPIRING,
                    format!(
                        "{} expires {} ({na}), inside the {} warning window",
                        name(),
                        clock::relative(na, now),
                        clock::human_duration(warn_within)
                    ),
                ))
                .found(na.to_rfc3339()),
            );
        }
    }
    if let Some(nb) = c.info.not_before {
        if nb > now {
            out.push(
                place(Finding::new(
                    &rule::CERT_NOT_YET_VALID,
                    format!(
                        "{} becomes valid {} ({nb})",
                        name(),
                        clock::relative(nb, now)
                    ),
                ))
                .found(nb.to_rfc3339()),
            );
        }
    }
    if c.info.key_type == "RSA" && c.info.key_bits < 2048 {
        out.push(
            place(Finding::new(
                &rule::WEAK_KEY,
                format!("{} has a {}-bit RSA key", name(), c.info.key_bits),
            ))
            .expected("RSA ≥ 2048 bits")
            .found(format!("RSA {} bits", c.info.key_bits)),
        );
    }
    if x509::signed_with_weak_hash(&c.info) {
        out.push(
            place(Finding::new(
                &rule::SHA1_CERTIFICATE,
                format!("{} is signed with {}", name(), c.info.signature_algorithm),
            ))
            .found(c.info.signature_algorithm.clone())
            .expected("sha256WithRSAEncryption or stronger"),
        );
    }
    out
}

/// Every rule these checks can report.
pub const RULES: &[&crate::rules::Rule] = &[
    &rule::CERT_EXPIRED,
    &rule::CERT_EXPIRING,
    &rule::CERT_NOT_YET_VALID,
    &rule::WEAK_KEY,
    &rule::SHA1_CERTIFICATE,
];
