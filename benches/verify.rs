//! Cost of verifying a signed 7 KB response (parse, canonicalise, digest, RSA-2048 verify,
//! verified view) against one raw RSA-2048 verification. `cargo bench --bench verify`.

use chrono::{DateTime, Utc};
use openssl::hash::MessageDigest;
use openssl::sign::Verifier;
use ssolint::saml::dsig::{check_signatures, SignaturePolicy};
use ssolint::x509::Certificate;
use ssolint::xml::Document;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

fn per_iteration(iterations: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations)
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dsig");
    let text = std::fs::read_to_string(dir.join("responses/large-assertion-signed.xml")).unwrap();
    let cert =
        Certificate::from_file_bytes(&std::fs::read(dir.join("keys/idp.pem")).unwrap()).unwrap();
    let at: DateTime<Utc> = "2026-03-01T10:01:00Z".parse().unwrap();
    let policy = SignaturePolicy::default();

    let full = per_iteration(2000, || {
        let doc = Document::parse(black_box(&text)).unwrap();
        let (findings, view) = check_signatures(&doc, 0, &cert, &policy, at);
        assert!(findings.is_empty() && view.signed_assertion().is_some());
        black_box(view);
    });

    let parse_only = per_iteration(2000, || {
        black_box(Document::parse(black_box(&text)).unwrap());
    });

    // One raw RSA-2048/SHA-256 verification of the same SignatureValue over SignedInfo.
    let doc = Document::parse(&text).unwrap();
    let sig = ssolint::saml::signature::find_all(&doc)[0];
    let info = ssolint::saml::signature::parse(&doc, sig);
    let signed_info = ssolint::xml::c14n::canonicalize(
        &doc,
        info.signed_info.unwrap(),
        None,
        &ssolint::xml::c14n::Method::Exclusive {
            comments: false,
            inclusive_prefixes: vec![],
        },
    );
    use base64::Engine;
    let value = base64::engine::general_purpose::STANDARD
        .decode(&info.signature_value.unwrap().value)
        .unwrap();
    let key = cert[0].public_key().unwrap();
    let raw = per_iteration(2000, || {
        let mut v = Verifier::new(MessageDigest::sha256(), &key).unwrap();
        assert!(v.verify_oneshot(black_box(&value), &signed_info).unwrap());
    });

    println!("response size: {} bytes", text.len());
    println!("full verification: {full:.0} ns");
    println!("  of which parsing: {parse_only:.0} ns");
    println!("raw RSA-2048 verify: {raw:.0} ns");
    println!("ratio: {:.2}", full / raw);
}
