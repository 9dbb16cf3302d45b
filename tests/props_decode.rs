//! Properties of decoding: every binding's encode→decode is the identity, spans point inside
//! the decoded text at the element they name, and redaction leaves no personal value behind.

use base64::Engine;
use proptest::prelude::*;
use ssolint::cli::{Ctx, Format};
use ssolint::input::{self, Encoding};
use ssolint::saml::view::{self, SamlMessage};
use std::io::Write;

fn response(local: &str, given: &str, family: &str, name_id: &str, group: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z" Destination="https://sp.example.test/saml/acs"><saml:Issuer>http://www.okta.com/exk1</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z"><saml:Issuer>http://www.okta.com/exk1</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>{local}@example.com</saml:AttributeValue></saml:Attribute><saml:Attribute Name="firstName"><saml:AttributeValue>{given}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="lastName"><saml:AttributeValue>{family}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="displayName"><saml:AttributeValue>{given} {family}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="groups"><saml:AttributeValue>{group}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#
    )
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every binding the input module peels, with the layers it must report.
fn encodings(xml: &str, wrap: usize) -> Vec<(String, Vec<Encoding>)> {
    let std = base64::engine::general_purpose::STANDARD.encode(xml);
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(xml);
    let wrapped: String = std
        .as_bytes()
        .chunks(wrap)
        .map(|c| format!("{}\r\n", String::from_utf8_lossy(c)))
        .collect();
    let deflated = base64::engine::general_purpose::STANDARD.encode(deflate(xml.as_bytes()));
    let url_safe_layer = if url_safe.contains(['-', '_']) {
        Encoding::Base64Url
    } else {
        Encoding::Base64
    };
    vec![
        (xml.to_string(), vec![]),
        (std.clone(), vec![Encoding::Base64]),
        (url_safe, vec![url_safe_layer]),
        (wrapped, vec![Encoding::Base64]),
        (
            format!("SAMLResponse={}&RelayState=rs", urlenc(&std)),
            vec![Encoding::FormBody, Encoding::Base64],
        ),
        (
            format!(
                "https://sp.example.test/acs?SAMLResponse={}&RelayState=rs",
                urlenc(&deflated)
            ),
            vec![Encoding::UrlQuery, Encoding::Base64, Encoding::Deflate],
        ),
    ]
}

fn word(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-z]{{{min},{max}}}")).unwrap()
}

fn name() -> impl Strategy<Value = String> {
    (proptest::string::string_regex("[A-Z]").unwrap(), word(5, 9)).prop_map(|(a, b)| a + &b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_binding_round_trips(local in word(6, 12), given in name(), family in name(),
                                 id in "[a-z0-9]{12,20}", wrap in 40usize..90) {
        let xml = response(&local, &given, &family, &id, "ChatGPT Users");
        for (encoded, layers) in encodings(&xml, wrap) {
            let decoded = input::decode("p", encoded.as_bytes()).unwrap();
            let m = decoded.message().unwrap();
            prop_assert_eq!(&m.source.text, &xml);
            prop_assert_eq!(&m.encodings, &layers);
            prop_assert_eq!(m.kind, input::Kind::SamlResponse);
        }
    }

    #[test]
    fn spans_point_at_what_they_name(local in word(6, 12), given in name(), family in name(),
                                     id in "[a-z0-9]{12,20}") {
        let xml = response(&local, &given, &family, &id, "a &amp; b");
        let decoded = input::decode("p", xml.as_bytes()).unwrap();
        let m = decoded.message().unwrap();
        let doc = m.xml().unwrap();
        for n in doc.ids() {
            let span = doc.span(n);
            prop_assert!(span.end <= m.source.text.len());
            if let Some(e) = doc.element(n) {
                let open = format!("<{}", e.name.written());
                prop_assert!(m.source.slice(span).starts_with(&open));
            }
        }
        let SamlMessage::Response(r) = view::read(doc) else { panic!("response") };
        let a = &r.assertions[0];
        let nid = &a.subject.as_ref().unwrap().name_id.as_ref().unwrap().value;
        prop_assert_eq!(m.source.slice(nid.span), id.as_str());
        let g = &a.attribute("groups").unwrap().values[0];
        prop_assert_eq!(g.as_str(), "a & b");
        prop_assert_eq!(m.source.slice(g.span), "a &amp; b");
        let dest = r.destination.as_ref().unwrap();
        prop_assert_eq!(m.source.slice(dest.span), dest.as_str());
    }

    #[test]
    fn redaction_leaves_no_personal_value(local in word(6, 12), given in name(), family in name(),
                                          id in "[a-z0-9]{12,20}") {
        let xml = response(&local, &given, &family, &id, "Engineering");
        let b64 = base64::engine::general_purpose::STANDARD.encode(&xml);
        let decoded = input::decode("p", b64.as_bytes()).unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap().to_utc();
        for format in [Format::Json, Format::Human] {
            let mut ctx = Ctx::for_tests(now);
            ctx.redact = true;
            ctx.format = format;
            let report = ssolint::commands::decode::build_report(&ctx, &decoded);
            let out = ssolint::report::render(&report, &ctx);
            for secret in [&local, &given, &family, &id] {
                prop_assert!(!out.to_lowercase().contains(&secret.to_lowercase()),
                    "{:?}: {} survived in\n{}", format, secret, out);
            }
            prop_assert!(out.contains("@example.com"));
            prop_assert!(out.contains("Engineering"));
        }
    }
}
