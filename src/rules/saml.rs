//! `saml.*` rules for SAML responses other than signatures (those are in `saml_signature.rs`):
//! structure and status, who and where, time, identity and attributes, groups, MFA evidence.
//! Fix texts that depend on a finding's values (the expected entity id, the attribute name)
//! are built in `saml::hints`; the per-IdP screens that do not are here.

use super::{Control, Rule, Severity, Vendor};

const WHO_CONTROLS: &[Control] = &[
    Control::nist("IA-2"),
    Control::nist("IA-8"),
    Control::nist("SC-23"),
    Control::soc2("CC6.1"),
];
const TIME_CONTROLS: &[Control] = &[
    Control::nist("SC-23"),
    Control::nist("AU-8"),
    Control::cis("8.4"),
    Control::soc2("CC6.1"),
];
const IDENTITY_CONTROLS: &[Control] = &[
    Control::guide("1.1"),
    Control::nist("IA-2"),
    Control::nist("AC-2"),
    Control::soc2("CC6.2"),
];
const GROUP_CONTROLS: &[Control] = &[
    Control::guide("1.3"),
    Control::nist("AC-2"),
    Control::nist("AC-6"),
    Control::cis("6.8"),
    Control::soc2("CC6.3"),
];
const MFA_CONTROLS: &[Control] = &[
    Control::guide("1.2"),
    Control::nist("IA-2(1)"),
    Control::nist("IA-2(2)"),
    Control::cis("6.5"),
    Control::soc2("CC6.1"),
];

const STATUS_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta Admin Console → Applications → the app → Assignments: assign the user (or a group they are in); Reports → System Log shows why the login was refused."),
    (Vendor::Entra, "Entra admin center → Enterprise applications → the app → Users and groups: assign the user; Sign-in logs show the AADSTS error behind the status."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → User access: turn the app ON for the user's organisational unit or group."),
    (Vendor::Adfs, "AD FS Management → Relying Party Trusts → the trust → Edit Access Control Policy; the AD FS Admin event log names the refusal."),
    (Vendor::Onelogin, "OneLogin Administration → Users → the user → Applications: add the app; Activity → Events shows the refusal."),
    (Vendor::Ping, "PingFederate → SP Connections → the connection: check the authentication policy and the server log for the refusal."),
    (Vendor::Keycloak, "Keycloak admin console → Clients → the client: check client scopes and the user's role mappings; Events → Login events shows the error."),
];
const ISSUER_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta: the Issuer is the 'Identity Provider Issuer' under Applications → the app → Sign On → View SAML setup instructions; copy it to the SP's IdP entity id."),
    (Vendor::Entra, "Entra ID: the Issuer is the 'Microsoft Entra Identifier' (https://sts.windows.net/<tenant id>/) under Enterprise applications → the app → Single sign-on → Set up; it changes with the tenant."),
    (Vendor::Google, "Google Workspace: the Issuer is the 'Entity ID' under Admin console → Apps → Web and mobile apps → the app → Google Identity Provider details."),
    (Vendor::Adfs, "AD FS: the Issuer is the Federation Service Identifier (AD FS Management → Service → Edit Federation Service Properties)."),
    (Vendor::Onelogin, "OneLogin: the Issuer is the 'Issuer URL' under Applications → the app → SSO."),
    (Vendor::Ping, "PingFederate: the Issuer is the SAML 2.0 Entity ID under System → Protocol Settings → Federation Info."),
    (Vendor::Keycloak, "Keycloak: the Issuer is https://<host>/realms/<realm>; check the realm name."),
];
const ACS_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta Admin Console → Applications → the app → General → SAML Settings → Edit: 'Single sign-on URL' must be the SP's ACS URL."),
    (Vendor::Entra, "Entra admin center → Enterprise applications → the app → Single sign-on → Basic SAML Configuration: 'Reply URL (Assertion Consumer Service URL)' must be the SP's ACS URL (mark it Default)."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → Service provider details: 'ACS URL' must be the SP's ACS URL."),
    (Vendor::Adfs, "AD FS Management → Relying Party Trusts → the trust → Properties → Endpoints: the SAML Assertion Consumer endpoint must be the SP's ACS URL."),
    (Vendor::Onelogin, "OneLogin → Applications → the app → Configuration: 'ACS (Consumer) URL' must be the SP's ACS URL."),
    (Vendor::Ping, "PingFederate → SP Connections → the connection → Protocol Settings → Assertion Consumer Service URL."),
    (Vendor::Keycloak, "Keycloak → Clients → the client → Advanced → Fine Grain SAML Endpoint Configuration: 'Assertion Consumer Service POST Binding URL'."),
];
const AUDIENCE_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta Admin Console → Applications → the app → General → SAML Settings → Edit: 'Audience URI (SP Entity ID)' must be the SP entity id."),
    (Vendor::Entra, "Entra admin center → Enterprise applications → the app → Single sign-on → Basic SAML Configuration: 'Identifier (Entity ID)' must be the SP entity id (mark it Default)."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → Service provider details: 'Entity ID' must be the SP entity id."),
    (Vendor::Adfs, "AD FS Management → Relying Party Trusts → the trust → Properties → Identifiers: the relying party identifier must be the SP entity id."),
    (Vendor::Onelogin, "OneLogin → Applications → the app → Configuration: 'Audience (EntityID)' must be the SP entity id."),
    (Vendor::Ping, "PingFederate → SP Connections → the connection → General Info: 'Partner's Entity ID (Connection ID)' must be the SP entity id."),
    (Vendor::Keycloak, "Keycloak → Clients → the client → Settings: 'Client ID' (the SAML entity id) must be the SP entity id."),
];
const CLOCK_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Adfs, "AD FS: synchronise the AD FS servers' clock (w32tm /resync); Set-AdfsRelyingPartyTrust -TargetName <name> -NotBeforeSkew <minutes> widens the window the IdP writes."),
    (Vendor::Keycloak, "Keycloak: synchronise the host clock (NTP); Clients → the client → Advanced → Assertion Lifespan sets the validity window."),
];
const WINDOW_FIXES: &[(Vendor, &str)] = &[
    (
        Vendor::Adfs,
        "AD FS: Set-AdfsRelyingPartyTrust -TargetName <name> -TokenLifetime <minutes>.",
    ),
    (
        Vendor::Keycloak,
        "Keycloak → Clients → the client → Advanced → Assertion Lifespan.",
    ),
    (
        Vendor::Ping,
        "PingFederate → SP Connections → the connection → Assertion Creation → Assertion Lifetime.",
    ),
];
const NAMEID_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta → Applications → the app → General → SAML Settings → Edit: 'Name ID format' EmailAddress and 'Application username' Email."),
    (Vendor::Entra, "Entra → Enterprise applications → the app → Single sign-on → Attributes & Claims → Unique User Identifier (Name ID): format Email address, source attribute user.mail (or user.userprincipalname when it is the e-mail)."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → Service provider details: 'Name ID format' EMAIL and 'Name ID' Basic Information > Primary email."),
    (Vendor::Adfs, "AD FS → the relying party trust → Edit Claim Issuance Policy: a 'Transform an Incoming Claim' rule from E-Mail Address to Name ID, format Email."),
    (Vendor::Onelogin, "OneLogin → Applications → the app → Parameters: 'NameID value' Email; SSO tab: SAML nameID format Email."),
    (Vendor::Ping, "PingFederate → the SP connection → Attribute Contract: map SAML_SUBJECT from mail, format emailAddress."),
    (Vendor::Keycloak, "Keycloak → Clients → the client → Settings: 'Name ID format' email (and 'Force name ID format' on)."),
];
const EMAIL_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta → Applications → the app → General → SAML Settings: Application username = Email; attribute statement email = user.email."),
    (Vendor::Entra, "Entra → the app → Single sign-on → Attributes & Claims: Unique User Identifier = user.mail (a UPN that is not the mail address causes mismatches); add an email claim from user.mail."),
    (Vendor::Google, "Google Admin console → the app → SAML attribute mapping: map Primary email; Name ID = Primary email."),
    (Vendor::Adfs, "AD FS claim rules: send E-Mail-Addresses from Active Directory, and transform it to the Name ID."),
    (Vendor::Onelogin, "OneLogin → the app → Parameters: NameID value Email; add an email parameter."),
    (Vendor::Ping, "PingFederate → the SP connection → Attribute Contract Fulfillment: map SAML_SUBJECT and email from mail."),
    (Vendor::Keycloak, "Keycloak → Clients → the client → Client scopes → dedicated scope → Add mapper 'User Property' email."),
];
const ATTRIBUTE_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta → Applications → the app → General → SAML Settings → Edit → Attribute Statements: Name = the configured attribute name, Value = user.email / user.firstName / user.lastName."),
    (Vendor::Entra, "Entra → the app → Single sign-on → Attributes & Claims → Add new claim: Name = the configured attribute name, no Namespace (Entra adds http://schemas.xmlsoap.org/ws/2005/05/identity/claims/ by default), Source attribute user.mail / user.givenname / user.surname."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → SAML attribute mapping: Google Directory attribute (Primary email, First name, Last name) → App attribute = the configured name."),
    (Vendor::Adfs, "AD FS → the relying party trust → Edit Claim Issuance Policy → 'Send LDAP Attributes as Claims': Outgoing Claim Type = the configured attribute name typed in."),
    (Vendor::Onelogin, "OneLogin → Applications → the app → Parameters → Add parameter: Field name = the configured attribute name, 'Include in SAML assertion' checked."),
    (Vendor::Ping, "PingFederate → the SP connection → Attribute Contract: add the attribute under the configured name and fulfil it from the directory."),
    (Vendor::Keycloak, "Keycloak → Clients → the client → Client scopes → dedicated scope → Add mapper (User Property / User Attribute): SAML Attribute Name = the configured name."),
];
const GROUPS_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta → Applications → the app → General → SAML Settings → Edit → Group Attribute Statements: Name = the configured groups attribute, Filter e.g. 'Starts with ChatGPT'."),
    (Vendor::Entra, "Entra → the app → Single sign-on → Attributes & Claims → Add a group claim: 'Groups assigned to the application', Source attribute 'Cloud-only group display names' (or sAMAccountName), and customise the claim name to the configured one."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → the app → SAML attribute mapping → Group membership: pick the groups and set App attribute to the configured groups name."),
    (Vendor::Adfs, "AD FS claim rules: 'Send Group Membership as a Claim' or an LDAP rule sending Token-Groups - Unqualified Names as the configured groups claim."),
    (Vendor::Onelogin, "OneLogin → the app → Parameters: add a groups parameter (User Roles or MemberOf), 'Include in SAML assertion' and multi-value."),
    (Vendor::Ping, "PingFederate → the SP connection → Attribute Contract: add the groups attribute fulfilled from memberOf."),
    (Vendor::Keycloak, "Keycloak → Clients → the client → Client scopes → dedicated scope → Add mapper 'Group list': Group attribute name = the configured name, Full group path off."),
];
const MFA_FIXES: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Okta → Applications → the app → Sign On → User authentication: an authentication policy requiring 'Password + Another factor'."),
    (Vendor::Entra, "Entra → Protection → Conditional Access → New policy: target the app, Grant → Require multifactor authentication; Entra then reports it in authnmethodsreferences."),
    (Vendor::Google, "Admin console → Security → Authentication → 2-step verification: enforce it for the users' organisational unit."),
    (Vendor::Adfs, "AD FS → the relying party trust → Access Control Policy 'Permit everyone and require MFA'."),
    (Vendor::Onelogin, "OneLogin → Security → Policies → the user policy: MFA required for the app."),
    (Vendor::Ping, "PingFederate → Authentication Policies: add an MFA adapter (PingID) to the policy for this connection."),
    (Vendor::Keycloak, "Keycloak → Authentication → the browser flow: make OTP or WebAuthn Required; request the context with 'Authentication Context Class Ref' mapping."),
];

pub static NOT_A_RESPONSE: Rule = Rule {
    id: "saml.not-a-response",
    severity: Severity::Error,
    summary: "The input is a SAML message, but not a Response or Assertion",
    why: "`check` validates what the IdP sends back after a login. An AuthnRequest (what the SP sends to the IdP), a logout message or metadata is a different document; checking it as a login would be meaningless.",
    fix: "Capture the SAMLResponse the IdP posts to the ACS URL (the POST to the SP after login, in a HAR capture), or use `ssolint decode` to read this message.",
    source: "SAML 2.0 core §3.2, §3.4, §3.7; SAML 2.0 metadata §2",
    ..Rule::BLANK
};

pub static STATUS_NOT_SUCCESS: Rule = Rule {
    id: "saml.status-not-success",
    severity: Severity::Error,
    summary: "The IdP answered with a failure status, not Success",
    why: "A Response whose top-level StatusCode is not `Success` carries no usable assertion; the second-level code and StatusMessage say why the IdP refused (the user is not assigned, the NameID policy cannot be met, passive login was impossible…).",
    fix: "Read the second-level status and message; fix the cause at the IdP (assignment, NameID format, authentication context) rather than at the SP.",
    vendor_fixes: STATUS_FIXES,
    source: "SAML 2.0 core §3.2.2.2 (StatusCode)",
    ..Rule::BLANK
};

pub static VERSION: Rule = Rule {
    id: "saml.version",
    severity: Severity::Error,
    summary: "The message is not SAML 2.0 (Version is missing or not \"2.0\")",
    why: "Only SAML 2.0 is accepted; a missing Version or `1.1` means the IdP application is configured for another protocol version.",
    fix: "Configure the IdP application for SAML 2.0.",
    source: "SAML 2.0 core §3.2.2, §2.3.3",
    ..Rule::BLANK
};

pub static ASSERTION_MISSING: Rule = Rule {
    id: "saml.assertion-missing",
    severity: Severity::Error,
    summary: "A successful Response carries no Assertion",
    why: "Without an assertion there is no user to log in. A Success status with no assertion (and no EncryptedAssertion) is an IdP bug or a truncated capture.",
    fix: "Capture the response again in full; check the IdP application is a SAML 2.0 application that issues assertions.",
    source: "SAML 2.0 profiles §4.1.4.2",
    ..Rule::BLANK
};

pub static ISSUER_MISMATCH: Rule = Rule {
    id: "saml.issuer-mismatch",
    severity: Severity::Error,
    summary: "The Issuer is not the IdP entity id the SP trusts (or Response and Assertion disagree)",
    why: "The SP looks up the IdP by Issuer; a different value means the response comes from another IdP application or tenant, and the SP will refuse it.",
    fix: "Set the SP's IdP entity id to the IdP's Issuer (from the IdP metadata), or pick the right IdP application.",
    vendor_fixes: ISSUER_FIXES,
    controls: WHO_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2 (Issuer); SAML 2.0 core §2.2.5",
    ..Rule::BLANK
};

pub static DESTINATION_MISMATCH: Rule = Rule {
    id: "saml.destination-mismatch",
    severity: Severity::Error,
    summary: "The Response Destination is not the SP's ACS URL",
    why: "A signed Destination tells the SP which endpoint the response was meant for; a mismatch means the IdP posts to another URL (a wrong Single sign-on URL / Reply URL) and the SP rejects it.",
    fix: "Set the ACS URL in the IdP application to exactly the SP's ACS URL.",
    vendor_fixes: ACS_FIXES,
    controls: WHO_CONTROLS,
    source: "SAML 2.0 core §3.2.2 (Destination); SAML 2.0 bindings §3.5.5.2",
    ..Rule::BLANK
};

pub static RECIPIENT_MISMATCH: Rule = Rule {
    id: "saml.recipient-mismatch",
    severity: Severity::Error,
    summary: "SubjectConfirmationData Recipient is not the SP's ACS URL",
    why: "The bearer confirmation's Recipient must be the URL the assertion is delivered to; otherwise an assertion meant for one SP could be replayed at another.",
    fix: "Set the ACS URL in the IdP application to exactly the SP's ACS URL.",
    vendor_fixes: ACS_FIXES,
    controls: WHO_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2 (Recipient)",
    ..Rule::BLANK
};

pub static AUDIENCE_MISMATCH: Rule = Rule {
    id: "saml.audience-mismatch",
    severity: Severity::Error,
    summary: "No Audience names the SP entity id",
    why: "The Audience restriction says which SP the assertion is for. If it does not name this SP's entity id exactly, the SP must reject the assertion; the usual cause is a near miss (a trailing slash, http vs https, case, an `spn:` prefix, or the ACS URL typed where the entity id belongs).",
    fix: "Set the audience / SP entity id in the IdP application to exactly the SP's entity id.",
    vendor_fixes: AUDIENCE_FIXES,
    controls: WHO_CONTROLS,
    source: "SAML 2.0 core §2.5.1.4 (AudienceRestriction); SAML 2.0 profiles §4.1.4.2",
    ..Rule::BLANK
};

pub static AUDIENCE_MISSING: Rule = Rule {
    id: "saml.audience-missing",
    severity: Severity::Error,
    summary: "The assertion has no AudienceRestriction",
    why: "The web-browser SSO profile requires an AudienceRestriction naming the SP; without one an assertion issued for any SP could be replayed here.",
    fix: "Set the audience / SP entity id in the IdP application.",
    vendor_fixes: AUDIENCE_FIXES,
    controls: WHO_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2",
    ..Rule::BLANK
};

pub static IN_RESPONSE_TO_MISMATCH: Rule = Rule {
    id: "saml.in-response-to-mismatch",
    severity: Severity::Error,
    summary: "InResponseTo does not name the AuthnRequest this login started with",
    why: "An SP-initiated login is answered with the ID of its AuthnRequest; a different ID means the response answers another request (a second tab, a stale session, a replay) and the SP refuses it.",
    fix: "Start the login again from the SP in a single tab; if it persists, check that nothing (a proxy, a load balancer without sticky sessions) loses the SP's request state.",
    controls: WHO_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.3 (InResponseTo)",
    ..Rule::BLANK
};

pub static UNSOLICITED: Rule = Rule {
    id: "saml.unsolicited",
    severity: Severity::Info,
    summary: "IdP-initiated response (no InResponseTo)",
    why: "The login was started from the IdP (a dashboard tile), not from the SP. Many SPs accept it; some refuse unsolicited responses, and such responses cannot be tied to a request.",
    fix: "If the SP refuses IdP-initiated logins, start the login from the SP's login page instead.",
    source: "SAML 2.0 profiles §4.1.5 (unsolicited responses)",
    ..Rule::BLANK
};

pub static SUBJECT_CONFIRMATION_METHOD: Rule = Rule {
    id: "saml.subject-confirmation-method",
    severity: Severity::Error,
    summary: "No SubjectConfirmation uses the bearer method",
    why: "The web-browser SSO profile requires a `urn:oasis:names:tc:SAML:2.0:cm:bearer` SubjectConfirmation; holder-of-key or sender-vouches are for other profiles and the SP will not accept them.",
    fix: "Configure the IdP application for web-browser SSO (bearer subject confirmation).",
    controls: WHO_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2",
    ..Rule::BLANK
};

pub static SUBJECT_CONFIRMATION_MISSING: Rule = Rule {
    id: "saml.subject-confirmation-missing",
    severity: Severity::Error,
    summary: "The Subject has no SubjectConfirmation (or no SubjectConfirmationData)",
    why: "Without a bearer SubjectConfirmation carrying Recipient and NotOnOrAfter the SP cannot tell where and until when the assertion may be used.",
    fix: "Configure the IdP application for web-browser SSO; the IdP should emit SubjectConfirmationData with Recipient and NotOnOrAfter.",
    controls: WHO_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2",
    ..Rule::BLANK
};

pub static RELAY_STATE_MISMATCH: Rule = Rule {
    id: "saml.relay-state-mismatch",
    severity: Severity::Warning,
    summary: "The Response does not carry back the RelayState of its AuthnRequest",
    why: "The SP sends RelayState with its AuthnRequest and the IdP must return it unchanged with the Response; SPs use it to find the login attempt and the page to return to. A lost or changed RelayState breaks SP-initiated logins (and some SPs refuse the response).",
    fix: "Do not set a default RelayState at the IdP for SP-initiated logins, and check that no proxy drops the parameter.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta → Applications → the app → General → SAML Settings: leave 'Default RelayState' empty for SP-initiated logins."),
        (Vendor::Entra, "Entra → the app → Single sign-on → Basic SAML Configuration: leave 'Relay State (Optional)' empty unless the SP documents one."),
        (Vendor::Google, "Admin console → the app → Service provider details: leave 'Start URL' empty for SP-initiated logins."),
    ],
    controls: WHO_CONTROLS,
    source: "SAML 2.0 bindings §3.5.3 (RelayState)",
    ..Rule::BLANK
};

pub static NOT_YET_VALID: Rule = Rule {
    id: "saml.not-yet-valid",
    severity: Severity::Error,
    summary: "The assertion is not valid yet (Conditions NotBefore is in the future)",
    why: "The assertion starts to be valid after the moment it was checked, beyond the allowed clock skew: the IdP's clock runs ahead of the SP's.",
    fix: "Synchronise the IdP's clock (NTP); as a stop-gap raise the allowed skew (`clock_skew`).",
    vendor_fixes: CLOCK_FIXES,
    controls: TIME_CONTROLS,
    source: "SAML 2.0 core §2.5.1.2 (NotBefore)",
    ..Rule::BLANK
};

pub static EXPIRED: Rule = Rule {
    id: "saml.expired",
    severity: Severity::Error,
    summary: "The assertion has expired (Conditions NotOnOrAfter has passed)",
    why: "The assertion's validity window ended before it was checked: a slow or replayed post, an old capture, or the SP's clock running ahead.",
    fix: "Log in again (a fresh assertion); check the SP's and IdP's clocks; for an old capture use `--now issue-instant`.",
    vendor_fixes: CLOCK_FIXES,
    controls: TIME_CONTROLS,
    source: "SAML 2.0 core §2.5.1.2 (NotOnOrAfter)",
    ..Rule::BLANK
};

pub static SUBJECT_CONFIRMATION_EXPIRED: Rule = Rule {
    id: "saml.subject-confirmation-expired",
    severity: Severity::Error,
    summary: "SubjectConfirmationData NotOnOrAfter has passed",
    why: "The bearer confirmation limits how long the assertion may be delivered; after it the SP must refuse it.",
    fix: "Log in again; check the clocks; for an old capture use `--now issue-instant`.",
    vendor_fixes: CLOCK_FIXES,
    controls: TIME_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2",
    ..Rule::BLANK
};

pub static ISSUE_INSTANT_FUTURE: Rule = Rule {
    id: "saml.issue-instant-future",
    severity: Severity::Error,
    summary: "IssueInstant is in the future (the IdP clock is ahead)",
    why: "A message issued after the moment it was checked, beyond the skew, is the signature of a clock difference between IdP and SP.",
    fix: "Synchronise the IdP's clock (NTP); as a stop-gap raise the allowed skew.",
    vendor_fixes: CLOCK_FIXES,
    controls: TIME_CONTROLS,
    source: "SAML 2.0 core §1.3.3, §3.2.2",
    ..Rule::BLANK
};

pub static ISSUE_INSTANT_STALE: Rule = Rule {
    id: "saml.issue-instant-stale",
    severity: Severity::Warning,
    summary: "IssueInstant is long past",
    why: "SPs refuse responses issued too long ago (commonly a few minutes); an old IssueInstant means a replayed or very slow post, or an old capture.",
    fix: "Log in again; for an old capture use `--now issue-instant`.",
    vendor_fixes: CLOCK_FIXES,
    controls: TIME_CONTROLS,
    source: "SAML 2.0 core §3.2.2; SAML 2.0 profiles §4.1.4.3 (replay)",
    ..Rule::BLANK
};

pub static SESSION_EXPIRED: Rule = Rule {
    id: "saml.session-expired",
    severity: Severity::Error,
    summary: "AuthnStatement SessionNotOnOrAfter has passed",
    why: "The IdP says the authenticated session it vouches for is already over; the SP must not start a session from it.",
    fix: "Log in again at the IdP; check the IdP's session lifetime settings.",
    controls: TIME_CONTROLS,
    source: "SAML 2.0 core §2.7.2 (SessionNotOnOrAfter)",
    ..Rule::BLANK
};

pub static VALIDITY_WINDOW_TOO_LONG: Rule = Rule {
    id: "saml.validity-window-too-long",
    severity: Severity::Warning,
    summary: "The assertion stays valid far longer than a login needs",
    why: "An assertion is delivered within seconds; a validity window of hours widens the replay window of a stolen assertion.",
    fix: "Shorten the assertion validity at the IdP (a few minutes is usual).",
    vendor_fixes: WINDOW_FIXES,
    controls: TIME_CONTROLS,
    source: "SAML 2.0 profiles §4.1.4.2; NIST SP 800-63C §5.3",
    ..Rule::BLANK
};

pub static NAMEID_FORMAT: Rule = Rule {
    id: "saml.nameid-format",
    severity: Severity::Warning,
    summary: "The NameID format is not the one the SP expects",
    why: "The workspace identifies users by e-mail. A persistent or transient NameID (an opaque id) cannot be matched to an invited e-mail, so the user gets a new account or none.",
    fix: "Set the NameID format to emailAddress (or the configured one) and the NameID value to the user's e-mail.",
    vendor_fixes: NAMEID_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "SAML 2.0 core §8.3 (NameID formats); seed 004 (Authentication)",
    ..Rule::BLANK
};

pub static NAMEID_MISSING: Rule = Rule {
    id: "saml.nameid-missing",
    severity: Severity::Error,
    summary: "The Subject has no NameID",
    why: "The NameID identifies the user; without it (and without a decryptable EncryptedID) there is nobody to log in.",
    fix: "Configure the NameID (Name ID / Unique User Identifier) in the IdP application.",
    vendor_fixes: NAMEID_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "SAML 2.0 core §2.4.1",
    ..Rule::BLANK
};

pub static EMAIL_MISSING: Rule = Rule {
    id: "saml.email-missing",
    severity: Severity::Error,
    summary: "Neither the NameID nor the e-mail attribute carries an e-mail address",
    why: "The workspace matches users by e-mail (seed 004); without one the login cannot be tied to an account.",
    fix: "Send the user's e-mail as the NameID (emailAddress format) and in the configured e-mail attribute.",
    vendor_fixes: EMAIL_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "seed 004 (Authentication)",
    ..Rule::BLANK
};

pub static EMAIL_MISMATCH: Rule = Rule {
    id: "saml.email-mismatch",
    severity: Severity::Error,
    summary: "The asserted e-mails disagree (NameID vs attribute, or vs the invited e-mail)",
    why: "When the e-mail the IdP asserts differs from the one the user was invited with, the workspace cannot match the existing account and fails with `sso_mismatch_user_creation` (seed 004).",
    fix: "Make the IdP send the e-mail the user was invited with (usually the primary mail, not a UPN or alias), or re-invite the user with the e-mail the IdP sends.",
    vendor_fixes: EMAIL_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "seed 004 (Authentication: sso_mismatch_user_creation)",
    ..Rule::BLANK
};

pub static EMAIL_DOMAIN_UNVERIFIED: Rule = Rule {
    id: "saml.email-domain-unverified",
    severity: Severity::Error,
    summary: "The user's e-mail domain is not a verified domain of the workspace",
    why: "SSO applies to users of the workspace's verified domains only (seed 004): a user on another domain is not logged in through SSO.",
    fix: "Verify the domain in the workspace (Identity & access → Domains), or send the user's e-mail on a verified domain.",
    controls: IDENTITY_CONTROLS,
    source: "seed 004 (Domain verification)",
    ..Rule::BLANK
};

pub static ATTRIBUTE_MISSING: Rule = Rule {
    id: "saml.attribute-missing",
    severity: Severity::Error,
    summary: "A required attribute is not in the assertion",
    why: "The workspace reads the user's e-mail, given and family name (and groups when mapped) from the attributes named in the configuration; a missing one leaves the account incomplete or the login refused.",
    fix: "Add the attribute to the IdP application's attribute statements with exactly the configured name.",
    vendor_fixes: ATTRIBUTE_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "seed 004 (SAML attributes); SAML 2.0 core §2.7.3",
    ..Rule::BLANK
};

pub static ATTRIBUTE_NAME_VARIANT: Rule = Rule {
    id: "saml.attribute-name-variant",
    severity: Severity::Error,
    summary: "A required attribute is present under a different name",
    why: "Attribute names are matched exactly. `Email`, `mail`, `emailaddress` claim URIs or `urn:oid:0.9.2342.19200300.100.1.3` are the same value under another name, which the SP will not read.",
    fix: "Rename the attribute in the IdP application to the configured name (or change the configured name to what the IdP sends).",
    vendor_fixes: ATTRIBUTE_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "SAML 2.0 core §2.7.3.1 (Attribute Name); seed 004",
    ..Rule::BLANK
};

pub static ATTRIBUTE_DUPLICATE: Rule = Rule {
    id: "saml.attribute-duplicate",
    severity: Severity::Warning,
    summary: "The same attribute appears more than once",
    why: "Two Attribute elements with one Name leave the SP to pick one; different SPs pick differently.",
    fix: "Remove the duplicate attribute statement in the IdP application.",
    vendor_fixes: ATTRIBUTE_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "SAML 2.0 core §2.7.3",
    ..Rule::BLANK
};

pub static ATTRIBUTE_EMPTY: Rule = Rule {
    id: "saml.attribute-empty",
    severity: Severity::Warning,
    summary: "A required attribute has no value (or only empty values)",
    why: "An attribute that is sent but empty usually means the IdP maps it from a user field that is blank for this user.",
    fix: "Fill the user's profile field at the IdP, or map the attribute from a field that is set.",
    vendor_fixes: ATTRIBUTE_FIXES,
    controls: IDENTITY_CONTROLS,
    source: "SAML 2.0 core §2.7.3.1.1",
    ..Rule::BLANK
};

pub static GROUPS_MISSING: Rule = Rule {
    id: "saml.groups-missing",
    severity: Severity::Error,
    summary: "The groups attribute is not in the assertion",
    why: "Group mappings and the group filter need the user's groups; without the attribute nobody gets a mapped role or workspace.",
    fix: "Add a groups attribute/claim to the IdP application with the configured name.",
    vendor_fixes: GROUPS_FIXES,
    controls: GROUP_CONTROLS,
    source: "seed 004 (Group mapping); SAML 2.0 core §2.7.3",
    ..Rule::BLANK
};

pub static GROUPS_NO_MATCH: Rule = Rule {
    id: "saml.groups-no-match",
    severity: Severity::Error,
    summary: "None of the user's groups matches the group filter or mappings",
    why: "The user's groups are sent, but none passes the configured filter or names a mapped group, so the user gets no mapped role (often a name typed differently at the IdP).",
    fix: "Assign the user to a mapped group at the IdP, or fix the group names in the mappings/filter to match what the IdP sends.",
    vendor_fixes: GROUPS_FIXES,
    controls: GROUP_CONTROLS,
    source: "seed 004 (Group mapping)",
    ..Rule::BLANK
};

pub static GROUPS_OBJECT_IDS: Rule = Rule {
    id: "saml.groups-object-ids",
    severity: Severity::Error,
    summary: "The groups are object ids (GUIDs), the mappings expect names",
    why: "Entra ID emits group object ids by default; mappings written with display names never match them.",
    fix: "Emit group names (Entra: group claim 'Source attribute: Cloud-only group display names' or sAMAccountName), or write the mappings with the object ids.",
    vendor_fixes: GROUPS_FIXES,
    controls: GROUP_CONTROLS,
    source: "Entra ID group claims documentation; seed 004",
    ..Rule::BLANK
};

pub static GROUPS_OVERAGE: Rule = Rule {
    id: "saml.groups-overage",
    severity: Severity::Error,
    summary: "Entra ID sent a groups.link claim instead of the groups (more than 150 groups)",
    why: "When a user belongs to more than 150 groups, Entra ID omits the groups from the SAML token and sends a link to Microsoft Graph instead; the SP sees no groups.",
    fix: "Limit the group claim to groups assigned to the application (Entra: 'Groups assigned to the application'), or filter the groups emitted.",
    vendor_fixes: GROUPS_FIXES,
    controls: GROUP_CONTROLS,
    source: "Entra ID token reference (groups overage claim)",
    ..Rule::BLANK
};

pub static GROUPS_FILTER_INVALID: Rule = Rule {
    id: "saml.groups-filter-invalid",
    severity: Severity::Error,
    summary: "The configured group filter is not a valid regular expression",
    why:
        "An invalid filter cannot be applied to the user's groups, so group checks cannot be made.",
    fix: "Fix `[saml.groups] filter` (a Rust regex; `ssolint lint` shows the error position).",
    controls: GROUP_CONTROLS,
    source: "CONFIG.md ([saml.groups] filter)",
    ..Rule::BLANK
};

pub static MFA_NOT_EVIDENT: Rule = Rule {
    id: "saml.mfa-not-evident",
    severity: Severity::Warning,
    summary: "The assertion shows no multi-factor authentication although the workspace expects MFA at the IdP",
    why: "With `mfa = \"idp\"`, MFA is enforced by the IdP (seed 002 §1.2). The AuthnContextClassRef and Entra `authnmethodsreferences` say how the user authenticated; a password-only context means MFA was not applied to this login.",
    fix: "Require MFA for this application in the IdP's sign-on policy, and have the IdP report it in the authentication context.",
    vendor_fixes: MFA_FIXES,
    profile: Some("L1"),
    controls: MFA_CONTROLS,
    source: "seed 002 §1.2 (MFA); SAML 2.0 authn context §3.4",
    };

pub static RULES: &[&Rule] = &[
    &NOT_A_RESPONSE,
    &STATUS_NOT_SUCCESS,
    &VERSION,
    &ASSERTION_MISSING,
    &ISSUER_MISMATCH,
    &DESTINATION_MISMATCH,
    &RECIPIENT_MISMATCH,
    &AUDIENCE_MISMATCH,
    &AUDIENCE_MISSING,
    &IN_RESPONSE_TO_MISMATCH,
    &UNSOLICITED,
    &SUBJECT_CONFIRMATION_METHOD,
    &SUBJECT_CONFIRMATION_MISSING,
    &RELAY_STATE_MISMATCH,
    &NOT_YET_VALID,
    &EXPIRED,
    &SUBJECT_CONFIRMATION_EXPIRED,
    &ISSUE_INSTANT_FUTURE,
    &ISSUE_INSTANT_STALE,
    &SESSION_EXPIRED,
    &VALIDITY_WINDOW_TOO_LONG,
    &NAMEID_FORMAT,
    &NAMEID_MISSING,
    &EMAIL_MISSING,
    &EMAIL_MISMATCH,
    &EMAIL_DOMAIN_UNVERIFIED,
    &ATTRIBUTE_MISSING,
    &ATTRIBUTE_NAME_VARIANT,
    &ATTRIBUTE_DUPLICATE,
    &ATTRIBUTE_EMPTY,
    &GROUPS_MISSING,
    &GROUPS_NO_MATCH,
    &GROUPS_OBJECT_IDS,
    &GROUPS_OVERAGE,
    &GROUPS_FILTER_INVALID,
    &MFA_NOT_EVIDENT,
];
