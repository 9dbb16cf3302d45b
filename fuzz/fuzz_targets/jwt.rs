#![no_main]
//! Compact token splitting, strict base64url, strict JSON (duplicate members refused) and
//! every claim check, against the fixture JWKS. Properties: findings point inside the token,
//! and a header or payload holding a duplicate member is never read.

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use ssolint::clock::Clock;
use ssolint::oidc::{self, Jwks, OidcExpectations};
use std::sync::OnceLock;

fn expectations() -> &'static OidcExpectations {
    static EXP: OnceLock<OidcExpectations> = OnceLock::new();
    EXP.get_or_init(|| {
        let (jwks, _) = Jwks::parse(include_str!("../../fixtures/oidc/jwks.json"))
            .expect("the fixture JWKS parses");
        OidcExpectations {
            issuer: Some("https://idp.example.test".into()),
            audience: Some("chatgpt-enterprise".into()),
            nonce: Some("n-0S6_WzA2Mj".into()),
            jwks: Some(jwks),
            groups_claim: Some("groups".into()),
            verified_domains: Some(vec!["acme.test".into()]),
            ..OidcExpectations::default()
        }
    })
}

/// Does this segment decode to JSON text that a lenient parser reads but the strict one
/// refuses for a repeated member?
fn has_duplicate(segment: &str) -> bool {
    let Ok(bytes) = oidc::jose::b64url_strict(segment) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    matches!(ssolint::json::parse(text), Err(e) if e.kind == ssolint::json::JsonErrorKind::DuplicateKey)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = chrono::Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    for clock in [Clock::Fixed(now), Clock::IssueInstant] {
        let check = oidc::check_token(text, expectations(), clock, chrono::Duration::seconds(180));
        for f in &check.findings {
            if let Some(span) = f.location.as_ref().and_then(|l| l.span) {
                assert!(span.start <= span.end && span.end <= text.len());
            }
        }
        let segments = oidc::jose::split(text);
        if segments.spans.len() == 3 {
            let seg = |i| oidc::jose::segment_text(text, segments.get(i));
            if has_duplicate(seg(0)) {
                assert!(check.header.is_none(), "a header with a duplicate member was read");
            }
            if has_duplicate(seg(1)) {
                assert!(check.claims.is_none(), "a payload with a duplicate member was read");
            }
        }
        let _ = check.summary();
    }
    let _ = oidc::describe(text, Some(now));
});
