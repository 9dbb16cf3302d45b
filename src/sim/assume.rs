//! The readings of SIMULATION.md's ambiguities (A1, A4, A5, A7, A8): defaults, then
//! `[simulate].assume` from the configuration, then `--assume KEY=VALUE` (the command line wins).

use crate::config::Plan;
use crate::error::Fatal;
use std::collections::BTreeMap;

named_enum! {
    /// An ambiguity switch, named as in SIMULATION.md's table.
    pub enum Key {
        ScimRequires => "scim_requires",
        EnabledLockout => "enabled_lockout",
        ApiSsoOffEffect => "api_sso_off_effect",
        Migration => "migration",
        ExtBlockScope => "ext_block_scope",
    }
}

named_enum! {
    /// A1: does SCIM need a verified domain or SSO before it invites anyone?
    pub enum ScimRequires { None => "none", Domain => "domain", Sso => "sso" }
}
named_enum! {
    /// A4: lockout after migration under SSO *enabled*, where social login still works.
    pub enum EnabledLockout { SocialFallback => "social_fallback", Strict => "strict" }
}
named_enum! {
    /// A5: what ChatGPT SSO on with API Platform SSO off does to newly provisioned users.
    pub enum ApiSsoOffEffect { All => "all", MobileOnly => "mobile_only" }
}
named_enum! {
    /// A7: is the personal-account migration forced or optional?
    pub enum Migration { Forced => "forced", Optional => "optional" }
}
named_enum! {
    /// A8: does external-invite blocking stop SCIM invites of unverified e-mails?
    pub enum ExtBlockScope { All => "all", Manual => "manual" }
}

impl Key {
    /// The ambiguity id in SIMULATION.md's table.
    pub fn ambiguity(self) -> &'static str {
        match self {
            Key::ScimRequires => "A1",
            Key::EnabledLockout => "A4",
            Key::ApiSsoOffEffect => "A5",
            Key::Migration => "A7",
            Key::ExtBlockScope => "A8",
        }
    }

    pub fn allowed(self) -> String {
        match self {
            Key::ScimRequires => ScimRequires::choices(),
            Key::EnabledLockout => EnabledLockout::choices(),
            Key::ApiSsoOffEffect => ApiSsoOffEffect::choices(),
            Key::Migration => Migration::choices(),
            Key::ExtBlockScope => ExtBlockScope::choices(),
        }
    }

    pub fn values(self) -> &'static [&'static str] {
        match self {
            Key::ScimRequires => &["none", "domain", "sso"],
            Key::EnabledLockout => &["social_fallback", "strict"],
            Key::ApiSsoOffEffect => &["all", "mobile_only"],
            Key::Migration => &["forced", "optional"],
            Key::ExtBlockScope => &["all", "manual"],
        }
    }
}

/// One reading per ambiguity. `migration: None` means the plan decides (SIMULATION.md A7:
/// forced for enterprise and edu, optional for business).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumptions {
    pub scim_requires: ScimRequires,
    pub enabled_lockout: EnabledLockout,
    pub api_sso_off_effect: ApiSsoOffEffect,
    pub migration: Option<Migration>,
    pub ext_block_scope: ExtBlockScope,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            scim_requires: ScimRequires::None,
            enabled_lockout: EnabledLockout::SocialFallback,
            api_sso_off_effect: ApiSsoOffEffect::All,
            migration: None,
            ext_block_scope: ExtBlockScope::All,
        }
    }
}

fn bad_flag(message: String) -> Fatal {
    Fatal::new(&crate::rules::input::UNDECODABLE, message)
}

impl Assumptions {
    /// Defaults, then the configuration's `[simulate].assume`, then `--assume` flags.
    pub fn resolve(
        file: &BTreeMap<String, String>,
        flags: &[String],
    ) -> Result<Assumptions, Fatal> {
        let mut a = Assumptions::default();
        for (k, v) in file {
            a.set(k, v)
                .map_err(|e| bad_flag(format!("[simulate].assume: {e}")))?;
        }
        for flag in flags {
            let (k, v) = flag.split_once('=').ok_or_else(|| {
                bad_flag(format!(
                    "--assume {flag}: expected KEY=VALUE with KEY one of {}",
                    Key::choices()
                ))
            })?;
            a.set(k.trim(), v.trim())
                .map_err(|e| bad_flag(format!("--assume {flag}: {e}")))?;
        }
        Ok(a)
    }

    /// Set one reading; the error names the allowed keys or values.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let k = Key::parse(key).ok_or_else(|| {
            format!(
                "unknown assumption `{key}`; the keys are {}",
                Key::choices()
            )
        })?;
        let bad = || format!("`{value}` is not a reading of {key}; use {}", k.allowed());
        match k {
            Key::ScimRequires => self.scim_requires = ScimRequires::parse(value).ok_or_else(bad)?,
            Key::EnabledLockout => {
                self.enabled_lockout = EnabledLockout::parse(value).ok_or_else(bad)?
            }
            Key::ApiSsoOffEffect => {
                self.api_sso_off_effect = ApiSsoOffEffect::parse(value).ok_or_else(bad)?
            }
            Key::Migration => self.migration = Some(Migration::parse(value).ok_or_else(bad)?),
            Key::ExtBlockScope => {
                self.ext_block_scope = ExtBlockScope::parse(value).ok_or_else(bad)?
            }
        }
        Ok(())
    }

    /// The same readings with one switched.
    pub fn with(&self, key: Key, value: &str) -> Assumptions {
        let mut a = *self;
        // Values come from Key::values, so this cannot fail.
        let _ = a.set(key.name(), value);
        a
    }

    pub fn migration_for(&self, plan: Plan) -> Migration {
        self.migration.unwrap_or(match plan {
            Plan::Business => Migration::Optional,
            Plan::Enterprise | Plan::Edu => Migration::Forced,
        })
    }

    /// The reading in force for a key (the plan decides A7's default).
    pub fn value(&self, key: Key, plan: Plan) -> &'static str {
        match key {
            Key::ScimRequires => self.scim_requires.name(),
            Key::EnabledLockout => self.enabled_lockout.name(),
            Key::ApiSsoOffEffect => self.api_sso_off_effect.name(),
            Key::Migration => self.migration_for(plan).name(),
            Key::ExtBlockScope => self.ext_block_scope.name(),
        }
    }

    /// Every reading in force, in table order, for the JSON `assumptions` object.
    pub fn entries(&self, plan: Plan) -> Vec<(&'static str, &'static str)> {
        Key::ALL
            .iter()
            .map(|&k| (k.name(), self.value(k, plan)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_wins_and_bad_values_name_the_choices() {
        let mut file = BTreeMap::new();
        file.insert("enabled_lockout".to_string(), "strict".to_string());
        let a = Assumptions::resolve(&file, &["enabled_lockout=social_fallback".into()]).unwrap();
        assert_eq!(a.enabled_lockout, EnabledLockout::SocialFallback);
        let a = Assumptions::resolve(&file, &[]).unwrap();
        assert_eq!(a.enabled_lockout, EnabledLockout::Strict);
        let e = Assumptions::resolve(&BTreeMap::new(), &["migration=maybe".into()]).unwrap_err();
        assert!(e.message.contains("forced|optional"), "{}", e.message);
        let e = Assumptions::resolve(&BTreeMap::new(), &["scim=none".into()]).unwrap_err();
        assert!(
            e.message.contains("scim_requires|enabled_lockout"),
            "{}",
            e.message
        );
        assert!(Assumptions::resolve(&BTreeMap::new(), &["strict".into()]).is_err());
        assert_eq!(
            Assumptions::default().migration_for(Plan::Business),
            Migration::Optional
        );
        assert_eq!(
            Assumptions::default().migration_for(Plan::Edu),
            Migration::Forced
        );
    }
}
