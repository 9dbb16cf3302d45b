//! `ssolint lint`: the configuration's own checks (`config.*`). Each check reads the loaded
//! configuration (effective values through `Config`'s accessors) and points its finding at
//! the key that decides it, or at the table or file start when a default decides it.

use crate::config::{AuthMode, ExternalInvites, LoadedConfig, Mfa, Protocol};
use crate::error::Fatal;
use crate::findings::{FileId, Finding};
use crate::report::Report;
use crate::rules::{config as rule, Rule};
use crate::source::{SourceFile, Span};
use chrono::{DateTime, Utc};
use std::path::Path;

pub mod certs;
pub mod directory;
pub mod metadata;

/// The simulation's ambiguity switches and their values (SIMULATION.md).
pub const ASSUMPTIONS: &[(&str, &[&str])] = &[
    ("scim_requires", &["none", "domain", "sso"]),
    ("enabled_lockout", &["social_fallback", "strict"]),
    ("api_sso_off_effect", &["all", "mobile_only"]),
    ("migration", &["forced", "optional"]),
    ("ext_block_scope", &["all", "manual"]),
];

struct Lint<'a> {
    loaded: &'a LoadedConfig,
    file: FileId,
    out: Vec<Finding>,
}

impl Lint<'_> {
    /// A finding pointing at `path` (or where its default comes from).
    fn at(&self, r: &'static Rule, path: &str, msg: impl Into<String>) -> Finding {
        Finding::new(r, msg)
            .at(self.file, self.loaded.span(path))
            .element(path)
    }

    fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    /// "`authentication.mode` is" when written, "`authentication.mode` is not set, so it is"
    /// when a default or the pattern decides.
    fn said(&self, path: &str, usable: bool) -> String {
        if self.loaded.has(path) && !usable {
            if self.loaded.has("pattern") {
                format!("`{path}` holds no usable value, so the pattern makes it")
            } else {
                format!("`{path}` holds no usable value, so it defaults to")
            }
        } else if self.loaded.has(path) {
            format!("`{path}` is")
        } else if self.loaded.config.pattern.is_some() && self.loaded.has("pattern") {
            format!("`{path}` is not set, so the pattern makes it")
        } else {
            format!("`{path}` is not set, so it defaults to")
        }
    }

    /// Where a pattern-driven default comes from: the key, else `pattern`, else the table.
    fn decided_by(&self, path: &str) -> String {
        if !self.loaded.has(path) && self.loaded.has("pattern") {
            "pattern".into()
        } else {
            path.into()
        }
    }
}

/// Lint the configuration; findings point into the report's file `file`. Returns the
/// findings and every rule evaluated.
pub fn lint_config(
    loaded: &LoadedConfig,
    file: FileId,
    now: DateTime<Utc>,
) -> (Vec<Finding>, Vec<&'static Rule>) {
    lint_with(loaded, file, now, None)
}

/// What the configuration lint reads besides the configuration.
pub struct Options<'a> {
    pub now: DateTime<Utc>,
    /// `--users`; else `[simulate] directory`.
    pub users: Option<&'a Path>,
    /// `--response`: a current SAML response, for the rotation and issuer cross-checks.
    pub response: Option<&'a Path>,
    pub ctx: &'a crate::cli::Ctx,
}

/// Lint the configuration and everything it references (IdP metadata, certificates, JWKS,
/// the directory and a simulation over it) into `report`.
pub fn lint(loaded: &LoadedConfig, report: &mut Report, opts: &Options) -> Result<(), Fatal> {
    let file = report.add_file(loaded.source.clone());
    let users = match opts.users {
        Some(p) => Some(p.to_path_buf()),
        None => loaded
            .config
            .simulate
            .directory
            .as_ref()
            .map(|d| loaded.resolve(d))
            .filter(|p| p.is_file()),
    };
    let facts = match &users {
        Some(p) => Some((
            directory::read(p, &loaded.config.provisioning.scim_groups)?,
            p.display().to_string(),
        )),
        None => None,
    };
    let (findings, mut evaluated) = lint_with(
        loaded,
        file,
        opts.now,
        facts.as_ref().map(|(f, name)| (f, name.as_str())),
    );
    report.findings.extend(findings);
    if let Some(p) = &users {
        // A bad `[simulate].assume` is already a finding; the simulation needs valid ones.
        if let Ok(asm) = crate::sim::Assumptions::resolve(&loaded.config.simulate.assume, &[]) {
            let summary = crate::sim::summarize(loaded, &asm, p)?;
            // Shown on the key that names the directory, when the configuration names it.
            let named_here = (opts.users.is_none() && loaded.has("simulate.directory"))
                .then(|| loaded.span("simulate.directory"));
            report
                .findings
                .extend(
                    summary
                        .findings(loaded, file)
                        .into_iter()
                        .map(|f| match named_here {
                            Some(span) => f.at(file, span).element("simulate.directory"),
                            None => f,
                        }),
                );
            evaluated.extend(crate::rules::sim::RULES.iter().copied());
        }
    }
    idp_metadata(loaded, report, file, opts, &mut evaluated)?;
    report.evaluated = evaluated;
    Ok(())
}

/// Read a metadata file as text: capped, UTF-8 (a BOM is dropped).
pub fn read_metadata_text(path: &Path, ctx: &crate::cli::Ctx) -> Result<SourceFile, Fatal> {
    // Anything but a regular file within the cap (and any error, which it then reports)
    // goes through the capped reader.
    let sized = crate::input::read_sized_file(path, crate::input::MAX_METADATA_INPUT);
    let raw = match sized {
        Some(bytes) => crate::input::RawInput {
            label: path.display().to_string(),
            bytes,
        },
        None => crate::input::read_capped(Some(path), ctx, crate::input::MAX_METADATA_INPUT)?,
    };
    // The bytes become the text in place: an aggregate is held once.
    let mut bytes = raw.bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Fatal::new(
            &crate::rules::input::NOT_UTF8,
            format!(
                "{}: not UTF-8 (byte {})",
                raw.label,
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(SourceFile::new(raw.label, text))
}

/// `[saml.idp] metadata`: lint it as one IdP's metadata and compare it with the
/// configuration (and with `--response`).
fn idp_metadata(
    loaded: &LoadedConfig,
    report: &mut Report,
    file: FileId,
    opts: &Options,
    evaluated: &mut Vec<&'static Rule>,
) -> Result<(), Fatal> {
    let Some(name) = &loaded.config.saml.idp.metadata else {
        return Ok(());
    };
    let path = loaded.resolve(name);
    if !path.is_file() {
        return Ok(()); // config.file-missing
    }
    evaluated.extend(metadata::rules());
    let source = read_metadata_text(&path, opts.ctx)?;
    let mfile = report.add_file(source);
    let text = report.files.get(mfile).map_or("", |f| f.text.as_str());
    // An aggregate is read a block of entities at a time (it has no entity of its own to
    // compare with the configuration); anything else, or an aggregate the blocks cannot
    // decide, as one tree.
    let config = &loaded.config;
    let lint = metadata::AggregateLint {
        file: mfile,
        now: opts.now,
        warn_within: expiry_warning(loaded),
        wanted: metadata::Wanted {
            idp: config.saml.idp.entity_id.clone(),
            sp: config.saml.sp.entity_id.clone(),
        },
        guess_vendor: true,
    };
    let streamed = crate::saml::aggregate::Aggregate::open(text).and_then(|agg| {
        let mut merged = lint.head(&agg.head)?;
        agg.read(None, &|doc| lint.block(doc), &mut |b| merged.merge(b))
            .ok()?;
        Some(merged)
    });
    let (mut findings, facts) = match streamed {
        Some(merged) => {
            if report.vendor.is_none() {
                report.vendor = merged.vendor.map(|g| g.vendor);
            }
            (merged.findings, merged.facts)
        }
        None => {
            let doc = match crate::xml::Document::parse(text) {
                Ok(doc) => doc,
                Err(e) => {
                    report.push(
                        Finding::new(
                            &crate::rules::metadata::MALFORMED,
                            format!("the IdP metadata cannot be parsed: {}", e.message),
                        )
                        .at(mfile, Span::new(e.offset, e.offset))
                        .element("saml.idp.metadata"),
                    );
                    return Ok(());
                }
            };
            if report.vendor.is_none() {
                report.vendor =
                    crate::saml::vendor::guess(&crate::saml::view::read(&doc)).map(|g| g.vendor);
            }
            let ml = metadata::MetadataLint {
                doc: &doc,
                file: mfile,
                now: opts.now,
                warn_within: lint.warn_within,
                wanted: &lint.wanted,
            };
            ml.run(true)
        }
    };
    cross_check_aggregate(loaded, file, mfile, &facts, &mut findings);
    if let (Some(configured), Some((entity_id, span))) =
        (&loaded.config.saml.idp.entity_id, &facts.entity_id)
    {
        if configured != entity_id {
            let key = "saml.idp.entity_id";
            findings.push(
                Finding::new(
                    &rule::ENTITY_ID_MISMATCH,
                    format!(
                        "`{key}` is {configured:?} but the metadata's entityID is {entity_id:?}"
                    ),
                )
                .at(file, loaded.span(key))
                .element(key)
                .expected(entity_id.clone())
                .found(configured.clone())
                .label(mfile, *span, "the metadata's entityID"),
            );
        }
    }
    if let Some(resp) = opts.response {
        response_cross_checks(resp, opts.ctx, mfile, &facts, &mut findings)?;
    }
    report.findings.extend(findings);
    Ok(())
}

/// An aggregate holds the configuration's IdP and, in a federation, the workspace's own
/// entry: the IdP must be in it, and the ACS URL must be one the federation publishes for
/// the workspace (an IdP that reads the aggregate posts responses there).
fn cross_check_aggregate(
    loaded: &LoadedConfig,
    file: FileId,
    mfile: FileId,
    facts: &metadata::MetadataFacts,
    findings: &mut Vec<Finding>,
) {
    if !facts.aggregate {
        return;
    }
    let c = &loaded.config;
    if let (Some(configured), None) = (&c.saml.idp.entity_id, &facts.entity_id) {
        let key = "saml.idp.entity_id";
        findings.push(
            Finding::new(
                &rule::ENTITY_ID_MISMATCH,
                format!("`{key}` is {configured:?} but no IdP entity of the metadata aggregate has that entityID"),
            )
            .at(file, loaded.span(key))
            .element(key)
            .found(configured.clone())
            .hint("check the entityID in the IdP's own metadata, or point `saml.idp.metadata` at the aggregate that lists it"),
        );
    }
    let (Some(acs), Some(sp)) = (&c.saml.sp.acs_url, &facts.sp) else {
        return;
    };
    if sp.acs.iter().any(|(location, _)| location == acs) {
        return;
    }
    let key = "saml.sp.acs_url";
    let listed = if sp.acs.is_empty() {
        "none".to_string()
    } else {
        sp.acs
            .iter()
            .map(|(l, _)| format!("{l:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut f = Finding::new(
        &rule::ACS_URL_INVALID,
        format!(
            "`{key}` {acs:?} is not an AssertionConsumerService of the workspace's entity {:?} in the metadata aggregate (it lists {listed})",
            sp.entity_id
        ),
    )
    .at(file, loaded.span(key))
    .element(key)
    .found(format!("{acs:?}"))
    .label(mfile, sp.at, "the workspace's SPSSODescriptor in the aggregate");
    if let Some((first, span)) = sp.acs.first() {
        f = f
            .expected(first.clone())
            .label(mfile, *span, "an AssertionConsumerService Location");
    }
    findings.push(f.hint("use the ACS URL the federation publishes for the workspace, or update the workspace's metadata registration with the federation"));
}

/// `--response`: which metadata certificate signs today's responses, and whether the
/// response's Issuer is the metadata's entityID.
fn response_cross_checks(
    path: &Path,
    ctx: &crate::cli::Ctx,
    mfile: FileId,
    facts: &metadata::MetadataFacts,
    findings: &mut Vec<Finding>,
) -> Result<(), Fatal> {
    let input = crate::input::load(Some(path), ctx)?;
    let Some(doc) = input.message().and_then(|m| m.xml()) else {
        return Err(Fatal::new(
            &crate::rules::input::UNDECODABLE,
            format!("--response {}: not a SAML message", path.display()),
        ));
    };
    let keys: Vec<_> = facts
        .signing_certs
        .iter()
        .map(|c| c.public_key().ok())
        .collect();
    let signer = crate::saml::signature::find_all(doc)
        .into_iter()
        .map(|s| crate::saml::dsig::verify_one(doc, s, &keys))
        .find_map(|c| match c.key {
            Some(crate::saml::dsig::KeyOrigin::Trusted(i)) if c.cryptographically_valid() => {
                Some(i)
            }
            _ => None,
        });
    let note = match signer.and_then(|i| facts.signing_certs.get(i).map(|c| (i, c))) {
        Some((i, c)) => format!(
            "the response {} is signed by signing certificate {} of the metadata ({}, valid until {})",
            path.display(),
            i + 1,
            c.info.subject,
            c.info.not_after.map_or("?".into(), |t| t.date_naive().to_string())
        ),
        None => format!(
            "the response {} is not signed by any of the metadata's signing certificates",
            path.display()
        ),
    };
    for f in findings.iter_mut() {
        if f.rule.id == crate::rules::metadata::MULTIPLE_SIGNING_CERTS.id {
            f.hint = Some(note.clone());
        }
    }
    let issuer = match crate::saml::view::read(doc) {
        crate::saml::view::SamlMessage::Response(r) => {
            r.issuer.map(|i| i.value.value).or_else(|| {
                r.assertions
                    .first()
                    .and_then(|a| a.issuer.clone())
                    .map(|i| i.value.value)
            })
        }
        crate::saml::view::SamlMessage::Assertion(a) => a.issuer.map(|i| i.value.value),
        _ => None,
    };
    if let (Some(issuer), Some((entity_id, span))) = (issuer, &facts.entity_id) {
        if &issuer != entity_id {
            findings.push(Finding::new(
                &crate::rules::metadata::ENTITY_ID_MISMATCH,
                format!("the metadata's entityID is {entity_id:?} but the response's Issuer is {issuer:?}"),
            )
            .at(mfile, *span)
            .element("EntityDescriptor/@entityID")
            .expected(issuer.clone())
            .found(entity_id.clone()));
        }
    }
    Ok(())
}

fn lint_with(
    loaded: &LoadedConfig,
    file: FileId,
    now: DateTime<Utc>,
    dir: Option<(&directory::Facts, &str)>,
) -> (Vec<Finding>, Vec<&'static Rule>) {
    let mut l = Lint {
        loaded,
        file,
        out: loaded.load_findings(file),
    };
    references(&mut l);
    certificates(&mut l, now);
    oidc_documents(&mut l);
    values(&mut l);
    domains(&mut l);
    sso(&mut l);
    saml(&mut l, dir.map(|d| d.0));
    provisioning(&mut l);
    roles(&mut l);
    ip_allowlist(&mut l);
    data_controls(&mut l);
    if let Some((facts, name)) = dir {
        directory::check(&mut l, facts, name);
    }
    let mut evaluated = rule::RULES.to_vec();
    evaluated.extend_from_slice(certs::RULES);
    (l.out, evaluated)
}

/// The window of `metadata.cert-expiring`: `[lint] cert_expiry_warning`, else 30 days.
pub fn expiry_warning(loaded: &LoadedConfig) -> chrono::Duration {
    loaded
        .config
        .lint
        .cert_expiry_warning
        .as_deref()
        .and_then(|s| crate::clock::parse_duration(s).ok())
        .unwrap_or_else(certs::default_expiry_warning)
}

/// `[oidc] jwks` and `discovery`: strict JSON of the right shape.
fn oidc_documents(l: &mut Lint) {
    let Some(o) = l.loaded.config.oidc.clone() else {
        return;
    };
    for (path, name, member) in [
        ("oidc.jwks", o.jwks, "keys"),
        ("oidc.discovery", o.discovery, "issuer"),
    ] {
        let Some(name) = name else { continue };
        let Some(text) = read_reference(l, path, &name, |p, what| {
            crate::files::read_file(p, what, MAX_REFERENCED_JSON)
        }) else {
            continue;
        };
        let problem = match crate::json::parse(&text) {
            Err(e) => Some(format!(
                "is not valid JSON (line {}, column {}: {e})",
                e.line, e.column
            )),
            Ok(v) if v.get(member).is_none() => Some(format!("has no `{member}` member")),
            Ok(_) => None,
        };
        if let Some(p) = problem {
            let f = Finding::new(
                &rule::REFERENCE_INVALID,
                format!("`{path}` names {name:?}, which {p}"),
            )
            .at(l.file, l.loaded.value_span(path))
            .element(path)
            .expected(if member == "keys" {
                "a JWK Set: {\"keys\": [...]}"
            } else {
                "an OpenID Provider configuration with `issuer`"
            });
            l.push(f);
        }
    }
}

/// `[saml.idp] certificates`: read with openssl and checked like metadata certificates.
fn certificates(l: &mut Lint, now: DateTime<Utc>) {
    let window = expiry_warning(l.loaded);
    for (i, name) in l.loaded.config.saml.idp.certificates.iter().enumerate() {
        let path = format!("saml.idp.certificates[{i}]");
        let Some(bytes) = read_reference(l, &path, name, |p, what| {
            crate::files::read_binary(p, what, MAX_REFERENCED_CERTIFICATE)
        }) else {
            continue;
        };
        let span = l.loaded.value_span(&path);
        match crate::x509::Certificate::from_file_bytes(&bytes) {
            Err(e) => {
                let f = Finding::new(
                    &rule::REFERENCE_INVALID,
                    format!("`{path}` names {name:?}, which is not a certificate: {e}"),
                )
                .at(l.file, span)
                .element(path)
                .expected("a PEM or DER X.509 certificate");
                l.push(f);
            }
            Ok(found) => {
                for c in &found {
                    let site = certs::CertSite {
                        file: l.file,
                        span,
                        element: &path,
                    };
                    let findings = certs::check_certificate(c, now, window, &site);
                    l.out.extend(findings);
                }
            }
        }
    }
}

/// A JWKS or discovery document is small; the caps only stop a device or a wrong path.
const MAX_REFERENCED_JSON: u64 = 4 << 20;
const MAX_REFERENCED_CERTIFICATE: u64 = 1 << 20;

/// The contents of a file the configuration names at `path`, or None with a finding. A file
/// that cannot be opened is left to `references`, which reports it once.
fn read_reference<T>(
    l: &mut Lint,
    path: &str,
    name: &str,
    read: impl FnOnce(&std::path::Path, &str) -> Result<T, crate::error::Fatal>,
) -> Option<T> {
    let resolved = l.loaded.resolve(name);
    match read(&resolved, "the file") {
        Ok(contents) => Some(contents),
        Err(_) if std::fs::File::open(&resolved).is_err() => None,
        Err(e) => {
            let f = Finding::new(
                &rule::REFERENCE_INVALID,
                format!(
                    "`{path}` names {name:?}, which cannot be used: {}",
                    e.message
                ),
            )
            .at(l.file, l.loaded.value_span(path))
            .element(path);
            l.push(f);
            None
        }
    }
}

fn references(l: &mut Lint) {
    let c = &l.loaded.config;
    let mut refs: Vec<(String, &str)> = Vec::new();
    if let Some(m) = &c.saml.idp.metadata {
        refs.push(("saml.idp.metadata".into(), m));
    }
    for (i, cert) in c.saml.idp.certificates.iter().enumerate() {
        refs.push((format!("saml.idp.certificates[{i}]"), cert));
    }
    if let Some(o) = &c.oidc {
        if let Some(j) = &o.jwks {
            refs.push(("oidc.jwks".into(), j));
        }
        if let Some(d) = &o.discovery {
            refs.push(("oidc.discovery".into(), d));
        }
    }
    if let Some(d) = &c.simulate.directory {
        refs.push(("simulate.directory".into(), d));
    }
    for (path, value) in refs {
        let resolved = l.loaded.resolve(value);
        if let Err(e) = std::fs::File::open(&resolved) {
            let f = Finding::new(
                &rule::FILE_MISSING,
                format!(
                    "`{path}` names {value:?}, which cannot be read ({})",
                    io_reason(&e)
                ),
            )
            .at(l.file, l.loaded.value_span(&path))
            .element(path)
            .found(resolved.display().to_string())
            .hint(format!(
                "paths are relative to the configuration file's directory ({})",
                display_dir(&l.loaded.dir)
            ));
            l.push(f);
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn display_dir(d: &Path) -> String {
    if d.as_os_str().is_empty() {
        ".".into()
    } else {
        d.display().to_string()
    }
}

/// Values kept as strings in the model (durations, e-mails, roles, assumptions).
fn values(l: &mut Lint) {
    let c = &l.loaded.config;
    let mut durations = Vec::new();
    if let Some(s) = &c.clock_skew {
        durations.push(("clock_skew", s.clone()));
    }
    if let Some(s) = &c.lint.cert_expiry_warning {
        durations.push(("lint.cert_expiry_warning", s.clone()));
    }
    if let Some(s) = c.data_controls.as_ref().and_then(|d| d.retention.clone()) {
        if s != "indefinite" {
            durations.push(("data_controls.retention", s));
        }
    }
    for (path, s) in durations {
        if let Err(e) = crate::clock::parse_duration(&s) {
            let f = l
                .at(&rule::INVALID_VALUE, path, format!("`{path}`: {e}"))
                .expected(if path == "data_controls.retention" {
                    "a duration such as \"90d\", or \"indefinite\""
                } else {
                    "a duration such as \"180s\", \"5m\" or \"30d\""
                })
                .found(format!("{s:?}"));
            l.push(f);
        }
    }
    let ws = &c.workspace;
    for (list, values) in [
        ("workspace.owners", &ws.owners),
        ("workspace.admins", &ws.admins),
        ("workspace.break_glass", &ws.break_glass),
    ] {
        for (i, v) in values.iter().enumerate() {
            if !is_email(v) {
                let path = format!("{list}[{i}]");
                let f = l
                    .at(
                        &rule::INVALID_VALUE,
                        &path,
                        format!("`{path}` is not an e-mail address"),
                    )
                    .expected("name@domain")
                    .found(format!("{v:?}"));
                l.push(f);
            }
        }
    }
    for (i, m) in c.saml.groups.mappings.iter().enumerate() {
        if let Some(role) = &m.role {
            if !matches!(role.as_str(), "owner" | "admin" | "member") {
                let path = format!("saml.groups.mappings[{i}].role");
                let f = l
                    .at(
                        &rule::INVALID_VALUE,
                        &path,
                        format!("`{path}` must be owner, admin or member"),
                    )
                    .expected("owner | admin | member")
                    .found(format!("{role:?}"));
                l.push(f);
            }
        }
    }
    for (key, value) in &c.simulate.assume {
        let path = crate::config::load::join_key("simulate.assume", key);
        match ASSUMPTIONS.iter().find(|(k, _)| k == key) {
            None => {
                let mut f = l
                    .at(
                        &rule::UNKNOWN_KEY,
                        &path,
                        format!("unknown assumption `{key}`"),
                    )
                    .found(key.clone())
                    .expected(
                        ASSUMPTIONS
                            .iter()
                            .map(|(k, _)| *k)
                            .collect::<Vec<_>>()
                            .join(", "),
                    );
                if let Some(near) =
                    crate::config::load::closest(key, ASSUMPTIONS.iter().map(|(k, _)| *k))
                {
                    f = f.hint(format!("did you mean `{near}`?"));
                }
                l.push(f);
            }
            Some((_, allowed)) if !allowed.contains(&value.as_str()) => {
                let f = l
                    .at(
                        &rule::INVALID_VALUE,
                        &path,
                        format!("`{path}` must be one of {}", allowed.join(" | ")),
                    )
                    .expected(allowed.join(" | "))
                    .found(format!("{value:?}"));
                l.push(f);
            }
            Some(_) => {}
        }
    }
}

fn is_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn domains(l: &mut Lint) {
    let c = &l.loaded.config;
    let needs = c.auth_mode().sso_on() || c.automatic_account_creation();
    if needs && c.workspace.verified_domains.is_empty() {
        let what = match (c.auth_mode().sso_on(), c.automatic_account_creation()) {
            (true, true) => "SSO and automatic account creation are",
            (true, false) => "SSO is",
            _ => "automatic account creation is",
        };
        let f = l
            .at(
                &rule::NO_VERIFIED_DOMAIN,
                "workspace.verified_domains",
                format!("{what} configured but `workspace.verified_domains` is empty: they apply only to users on verified domains"),
            )
            .expected("at least one verified domain");
        l.push(f);
    }
    for (i, d) in c.workspace.verified_domains.iter().enumerate() {
        if c.is_domain_verified_elsewhere(d) {
            let path = format!("workspace.verified_domains[{i}]");
            let f = l
                .at(
                    &rule::DOMAIN_CONFLICT,
                    &path,
                    format!("{d} is listed as verified here and in `workspace.domains_verified_elsewhere`"),
                )
                .found(d.clone());
            l.push(f);
        }
    }
}

fn sso(l: &mut Lint) {
    let c = &l.loaded.config;
    let mode = c.auth_mode();
    let mode_path = l.decided_by("authentication.mode");
    match mode {
        AuthMode::Default => {
            let f = l
                .at(
                    &rule::SSO_OFF,
                    &mode_path,
                    format!("{} \"default\": users sign in with password or social login, not through the IdP", l.said("authentication.mode", c.authentication.mode.is_some())),
                )
                .expected("\"sso_enforced\"")
                .found("\"default\"");
            l.push(f);
        }
        AuthMode::SsoEnabled => {
            let f = l
                .at(
                    &rule::SSO_NOT_ENFORCED,
                    &mode_path,
                    format!("{} \"sso_enabled\": Google, Microsoft and Apple login stay open to provisioned users", l.said("authentication.mode", c.authentication.mode.is_some())),
                )
                .expected("\"sso_enforced\"")
                .found("\"sso_enabled\"");
            l.push(f);
        }
        AuthMode::SsoEnforced => {}
    }
    if mode.sso_on() && !c.api_platform_sso() {
        let f = l
            .at(
                &rule::API_PLATFORM_SSO_MISMATCH,
                "authentication.api_platform_sso",
                format!("ChatGPT SSO is {} but API Platform SSO is off: newly provisioned users cannot log in to the workspace", mode.name()),
            )
            .expected("true")
            .found("false");
        l.push(f);
    }
    if !mode.sso_on() {
        return;
    }
    match c.protocol() {
        Protocol::Saml => {
            let idp = &c.saml.idp;
            if idp.metadata.is_none() {
                let mut missing = Vec::new();
                if idp.entity_id.is_none() {
                    missing.push("entity_id");
                }
                if idp.sso_url.is_none() {
                    missing.push("sso_url");
                }
                if idp.certificates.is_empty() {
                    missing.push("certificates");
                }
                if !missing.is_empty() {
                    let f = l
                        .at(
                            &rule::IDP_INCOMPLETE,
                            "saml.idp",
                            format!("SAML SSO is on but `[saml.idp]` has no `metadata` and lacks {}", missing.join(", ")),
                        )
                        .expected("metadata = \"idp-metadata.xml\", or entity_id + sso_url + certificates");
                    l.push(f);
                }
            }
        }
        Protocol::Oidc => {
            let o = c.oidc.clone().unwrap_or_default();
            let mut missing = Vec::new();
            if o.issuer.is_none() {
                missing.push("issuer");
            }
            if o.client_id.is_none() {
                missing.push("client_id");
            }
            if o.jwks.is_none() && o.discovery.is_none() {
                missing.push("jwks or discovery");
            }
            if !missing.is_empty() {
                let f = l
                    .at(
                        &rule::IDP_INCOMPLETE,
                        "oidc",
                        format!("OIDC SSO is on but `[oidc]` lacks {}", missing.join(", ")),
                    )
                    .expected("issuer, client_id, and jwks or discovery");
                l.push(f);
            }
        }
    }
}

const EMAIL_FORMATS: &[&str] = &[
    "emailAddress",
    "unspecified",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
];

fn saml(l: &mut Lint, dir: Option<&directory::Facts>) {
    let c = &l.loaded.config;
    let sp = &c.saml.sp;
    if let Some(acs) = &sp.acs_url {
        let problem = match url::Url::parse(acs) {
            Err(e) => Some(format!("is not an absolute URL ({e})")),
            Ok(u) if u.scheme() != "https" => {
                Some(format!("uses {}:// instead of https://", u.scheme()))
            }
            Ok(u) if u.host_str().is_none_or(str::is_empty) => Some("has no host".into()),
            Ok(_) => None,
        };
        if let Some(p) = problem {
            let f = l
                .at(
                    &rule::ACS_URL_INVALID,
                    "saml.sp.acs_url",
                    format!("`saml.sp.acs_url` {p}"),
                )
                .expected("an absolute https:// URL")
                .found(format!("{acs:?}"));
            l.push(f);
        }
    }
    if let Some(fmt) = &sp.nameid_format {
        if !EMAIL_FORMATS.contains(&fmt.as_str()) {
            let known = matches!(fmt.as_str(), "persistent" | "transient")
                || fmt.starts_with("urn:oasis:names:tc:SAML:");
            let msg = if known {
                format!("`saml.sp.nameid_format` is {fmt:?}: an opaque identifier, not the e-mail the workspace matches users by")
            } else {
                format!("`saml.sp.nameid_format` {fmt:?} is not a NameID format")
            };
            let f = l
                .at(&rule::NAMEID_FORMAT, "saml.sp.nameid_format", msg)
                .expected("\"emailAddress\" (or \"unspecified\" carrying the e-mail)")
                .found(format!("{fmt:?}"));
            l.push(f);
        }
    }
    let groups = &c.saml.groups;
    let filter = match &groups.filter {
        Some(src) => match regex::Regex::new(src) {
            Ok(re) => Some(re),
            Err(e) => {
                let detail = e.to_string();
                let last = detail.lines().last().unwrap_or("").trim().to_string();
                let f = l
                    .at(
                        &rule::GROUP_FILTER_INVALID,
                        "saml.groups.filter",
                        format!("`saml.groups.filter` is not a valid regular expression: {last}"),
                    )
                    .found(format!("{src:?}"))
                    .expected("a regular expression such as \"^ChatGPT \"");
                l.push(f);
                None
            }
        },
        None => None,
    };
    if c.auth_mode().sso_on() && c.protocol() == Protocol::Saml {
        let a = &c.saml.attributes;
        let need_groups = groups.filter.is_some() || !groups.mappings.is_empty();
        for (name, value, needed) in [
            ("email", &a.email, true),
            ("given_name", &a.given_name, true),
            ("family_name", &a.family_name, true),
            ("groups", &a.groups, need_groups),
        ] {
            if needed && value.is_none() {
                let path = format!("saml.attributes.{name}");
                let why = if name == "groups" {
                    " (group mappings need it)"
                } else {
                    ""
                };
                let f = l
                    .at(
                        &rule::ATTRIBUTE_MAPPING_INCOMPLETE,
                        &path,
                        format!("no SAML attribute is mapped to the workspace's `{name}`{why}"),
                    )
                    .expected(format!("{name} = \"<attribute name the IdP sends>\""));
                l.push(f);
            }
        }
    }
    // The groups known to reach the workspace: SCIM's, and the directory's.
    let scim_groups: &[String] = if c.scim() {
        &c.provisioning.scim_groups
    } else {
        &[]
    };
    let known: Vec<&str> = scim_groups
        .iter()
        .map(String::as_str)
        .chain(
            dir.into_iter()
                .flat_map(|d| d.groups.iter().map(String::as_str)),
        )
        .collect();
    for (i, m) in groups.mappings.iter().enumerate() {
        let path = format!("saml.groups.mappings[{i}].group");
        let problem = if !known.is_empty() && !known.contains(&m.group.as_str()) {
            let near = crate::config::load::closest(&m.group, known.iter().copied());
            let whom = if dir.is_some() {
                "neither in `provisioning.scim_groups` nor in the directory"
            } else {
                "not in `provisioning.scim_groups`, so SCIM never brings its members in"
            };
            Some((
                format!("group {:?} is {whom}", m.group),
                near.map(|n| format!("did you mean {n:?}?")),
            ))
        } else if filter.as_ref().is_some_and(|re| !re.is_match(&m.group)) {
            Some((
                format!(
                    "group {:?} does not match `saml.groups.filter`, so the mapping never applies",
                    m.group
                ),
                None,
            ))
        } else {
            None
        };
        if let Some((msg, hint)) = problem {
            let mut f = l
                .at(&rule::MAPPING_UNKNOWN_GROUP, &path, msg)
                .found(m.group.clone());
            if let Some(h) = hint {
                f = f.hint(h);
            }
            l.push(f);
        }
    }
}

fn provisioning(l: &mut Lint) {
    let c = &l.loaded.config;
    let scim_path = l.decided_by("provisioning.scim");
    if !c.scim() {
        let f = l.at(
            &rule::SCIM_OFF,
            &scim_path,
            format!(
                "{} false: users removed at the IdP stay in the workspace until removed by hand",
                l.said("provisioning.scim", c.provisioning.scim.is_some())
            ),
        );
        l.push(f);
    } else if c.provisioning.scim_groups.is_empty() {
        let f = l
            .at(
                &rule::SCIM_GROUPS_MISSING,
                if l.loaded.has("provisioning.scim") {
                    "provisioning.scim"
                } else {
                    &scim_path
                },
                "SCIM is on but `provisioning.scim_groups` lists no IdP groups to sync",
            )
            .expected("scim_groups = [\"ChatGPT Users\"]");
        l.push(f);
    }
    if c.automatic_account_creation() {
        let aac_path = l.decided_by("provisioning.automatic_account_creation");
        if c.auth_mode().sso_on() {
            let f = l.at(
                &rule::AUTOMATIC_CREATION_WITH_SSO,
                &aac_path,
                format!("automatic account creation is on with SSO {}: verified-domain users the IdP does not let in are locked out once they migrate", c.auth_mode().name()),
            );
            l.push(f);
        }
        if c.scim() {
            let f = l.at(
                &rule::AUTOMATIC_CREATION_WITH_SCIM,
                &aac_path,
                "automatic account creation and SCIM are both on: users outside the synced groups are provisioned at first login",
            );
            l.push(f);
        }
    }
    if c.auth_mode() == AuthMode::SsoEnforced && c.external_invites() == ExternalInvites::Allowed {
        let f = l
            .at(
                &rule::EXTERNAL_INVITES_ALLOWED,
                "workspace.external_invites",
                format!("SSO is enforced but {} \"allowed\": users invited on unverified domains sign in with password or social login", l.said("workspace.external_invites", c.workspace.external_invites.is_some())),
            )
            .expected("\"blocked\"")
            .found("\"allowed\"");
        l.push(f);
    }
}

fn roles(l: &mut Lint) {
    let c = &l.loaded.config;
    if c.mfa() == Mfa::None {
        let f = l
            .at(
                &rule::MFA_NOT_REQUIRED,
                "authentication.mfa",
                format!(
                    "{} \"none\": nobody expects the IdP to require a second factor",
                    l.said("authentication.mfa", c.authentication.mfa.is_some())
                ),
            )
            .expected("\"idp\"")
            .found("\"none\"");
        l.push(f);
    }
    let owners = &c.workspace.owners;
    if owners.len() > 2 {
        let f = l
            .at(
                &rule::TOO_MANY_OWNERS,
                "workspace.owners",
                format!(
                    "{} workspace owners; the hardening guide recommends at most 2",
                    owners.len()
                ),
            )
            .expected("at most 2 owners")
            .found(owners.join(", "));
        l.push(f);
    }
    if c.auth_mode() == AuthMode::SsoEnforced {
        let valid = c
            .workspace
            .break_glass
            .iter()
            .any(|b| owners.iter().any(|o| o.eq_ignore_ascii_case(b)));
        if !valid {
            let msg = if c.workspace.break_glass.is_empty() {
                "SSO is enforced and `workspace.break_glass` names no owner who can get in without the IdP".to_string()
            } else {
                "SSO is enforced and none of `workspace.break_glass` is an owner".to_string()
            };
            let f = l
                .at(&rule::NO_BREAK_GLASS, "workspace.break_glass", msg)
                .expected("an owner listed in workspace.break_glass");
            l.push(f);
        }
    }
}

fn ip_allowlist(l: &mut Lint) {
    let Some(list) = l.loaded.config.ip_allowlist.clone() else {
        return;
    };
    let mut nets: Vec<(usize, ipnet::IpNet)> = Vec::new();
    for (i, s) in list.cidrs.iter().enumerate() {
        let path = format!("ip_allowlist.cidrs[{i}]");
        let parsed = s
            .parse::<ipnet::IpNet>()
            .map_err(|e| e.to_string())
            .and_then(|n| {
                if n.trunc() == n {
                    Ok(n)
                } else {
                    Err(format!("host bits are set (the network is {})", n.trunc()))
                }
            });
        match parsed {
            Err(e) => {
                let f = Finding::new(
                    &rule::IP_ALLOWLIST_INVALID,
                    format!("`{path}` {s:?} is not a valid CIDR: {e}"),
                )
                .at(l.file, l.loaded.value_span(&path))
                .element(path)
                .found(s.clone())
                .expected("an address with prefix length, e.g. 203.0.113.0/24");
                l.push(f);
            }
            Ok(n) => {
                let broad = match n {
                    ipnet::IpNet::V4(_) => n.prefix_len() < 8,
                    ipnet::IpNet::V6(_) => n.prefix_len() < 16,
                };
                if broad {
                    let f = Finding::new(
                        &rule::IP_ALLOWLIST_TOO_BROAD,
                        format!(
                            "`{path}` {n} allows {}",
                            if n.prefix_len() == 0 {
                                "every address".to_string()
                            } else {
                                format!("a /{} (a large share of the Internet)", n.prefix_len())
                            }
                        ),
                    )
                    .at(l.file, l.loaded.value_span(&path))
                    .element(path)
                    .found(n.to_string());
                    l.push(f);
                }
                nets.push((i, n));
            }
        }
    }
    for (a, na) in &nets {
        for (b, nb) in &nets {
            if a != b && na.contains(nb) && (na != nb || a < b) {
                let path = format!("ip_allowlist.cidrs[{b}]");
                let f = Finding::new(
                    &rule::IP_ALLOWLIST_OVERLAP,
                    format!("`{path}` {nb} is already covered by `ip_allowlist.cidrs[{a}]` {na}"),
                )
                .at(l.file, l.loaded.value_span(&path))
                .element(path)
                .found(nb.to_string())
                .label(
                    l.file,
                    l.loaded.value_span(&format!("ip_allowlist.cidrs[{a}]")),
                    "the covering range",
                );
                l.push(f);
            }
        }
    }
}

fn data_controls(l: &mut Lint) {
    let Some(d) = l.loaded.config.data_controls.clone() else {
        return;
    };
    if d.retention.as_deref() == Some("indefinite") {
        let f = l
            .at(
                &rule::RETENTION_INDEFINITE,
                "data_controls.retention",
                "conversations are kept until each user deletes them",
            )
            .expected("a retention period such as \"90d\"")
            .found("\"indefinite\"");
        l.push(f);
    }
    if d.third_party_gpts == Some(true) {
        let f = l
            .at(
                &rule::THIRD_PARTY_GPTS_ENABLED,
                "data_controls.third_party_gpts",
                "third-party GPTs are enabled",
            )
            .expected("false")
            .found("true");
        l.push(f);
    }
    if d.apps == Some(true) {
        let f = l
            .at(
                &rule::APPS_ENABLED,
                "data_controls.apps",
                "apps are enabled for the workspace",
            )
            .expected("false, or only the apps the business needs")
            .found("true");
        l.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::load_str;

    fn ids(text: &str) -> Vec<&'static str> {
        let l = load_str("c.toml", text, "toml").unwrap();
        let mut v: Vec<_> = lint_config(&l, 0, "2026-06-01T00:00:00Z".parse().unwrap())
            .0
            .iter()
            .map(|f| f.rule.id)
            .collect();
        v.sort();
        v
    }

    const GOOD: &str = r#"
[workspace]
verified_domains = ["acme.com"]
owners = ["ana@acme.com", "raj@acme.com"]
break_glass = ["raj@acme.com"]
external_invites = "blocked"
[provisioning]
scim = true
scim_groups = ["ChatGPT Users"]
[authentication]
mode = "sso_enforced"
mfa = "idp"
[saml.sp]
acs_url = "https://sp.example.test/saml/acs"
nameid_format = "emailAddress"
[saml.attributes]
email = "email"
given_name = "firstName"
family_name = "lastName"
groups = "groups"
[saml.groups]
filter = "^ChatGPT "
mappings = [{ group = "ChatGPT Users", role = "member" }]
[saml.idp]
entity_id = "http://idp.example.test"
sso_url = "https://idp.example.test/sso"
certificates = []
"#;

    #[test]
    fn a_hardened_configuration_is_clean_but_for_the_missing_certificate() {
        assert_eq!(ids(GOOD), vec!["config.idp-incomplete"]);
    }

    #[test]
    fn defaults_are_reported_with_their_reason() {
        let v = ids("");
        assert_eq!(
            v,
            vec![
                "config.mfa-not-required",
                "config.scim-off",
                "config.sso-off"
            ]
        );
        let l = load_str("c.toml", "", "toml").unwrap();
        let f = lint_config(&l, 0, "2026-06-01T00:00:00Z".parse().unwrap()).0;
        assert!(f
            .iter()
            .any(|f| f.message.contains("not set, so it defaults to")));
    }

    #[test]
    fn the_pattern_decides_and_is_pointed_at() {
        let l = load_str("c.toml", "pattern = \"sso-scim\"\n", "toml").unwrap();
        let f = lint_config(&l, 0, "2026-06-01T00:00:00Z".parse().unwrap()).0;
        let groups = f
            .iter()
            .find(|f| f.rule.id == "config.scim-groups-missing")
            .unwrap();
        assert_eq!(
            groups.location.as_ref().unwrap().element.as_deref(),
            Some("pattern")
        );
    }

    #[test]
    fn ip_ranges_bad_broad_and_overlapping() {
        let v = ids("[ip_allowlist]\ncidrs = [\"10.0.0.0/8\", \"10.1.0.0/16\", \"0.0.0.0/0\", \"300.1.1.1/8\", \"10.0.0.1/8\"]\n");
        assert!(v.contains(&"config.ip-allowlist-invalid"));
        assert!(v.contains(&"config.ip-allowlist-too-broad"));
        assert_eq!(
            v.iter()
                .filter(|i| **i == "config.ip-allowlist-overlap")
                .count(),
            3
        );
        assert_eq!(
            v.iter()
                .filter(|i| **i == "config.ip-allowlist-invalid")
                .count(),
            2
        );
    }
}
