//! The workspace configuration as CONFIG.md defines it. Field names are the contract.
//!
//! Values that can be wrong without making the file unreadable (regexes, CIDRs, durations,
//! e-mail lists) stay strings here; `lint` validates them and reports findings, so an admin
//! sees every problem at once. Omitted keys are `None`; the `effective_*` accessors apply
//! CONFIG.md's defaults and the `pattern` shorthand in one place.

use crate::rules::Vendor;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Config {
    /// One of the four recommended patterns of seed 004.
    pub pattern: Option<Pattern>,
    /// Default for --skew, e.g. "180s".
    pub clock_skew: Option<String>,
    #[serde(default)]
    pub workspace: Workspace,
    #[serde(default)]
    pub provisioning: Provisioning,
    #[serde(default)]
    pub authentication: Authentication,
    #[serde(default)]
    pub saml: Saml,
    pub oidc: Option<Oidc>,
    pub ip_allowlist: Option<IpAllowlist>,
    pub data_controls: Option<DataControls>,
    #[serde(default)]
    pub simulate: SimulateSection,
    #[serde(default)]
    pub lint: LintSection,
    /// Severity overrides: rule id -> error | warning | info | off.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub suppressions: Vec<SuppressionEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    OptInAccess,
    SsoManualInvites,
    SsoAutomaticAccountCreation,
    SsoScim,
}

impl Pattern {
    pub const ALL: [Pattern; 4] = [
        Pattern::OptInAccess,
        Pattern::SsoManualInvites,
        Pattern::SsoAutomaticAccountCreation,
        Pattern::SsoScim,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pattern::OptInAccess => "opt-in-access",
            Pattern::SsoManualInvites => "sso-manual-invites",
            Pattern::SsoAutomaticAccountCreation => "sso-automatic-account-creation",
            Pattern::SsoScim => "sso-scim",
        }
    }

    pub fn parse(s: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.name() == s)
    }

    /// (automatic_account_creation, scim, mode) that the pattern sets (CONFIG.md).
    pub fn defaults(self) -> (bool, bool, AuthMode) {
        match self {
            Pattern::OptInAccess => (true, false, AuthMode::Default),
            Pattern::SsoManualInvites => (false, false, AuthMode::SsoEnabled),
            Pattern::SsoAutomaticAccountCreation => (true, false, AuthMode::SsoEnabled),
            Pattern::SsoScim => (false, true, AuthMode::SsoEnabled),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Workspace {
    pub name: Option<String>,
    pub plan: Option<Plan>,
    /// Exact domain names; a subdomain counts only if listed.
    #[serde(default)]
    pub verified_domains: Vec<String>,
    /// Domains another organisation has verified (sign-in conflict).
    #[serde(default)]
    pub domains_verified_elsewhere: Vec<String>,
    pub external_invites: Option<ExternalInvites>,
    #[serde(default)]
    pub owners: Vec<String>,
    #[serde(default)]
    pub admins: Vec<String>,
    /// Owners who keep a way in that does not depend on the IdP.
    #[serde(default)]
    pub break_glass: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Enterprise,
    Edu,
    Business,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExternalInvites {
    Allowed,
    Blocked,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Provisioning {
    pub automatic_account_creation: Option<bool>,
    pub scim: Option<bool>,
    /// IdP groups that SCIM syncs.
    #[serde(default)]
    pub scim_groups: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    Default,
    SsoEnabled,
    SsoEnforced,
}

impl AuthMode {
    pub fn sso_on(self) -> bool {
        !matches!(self, AuthMode::Default)
    }
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::Default => "default",
            AuthMode::SsoEnabled => "sso_enabled",
            AuthMode::SsoEnforced => "sso_enforced",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Saml,
    Oidc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mfa {
    Idp,
    None,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Authentication {
    pub mode: Option<AuthMode>,
    pub protocol: Option<Protocol>,
    /// The API Platform organisation uses the same SSO connection.
    pub api_platform_sso: Option<bool>,
    pub mfa: Option<Mfa>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Saml {
    #[serde(default)]
    pub sp: SamlSp,
    #[serde(default)]
    pub attributes: SamlAttributes,
    #[serde(default)]
    pub groups: SamlGroups,
    #[serde(default)]
    pub idp: SamlIdp,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SamlSp {
    pub entity_id: Option<String>,
    pub acs_url: Option<String>,
    /// emailAddress | unspecified | persistent | transient | a full URN
    pub nameid_format: Option<String>,
    /// false: a signed Response alone is enough (default true).
    pub require_signed_assertion: Option<bool>,
}

/// Workspace field -> attribute name the IdP must send.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SamlAttributes {
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub groups: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SamlGroups {
    /// Regex; groups that do not match are ignored.
    pub filter: Option<String>,
    #[serde(default)]
    pub mappings: Vec<GroupMapping>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GroupMapping {
    pub group: String,
    pub role: Option<String>,
    pub workspace: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SamlIdp {
    /// IdP metadata file (relative to the configuration file).
    pub metadata: Option<String>,
    pub entity_id: Option<String>,
    pub sso_url: Option<String>,
    /// PEM files; several while a rotation is under way.
    #[serde(default)]
    pub certificates: Vec<String>,
    pub vendor: Option<Vendor>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Oidc {
    /// May hold Entra's `{tenantid}` template.
    pub issuer: Option<String>,
    #[serde(default)]
    pub allowed_tenants: Vec<String>,
    pub client_id: Option<String>,
    pub jwks: Option<String>,
    pub discovery: Option<String>,
    /// Allow-list; never taken from a token header.
    #[serde(default)]
    pub algorithms: Vec<String>,
    pub email_claim: Option<String>,
    pub groups_claim: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct IpAllowlist {
    #[serde(default)]
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DataControls {
    /// A duration such as "90d", or "indefinite".
    pub retention: Option<String>,
    pub third_party_gpts: Option<bool>,
    pub apps: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SimulateSection {
    /// Default --users for simulate, diff and lint cross-checks.
    pub directory: Option<String>,
    /// Default readings of SIMULATION.md's ambiguities (key -> value).
    #[serde(default)]
    pub assume: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LintSection {
    /// metadata.cert-expiring fires inside this window (default 30d).
    pub cert_expiry_warning: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SuppressionEntry {
    pub rule: String,
    /// Required: why the finding is accepted.
    pub reason: Option<String>,
    /// YYYY-MM-DD; after it the suppression itself is an error.
    pub expires: Option<String>,
    /// Only findings about this value.
    #[serde(rename = "where")]
    pub where_: Option<String>,
}

impl Config {
    fn pattern_defaults(&self) -> Option<(bool, bool, AuthMode)> {
        self.pattern.map(Pattern::defaults)
    }

    pub fn plan(&self) -> Plan {
        self.workspace.plan.unwrap_or(Plan::Enterprise)
    }

    pub fn external_invites(&self) -> ExternalInvites {
        self.workspace
            .external_invites
            .unwrap_or(ExternalInvites::Allowed)
    }

    pub fn automatic_account_creation(&self) -> bool {
        self.provisioning
            .automatic_account_creation
            .or(self.pattern_defaults().map(|d| d.0))
            .unwrap_or(false)
    }

    pub fn scim(&self) -> bool {
        self.provisioning
            .scim
            .or(self.pattern_defaults().map(|d| d.1))
            .unwrap_or(false)
    }

    pub fn auth_mode(&self) -> AuthMode {
        self.authentication
            .mode
            .or(self.pattern_defaults().map(|d| d.2))
            .unwrap_or(AuthMode::Default)
    }

    pub fn protocol(&self) -> Protocol {
        self.authentication.protocol.unwrap_or(Protocol::Saml)
    }

    /// Seed 004: enabling SSO in ChatGPT enables it for associated API Platform organisations.
    pub fn api_platform_sso(&self) -> bool {
        self.authentication.api_platform_sso.unwrap_or(true)
    }

    pub fn mfa(&self) -> Mfa {
        self.authentication.mfa.unwrap_or(Mfa::None)
    }

    pub fn require_signed_assertion(&self) -> bool {
        self.saml.sp.require_signed_assertion.unwrap_or(true)
    }

    /// Is this domain (case-insensitive, exact) one of the verified domains?
    pub fn is_verified_domain(&self, domain: &str) -> bool {
        self.workspace
            .verified_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }

    pub fn is_domain_verified_elsewhere(&self, domain: &str) -> bool {
        self.workspace
            .domains_verified_elsewhere
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_fill_defaults_and_keys_override() {
        let c: Config =
            toml::from_str("pattern = \"sso-scim\"\n[authentication]\nmode = \"sso_enforced\"")
                .unwrap();
        assert!(c.scim());
        assert!(!c.automatic_account_creation());
        assert_eq!(c.auth_mode(), AuthMode::SsoEnforced);
        let d = Config::default();
        assert_eq!(d.auth_mode(), AuthMode::Default);
        assert!(d.api_platform_sso());
        assert_eq!(d.external_invites(), ExternalInvites::Allowed);
    }
}
