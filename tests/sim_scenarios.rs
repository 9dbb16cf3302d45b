//! One scenario per SIMULATION.md rule and ambiguity: a configuration, one directory row and
//! the expected outcome, each citing the sentence it comes from.

use ssolint::config::Config;
use ssolint::sim::directory::DirectoryReader;
use ssolint::sim::model::{
    alternatives, evaluate_traced, Access, InviteEmail, Lockout, Method, Outcome, PersonalEffect,
    ProvisionedBy, Risk,
};
use ssolint::sim::{Assumptions, DirectoryUser};

const HEADER: &str = "email,groups,workspace_state,invite_source,personal_account,has_password,social,idp_status,idp_assigned,idp_email,role,new_account\n";

struct Row {
    id: &'static str,
    seed: &'static str,
    config: &'static str,
    user: &'static str,
    assume: &'static [&'static str],
    access: Access,
    lockout: Lockout,
    methods: &'static [Method],
    personal: PersonalEffect,
    /// A rule id the trace must cite.
    cites: &'static str,
    extra: fn(&Outcome) -> bool,
}

fn user(row: &str) -> DirectoryUser {
    let text = format!("{HEADER}{row}\n");
    DirectoryReader::from_reader("t.csv", Box::new(std::io::Cursor::new(text)), false)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
}

fn config(extra: &str) -> Config {
    let text = format!("[workspace]\nverified_domains = [\"acme.com\"]\n{extra}");
    toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const ENFORCED: &str = "[authentication]\nmode = \"sso_enforced\"\n";
const ENABLED: &str = "[authentication]\nmode = \"sso_enabled\"\n";
const AUTO_ENFORCED: &str = "[provisioning]\nautomatic_account_creation = true\n[authentication]\nmode = \"sso_enforced\"\n";
const SCIM_BLOCKED: &str = "external_invites = \"blocked\"\n[provisioning]\nscim = true\nscim_groups = [\"ChatGPT Users\"]\n[authentication]\nmode = \"sso_enforced\"\n";

fn yes(_: &Outcome) -> bool {
    true
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "R-P1", seed: "In order for a user to access a ChatGPT Enterprise workspace, two things need to happen", config: "", user: "kim@acme.com,,none,,free,true,google,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P1", extra: |o| o.provisioned_by == ProvisionedBy::None },
    Row { id: "R-P2", seed: "Prior to setting up additional provisioning and authentication options, you must verify ownership of one or more email domains", config: AUTO_ENFORCED, user: "max@eu.acme.com,,none,,free,true,google,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P4", extra: |o| o.domain_class.name() == "unverified" },
    Row { id: "R-P3", seed: "By default, workspace owners and admins provision users by inviting them through the ChatGPT Enterprise Members page.", config: "", user: "bo@contractor.io,,invited,manual,none,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-P8", extra: |o| o.provisioned_by == ProvisionedBy::Manual },
    Row { id: "R-P4", seed: "Automatic Account Creation - grants users access to a workspace automatically based on their email domain when they attempt to log in.", config: "[provisioning]\nautomatic_account_creation = true\n", user: "kim@acme.com,,none,,none,true,,absent,false,,member,true", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-P4", extra: |o| o.provisioned_by == ProvisionedBy::Automatic && o.invite_email == InviteEmail::Silent },
    Row { id: "R-P4 (unverified, I)", seed: "grants users access to a workspace automatically based on their email domain", config: "[provisioning]\nautomatic_account_creation = true\n", user: "bo@contractor.io,,none,,free,true,,absent,false,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P4", extra: |o| o.provisioned_by == ProvisionedBy::None },
    Row { id: "R-P5", seed: "Directory Sync via SCIM - automatically invites users into the workspace based on their membership in specified Identity Provider groups.", config: SCIM_BLOCKED, user: "li@acme.com,ChatGPT Users,none,,none,false,,active,true,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Sso], personal: PersonalEffect::Untouched, cites: "R-P5", extra: |o| o.provisioned_by == ProvisionedBy::Scim && o.invite_email == InviteEmail::Sent },
    Row { id: "R-P6", seed: "Workspace owners can optionally disable external domain invites to block invitations to users with an email address which is not associated with a verified domain.", config: SCIM_BLOCKED, user: "eve@contractor.io,ChatGPT Users,none,,none,true,,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P6", extra: |o| o.invite_email == InviteEmail::Blocked },
    Row { id: "R-P6 (existing invite)", seed: "block invitations to users ... not associated with a verified domain (newer article: only new ones)", config: SCIM_BLOCKED, user: "bo@contractor.io,,invited,manual,none,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-P6", extra: |o| o.risks.contains(Risk::SsoBypass) },
    Row { id: "R-P7", seed: "OpenAI will send them an invitation email by default", config: "[provisioning]\nscim = true\nscim_groups = [\"G\"]\n", user: "li@acme.com,G,none,,none,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-P7", extra: |o| o.invite_email == InviteEmail::Sent },
    Row { id: "R-P7 (SCIM re-add)", seed: "silent for automatic creation and SCIM re-adds (article 10479654)", config: "[provisioning]\nscim = true\nscim_groups = [\"G\"]\n", user: "li@acme.com,G,none,scim,none,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-P7", extra: |o| o.invite_email == InviteEmail::Silent },
    Row { id: "R-P8", seed: "the user will automatically be added to the workspace whether they accept the invite link in their email or log in through chatgpt.com", config: ENFORCED, user: "li@acme.com,,invited,manual,none,false,,active,true,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Sso], personal: PersonalEffect::Untouched, cites: "R-P8", extra: |o| o.invite_email == InviteEmail::None },
    Row { id: "R-P9", seed: "removal or SCIM deprovisioning ends access at once (article 8266418; Settled reading 4)", config: "[provisioning]\nautomatic_account_creation = true\n", user: "gone@acme.com,,removed,manual,none,true,google,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P9", extra: yes },
    Row { id: "R-P9 (SCIM group left)", seed: "Settled reading 4: a SCIM-provisioned member who is in no synced group any more is deprovisioned", config: SCIM_BLOCKED, user: "old@acme.com,Engineering,member,scim,none,true,,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P9", extra: yes },
    Row { id: "R-M1", seed: "they will be prompted to migrate their account ... ChatGPT Plus subscriptions are automatically canceled as part of the migration process.", config: ENFORCED, user: "ana@acme.com,,invited,manual,plus,false,,active,true,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Sso], personal: PersonalEffect::MigrationPrompt, cites: "R-M1", extra: |o| o.plus_cancelled },
    Row { id: "R-M2", seed: "they will not be prompted to migrate their account and can keep both their personal account and their access to the Enterprise workspace.", config: ENFORCED, user: "bo@contractor.io,,invited,manual,plus,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::KeptBoth, cites: "R-M2", extra: |o| !o.plus_cancelled },
    Row { id: "R-M3", seed: "Upon signing up for or logging into a Free or Plus account, users will be prompted to migrate to the Enterprise workspace.", config: "[provisioning]\nautomatic_account_creation = true\n", user: "kim@acme.com,,none,,free,true,,absent,false,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::MigrationPrompt, cites: "R-M3", extra: yes },
    Row { id: "R-A1", seed: "By default, users authenticate with OpenAI using an email address and password, or by using Social login (Google, Microsoft, or Apple).", config: "", user: "ana@acme.com,,member,manual,none,false,google;apple,active,true,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Google, Method::Apple], personal: PersonalEffect::Untouched, cites: "R-A1", extra: yes },
    Row { id: "R-A2", seed: "Enabling SSO has the effect of disabling password-based authentication for these users. Social login via Google, Microsoft, and Apple is still supported.", config: ENABLED, user: "ana@acme.com,,member,manual,none,true,google,active,true,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Google, Method::Sso], personal: PersonalEffect::Untouched, cites: "R-A2", extra: yes },
    Row { id: "R-A3", seed: "Enforce SSO - Has the additional effect of disabling Social login", config: ENFORCED, user: "ana@acme.com,,member,manual,none,true,google,active,true,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Sso], personal: PersonalEffect::Untouched, cites: "R-A3", extra: yes },
    Row { id: "R-A3 (no IdP login)", seed: "Enforce SSO - Has the additional effect of disabling Social login (Settled reading 2: lockout now)", config: ENFORCED, user: "sam@acme.com,,member,manual,none,true,google,active,false,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::Now, methods: &[], personal: PersonalEffect::Untouched, cites: "R-A3", extra: yes },
    Row { id: "R-A4 (unverified provisioned)", seed: "These users can continue to access the ChatGPT Enterprise workspace via password-based or Social login methods.", config: ENFORCED, user: "bo@contractor.io,,member,manual,none,true,microsoft,absent,false,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Password, Method::Microsoft], personal: PersonalEffect::Untouched, cites: "R-A4", extra: |o| o.risks.contains(Risk::SsoBypass) },
    Row { id: "R-A4 (unprovisioned verified)", seed: "ChatGPT Free & Plus users with an email matching a verified domain who are not provisioned in the workspace. These users can continue to access their personal ChatGPT accounts", config: ENFORCED, user: "kim@acme.com,,none,,plus,true,,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-A4", extra: |o| !o.plus_cancelled },
    Row { id: "R-A5", seed: "ChatGPT SSO enabled | API Platform SSO disabled: ❌ Newly-provisioned users are unable to log in", config: "[authentication]\nmode = \"sso_enabled\"\napi_platform_sso = false\n", user: "li@acme.com,,invited,manual,none,true,google,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::Now, methods: &[], personal: PersonalEffect::Untouched, cites: "R-A5", extra: yes },
    Row { id: "R-A5 (members unaffected)", seed: "Newly-provisioned users are unable to log in (Settled reading 5: not members)", config: "[authentication]\nmode = \"sso_enabled\"\napi_platform_sso = false\n", user: "ana@acme.com,,member,manual,none,true,google,active,true,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Google, Method::Sso], personal: PersonalEffect::Untouched, cites: "R-A2", extra: yes },
    Row { id: "R-A5 (automatic creation is newly provisioned)", seed: "Settled reading 5: created at next login by automatic account creation, whatever new_account says", config: "[provisioning]\nautomatic_account_creation = true\n[authentication]\nmode = \"sso_enabled\"\napi_platform_sso = false\n", user: "kim@acme.com,,none,,free,true,google,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::Now, methods: &[], personal: PersonalEffect::Untouched, cites: "R-A5", extra: yes },
    Row { id: "R-A6", seed: "Note: users without the ability to authenticate via the IdP will be unable to log into ChatGPT after migrating to the Enterprise workspace.", config: AUTO_ENFORCED, user: "joe@acme.com,,none,,plus,true,google,absent,false,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::AfterMigration, methods: &[Method::Password, Method::Google], personal: PersonalEffect::MigrationPrompt, cites: "R-A6", extra: |o| o.plus_cancelled },
    Row { id: "R-A7", seed: "the SSO e-mail must equal the invited e-mail (article 20001235)", config: ENFORCED, user: "pat@acme.com,,member,manual,none,false,,active,true,pat.smith@acme.com,member,false", assume: &[], access: Access::Denied, lockout: Lockout::Now, methods: &[], personal: PersonalEffect::Untouched, cites: "R-A7", extra: |o| o.risks.contains(Risk::SsoEmailMismatch) },
    Row { id: "R-N1", seed: "an IP allowlist does not block sign-in, only loading data (article 12111596)", config: "[ip_allowlist]\ncidrs = [\"203.0.113.0/24\"]\n", user: "ana@acme.com,,member,manual,none,true,,absent,false,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-N1", extra: yes },
    Row { id: "A1 default", seed: "Directory Sync via SCIM - automatically invites users (Settled reading 7: SCIM needs nothing)", config: "[provisioning]\nscim = true\nscim_groups = [\"G\"]\n", user: "li@acme.com,G,none,,none,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "R-P5", extra: yes },
    Row { id: "A1 scim_requires=sso", seed: "Prior to setting up additional provisioning and authentication options, you must verify ownership of one or more email domains", config: "[provisioning]\nscim = true\nscim_groups = [\"G\"]\n", user: "li@acme.com,G,none,,none,true,,absent,false,,member,false", assume: &["scim_requires=sso"], access: Access::Denied, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "A1", extra: yes },
    Row { id: "A4 default", seed: "Social login via Google, Microsoft, and Apple is still supported.", config: ENABLED, user: "li@acme.com,,invited,manual,plus,false,google,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Google], personal: PersonalEffect::MigrationPrompt, cites: "A4", extra: yes },
    Row { id: "A4 strict", seed: "users without the ability to authenticate via the IdP will be unable to log into ChatGPT after migrating", config: ENABLED, user: "li@acme.com,,invited,manual,plus,false,google,absent,false,,member,false", assume: &["enabled_lockout=strict"], access: Access::Pending, lockout: Lockout::AfterMigration, methods: &[Method::Google], personal: PersonalEffect::MigrationPrompt, cites: "A4", extra: yes },
    Row { id: "A5 mobile_only", seed: "Newly-provisioned users are unable to log in (Settled reading 5: under mobile_only access is the web outcome)", config: "[authentication]\nmode = \"sso_enabled\"\napi_platform_sso = false\n", user: "li@acme.com,,invited,manual,none,true,google,active,true,,member,false", assume: &["api_sso_off_effect=mobile_only"], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Google, Method::Sso], personal: PersonalEffect::Untouched, cites: "A5", extra: |o| o.risks.contains(Risk::MobileSignupFails) },
    Row { id: "A7 business default", seed: "Settled reading 6: optional (business) keeps both", config: "plan = \"business\"\n", user: "ana@acme.com,,invited,manual,plus,true,,absent,false,,member,false", assume: &[], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::KeptBoth, cites: "A7", extra: |o| !o.plus_cancelled },
    Row { id: "A7 migration=forced", seed: "they will be prompted to migrate their account to the Enterprise workspace upon accepting the invitation", config: "plan = \"business\"\n", user: "ana@acme.com,,invited,manual,plus,true,,absent,false,,member,false", assume: &["migration=forced"], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::MigrationPrompt, cites: "R-M1", extra: |o| o.plus_cancelled },
    Row { id: "A8 ext_block_scope=manual", seed: "to block invitations to users with an email address which is not associated with a verified domain", config: SCIM_BLOCKED, user: "eve@contractor.io,ChatGPT Users,none,,none,true,,active,true,,member,false", assume: &["ext_block_scope=manual"], access: Access::Pending, lockout: Lockout::None, methods: &[Method::Password], personal: PersonalEffect::Untouched, cites: "A8", extra: |o| o.risks.contains(Risk::SsoBypass) && o.invite_email == InviteEmail::Sent },
    Row { id: "Settled 3", seed: "A member who still has a Free/Plus account has not migrated", config: ENFORCED, user: "ana@acme.com,,member,scim,free,false,,active,true,,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Sso], personal: PersonalEffect::MigrationPrompt, cites: "R-M1", extra: yes },
    Row { id: "Settled 8 conflict", seed: "Domain conflict: denied (sign-in error), personal account untouched", config: "domains_verified_elsewhere = [\"partner.example\"]\n", user: "xi@Partner.Example,,member,manual,free,true,,active,true,,member,false", assume: &[], access: Access::Denied, lockout: Lockout::Now, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P2", extra: |o| o.domain_class.name() == "conflict" },
    Row { id: "Settled 8 case", seed: "Domains and e-mail addresses compare case-insensitively.", config: ENFORCED, user: "Ana@ACME.com,,member,manual,none,false,,active,true,ana@acme.com,member,false", assume: &[], access: Access::Granted, lockout: Lockout::None, methods: &[Method::Sso], personal: PersonalEffect::Untouched, cites: "R-A3", extra: |o| o.risks.is_empty() || !o.risks.contains(Risk::SsoEmailMismatch) },
    Row { id: "Settled 10 unknown", seed: "A missing field is unknown, not false.", config: "", user: "ana@acme.com,,member,manual,none,,,active,true,,member,false", assume: &[], access: Access::Unknown, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-A1", extra: |o| o.unknown_fields.join(",") == "has_password" },
    Row { id: "Settled 10 unknown groups", seed: "Directory Sync via SCIM ... based on their membership in specified Identity Provider groups", config: "[provisioning]\nscim = true\nscim_groups = [\"G\"]\n", user: "li@acme.com,?,none,,none,true,,absent,false,,member,false", assume: &[], access: Access::Unknown, lockout: Lockout::None, methods: &[], personal: PersonalEffect::Untouched, cites: "R-P5", extra: |o| o.unknown_fields.join(",") == "groups" },
];

#[test]
fn every_scenario_matches_its_source() {
    let mut failures = Vec::new();
    for row in ROWS {
        let cfg = config(row.config);
        let asm = Assumptions::resolve(
            &Default::default(),
            &row.assume.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .unwrap();
        let u = user(row.user);
        let mut trace = Vec::new();
        let o = evaluate_traced(&cfg, &asm, &u, Some(&mut trace));
        let methods: Vec<Method> = o.methods.iter().collect();
        let problems = [
            (o.access != row.access).then(|| format!("access {:?}", o.access)),
            (o.lockout != row.lockout).then(|| format!("lockout {:?}", o.lockout)),
            (methods != row.methods).then(|| format!("methods {methods:?}")),
            (o.personal_account != row.personal)
                .then(|| format!("personal {:?}", o.personal_account)),
            (!trace.iter().any(|s| s.rule == row.cites))
                .then(|| format!("trace does not cite {}", row.cites)),
            (!(row.extra)(&o)).then(|| format!("extra check failed: {o:?}")),
        ];
        let problems: Vec<String> = problems.into_iter().flatten().collect();
        if !problems.is_empty() {
            failures.push(format!(
                "{} (\"{}\"): {}\n  trace: {:?}",
                row.id,
                row.seed,
                problems.join("; "),
                trace.iter().map(|s| s.rule).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_and_ambiguity_has_a_scenario() {
    for rule in ssolint::sim::model::SIM_RULES {
        assert!(
            ROWS.iter().any(|r| r.id.starts_with(rule.id)),
            "no scenario for {}",
            rule.id
        );
    }
}

#[test]
fn flipping_an_assumption_shows_the_other_answer() {
    let cfg = config(ENABLED);
    let u = user("li@acme.com,,invited,manual,plus,false,google,absent,false,,member,false");
    let asm = Assumptions::default();
    let o = ssolint::sim::evaluate(&cfg, &asm, &u);
    let alts = alternatives(&cfg, &asm, &u, &o);
    assert_eq!(alts.len(), 1, "{alts:?}");
    assert_eq!(alts[0].assumption.name(), "enabled_lockout");
    assert_eq!(alts[0].value, "strict");
    assert_eq!(alts[0].lockout, Lockout::AfterMigration);
}
