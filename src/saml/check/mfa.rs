//! MFA evidence: AuthnContextClassRef and Entra's `authnmethodsreferences`, read only from
//! signed values (an unsigned claim of MFA proves nothing).

use super::Cx;
use crate::rules::saml as rules;
use crate::saml::view::Assertion;

const ENTRA_AMR: &str = "http://schemas.microsoft.com/claims/authnmethodsreferences";

/// Authentication contexts and method references that name more than one factor.
pub fn is_multi_factor(value: &str) -> bool {
    let v = value.trim();
    let short = v
        .rsplit([':', '/', '#'])
        .next()
        .unwrap_or(v)
        .to_ascii_lowercase();
    matches!(
        short.as_str(),
        "multipleauthn"
            | "mobiletwofactorcontract"
            | "mobiletwofactorunregistered"
            | "timesynctoken"
            | "smartcardpki"
            | "smartcard"
            | "softwarepki"
            | "x509"
            | "mfa"
            | "otp"
            | "hwk"
            | "swk"
            | "sms"
            | "fido"
            | "webauthn"
            | "phr"
            | "phrh"
    ) || v.to_ascii_lowercase().contains("multifactor")
        || v.to_ascii_lowercase().contains("mfa")
}

pub fn check(cx: &mut Cx, a: &Assertion) {
    if !cx.exp.mfa_expected {
        return;
    }
    let refs: Vec<_> = a
        .authn_statements
        .iter()
        .filter_map(|s| s.authn_context_class_ref.as_ref())
        .collect();
    let amr: Vec<_> = a
        .attribute(ENTRA_AMR)
        .map(|at| at.values.iter().collect())
        .unwrap_or_default();
    let evidence: Vec<_> = refs
        .iter()
        .chain(amr.iter())
        .filter(|v| is_multi_factor(v.as_str()))
        .collect();
    if evidence.iter().any(|v| cx.signed(v.node)) {
        return;
    }
    let shown: Vec<String> = refs
        .iter()
        .chain(amr.iter())
        .map(|v| v.value.trim().to_string())
        .collect();
    let (node, span) = match refs.first().or(amr.first()) {
        Some(v) => (v.node, v.span),
        None => {
            let n = a.authn_statements.first().map(|s| s.node).unwrap_or(a.node);
            (n, super::tag_span(cx.doc, n))
        }
    };
    let msg = if let Some(v) = evidence.first() {
        format!(
            "The assertion claims multi-factor authentication ({:?}), but that value is not covered by a trusted signature, so it proves nothing.",
            v.value.trim()
        )
    } else if shown.is_empty() {
        "The workspace expects MFA at the IdP, but the assertion says nothing about how the user authenticated (no AuthnContextClassRef).".into()
    } else {
        format!(
            "The workspace expects MFA at the IdP, but the assertion shows only {}: no second factor.",
            shown.join(", ")
        )
    };
    let f = cx
        .finding(&rules::MFA_NOT_EVIDENT, node, span, msg)
        .expected(
            "a multi-factor authentication context (or Entra authnmethodsreferences multipleauthn)",
        )
        .found(if shown.is_empty() {
            "(none)".into()
        } else {
            shown.join(", ")
        });
    cx.push(f);
}

#[cfg(test)]
mod tests {
    use super::is_multi_factor;

    #[test]
    fn recognises_multi_factor_contexts() {
        assert!(is_multi_factor(
            "http://schemas.microsoft.com/claims/multipleauthn"
        ));
        assert!(is_multi_factor(
            "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"
        ));
        assert!(!is_multi_factor(
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        ));
        assert!(!is_multi_factor(
            "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
        ));
    }
}
