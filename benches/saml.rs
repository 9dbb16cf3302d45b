//! In-process verification of one signed ~7 KB SAML response (the material of
//! bench/compare.sh): parse into the positioned tree, then every signature checked against the
//! pinned IdP certificate — exclusive canonicalisation, SHA-256 digest, RSA-2048 or ECDSA P-256
//! verification, trust, wrapping detection and the verified view. Read against `baseline`.

mod common;

use chrono::{DateTime, Utc};
use ssolint::saml::dsig::{self, SignaturePolicy};
use ssolint::x509::Certificate;
use ssolint::xml::Document;

fn case(bench: &mut common::Bench, name: &str, response: &str, cert: &str) {
    let (Some(response), Some(cert), Some(meta)) = (
        common::material(response),
        common::material(cert),
        common::material("saml/meta.json"),
    ) else {
        return;
    };
    let text = std::fs::read_to_string(response).expect("response");
    let trusted = Certificate::from_file_bytes(&std::fs::read(cert).expect("cert")).expect("cert");
    let policy = SignaturePolicy {
        require_signed_assertion: true,
    };
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(meta).expect("meta")).expect("meta");
    let at: DateTime<Utc> = meta["check_at"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("check_at");
    let check = || {
        let doc = Document::parse(&text).expect("well-formed");
        let (findings, view) = dsig::check_signatures(&doc, 0, &trusted, &policy, at);
        assert!(view.signed_assertion().is_some(), "{findings:?}");
        findings.len()
    };
    bench.case(name, check);
    // The share of the tree alone, to read the figure above.
    bench.case(&format!("{name}-parse-only"), || {
        Document::parse(&text).expect("well-formed")
    });
}

fn main() {
    let mut bench = common::Bench::from_args();
    case(
        &mut bench,
        "response-rsa2048",
        "saml/response-rsa.xml",
        "saml/idp-rsa.crt",
    );
    case(
        &mut bench,
        "response-p256",
        "saml/response-ec.xml",
        "saml/idp-ec.crt",
    );
    bench.finish();
}
