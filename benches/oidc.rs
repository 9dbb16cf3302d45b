//! In-process check of one RS256 ID token (the material of bench/compare.sh): strict decoding,
//! key selection from the JWKS, signature, and every claim check (iss, aud, exp, nbf, iat,
//! nonce, e-mail...) with RS256 as the only allowed algorithm. Read against `baseline`.

mod common;

use ssolint::clock::Clock;
use ssolint::oidc::{self, Jwks, OidcExpectations};

fn main() {
    let mut bench = common::Bench::from_args();
    if let (Some(token), Some(jwks), Some(meta)) = (
        common::material("oidc/token.jwt"),
        common::material("oidc/jwks.json"),
        common::material("oidc/meta.json"),
    ) {
        let token = std::fs::read_to_string(token).expect("token");
        let token = token.trim();
        let (jwks, _) = Jwks::parse(&std::fs::read_to_string(jwks).expect("jwks")).expect("jwks");
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(meta).expect("meta")).expect("meta");
        let field = |k: &str| meta[k].as_str().map(str::to_string);
        let exp = OidcExpectations {
            issuer: field("issuer"),
            audience: field("audience"),
            nonce: field("nonce"),
            algorithms: vec!["RS256".into()],
            jwks: Some(jwks),
            ..OidcExpectations::default()
        };
        let now = field("check_at")
            .and_then(|t| t.parse().ok())
            .expect("check_at");
        let clock = Clock::Fixed(now);
        let skew = chrono::Duration::seconds(180);
        let first = oidc::check_token(token, &exp, clock, skew);
        assert!(first.findings.is_empty(), "{:?}", first.findings);
        bench.case("id-token-rs256", || {
            oidc::check_token(token, &exp, clock, skew).findings.len()
        });
    }
    bench.finish();
}
