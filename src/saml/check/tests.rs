//! Library-level tests of the SAML checks over small unsigned responses.

use super::*;
use crate::rules::saml as rules;
use crate::saml::view;

const RESPONSE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="r1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z" Destination="https://sp.example.test/saml/acs" InResponseTo="req1"><saml:Issuer>http://www.okta.com/exk1</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="a1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z"><saml:Issuer>http://www.okta.com/exk1</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="https://sp.example.test/saml/acs" NotOnOrAfter="2026-03-01T10:05:00Z" InResponseTo="req1"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2026-03-01T10:00:00Z" NotOnOrAfter="2026-03-01T10:05:00Z"><saml:AudienceRestriction><saml:Audience>AUDIENCE</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2026-03-01T10:00:00Z"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@example.com</saml:AttributeValue></saml:Attribute><saml:Attribute Name="FirstName"><saml:AttributeValue>Alice</saml:AttributeValue></saml:Attribute><saml:Attribute Name="groups"><saml:AttributeValue>ChatGPT-Users</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;

fn expectations() -> Expectations {
    Expectations {
        sp_entity_id: Some("https://sp.example.test/saml/metadata".into()),
        acs_url: Some("https://sp.example.test/saml/acs".into()),
        idp_entity_id: Some("http://www.okta.com/exk1".into()),
        request_id: Some("req1".into()),
        attributes: AttributeNames {
            email: Some("email".into()),
            given_name: Some("firstName".into()),
            family_name: Some("lastName".into()),
            groups: Some("groups".into()),
        },
        group_mappings: vec!["ChatGPT Users".into()],
        verified_domains: Some(vec!["example.com".into()]),
        mfa_expected: true,
        skew: Duration::seconds(180),
        ..Expectations::default()
    }
}

fn run(xml: &str, exp: &Expectations, now: &str) -> Vec<Finding> {
    let doc = Document::parse(xml).unwrap();
    let message = view::read(&doc);
    let view = VerifiedView::build(&doc, &[]);
    check(&doc, 0, &message, &view, exp, None, now.parse().unwrap()).findings
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    let mut v: Vec<_> = findings.iter().map(|f| f.rule.id).collect();
    v.sort();
    v
}

#[test]
fn reports_every_failure_at_once() {
    let xml = RESPONSE.replace("AUDIENCE", "https://sp.example.test/saml/acs");
    let found = run(&xml, &expectations(), "2026-03-01T09:55:00Z");
    assert_eq!(
        ids(&found),
        [
            rules::ATTRIBUTE_MISSING.id,
            rules::ATTRIBUTE_NAME_VARIANT.id,
            rules::AUDIENCE_MISMATCH.id,
            rules::GROUPS_NO_MATCH.id,
            rules::ISSUE_INSTANT_FUTURE.id,
            rules::MFA_NOT_EVIDENT.id,
            rules::NOT_YET_VALID.id,
        ]
    );
    let audience = found
        .iter()
        .find(|f| f.rule.id == rules::AUDIENCE_MISMATCH.id)
        .unwrap();
    assert!(audience.message.contains("ACS URL"), "{}", audience.message);
    assert!(audience.message.contains("not covered by any signature"));
    let early = found
        .iter()
        .find(|f| f.rule.id == rules::NOT_YET_VALID.id)
        .unwrap();
    assert!(
        early.message.contains("5 minutes after"),
        "{}",
        early.message
    );
    assert!(
        early.message.contains("does not cover it"),
        "{}",
        early.message
    );
    let groups = found
        .iter()
        .find(|f| f.rule.id == rules::GROUPS_NO_MATCH.id)
        .unwrap();
    assert!(groups
        .message
        .contains("nearest mapped groups are ChatGPT Users"));
}

#[test]
fn a_matching_response_within_the_skew_passes_the_checks_that_need_no_signature() {
    let xml = RESPONSE
        .replace("AUDIENCE", "https://sp.example.test/saml/metadata")
        .replace("FirstName", "firstName")
        .replace("ChatGPT-Users", "ChatGPT Users")
        .replace(
            r#"<saml:Attribute Name="groups">"#,
            r#"<saml:Attribute Name="lastName"><saml:AttributeValue>Nguyen</saml:AttributeValue></saml:Attribute><saml:Attribute Name="groups">"#,
        );
    let mut exp = expectations();
    exp.mfa_expected = false;
    // Two minutes early: inside the three-minute skew.
    let found = run(&xml, &exp, "2026-03-01T09:58:00Z");
    assert_eq!(ids(&found), Vec::<&str>::new(), "{found:?}");
}

#[test]
fn status_codes_are_explained() {
    let xml = RESPONSE.replace(
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#,
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy"/></samlp:StatusCode>"#,
    );
    let found = run(&xml, &expectations(), "2026-03-01T10:00:00Z");
    let st = found
        .iter()
        .find(|f| f.rule.id == rules::STATUS_NOT_SUCCESS.id)
        .unwrap();
    assert!(st.message.contains("InvalidNameIDPolicy"), "{}", st.message);
    assert!(st.message.contains("NameID format"), "{}", st.message);
    assert!(st
        .hint
        .as_deref()
        .unwrap_or_default()
        .contains("nameid_format"));
}

#[test]
fn expiry_says_whether_the_skew_would_have_saved_it() {
    let xml = RESPONSE.replace("AUDIENCE", "https://sp.example.test/saml/metadata");
    let found = run(&xml, &expectations(), "2026-03-01T10:09:00Z");
    let expired = found
        .iter()
        .find(|f| f.rule.id == rules::EXPIRED.id)
        .unwrap();
    assert!(
        expired.message.contains("4 minutes before"),
        "{}",
        expired.message
    );
    assert!(
        expired
            .message
            .contains("a skew of 4 minutes 1 second would"),
        "{}",
        expired.message
    );
    assert!(found
        .iter()
        .any(|f| f.rule.id == rules::SUBJECT_CONFIRMATION_EXPIRED.id));
}
