//! `sim.*` rules: what `simulate` and `diff` report about people. Each cites the
//! SIMULATION.md rule ids it comes from and the seed 004 sentence behind them.

use super::{Control, Rule, Severity, Vendor};

const ASSIGN_APP: &[(Vendor, &str)] = &[
    (Vendor::Okta, "Applications → the ChatGPT app → Assignments: assign the person (or a group they are in); check the Okta user is Active and that the app's username format sends the e-mail they were invited with."),
    (Vendor::Entra, "Enterprise applications → ChatGPT → Users and groups: add the person; if \"Assignment required?\" is Yes, unassigned users get AADSTS50105. Check that the `email` claim maps to the invited address (user.mail, not a UPN on another domain)."),
    (Vendor::Google, "Admin console → Apps → Web and mobile apps → ChatGPT → User access: turn the app ON for the person's organisational unit or group."),
    (Vendor::Adfs, "Grant the person access in the relying party trust's access control policy, and check the claim rule that emits the e-mail."),
    (Vendor::Onelogin, "Users → the person → Applications: add the ChatGPT app (or add them to a role that has it)."),
    (Vendor::Ping, "Add the person to a group with access to the ChatGPT connection, and check the e-mail attribute mapping."),
    (Vendor::Keycloak, "Check the user is enabled, and that the client's e-mail mapper sends the invited address."),
];

pub static LOCKED_OUT: Rule = Rule {
    id: "sim.locked-out",
    severity: Severity::Error,
    summary: "A provisioned user has no way to log in now",
    why: "SIMULATION.md R-P1, R-A2, R-A3, R-A5, R-A7, Settled reading 2. Seed 004: \"In order for a user to access a ChatGPT Enterprise workspace, two things need to happen: The user needs to be provisioned in the workspace; The user needs to authenticate their identity with OpenAI.\" This member or invitee is provisioned, but every method the workspace allows them is closed: SSO is enabled or enforced (\"Enabling SSO has the effect of disabling password-based authentication for these users\") and their IdP login does not work (account not active, app not assigned, e-mail mismatch), or ChatGPT SSO is on with API Platform SSO off.",
    fix: "Give the person a working IdP login: activate their IdP account, assign the ChatGPT app to them, and make the IdP assert the e-mail they were invited with. `ssolint simulate --explain EMAIL` shows the rule that closed each method and the smallest fix.",
    vendor_fixes: ASSIGN_APP,
    controls: &[Control::guide("1.1"), Control::nist("AC-2"), Control::nist("IA-2"), Control::soc2("CC6.2")],
    source: "seed 004 (Authentication; Configuring SSO across OpenAI products); SIMULATION.md R-P1, R-A2, R-A3, R-A5, R-A7",
    ..Rule::BLANK
};

pub static LOCKOUT_AFTER_MIGRATION: Rule = Rule {
    id: "sim.lockout-after-migration",
    severity: Severity::Error,
    summary: "A user can get in today but loses every way in once their account migrates",
    why: "SIMULATION.md R-A6, A4, Settled reading 2. Seed 004 (SSO with Automated Account Creation): \"Note: users without the ability to authenticate via the IdP will be unable to log into ChatGPT after migrating to the Enterprise workspace.\" The person reaches the workspace through the personal login (password or social) that provisions them; after the migration the workspace allows only the IdP (and, under SSO enabled, social login), and they have no working IdP login.",
    fix: "Before the person migrates, give them a working IdP login (active account, ChatGPT app assigned, invited e-mail asserted), or keep automatic account creation off for users who are not in the IdP. `config.automatic-creation-with-sso` warns about the combination.",
    vendor_fixes: ASSIGN_APP,
    controls: &[Control::guide("1.1"), Control::nist("AC-2"), Control::soc2("CC6.2")],
    source: "seed 004 (Recommended identity and provisioning patterns: SSO with Automated Account Creation); SIMULATION.md R-A6",
    ..Rule::BLANK
};

pub static SSO_BYPASS: Rule = Rule {
    id: "sim.sso-bypass",
    severity: Severity::Warning,
    summary: "A provisioned unverified-domain user keeps password/social login under enforced SSO",
    why: "SIMULATION.md R-A4. Seed 004: enforcing SSO \"does not impact the experience of ... ChatGPT users with an email domain which does not match a verified email domain but who are provisioned in the workspace. These users can continue to access the ChatGPT Enterprise workspace via password-based or Social login methods.\" They get in without the IdP, so the IdP's MFA, conditional access and offboarding do not apply to them.",
    fix: "Verify the user's domain (if it is yours) so enforcement covers them, or remove the invite and block external invites (`workspace.external_invites = \"blocked\"`).",
    controls: &[Control::guide("1.1"), Control::guide("1.2"), Control::nist("IA-2"), Control::nist("AC-17"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "seed 004 (Authentication: Enabling or enforcing SSO by itself does not impact...); SIMULATION.md R-A4",
    ..Rule::BLANK
};

pub static API_SSO_BLOCKS_NEW_USERS: Rule = Rule {
    id: "sim.api-sso-blocks-new-users",
    severity: Severity::Error,
    summary: "ChatGPT SSO is on with API Platform SSO off: newly provisioned users cannot log in",
    why: "SIMULATION.md R-A5, A5, Settled reading 5. Seed 004's table of SSO configurations across products: ChatGPT SSO enabled with API Platform SSO disabled is ❌ \"Newly-provisioned users are unable to log in to the ChatGPT Enterprise workspace\". Invitees, SCIM invitees and users that automatic account creation would add are all newly provisioned.",
    fix: "Turn SSO back on for the API Platform organisation that shares the SSO connection (`authentication.api_platform_sso = true`); seed 004: \"Enabling SSO in your ChatGPT workspace will also enable SSO for associated OpenAI API Platform organizations.\"",
    controls: &[Control::nist("AC-2")],
    source: "seed 004 (Configuring SSO across OpenAI products); SIMULATION.md R-A5",
    ..Rule::BLANK
};

pub static SSO_EMAIL_MISMATCH: Rule = Rule {
    id: "sim.sso-email-mismatch",
    severity: Severity::Warning,
    summary: "The IdP asserts a different e-mail than the one the user was invited with",
    why: "SIMULATION.md R-A7, Settled reading 9: the SSO e-mail must equal the invited e-mail and be on a verified domain (help-center article 20001235). A different address (an alias, a UPN on another domain) makes the SSO login fail with a mismatch, so the user's IdP login does not count.",
    fix: "Make the IdP send the invited address as the e-mail (and NameID), or invite the address the IdP sends.",
    vendor_fixes: &[
        (Vendor::Okta, "The ChatGPT app → Sign On → Application username format: Email (or a custom expression giving the invited address); check the `email` attribute statement."),
        (Vendor::Entra, "Single sign-on → Attributes & Claims: set the `email` claim and the NameID to user.mail (not user.userprincipalname when the UPN is on another domain)."),
        (Vendor::Google, "SAML app → Attribute mapping: map `email` to Primary email, and the Name ID to Basic Information > Primary email."),
        (Vendor::Adfs, "Edit the claim issuance policy: send E-Mail-Addresses as the e-mail claim and transform it to the NameID."),
        (Vendor::Onelogin, "The app's Parameters: map Email and NameID to the user's Email field."),
        (Vendor::Ping, "Attribute contract: map `email` (and SAML_SUBJECT) to the mail attribute."),
        (Vendor::Keycloak, "Client → Mappers: add a User Property mapper `email` → `email`, and set the NameID format to email."),
    ],
    controls: &[Control::nist("IA-2"), Control::nist("IA-8")],
    source: "help-center article 20001235; SIMULATION.md R-A7",
    ..Rule::BLANK
};

pub static NOT_PROVISIONED: Rule = Rule {
    id: "sim.not-provisioned",
    severity: Severity::Info,
    summary: "The user is not provisioned, so they cannot use the workspace",
    why: "SIMULATION.md R-P1, R-P3, R-P4, R-P5, R-P6. Seed 004: \"The user needs to be provisioned in the workspace\". Nothing in this configuration provisions the person: no invite, not in a synced SCIM group, and automatic account creation is off or their domain is not verified (it never provisions unverified domains); or external-invite blocking stops the invite. Their personal account is untouched.",
    fix: "If they should have access: invite them from the Members page (always available, R-P3), add them to a synced IdP group (SCIM), or verify their domain (automatic account creation). If they should not, nothing to do.",
    controls: &[Control::guide("1.3"), Control::nist("AC-2")],
    source: "seed 004 (Provisioning); SIMULATION.md R-P1, R-P3",
    ..Rule::BLANK
};

pub static MIGRATION_PROMPT: Rule = Rule {
    id: "sim.migration-prompt",
    severity: Severity::Info,
    summary: "The user will be prompted to migrate their personal ChatGPT account (Plus is cancelled)",
    why: "SIMULATION.md R-M1, R-M3, A7, Settled readings 3 and 6. Seed 004: \"If an invited user with an email address matching a verified domain has an existing Free or Plus ChatGPT account, they will be prompted to migrate their account to the Enterprise workspace upon accepting the invitation. ... ChatGPT Plus subscriptions are automatically canceled as part of the migration process.\" Users should hear about it before it happens.",
    fix: "Tell the affected users before the rollout: they can transfer their data or export and delete it, and a Plus subscription is cancelled. Count: see the simulation's `migration_prompts` and `plus_cancelled`.",
    source: "seed 004 (Email invitations and account migrations); SIMULATION.md R-M1, R-M3",
    ..Rule::BLANK
};

pub static UNKNOWN: Rule = Rule {
    id: "sim.unknown",
    severity: Severity::Warning,
    summary: "The outcome depends on directory fields that are missing",
    why: "SIMULATION.md \"Outcome of one user\" and Settled reading 10: a missing field is unknown, not false, and \"could not evaluate\" is never turned into allow or deny. The user's `unknown_fields` lists the fields that would decide access or lockout.",
    fix: "Export those columns from the IdP (`workspace_state`, `groups`, `has_password`, `social`, `idp_status`, `idp_assigned`, `idp_email`), or fill them with `true`/`false`. `?` marks a value as unknown on purpose.",
    source: "SIMULATION.md (Outcome of one user; Settled reading 10); CONFIG.md (Empty cells)",
    ..Rule::BLANK
};

pub static ACCESS_LOST: Rule = Rule {
    id: "sim.access-lost",
    severity: Severity::Error,
    summary: "The configuration change takes access away from a user who had it",
    why: "SIMULATION.md \"diff OLD NEW\" and Settled reading 12: a user who was `granted` or `pending` under the old configuration is `denied` under the new one. The finding names the rule that flipped (for example R-A3 when SSO enforcement closes social login, R-A5 when API Platform SSO is turned off).",
    fix: "If the change is intended, list the user (or the flipping rule) with a reason in the `--expected` file; otherwise give the user a way in under the new configuration (`ssolint simulate --explain EMAIL --config NEW`).",
    controls: &[Control::nist("CM-3"), Control::nist("AC-2"), Control::soc2("CC8.1")],
    source: "seed 004 (Authentication; Provisioning); SIMULATION.md diff, Settled reading 12",
    ..Rule::BLANK
};

pub static METHOD_LOST: Rule = Rule {
    id: "sim.method-lost",
    severity: Severity::Warning,
    summary: "The configuration change removes a login method a user still relies on",
    why: "SIMULATION.md R-A2/R-A3: enabling SSO turns password login off for provisioned verified-domain users, enforcing it turns social login off too (seed 004: \"Enforce SSO - Has the additional effect of disabling Social login\"). The user keeps access by another method, but anything that depended on the lost one (password managers, a social login on mobile) stops working.",
    fix: "Tell the affected users which login to use from now on; list intended changes in the `--expected` file.",
    controls: &[Control::nist("CM-3"), Control::soc2("CC8.1")],
    source: "seed 004 (Authentication); SIMULATION.md diff",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &LOCKED_OUT,
    &LOCKOUT_AFTER_MIGRATION,
    &SSO_BYPASS,
    &API_SSO_BLOCKS_NEW_USERS,
    &SSO_EMAIL_MISMATCH,
    &NOT_PROVISIONED,
    &MIGRATION_PROMPT,
    &UNKNOWN,
    &ACCESS_LOST,
    &METHOD_LOST,
];
