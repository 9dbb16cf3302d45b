//! Properties of `check` on hostile input: a response with bytes cut out, duplicated or
//! replaced never panics, and every finding points inside the text it names.

use proptest::prelude::*;
use ssolint::cli::Ctx;
use ssolint::commands::check::{check_input, Plan};
use ssolint::saml::check::{AttributeNames, Expectations};
use std::path::Path;

fn base() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check/responses/base.xml"),
    )
    .unwrap()
}

fn plan() -> Plan {
    let cert =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dsig/keys/idp.pem"))
            .unwrap();
    Plan {
        oidc: Default::default(),
        jwks_problems: Vec::new(),
        scim: Default::default(),
        saml: Expectations {
            sp_entity_id: Some("https://sp.example.test/saml/metadata".into()),
            acs_url: Some("https://sp.example.test/saml/acs".into()),
            idp_entity_id: Some("http://www.okta.com/exk1example".into()),
            attributes: AttributeNames {
                email: Some("email".into()),
                given_name: Some("firstName".into()),
                family_name: Some("lastName".into()),
                groups: Some("groups".into()),
            },
            group_filter: Some("^ChatGPT ".into()),
            group_mappings: vec!["ChatGPT Users".into()],
            verified_domains: Some(vec!["example.com".into()]),
            mfa_expected: true,
            skew: chrono::Duration::seconds(180),
            ..Expectations::default()
        },
        trusted: ssolint::x509::Certificate::from_file_bytes(&cert).unwrap(),
        policy: Default::default(),
        vendor: None,
        sp_key: None,
        skew: chrono::Duration::seconds(180),
        wall_clock: "2026-03-01T10:01:00Z".parse().unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn mangled_responses_never_panic(at in 0usize..4000, len in 0usize..40, with in "[<>\"=a-z/ ]{0,6}") {
        let text = base();
        let start = at.min(text.len());
        let end = (start + len).min(text.len());
        let (Some(head), Some(tail)) = (text.get(..start), text.get(end..)) else {
            return Ok(());
        };
        let mangled = format!("{head}{with}{tail}");
        let ctx = Ctx::for_tests("2026-03-01T10:01:00Z".parse().unwrap());
        if let Ok(input) = ssolint::input::decode("mangled.xml", mangled.as_bytes()) {
            let report = check_input(&ctx, &plan(), &input);
            for f in &report.findings {
                if let Some(loc) = &f.location {
                    let file = &report.files[loc.file];
                    if let Some(span) = loc.span {
                        prop_assert!(span.start <= span.end && span.end <= file.text.len());
                    }
                }
            }
        }
    }
}
