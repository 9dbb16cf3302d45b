//! The smallest fix for a user who is denied or locked out: one change to the user's IdP
//! account or groups, or one change to the workspace, tried in that order (a change to one
//! person touches nobody else). A workspace change also reports how many other users it
//! would let in, which takes a second pass over the directory.

use super::assume::Assumptions;
use super::directory::{DirectoryReader, DirectoryUser, IdpEmail, IdpStatus};
use super::model::{evaluate, Cohort, DomainClass, Lockout, Outcome};
use crate::config::Config;
use crate::error::Fatal;
use std::path::Path;

named_enum! {
    pub enum FixKind {
        FixIdpEmail => "fix-idp-email",
        AssignIdpApp => "assign-idp-app",
        ActivateIdpAccount => "activate-idp-account",
        IdpAccountFixes => "idp-account-fixes",
        AddToScimGroup => "add-to-scim-group",
        EnableApiPlatformSso => "enable-api-platform-sso",
        VerifyDomain => "verify-domain",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fix {
    pub kind: FixKind,
    /// The domain to verify or the group to add the user to.
    pub target: String,
}

impl Fix {
    /// A change to the workspace (affects others) rather than to one person.
    pub fn is_workspace_change(&self) -> bool {
        matches!(
            self.kind,
            FixKind::EnableApiPlatformSso | FixKind::VerifyDomain
        )
    }

    pub fn describe(&self, email: &str) -> String {
        match self.kind {
            FixKind::FixIdpEmail => format!("make the IdP assert {email} (the invited e-mail) for this user"),
            FixKind::AssignIdpApp => "assign the ChatGPT app to this user in the IdP".into(),
            FixKind::ActivateIdpAccount => "activate (or create) this user's IdP account".into(),
            FixKind::IdpAccountFixes => format!("activate the IdP account, assign the ChatGPT app and assert {email}"),
            FixKind::AddToScimGroup => format!("add the user to the synced IdP group \"{}\"", self.target),
            FixKind::EnableApiPlatformSso => "turn SSO back on for the API Platform organisation (authentication.api_platform_sso = true)".into(),
            FixKind::VerifyDomain => format!("verify the domain {} (workspace.verified_domains)", self.target),
        }
    }

    /// The configuration with this workspace change applied.
    pub fn apply_to_config(&self, cfg: &Config) -> Config {
        let mut c = cfg.clone();
        match self.kind {
            FixKind::EnableApiPlatformSso => c.authentication.api_platform_sso = Some(true),
            FixKind::VerifyDomain => c.workspace.verified_domains.push(self.target.clone()),
            _ => {}
        }
        c
    }

    fn apply_to_user(&self, u: &DirectoryUser) -> DirectoryUser {
        let mut u = u.clone();
        match self.kind {
            FixKind::FixIdpEmail => u.idp_email = Some(IdpEmail::SameAsEmail),
            FixKind::AssignIdpApp => u.idp_assigned = Some(true),
            FixKind::ActivateIdpAccount => u.idp_status = Some(IdpStatus::Active),
            FixKind::IdpAccountFixes => {
                u.idp_email = Some(IdpEmail::SameAsEmail);
                u.idp_assigned = Some(true);
                u.idp_status = Some(IdpStatus::Active);
            }
            FixKind::AddToScimGroup => u
                .groups
                .get_or_insert_with(Vec::new)
                .push(self.target.clone()),
            FixKind::EnableApiPlatformSso | FixKind::VerifyDomain => {}
        }
        u
    }
}

/// Has access now and keeps it after migrating.
pub fn is_fine(o: &Outcome) -> bool {
    o.access.has_access() && o.lockout == Lockout::None
}

/// Does this outcome call for a fix? Locked out, or kept out by a change of configuration
/// (blocked invite, unverified domain). Removed and deprovisioned users are out on purpose.
pub fn wants_fix(o: &Outcome) -> bool {
    o.lockout != Lockout::None
        || matches!(o.cohort, Cohort::Blocked)
        || (o.cohort == Cohort::NotProvisioned && o.domain_class == DomainClass::Unverified)
}

/// The first single change that gives the user access without a lockout.
pub fn smallest_fix(
    cfg: &Config,
    asm: &Assumptions,
    u: &DirectoryUser,
    o: &Outcome,
) -> Option<Fix> {
    if !wants_fix(o) {
        return None;
    }
    let mut candidates = Vec::new();
    let fix = |kind, target: &str| Fix {
        kind,
        target: target.to_string(),
    };
    if u.idp_email_matches() == Some(false) {
        candidates.push(fix(FixKind::FixIdpEmail, ""));
    }
    if u.idp_assigned == Some(false) {
        candidates.push(fix(FixKind::AssignIdpApp, ""));
    }
    if matches!(u.idp_status, Some(IdpStatus::Disabled | IdpStatus::Absent)) {
        candidates.push(fix(FixKind::ActivateIdpAccount, ""));
    }
    if candidates.len() > 1 {
        candidates.push(fix(FixKind::IdpAccountFixes, ""));
    }
    if cfg.scim() {
        if let (Some(groups), Some(first)) = (&u.groups, cfg.provisioning.scim_groups.first()) {
            if !groups
                .iter()
                .any(|g| cfg.provisioning.scim_groups.contains(g))
            {
                candidates.push(fix(FixKind::AddToScimGroup, first));
            }
        }
    }
    if cfg.auth_mode().sso_on() && !cfg.api_platform_sso() {
        candidates.push(fix(FixKind::EnableApiPlatformSso, ""));
    }
    if o.domain_class == DomainClass::Unverified && !u.domain().is_empty() {
        candidates.push(fix(FixKind::VerifyDomain, &u.domain().to_ascii_lowercase()));
    }
    candidates.into_iter().find(|f| {
        let after = if f.is_workspace_change() {
            evaluate(&f.apply_to_config(cfg), asm, u)
        } else {
            evaluate(cfg, asm, &f.apply_to_user(u))
        };
        is_fine(&after)
    })
}

/// How many users of the directory a workspace change would let in (not fine before, fine
/// after). Streams the directory again.
pub fn users_let_in(
    cfg: &Config,
    asm: &Assumptions,
    fix: &Fix,
    users: &Path,
) -> Result<u64, Fatal> {
    let changed = fix.apply_to_config(cfg);
    let mut n = 0;
    for u in DirectoryReader::open(users)? {
        let u = u?;
        if !is_fine(&evaluate(cfg, asm, &u)) && is_fine(&evaluate(&changed, asm, &u)) {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "email,groups,workspace_state,invite_source,personal_account,has_password,social,idp_status,idp_assigned,idp_email,role,new_account\n";

    fn user(row: &str) -> DirectoryUser {
        let text = format!("{HEADER}{row}\n");
        let mut r =
            DirectoryReader::from_reader("t.csv", Box::new(std::io::Cursor::new(text)), false)
                .unwrap();
        r.next().unwrap().unwrap()
    }

    fn cfg(extra: &str) -> Config {
        toml::from_str(&format!(
            "[workspace]\nverified_domains = [\"acme.com\"]\n{extra}"
        ))
        .unwrap()
    }

    fn fix_for(c: &Config, row: &str) -> Option<FixKind> {
        let u = user(row);
        let a = Assumptions::default();
        let o = evaluate(c, &a, &u);
        smallest_fix(c, &a, &u, &o).map(|f| f.kind)
    }

    #[test]
    fn the_smallest_change_is_chosen() {
        let enforced = cfg("[authentication]\nmode = \"sso_enforced\"\n");
        assert_eq!(
            fix_for(
                &enforced,
                "a@acme.com,,member,manual,none,true,,active,false,,member,false"
            ),
            Some(FixKind::AssignIdpApp)
        );
        assert_eq!(
            fix_for(
                &enforced,
                "a@acme.com,,member,manual,none,true,,active,true,b@acme.com,member,false"
            ),
            Some(FixKind::FixIdpEmail)
        );
        assert_eq!(
            fix_for(
                &enforced,
                "a@acme.com,,member,manual,none,true,,disabled,false,,member,false"
            ),
            Some(FixKind::IdpAccountFixes)
        );
        let api_off = cfg("[authentication]\nmode = \"sso_enabled\"\napi_platform_sso = false\n");
        assert_eq!(
            fix_for(
                &api_off,
                "a@acme.com,,invited,manual,none,true,,active,true,,member,false"
            ),
            Some(FixKind::EnableApiPlatformSso)
        );
        let blocked = cfg(
            "external_invites = \"blocked\"\n[provisioning]\nscim = true\nscim_groups = [\"G\"]\n",
        );
        assert_eq!(
            fix_for(
                &blocked,
                "a@eu.acme.com,G,none,,none,true,,active,true,,member,false"
            ),
            Some(FixKind::VerifyDomain)
        );
        assert_eq!(
            fix_for(
                &blocked,
                "a@acme.com,,removed,scim,none,true,,active,true,,member,false"
            ),
            None,
            "removed on purpose"
        );
        assert_eq!(
            fix_for(
                &blocked,
                "a@acme.com,Other,none,,none,true,,active,true,,member,false"
            ),
            None,
            "a verified user nobody provisioned needs no fix"
        );
    }
}
