use super::*;
use chrono::TimeZone;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;

const SECRET: &[u8] = b"a test secret of thirty-two bytes!";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn hs256(header: &str, payload: &str) -> String {
    let input = format!(
        "{}.{}",
        jose::b64url(header.as_bytes()),
        jose::b64url(payload.as_bytes())
    );
    let key = PKey::hmac(SECRET).unwrap();
    let mut s = Signer::new(MessageDigest::sha256(), &key).unwrap();
    s.update(input.as_bytes()).unwrap();
    format!("{input}.{}", jose::b64url(&s.sign_to_vec().unwrap()))
}

fn expectations() -> OidcExpectations {
    let jwk = format!(
        r#"{{"keys":[{{"kty":"oct","kid":"k1","k":"{}"}}]}}"#,
        jose::b64url(SECRET)
    );
    OidcExpectations {
        issuer: Some("https://idp.example.test".into()),
        audience: Some("client-1".into()),
        jwks: Some(Jwks::parse(&jwk).unwrap().0),
        ..OidcExpectations::default()
    }
}

fn good_claims() -> String {
    let t = now().timestamp();
    format!(
        r#"{{"iss":"https://idp.example.test","aud":"client-1","sub":"u1","email":"ana@acme.test","iat":{},"exp":{}}}"#,
        t - 60,
        t + 600
    )
}

fn rules_of(c: &TokenCheck) -> Vec<&'static str> {
    c.findings.iter().map(|f| f.rule.id).collect()
}

#[test]
fn a_good_token_verifies_with_no_findings() {
    let tok = hs256(r#"{"alg":"HS256","kid":"k1"}"#, &good_claims());
    let c = check_token(
        &tok,
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(180),
    );
    assert!(c.findings.is_empty(), "{:?}", rules_of(&c));
    assert!(matches!(
        c.signature,
        SignatureOutcome::Verified { key_index: 0, .. }
    ));
}

#[test]
fn every_failure_is_reported_at_once() {
    let t = now().timestamp();
    let claims = format!(
        r#"{{"iss":"https://other.test","aud":["a","b"],"iat":{},"exp":{}}}"#,
        t + 3600,
        t - 3600
    );
    let tok = hs256(
        r#"{"alg":"HS256","kid":"k1","jku":"https://evil.test/k","crit":["x"]}"#,
        &claims,
    );
    let c = check_token(
        &tok,
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(180),
    );
    let ids = rules_of(&c);
    for want in [
        "oidc.header-key-injection",
        "oidc.crit-unsupported",
        "oidc.issuer-mismatch",
        "oidc.audience-mismatch",
        "oidc.azp-mismatch",
        "oidc.expired",
        "oidc.iat-future",
        "oidc.sub-missing",
        "oidc.email-missing",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
}

#[test]
fn exp_equal_to_now_minus_skew_is_expired() {
    let t = now().timestamp();
    let claims = format!(
        r#"{{"iss":"https://idp.example.test","aud":"client-1","sub":"u","email":"a@b.test","iat":{},"exp":{}}}"#,
        t - 600,
        t - 180
    );
    let tok = hs256(r#"{"alg":"HS256"}"#, &claims);
    let c = check_token(
        &tok,
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(180),
    );
    assert_eq!(rules_of(&c), vec!["oidc.expired"]);
    let claims = claims.replace(&format!("{}", t - 180), &format!("{}", t - 179));
    let tok = hs256(r#"{"alg":"HS256"}"#, &claims);
    let c = check_token(
        &tok,
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(180),
    );
    assert!(c.findings.is_empty());
}

#[test]
fn tampering_breaks_the_signature() {
    let tok = hs256(r#"{"alg":"HS256"}"#, &good_claims());
    let mut parts: Vec<&str> = tok.split('.').collect();
    let other = jose::b64url(good_claims().replace("u1", "u2").as_bytes());
    parts[1] = &other;
    let c = check_token(
        &parts.join("."),
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(180),
    );
    assert_eq!(rules_of(&c), vec!["oidc.signature-invalid"]);
}

#[test]
fn alg_none_and_case_variants_are_refused() {
    for alg in ["none", "None", "NONE"] {
        let tok = format!(
            "{}.{}.",
            jose::b64url(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
            jose::b64url(good_claims().as_bytes())
        );
        let c = check_token(
            &tok,
            &expectations(),
            Clock::Fixed(now()),
            Duration::seconds(180),
        );
        assert!(rules_of(&c).contains(&"oidc.alg-none"), "{alg}");
    }
}

#[test]
fn issue_instant_clock_uses_the_tokens_iat() {
    let claims = r#"{"iss":"https://idp.example.test","aud":"client-1","sub":"u","email":"a@b.test","iat":1000000000,"exp":1000000300}"#;
    let tok = hs256(r#"{"alg":"HS256"}"#, claims);
    let c = check_token(
        &tok,
        &expectations(),
        Clock::IssueInstant,
        Duration::seconds(0),
    );
    assert!(c.findings.is_empty(), "{:?}", rules_of(&c));
    assert_eq!(c.evaluated_at.map(|t| t.timestamp()), Some(1_000_000_000));
}

#[test]
fn duplicate_claims_are_a_finding_and_the_header_is_still_checked() {
    let tok = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"a","sub":"b"}"#);
    let c = check_token(
        &tok,
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(180),
    );
    assert_eq!(rules_of(&c), vec!["input.json-duplicate-key"]);
    assert!(matches!(c.signature, SignatureOutcome::Verified { .. }));
}

#[test]
fn entra_tenant_template_and_allowed_tenants() {
    let t = now().timestamp();
    let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let claims = format!(
        r#"{{"iss":"https://login.microsoftonline.com/{tid}/v2.0","tid":"{tid}","aud":"client-1","sub":"u","email":"a@b.test","xms_edov":true,"iat":{},"exp":{}}}"#,
        t,
        t + 60
    );
    let tok = hs256(r#"{"alg":"HS256"}"#, &claims);
    let mut e = expectations();
    e.issuer = Some("https://login.microsoftonline.com/{tenantid}/v2.0".into());
    e.allowed_tenants = vec![tid.into()];
    let c = check_token(&tok, &e, Clock::Fixed(now()), Duration::seconds(180));
    assert!(c.findings.is_empty(), "{:?}", rules_of(&c));
    e.allowed_tenants = vec!["00000000-0000-0000-0000-000000000000".into()];
    let c = check_token(&tok, &e, Clock::Fixed(now()), Duration::seconds(180));
    assert_eq!(rules_of(&c), vec!["oidc.issuer-mismatch"]);
}

#[test]
fn segments_and_encryption() {
    let c = check_token(
        "eyJhbGciOiJIUzI1NiJ9.e30",
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(1),
    );
    assert_eq!(rules_of(&c), vec!["oidc.token-malformed"]);
    let jwe = format!(
        "{}.a.b.c.d",
        jose::b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
    );
    let c = check_token(
        &jwe,
        &expectations(),
        Clock::Fixed(now()),
        Duration::seconds(1),
    );
    assert_eq!(rules_of(&c), vec!["oidc.token-encrypted"]);
    assert_eq!(c.kind, TokenKind::Jwe);
}

#[test]
fn describe_gives_times_in_words() {
    let tok = hs256(r#"{"alg":"HS256"}"#, &good_claims());
    let d = describe(&tok, Some(now()));
    assert_eq!(d.times["exp"]["relative"], "in 10 minutes");
    assert!(d.problems.is_empty());
}

#[test]
fn entra_email_without_domain_owner_verification_is_the_noauth_class() {
    let t = now().timestamp();
    let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let iss = format!("https://login.microsoftonline.com/{tid}/v2.0");
    let claims = format!(
        r#"{{"iss":"{iss}","tid":"{tid}","aud":"client-1","sub":"u","email":"a@b.test","iat":{t},"exp":{}}}"#,
        t + 60
    );
    let tok = hs256(r#"{"alg":"HS256"}"#, &claims);
    let mut e = expectations();
    e.issuer = Some(iss);
    let c = check_token(&tok, &e, Clock::Fixed(now()), Duration::seconds(180));
    assert_eq!(rules_of(&c), vec!["oidc.identity-by-email"]);
    let with_edov = claims.replace("\"sub\"", "\"xms_edov\":true,\"sub\"");
    let tok = hs256(r#"{"alg":"HS256"}"#, &with_edov);
    let c = check_token(&tok, &e, Clock::Fixed(now()), Duration::seconds(180));
    assert!(c.findings.is_empty(), "{:?}", rules_of(&c));
}

#[test]
fn keys_without_kid_are_tried_and_keys_with_another_kid_are_not() {
    let jwks = format!(
        r#"{{"keys":[{{"kty":"oct","kid":"other","k":"{0}"}},{{"kty":"oct","k":"{0}"}},{{"kty":"oct","use":"enc","k":"{0}"}}]}}"#,
        jose::b64url(SECRET)
    );
    let (set, _) = Jwks::parse(&jwks).unwrap();
    let sel = select_keys(&set, "HS256", Some("k1"));
    assert_eq!(
        sel.iter().map(|c| c.candidate).collect::<Vec<_>>(),
        vec![false, true, false]
    );
    assert!(sel[2].reason.contains("use=\"enc\""));
}

proptest::proptest! {
    /// Hostile input never panics: arbitrary segments, JSON-ish payloads, any algorithm.
    #[test]
    fn arbitrary_tokens_never_panic(
        header in "\\{\"alg\":\"(HS256|RS256|ES256|EdDSA|none|x)\"(,\"kid\":\"k1\")?(,\"crit\":1)?\\}",
        payload in "[ -~]{0,60}",
        sig in "[A-Za-z0-9_-]{0,90}",
        extra in proptest::option::of("[A-Za-z0-9_.=+/-]{0,20}"),
    ) {
        let tok = format!("{}.{}.{sig}{}", jose::b64url(header.as_bytes()), jose::b64url(payload.as_bytes()), extra.unwrap_or_default());
        let c = check_token(&tok, &expectations(), Clock::IssueInstant, Duration::seconds(180));
        let _ = c.summary();
        let _ = describe(&tok, Some(now()));
    }
}
