//! Structure and status: SAML version, the Response's Status, the presence of an assertion.

use super::Cx;
use crate::rules::saml as rules;
use crate::saml::view::{Assertion, Response, Text};

const STATUS_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:status:";

/// What a status code means, in words (SAML core §3.2.2.2).
pub fn status_meaning(code: &str) -> Option<&'static str> {
    let short = code.strip_prefix(STATUS_PREFIX).unwrap_or(code);
    Some(match short {
        "Success" => "the request succeeded",
        "Requester" => "the IdP blames the request (the SP's AuthnRequest or its settings)",
        "Responder" => "the IdP could not or would not perform the login",
        "VersionMismatch" => "the IdP does not support the SAML version of the request",
        "AuthnFailed" => "the user could not be authenticated (wrong password, MFA failed, or the user is not assigned to the application)",
        "InvalidAttrNameOrValue" => "an attribute in the request was not understood",
        "InvalidNameIDPolicy" => "the IdP cannot issue the NameID format the request asked for (the NameIDPolicy does not match the application's Name ID format)",
        "NoAuthnContext" => "the IdP cannot satisfy the requested authentication context (e.g. the SP asked for a password-based login and the user used another method)",
        "NoAvailableIDP" => "no IdP is available for the proxied request",
        "NoPassive" => "the SP asked for a passive login (IsPassive) but the user has no session at the IdP",
        "NoSupportedIDP" => "none of the IdPs the proxy knows is supported",
        "PartialLogout" => "not every session could be logged out",
        "ProxyCountExceeded" => "the request was proxied too many times",
        "RequestDenied" => "the IdP refused the request (a policy, or the user is not allowed this application)",
        "RequestUnsupported" => "the IdP does not support this kind of request",
        "RequestVersionDeprecated" => "the request's SAML version is deprecated at the IdP",
        "RequestVersionTooHigh" => "the request's SAML version is too high for the IdP",
        "RequestVersionTooLow" => "the request's SAML version is too low for the IdP",
        "ResourceNotRecognized" => "the resource named in the request is unknown",
        "TooManyResponses" => "the response would carry more elements than the IdP can return",
        "UnknownAttrProfile" => "the attribute profile is unknown",
        "UnknownPrincipal" => "the user is not known to the IdP",
        "UnsupportedBinding" => "the IdP cannot answer over the requested binding (ProtocolBinding)",
        _ => return None,
    })
}

fn describe(code: &Text) -> String {
    let short = code
        .as_str()
        .strip_prefix(STATUS_PREFIX)
        .unwrap_or(code.as_str());
    match status_meaning(code.as_str()) {
        Some(m) => format!("{short} ({m})"),
        None => format!("{short} (not a SAML 2.0 status code)"),
    }
}

fn version(cx: &mut Cx, node: crate::xml::NodeId, v: Option<&Text>, what: &str) {
    match v {
        Some(v) if v.as_str() == "2.0" => {}
        Some(v) => {
            let f = cx
                .finding(
                    &rules::VERSION,
                    node,
                    v.span,
                    format!(
                        "The {what} has Version {:?}; only SAML 2.0 is accepted.",
                        v.value
                    ),
                )
                .expected("2.0")
                .found(v.value.clone());
            cx.push(f);
        }
        None => {
            let f = cx
                .on_element(
                    &rules::VERSION,
                    node,
                    format!("The {what} has no Version attribute; SAML 2.0 messages carry Version=\"2.0\"."),
                )
                .expected("2.0")
                .found("(none)");
            cx.push(f);
        }
    }
}

/// Response-level structure. Returns whether there is an assertion to check.
pub fn response(cx: &mut Cx, r: &Response) -> bool {
    version(cx, r.node, r.version.as_ref(), "Response");
    let mut success = false;
    match &r.status {
        None => {
            let f = cx.on_element(
                &rules::STATUS_NOT_SUCCESS,
                r.node,
                "The Response has no Status element; a SAML Response must say whether the login succeeded.".into(),
            );
            cx.push(f);
        }
        Some(st) => match &st.code {
            Some(code) if code.as_str() == format!("{STATUS_PREFIX}Success") => success = true,
            Some(code) => {
                let mut msg = format!("The IdP refused the login: status {}", describe(code));
                if let Some(second) = &st.second_code {
                    msg.push_str(&format!(", because {}", describe(second)));
                }
                if let Some(m) = st
                    .message
                    .as_ref()
                    .filter(|m| !m.as_str().trim().is_empty())
                {
                    msg.push_str(&format!("; the IdP says: {:?}", m.as_str().trim()));
                }
                msg.push('.');
                let mut f = cx
                    .finding(&rules::STATUS_NOT_SUCCESS, st.node, code.span, msg)
                    .expected(format!("{STATUS_PREFIX}Success"))
                    .found(match &st.second_code {
                        Some(s) => format!("{} / {}", code.value, s.value),
                        None => code.value.clone(),
                    });
                if let Some(h) = st
                    .second_code
                    .as_ref()
                    .and_then(|s| status_hint(s.as_str()))
                {
                    f = f.hint(h);
                }
                cx.push(f);
            }
            None => {
                let f = cx.on_element(
                    &rules::STATUS_NOT_SUCCESS,
                    st.node,
                    "The Status has no StatusCode value.".into(),
                );
                cx.push(f);
            }
        },
    }
    let any = !r.assertions.is_empty();
    if success && !any && r.encrypted_assertions.is_empty() {
        let f = cx.on_element(
            &rules::ASSERTION_MISSING,
            r.node,
            "The Response says Success but carries no Assertion (and no EncryptedAssertion): there is no user to log in.".into(),
        );
        cx.push(f);
    }
    any
}

/// A fix for second-level status codes whose cause is a known setting.
fn status_hint(code: &str) -> Option<String> {
    let short = code.strip_prefix(STATUS_PREFIX).unwrap_or(code);
    Some(match short {
        "InvalidNameIDPolicy" => "Make the SP's NameIDPolicy Format (its `nameid_format`) and the IdP application's Name ID format the same, usually emailAddress.".into(),
        "NoPassive" => "The user has no session at the IdP: log in at the IdP first, or have the SP send the AuthnRequest without IsPassive.".into(),
        "AuthnFailed" | "RequestDenied" => "Check that the user is assigned to the application at the IdP and passed its sign-on policy (the IdP's sign-in log names the reason).".into(),
        "NoAuthnContext" => "Remove the SP's RequestedAuthnContext, or allow that authentication method in the IdP's policy for the application.".into(),
        "UnsupportedBinding" => "Use the HTTP-POST binding for the ACS URL in the IdP application.".into(),
        _ => return None,
    })
}

pub fn assertion(cx: &mut Cx, a: &Assertion) {
    version(cx, a.node, a.version.as_ref(), "Assertion");
}
