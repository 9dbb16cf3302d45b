//! Every signature rule at library level: it fires on its fixture and not on its near miss.
//! Fixtures come from `scripts/gen-dsig-fixtures.sh` (`fixtures/dsig/`).

use chrono::{DateTime, Utc};
use ssolint::saml::dsig::{check_signatures, SignaturePolicy, Trust, VerifiedView};
use ssolint::x509::Certificate;
use ssolint::xml::Document;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dsig")
}

fn now() -> DateTime<Utc> {
    "2026-03-01T10:01:00Z".parse().unwrap()
}

fn certs(names: &[&str]) -> Vec<Certificate> {
    names
        .iter()
        .flat_map(|n| {
            let bytes = std::fs::read(dir().join("keys").join(n)).unwrap();
            Certificate::from_file_bytes(&bytes).unwrap()
        })
        .collect()
}

struct Outcome {
    doc: Document,
    rules: Vec<&'static str>,
    messages: Vec<String>,
    view: VerifiedView,
}

fn run_policy(file: &str, trusted: &[&str], policy: SignaturePolicy) -> Outcome {
    let text = std::fs::read_to_string(dir().join("responses").join(file)).unwrap();
    let doc = Document::parse(&text).unwrap();
    let (findings, view) = check_signatures(&doc, 0, &certs(trusted), &policy, now());
    Outcome {
        rules: findings.iter().map(|f| f.rule.id).collect(),
        messages: findings
            .iter()
            .map(|f| format!("{}: {}", f.rule.id, f.message))
            .collect(),
        doc,
        view,
    }
}

fn run(file: &str, trusted: &[&str]) -> Outcome {
    run_policy(file, trusted, SignaturePolicy::default())
}

const IDP: &[&str] = &["idp.pem"];

/// (rule, fire file, trusted certs, near-miss file, trusted certs)
type Case = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

const CASES: &[Case] = &[
    (
        "saml.signature-missing",
        "unsigned.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.assertion-unsigned",
        "response-signed.xml",
        IDP,
        "both-signed.xml",
        IDP,
    ),
    (
        "saml.signature-invalid",
        "signature-invalid.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.digest-mismatch",
        "digest-mismatch.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.signature-untrusted-key",
        "rotated.xml",
        IDP,
        "rotated.xml",
        &["idp.pem", "rotated.pem"],
    ),
    (
        "saml.trust-not-established",
        "assertion-signed.xml",
        &[],
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.signature-reference-invalid",
        "reference-elsewhere.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.signature-wrapping",
        "xsw3.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.multiple-assertions",
        "multiple-assertions.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.duplicate-id",
        "duplicate-id.xml",
        IDP,
        "multiple-assertions.xml",
        IDP,
    ),
    (
        "saml.comment-in-value",
        "comment-in-nameid.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.weak-algorithm",
        "rsa-sha1.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.weak-key",
        "weak-key.xml",
        &["weak.pem"],
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.signing-cert-expired",
        "expired-cert.xml",
        &["expired.pem"],
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.signing-cert-not-yet-valid",
        "future-cert.xml",
        &["future.pem"],
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.keyinfo-cert-mismatch",
        "keyinfo-other-cert.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.transform-unsupported",
        "xpath-transform.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.c14n-unsupported",
        "c14n-unknown.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
    (
        "saml.assertion-encrypted",
        "encrypted-oaep-aes128cbc.xml",
        IDP,
        "assertion-signed.xml",
        IDP,
    ),
];

#[test]
fn every_signature_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
    let mut failures = Vec::new();
    for (rule, fire, fire_certs, near, near_certs) in CASES {
        let f = run(fire, fire_certs);
        if !f.rules.contains(rule) {
            failures.push(format!("{rule} did not fire on {fire}: {:#?}", f.messages));
        }
        let n = run(near, near_certs);
        if n.rules.contains(rule) {
            failures.push(format!(
                "{rule} fired on near miss {near}: {:#?}",
                n.messages
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_signature_rule_has_a_case() {
    for rule in ssolint::rules::saml_signature::RULES {
        assert!(
            CASES.iter().any(|c| c.0 == rule.id),
            "{} has no library-level case",
            rule.id
        );
    }
}

#[test]
fn every_algorithm_verifies_against_its_trusted_certificate() {
    for (file, cert) in [
        ("assertion-signed.xml", "idp.pem"),
        ("response-signed.xml", "idp.pem"),
        ("both-signed.xml", "idp.pem"),
        ("rsa-sha384.xml", "idp.pem"),
        ("rsa-sha512.xml", "idp.pem"),
        ("digest-sha224.xml", "idp.pem"),
        ("ecdsa-p256.xml", "p-256.pem"),
        ("ecdsa-p384.xml", "p-384.pem"),
        ("ecdsa-p521.xml", "p-521.pem"),
        ("c14n10.xml", "idp.pem"),
        ("c14n11.xml", "idp.pem"),
        ("exc-with-comments.xml", "idp.pem"),
        ("exc-prefixlist.xml", "idp.pem"),
    ] {
        let o = run(file, &[cert]);
        let serious: Vec<&String> = o
            .messages
            .iter()
            .filter(|m| !m.starts_with("saml.assertion-unsigned"))
            .collect();
        assert!(serious.is_empty(), "{file}: {serious:#?}");
        let a = o.view.signed_assertion();
        assert!(a.is_some(), "{file}: no signed assertion");
    }
}

#[test]
fn require_signed_assertion_makes_a_response_only_signature_an_error() {
    let text = std::fs::read_to_string(dir().join("responses/response-signed.xml")).unwrap();
    let doc = Document::parse(&text).unwrap();
    let policy = SignaturePolicy {
        require_signed_assertion: true,
    };
    let (findings, _) = check_signatures(&doc, 0, &certs(IDP), &policy, now());
    let f = findings
        .iter()
        .find(|f| f.rule.id == "saml.assertion-unsigned")
        .unwrap();
    assert_eq!(f.severity, ssolint::rules::Severity::Error);
}

#[test]
fn each_xsw_shape_is_named_and_nothing_is_signed() {
    for n in 1..=8 {
        let file = format!("xsw{n}.xml");
        let o = run(&file, IDP);
        let wrapping: Vec<&String> = o
            .messages
            .iter()
            .filter(|m| m.starts_with("saml.signature-wrapping"))
            .collect();
        assert_eq!(wrapping.len(), 1, "{file}: {:#?}", o.messages);
        assert!(
            wrapping[0].contains(&format!("XSW{n} ")),
            "{file}: {}",
            wrapping[0]
        );
        // The assertion an SP would read is never reported as signed.
        let picked = o.view.picked_assertion().unwrap();
        assert_ne!(o.view.trust_of(picked), Trust::Signed, "{file}");
        assert!(o.view.signed_assertion().is_none(), "{file}");
        let saml = ssolint::saml::ns::SAML;
        let subject = o.doc.first_child_named(picked, saml, "Subject").unwrap();
        let nameid = o.doc.first_child_named(subject, saml, "NameID").unwrap();
        assert_eq!(o.doc.text(nameid), "admin@acme.com", "{file}");
    }
}

#[test]
fn a_misplaced_reference_is_not_called_wrapping_when_it_covers_the_assertion() {
    let o = run("reference-elsewhere.xml", IDP);
    assert!(o.rules.contains(&"saml.signature-reference-invalid"));
    assert!(
        !o.rules.contains(&"saml.signature-wrapping"),
        "{:#?}",
        o.messages
    );
    assert!(o.view.signed_assertion().is_none());
}

#[test]
fn comment_injection_after_signing() {
    // Exclusive c14n without comments drops the comment: the signature still verifies and
    // the full value is reported.
    let o = run("comment-in-nameid.xml", IDP);
    assert!(o.view.signed_assertion().is_some(), "{:#?}", o.messages);
    assert!(o
        .messages
        .iter()
        .any(|m| m.starts_with("saml.comment-in-value") && m.contains("\"ana@acme.com\"")));
    // Even under exc-c14n#WithComments: a bare-name `#id` Reference selects the element
    // without its comments (XML-DSig §4.4.3.3), so the injected comment is not hashed and
    // the signature still verifies (xmlsec1 agrees). The full value is still reported.
    let o = run("comment-in-nameid-with-comments.xml", IDP);
    assert!(o.view.signed_assertion().is_some(), "{:#?}", o.messages);
    assert!(
        !o.rules.contains(&"saml.digest-mismatch"),
        "{:#?}",
        o.messages
    );
    assert!(o.rules.contains(&"saml.comment-in-value"));
}

#[test]
fn untrusted_key_reports_both_fingerprints() {
    let text = std::fs::read_to_string(dir().join("responses/rotated.xml")).unwrap();
    let doc = Document::parse(&text).unwrap();
    let trusted = certs(IDP);
    let rotated = certs(&["rotated.pem"]);
    let (findings, view) = check_signatures(&doc, 0, &trusted, &SignaturePolicy::default(), now());
    let f = findings
        .iter()
        .find(|f| f.rule.id == "saml.signature-untrusted-key")
        .unwrap();
    assert!(f
        .expected
        .as_ref()
        .unwrap()
        .contains(trusted[0].info.sha256_fingerprint.as_str()));
    assert!(f
        .found
        .as_ref()
        .unwrap()
        .contains(rotated[0].info.sha256_fingerprint.as_str()));
    assert!(f
        .found
        .as_ref()
        .unwrap()
        .contains("2025-01-01T00:00:00Z to 2030-01-01T00:00:00Z"));
    assert!(view.signed_assertion().is_none());
    let picked = view.picked_assertion().unwrap();
    assert_eq!(view.trust_of(picked), Trust::Untrusted);
}

#[test]
fn trust_of_distinguishes_signed_unsigned_and_the_signature_itself() {
    let o = run("assertion-signed.xml", IDP);
    let a = o.view.signed_assertion().unwrap();
    assert_eq!(o.view.trust_of(a), Trust::Signed);
    assert_eq!(o.view.trust_of(o.doc.root), Trust::Unsigned);
    let sig = ssolint::saml::signature::direct_signature(&o.doc, a).unwrap();
    assert_eq!(o.view.trust_of(sig), Trust::Unsigned);
    let o = run("digest-mismatch.xml", IDP);
    let a = o.view.picked_assertion().unwrap();
    assert_eq!(o.view.trust_of(a), Trust::Unverified);
}

#[test]
fn encrypted_assertions_decrypt_and_verify() {
    let key = ssolint::saml::encrypted::load_private_key(
        &std::fs::read(dir().join("keys/sp.key")).unwrap(),
    )
    .unwrap();
    for file in [
        "encrypted-oaep-aes128cbc.xml",
        "encrypted-rsa15-aes256cbc.xml",
        "encrypted-oaep-aes128gcm.xml",
        "encrypted-oaep-aes256gcm.xml",
    ] {
        let text = std::fs::read_to_string(dir().join("responses").join(file)).unwrap();
        let doc = Document::parse(&text).unwrap();
        let ea = doc
            .descendants_named(doc.root, ssolint::saml::ns::SAML, "EncryptedAssertion")
            .next()
            .unwrap();
        let plain = ssolint::saml::encrypted::decrypt_assertion(&doc, ea, &key)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let inner_text = ssolint::saml::encrypted::standalone(&doc, ea, &plain);
        let inner = Document::parse(&inner_text).unwrap();
        let (findings, view) =
            check_signatures(&inner, 1, &certs(IDP), &SignaturePolicy::default(), now());
        assert!(findings.is_empty(), "{file}: {findings:#?}");
        assert_eq!(view.signed_assertion(), Some(inner.root), "{file}");
    }
    // The wrong key is an error, not a panic.
    let wrong = ssolint::saml::encrypted::load_private_key(
        &std::fs::read(dir().join("keys/rotated.key")).unwrap(),
    )
    .unwrap();
    let text =
        std::fs::read_to_string(dir().join("responses/encrypted-oaep-aes128cbc.xml")).unwrap();
    let doc = Document::parse(&text).unwrap();
    let ea = doc
        .descendants_named(doc.root, ssolint::saml::ns::SAML, "EncryptedAssertion")
        .next()
        .unwrap();
    assert!(ssolint::saml::encrypted::decrypt_assertion(&doc, ea, &wrong).is_err());
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        /// Damage anywhere in a signed response never panics the verifier or the view.
        #[test]
        fn damaged_documents_never_panic(
            file in prop::sample::select(vec!["both-signed.xml", "ecdsa-p384.xml", "xsw6.xml", "encrypted-oaep-aes256gcm.xml", "exc-prefixlist.xml"]),
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec!["", "<", ">", "\"", "&amp;", "<!---->", "A", "<x/>", "ID=\"_assert1\" ", "]]>"])), 1..4),
        ) {
            let mut text = std::fs::read_to_string(dir().join("responses").join(file)).unwrap();
            for (at, insert) in &edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.insert_str(i, insert);
            }
            if let Ok(doc) = Document::parse(&text) {
                let trusted = certs(&["idp.pem", "p-384.pem"]);
                let (_findings, view) = check_signatures(&doc, 0, &trusted, &SignaturePolicy::default(), now());
                for n in doc.ids() {
                    let _ = view.trust_of(n);
                }
                let _ = view.signed_content(&doc);
            }
        }
    }
}

#[test]
fn signatures_beyond_the_limit_are_reported_not_verified() {
    let text = std::fs::read_to_string(dir().join("responses/assertion-signed.xml")).unwrap();
    let sig_start = text.find("<ds:Signature").unwrap();
    let sig_end = text.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &text[sig_start..sig_end];
    let extra = sig.repeat(ssolint::saml::dsig::MAX_SIGNATURES + 2);
    let i = text.find("</samlp:Response>").unwrap();
    let hostile = format!(
        "{}<samlp:Extensions>{extra}</samlp:Extensions>{}",
        &text[..i],
        &text[i..]
    );
    let doc = Document::parse(&hostile).unwrap();
    let (findings, view) =
        check_signatures(&doc, 0, &certs(IDP), &SignaturePolicy::default(), now());
    assert!(findings
        .iter()
        .any(|f| f.rule.id == "saml.signature-invalid" && f.message.contains("more than 16")));
    // The genuine assertion signature (first in document order) still verifies.
    assert!(view.signed_assertion().is_some());
}
