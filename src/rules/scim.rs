//! `scim.*` rules: SCIM 2.0 payload checks (`ssolint check user.json`), declared once.

use super::{Control, Rule, Severity, Vendor};

pub static SCHEMA_MISSING: Rule = Rule {
    id: "scim.schema-missing",
    severity: Severity::Error,
    summary: "A SCIM resource has no `schemas`",
    why: "RFC 7643 §3 requires every resource to list its schema URNs; service providers use them to decide which attributes exist. Without them a User or Group is rejected or read with the wrong schema.",
    fix: "Send `schemas` with `urn:ietf:params:scim:schemas:core:2.0:User` (or `...:Group`), plus the URN of every extension used.",
    profile: Some("L2"),
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §3",
    ..Rule::BLANK
};

pub static USERNAME_MISSING: Rule = Rule {
    id: "scim.username-missing",
    severity: Severity::Error,
    summary: "The User has no userName",
    why: "userName is required (RFC 7643 §4.1.1) and is what the workspace uses as the login e-mail.",
    fix: "Map the user's e-mail to userName in the IdP's SCIM attribute mappings.",
    vendor_fixes: &[
        (Vendor::Okta, "Application → Provisioning → To App → Attribute mappings: userName = user.email."),
        (Vendor::Entra, "Enterprise application → Provisioning → Attribute mappings: userName = userPrincipalName or mail (the e-mail the user logs in with)."),
        (Vendor::Onelogin, "Provisioning → Parameters: map SCIM Username to Email."),
    ],
    profile: Some("L2"),
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §4.1.1",
};

pub static USERNAME_NOT_EMAIL: Rule = Rule {
    id: "scim.username-not-email",
    severity: Severity::Error,
    summary: "userName is not an e-mail address",
    why: "The workspace identifies SCIM-provisioned users by e-mail and matches them with the SSO login's e-mail (seed 004). A userName such as `bjensen` or an object id cannot be matched.",
    fix: "Map the user's e-mail address to userName.",
    vendor_fixes: &[
        (Vendor::Okta, "Provisioning → To App → Attribute mappings: userName = user.email (not user.login when logins are not e-mails)."),
        (Vendor::Entra, "Provisioning → Attribute mappings: userName = mail or a userPrincipalName that is the user's e-mail."),
        (Vendor::Google, "Use the user's primary e-mail as userName."),
    ],
    profile: Some("L2"),
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "seed 004 (SCIM provisioning); RFC 7643 §4.1.1",
};

pub static EMAILS_NO_PRIMARY: Rule = Rule {
    id: "scim.emails-no-primary",
    severity: Severity::Warning,
    summary: "Several e-mails and none is primary",
    why: "With several addresses and no `primary: true`, the service provider guesses which one is the user's e-mail; a guess that differs from the SSO login's e-mail gives the user a second account or none.",
    fix: "Mark the work e-mail `primary: true` in the IdP's SCIM mapping.",
    vendor_fixes: &[
        (Vendor::Entra, "Map emails[type eq \"work\"].value from mail; Entra marks it primary."),
    ],
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §2.4 (primary), §4.1.2",
    ..Rule::BLANK
};

pub static EMAILS_MULTIPLE_PRIMARY: Rule = Rule {
    id: "scim.emails-multiple-primary",
    severity: Severity::Error,
    summary: "More than one e-mail is marked primary",
    why: "RFC 7643 §2.4: the primary attribute is true for at most one value. With several, which one becomes the login e-mail is up to the service provider.",
    fix: "Mark exactly one e-mail `primary: true`.",
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §2.4",
    ..Rule::BLANK
};

pub static USERNAME_EMAIL_MISMATCH: Rule = Rule {
    id: "scim.username-email-mismatch",
    severity: Severity::Error,
    summary: "userName and the primary e-mail differ",
    why: "The invitation goes to one address and the SSO login arrives with the other: the user gets a second account, or SSO refuses to create one (`sso_mismatch_user_creation`, seed 004).",
    fix: "Map userName and the primary e-mail from the same directory attribute.",
    vendor_fixes: &[
        (Vendor::Okta, "Attribute mappings: userName = user.email and emails[primary].value = user.email."),
        (Vendor::Entra, "Map userName and emails[type eq \"work\"].value from the same attribute (mail, or userPrincipalName when it is the e-mail)."),
    ],
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "seed 004 (SCIM provisioning, Authentication)",
    ..Rule::BLANK
};

pub static GROUPS_READONLY: Rule = Rule {
    id: "scim.groups-readonly",
    severity: Severity::Error,
    summary: "A User request sets `groups`, which is read-only",
    why: "`groups` on a User is read-only (RFC 7643 §4.1.2): service providers ignore it, so the membership the IdP meant to set never happens. Fires on a User body without `meta` (a request the IdP sends); a server's representation, which carries `meta`, lists groups legitimately.",
    fix: "Change membership on the Group: PATCH /Groups/{id} with an `add`/`remove` of `members`.",
    vendor_fixes: &[
        (Vendor::Okta, "Use Push Groups (Application → Push Groups) rather than a groups attribute on the user."),
        (Vendor::Entra, "Assign the groups to the enterprise application; Entra provisions memberships through /Groups."),
    ],
    profile: Some("L2"),
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §4.1.2 (groups: readOnly); RFC 7644 §3.5.2",
};

pub static ACTIVE_NOT_BOOLEAN: Rule = Rule {
    id: "scim.active-not-boolean",
    severity: Severity::Error,
    summary: "`active` is not a JSON boolean",
    why: "`active` is a boolean (RFC 7643 §4.1.1). A string such as \"False\" (sent by some IdPs in PATCH bodies) is rejected by strict service providers and read as true by lenient ones, so a disabled user stays active.",
    fix: "Send `active: true` / `active: false` without quotes.",
    vendor_fixes: &[
        (Vendor::Entra, "Entra's SCIM client sends strings for booleans in PATCH unless the app uses the aadOptscim062020 feature flag (append ?aadOptscim062020 to the tenant URL)."),
    ],
    profile: Some("L2"),
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §2.3.2, §4.1.1",
};

pub static ENTERPRISE_EXTENSION_UNDECLARED: Rule = Rule {
    id: "scim.enterprise-extension-undeclared",
    severity: Severity::Error,
    summary: "Enterprise extension attributes are used but its URN is not in `schemas`",
    why: "A resource must list every schema URN it uses (RFC 7643 §3). Attributes under `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` without that URN in `schemas` are ignored or rejected, so department, manager or employee number never arrive.",
    fix: "Add `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` to `schemas`.",
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "RFC 7643 §3, §4.3",
    ..Rule::BLANK
};

pub static USER_DOMAIN_UNVERIFIED: Rule = Rule {
    id: "scim.user-domain-unverified",
    severity: Severity::Warning,
    summary: "The user's e-mail domain is not a verified workspace domain",
    why: "SCIM users on unverified domains are provisioned but never get SSO, and keep password or social login (seed 004). Only checked with a configuration: without one no domain is known to be verified.",
    fix: "Verify the domain in the workspace and list it in `[workspace] verified_domains`, or stop syncing users of that domain.",
    profile: Some("L2"),
    controls: &[Control::guide("1.3"), Control::nist("AC-2"), Control::cis("5.3"), Control::soc2("CC6.2")],
    source: "seed 004 (Domain verification, SCIM provisioning)",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &SCHEMA_MISSING,
    &USERNAME_MISSING,
    &USERNAME_NOT_EMAIL,
    &EMAILS_NO_PRIMARY,
    &EMAILS_MULTIPLE_PRIMARY,
    &USERNAME_EMAIL_MISMATCH,
    &GROUPS_READONLY,
    &ACTIVE_NOT_BOOLEAN,
    &ENTERPRISE_EXTENSION_UNDECLARED,
    &USER_DOMAIN_UNVERIFIED,
];
