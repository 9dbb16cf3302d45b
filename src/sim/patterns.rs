//! `--patterns all`: the directory under every provisioning × authentication combination
//! (× API Platform SSO where SSO is on), in one pass, with seed 004's four recommended
//! patterns named. Memory holds one set of counts per combination, not per user.

use super::assume::Assumptions;
use super::counts::Counts;
use super::directory::DirectoryReader;
use super::model::evaluate;
use crate::config::{AuthMode, Config, Pattern};
use crate::error::Fatal;
use serde::Serialize;
use std::path::Path;

named_enum! {
    pub enum Provisioning { Manual => "manual", Automatic => "automatic", Scim => "scim" }
}

#[derive(Debug, Clone, Serialize)]
pub struct Combination {
    pub provisioning: Provisioning,
    pub authentication: &'static str,
    pub api_platform_sso: bool,
    /// The recommended pattern of seed 004 this combination is, if any.
    pub pattern: Option<&'static str>,
    /// Seed 004's "User experience" for the pattern, or what the combination is.
    pub description: &'static str,
    pub counts: Counts,
    #[serde(skip)]
    config: Config,
}

const MODES: [AuthMode; 3] = [
    AuthMode::Default,
    AuthMode::SsoEnabled,
    AuthMode::SsoEnforced,
];

fn pattern_of(p: Provisioning, mode: AuthMode, api_sso: bool) -> Option<Pattern> {
    if !api_sso {
        return None;
    }
    match (p, mode) {
        (Provisioning::Automatic, AuthMode::Default) => Some(Pattern::OptInAccess),
        (Provisioning::Manual, AuthMode::SsoEnabled | AuthMode::SsoEnforced) => {
            Some(Pattern::SsoManualInvites)
        }
        (Provisioning::Automatic, AuthMode::SsoEnabled | AuthMode::SsoEnforced) => {
            Some(Pattern::SsoAutomaticAccountCreation)
        }
        (Provisioning::Scim, AuthMode::SsoEnabled | AuthMode::SsoEnforced) => {
            Some(Pattern::SsoScim)
        }
        _ => None,
    }
}

/// Seed 004, "Recommended identity and provisioning patterns", column "User experience".
pub fn description(
    p: Option<Pattern>,
    provisioning: Provisioning,
    mode: AuthMode,
    api_sso: bool,
) -> &'static str {
    match p {
        Some(Pattern::OptInAccess) => "Upon signing up for or logging into a Free or Plus account, users will be prompted to migrate to the Enterprise workspace.",
        Some(Pattern::SsoManualInvites) => "Users can continue to sign up for or log into Free and Plus accounts. After being invited into the Enterprise workspace, users will be prompted to migrate their existing Free or Plus account.",
        Some(Pattern::SsoAutomaticAccountCreation) => "Upon signing up for or logging into a Free or Plus account, users will be prompted to migrate to the Enterprise workspace. Note: users without the ability to authenticate via the IdP will be unable to log into ChatGPT after migrating to the Enterprise workspace.",
        Some(Pattern::SsoScim) => "Users can continue to sign up for or log into Free and Plus accounts. Upon being added to the specified IdP groups, users receive an invitation email and are prompted to migrate their existing Free or Plus account.",
        None if !api_sso => "Unsupported (seed 004): ChatGPT SSO on with API Platform SSO off; newly-provisioned users are unable to log in.",
        None => match (provisioning, mode) {
            (Provisioning::Manual, _) => "Manual invites with password or social login (the default).",
            (Provisioning::Scim, _) => "SCIM invites with password or social login: SCIM users never use the IdP to log in.",
            (Provisioning::Automatic, _) => "Automatic account creation.",
        },
    }
}

/// The combinations, each a copy of `base` with provisioning and authentication replaced.
pub fn combinations(base: &Config) -> Vec<Combination> {
    let mut out = Vec::new();
    for &p in Provisioning::ALL {
        for mode in MODES {
            let api_options: &[bool] = if mode.sso_on() {
                &[true, false]
            } else {
                &[true]
            };
            for &api_sso in api_options {
                let mut c = base.clone();
                c.pattern = None;
                c.provisioning.automatic_account_creation = Some(p == Provisioning::Automatic);
                c.provisioning.scim = Some(p == Provisioning::Scim);
                c.authentication.mode = Some(mode);
                c.authentication.api_platform_sso = Some(api_sso);
                let pattern = pattern_of(p, mode, api_sso);
                out.push(Combination {
                    provisioning: p,
                    authentication: mode.name(),
                    api_platform_sso: api_sso,
                    pattern: pattern.map(Pattern::name),
                    description: description(pattern, p, mode, api_sso),
                    counts: Counts::default(),
                    config: c,
                });
            }
        }
    }
    out
}

/// Run every combination over the directory in one pass.
pub fn run(base: &Config, asm: &Assumptions, users: &Path) -> Result<Vec<Combination>, Fatal> {
    let mut combos = combinations(base);
    for user in DirectoryReader::open(users)? {
        let user = user?;
        for c in &mut combos {
            let o = evaluate(&c.config, asm, &user);
            c.counts.add(&user, &o);
        }
    }
    Ok(combos)
}

/// The human matrix.
pub fn render_human(base: &Config, combos: &[Combination]) -> String {
    let mut out = format!(
        "{:<10} {:<13} {:<8} {:>7} {:>7} {:>6} {:>7} {:>7} {:>8} {:>6}  PATTERN\n",
        "PROVISION",
        "AUTH",
        "API SSO",
        "GRANTED",
        "PENDING",
        "DENIED",
        "UNKNOWN",
        "LOCKOUT",
        "MIGRATE",
        "BYPASS"
    );
    for c in combos {
        out.push_str(&format!(
            "{:<10} {:<13} {:<8} {:>7} {:>7} {:>6} {:>7} {:>7} {:>8} {:>6}  {}\n",
            c.provisioning.name(),
            c.authentication,
            if c.api_platform_sso { "on" } else { "off" },
            c.counts.granted,
            c.counts.pending,
            c.counts.denied,
            c.counts.unknown,
            c.counts.lockout_after_migration,
            c.counts.migration_prompts,
            c.counts.sso_bypass,
            c.pattern.unwrap_or(if c.api_platform_sso {
                "-"
            } else {
                "unsupported"
            }),
        ));
    }
    out.push_str("\nLOCKOUT = locked out after migration; MIGRATE = migration prompts; BYPASS = SSO bypasses.\n");
    if base.provisioning.scim_groups.is_empty() {
        out.push_str(
            "No provisioning.scim_groups are configured, so the scim rows invite nobody new.\n",
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in combos {
        if let Some(p) = c.pattern {
            if !seen.contains(&p) {
                seen.push(p);
                out.push_str(&format!("\n{p} (seed 004): {}\n", c.description));
            }
        }
    }
    out
}
