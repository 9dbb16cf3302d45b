//! Which IdP produced a message or metadata, guessed from the shapes each vendor uses for
//! issuers, endpoints and claim names. Only fix hints depend on it.

use super::view::SamlMessage;
use crate::rules::Vendor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub vendor: Vendor,
    /// Why: the value that gave it away.
    pub reason: String,
}

/// Guess from one identifier (issuer, entity id, endpoint URL).
pub fn from_identifier(value: &str) -> Option<Guess> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let host = url::Url::parse(v)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let guess = |vendor: Vendor, why: &str| {
        Some(Guess {
            vendor,
            reason: format!("{v:?} {why}"),
        })
    };
    if lower.starts_with("http://www.okta.com/")
        || host.ends_with(".okta.com")
        || host.ends_with(".oktapreview.com")
        || host.ends_with(".okta-emea.com")
    {
        return guess(Vendor::Okta, "has the shape of an Okta issuer or endpoint");
    }
    if host == "sts.windows.net"
        || host == "login.microsoftonline.com"
        || host.ends_with(".microsoftonline.com")
    {
        return guess(
            Vendor::Entra,
            "is an Entra ID (Azure AD) issuer or endpoint",
        );
    }
    if host == "accounts.google.com" {
        return guess(
            Vendor::Google,
            "is a Google Workspace SAML issuer or endpoint",
        );
    }
    if lower.contains("/adfs/services/trust") || lower.contains("/adfs/ls") {
        return guess(
            Vendor::Adfs,
            "is an ADFS federation service identifier or endpoint",
        );
    }
    if host.ends_with("onelogin.com") {
        return guess(Vendor::Onelogin, "is a OneLogin issuer or endpoint");
    }
    if host.contains("pingone.") || host.contains("pingidentity.") || lower.contains("pingfederate")
    {
        return guess(
            Vendor::Ping,
            "is a PingOne / PingFederate issuer or endpoint",
        );
    }
    if lower.contains("/realms/") {
        return guess(
            Vendor::Keycloak,
            "has the /realms/ path of a Keycloak issuer",
        );
    }
    None
}

/// Guess from a whole message: its issuer or entity id, then endpoints, then claim names.
pub fn guess(message: &SamlMessage) -> Option<Guess> {
    let mut identifiers: Vec<&str> = Vec::new();
    let mut claim_names: Vec<&str> = Vec::new();
    match message {
        SamlMessage::EntityDescriptor(e) => collect_entity(e, &mut identifiers),
        SamlMessage::EntitiesDescriptor(es) => {
            for e in &es.entities {
                collect_entity(e, &mut identifiers);
            }
        }
        SamlMessage::Response(r) => {
            identifiers.extend(r.issuer.as_ref().map(|i| i.value.as_str()));
            for a in &r.assertions {
                identifiers.extend(a.issuer.as_ref().map(|i| i.value.as_str()));
                claim_names.extend(
                    a.attributes
                        .iter()
                        .filter_map(|x| x.name.as_ref().map(|n| n.as_str())),
                );
            }
        }
        SamlMessage::Assertion(a) => {
            identifiers.extend(a.issuer.as_ref().map(|i| i.value.as_str()));
            claim_names.extend(
                a.attributes
                    .iter()
                    .filter_map(|x| x.name.as_ref().map(|n| n.as_str())),
            );
        }
        // A request or logout message names the SP as issuer; its Destination is the IdP.
        SamlMessage::AuthnRequest(r) => {
            identifiers.extend(r.destination.as_ref().map(|d| d.as_str()))
        }
        SamlMessage::LogoutRequest(r) => {
            identifiers.extend(r.issuer.as_ref().map(|i| i.value.as_str()));
            identifiers.extend(r.destination.as_ref().map(|d| d.as_str()));
        }
        SamlMessage::LogoutResponse(r) => {
            identifiers.extend(r.issuer.as_ref().map(|i| i.value.as_str()));
        }
        SamlMessage::Other { .. } => {}
    }
    if let Some(g) = identifiers.into_iter().find_map(from_identifier) {
        return Some(g);
    }
    claim_names
        .into_iter()
        .find(|n| {
            n.starts_with("http://schemas.microsoft.com/identity/claims/")
                || n.starts_with("http://schemas.microsoft.com/ws/2008/06/identity/claims/")
        })
        .map(|n| Guess {
            vendor: Vendor::Entra,
            reason: format!("the attribute name {n:?} is an Entra ID claim URI"),
        })
}

fn collect_entity<'a>(e: &'a super::view::EntityDescriptor, out: &mut Vec<&'a str>) {
    out.extend(e.entity_id.as_ref().map(|v| v.as_str()));
    if let Some(idp) = &e.idp {
        for s in &idp.single_sign_on_services {
            out.extend(s.location.as_ref().map(|l| l.as_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_vendor() {
        let cases = [
            ("http://www.okta.com/exk8f3k2nqTXz1ABC5d7", Vendor::Okta),
            (
                "https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/",
                Vendor::Entra,
            ),
            (
                "https://accounts.google.com/o/saml2?idpid=C03xk8v2q",
                Vendor::Google,
            ),
            ("http://adfs.example.com/adfs/services/trust", Vendor::Adfs),
            (
                "https://app.onelogin.com/saml/metadata/123",
                Vendor::Onelogin,
            ),
            ("https://auth.pingone.com/abc", Vendor::Ping),
            ("https://kc.example.com/realms/acme", Vendor::Keycloak),
        ];
        for (id, vendor) in cases {
            assert_eq!(from_identifier(id).map(|g| g.vendor), Some(vendor), "{id}");
        }
        assert_eq!(from_identifier("https://idp.example.com/saml"), None);
    }
}
