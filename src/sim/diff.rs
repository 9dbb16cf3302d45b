//! Comparing two configurations user by user (SIMULATION.md "diff OLD NEW"), the gate of
//! Settled reading 12, and the expected-changes file.

use super::model::{
    Access, DomainClass, Lockout, Method, Methods, Outcome, PersonalEffect, Risk, SimFinding,
};
use super::set::Set;
use crate::error::Fatal;
use crate::rules::input;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One change between the before and after outcome of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Access(Access, Access),
    Lockout(Lockout, Lockout),
    MethodLost(Method),
    MethodGained(Method),
    PersonalAccount(PersonalEffect, PersonalEffect),
    PlusCancelled(bool),
    RiskAdded(Risk),
    RiskRemoved(Risk),
    DomainClass(DomainClass, DomainClass),
    /// Another field (`provisioned_by`, `invite_email`, `unknown_fields`): name, before, after.
    Other(&'static str, String, String),
}

impl Change {
    pub fn describe(&self) -> String {
        match self {
            Change::Access(a, b) => format!("access {} → {}", a.name(), b.name()),
            Change::Lockout(a, b) => format!("lockout {} → {}", a.name(), b.name()),
            Change::MethodLost(m) => format!("loses {}", m.name()),
            Change::MethodGained(m) => format!("gains {}", m.name()),
            Change::PersonalAccount(a, b) => {
                format!("personal account {} → {}", a.name(), b.name())
            }
            Change::PlusCancelled(b) => {
                if *b {
                    "Plus subscription now cancelled".into()
                } else {
                    "Plus subscription no longer cancelled".into()
                }
            }
            Change::RiskAdded(r) => format!("new risk {}", r.name()),
            Change::RiskRemoved(r) => format!("risk {} gone", r.name()),
            Change::DomainClass(a, b) => format!("domain {} → {}", a.name(), b.name()),
            Change::Other(f, a, b) => {
                let shown = |v: &str| {
                    if v.is_empty() {
                        "-".to_string()
                    } else {
                        v.to_string()
                    }
                };
                format!("{f} {} → {}", shown(a), shown(b))
            }
        }
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self {
            Change::Access(a, b) => {
                m.serialize_entry("change", "access")?;
                m.serialize_entry("from", a)?;
                m.serialize_entry("to", b)?;
            }
            Change::Lockout(a, b) => {
                m.serialize_entry("change", "lockout")?;
                m.serialize_entry("from", a)?;
                m.serialize_entry("to", b)?;
            }
            Change::MethodLost(x) => {
                m.serialize_entry("change", "method_lost")?;
                m.serialize_entry("method", x)?;
            }
            Change::MethodGained(x) => {
                m.serialize_entry("change", "method_gained")?;
                m.serialize_entry("method", x)?;
            }
            Change::PersonalAccount(a, b) => {
                m.serialize_entry("change", "personal_account")?;
                m.serialize_entry("from", a)?;
                m.serialize_entry("to", b)?;
            }
            Change::PlusCancelled(b) => {
                m.serialize_entry("change", "plus_cancelled")?;
                m.serialize_entry("to", b)?;
            }
            Change::RiskAdded(r) => {
                m.serialize_entry("change", "risk_added")?;
                m.serialize_entry("risk", r)?;
            }
            Change::RiskRemoved(r) => {
                m.serialize_entry("change", "risk_removed")?;
                m.serialize_entry("risk", r)?;
            }
            Change::DomainClass(a, b) => {
                m.serialize_entry("change", "domain_class")?;
                m.serialize_entry("from", a)?;
                m.serialize_entry("to", b)?;
            }
            Change::Other(f, a, b) => {
                m.serialize_entry("change", f)?;
                m.serialize_entry("from", a)?;
                m.serialize_entry("to", b)?;
            }
        }
        m.end()
    }
}

fn method_changes(before: Methods, after: Methods, out: &mut Vec<Change>) {
    out.extend(before.minus(after).iter().map(Change::MethodLost));
    out.extend(after.minus(before).iter().map(Change::MethodGained));
}

/// Every difference between two outcomes of one user, most important first.
pub fn changes(before: &Outcome, after: &Outcome) -> Vec<Change> {
    let mut out = Vec::new();
    if before.access != after.access {
        out.push(Change::Access(before.access, after.access));
    }
    if before.lockout != after.lockout {
        out.push(Change::Lockout(before.lockout, after.lockout));
    }
    method_changes(before.methods, after.methods, &mut out);
    if before.personal_account != after.personal_account {
        out.push(Change::PersonalAccount(
            before.personal_account,
            after.personal_account,
        ));
    }
    if before.plus_cancelled != after.plus_cancelled {
        out.push(Change::PlusCancelled(after.plus_cancelled));
    }
    out.extend(
        after
            .risks
            .minus(before.risks)
            .iter()
            .map(Change::RiskAdded),
    );
    out.extend(
        before
            .risks
            .minus(after.risks)
            .iter()
            .map(Change::RiskRemoved),
    );
    if before.domain_class != after.domain_class {
        out.push(Change::DomainClass(before.domain_class, after.domain_class));
    }
    if before.provisioned_by != after.provisioned_by {
        out.push(Change::Other(
            "provisioned_by",
            before.provisioned_by.name().into(),
            after.provisioned_by.name().into(),
        ));
    }
    if before.invite_email != after.invite_email {
        out.push(Change::Other(
            "invite_email",
            before.invite_email.name().into(),
            after.invite_email.name().into(),
        ));
    }
    if before.unknown_fields != after.unknown_fields {
        out.push(Change::Other(
            "unknown_fields",
            before.unknown_fields.join(";"),
            after.unknown_fields.join(";"),
        ));
    }
    out
}

/// The `sim.*` findings a change raises, and whether it fails the gate (Settled reading 12).
pub fn findings(before: &Outcome, after: &Outcome) -> (Set<SimFinding>, bool) {
    let mut f = Set::EMPTY;
    let access_lost = before.access.has_access() && after.access == Access::Denied;
    let new_lockout = after.lockout != Lockout::None && after.lockout != before.lockout;
    if access_lost {
        f.insert(SimFinding::AccessLost);
    }
    if after.access.has_access() && !before.methods.minus(after.methods).is_empty() {
        f.insert(SimFinding::MethodLost);
    }
    if new_lockout {
        f.insert(match after.lockout {
            Lockout::AfterMigration => SimFinding::LockoutAfterMigration,
            _ => SimFinding::LockedOut,
        });
    }
    if after.risks.contains(Risk::SsoBypass) && !before.risks.contains(Risk::SsoBypass) {
        f.insert(SimFinding::SsoBypass);
    }
    if after.personal_account == PersonalEffect::MigrationPrompt
        && before.personal_account != PersonalEffect::MigrationPrompt
    {
        f.insert(SimFinding::MigrationPrompt);
    }
    (f, access_lost || new_lockout)
}

/// The rule behind the most important change.
pub fn flipped_by(before: &Outcome, after: &Outcome) -> &'static str {
    if before.access == after.access
        && before.lockout == after.lockout
        && before.methods != after.methods
    {
        return after.methods_rule;
    }
    if before.access == after.access
        && before.lockout == after.lockout
        && before.access_rule == after.access_rule
    {
        // Only the personal-account effect, a risk or the domain class moved.
        if before.personal_account != after.personal_account {
            return "R-M1";
        }
        return after.methods_rule;
    }
    after.access_rule
}

/// One entry of the expected-changes file: `email` and/or `rule`, and a mandatory reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedEntry {
    pub email: Option<String>,
    pub rule: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub entries: Vec<ExpectedEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFile {
    expected: Vec<ExpectedEntry>,
}

impl Expected {
    /// Read a TOML file (`[[expected]]` tables) or JSON (a list, or `{"expected": [...]}`).
    pub fn load(path: &Path) -> Result<Expected, Fatal> {
        let label = path.display();
        // A list of expected changes with their reasons; the cap only stops a device.
        let text = crate::files::read_file(path, "expected changes", 16 << 20)?;
        let start = text.trim_start();
        let is_json = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => true,
            Some("toml") => false,
            // `[[expected]]` opens a TOML file; `[{` or `{` a JSON one.
            _ => start.starts_with('{') || (start.starts_with('[') && !start.starts_with("[[")),
        };
        let entries = if is_json {
            let value = crate::json::parse(&text).map_err(|e| {
                Fatal::new(
                    e.rule(),
                    format!("{label}:{}:{}: {}", e.line, e.column, e.message),
                )
            })?;
            let parsed: Result<Vec<ExpectedEntry>, _> = if value.is_array() {
                serde_json::from_value(value)
            } else {
                serde_json::from_value::<ExpectedFile>(value).map(|f| f.expected)
            };
            parsed.map_err(|e| Fatal::new(&input::UNDECODABLE, format!("{label}: {e}")))?
        } else {
            toml::from_str::<ExpectedFile>(&text)
                .map_err(|e| Fatal::new(&input::UNDECODABLE, format!("{label}: {e}")))?
                .expected
        };
        for (i, e) in entries.iter().enumerate() {
            if e.email.is_none() && e.rule.is_none() {
                return Err(Fatal::new(
                    &input::UNDECODABLE,
                    format!("{label}: entry {} names neither `email` nor `rule`", i + 1),
                ));
            }
            if e.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(Fatal::new(
                    &input::UNDECODABLE,
                    format!(
                        "{label}: entry {} has no `reason`; every expected change must say why",
                        i + 1
                    ),
                ));
            }
        }
        Ok(Expected { entries })
    }

    /// The reason a change of this user is expected, if an entry covers it.
    pub fn reason_for(
        &self,
        email: &str,
        flipped_by: &str,
        findings: Set<SimFinding>,
    ) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| {
                e.email
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(email))
                    && e.rule
                        .as_deref()
                        .is_none_or(|r| r == flipped_by || findings.iter().any(|f| f.name() == r))
            })
            .and_then(|e| e.reason.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::directory::DirectoryReader;
    use crate::sim::{evaluate, Assumptions};

    #[test]
    fn enforcing_sso_flips_by_r_a3_and_expected_entries_match_by_rule() {
        let text = "email,workspace_state,invite_source,has_password,social,idp_status,idp_assigned,idp_email\na@acme.com,member,manual,false,google,active,false,\n";
        let u = DirectoryReader::from_reader(
            "t.csv",
            Box::new(std::io::Cursor::new(text.to_string())),
            false,
        )
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
        let cfg = |mode: &str| -> crate::config::Config {
            toml::from_str(&format!("[workspace]\nverified_domains = [\"acme.com\"]\n[authentication]\nmode = \"{mode}\"\n")).unwrap()
        };
        let a = Assumptions::default();
        let before = evaluate(&cfg("sso_enabled"), &a, &u);
        let after = evaluate(&cfg("sso_enforced"), &a, &u);
        assert!(changes(&before, &before).is_empty());
        let list = changes(&before, &after);
        assert_eq!(list[0], Change::Access(Access::Granted, Access::Denied));
        assert_eq!(flipped_by(&before, &after), "R-A3");
        let (found, gate) = findings(&before, &after);
        assert!(
            gate && found.contains(SimFinding::AccessLost) && found.contains(SimFinding::LockedOut)
        );
        let expected = Expected {
            entries: vec![ExpectedEntry {
                email: None,
                rule: Some("R-A3".into()),
                reason: Some("cut-over".into()),
            }],
        };
        assert_eq!(
            expected.reason_for("a@acme.com", "R-A3", found),
            Some("cut-over")
        );
        assert_eq!(expected.reason_for("a@acme.com", "R-A5", Set::EMPTY), None);
    }
}
