//! Counts per cohort, kept while the users stream by, and their wording.

use super::directory::DirectoryUser;
use super::model::{Access, InviteEmail, Lockout, Outcome, PersonalEffect, Risk, SimFinding};
use crate::config::LoadedConfig;
use crate::findings::{FileId, Finding};
use crate::rules::Severity;
use serde::Serialize;

/// How many users each `sim.*` rule applies to, with the first few e-mails as examples.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub examples: Vec<String>,
}

const EXAMPLES: usize = 5;

/// The `counts` object of `ssolint/simulation/v1` (the first seven keys are SIMULATION.md's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub granted: u64,
    pub pending: u64,
    pub denied: u64,
    pub unknown: u64,
    pub lockout_after_migration: u64,
    pub migration_prompts: u64,
    pub sso_bypass: u64,
    pub users: u64,
    pub lockout_now: u64,
    pub plus_cancelled: u64,
    pub kept_both: u64,
    pub not_provisioned: u64,
    pub invites_sent: u64,
    pub invites_blocked: u64,
    pub api_sso_blocks_new_users: u64,
    pub sso_email_mismatch: u64,
    pub mfa_not_enforced: u64,
    pub mobile_signup_fails: u64,
    /// Users per `sim.*` rule (rule id order of [`SimFinding::ALL`]).
    #[serde(skip)]
    pub by_rule: Vec<(SimFinding, Tally)>,
}

impl Counts {
    pub fn add(&mut self, user: &DirectoryUser, o: &Outcome) {
        self.users += 1;
        match o.access {
            Access::Granted => self.granted += 1,
            Access::Pending => self.pending += 1,
            Access::Denied => self.denied += 1,
            Access::Unknown => self.unknown += 1,
        }
        match o.lockout {
            Lockout::None => {}
            Lockout::Now => self.lockout_now += 1,
            Lockout::AfterMigration => self.lockout_after_migration += 1,
        }
        match o.personal_account {
            PersonalEffect::MigrationPrompt => self.migration_prompts += 1,
            PersonalEffect::KeptBoth => self.kept_both += 1,
            PersonalEffect::Untouched => {}
        }
        self.plus_cancelled += u64::from(o.plus_cancelled);
        self.sso_bypass += u64::from(o.risks.contains(Risk::SsoBypass));
        self.sso_email_mismatch += u64::from(o.risks.contains(Risk::SsoEmailMismatch));
        self.mfa_not_enforced += u64::from(o.risks.contains(Risk::MfaNotEnforced));
        self.mobile_signup_fails += u64::from(o.risks.contains(Risk::MobileSignupFails));
        self.not_provisioned += u64::from(o.findings.contains(SimFinding::NotProvisioned));
        self.api_sso_blocks_new_users +=
            u64::from(o.findings.contains(SimFinding::ApiSsoBlocksNewUsers));
        match o.invite_email {
            InviteEmail::Sent => self.invites_sent += 1,
            InviteEmail::Blocked => self.invites_blocked += 1,
            _ => {}
        }
        for f in o.findings.iter() {
            self.note(f, &user.email);
        }
    }

    /// Add the counts of users that come after this one's (examples keep file order).
    pub fn merge(&mut self, later: Counts) {
        let Counts {
            granted,
            pending,
            denied,
            unknown,
            lockout_after_migration,
            migration_prompts,
            sso_bypass,
            users,
            lockout_now,
            plus_cancelled,
            kept_both,
            not_provisioned,
            invites_sent,
            invites_blocked,
            api_sso_blocks_new_users,
            sso_email_mismatch,
            mfa_not_enforced,
            mobile_signup_fails,
            by_rule,
        } = later;
        self.granted += granted;
        self.pending += pending;
        self.denied += denied;
        self.unknown += unknown;
        self.lockout_after_migration += lockout_after_migration;
        self.migration_prompts += migration_prompts;
        self.sso_bypass += sso_bypass;
        self.users += users;
        self.lockout_now += lockout_now;
        self.plus_cancelled += plus_cancelled;
        self.kept_both += kept_both;
        self.not_provisioned += not_provisioned;
        self.invites_sent += invites_sent;
        self.invites_blocked += invites_blocked;
        self.api_sso_blocks_new_users += api_sso_blocks_new_users;
        self.sso_email_mismatch += sso_email_mismatch;
        self.mfa_not_enforced += mfa_not_enforced;
        self.mobile_signup_fails += mobile_signup_fails;
        for (f, tally) in by_rule {
            if let Some(mine) = self.tally_mut(f) {
                mine.count += tally.count;
                let room = EXAMPLES.saturating_sub(mine.examples.len());
                mine.examples.extend(tally.examples.into_iter().take(room));
            }
        }
    }

    /// The tally of `f`, inserted in rule order when new.
    fn tally_mut(&mut self, f: SimFinding) -> Option<&mut Tally> {
        let i = match self.by_rule.binary_search_by_key(&f, |(r, _)| *r) {
            Ok(i) => i,
            Err(i) => {
                self.by_rule.insert(i, (f, Tally::default()));
                i
            }
        };
        self.by_rule.get_mut(i).map(|(_, t)| t)
    }

    /// Count one finding for one user (also used by `diff` for its own findings).
    pub fn note(&mut self, f: SimFinding, email: &str) {
        let Some(tally) = self.tally_mut(f) else {
            return;
        };
        tally.count += 1;
        if tally.examples.len() < EXAMPLES {
            tally.examples.push(email.to_string());
        }
    }

    pub fn tally(&self, f: SimFinding) -> Option<&Tally> {
        self.by_rule.iter().find(|(r, _)| *r == f).map(|(_, t)| t)
    }

    /// The highest effective severity among the findings, honouring `[rules]` overrides.
    pub fn worst(&self, loaded: Option<&LoadedConfig>) -> Option<Severity> {
        self.by_rule
            .iter()
            .filter(|(_, t)| t.count > 0)
            .filter_map(|(f, _)| effective_severity(*f, loaded))
            .max()
    }

    /// One finding per rule, pointing at the configuration file.
    pub fn findings(&self, loaded: &LoadedConfig, file: FileId) -> Vec<Finding> {
        self.by_rule
            .iter()
            .filter(|(_, t)| t.count > 0)
            .filter_map(|(f, t)| {
                let severity = effective_severity(*f, Some(loaded))?;
                let more = t.count.saturating_sub(t.examples.len() as u64);
                let mut who = t.examples.join(", ");
                if more > 0 {
                    who.push_str(&format!(" and {more} more"));
                }
                Some(
                    Finding::new(
                        f.rule(),
                        format!("{} ({}): {who}", f.rule().summary, users(t.count)),
                    )
                    .severity(severity)
                    .in_file(file),
                )
            })
            .collect()
    }

    /// The counts per cohort, in words (human output).
    pub fn sentences(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{}: {} granted, {} pending, {} denied, {} unknown.",
            users(self.users),
            self.granted,
            self.pending,
            self.denied,
            self.unknown
        )];
        if self.migration_prompts > 0 {
            let mut s = format!("{} will be prompted to migrate", self.migration_prompts);
            if self.plus_cancelled > 0 {
                s.push_str(&format!(
                    ", {} of them {} whose subscription is cancelled",
                    self.plus_cancelled,
                    pick(self.plus_cancelled, "a Plus subscriber", "Plus subscribers")
                ));
            }
            s.push('.');
            out.push(s);
        }
        if self.kept_both > 0 {
            out.push(format!(
                "{} {} their personal account beside the workspace.",
                users(self.kept_both),
                pick(self.kept_both, "keeps", "keep")
            ));
        }
        if self.lockout_after_migration > 0 {
            out.push(format!(
                "{} verified-domain {} cannot complete an IdP login: locked out after migration.",
                self.lockout_after_migration,
                pick(self.lockout_after_migration, "user", "users")
            ));
        }
        if self.lockout_now > 0 {
            out.push(format!(
                "{} provisioned {} no way to log in now: locked out.",
                self.lockout_now,
                pick(self.lockout_now, "user has", "users have")
            ));
        }
        if self.api_sso_blocks_new_users > 0 {
            out.push(format!(
                "{} newly provisioned {} blocked by ChatGPT SSO on with API Platform SSO off.",
                self.api_sso_blocks_new_users,
                pick(self.api_sso_blocks_new_users, "user is", "users are")
            ));
        }
        if self.sso_bypass > 0 {
            out.push(format!(
                "{} provisioned unverified-domain {} password/social login under enforced SSO (SSO bypass).",
                self.sso_bypass,
                pick(self.sso_bypass, "user keeps", "users keep")
            ));
        }
        if self.sso_email_mismatch > 0 {
            out.push(format!(
                "{} {} an IdP e-mail that differs from the invited one: their SSO login fails.",
                self.sso_email_mismatch,
                pick(self.sso_email_mismatch, "user has", "users have")
            ));
        }
        if self.not_provisioned > 0 {
            out.push(format!(
                "{} not provisioned ({} of them blocked external invites).",
                users(self.not_provisioned),
                self.invites_blocked
            ));
        }
        if self.invites_sent > 0 {
            out.push(format!(
                "{} invitation e-mails will be sent.",
                self.invites_sent
            ));
        }
        if self.unknown > 0 {
            out.push(format!(
                "{} cannot be decided: directory fields are missing (see NOTES).",
                users(self.unknown)
            ));
        }
        out
    }
}

/// `n` users, in words.
pub(crate) fn users(n: u64) -> String {
    format!("{n} {}", pick(n, "user", "users"))
}

/// The singular or the plural wording for a count of `n`.
fn pick<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The rule's severity after `[rules]` overrides; `None` when turned off.
pub fn effective_severity(f: SimFinding, loaded: Option<&LoadedConfig>) -> Option<Severity> {
    let rule = f.rule();
    match loaded
        .and_then(|l| l.config.rules.get(rule.id))
        .map(String::as_str)
    {
        Some("off") => None,
        Some(s) => Some(Severity::parse(s).unwrap_or(rule.severity)),
        None => Some(rule.severity),
    }
}
