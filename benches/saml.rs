//! In-process verification of one signed ~7 KB SAML response (the material of
//! bench/compare.sh). `response-*`: parse into the positioned tree, then every signature
//! checked against the pinned IdP certificate — exclusive canonicalisation, SHA-256 digest,
//! RSA-2048 or ECDSA P-256 verification, trust, wrapping detection and the verified view (what
//! libxmlsec1 and signxml do). `*-full-check`: the same plus every check of `ssolint check`
//! (issuer, audience, destination, recipient, time, identity, attributes). Read against
//! `baseline`.

mod common;

use chrono::{DateTime, Duration, Utc};
use ssolint::saml::check::{self as saml_check, Expectations};
use ssolint::saml::dsig::{self, SignaturePolicy};
use ssolint::saml::view;
use ssolint::x509::Certificate;
use ssolint::xml::Document;

const SP_ENTITY_ID: &str = "https://sp.example.test/saml/metadata";
const ACS_URL: &str = "https://sp.example.test/saml/acs";
const IDP_ENTITY_ID: &str = "https://idp.example.test/saml";

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
    let exp = Expectations {
        sp_entity_id: Some(SP_ENTITY_ID.into()),
        acs_url: Some(ACS_URL.into()),
        idp_entity_id: Some(IDP_ENTITY_ID.into()),
        skew: Duration::seconds(180),
        ..Expectations::default()
    };
    bench.case(name, || {
        let doc = Document::parse(&text).expect("well-formed");
        let (findings, view) = dsig::check_signatures(&doc, 0, &trusted, &policy, at);
        assert!(view.signed_assertion().is_some(), "{findings:?}");
        findings.len()
    });
    bench.case(&format!("{name}-full-check"), || {
        let doc = Document::parse(&text).expect("well-formed");
        let message = view::read(&doc);
        let (mut findings, verified) = dsig::check_signatures(&doc, 0, &trusted, &policy, at);
        let checked = saml_check::check(&doc, 0, &message, &verified, &exp, None, at);
        findings.extend(checked.findings);
        assert!(
            findings
                .iter()
                .all(|f| f.severity != ssolint::rules::Severity::Error),
            "{findings:?}"
        );
        findings.len()
    });
    // The share of the tree alone, to read the figures above.
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
