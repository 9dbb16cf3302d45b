//! `config.*` rules: the workspace configuration (`ssolint lint`).

use super::{Control, Rule, Severity, Vendor};

const SSO_CONTROLS: &[Control] = &[
    Control::guide("1.1"),
    Control::cis("6.3"),
    Control::cis("12.5"),
    Control::nist("IA-2"),
    Control::nist("IA-8"),
    Control::soc2("CC6.1"),
];

// ---- configuration hygiene ----

pub static UNKNOWN_KEY: Rule = Rule {
    id: "config.unknown-key",
    severity: Severity::Error,
    summary: "A key (or rule id) the configuration does not know",
    why: "A misspelt key is silently a default: `ownrs = [...]` leaves the owner list empty and `[rule]` overrides nothing. ssolint treats every unknown key as an error and suggests the nearest known one, so a typo never turns a control off unnoticed. The rest of the file is still linted.",
    fix: "Rename the key to the suggested one, or remove it. `ssolint schema` prints every known key (point your editor at it for completion).",
    source: "CONFIG.md (unknown keys are errors); cargo-deny configuration linting",
    ..Rule::BLANK
};

pub static INVALID_VALUE: Rule = Rule {
    id: "config.invalid-value",
    severity: Severity::Error,
    summary: "A known key holds a value of the wrong type or outside its allowed values",
    why: "A value the workspace cannot have (`mode = \"sometimes\"`, a number where a list belongs, a duration that does not parse) would otherwise be replaced by the default without a word. The key is ignored, the default applies, and the finding lists the allowed values.",
    fix: "Use one of the allowed values shown under `expected`; CONFIG.md documents each key.",
    source: "CONFIG.md",
    ..Rule::BLANK
};

pub static FILE_MISSING: Rule = Rule {
    id: "config.file-missing",
    severity: Severity::Error,
    summary: "A file the configuration refers to does not exist or cannot be read",
    why: "IdP metadata, certificates, JWKS, discovery documents and the directory are read from the paths in the configuration (relative to the configuration file). A missing one means the checks that need it cannot run, and CI would pass for the wrong reason.",
    fix: "Fix the path (it is relative to the configuration file), or commit the file next to the configuration.",
    source: "CONFIG.md (paths are relative to the file)",
    ..Rule::BLANK
};

pub static REFERENCE_INVALID: Rule = Rule {
    id: "config.reference-invalid",
    severity: Severity::Error,
    summary: "A file the configuration refers to is not what the key expects",
    why: "A certificate file that holds no certificate, a JWKS that is not a JSON key set, or a discovery document that is not JSON cannot give the trust anchors and settings the checks rely on. Usually the wrong file was saved (an HTML login page, a private key, a truncated download).",
    fix: "Save the right document under that path: the IdP's signing certificate as PEM, its JWKS (`jwks_uri`) or its `/.well-known/openid-configuration` as JSON.",
    source: "RFC 7517 §5 (JWK Set); OpenID Connect Discovery 1.0 §3; RFC 7468 (PEM)",
    ..Rule::BLANK
};

pub static SUPPRESSION_WITHOUT_REASON: Rule = Rule {
    id: "config.suppression-without-reason",
    severity: Severity::Error,
    summary: "A suppression has no reason; it does not apply",
    why: "A suppression hides a finding from CI. Without a written reason nobody can later tell whether the risk was accepted on purpose, so a suppression without `reason` is ignored and reported.",
    fix: "Add `reason = \"...\"` saying why the finding is accepted (and, ideally, `expires = \"YYYY-MM-DD\"`).",
    source: "RULES.md (suppressions must carry a reason)",
    ..Rule::BLANK
};

pub static SUPPRESSION_EXPIRED: Rule = Rule {
    id: "config.suppression-expired",
    severity: Severity::Error,
    summary: "A suppression's expiry date has passed; it no longer applies",
    why: "Temporary exceptions (three owners during a migration) have an end date. After it the finding counts again and the stale suppression itself is reported, so exceptions cannot outlive their reason.",
    fix: "Fix the finding and remove the suppression, or renew it with a new `expires` date and an updated reason.",
    source: "RULES.md (an expired suppression is an error)",
    ..Rule::BLANK
};

// ---- domains ----

pub static NO_VERIFIED_DOMAIN: Rule = Rule {
    id: "config.no-verified-domain",
    severity: Severity::Error,
    summary: "SSO or automatic account creation is configured without a verified domain",
    why: "Seed 004: \"Prior to setting up additional provisioning and authentication options, you must verify ownership of one or more email domains\". SSO applies only to users on verified domains and automatic account creation provisions only them, so without one neither does anything.",
    fix: "Verify the company's e-mail domains on the Identity & Provisioning page and list them in `workspace.verified_domains`.",
    source: "seed 004 (Domain verification; Authentication)",
    controls: SSO_CONTROLS,
    ..Rule::BLANK
};

pub static DOMAIN_CONFLICT: Rule = Rule {
    id: "config.domain-conflict",
    severity: Severity::Error,
    summary: "A domain is listed as verified here and as verified by another organisation",
    why: "A domain can be verified by one organisation only. When another organisation holds it, users on it get a sign-in error instead of SSO (SIMULATION.md, settled reading 8), and the workspace's own verification cannot be in force.",
    fix: "Find out which organisation really owns the domain (often an old trial workspace or an API Platform organisation); remove the other verification, then update `verified_domains` / `domains_verified_elsewhere`.",
    source: "seed 004 (Domain verification); SIMULATION.md (domain class `conflict`)",
    ..Rule::BLANK
};

// ---- SSO ----

pub static SSO_OFF: Rule = Rule {
    id: "config.sso-off",
    severity: Severity::Warning,
    summary: "SSO is off: users sign in with password or social login",
    why: "Without SSO the IdP does not decide who gets in: disabling someone at the IdP does not end their ChatGPT access, and MFA and conditional access cannot be enforced centrally (seed 002 §1.1, L1).",
    fix: "Configure SAML SSO with your IdP and set `authentication.mode = \"sso_enforced\"` (or `sso_enabled` while testing).",
    vendor_fixes: &[
        (Vendor::Okta, "Okta Admin: Applications → Create App Integration → SAML 2.0; enter the workspace's ACS URL and entity id, then assign the ChatGPT group."),
        (Vendor::Entra, "Entra admin center: Enterprise applications → New application → Create your own → SAML; set Identifier (Entity ID) and Reply URL (ACS), assign users and groups."),
        (Vendor::Google, "Google Admin: Apps → Web and mobile apps → Add custom SAML app; set ACS URL and Entity ID, turn the app on for the right organisational units."),
    ],
    profile: Some("L1"),
    controls: SSO_CONTROLS,
    source: "seed 002 §1.1 (Configure SAML Single Sign-On); seed 004 (Authentication)",
};

pub static SSO_NOT_ENFORCED: Rule = Rule {
    id: "config.sso-not-enforced",
    severity: Severity::Warning,
    summary: "SSO is enabled but not enforced: social login stays open",
    why: "Seed 004: enabling SSO disables password login for provisioned verified-domain users, but \"Social login via Google, Microsoft, and Apple is still supported\"; only enforcing SSO disables it. A user disabled at the IdP keeps a way in through Google or Microsoft login with the same e-mail. Seed 002 §1.1 step 4 asks to require SSO for all users.",
    fix: "After testing SSO logins, set `authentication.mode = \"sso_enforced\"` (Identity & Provisioning → Enforce SSO), and keep a break-glass owner (see `config.no-break-glass`).",
    profile: Some("L1"),
    controls: SSO_CONTROLS,
    source: "seed 004 (Authentication: Enable SSO / Enforce SSO); seed 002 §1.1 step 4",
    ..Rule::BLANK
};

pub static API_PLATFORM_SSO_MISMATCH: Rule = Rule {
    id: "config.api-platform-sso-mismatch",
    severity: Severity::Error,
    summary: "ChatGPT SSO is on while API Platform SSO is off: newly provisioned users cannot log in",
    why: "The workspace and the API Platform organisations share one SSO connection. Seed 004's compatibility table marks \"ChatGPT SSO enabled, API Platform SSO disabled\" as unsupported: \"Newly-provisioned users are unable to log in to the ChatGPT Enterprise workspace\". Enabling SSO in ChatGPT enables it for the API Platform too, so this state arises when it was turned off there afterwards.",
    fix: "Enable SSO in the API Platform organisation's settings again (or set `authentication.api_platform_sso = true` if the file is out of date).",
    source: "seed 004 (Configuring SSO across OpenAI products)",
    ..Rule::BLANK
};

pub static IDP_INCOMPLETE: Rule = Rule {
    id: "config.idp-incomplete",
    severity: Severity::Error,
    summary: "SSO is on but the IdP side (SAML metadata, or OIDC issuer and keys) is not described",
    why: "Responses can only be trusted against the IdP's signing certificate, and the issuer checked against its entity id. Without `[saml.idp] metadata`, or `entity_id`, `sso_url` and `certificates`, neither `check` nor `lint` can verify anything.",
    fix: "Download the IdP metadata XML and set `[saml.idp] metadata = \"idp-metadata.xml\"`, or give `entity_id`, `sso_url` and `certificates`.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta: the app's Sign On tab → SAML Signing Certificates → Actions → View IdP metadata; save it next to ssolint.toml."),
        (Vendor::Entra, "Entra: the enterprise application → Single sign-on → SAML Certificates → Federation Metadata XML → Download."),
        (Vendor::Google, "Google Admin: the custom SAML app → Download metadata."),
        (Vendor::Adfs, "ADFS publishes it at https://<adfs-host>/FederationMetadata/2007-06/FederationMetadata.xml; save a copy."),
        (Vendor::Keycloak, "Keycloak: Realm settings → Endpoints → SAML 2.0 Identity Provider Metadata; save a copy."),
    ],
    controls: SSO_CONTROLS,
    source: "seed 002 §1.1 step 2 (SSO URL, Entity ID, Certificate); SAML metadata §2.4.3",
    ..Rule::BLANK
};

pub static ACS_URL_INVALID: Rule = Rule {
    id: "config.acs-url-invalid",
    severity: Severity::Error,
    summary: "The ACS URL is not an absolute https URL, or not the workspace's ACS",
    why: "The IdP posts the signed response to the Assertion Consumer Service URL; the response's Destination and Recipient must equal it. A relative or http:// URL sends assertions in clear or nowhere, and every response will fail the destination check. When `saml.idp.metadata` is a federation aggregate that also lists the workspace (`saml.sp.entity_id`), IdPs of the federation post to the Locations that entry publishes: an ACS URL that is not one of them fails the destination check too.",
    fix: "Copy the ACS URL exactly from the workspace's SSO settings (it starts with https://) into `saml.sp.acs_url` and into the IdP's application.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta: app → General → SAML Settings → Single sign-on URL."),
        (Vendor::Entra, "Entra: enterprise application → Single sign-on → Basic SAML Configuration → Reply URL (Assertion Consumer Service URL)."),
        (Vendor::Google, "Google Admin: custom SAML app → Service provider details → ACS URL."),
    ],
    source: "SAML core §3.2.2 (Destination); SAML profiles §4.1.4.5 (Recipient); SAML metadata §2.4.4 (AssertionConsumerService)",
    ..Rule::BLANK
};

pub static NAMEID_FORMAT: Rule = Rule {
    id: "config.nameid-format",
    severity: Severity::Warning,
    summary: "The NameID format does not carry the user's e-mail",
    why: "The workspace identifies users by e-mail address. A transient or persistent NameID is an opaque identifier, so the login either fails or depends on an e-mail attribute alone; an unknown value is probably a typo.",
    fix: "Set `saml.sp.nameid_format = \"emailAddress\"` and configure the IdP to send the e-mail as NameID.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta: app → General → SAML Settings → Name ID format: EmailAddress; Application username: Email."),
        (Vendor::Entra, "Entra: Attributes & Claims → Unique User Identifier (Name ID) → format Email address, source attribute user.mail (or user.userprincipalname when it is the e-mail)."),
        (Vendor::Google, "Google Admin: custom SAML app → Name ID format EMAIL, Name ID Basic Information > Primary email."),
        (Vendor::Adfs, "ADFS: relying party → Edit Claim Issuance Policy → Transform an Incoming Claim: E-Mail Address → Name ID, format Email."),
    ],
    source: "SAML core §8.3 (Name identifier format identifiers)",
    ..Rule::BLANK
};

pub static ATTRIBUTE_MAPPING_INCOMPLETE: Rule = Rule {
    id: "config.attribute-mapping-incomplete",
    severity: Severity::Warning,
    summary: "An attribute the workspace needs has no mapping",
    why: "The workspace reads the e-mail, first name and last name from the assertion, and group membership when roles are mapped from groups. Without a mapping `check` cannot tell the admin which attribute is missing from a response, and the IdP is usually not sending it either.",
    fix: "Add the attribute under `[saml.attributes]` with the exact name the IdP sends, and add the attribute statement in the IdP.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta: app → General → SAML Settings → Attribute Statements (email → user.email, firstName → user.firstName, lastName → user.lastName) and Group Attribute Statements."),
        (Vendor::Entra, "Entra: Single sign-on → Attributes & Claims → Add new claim; for groups: Add a group claim (cloud-only groups: display names)."),
        (Vendor::Google, "Google Admin: custom SAML app → Attribute mapping; groups via Group membership."),
        (Vendor::Adfs, "ADFS: Claim Issuance Policy → Send LDAP Attributes as Claims (E-Mail-Addresses, Given-Name, Surname, Token-Groups)."),
    ],
    controls: &[Control::guide("1.1")],
    source: "seed 002 §1.1 step 2.3 (Map user attributes); SAML core §2.7.3",
    ..Rule::BLANK
};

pub static GROUP_FILTER_INVALID: Rule = Rule {
    id: "config.group-filter-invalid",
    severity: Severity::Error,
    summary: "The group filter is not a valid regular expression",
    why: "Groups that do not match the filter are ignored. A filter that does not compile cannot be evaluated, so role mappings and group checks are meaningless.",
    fix: "Fix the regular expression (Rust `regex` syntax: no look-around or back-references); `^ChatGPT ` matches groups whose names start with \"ChatGPT \".",
    source: "CONFIG.md ([saml.groups] filter)",
    ..Rule::BLANK
};

pub static MAPPING_UNKNOWN_GROUP: Rule = Rule {
    id: "config.mapping-unknown-group",
    severity: Severity::Warning,
    summary: "A group mapping names a group that SCIM does not sync or that the filter drops",
    why: "A role mapping only takes effect for groups that reach the workspace: with SCIM, those in `scim_groups`; and only groups matching `[saml.groups] filter`. A mapping for any other group never applies, usually because of a typo or a renamed group.",
    fix: "Use the group's exact name, add it to `provisioning.scim_groups`, or widen the filter.",
    source: "seed 004 (Directory Sync via SCIM: membership in specified IdP groups); CONFIG.md ([saml.groups])",
    ..Rule::BLANK
};

// ---- provisioning ----

pub static SCIM_OFF: Rule = Rule {
    id: "config.scim-off",
    severity: Severity::Info,
    summary: "SCIM provisioning is off: leavers are not deprovisioned automatically",
    why: "Seed 002 §1.3 (L2): SCIM gives immediate deprovisioning when employees leave and consistent group memberships. Without it, removing someone at the IdP does not remove them from the workspace.",
    fix: "Enable SCIM in the workspace (Settings → User provisioning), configure the IdP's SCIM integration with create, update and deactivate, and set `provisioning.scim = true` with `scim_groups`.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta: app → Provisioning → Configure API Integration (SCIM base URL and token) → To App: Create, Update, Deactivate Users; Push Groups."),
        (Vendor::Entra, "Entra: enterprise application → Provisioning → Automatic; tenant URL and secret token; scope to assigned users and groups."),
    ],
    profile: Some("L2"),
    controls: &[
        Control::guide("1.3"),
        Control::cis("5.3"),
        Control::nist("AC-2"),
        Control::soc2("CC6.2"),
    ],
    source: "seed 002 §1.3 (Configure SCIM User Provisioning); seed 004 (Directory Sync via SCIM)",
};

pub static SCIM_GROUPS_MISSING: Rule = Rule {
    id: "config.scim-groups-missing",
    severity: Severity::Error,
    summary: "SCIM is on but no IdP groups to sync are listed",
    why: "Seed 004: SCIM \"automatically invites users into the workspace based on their membership in specified Identity Provider groups\". With no groups named, nobody is provisioned (or, if the IdP pushes everyone, the configuration cannot say who should be); the simulation and group cross-checks have nothing to work from.",
    fix: "List the IdP groups the SCIM integration pushes: `provisioning.scim_groups = [\"ChatGPT Users\"]`.",
    source: "seed 004 (SSO with SCIM pattern); CONFIG.md (sso-scim without scim_groups is an error)",
    ..Rule::BLANK
};

pub static AUTOMATIC_CREATION_WITH_SSO: Rule = Rule {
    id: "config.automatic-creation-with-sso",
    severity: Severity::Warning,
    summary: "Automatic account creation with SSO: users without IdP access are locked out after migrating",
    why: "Seed 004, SSO with Automated Account Creation: \"users without the ability to authenticate via the IdP will be unable to log into ChatGPT after migrating to the Enterprise workspace\". Anyone on a verified domain who signs in with a personal account is provisioned and prompted to migrate, whether or not the IdP knows them.",
    fix: "Make sure every user on the verified domains is assigned to the ChatGPT app in the IdP before enabling this, or provision with SCIM instead (`ssolint simulate` lists who would be locked out).",
    source: "seed 004 (Recommended patterns: SSO with Automated Account Creation)",
    ..Rule::BLANK
};

pub static AUTOMATIC_CREATION_WITH_SCIM: Rule = Rule {
    id: "config.automatic-creation-with-scim",
    severity: Severity::Warning,
    summary: "Automatic account creation and SCIM are both on",
    why: "SCIM decides who belongs in the workspace from IdP group membership; automatic account creation lets anyone on a verified domain in at first login. Together, people outside the synced groups get in anyway and SCIM deprovisioning no longer bounds access (no seed 004 pattern combines them).",
    fix: "Pick one: turn automatic account creation off and let SCIM provision, or drop SCIM.",
    controls: &[Control::guide("1.3"), Control::nist("AC-2")],
    source: "seed 004 (Recommended identity and provisioning patterns)",
    ..Rule::BLANK
};

pub static EXTERNAL_INVITES_ALLOWED: Rule = Rule {
    id: "config.external-invites-allowed",
    severity: Severity::Warning,
    summary: "SSO is enforced but invites to unverified domains are allowed",
    why: "SSO applies only to users on verified domains (seed 004: provisioned unverified-domain users \"can continue to access the ChatGPT Enterprise workspace via password-based or Social login methods\"). While external invites are allowed, anyone invited on another domain gets in around the IdP.",
    fix: "Block external domain invites (Identity & Provisioning → external domain invites; `workspace.external_invites = \"blocked\"`), or verify the domains those users belong to.",
    controls: &[Control::guide("1.1"), Control::nist("AC-2"), Control::soc2("CC6.2")],
    source: "seed 004 (Provisioning: disable external domain invites; Authentication)",
    ..Rule::BLANK
};

// ---- access and roles ----

pub static MFA_NOT_REQUIRED: Rule = Rule {
    id: "config.mfa-not-required",
    severity: Severity::Warning,
    summary: "MFA is not expected from the IdP",
    why: "Seed 002 §1.2 (L1): enforce multi-factor authentication for all users; with SSO, through the IdP. `mfa = \"none\"` (the default) says nobody checked, and `check` will not look for MFA evidence in responses.",
    fix: "Require MFA for the ChatGPT application in the IdP, then set `authentication.mfa = \"idp\"`.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta: Security → Authentication Policies → the ChatGPT app's policy → require possession factor (MFA)."),
        (Vendor::Entra, "Entra: Protection → Conditional Access → new policy for the ChatGPT enterprise app → Grant: Require multifactor authentication."),
        (Vendor::Google, "Google Admin: Security → 2-Step Verification → enforce for the organisational units using ChatGPT."),
    ],
    profile: Some("L1"),
    controls: &[
        Control::guide("1.2"),
        Control::cis("6.5"),
        Control::nist("IA-2(1)"),
        Control::soc2("CC6.1"),
    ],
    source: "seed 002 §1.2 (Enable Multi-Factor Authentication)",
};

pub static TOO_MANY_OWNERS: Rule = Rule {
    id: "config.too-many-owners",
    severity: Severity::Warning,
    summary: "More than two workspace owners",
    why: "Seed 002 §1.4 (L1): owners have full control of the workspace, billing and SSO configuration; \"Maintain minimum Owners (1-2 maximum)\". Each extra owner is one more account whose compromise changes SSO.",
    fix: "Demote owners who do not need full control to admin (user management) or member.",
    profile: Some("L1"),
    controls: &[
        Control::guide("1.4"),
        Control::cis("5.4"),
        Control::nist("AC-6(1)"),
        Control::soc2("CC6.2"),
    ],
    source: "seed 002 §1.4 (Implement Role-Based Access Control)",
    ..Rule::BLANK
};

pub static NO_BREAK_GLASS: Rule = Rule {
    id: "config.no-break-glass",
    severity: Severity::Warning,
    summary: "SSO is enforced and no owner keeps a way in that does not depend on the IdP",
    why: "Under enforced SSO, verified-domain owners can only sign in through the IdP. If the IdP is down, its certificate expires or the SAML settings break, nobody can reach the settings to fix SSO. A break-glass owner (for example on a domain that is not verified, with a strong password and MFA) keeps the workspace recoverable.",
    fix: "Keep one owner account that does not depend on the IdP and list it in `workspace.break_glass` (it must also be in `owners`). Store its credentials offline and monitor its use.",
    controls: &[Control::guide("1.1"), Control::nist("AC-2"), Control::nist("CP-2")],
    source: "seed 004 (Enforce SSO disables social login for provisioned verified-domain users); seed 002 §1.1 step 4 (test before enforcing)",
    ..Rule::BLANK
};

pub static IP_ALLOWLIST_INVALID: Rule = Rule {
    id: "config.ip-allowlist-invalid",
    severity: Severity::Error,
    summary: "An IP allowlist entry is not a valid CIDR",
    why: "An entry that does not parse cannot be entered in the workspace settings as written; depending on how it is fixed later it may allow far more or far less than intended.",
    fix: "Write each entry as an address with prefix length, such as `203.0.113.0/24` or `2001:db8::/48` (host bits zero).",
    controls: &[Control::nist("SC-7"), Control::nist("AC-3")],
    source: "RFC 4632 §3.1 (CIDR notation); RFC 4291 §2.3",
    ..Rule::BLANK
};

pub static IP_ALLOWLIST_TOO_BROAD: Rule = Rule {
    id: "config.ip-allowlist-too-broad",
    severity: Severity::Warning,
    summary: "An IP allowlist entry allows the whole Internet",
    why: "`0.0.0.0/0` or `::/0` (or a prefix nearly as short) allows every address, so the allowlist restricts nothing while looking like a control.",
    fix: "List the company's egress ranges (offices, VPN, ZTNA) instead.",
    controls: &[Control::nist("SC-7"), Control::soc2("CC6.6")],
    source: "RFC 4632 §3.1; help-center article 12111596 (IP allowlisting)",
    ..Rule::BLANK
};

pub static IP_ALLOWLIST_OVERLAP: Rule = Rule {
    id: "config.ip-allowlist-overlap",
    severity: Severity::Info,
    summary: "Two IP allowlist entries overlap",
    why: "One range contains the other: the smaller entry is redundant, and usually one of them is a typo or a leftover from a network change.",
    fix: "Remove the contained range, or correct the one that was meant to be different.",
    controls: &[Control::nist("SC-7")],
    source: "RFC 4632 §3.1",
    ..Rule::BLANK
};

// ---- data controls ----

pub static RETENTION_INDEFINITE: Rule = Rule {
    id: "config.retention-indefinite",
    severity: Severity::Info,
    summary: "Conversations are retained indefinitely",
    why: "Seed 002 §2.2 (L2): shorter retention reduces breach impact and supports data minimisation (GDPR). With indefinite retention conversations are kept until each user deletes them.",
    fix: "Set a retention period (Admin Console → Settings → Data controls → Retention policy, e.g. 90 or 30 days) unless a rule such as FINRA requires longer, and write it as `data_controls.retention = \"90d\"`.",
    profile: Some("L2"),
    controls: &[
        Control::guide("2.2"),
        Control::cis("3.4"),
        Control::nist("SI-12"),
        Control::nist("AU-11"),
        Control::soc2("CC6.6"),
    ],
    source: "seed 002 §2.2 (Configure Data Retention Policies)",
    ..Rule::BLANK
};

pub static THIRD_PARTY_GPTS_ENABLED: Rule = Rule {
    id: "config.third-party-gpts-enabled",
    severity: Severity::Warning,
    summary: "Third-party GPTs are enabled",
    why: "Seed 002 §3.1 (L1): third-party GPTs may handle data differently and can access conversation data; the recommended setting is disabled (the Enterprise default), with an approved list when one is needed.",
    fix: "Disable third-party GPTs (Admin Console → Settings → GPT controls) and allow specific ones with a documented justification; set `data_controls.third_party_gpts = false`.",
    profile: Some("L1"),
    controls: &[
        Control::guide("3.1"),
        Control::cis("2.5"),
        Control::nist("AC-3"),
        Control::nist("CM-7"),
    ],
    source: "seed 002 §3.1 (Restrict Third-Party GPT Access)",
    ..Rule::BLANK
};

pub static APPS_ENABLED: Rule = Rule {
    id: "config.apps-enabled",
    severity: Severity::Info,
    summary: "Apps are enabled for the workspace",
    why: "Seed 002 §3.2 (L1): enable only the features and integrations required for business use; web browsing may expose queries externally and file uploads increase the data exposure surface.",
    fix: "Review each app (Admin Console → Settings → Apps) and enable only what is needed; set `data_controls.apps = false` when none are.",
    profile: Some("L1"),
    controls: &[Control::guide("3.2"), Control::cis("2.5"), Control::nist("AC-3")],
    source: "seed 002 §3.2 (Control App and Plugin Access)",
    ..Rule::BLANK
};

// ---- cross-checks against the directory ----

pub static SUBDOMAIN_UNVERIFIED: Rule = Rule {
    id: "config.subdomain-unverified",
    severity: Severity::Warning,
    summary: "Directory users are on a subdomain of a verified domain that is not verified itself",
    why: "Verified domains are exact names: verifying acme.com does not verify eu.acme.com. Users on the subdomain are not covered by SSO (seed 004: users whose e-mail does not match a verified domain keep password and social login), so they bypass the IdP even when SSO is enforced.",
    fix: "Verify the subdomain as well (Identity & Provisioning → Domains) and add it to `workspace.verified_domains`.",
    controls: SSO_CONTROLS,
    source: "seed 004 (Domain verification; Authentication); SIMULATION.md (verified domains are exact names)",
    ..Rule::BLANK
};

pub static GROUP_FILTER_MATCHES_NOTHING: Rule = Rule {
    id: "config.group-filter-matches-nothing",
    severity: Severity::Warning,
    summary: "The group filter matches none of the directory's groups",
    why: "Groups that do not match the filter are ignored, so a filter that matches nothing drops every group: no role mapping ever applies and group-based checks see empty lists. Usually a case or prefix mistake (`^ChatGPT ` against `chatgpt-users`).",
    fix: "Adjust `[saml.groups] filter` to the group names the IdP really sends (the finding lists some), or remove it.",
    source: "CONFIG.md ([saml.groups] filter)",
    ..Rule::BLANK
};

pub static SCIM_GROUP_UNKNOWN: Rule = Rule {
    id: "config.scim-group-unknown",
    severity: Severity::Warning,
    summary: "A SCIM group has no member in the directory",
    why: "SCIM provisions the members of the listed IdP groups (seed 004). A group nobody in the directory belongs to is usually misspelt or renamed, so the people meant to be provisioned through it are not.",
    fix: "Use the group's exact name as the IdP shows it (the hint names the nearest group found), or remove it from `provisioning.scim_groups`.",
    source: "seed 004 (Directory Sync via SCIM)",
    ..Rule::BLANK
};

pub static SCIM_UNVERIFIED_DOMAINS: Rule = Rule {
    id: "config.scim-unverified-domains",
    severity: Severity::Warning,
    summary: "SCIM provisions users on unverified domains, who never get SSO",
    why: "SCIM invites anyone in the synced groups, but SSO applies only to verified domains: these users sign in with password or social login and bypass the IdP (SIMULATION.md ambiguity A1; seed 004 Authentication).",
    fix: "Verify their domains, or remove them from the synced groups and invite them deliberately.",
    source: "seed 004 (Authentication); SIMULATION.md (A1)",
    ..Rule::BLANK
};

pub static ENTITY_ID_MISMATCH: Rule = Rule {
    id: "config.entity-id-mismatch",
    severity: Severity::Error,
    summary: "`[saml.idp] entity_id` differs from the metadata's entityID",
    why: "The IdP entity id is what response Issuers are checked against. When the configuration and the metadata it names disagree, one of them belongs to another app or tenant, and `check` would accept or reject responses depending on which one it read.",
    fix: "Remove `entity_id` and let the metadata decide, or point `metadata` at the right IdP's file.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta's IdP entity id is `http://www.okta.com/<app id>`: each app has its own; take the metadata of the ChatGPT app."),
        (Vendor::Entra, "Entra's entity id is `https://sts.windows.net/<tenant id>/`: check the tenant id."),
    ],
    source: "SAML core §2.2.5 (Issuer); SAML metadata §2.3.2 (entityID)",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &UNKNOWN_KEY,
    &INVALID_VALUE,
    &FILE_MISSING,
    &REFERENCE_INVALID,
    &SUPPRESSION_WITHOUT_REASON,
    &SUPPRESSION_EXPIRED,
    &NO_VERIFIED_DOMAIN,
    &DOMAIN_CONFLICT,
    &SSO_OFF,
    &SSO_NOT_ENFORCED,
    &API_PLATFORM_SSO_MISMATCH,
    &IDP_INCOMPLETE,
    &ACS_URL_INVALID,
    &NAMEID_FORMAT,
    &ATTRIBUTE_MAPPING_INCOMPLETE,
    &GROUP_FILTER_INVALID,
    &MAPPING_UNKNOWN_GROUP,
    &SCIM_OFF,
    &SCIM_GROUPS_MISSING,
    &AUTOMATIC_CREATION_WITH_SSO,
    &AUTOMATIC_CREATION_WITH_SCIM,
    &EXTERNAL_INVITES_ALLOWED,
    &MFA_NOT_REQUIRED,
    &TOO_MANY_OWNERS,
    &NO_BREAK_GLASS,
    &IP_ALLOWLIST_INVALID,
    &IP_ALLOWLIST_TOO_BROAD,
    &IP_ALLOWLIST_OVERLAP,
    &RETENTION_INDEFINITE,
    &THIRD_PARTY_GPTS_ENABLED,
    &APPS_ENABLED,
    &ENTITY_ID_MISMATCH,
    &SUBDOMAIN_UNVERIFIED,
    &GROUP_FILTER_MATCHES_NOTHING,
    &SCIM_GROUP_UNKNOWN,
    &SCIM_UNVERIFIED_DOMAINS,
];
