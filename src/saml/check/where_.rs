//! Who and where: Issuer, Destination, Recipient, Audience, InResponseTo, SubjectConfirmation.

use super::{hints, Cx};
use crate::rules::saml as rules;
use crate::saml::view::{Assertion, Response, Text};

const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

/// How `found` nearly equals `expected`, in words; None when they are simply different.
pub fn near_miss(expected: &str, found: &str, acs_url: Option<&str>) -> Option<String> {
    let (e, f) = (expected.trim(), found.trim());
    if f != found {
        return Some("it has leading or trailing whitespace".into());
    }
    if acs_url.is_some_and(|acs| acs == f) && e != f {
        return Some("it is the ACS URL, pasted where the entity id belongs".into());
    }
    if e.trim_end_matches('/') == f.trim_end_matches('/') {
        return Some(if f.ends_with('/') {
            "it has a trailing slash the SP's value does not have".into()
        } else {
            "it lacks the trailing slash of the SP's value".into()
        });
    }
    if e.eq_ignore_ascii_case(f) {
        return Some("it differs only in upper/lower case".into());
    }
    let scheme = |s: &str| {
        s.split_once("://")
            .map(|(sch, rest)| (sch.to_ascii_lowercase(), rest.to_string()))
    };
    if let (Some((se, re)), Some((sf, rf))) = (scheme(e), scheme(f)) {
        if se != sf && re.trim_end_matches('/') == rf.trim_end_matches('/') {
            return Some(format!("the scheme is {sf}:// instead of {se}://"));
        }
    }
    for prefix in ["spn:", "urn:", "api://"] {
        if let Some(rest) = f.strip_prefix(prefix) {
            if rest == e || rest.eq_ignore_ascii_case(e) {
                return Some(format!("it carries a {prefix} prefix"));
            }
        }
        if let Some(rest) = e.strip_prefix(prefix) {
            if rest == f {
                return Some(format!("it lacks the {prefix} prefix"));
            }
        }
    }
    if strsim::normalized_levenshtein(&e.to_ascii_lowercase(), &f.to_ascii_lowercase()) > 0.85 {
        return Some("it differs by a few characters (a typo?)".into());
    }
    None
}

fn with_near_miss(msg: String, expected: &str, found: &str, acs: Option<&str>) -> String {
    match near_miss(expected, found, acs) {
        Some(why) => format!("{msg}: nearly right, {why}."),
        None => format!("{msg}."),
    }
}

pub fn response(cx: &mut Cx, r: &Response) {
    let acs = cx.exp.acs_url.clone();
    if let (Some(acs), Some(dest)) = (acs.as_deref(), r.destination.as_ref()) {
        // An empty Destination is as wrong as another URL (it is no URL at all).
        if dest.as_str() != acs {
            let msg = with_near_miss(
                format!(
                    "The Response was sent to {:?}, not to the SP's ACS URL {acs:?}",
                    dest.value
                ),
                acs,
                dest.as_str(),
                None,
            );
            let f = cx
                .finding(&rules::DESTINATION_MISMATCH, r.node, dest.span, msg)
                .expected(acs)
                .found(dest.value.clone())
                .hint(hints::acs_url(cx.vendor, acs, dest.as_str()));
            cx.push(f);
        }
    }
    if let (Some(expected), Some(iss)) = (cx.exp.idp_entity_id.clone(), r.issuer.as_ref()) {
        let found = iss.value.as_str().trim();
        if found != expected {
            let msg = with_near_miss(
                format!("The Response Issuer is {found:?}, not the IdP entity id {expected:?}"),
                &expected,
                found,
                None,
            );
            let f = cx
                .finding(&rules::ISSUER_MISMATCH, iss.node, iss.value.span, msg)
                .expected(expected.clone())
                .found(found)
                .hint(hints::idp_entity_id(cx.vendor, &expected, found));
            cx.push(f);
        }
    }
    in_response_to(cx, r.in_response_to.as_ref(), r.node, "Response");
}

fn in_response_to(cx: &mut Cx, irt: Option<&Text>, node: crate::xml::NodeId, what: &str) {
    match (cx.exp.request_id.clone(), irt) {
        (Some(expected), Some(found)) if found.as_str() != expected => {
            let f = cx
                .finding(
                    &rules::IN_RESPONSE_TO_MISMATCH,
                    node,
                    found.span,
                    format!(
                        "The {what} answers request {:?}, but the login started with AuthnRequest {expected:?}.",
                        found.value
                    ),
                )
                .expected(expected)
                .found(found.value.clone());
            cx.push(f);
        }
        (Some(expected), None) if what == "Response" => {
            let f = cx
                .on_element(
                    &rules::IN_RESPONSE_TO_MISMATCH,
                    node,
                    format!("The Response carries no InResponseTo (it is IdP-initiated), but the login started with AuthnRequest {expected:?}."),
                )
                .expected(expected)
                .found("(none)");
            cx.push(f);
        }
        (None, None) if what == "Response" => {
            let f = cx.on_element(
                &rules::UNSOLICITED,
                node,
                "The Response has no InResponseTo: the login was started at the IdP (IdP-initiated), not by an AuthnRequest of the SP.".into(),
            );
            cx.push(f);
        }
        _ => {}
    }
}

pub fn assertion(cx: &mut Cx, a: &Assertion, response: Option<&Response>) {
    if a.issuer.is_none() {
        let mut f = cx.on_element(
            &rules::ISSUER_MISMATCH,
            a.node,
            "The Assertion has no Issuer; SAML requires one, and the SP finds the IdP by it."
                .into(),
        );
        if let Some(expected) = &cx.exp.idp_entity_id {
            f = f.expected(expected.clone()).found("(none)");
        }
        cx.push(f);
    }
    if let Some(iss) = &a.issuer {
        let found = iss.value.as_str().trim().to_string();
        let response_issuer = response
            .and_then(|r| r.issuer.as_ref())
            .map(|i| i.value.as_str().trim().to_string());
        if let Some(expected) = cx.exp.idp_entity_id.clone() {
            if found != expected {
                let msg = with_near_miss(
                    format!(
                        "The Assertion Issuer is {found:?}, not the IdP entity id {expected:?}"
                    ),
                    &expected,
                    &found,
                    None,
                );
                let f = cx
                    .finding(&rules::ISSUER_MISMATCH, iss.node, iss.value.span, msg)
                    .expected(expected.clone())
                    .found(found.clone())
                    .hint(hints::idp_entity_id(cx.vendor, &expected, &found));
                cx.push(f);
            }
        } else if let Some(ri) = response_issuer.filter(|ri| *ri != found) {
            let f = cx
                .finding(
                    &rules::ISSUER_MISMATCH,
                    iss.node,
                    iss.value.span,
                    format!("The Assertion Issuer {found:?} differs from the Response Issuer {ri:?}; both come from one IdP."),
                )
                .expected(ri)
                .found(found);
            cx.push(f);
        }
    }
    audience(cx, a);
    subject_confirmation(cx, a, response);
}

fn audience(cx: &mut Cx, a: &Assertion) {
    let restrictions = a
        .conditions
        .as_ref()
        .map(|c| c.audience_restrictions.as_slice())
        .unwrap_or_default();
    if restrictions.is_empty() || restrictions.iter().all(|r| r.audiences.is_empty()) {
        let node = a.conditions.as_ref().map(|c| c.node).unwrap_or(a.node);
        let mut f = cx.on_element(
            &rules::AUDIENCE_MISSING,
            node,
            "The assertion names no Audience: nothing limits it to this SP.".into(),
        );
        if let Some(sp) = &cx.exp.sp_entity_id {
            f = f
                .expected(sp.clone())
                .found("(none)")
                .hint(hints::audience(cx.vendor, sp, None));
        }
        cx.push(f);
        return;
    }
    let Some(expected) = cx.exp.sp_entity_id.clone() else {
        return;
    };
    let acs = cx.exp.acs_url.clone();
    for r in restrictions {
        if r.audiences.iter().any(|v| v.as_str() == expected) {
            continue;
        }
        let Some(first) = r.audiences.first() else {
            continue;
        };
        let found: Vec<&str> = r.audiences.iter().map(|v| v.as_str()).collect();
        let closest = r
            .audiences
            .iter()
            .find(|v| near_miss(&expected, v.as_str(), acs.as_deref()).is_some())
            .unwrap_or(first);
        let msg = with_near_miss(
            format!(
                "The assertion is for audience {}, not for this SP ({expected:?})",
                found
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &expected,
            closest.as_str(),
            acs.as_deref(),
        );
        let f = cx
            .finding(&rules::AUDIENCE_MISMATCH, closest.node, closest.span, msg)
            .expected(expected.clone())
            .found(found.join(", "))
            .hint(hints::audience(
                cx.vendor,
                &expected,
                Some(closest.as_str()),
            ));
        cx.push(f);
    }
}

fn subject_confirmation(cx: &mut Cx, a: &Assertion, response: Option<&Response>) {
    let Some(subject) = &a.subject else {
        let f = cx.on_element(
            &rules::SUBJECT_CONFIRMATION_MISSING,
            a.node,
            "The assertion has no Subject, so no SubjectConfirmation either.".into(),
        );
        cx.push(f);
        return;
    };
    if subject.confirmations.is_empty() {
        let f = cx.on_element(
            &rules::SUBJECT_CONFIRMATION_MISSING,
            subject.node,
            "The Subject has no SubjectConfirmation; web-browser SSO needs a bearer confirmation with Recipient and NotOnOrAfter.".into(),
        );
        cx.push(f);
        return;
    }
    let bearers: Vec<_> = subject
        .confirmations
        .iter()
        .filter(|c| c.method.as_ref().is_some_and(|m| m.as_str() == BEARER))
        .collect();
    if let (true, Some(c)) = (bearers.is_empty(), subject.confirmations.first()) {
        let methods: Vec<String> = subject
            .confirmations
            .iter()
            .map(|c| {
                c.method
                    .as_ref()
                    .map(|m| m.value.clone())
                    .unwrap_or_else(|| "(no Method)".into())
            })
            .collect();
        let mut f = match &c.method {
            Some(m) => cx.finding(
                &rules::SUBJECT_CONFIRMATION_METHOD,
                c.node,
                m.span,
                format!(
                    "No SubjectConfirmation uses the bearer method; found {}.",
                    methods.join(", ")
                ),
            ),
            None => cx.on_element(
                &rules::SUBJECT_CONFIRMATION_METHOD,
                c.node,
                "The SubjectConfirmation has no Method; web-browser SSO needs the bearer method."
                    .into(),
            ),
        };
        f = f.expected(BEARER).found(methods.join(", "));
        cx.push(f);
        return;
    }
    for c in bearers {
        let Some(data) = &c.data else {
            let f = cx.on_element(
                &rules::SUBJECT_CONFIRMATION_MISSING,
                c.node,
                "The bearer SubjectConfirmation has no SubjectConfirmationData (Recipient, NotOnOrAfter).".into(),
            );
            cx.push(f);
            continue;
        };
        if let (Some(acs), Some(rec)) = (cx.exp.acs_url.clone(), data.recipient.as_ref()) {
            if rec.as_str() != acs {
                let msg = with_near_miss(
                    format!(
                        "The assertion may be delivered to {:?}, not to the SP's ACS URL {acs:?}",
                        rec.value
                    ),
                    &acs,
                    rec.as_str(),
                    None,
                );
                let f = cx
                    .finding(&rules::RECIPIENT_MISMATCH, data.node, rec.span, msg)
                    .expected(acs.clone())
                    .found(rec.value.clone())
                    .hint(hints::acs_url(cx.vendor, &acs, rec.as_str()));
                cx.push(f);
            }
        }
        // Only an SP that knows its ACS URL can hold the Recipient to it.
        if data.recipient.is_none() && cx.exp.acs_url.is_some() {
            let f = cx.on_element(
                &rules::SUBJECT_CONFIRMATION_MISSING,
                data.node,
                "The SubjectConfirmationData has no Recipient; the profile requires the ACS URL there.".into(),
            );
            cx.push(f);
        }
        // The confirmation's InResponseTo must match the request too, and the Response's.
        let response_irt = response.and_then(|r| r.in_response_to.as_ref());
        match (&data.in_response_to, response_irt) {
            (Some(d), Some(r)) if d.as_str() != r.as_str() && cx.exp.request_id.is_none() => {
                let f = cx
                    .finding(
                        &rules::IN_RESPONSE_TO_MISMATCH,
                        data.node,
                        d.span,
                        format!(
                            "The SubjectConfirmationData answers request {:?}, the Response answers {:?}.",
                            d.value, r.value
                        ),
                    )
                    .expected(r.value.clone())
                    .found(d.value.clone());
                cx.push(f);
            }
            (Some(d), _) => in_response_to(cx, Some(d), data.node, "SubjectConfirmationData"),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn names_the_near_miss() {
        let e = "https://sp.example.test/saml/metadata";
        let acs = Some("https://sp.example.test/saml/acs");
        let why = |f: &str| near_miss(e, f, acs).unwrap_or_default();
        assert!(why("https://sp.example.test/saml/metadata/").contains("trailing slash"));
        assert!(why("http://sp.example.test/saml/metadata").contains("scheme"));
        assert!(why("HTTPS://SP.EXAMPLE.TEST/SAML/METADATA").contains("case"));
        assert!(why("spn:https://sp.example.test/saml/metadata").contains("spn:"));
        assert!(why("https://sp.example.test/saml/acs").contains("ACS URL"));
        assert_eq!(near_miss(e, "urn:something:else", acs), None);
    }
}
