//! The rule registry. Each rule is declared once, as a `pub static` in its family's file,
//! with its id, default severity, summary and documentation; findings refer to the static
//! itself, so a misspelt rule id is a compile error. `ssolint rules`, `ssolint explain`,
//! SARIF rule metadata and `docs/rules.md` are all rendered from these declarations.

use serde::Serialize;
use std::fmt;

pub mod config;
pub mod input;
pub mod metadata;
pub mod oidc;
pub mod saml;
pub mod saml_signature;
pub mod scim;
pub mod sim;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identity providers whose screens and words the fix hints use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Okta,
    Entra,
    Google,
    Adfs,
    Onelogin,
    Ping,
    Keycloak,
    Other,
}

impl Vendor {
    pub const ALL: [Vendor; 8] = [
        Vendor::Okta,
        Vendor::Entra,
        Vendor::Google,
        Vendor::Adfs,
        Vendor::Onelogin,
        Vendor::Ping,
        Vendor::Keycloak,
        Vendor::Other,
    ];

    pub fn display_name(self) -> &'static str {
        match self {
            Vendor::Okta => "Okta",
            Vendor::Entra => "Entra ID",
            Vendor::Google => "Google Workspace",
            Vendor::Adfs => "ADFS",
            Vendor::Onelogin => "OneLogin",
            Vendor::Ping => "Ping",
            Vendor::Keycloak => "Keycloak",
            Vendor::Other => "your IdP",
        }
    }

    pub fn parse(s: &str) -> Option<Vendor> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.key() == s.to_ascii_lowercase())
    }

    pub fn key(self) -> &'static str {
        match self {
            Vendor::Okta => "okta",
            Vendor::Entra => "entra",
            Vendor::Google => "google",
            Vendor::Adfs => "adfs",
            Vendor::Onelogin => "onelogin",
            Vendor::Ping => "ping",
            Vendor::Keycloak => "keycloak",
            Vendor::Other => "other",
        }
    }
}

/// A control in a framework that a rule maps to, e.g. `Control::nist("IA-2")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Control {
    pub framework: &'static str,
    pub id: &'static str,
}

impl Control {
    /// A section of the ChatGPT Enterprise hardening guide (seed 002), e.g. `"1.1"`.
    pub const fn guide(id: &'static str) -> Control {
        Control {
            framework: "hardening-guide",
            id,
        }
    }
    pub const fn nist(id: &'static str) -> Control {
        Control {
            framework: "NIST 800-53",
            id,
        }
    }
    pub const fn cis(id: &'static str) -> Control {
        Control {
            framework: "CIS",
            id,
        }
    }
    pub const fn soc2(id: &'static str) -> Control {
        Control {
            framework: "SOC 2",
            id,
        }
    }
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.framework, self.id)
    }
}

/// One rule, declared once.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Stable dotted id, `family.what-is-wrong`. Never reused or renamed.
    pub id: &'static str,
    pub severity: Severity,
    /// One line, shown in `ssolint rules`.
    pub summary: &'static str,
    /// Why it matters (Markdown).
    pub why: &'static str,
    /// How to fix it, in general terms.
    pub fix: &'static str,
    /// How to fix it in a given IdP's own screens, where that differs.
    pub vendor_fixes: &'static [(Vendor, &'static str)],
    /// Hardening-guide level (`L1`/`L2`/`L3`) where the rule comes from seed 002.
    pub profile: Option<&'static str>,
    pub controls: &'static [Control],
    /// Where the behaviour comes from: "seed 004 (Authentication)", "SAML core §2.5.1.4", …
    pub source: &'static str,
}

impl Rule {
    /// Blank fields for `..Rule::BLANK` in declarations; the registry test rejects a rule
    /// left without id, summary, documentation or source.
    pub const BLANK: Rule = Rule {
        id: "",
        severity: Severity::Error,
        summary: "",
        why: "",
        fix: "",
        vendor_fixes: &[],
        profile: None,
        controls: &[],
        source: "",
    };

    /// The fix hint in a given IdP's words, falling back to the generic fix.
    pub fn fix_for(&self, vendor: Option<Vendor>) -> &'static str {
        vendor
            .and_then(|v| {
                self.vendor_fixes
                    .iter()
                    .find(|(fv, _)| *fv == v)
                    .map(|(_, s)| *s)
            })
            .unwrap_or(self.fix)
    }

    pub fn family(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }
}

/// Every family's rules, in catalogue order.
pub fn families() -> [(&'static str, &'static [&'static Rule]); 8] {
    [
        ("input", input::RULES),
        ("saml", saml::RULES),
        ("saml", saml_signature::RULES),
        ("oidc", oidc::RULES),
        ("metadata", metadata::RULES),
        ("config", config::RULES),
        ("scim", scim::RULES),
        ("sim", sim::RULES),
    ]
}

pub fn all() -> impl Iterator<Item = &'static Rule> {
    families()
        .into_iter()
        .flat_map(|(_, rules)| rules.iter().copied())
}

pub fn lookup(id: &str) -> Option<&'static Rule> {
    all().find(|r| r.id == id)
}

/// Rule ids close to `id`, for "did you mean" hints.
pub fn similar(id: &str) -> Vec<&'static str> {
    let mut scored: Vec<(f64, &'static str)> = all()
        .map(|r| (strsim::jaro_winkler(id, r.id), r.id))
        .filter(|(s, _)| *s > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_well_formed_and_in_their_family() {
        let id_shape = regex::Regex::new(r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$").unwrap();
        let mut seen = HashSet::new();
        for (family, rules) in families() {
            for rule in rules {
                assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
                assert!(id_shape.is_match(rule.id), "bad rule id {}", rule.id);
                assert_eq!(
                    rule.family(),
                    family,
                    "{} is listed under {family}",
                    rule.id
                );
                assert!(
                    !rule.summary.is_empty() && !rule.why.is_empty() && !rule.fix.is_empty(),
                    "{} lacks documentation",
                    rule.id
                );
                assert!(
                    !rule.source.is_empty(),
                    "{} does not cite its source",
                    rule.id
                );
            }
        }
    }
}
