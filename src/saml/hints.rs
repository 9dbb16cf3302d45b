//! Fix texts that depend on a finding's values, in each IdP's own words and screens. The
//! static per-IdP texts live in the rules' `vendor_fixes`; these name the value to type.

use crate::rules::Vendor;

/// Where the SP entity id (the audience) is set, per IdP.
fn audience_field(v: Option<Vendor>) -> &'static str {
    match v {
        Some(Vendor::Okta) => "Okta Admin Console → Applications → the app → General → SAML Settings → Edit: set 'Audience URI (SP Entity ID)'",
        Some(Vendor::Entra) => "Entra admin center → Enterprise applications → the app → Single sign-on → Basic SAML Configuration → Edit: set 'Identifier (Entity ID)' (and mark it Default)",
        Some(Vendor::Google) => "Admin console → Apps → Web and mobile apps → the app → Service provider details: set 'Entity ID'",
        Some(Vendor::Adfs) => "AD FS Management → Relying Party Trusts → the trust → Properties → Identifiers: set the relying party identifier",
        Some(Vendor::Onelogin) => "OneLogin Administration → Applications → the app → Configuration: set 'Audience (EntityID)'",
        Some(Vendor::Ping) => "PingFederate → SP Connections → the connection → General Info: set 'Partner's Entity ID (Connection ID)'",
        Some(Vendor::Keycloak) => "Keycloak admin console → Clients → the client → Settings: set 'Client ID' (the SAML entity id)",
        Some(Vendor::Other) | None => "In the IdP's application settings for this SP, set the SP entity id (audience)",
    }
}

/// Where the ACS URL is set, per IdP.
fn acs_field(v: Option<Vendor>) -> &'static str {
    match v {
        Some(Vendor::Okta) => "Okta Admin Console → Applications → the app → General → SAML Settings → Edit: set 'Single sign-on URL'",
        Some(Vendor::Entra) => "Entra admin center → Enterprise applications → the app → Single sign-on → Basic SAML Configuration → Edit: set 'Reply URL (Assertion Consumer Service URL)' (and mark it Default)",
        Some(Vendor::Google) => "Admin console → Apps → Web and mobile apps → the app → Service provider details: set 'ACS URL'",
        Some(Vendor::Adfs) => "AD FS Management → Relying Party Trusts → the trust → Properties → Endpoints: set the SAML Assertion Consumer endpoint (POST binding)",
        Some(Vendor::Onelogin) => "OneLogin Administration → Applications → the app → Configuration: set 'ACS (Consumer) URL'",
        Some(Vendor::Ping) => "PingFederate → SP Connections → the connection → Protocol Settings → Assertion Consumer Service URL: set the endpoint",
        Some(Vendor::Keycloak) => "Keycloak admin console → Clients → the client → Advanced → Fine Grain SAML Endpoint Configuration: set 'Assertion Consumer Service POST Binding URL'",
        Some(Vendor::Other) | None => "In the IdP's application settings for this SP, set the ACS URL (single sign-on / reply URL)",
    }
}

/// Where the IdP's entity id (the Issuer) shows, per IdP.
fn issuer_field(v: Option<Vendor>) -> &'static str {
    match v {
        Some(Vendor::Okta) => "In Okta, the issuer is 'Identity Provider Issuer' under Applications → the app → Sign On → View SAML setup instructions",
        Some(Vendor::Entra) => "In Entra ID, the issuer is 'Microsoft Entra Identifier' under Enterprise applications → the app → Single sign-on → Set up (it names the tenant)",
        Some(Vendor::Google) => "In Google Workspace, the issuer is 'Entity ID' under Apps → Web and mobile apps → the app → Google Identity Provider details",
        Some(Vendor::Adfs) => "In AD FS, the issuer is the Federation Service Identifier (Service → Edit Federation Service Properties)",
        Some(Vendor::Onelogin) => "In OneLogin, the issuer is 'Issuer URL' under Applications → the app → SSO",
        Some(Vendor::Ping) => "In PingFederate, the issuer is the SAML 2.0 Entity ID under System → Protocol Settings → Federation Info",
        Some(Vendor::Keycloak) => "In Keycloak, the issuer is https://<host>/realms/<realm>",
        Some(Vendor::Other) | None => "The issuer is the entity id in the IdP's metadata",
    }
}

/// Where an attribute is added or renamed, per IdP.
fn attribute_field(v: Option<Vendor>) -> &'static str {
    match v {
        Some(Vendor::Okta) => "Okta Admin Console → Applications → the app → General → SAML Settings → Edit → Attribute Statements",
        Some(Vendor::Entra) => "Entra admin center → Enterprise applications → the app → Single sign-on → Attributes & Claims (clear the Namespace so the name is used as is)",
        Some(Vendor::Google) => "Admin console → Apps → Web and mobile apps → the app → SAML attribute mapping",
        Some(Vendor::Adfs) => "AD FS Management → Relying Party Trusts → the trust → Edit Claim Issuance Policy (Outgoing Claim Type)",
        Some(Vendor::Onelogin) => "OneLogin Administration → Applications → the app → Parameters ('Include in SAML assertion')",
        Some(Vendor::Ping) => "PingFederate → SP Connections → the connection → Attribute Contract",
        Some(Vendor::Keycloak) => "Keycloak admin console → Clients → the client → Client scopes → dedicated scope → Add mapper (SAML Attribute Name)",
        Some(Vendor::Other) | None => "In the IdP's attribute (claim) settings for this application",
    }
}

/// The user-profile source a workspace field is usually mapped from, per IdP.
pub fn attribute_source(v: Option<Vendor>, field: &str) -> &'static str {
    match (v, field) {
        (Some(Vendor::Okta), "email") => "user.email",
        (Some(Vendor::Okta), "given_name") => "user.firstName",
        (Some(Vendor::Okta), "family_name") => "user.lastName",
        (Some(Vendor::Entra), "email") => "user.mail",
        (Some(Vendor::Entra), "given_name") => "user.givenname",
        (Some(Vendor::Entra), "family_name") => "user.surname",
        (Some(Vendor::Google), "email") => "Basic Information > Primary email",
        (Some(Vendor::Google), "given_name") => "Basic Information > First name",
        (Some(Vendor::Google), "family_name") => "Basic Information > Last name",
        (Some(Vendor::Adfs), "email") => "the LDAP attribute E-Mail-Addresses",
        (Some(Vendor::Adfs), "given_name") => "the LDAP attribute Given-Name",
        (Some(Vendor::Adfs), "family_name") => "the LDAP attribute Surname",
        (Some(Vendor::Keycloak), "email") => "the user property email",
        (Some(Vendor::Keycloak), "given_name") => "the user property firstName",
        (Some(Vendor::Keycloak), "family_name") => "the user property lastName",
        (_, "email") => "the user's primary e-mail",
        (_, "given_name") => "the user's first name",
        (_, "family_name") => "the user's last name",
        (_, "groups") => "the user's group memberships",
        _ => "the matching user field",
    }
}

pub fn audience(v: Option<Vendor>, expected: &str, found: Option<&str>) -> String {
    match found {
        Some(f) => format!("{} to {expected} (it is {f} now).", audience_field(v)),
        None => format!("{} to {expected}.", audience_field(v)),
    }
}

pub fn acs_url(v: Option<Vendor>, expected: &str, found: &str) -> String {
    format!("{} to {expected} (it is {found} now).", acs_field(v))
}

pub fn idp_entity_id(v: Option<Vendor>, expected: &str, found: &str) -> String {
    format!(
        "{}. If the message is from the right IdP, set the SP's IdP entity id (`[saml.idp] entity_id`, or the metadata) to {found}; otherwise the login went to the wrong IdP application or tenant (the SP expects {expected}).",
        issuer_field(v)
    )
}

/// Add an attribute the SP reads under `name`.
pub fn add_attribute(v: Option<Vendor>, field: &str, name: &str) -> String {
    format!(
        "{}: add an attribute named exactly {name:?} with the value {}.",
        attribute_field(v),
        attribute_source(v, field)
    )
}

/// Rename an attribute sent as `found` to `name`.
pub fn rename_attribute(v: Option<Vendor>, name: &str, found: &str) -> String {
    format!(
        "{}: rename the attribute {found:?} to {name:?} (or set `[saml.attributes]` to {found:?} if that is the name the IdP sends).",
        attribute_field(v)
    )
}

/// Where group memberships are assigned to the application, per IdP.
fn group_assignment(v: Option<Vendor>) -> &'static str {
    match v {
        Some(Vendor::Okta) => "Okta Admin Console → Directory → Groups (membership) and Applications → the app → Assignments",
        Some(Vendor::Entra) => "Entra admin center → Groups (membership) and Enterprise applications → the app → Users and groups",
        Some(Vendor::Google) => "Admin console → Directory → Groups",
        Some(Vendor::Adfs) => "Active Directory Users and Computers (group membership)",
        Some(Vendor::Onelogin) => "OneLogin Administration → Users → Groups / Roles",
        Some(Vendor::Ping) => "the directory PingFederate reads memberOf from",
        Some(Vendor::Keycloak) => "Keycloak admin console → Groups",
        Some(Vendor::Other) | None => "the IdP's group administration",
    }
}

/// None of the user's groups is mapped: add the user to a mapped group, or map the group the
/// IdP sends when it is a misspelling of a mapped one.
pub fn groups_no_match(v: Option<Vendor>, sent: &[String], nearest: &[&str]) -> String {
    match (nearest.first(), sent.first()) {
        (Some(near), Some(_)) => format!(
            "If one of {} is meant to be {near:?}, rename it at the IdP or write the name the IdP sends in `[saml.groups]`; otherwise add the user to {near:?} in {}.",
            sent.iter().map(|g| format!("{g:?}")).collect::<Vec<_>>().join(", "),
            group_assignment(v)
        ),
        _ => format!(
            "Add the user to a mapped group in {}, or map one of the groups the IdP sends in `[saml.groups]`.",
            group_assignment(v)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_use_each_idps_words() {
        let e = "https://sp.example.test/saml/metadata";
        assert!(audience(Some(Vendor::Okta), e, Some("x")).contains("Audience URI (SP Entity ID)"));
        assert!(audience(Some(Vendor::Entra), e, None).contains("Identifier (Entity ID)"));
        assert!(audience(Some(Vendor::Google), e, None).contains("Service provider details"));
        assert!(acs_url(Some(Vendor::Entra), e, "x").contains("Reply URL"));
        assert!(acs_url(Some(Vendor::Okta), e, "x").contains("Single sign-on URL"));
        assert!(acs_url(None, e, "x").contains("ACS URL"));
        assert!(
            add_attribute(Some(Vendor::Entra), "given_name", "firstName")
                .contains("user.givenname")
        );
    }
}
