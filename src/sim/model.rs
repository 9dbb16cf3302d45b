//! The simulation model of SIMULATION.md as one pure function: [`evaluate`] takes the
//! configuration, the ambiguity readings and one directory user and returns the [`Outcome`].
//! [`evaluate_traced`] does the same and records the rules applied, in order; the trace is
//! built only when it will be printed.

use super::assume::{
    ApiSsoOffEffect, Assumptions, EnabledLockout, ExtBlockScope, Key, Migration, ScimRequires,
};
use super::directory::{
    DirectoryUser, Field, IdpEmail, IdpStatus, InviteSource, PersonalAccount, Social,
    WorkspaceState,
};
use super::set::Set;
use crate::config::{AuthMode, Config, ExternalInvites, Mfa};
use crate::rules::Rule;
use std::cell::Cell;

named_enum! {
    /// S stated, I inferred, A ambiguous (SIMULATION.md).
    pub enum Tag { S => "S", I => "I", A => "A" }
}
named_enum! {
    pub enum DomainClass { Verified => "verified", Unverified => "unverified", Conflict => "conflict" }
}
named_enum! {
    pub enum Access { Granted => "granted", Pending => "pending", Denied => "denied", Unknown => "unknown" }
}
named_enum! {
    pub enum Method { Password => "password", Google => "google", Microsoft => "microsoft", Apple => "apple", Sso => "sso" }
}
named_enum! {
    pub enum ProvisionedBy { Manual => "manual", Scim => "scim", Automatic => "automatic", None => "none", Unknown => "unknown" }
}
named_enum! {
    pub enum InviteEmail { Sent => "sent", Silent => "silent", None => "none", Blocked => "blocked" }
}
named_enum! {
    pub enum PersonalEffect { Untouched => "untouched", MigrationPrompt => "migration_prompt", KeptBoth => "kept_both" }
}
named_enum! {
    pub enum Lockout { None => "none", Now => "now", AfterMigration => "after_migration" }
}
named_enum! {
    pub enum Risk {
        SsoBypass => "sso_bypass",
        MfaNotEnforced => "mfa_not_enforced",
        SsoEmailMismatch => "sso_email_mismatch",
        MobileSignupFails => "mobile_signup_fails",
    }
}
named_enum! {
    /// How the user stands towards the workspace (not part of the JSON; used by counts,
    /// fixes and the human wording).
    pub enum Cohort {
        Member => "member",
        Invited => "invited",
        ScimInvite => "scim_invite",
        AutoCreate => "automatic",
        NotProvisioned => "not_provisioned",
        Blocked => "blocked",
        Removed => "removed",
        Deprovisioned => "deprovisioned",
        Conflict => "conflict",
        Undecided => "undecided",
    }
}
named_enum! {
    /// The `sim.*` rules a user's outcome reports.
    pub enum SimFinding {
        LockedOut => "sim.locked-out",
        LockoutAfterMigration => "sim.lockout-after-migration",
        SsoBypass => "sim.sso-bypass",
        ApiSsoBlocksNewUsers => "sim.api-sso-blocks-new-users",
        SsoEmailMismatch => "sim.sso-email-mismatch",
        NotProvisioned => "sim.not-provisioned",
        MigrationPrompt => "sim.migration-prompt",
        Unknown => "sim.unknown",
        AccessLost => "sim.access-lost",
        MethodLost => "sim.method-lost",
    }
}

impl SimFinding {
    pub fn rule(self) -> &'static Rule {
        use crate::rules::sim;
        match self {
            SimFinding::LockedOut => &sim::LOCKED_OUT,
            SimFinding::LockoutAfterMigration => &sim::LOCKOUT_AFTER_MIGRATION,
            SimFinding::SsoBypass => &sim::SSO_BYPASS,
            SimFinding::ApiSsoBlocksNewUsers => &sim::API_SSO_BLOCKS_NEW_USERS,
            SimFinding::SsoEmailMismatch => &sim::SSO_EMAIL_MISMATCH,
            SimFinding::NotProvisioned => &sim::NOT_PROVISIONED,
            SimFinding::MigrationPrompt => &sim::MIGRATION_PROMPT,
            SimFinding::Unknown => &sim::UNKNOWN,
            SimFinding::AccessLost => &sim::ACCESS_LOST,
            SimFinding::MethodLost => &sim::METHOD_LOST,
        }
    }
}

impl Access {
    /// `granted` or `pending`: the person can get in (Settled reading 12's "had access").
    pub fn has_access(self) -> bool {
        matches!(self, Access::Granted | Access::Pending)
    }
}

impl From<Social> for Method {
    fn from(s: Social) -> Method {
        match s {
            Social::Google => Method::Google,
            Social::Microsoft => Method::Microsoft,
            Social::Apple => Method::Apple,
        }
    }
}

pub type Methods = Set<Method>;

/// Social login methods.
pub fn social_methods() -> Methods {
    Set::of(&[Method::Google, Method::Microsoft, Method::Apple])
}

/// The logins of a personal OpenAI account: password and social.
pub fn personal_methods() -> Methods {
    social_methods().or(Set::of(&[Method::Password]))
}

/// One rule of SIMULATION.md's list (or an ambiguity), as a trace cites it.
#[derive(Debug)]
pub struct SimRule {
    pub id: &'static str,
    pub tag: Tag,
    pub source: &'static str,
    pub says: &'static str,
}

macro_rules! sim_rules {
    ($($name:ident = $id:literal, $tag:ident, $source:literal, $says:literal;)+) => {
        $(pub static $name: SimRule = SimRule { id: $id, tag: Tag::$tag, source: $source, says: $says };)+
        /// Every rule and ambiguity the model can cite, in SIMULATION.md order.
        pub static SIM_RULES: &[&SimRule] = &[$(&$name),+];
    };
}

sim_rules! {
    R_P1 = "R-P1", S, "seed 004", "access needs both provisioning and authentication";
    R_P2 = "R-P2", S, "seed 004; help-center article 9534785", "a verified domain is required before automatic account creation or SSO";
    R_P3 = "R-P3", S, "seed 004", "manual invites by owners/admins are always available";
    R_P4 = "R-P4", S, "seed 004", "automatic account creation provisions verified-domain users when they sign up or log in; never unverified ones";
    R_P5 = "R-P5", S, "seed 004", "SCIM invites members of the specified IdP groups";
    R_P6 = "R-P6", S, "seed 004; help-center article 9672121", "blocking external-domain invites stops new invites to unverified domains, not existing invites or members";
    R_P7 = "R-P7", S, "seed 004; help-center article 10479654", "an invitation e-mail is sent for manual and first SCIM invites; silent for automatic creation and SCIM re-adds";
    R_P8 = "R-P8", S, "seed 004", "an invited verified-domain user is added on accepting or on plain login; an unverified one must accept";
    R_P9 = "R-P9", S, "help-center article 8266418", "removal or SCIM deprovisioning ends access at once";
    R_M1 = "R-M1", S, "seed 004", "invited verified-domain users with Free/Plus are prompted to migrate; Plus is cancelled";
    R_M2 = "R-M2", S, "seed 004", "unverified-domain users keep their personal account beside the workspace";
    R_M3 = "R-M3", S, "seed 004", "with automatic account creation the prompt comes at sign-up/login";
    R_A1 = "R-A1", S, "seed 004", "default authentication is password or social (Google, Microsoft, Apple)";
    R_A2 = "R-A2", S, "seed 004", "SSO enabled: provisioned verified-domain users use the IdP; password off; social still works";
    R_A3 = "R-A3", S, "seed 004", "SSO enforced: social off as well for them";
    R_A4 = "R-A4", S, "seed 004", "SSO changes nothing for unprovisioned personal accounts on verified domains, nor for provisioned unverified-domain users";
    R_A5 = "R-A5", S, "seed 004", "ChatGPT SSO on with API Platform SSO off: newly provisioned users cannot log in";
    R_A6 = "R-A6", S, "seed 004", "under SSO with automatic account creation, users who cannot authenticate at the IdP are locked out after migrating";
    R_A7 = "R-A7", S, "help-center article 20001235", "the SSO e-mail must equal the invited e-mail and be on a verified domain";
    R_N1 = "R-N1", S, "help-center article 12111596", "an IP allowlist does not block sign-in, only loading data";
    AMB_A1 = "A1", A, "SIMULATION.md ambiguities", "does SCIM need a verified domain or SSO? (scim_requires)";
    AMB_A4 = "A4", A, "SIMULATION.md ambiguities", "lockout after migration under SSO enabled (enabled_lockout)";
    AMB_A5 = "A5", A, "SIMULATION.md ambiguities", "effect of ChatGPT SSO on + API SSO off (api_sso_off_effect)";
    AMB_A7 = "A7", A, "SIMULATION.md ambiguities", "migration forced or optional (migration)";
    AMB_A8 = "A8", A, "SIMULATION.md ambiguities", "does external-invite blocking stop SCIM invites of unverified e-mails? (ext_block_scope)";
}

/// One applied rule in a user's decision trace.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    pub rule: &'static str,
    pub tag: Tag,
    pub source: &'static str,
    /// What the rule said about this user.
    pub says: String,
}

/// Records steps only when a trace buffer was given, so the common path formats nothing.
struct Tracer<'a> {
    steps: Option<&'a mut Vec<Step>>,
}

impl Tracer<'_> {
    fn note(&mut self, rule: &'static SimRule, says: impl FnOnce() -> String) {
        self.note_tag(rule, rule.tag, says);
    }
    fn note_tag(&mut self, rule: &'static SimRule, tag: Tag, says: impl FnOnce() -> String) {
        if let Some(steps) = self.steps.as_deref_mut() {
            steps.push(Step {
                rule: rule.id,
                tag,
                source: rule.source,
                says: says(),
            });
        }
    }
}

/// What happens to one user (SIMULATION.md "Outcome of one user").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub domain_class: DomainClass,
    pub access: Access,
    pub methods: Methods,
    pub provisioned_by: ProvisionedBy,
    pub invite_email: InviteEmail,
    pub personal_account: PersonalEffect,
    pub plus_cancelled: bool,
    pub lockout: Lockout,
    pub risks: Set<Risk>,
    pub unknown_fields: Set<Field>,
    pub findings: Set<SimFinding>,
    /// The ambiguity readings this outcome depended on.
    pub consulted: Set<Key>,
    pub cohort: Cohort,
    /// The rule that decided `access` (and `lockout`).
    pub access_rule: &'static str,
    /// The rule that decided `methods`.
    pub methods_rule: &'static str,
}

/// Every field packed into three words (a memo keyed by outcomes hashes one per user).
impl std::hash::Hash for Outcome {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut packed = 0u64;
        for (bits, value) in [
            (2, self.domain_class as u32),
            (2, self.access as u32),
            (3, self.provisioned_by as u32),
            (2, self.invite_email as u32),
            (2, self.personal_account as u32),
            (1, u32::from(self.plus_cancelled)),
            (2, self.lockout as u32),
            (4, self.cohort as u32),
            (5, self.methods.bits()),
            (4, self.risks.bits()),
            (5, self.consulted.bits()),
            (12, self.unknown_fields.bits()),
            (12, self.findings.bits()),
        ] {
            packed = (packed << bits) ^ u64::from(value);
        }
        let rule = |id: &str| {
            id.bytes()
                .fold(id.len() as u64, |h, b| h.rotate_left(8) ^ u64::from(b))
        };
        state.write_u64(packed);
        state.write_u64(rule(self.access_rule));
        state.write_u64(rule(self.methods_rule));
    }
}

impl Outcome {
    fn new(domain_class: DomainClass) -> Outcome {
        Outcome {
            domain_class,
            access: Access::Denied,
            methods: Set::EMPTY,
            provisioned_by: ProvisionedBy::None,
            invite_email: InviteEmail::None,
            personal_account: PersonalEffect::Untouched,
            plus_cancelled: false,
            lockout: Lockout::None,
            risks: Set::EMPTY,
            unknown_fields: Set::EMPTY,
            findings: Set::EMPTY,
            consulted: Set::EMPTY,
            cohort: Cohort::Undecided,
            access_rule: R_P1.id,
            methods_rule: R_P1.id,
        }
    }

    fn deny(mut self, rule: &'static SimRule, lockout: Lockout) -> Outcome {
        self.access = Access::Denied;
        self.methods = Set::EMPTY;
        self.access_rule = rule.id;
        self.lockout = lockout;
        if lockout == Lockout::Now {
            self.findings.insert(SimFinding::LockedOut);
        }
        self
    }

    fn unknown(
        mut self,
        t: &mut Tracer<'_>,
        rule: &'static SimRule,
        fields: Set<Field>,
    ) -> Outcome {
        t.note_tag(rule, Tag::I, || {
            format!(
                "cannot decide: {} unknown (a missing field is unknown, never false)",
                fields.join(", ")
            )
        });
        self.access = Access::Unknown;
        self.access_rule = rule.id;
        self.unknown_fields = self.unknown_fields.or(fields);
        self.findings.insert(SimFinding::Unknown);
        self
    }
}

/// Which methods are open to this user, which are closed, and which are unknown.
struct Availability {
    yes: Methods,
    unknown: Methods,
    sso_fields: Set<Field>,
    mismatch: bool,
}

impl Availability {
    /// What the user's fields say about each of `wanted`; the fields of other methods are
    /// not read (a memo learns that they did not decide this user).
    fn of(u: Reads<'_>, wanted: Methods) -> Availability {
        let mut a = Availability {
            yes: Set::EMPTY,
            unknown: Set::EMPTY,
            sso_fields: Set::EMPTY,
            mismatch: false,
        };
        if wanted.contains(Method::Password) {
            match u.has_password() {
                Some(true) => a.yes.insert(Method::Password),
                Some(false) => {}
                None => a.unknown.insert(Method::Password),
            }
        }
        if !wanted.and(social_methods()).is_empty() {
            match u.social() {
                Some(s) => s.iter().for_each(|s| a.yes.insert(s.into())),
                None => a.unknown = a.unknown.or(social_methods()),
            }
        }
        if !wanted.contains(Method::Sso) {
            return a;
        }
        let mut closed = false;
        match u.idp_status() {
            Some(IdpStatus::Active) => {}
            Some(_) => closed = true,
            None => a.sso_fields.insert(Field::IdpStatus),
        }
        match u.idp_assigned() {
            Some(true) => {}
            Some(false) => closed = true,
            None => a.sso_fields.insert(Field::IdpAssigned),
        }
        match u.idp_email_matches() {
            Some(true) => {}
            Some(false) => {
                closed = true;
                a.mismatch = true;
            }
            None => a.sso_fields.insert(Field::IdpEmail),
        }
        if closed {
            a.sso_fields = Set::EMPTY;
        } else if a.sso_fields.is_empty() {
            a.yes.insert(Method::Sso);
        } else {
            a.unknown.insert(Method::Sso);
        }
        a
    }

    /// The directory fields that would decide whether any of `methods` works.
    fn fields_for(&self, methods: Methods) -> Set<Field> {
        let mut f = Set::EMPTY;
        if methods.contains(Method::Password) {
            f.insert(Field::HasPassword);
        }
        if !methods.and(social_methods()).is_empty() {
            f.insert(Field::Social);
        }
        if methods.contains(Method::Sso) {
            f = f.or(self.sso_fields);
        }
        f
    }
}

/// The methods the workspace allows a provisioned user (evaluation order step 3).
pub fn workspace_methods(mode: AuthMode, verified: bool) -> Methods {
    let sso = Set::of(&[Method::Sso]);
    match (mode, verified) {
        (AuthMode::SsoEnabled, true) => sso.or(social_methods()),
        (AuthMode::SsoEnforced, true) => sso,
        _ => personal_methods(),
    }
}

fn mode_rule(mode: AuthMode, verified: bool) -> &'static SimRule {
    match (mode, verified) {
        (AuthMode::Default, _) => &R_A1,
        (_, false) => &R_A4,
        (AuthMode::SsoEnabled, true) => &R_A2,
        (AuthMode::SsoEnforced, true) => &R_A3,
    }
}

pub(crate) fn in_synced_group(cfg: &Config, groups: &[String]) -> bool {
    groups
        .iter()
        .any(|g| cfg.provisioning.scim_groups.iter().any(|s| s == g))
}

/// The user as the model reads it. With a [`ReadLog`], the first read of each field is noted
/// with the value the model saw, so a memo learns which fields decided this user's outcome.
#[derive(Clone, Copy)]
pub(crate) struct Reads<'a> {
    cfg: &'a Config,
    user: &'a DirectoryUser,
    log: Option<&'a ReadLog>,
}

/// The fields one evaluation read, in the order first read, each with its [`read_code`].
#[derive(Default)]
pub(crate) struct ReadLog {
    seen: Cell<u32>,
    order: Cell<Vec<(Field, u8)>>,
    /// The e-mails themselves were read (a trace text quotes them).
    emails: Cell<bool>,
}

impl ReadLog {
    /// Forget the last evaluation's reads (the buffer is kept).
    pub(crate) fn clear(&self) {
        let mut order = self.order.take();
        order.clear();
        self.order.set(order);
        self.seen.set(0);
        self.emails.set(false);
    }

    /// The fields read, in order, with the codes seen; `None` when the e-mails were read.
    pub(crate) fn fields(&self) -> Option<Vec<(Field, u8)>> {
        let order = self.order.take();
        let fields = (!self.emails.get()).then(|| order.clone());
        self.order.set(order);
        fields
    }

    fn note(&self, field: Field, code: impl FnOnce() -> u8) {
        let bit = 1 << field as u32;
        if self.seen.get() & bit == 0 {
            self.seen.set(self.seen.get() | bit);
            let mut order = self.order.take();
            order.push((field, code()));
            self.order.set(order);
        }
    }
}

/// A small number for the value of `field` as the model tells values apart: 0 for unknown,
/// then one per value (the groups only as in a synced group or not, the IdP e-mail only as
/// the same or not). Two users with the same codes for every field one of them read are
/// evaluated alike.
pub(crate) fn read_code(cfg: &Config, u: &DirectoryUser, field: Field) -> u8 {
    fn variant<T: super::set::Bit>(v: Option<T>) -> u8 {
        v.map_or(0, |v| 1 + v.index() as u8)
    }
    fn flag(v: Option<bool>) -> u8 {
        v.map_or(0, |b| 1 + u8::from(b))
    }
    match field {
        Field::Groups => flag(u.groups.as_deref().map(|g| in_synced_group(cfg, g))),
        Field::WorkspaceState => variant(u.workspace_state),
        Field::InviteSource => variant(u.invite_source),
        Field::PersonalAccount => variant(u.personal_account),
        Field::HasPassword => flag(u.has_password),
        Field::Social => u.social.map_or(0, |s| 1 + s.bits() as u8),
        Field::IdpStatus => variant(u.idp_status),
        Field::IdpAssigned => flag(u.idp_assigned),
        Field::IdpEmail => flag(u.idp_email_matches()),
        Field::Role => variant(u.role),
        Field::NewAccount => flag(u.new_account),
    }
}

impl<'a> Reads<'a> {
    pub(crate) fn new(cfg: &'a Config, user: &'a DirectoryUser, log: Option<&'a ReadLog>) -> Self {
        Reads { cfg, user, log }
    }
    fn note(&self, field: Field) {
        if let Some(log) = self.log {
            log.note(field, || read_code(self.cfg, self.user, field));
        }
    }
    /// The e-mail's domain (a memo keys on it first, so it is not noted).
    fn domain(&self) -> &'a str {
        self.user.domain()
    }
    /// The e-mail the IdP asserts (empty when the same) and the directory's.
    fn emails(&self) -> (&'a str, &'a str) {
        if let Some(log) = self.log {
            log.emails.set(true);
        }
        let asserted = match &self.user.idp_email {
            Some(IdpEmail::Other(e)) => e.as_str(),
            _ => "",
        };
        (asserted, self.user.email.as_str())
    }
    fn workspace_state(&self) -> Option<WorkspaceState> {
        self.note(Field::WorkspaceState);
        self.user.workspace_state
    }
    fn in_synced_group(&self) -> Option<bool> {
        self.note(Field::Groups);
        self.user
            .groups
            .as_deref()
            .map(|g| in_synced_group(self.cfg, g))
    }
    fn invite_source(&self) -> Option<InviteSource> {
        self.note(Field::InviteSource);
        self.user.invite_source
    }
    fn personal_account(&self) -> Option<PersonalAccount> {
        self.note(Field::PersonalAccount);
        self.user.personal_account
    }
    fn has_password(&self) -> Option<bool> {
        self.note(Field::HasPassword);
        self.user.has_password
    }
    fn social(&self) -> Option<super::directory::SocialSet> {
        self.note(Field::Social);
        self.user.social
    }
    fn idp_status(&self) -> Option<IdpStatus> {
        self.note(Field::IdpStatus);
        self.user.idp_status
    }
    fn idp_assigned(&self) -> Option<bool> {
        self.note(Field::IdpAssigned);
        self.user.idp_assigned
    }
    fn idp_email_matches(&self) -> Option<bool> {
        self.note(Field::IdpEmail);
        self.user.idp_email_matches()
    }
}

/// A1: is SCIM allowed to invite anyone under this configuration and reading?
fn scim_operates(cfg: &Config, asm: &Assumptions, o: &mut Outcome, t: &mut Tracer<'_>) -> bool {
    if !cfg.scim() {
        return false;
    }
    o.consulted.insert(Key::ScimRequires);
    let met = match asm.scim_requires {
        ScimRequires::None => true,
        ScimRequires::Domain => !cfg.workspace.verified_domains.is_empty(),
        ScimRequires::Sso => !cfg.workspace.verified_domains.is_empty() && cfg.auth_mode().sso_on(),
    };
    if asm.scim_requires != ScimRequires::None {
        t.note(&AMB_A1, || {
            format!(
                "scim_requires={}: seed 004 says \"Prior to setting up additional provisioning and authentication options, you must verify ownership of one or more email domains\"; SCIM {}",
                asm.scim_requires.name(),
                if met { "operates" } else { "invites nobody here" }
            )
        });
    }
    met
}

/// Evaluate one user (no trace).
pub fn evaluate(cfg: &Config, asm: &Assumptions, u: &DirectoryUser) -> Outcome {
    evaluate_traced(cfg, asm, u, None)
}

/// Evaluate one user, appending the rules applied to `trace` when one is given.
pub fn evaluate_traced(
    cfg: &Config,
    asm: &Assumptions,
    u: &DirectoryUser,
    trace: Option<&mut Vec<Step>>,
) -> Outcome {
    evaluate_reads(cfg, asm, Reads::new(cfg, u, None), trace)
}

/// [`evaluate_traced`] on a user read through `u`.
pub(crate) fn evaluate_reads(
    cfg: &Config,
    asm: &Assumptions,
    u: Reads<'_>,
    trace: Option<&mut Vec<Step>>,
) -> Outcome {
    let mut t = Tracer { steps: trace };
    let domain = u.domain();
    let mode = cfg.auth_mode();
    let class = if cfg.is_domain_verified_elsewhere(domain) {
        DomainClass::Conflict
    } else if cfg.is_verified_domain(domain) {
        DomainClass::Verified
    } else {
        DomainClass::Unverified
    };
    let mut o = Outcome::new(class);
    let verified = class == DomainClass::Verified;

    // 1. Domain class.
    match class {
        DomainClass::Verified => t.note(&R_P2, || format!("{domain} is a verified domain")),
        DomainClass::Unverified => t.note(&R_P2, || {
            format!("{domain} is not a verified domain (exact names: a subdomain counts only if listed itself)")
        }),
        DomainClass::Conflict => t.note_tag(&R_P2, Tag::I, || {
            format!("{domain} is verified by another organisation: the sign-in fails with a domain error (Settled reading 8)")
        }),
    }
    if cfg
        .ip_allowlist
        .as_ref()
        .is_some_and(|a| !a.cidrs.is_empty())
    {
        t.note(&R_N1, || {
            "the IP allowlist does not block sign-in, only loading data".into()
        });
    }
    if class == DomainClass::Conflict {
        o.cohort = Cohort::Conflict;
        let provisioned = matches!(
            u.workspace_state(),
            Some(WorkspaceState::Member | WorkspaceState::Invited)
        );
        return o.deny(
            &R_P2,
            if provisioned {
                Lockout::Now
            } else {
                Lockout::None
            },
        );
    }

    // 2. Provisioning.
    let Some(state) = u.workspace_state() else {
        return o.unknown(&mut t, &R_P1, Set::of(&[Field::WorkspaceState]));
    };
    let scim = scim_operates(cfg, asm, &mut o, &mut t);
    let cohort = match state {
        WorkspaceState::Removed => {
            t.note(&R_P9, || "removed from the workspace: no access, even where automatic account creation is on (Settled reading 4)".into());
            o.cohort = Cohort::Removed;
            return o.deny(&R_P9, Lockout::None);
        }
        WorkspaceState::Member | WorkspaceState::Invited => {
            if scim {
                // The groups are read only where they decide (not for a manual invite).
                match u.invite_source() {
                    Some(InviteSource::Scim) => match u.in_synced_group() {
                        Some(false) => {
                            t.note(&R_P9, || "provisioned by SCIM but in no synced group any more: deprovisioned (Settled reading 4)".into());
                            o.cohort = Cohort::Deprovisioned;
                            return o.deny(&R_P9, Lockout::None);
                        }
                        None => return o.unknown(&mut t, &R_P9, Set::of(&[Field::Groups])),
                        Some(true) => {}
                    },
                    None if u.in_synced_group() == Some(false) => {
                        return o.unknown(&mut t, &R_P9, Set::of(&[Field::InviteSource]))
                    }
                    _ => {}
                }
            }
            o.provisioned_by = match u.invite_source() {
                Some(InviteSource::Manual) => ProvisionedBy::Manual,
                Some(InviteSource::Scim) => ProvisionedBy::Scim,
                None => ProvisionedBy::Unknown,
            };
            if state == WorkspaceState::Member {
                t.note(&R_P1, || "already a member of the workspace".into());
                Cohort::Member
            } else {
                if verified {
                    t.note(&R_P8, || "invited on a verified domain: added on accepting the invite or on a plain login".into());
                } else {
                    t.note_tag(&R_P8, Tag::I, || {
                        "invited on an unverified domain: must accept the invite".into()
                    });
                }
                if !verified && cfg.external_invites() == ExternalInvites::Blocked {
                    t.note(&R_P6, || "external invites are blocked, but blocking stops only new invites: this one stands".into());
                }
                Cohort::Invited
            }
        }
        WorkspaceState::None => {
            let mut cohort = None;
            if scim {
                match u.in_synced_group() {
                    None => return o.unknown(&mut t, &R_P5, Set::of(&[Field::Groups])),
                    Some(true) => {
                        let mut blocked = false;
                        if !verified && cfg.external_invites() == ExternalInvites::Blocked {
                            o.consulted.insert(Key::ExtBlockScope);
                            blocked = asm.ext_block_scope == ExtBlockScope::All;
                            t.note(&AMB_A8, || match asm.ext_block_scope {
                                ExtBlockScope::All => "ext_block_scope=all: external-invite blocking stops new SCIM invites of unverified e-mails too".into(),
                                ExtBlockScope::Manual => "ext_block_scope=manual: blocking stops manual invites only; SCIM still invites".into(),
                            });
                        }
                        if blocked {
                            t.note(&R_P6, || {
                                format!("external invites are blocked: no new invite to {domain}")
                            });
                            o.cohort = Cohort::Blocked;
                            o.invite_email = InviteEmail::Blocked;
                            o.findings.insert(SimFinding::NotProvisioned);
                            return o.deny(&R_P6, Lockout::None);
                        }
                        t.note(&R_P5, || "in a synced IdP group: SCIM invites them".into());
                        // invite_source = scim on a non-member: SCIM provisioned them before.
                        if u.invite_source() == Some(InviteSource::Scim) {
                            t.note_tag(&R_P7, Tag::I, || {
                                "SCIM provisioned them before: a re-add is silent".into()
                            });
                            o.invite_email = InviteEmail::Silent;
                        } else {
                            t.note(&R_P7, || {
                                "a first SCIM invite: an invitation e-mail is sent".into()
                            });
                            o.invite_email = InviteEmail::Sent;
                        }
                        o.provisioned_by = ProvisionedBy::Scim;
                        cohort = Some(Cohort::ScimInvite);
                    }
                    Some(false) => t.note(&R_P5, || {
                        "in no synced IdP group: SCIM does not invite them".into()
                    }),
                }
            }
            if cohort.is_none() && cfg.automatic_account_creation() {
                if verified {
                    t.note(&R_P4, || {
                        "automatic account creation provisions them at their next sign-up or login"
                            .into()
                    });
                    t.note(&R_P7, || {
                        "automatic creation is silent: no invitation e-mail".into()
                    });
                    o.provisioned_by = ProvisionedBy::Automatic;
                    o.invite_email = InviteEmail::Silent;
                    cohort = Some(Cohort::AutoCreate);
                } else {
                    t.note_tag(&R_P4, Tag::I, || {
                        "automatic account creation never provisions unverified-domain users".into()
                    });
                }
            }
            match cohort {
                Some(c) => c,
                None => {
                    t.note(&R_P3, || "not provisioned: an owner or admin can still invite them from the Members page".into());
                    if mode.sso_on() && verified {
                        t.note(&R_A4, || "SSO does not touch an unprovisioned personal account: they keep using it".into());
                    }
                    t.note(&R_P1, || "no provisioning, so no access".into());
                    o.cohort = Cohort::NotProvisioned;
                    o.findings.insert(SimFinding::NotProvisioned);
                    return o.deny(&R_P1, Lockout::None);
                }
            }
        }
    };
    o.cohort = cohort;

    // 3. Workspace methods, 4. usable methods.
    let ws = workspace_methods(mode, verified);
    let rule = mode_rule(mode, verified);
    o.methods_rule = rule.id;
    t.note(rule, || {
        format!("the workspace allows {} for this user", ws.join(", "))
    });
    let avail = Availability::of(u, ws);
    if ws.contains(Method::Sso) && avail.mismatch {
        let (asserted, email) = u.emails();
        t.note(&R_A7, || {
            format!("the IdP asserts {asserted}, not {email}: the SSO login fails with a mismatch")
        });
        o.risks.insert(Risk::SsoEmailMismatch);
        o.findings.insert(SimFinding::SsoEmailMismatch);
    } else if ws.contains(Method::Sso)
        && !avail.yes.contains(Method::Sso)
        && !avail.unknown.contains(Method::Sso)
    {
        t.note(&R_A7, || {
            let mut why = Vec::new();
            if let Some(status) = u.idp_status().filter(|s| *s != IdpStatus::Active) {
                why.push(format!("the IdP account is {}", status.name()));
            }
            if u.idp_assigned() == Some(false) {
                why.push("the ChatGPT app is not assigned to them in the IdP".to_string());
            }
            format!("no IdP login: {}", why.join(" and "))
        });
    }

    // 5. Cross-product: ChatGPT SSO on, API Platform SSO off.
    let newly = matches!(
        cohort,
        Cohort::Invited | Cohort::ScimInvite | Cohort::AutoCreate
    );
    if newly && mode.sso_on() && !cfg.api_platform_sso() {
        o.consulted.insert(Key::ApiSsoOffEffect);
        o.findings.insert(SimFinding::ApiSsoBlocksNewUsers);
        t.note(&R_A5, || "ChatGPT SSO is on and API Platform SSO is off: newly provisioned users cannot log in (seed 004's compatibility table)".into());
        match asm.api_sso_off_effect {
            ApiSsoOffEffect::All => {
                t.note(&AMB_A5, || "api_sso_off_effect=all: the login fails".into());
                return o.deny(&R_A5, Lockout::Now);
            }
            ApiSsoOffEffect::MobileOnly => {
                t.note(&AMB_A5, || {
                    "api_sso_off_effect=mobile_only: the web login works; sign-up on mobile fails"
                        .into()
                });
                o.risks.insert(Risk::MobileSignupFails);
            }
        }
    }

    let usable = ws.and(avail.yes);
    let maybe = ws.and(avail.unknown);
    let fail_rule = if avail.mismatch && ws.contains(Method::Sso) {
        &R_A7
    } else {
        rule
    };
    if !usable.is_empty() {
        o.access = if cohort == Cohort::Member || cohort == Cohort::AutoCreate {
            Access::Granted
        } else {
            Access::Pending
        };
        o.methods = usable;
        o.access_rule = match cohort {
            Cohort::AutoCreate => R_P4.id,
            Cohort::ScimInvite => R_P5.id,
            Cohort::Invited => R_P8.id,
            _ => R_P1.id,
        };
        t.note(rule, || format!("usable methods: {}", usable.join(", ")));
    } else if !maybe.is_empty() {
        return o.unknown(&mut t, fail_rule, avail.fields_for(maybe));
    } else if cohort == Cohort::AutoCreate {
        let avail = Availability::of(u, personal_methods());
        let personal = personal_methods().and(avail.yes);
        let personal_maybe = personal_methods().and(avail.unknown);
        if !personal.is_empty() {
            t.note(&R_A6, || format!("they reach the workspace through their personal login ({}) and cannot authenticate at the IdP: locked out after migrating", personal.join(", ")));
            o.access = Access::Granted;
            o.methods = personal;
            o.access_rule = R_A6.id;
            o.lockout = Lockout::AfterMigration;
            o.findings.insert(SimFinding::LockoutAfterMigration);
        } else if !personal_maybe.is_empty() {
            return o.unknown(&mut t, &R_A6, avail.fields_for(personal_maybe));
        } else {
            t.note(&R_P1, || {
                "no way to log in: no password, no social identity and no IdP login".into()
            });
            return o.deny(&R_P1, Lockout::None);
        }
    } else {
        t.note(fail_rule, || {
            "no usable method: provisioned but cannot log in".into()
        });
        return o.deny(fail_rule, Lockout::Now);
    }

    // A4: under SSO enabled, social login as the only way in across a migration.
    if mode == AuthMode::SsoEnabled
        && verified
        && !o.methods.contains(Method::Sso)
        && o.lockout == Lockout::None
    {
        let faces_migration = match (cohort, u.personal_account()) {
            (Cohort::AutoCreate, _) => Some(true),
            (_, Some(PersonalAccount::Free | PersonalAccount::Plus)) => {
                o.consulted.insert(Key::Migration);
                Some(asm.migration_for(cfg.plan()) == Migration::Forced)
            }
            (_, Some(PersonalAccount::None)) => Some(false),
            (_, None) => None,
        };
        if faces_migration != Some(false) {
            o.consulted.insert(Key::EnabledLockout);
            match asm.enabled_lockout {
                EnabledLockout::SocialFallback => t.note(&AMB_A4, || {
                    "enabled_lockout=social_fallback: social login still works after migrating, so no lockout".into()
                }),
                EnabledLockout::Strict => match faces_migration {
                    Some(_) => {
                        t.note(&AMB_A4, || "enabled_lockout=strict: without an IdP login they are locked out once migrated, social login or not".into());
                        o.lockout = Lockout::AfterMigration;
                        o.access_rule = R_A6.id;
                        o.findings.insert(SimFinding::LockoutAfterMigration);
                    }
                    None => {
                        return o.unknown(&mut t, &R_A6, Set::of(&[Field::PersonalAccount]))
                    }
                },
            }
        }
    }

    // 6. Migration of the personal account.
    match u.personal_account() {
        Some(PersonalAccount::Free | PersonalAccount::Plus) if verified => {
            o.consulted.insert(Key::Migration);
            let plus = u.personal_account() == Some(PersonalAccount::Plus);
            match asm.migration_for(cfg.plan()) {
                Migration::Forced => {
                    if cohort == Cohort::AutoCreate {
                        t.note(&R_M3, || "prompted to migrate their personal account at sign-up/login".into());
                    } else {
                        t.note(&R_M1, || "prompted to migrate their personal account (transfer or export-and-delete)".into());
                    }
                    if plus {
                        t.note(&R_M1, || "their Plus subscription is cancelled by the migration".into());
                    }
                    o.personal_account = PersonalEffect::MigrationPrompt;
                    o.plus_cancelled = plus;
                    o.findings.insert(SimFinding::MigrationPrompt);
                }
                Migration::Optional => {
                    t.note(&AMB_A7, || "migration=optional: they keep both; migrating stays their choice (Settled reading 6)".into());
                    o.personal_account = PersonalEffect::KeptBoth;
                }
            }
        }
        Some(PersonalAccount::Free | PersonalAccount::Plus) => {
            t.note(&R_M2, || "unverified domain: no migration prompt; they keep their personal account beside the workspace".into());
            o.personal_account = PersonalEffect::KeptBoth;
        }
        Some(PersonalAccount::None) => {}
        None => t.note_tag(&R_M1, Tag::I, || "personal_account is unknown: whether they are prompted to migrate is not known (Settled reading 10)".into()),
    }

    // Risks.
    if !verified && mode == AuthMode::SsoEnforced {
        t.note(&R_A4, || {
            format!(
                "an unverified-domain user keeps {} under enforced SSO: the IdP is bypassed",
                o.methods.join(", ")
            )
        });
        o.risks.insert(Risk::SsoBypass);
        o.findings.insert(SimFinding::SsoBypass);
    }
    if cfg.mfa() == Mfa::None || o.methods.iter().any(|m| m != Method::Sso) {
        o.risks.insert(Risk::MfaNotEnforced);
    }
    o
}

/// The other reading of an ambiguity, when it changes `access` or `lockout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub assumption: Key,
    pub value: &'static str,
    pub access: Access,
    pub lockout: Lockout,
}

/// For each consulted assumption, the readings that would change `access` or `lockout`.
pub fn alternatives(
    cfg: &Config,
    asm: &Assumptions,
    u: &DirectoryUser,
    o: &Outcome,
) -> Vec<Alternative> {
    alternatives_reads(cfg, asm, Reads::new(cfg, u, None), o)
}

/// [`alternatives`] of a user read through `u`.
pub(crate) fn alternatives_reads(
    cfg: &Config,
    asm: &Assumptions,
    u: Reads<'_>,
    o: &Outcome,
) -> Vec<Alternative> {
    let mut out = Vec::new();
    for key in o.consulted.iter() {
        let current = asm.value(key, cfg.plan());
        for &value in key.values() {
            if value == current {
                continue;
            }
            let other = evaluate_reads(cfg, &asm.with(key, value), u, None);
            if other.access != o.access || other.lockout != o.lockout {
                out.push(Alternative {
                    assumption: key,
                    value,
                    access: other.access,
                    lockout: other.lockout,
                });
            }
        }
    }
    out
}
