#![no_main]
//! Signature verification end to end: any document, checked against the fixed test
//! certificate (fixtures/dsig/keys/idp.pem) with the verified view built on top. Errors and
//! findings, never panics; a verified view only ever names elements of this document.

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use ssolint::saml::dsig::{check_signatures, SignaturePolicy};
use ssolint::x509::Certificate;
use ssolint::xml::Document;
use std::sync::OnceLock;

fn trusted() -> &'static [Certificate] {
    static CERTS: OnceLock<Vec<Certificate>> = OnceLock::new();
    CERTS.get_or_init(|| {
        Certificate::from_file_bytes(include_bytes!("../../fixtures/dsig/keys/idp.pem"))
            .expect("the fixture certificate parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = Document::parse(text) else {
        return;
    };
    let at = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
    for require_signed_assertion in [false, true] {
        let policy = SignaturePolicy { require_signed_assertion };
        let (_findings, view) = check_signatures(&doc, 0, trusted(), &policy, at);
        let count = doc.ids().count();
        for id in view.signed_assertions(&doc) {
            assert!((id.0 as usize) < count);
        }
        let _ = view.signed_content(&doc);
        let _ = view.root_signed(&doc);
    }
});
