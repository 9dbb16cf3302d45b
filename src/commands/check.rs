//! `ssolint check`: decode each input once, route every message by its kind (SAML response
//! or assertion → the SAML checks with signatures; other SAML messages → `saml.not-a-response`;
//! JWT/JWE → the OIDC checks; SCIM → the SCIM checks; HAR → every message and the flow), and
//! render one report per input. Expectations come from flags first, then the configuration
//! and the IdP metadata.

use crate::cli::{CheckArgs, Ctx, Format};
use crate::config::{self, LoadedConfig};
use crate::error::Fatal;
use crate::files;
use crate::findings::{FileId, Finding};
use crate::input::{self as decoding, Content, Input, Kind, Message};
use crate::oidc::{self, AllowSource, Discovery, Jwks, OidcExpectations};
use crate::redact::Redactor;
use crate::report::{self, MessageInfo, Report};
use crate::rules::{input, saml as saml_rules, Vendor};
use crate::saml::check::{self as saml_check, AttributeNames, DirectoryEntry, Expectations};
use crate::saml::dsig::{self, SignaturePolicy};
use crate::saml::view::{self, SamlMessage};
use crate::saml::{flow, vendor as saml_vendor};
use crate::scim::{self, ScimExpectations, ScimKind};
use crate::source::SourceFile;
use crate::x509::Certificate;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Inputs larger than this are refused before any decoding (1 MiB), except HAR captures,
/// which may be read up to the decoder's cap.
const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// Everything the checks of one run need, resolved once before any input is read.
pub struct Plan {
    pub oidc: OidcExpectations,
    /// JWKS keys that could not be read (shown in a token's summary, never fatal: one odd
    /// key in a provider's set must not hide the others).
    pub jwks_problems: Vec<String>,
    pub scim: ScimExpectations,
    pub saml: Expectations,
    pub trusted: Vec<Certificate>,
    pub policy: SignaturePolicy,
    pub vendor: Option<Vendor>,
    pub sp_key: Option<openssl::pkey::PKey<openssl::pkey::Private>>,
    pub skew: chrono::Duration,
    /// The system time read once at the edge, for `--now issue-instant` on a message
    /// without an instant of its own.
    pub wall_clock: DateTime<Utc>,
}

pub fn run(ctx: &Ctx, args: &CheckArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let config = load_config(args)?;
    let plan = plan(ctx, args, config.as_ref())?;
    let mut inputs = args.inputs.clone();
    if inputs.is_empty() {
        if ctx.stdin_is_terminal {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                "no input: give a file, a directory, or `-` to read messages from stdin",
            ));
        }
        inputs.push(PathBuf::from("-"));
    }
    let batch = Batch {
        ctx,
        plan: &plan,
        config: config.as_ref(),
        // Suppression expiry dates are judged today (the edge may read the system clock).
        today: ctx.clock.now_or(plan.wall_clock),
    };
    if ctx.format == Format::Jsonl {
        return write_lines(ctx, &batch, &inputs, out);
    }
    let mut results = Vec::new();
    batch.check_all(
        &inputs,
        |r| r,
        |r| {
            results.push(r);
            Ok(())
        },
    )?;
    // A single unusable input ends the run with its one-line error (and, for machine
    // formats, its error report); in a batch the others are still reported.
    if let [Err(unusable)] = results.as_slice() {
        return Err(unusable.1.clone());
    }
    let reports: Vec<Report> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|u| fatal_report(ctx, &u.0, &u.1)))
        .collect();
    let code = reports
        .iter()
        .map(|r| r.exit_code(ctx.fail_on))
        .max()
        .unwrap_or(0);
    super::emit(out, &report::render_many(&reports, ctx))?;
    Ok(code)
}

/// One JSON line per report, rendered where its input was checked and written as soon as
/// those before it are, so a batch never holds its reports (nor its lines) all at once.
/// Unusable inputs are reported on stderr as their turn comes.
fn write_lines(
    ctx: &Ctx,
    batch: &Batch,
    inputs: &[PathBuf],
    out: &mut dyn Write,
) -> Result<i32, Fatal> {
    type Line = Result<(String, i32), Unusable>;
    let mut code = 0;
    let mut write = |line: Line| {
        let (text, line_code) = line.unwrap_or_else(|u| {
            let r = fatal_report(ctx, &u.0, &u.1);
            (report::render(&r, ctx), r.exit_code(ctx.fail_on))
        });
        code = code.max(line_code);
        super::emit(out, &text)
    };
    // The first line waits for a second: a lone unusable input is exit 2 with no line.
    let mut first: Option<Line> = None;
    let mut seen = 0usize;
    batch.check_all(
        inputs,
        |r| (report::render(&r, ctx), r.exit_code(ctx.fail_on)),
        |line| {
            seen += 1;
            match (seen, first.take()) {
                (1, _) => {
                    first = Some(line);
                    Ok(())
                }
                (_, Some(held)) => write(held).and_then(|()| write(line)),
                (_, None) => write(line),
            }
        },
    )?;
    match first {
        Some(Err(unusable)) => Err(unusable.1),
        Some(line) => write(line).map(|()| code),
        None => Ok(code),
    }
}

/// An input that could not be used: its label and the error.
type Unusable = Box<(String, Fatal)>;

/// What one run's inputs are checked against.
struct Batch<'a> {
    ctx: &'a Ctx,
    plan: &'a Plan,
    config: Option<&'a LoadedConfig>,
    today: DateTime<Utc>,
}

/// One path after its first round: its inputs checked, a directory to expand, or several
/// messages, one per line, to check on every core in its place.
enum Round<R> {
    Done(Vec<Result<R, Unusable>>),
    Directory(PathBuf),
    Lines(Lines),
}

/// A text of several messages, one per line.
struct Lines {
    text: String,
    lines: Vec<Line>,
}

/// One message of a text of several: its name (`label#n`) and where it is in the text.
struct Line {
    name: String,
    at: std::ops::Range<usize>,
}

/// What checking one input's text gave: its reports, or its lines to check one by one.
enum Checked {
    Reports(Vec<Result<Report, Unusable>>),
    Lines(Vec<Line>),
}

impl Batch<'_> {
    /// Every input read and checked on every core, each report passed through `finish` where
    /// it was made, then to `sink` in input order as soon as those before it are done. A
    /// directory is recognised when its path is opened, and its files (sorted, but the
    /// workspace's own) are checked in its place.
    fn check_all<R, F, S>(&self, paths: &[PathBuf], finish: F, mut sink: S) -> Result<(), Fatal>
    where
        R: Send,
        F: Fn(Report) -> R + Sync,
        S: FnMut(Result<R, Unusable>) -> Result<(), Fatal>,
    {
        let work = |path: &PathBuf| {
            let label = label_of(path);
            match read_input(path) {
                Ok(Some(text)) => match self.check_text(&label, &text) {
                    Checked::Reports(checked) => {
                        Round::Done(checked.into_iter().map(|r| r.map(&finish)).collect())
                    }
                    Checked::Lines(lines) => Round::Lines(Lines { text, lines }),
                },
                Ok(None) => Round::Directory(path.clone()),
                Err(fatal) => Round::Done(vec![Err(Box::new((label, fatal)))]),
            }
        };
        // Checked inputs to the sink; a directory is handed back.
        let deliver = |round: Round<R>, sink: &mut S| match round {
            Round::Done(checked) => checked.into_iter().try_for_each(&mut *sink).map(|()| None),
            Round::Lines(Lines { text, lines }) => {
                let line_work = |line: &Line| self.check_line(&text, line).map(&finish);
                crate::parallel::for_each_ordered(&lines, line_work, &mut *sink).map(|()| None)
            }
            Round::Directory(dir) => Ok(Some(dir)),
        };
        crate::parallel::for_each_ordered(paths, work, |round| {
            let Some(dir) = deliver(round, &mut sink)? else {
                return Ok(());
            };
            match directory_files(&dir, self.config) {
                // Only files are listed; one replaced by a directory since is skipped.
                Ok(files) => crate::parallel::for_each_ordered(&files, work, |round| {
                    deliver(round, &mut sink).map(drop)
                }),
                Err(unusable) => sink(Err(unusable)),
            }
        })
    }

    fn check_text(&self, label: &str, text: &str) -> Checked {
        check_text(self.ctx, self.plan, self.config, self.today, label, text)
    }

    /// One line of a text of several: the same checks as a file holding only that line.
    fn check_line(&self, text: &str, line: &Line) -> Result<Report, Unusable> {
        let (ctx, plan) = (self.ctx, self.plan);
        let message = text.get(line.at.clone()).unwrap_or_default();
        let report = match bare_token(ctx, plan, &line.name, message) {
            Some(r) => r,
            None => decoding::decode(&line.name, message.as_bytes())
                .map(|input| check_input(ctx, plan, &input))
                .map_err(|e| Box::new((line.name.clone(), e)))?,
        };
        Ok(with_policy(report, self.config, self.today))
    }
}

/// The report with the configuration's policy (suppressions, severity overrides) applied.
fn with_policy(mut r: Report, config: Option<&LoadedConfig>, today: DateTime<Utc>) -> Report {
    if let Some(loaded) = config {
        config::apply_policy(&mut r, loaded, today);
        r.sort();
    }
    r
}

/// Every message of one input, checked, with the configuration's policy applied.
fn check_text(
    ctx: &Ctx,
    plan: &Plan,
    config: Option<&LoadedConfig>,
    today: DateTime<Utc>,
    label: &str,
    text: &str,
) -> Checked {
    if let Some(r) = bare_token(ctx, plan, label, text) {
        return Checked::Reports(vec![Ok(with_policy(r, config, today))]);
    }
    check_decoded(ctx, plan, config, today, label, text)
}

/// [`check_text`] through the decoder, for every kind of input.
fn check_decoded(
    ctx: &Ctx,
    plan: &Plan,
    config: Option<&LoadedConfig>,
    today: DateTime<Utc>,
    label: &str,
    text: &str,
) -> Checked {
    match decode_all(label, text) {
        Ok(Messages::One(input)) => Checked::Reports(vec![Ok(with_policy(
            check_input(ctx, plan, &input),
            config,
            today,
        ))]),
        Ok(Messages::Lines(lines)) => Checked::Lines(lines),
        Err(fatal) => {
            Checked::Reports(vec![
                match undecoded_token_or_json(ctx, plan, label, text.trim()) {
                    Some(Ok(mut r)) => {
                        if let Some(loaded) = config {
                            config::apply_policy(&mut r, loaded, today);
                        }
                        r.sort();
                        Ok(r)
                    }
                    Some(Err(better)) => Err(Box::new((label.to_string(), better))),
                    None => Err(Box::new((label.to_string(), fatal))),
                },
            ])
        }
    }
}

/// A bare compact token, the usual input of a batch, checked straight away: decoded once, by
/// the OIDC checks, instead of first by the decoder and then again. The report is the one
/// the decoder's path gives; None leaves the input to that path: a token whose header or
/// claims cannot be read (the decoder decides what it is), and `--redact`, which rewrites
/// the decoded input.
fn bare_token(ctx: &Ctx, plan: &Plan, label: &str, text: &str) -> Option<Report> {
    // A byte order mark is an encoding layer the report names.
    if ctx.redact || text.starts_with('\u{feff}') {
        return None;
    }
    let t = text.trim();
    if !oidc::jose::is_compact_shaped(t) {
        return None;
    }
    let checked = oidc::check_token(t, &plan.oidc, ctx.clock, plan.skew);
    if checked.header.is_none()
        || (checked.kind == oidc::TokenKind::Jws && checked.claims.is_none())
    {
        return None;
    }
    let mut r = Report::new(label);
    r.input.kind = Some(checked.kind.input_kind().to_string());
    r.add_file(SourceFile::new(label, t));
    r.vendor = plan.vendor.or_else(|| checked.vendor());
    r.summary = token_summary(plan, &checked);
    r.findings = checked.findings;
    r.evaluated = crate::rules::oidc::RULES.to_vec();
    r.sort();
    Some(r)
}

/// A token's summary: what its check found out, and the JWKS keys that could not be read.
fn token_summary(
    plan: &Plan,
    checked: &oidc::TokenCheck,
) -> serde_json::Map<String, serde_json::Value> {
    let mut summary = checked.summary();
    if !plan.jwks_problems.is_empty() {
        summary.insert("jwks_problems".into(), json!(plan.jwks_problems));
    }
    summary
}

fn fatal_report(ctx: &Ctx, label: &str, fatal: &Fatal) -> Report {
    if !ctx.quiet {
        eprintln!("{fatal}");
    }
    Report::from_fatal(label, fatal)
}

/// The files of a directory input, sorted, but the workspace's own files.
fn directory_files(dir: &Path, config: Option<&LoadedConfig>) -> Result<Vec<PathBuf>, Unusable> {
    let referenced = referenced_files(config);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .filter(is_file)
            .map(|e| e.path())
            .filter(|p| !is_workspace_file(p, &referenced))
            .collect(),
        Err(e) => {
            let label = dir.display().to_string();
            let fatal = Fatal::new(
                &input::UNDECODABLE,
                format!("cannot read directory {label}: {e}"),
            );
            return Err(Box::new((label, fatal)));
        }
    };
    files.sort();
    Ok(files)
}

fn label_of(p: &Path) -> String {
    if p == Path::new("-") {
        "-".to_string()
    } else {
        p.display().to_string()
    }
}

/// Texts the decoder refuses but the OIDC and SCIM checks explain better: a token with
/// broken segments (`oidc.token-malformed`) and JSON that is not a recognisable SCIM payload
/// (`scim.schema-missing`); another SCIM resource gets an error that says what `check` reads.
/// None when neither applies.
fn undecoded_token_or_json(
    ctx: &Ctx,
    plan: &Plan,
    label: &str,
    text: &str,
) -> Option<Result<Report, Fatal>> {
    let mut r = Report::new(label);
    if oidc::jose::looks_compact(text).is_some() {
        let checked = oidc::check_token(text, &plan.oidc, ctx.clock, plan.skew);
        r.add_file(SourceFile::new(label, text));
        r.input.kind = Some(checked.kind.input_kind().to_string());
        r.vendor = checked.vendor();
        r.summary = checked.summary();
        r.findings = checked.findings;
        r.evaluated = crate::rules::oidc::RULES.to_vec();
        return Some(Ok(r));
    }
    if !text.starts_with('{') && !text.starts_with('[') {
        return None;
    }
    let source = SourceFile::new(label, text);
    match scim::check_payload(text, &plan.scim) {
        Err(e) => {
            let offset = e.offset_in(text);
            Some(Err(Fatal::new(e.rule(), e.message.clone()).at(source, offset)))
        }
        Ok(Some(scim::ScimCheck {
            kind: ScimKind::Other(urn),
            ..
        })) => Some(Err(Fatal::new(
            &input::UNDECODABLE,
            format!("{label}: a SCIM {urn} message; check reads SCIM User, Group and ListResponse payloads"),
        ))),
        Ok(Some(c)) => {
            r.add_file(source);
            r.input.kind = c.kind.input_kind().map(str::to_string);
            r.summary.insert("resources".into(), json!(c.resources));
            r.findings = c.findings;
            r.evaluated = crate::rules::scim::RULES.to_vec();
            Some(Ok(r))
        }
        _ => None,
    }
}

/// What one input's text holds: one message, or several, one per line.
enum Messages {
    One(Input),
    Lines(Vec<Line>),
}

/// Decode one input's text. Several messages on separate lines of stdin (each a complete
/// message: base64, a form body, a URL, a token) give one input each, when the text as a
/// whole is not one message; they are decoded where each is checked.
fn decode_all(label: &str, text: &str) -> Result<Messages, Fatal> {
    let lines = line_ranges(text);
    let line = |at: &std::ops::Range<usize>| text.get(at.clone()).unwrap_or_default();
    let named = || {
        let lines = lines.iter().enumerate().map(|(n, at)| Line {
            name: format!("{label}#{}", n + 1),
            at: at.clone(),
        });
        Ok(Messages::Lines(lines.collect()))
    };
    // Lines that are each a whole compact token are never one message together (a token has
    // no line break, and its dots are in no other encoding's alphabet): no need to try.
    if lines.len() >= 2
        && lines
            .iter()
            .all(|at| oidc::jose::is_compact_shaped(line(at)))
    {
        return named();
    }
    match decoding::decode(label, text.as_bytes()) {
        Ok(i) => Ok(Messages::One(i)),
        Err(e) if lines.len() < 2 => Err(e),
        // A file of several messages, one per line, is split only when every line is a
        // token; a broken multi-line document keeps its one clear error.
        Err(e)
            if label != "-"
                && !lines
                    .iter()
                    .all(|at| oidc::jose::looks_compact(line(at)).is_some()) =>
        {
            Err(e)
        }
        Err(_) => named(),
    }
}

/// The non-empty lines of a text, trimmed, as byte ranges of it.
fn line_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut start = 0;
    let mut ranges = Vec::new();
    for piece in text.split_inclusive('\n') {
        let lead = piece.len() - piece.trim_start().len();
        let kept = piece.trim().len();
        if kept > 0 {
            ranges.push(start + lead..start + lead + kept);
        }
        start += piece.len();
    }
    ranges
}

/// `--config`, else `./ssolint.toml`, else the `ssolint.toml` of a lone directory input (a
/// folder holding a capture and the workspace it was taken from).
fn load_config(args: &CheckArgs) -> Result<Option<LoadedConfig>, Fatal> {
    if let Some(p) = &args.config {
        return config::load(p).map(Some);
    }
    let default = Path::new("ssolint.toml");
    if default.exists() {
        return config::load(default).map(Some);
    }
    if let [dir] = args.inputs.as_slice() {
        let inside = dir.join("ssolint.toml");
        if dir.is_dir() && inside.exists() {
            return config::load(&inside).map(Some);
        }
    }
    Ok(None)
}

/// Files of a directory input that are not messages: configuration files and the files the
/// configuration refers to (IdP metadata, certificates, JWKS, the directory).
fn is_workspace_file(path: &Path, referenced: &[PathBuf]) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if matches!(
        name,
        "ssolint.toml" | "ssolint.yaml" | "ssolint.yml" | "ssolint.json"
    ) {
        return true;
    }
    !referenced.is_empty()
        && std::fs::canonicalize(path).is_ok_and(|this| referenced.contains(&this))
}

/// The files the configuration names (metadata, certificates, JWKS, discovery, directory),
/// resolved to canonical paths once per directory, not once per file of it.
fn referenced_files(config: Option<&LoadedConfig>) -> Vec<PathBuf> {
    let Some(c) = config else {
        return Vec::new();
    };
    let cfg = &c.config;
    cfg.saml
        .idp
        .metadata
        .iter()
        .chain(&cfg.saml.idp.certificates)
        .chain(
            cfg.oidc
                .iter()
                .flat_map(|o| o.jwks.iter().chain(&o.discovery)),
        )
        .chain(&cfg.simulate.directory)
        .filter_map(|r| std::fs::canonicalize(c.resolve(r)).ok())
        .collect()
}

/// `Path::is_file` of a directory entry, from the type the listing gives (no stat) unless
/// the entry is a symbolic link, which `is_file` follows.
fn is_file(entry: &std::fs::DirEntry) -> bool {
    match entry.file_type() {
        Ok(t) if t.is_symlink() => entry.path().is_file(),
        Ok(t) => t.is_file(),
        Err(_) => entry.path().is_file(),
    }
}

fn read_file(path: &Path, what: &str) -> Result<String, Fatal> {
    files::read_file(path, what, MAX_INPUT_BYTES)
}

/// An input's text; None for a directory. A file is opened once and its size read from the
/// open file (a path-based `metadata` first would look the path up twice).
fn read_input(path: &Path) -> Result<Option<String>, Fatal> {
    if path == Path::new("-") {
        let bytes = files::read_stdin(MAX_INPUT_BYTES + 1)
            .map_err(|e| Fatal::new(&input::UNDECODABLE, format!("cannot read stdin: {e}")))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(Fatal::new(
                &input::TOO_LARGE,
                format!("stdin is over the {MAX_INPUT_BYTES}-byte cap"),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            Fatal::new(
                &input::NOT_UTF8,
                format!("stdin is not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            )
        })?;
        return Ok(Some(text));
    }
    let Some(text) = files::read_text(path, "input", decoding::MAX_INPUT)? else {
        return Ok(None);
    };
    if text.len() as u64 > MAX_INPUT_BYTES && !looks_like_har(&text) {
        return Err(Fatal::new(
            &input::TOO_LARGE,
            format!(
                "input {} is {} bytes; the cap is {MAX_INPUT_BYTES} (HAR captures may be larger)",
                path.display(),
                text.len()
            ),
        ));
    }
    Ok(Some(text))
}

/// A browser capture: a JSON object whose first member is `log`.
fn looks_like_har(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(64).collect();
    head.starts_with('{')
        && head
            .trim_start_matches(['{', ' ', '\n', '\r', '\t'])
            .starts_with("\"log\"")
}

/// A JWKS or discovery file named on the command line or in the configuration.
fn load_doc<T>(
    path: &Path,
    what: &str,
    parse: impl Fn(&str) -> Result<T, oidc::jwks::DocError>,
) -> Result<T, Fatal> {
    let text = read_file(path, what)?;
    parse(&text).map_err(|e| {
        let rule = match &e {
            oidc::jwks::DocError::Json(j) => j.rule(),
            oidc::jwks::DocError::Shape(_) => &input::UNDECODABLE,
        };
        Fatal::new(rule, format!("{what} {}: {e}", path.display()))
    })
}

/// Flags win over the configuration; the discovery document fills what neither gives.
fn oidc_expectations(
    args: &CheckArgs,
    cfg: Option<&LoadedConfig>,
) -> Result<(OidcExpectations, Vec<String>), Fatal> {
    let section = cfg.and_then(|c| c.config.oidc.as_ref());
    let from_cfg = |p: &Option<String>| -> Option<PathBuf> {
        let (c, p) = (cfg?, p.as_ref()?);
        Some(c.resolve(p))
    };
    let discovery_path = args
        .discovery
        .clone()
        .or_else(|| section.and_then(|s| from_cfg(&s.discovery)));
    let jwks_path = args
        .jwks
        .clone()
        .or_else(|| section.and_then(|s| from_cfg(&s.jwks)));
    let discovery = discovery_path
        .as_deref()
        .map(|p| load_doc(p, "discovery document", Discovery::parse))
        .transpose()?;
    let (jwks, problems) = match jwks_path.as_deref() {
        Some(p) => {
            let (set, problems) = load_doc(p, "JWKS", Jwks::parse)?;
            (Some(set), problems)
        }
        None => (None, Vec::new()),
    };
    let mut exp = OidcExpectations {
        issuer: args
            .issuer
            .clone()
            .or_else(|| section.and_then(|s| s.issuer.clone()))
            .or_else(|| discovery.as_ref().and_then(|d| d.issuer.clone())),
        allowed_tenants: section
            .map(|s| s.allowed_tenants.clone())
            .unwrap_or_default(),
        audience: args
            .audience
            .clone()
            .or_else(|| section.and_then(|s| s.client_id.clone())),
        nonce: args.nonce.clone(),
        access_token: args.access_token.clone(),
        jwks,
        email_claim: section.and_then(|s| s.email_claim.clone()),
        groups_claim: section.and_then(|s| s.groups_claim.clone()),
        verified_domains: cfg.map(|c| c.config.workspace.verified_domains.clone()),
        ..OidcExpectations::default()
    };
    if let Some(s) = section.filter(|s| !s.algorithms.is_empty()) {
        exp.algorithms = s.algorithms.clone();
        exp.algorithms_source = Some(AllowSource::Configuration);
    } else if let Some(d) = discovery.as_ref().filter(|d| !d.id_token_algs.is_empty()) {
        exp.algorithms = d.id_token_algs.clone();
        exp.algorithms_source = Some(AllowSource::Discovery);
    }
    Ok((exp, problems))
}

/// Resolve every expectation before any input is read.
fn plan(ctx: &Ctx, args: &CheckArgs, config: Option<&LoadedConfig>) -> Result<Plan, Fatal> {
    let (oidc, jwks_problems) = oidc_expectations(args, config)?;
    let cfg = config.map(|c| &c.config);
    let scim = ScimExpectations {
        verified_domains: cfg.map(|c| c.workspace.verified_domains.clone()),
    };
    let configured_skew = match cfg.and_then(|c| c.clock_skew.as_deref()) {
        Some(s) => Some(crate::clock::parse_duration(s).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("configuration clock_skew: {e}"),
            )
        })?),
        None => None,
    };
    let skew = ctx.skew_or(configured_skew);

    let mut trusted = Vec::new();
    for p in &args.idp_cert {
        trusted.extend(load_certificates(p)?);
    }
    let idp = cfg.map(|c| &c.saml.idp);
    if let (Some(c), Some(idp)) = (config, idp) {
        for p in &idp.certificates {
            trusted.extend(load_certificates(&c.resolve(p))?);
        }
    }
    let metadata_path = args
        .idp_metadata
        .clone()
        .or_else(|| Some(config?.resolve(idp?.metadata.as_ref()?)));
    let wanted_entity = idp.and_then(|i| i.entity_id.clone());
    let mut metadata_entity = None;
    let mut metadata_vendor = None;
    if let Some(p) = metadata_path {
        let md = load_metadata(&p, wanted_entity.as_deref())?;
        trusted.extend(md.certificates);
        metadata_entity = md.entity_id;
        metadata_vendor = md.vendor;
    }

    let attrs = cfg.map(|c| &c.saml.attributes);
    let groups = cfg.map(|c| &c.saml.groups);
    let directory = args.users.as_deref().map(load_directory).transpose()?;
    let saml = Expectations {
        sp_entity_id: args
            .sp_entity_id
            .clone()
            .or_else(|| cfg.and_then(|c| c.saml.sp.entity_id.clone())),
        acs_url: args
            .acs_url
            .clone()
            .or_else(|| cfg.and_then(|c| c.saml.sp.acs_url.clone())),
        idp_entity_id: wanted_entity.or(metadata_entity),
        request_id: args.request_id.clone(),
        nameid_format: cfg.and_then(|c| c.saml.sp.nameid_format.clone()),
        attributes: AttributeNames {
            email: attrs.and_then(|a| a.email.clone()),
            given_name: attrs.and_then(|a| a.given_name.clone()),
            family_name: attrs.and_then(|a| a.family_name.clone()),
            groups: attrs.and_then(|a| a.groups.clone()),
        },
        group_filter: groups.and_then(|g| g.filter.clone()),
        group_mappings: groups
            .map(|g| g.mappings.iter().map(|m| m.group.clone()).collect())
            .unwrap_or_default(),
        // An empty list is a configuration problem (`config.no-verified-domain`), not one
        // of each message.
        verified_domains: cfg
            .map(|c| c.workspace.verified_domains.clone())
            .filter(|d| !d.is_empty()),
        mfa_expected: cfg.is_some_and(|c| c.mfa() == config::model::Mfa::Idp),
        directory,
        skew,
    };
    let sp_key = args
        .sp_key
        .as_deref()
        .map(|p| {
            let bytes = files::read_binary(p, "SP key", MAX_INPUT_BYTES)?;
            crate::saml::encrypted::load_private_key(&bytes).map_err(|e| {
                Fatal::new(&input::UNDECODABLE, format!("SP key {}: {e}", p.display()))
            })
        })
        .transpose()?;
    Ok(Plan {
        oidc,
        jwks_problems,
        scim,
        saml,
        trusted,
        policy: SignaturePolicy {
            require_signed_assertion: cfg.is_some_and(|c| c.require_signed_assertion()),
        },
        vendor: idp.and_then(|i| i.vendor).or(metadata_vendor),
        sp_key,
        skew,
        wall_clock: Utc::now(),
    })
}

fn load_certificates(path: &Path) -> Result<Vec<Certificate>, Fatal> {
    let bytes = files::read_binary(path, "IdP certificate", MAX_INPUT_BYTES)?;
    Certificate::from_file_bytes(&bytes).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("IdP certificate {}: {e}", path.display()),
        )
    })
}

struct IdpMetadata {
    entity_id: Option<String>,
    certificates: Vec<Certificate>,
    vendor: Option<Vendor>,
}

/// The IdP entity of a metadata file (the one named `wanted`, else the first IdP), its
/// signing certificates and the vendor its shapes give away.
fn load_metadata(path: &Path, wanted: Option<&str>) -> Result<IdpMetadata, Fatal> {
    let text = files::read_file(path, "IdP metadata", decoding::MAX_METADATA_INPUT)?;
    let source = SourceFile::new(path.display().to_string(), text);
    let doc = decoding::parse_xml(&source, &[])?;
    let message = view::read(&doc);
    let entities: Vec<&view::EntityDescriptor> = match &message {
        SamlMessage::EntityDescriptor(e) => vec![e],
        SamlMessage::EntitiesDescriptor(es) => es.entities.iter().collect(),
        _ => {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                format!(
                    "{}: not SAML metadata (no EntityDescriptor at the root)",
                    path.display()
                ),
            ))
        }
    };
    let entity = entities
        .iter()
        .find(|e| wanted.is_some() && e.entity_id.as_ref().map(|i| i.as_str()) == wanted)
        .or_else(|| entities.iter().find(|e| e.idp.is_some()))
        .ok_or_else(|| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("{}: the metadata describes no IdP", path.display()),
            )
        })?;
    let mut certificates = Vec::new();
    for c in entity.idp.iter().flat_map(|i| &i.keys.signing_certs) {
        let cert = Certificate::from_base64(c.as_str()).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!(
                    "{}: a signing certificate does not parse: {e}",
                    path.display()
                ),
            )
            .at(source.clone(), c.span.start)
        })?;
        certificates.push(cert);
    }
    Ok(IdpMetadata {
        entity_id: entity.entity_id.as_ref().map(|e| e.value.clone()),
        certificates,
        vendor: saml_vendor::guess(&message).map(|g| g.vendor),
    })
}

fn load_directory(path: &Path) -> Result<Vec<DirectoryEntry>, Fatal> {
    let reader = crate::sim::directory::DirectoryReader::open(path)?;
    let mut users = Vec::new();
    for user in reader {
        let user = user?;
        let idp_email = match user.idp_email {
            Some(crate::sim::directory::IdpEmail::Other(e)) => Some(e),
            _ => None,
        };
        users.push(DirectoryEntry {
            email: user.email,
            idp_email,
        });
    }
    Ok(users)
}

/// Check every message of a decoded input; one report.
pub fn check_input(ctx: &Ctx, plan: &Plan, decoded: &Input) -> Report {
    let mut r = Report::new(decoded.path.clone());
    r.input.kind = Some(decoded.kind.as_str().to_string());
    r.input.encodings = decoding::encoding_names(&decoded.encodings);
    let har = decoded.kind == Kind::Har;
    let pairs = flow::pairings(&decoded.messages);
    let mut files = Vec::new();
    for (i, m) in decoded.messages.iter().enumerate() {
        let file = r.add_file(m.source.clone());
        files.push(file);
        let mut extra_files = Vec::new();
        let paired = har
            .then(|| flow::request_id(&decoded.messages, &pairs, i))
            .flatten()
            .filter(|_| plan.saml.request_id.is_none());
        let (findings, summary, vendor) = match paired {
            Some(id) => {
                let exp = Expectations {
                    request_id: Some(id),
                    ..plan.saml.clone()
                };
                check_message(ctx, plan, &exp, m, file, har, &mut extra_files)
            }
            None => check_message(ctx, plan, &plan.saml, m, file, har, &mut extra_files),
        };
        // Decrypted assertions: their findings point past the message's own file.
        for extra in extra_files {
            r.add_file(extra);
        }
        if r.vendor.is_none() {
            r.vendor = vendor;
        }
        r.findings.extend(findings);
        if har {
            let origin = m.har.as_ref();
            r.messages.push(MessageInfo {
                kind: m.kind.as_str().to_string(),
                encodings: decoding::encoding_names(&m.encodings),
                url: origin.map(|o| o.url.clone()),
                method: origin.map(|o| o.method.clone()),
                time: origin.and_then(|o| o.time.clone()),
                file: Some(file),
                summary,
            });
        } else {
            r.summary = summary;
        }
    }
    if har {
        r.findings
            .extend(flow::check(&decoded.messages, &files, &pairs));
        r.summary.insert(
            "flow".into(),
            json!(flow::timings(&decoded.messages, &pairs)),
        );
        r.summary
            .insert("messages".into(), json!(decoded.messages.len()));
    }
    r.vendor = plan.vendor.or(r.vendor);
    r.evaluated = evaluated(decoded);
    if ctx.redact {
        redact(&mut r, decoded);
    }
    if ctx.format == crate::cli::Format::Human {
        reflow_long_lines(&mut r);
    }
    r.sort();
    r
}

/// Longer lines than this are broken between tags for human output.
const LONG_LINE: usize = 240;

/// IdPs send XML on one line of thousands of characters, which no snippet can show. For
/// human output each such text is shown with a line break between adjacent tags (`><`);
/// spans move by the breaks inserted before them, and the path says the text was reflowed.
fn reflow_long_lines(r: &mut Report) {
    let mut inserted: Vec<Option<Vec<usize>>> = Vec::new();
    for f in &mut r.files {
        let long = f.text.lines().any(|l| l.len() > LONG_LINE);
        if !long || !f.text.trim_start().starts_with('<') {
            inserted.push(None);
            continue;
        }
        let mut text = String::with_capacity(f.text.len() + f.text.len() / 20);
        let mut breaks = Vec::new();
        let mut prev = '\0';
        for (i, c) in f.text.char_indices() {
            if c == '<' && prev == '>' {
                text.push('\n');
                breaks.push(i);
            }
            text.push(c);
            prev = c;
        }
        *f = SourceFile::new(format!("{} (reflowed, one tag per line)", f.path), text);
        inserted.push(Some(breaks));
    }
    let shift = |file: FileId, offset: usize| match inserted.get(file) {
        Some(Some(b)) => offset + b.partition_point(|&x| x <= offset),
        _ => offset,
    };
    for f in &mut r.findings {
        if let Some(l) = f.location.as_mut() {
            if let Some(s) = l.span {
                let start = shift(l.file, s.start);
                l.span = Some(crate::source::Span::new(
                    start,
                    shift(l.file, s.end).max(start),
                ));
            }
        }
        for l in &mut f.labels {
            let start = shift(l.file, l.span.start);
            l.span = crate::source::Span::new(start, shift(l.file, l.span.end).max(start));
        }
    }
}

/// The rule families that ran on an input (junit: one testcase per rule).
fn evaluated(decoded: &Input) -> Vec<&'static crate::rules::Rule> {
    let mut rules: Vec<&'static crate::rules::Rule> = Vec::new();
    let kinds: Vec<Kind> = decoded.messages.iter().map(|m| m.kind).collect();
    if kinds.iter().any(|k| k.is_saml()) {
        rules.extend(saml_rules::RULES);
        rules.extend(crate::rules::saml_signature::RULES);
    }
    if kinds.contains(&Kind::Jwt) || kinds.contains(&Kind::Jwe) {
        rules.extend(crate::rules::oidc::RULES);
    }
    if kinds
        .iter()
        .any(|k| matches!(k, Kind::ScimUser | Kind::ScimGroup | Kind::ScimListResponse))
    {
        rules.extend(crate::rules::scim::RULES);
    }
    rules
}

/// Findings of one message (pointing into `file`), its summary and the vendor it shows.
fn check_message(
    ctx: &Ctx,
    plan: &Plan,
    exp: &Expectations,
    m: &Message,
    file: FileId,
    in_har: bool,
    extra_files: &mut Vec<SourceFile>,
) -> (
    Vec<Finding>,
    serde_json::Map<String, serde_json::Value>,
    Option<Vendor>,
) {
    let mut summary = serde_json::Map::new();
    match &m.content {
        Content::Xml(doc) => {
            let (mut findings, mut summary, vendor) =
                check_saml(ctx, plan, exp, doc, file, in_har, &mut summary);
            let outer_signed = summary.get("signed_response") == Some(&json!(true));
            let decrypted_file = file + 1;
            if let Some(extra) = decrypted(ctx, plan, exp, m, doc, decrypted_file, &mut findings) {
                // A trusted signature on the Response covers the encrypted assertion too.
                if outer_signed {
                    findings.retain(|f| {
                        !(f.rule.id == crate::rules::saml_signature::SIGNATURE_MISSING.id
                            && f.location
                                .as_ref()
                                .is_some_and(|l| l.file == decrypted_file))
                    });
                }
                summary.insert("decrypted_assertion".into(), json!(extra.path.clone()));
                extra_files.push(extra);
            }
            (findings, summary, vendor)
        }
        Content::Jwt(j) => {
            let checked = oidc::check_token(&j.token, &plan.oidc, ctx.clock, plan.skew);
            let vendor = checked.vendor();
            summary = token_summary(plan, &checked);
            (in_file(checked.findings, file), summary, vendor)
        }
        Content::Json(_) => match scim::check_payload(&m.source.text, &plan.scim) {
            Ok(Some(c)) => {
                summary.insert("resources".into(), json!(c.resources));
                if let ScimKind::Other(urn) = &c.kind {
                    summary.insert("resource".into(), json!(urn));
                }
                (in_file(c.findings, file), summary, None)
            }
            // The decoder only hands over SCIM JSON; an unreadable payload was refused there.
            Ok(None) | Err(_) => (Vec::new(), summary, None),
        },
    }
}

/// With `--sp-key`, decrypt the Response's first EncryptedAssertion and check the assertion
/// it holds (its own signature, then every assertion rule) as the file `file`.
fn decrypted(
    ctx: &Ctx,
    plan: &Plan,
    exp: &Expectations,
    m: &Message,
    doc: &crate::xml::Document,
    file: FileId,
    findings: &mut Vec<Finding>,
) -> Option<SourceFile> {
    let key = plan.sp_key.as_ref()?;
    let SamlMessage::Response(r) = view::read(doc) else {
        return None;
    };
    if !r.assertions.is_empty() {
        return None;
    }
    let node = *r.encrypted_assertions.first()?;
    let plain = match crate::saml::encrypted::decrypt_assertion(doc, node, key) {
        Ok(p) => p,
        Err(e) => {
            findings.push(
                Finding::new(
                    &crate::rules::saml_signature::ASSERTION_ENCRYPTED,
                    format!("The EncryptedAssertion could not be decrypted with the SP key: {e}."),
                )
                .at(file - 1, crate::saml::check::tag_span(doc, node))
                .element(doc.path(node)),
            );
            return None;
        }
    };
    let text = crate::saml::encrypted::standalone(doc, node, &plain);
    let source = SourceFile::new(format!("{}#decrypted-assertion", m.source.path), text);
    let inner = match decoding::parse_xml(&source, &[]) {
        Ok(d) => d,
        Err(e) => {
            findings.push(Finding::new(
                e.rule,
                format!("the decrypted assertion: {}", e.message),
            ));
            return None;
        }
    };
    let message = view::read(&inner);
    let now = ctx.clock.instant_for(
        saml_check::issue_instant(&message).or_else(|| r.issue_instant.as_ref()?.value.time()),
        plan.wall_clock,
    );
    let (sig, verified) = dsig::check_signatures(&inner, file, &plan.trusted, &plan.policy, now);
    findings.extend(sig);
    let vendor = plan
        .vendor
        .or_else(|| saml_vendor::guess(&message).map(|g| g.vendor));
    let checked = saml_check::check(&inner, file, &message, &verified, exp, vendor, now);
    findings.extend(checked.findings);
    Some(source)
}

/// Point findings made against a lone text (file 0) at `file`.
fn in_file(mut findings: Vec<Finding>, file: FileId) -> Vec<Finding> {
    for f in &mut findings {
        if let Some(l) = f.location.as_mut() {
            l.file = file;
        }
        for l in &mut f.labels {
            l.file = file;
        }
    }
    findings
}

fn check_saml(
    ctx: &Ctx,
    plan: &Plan,
    exp: &Expectations,
    doc: &crate::xml::Document,
    file: FileId,
    in_har: bool,
    summary: &mut serde_json::Map<String, serde_json::Value>,
) -> (
    Vec<Finding>,
    serde_json::Map<String, serde_json::Value>,
    Option<Vendor>,
) {
    let message = view::read(doc);
    let vendor = plan
        .vendor
        .or_else(|| saml_vendor::guess(&message).map(|g| g.vendor));
    if !matches!(
        message,
        SamlMessage::Response(_) | SamlMessage::Assertion(_)
    ) {
        // In a capture, requests and logout messages are part of the flow, not mistakes.
        if in_har {
            return (Vec::new(), summary.clone(), vendor);
        }
        let what = match &message {
            SamlMessage::AuthnRequest(_) => {
                "an AuthnRequest (what the SP sends to the IdP to start a login)"
            }
            SamlMessage::LogoutRequest(_) => "a LogoutRequest",
            SamlMessage::LogoutResponse(_) => "a LogoutResponse",
            SamlMessage::EntityDescriptor(_) | SamlMessage::EntitiesDescriptor(_) => {
                "SAML metadata"
            }
            _ => "not a SAML protocol message",
        };
        let f = Finding::new(
            &saml_rules::NOT_A_RESPONSE,
            format!("This is {what}, not a SAML Response: `check` validates the IdP's answer to a login. `ssolint decode` shows what this message says; `ssolint lint --metadata` checks metadata."),
        )
        .at(file, crate::saml::check::tag_span(doc, doc.root))
        .element(doc.path(doc.root))
        .expected("a samlp:Response (or saml:Assertion)")
        .found(message.kind().unwrap_or("another XML document"));
        return (vec![f], summary.clone(), vendor);
    }
    let now = ctx
        .clock
        .instant_for(saml_check::issue_instant(&message), plan.wall_clock);
    let (mut findings, verified) =
        dsig::check_signatures(doc, file, &plan.trusted, &plan.policy, now);
    let checked = saml_check::check(doc, file, &message, &verified, exp, vendor, now);
    findings.extend(checked.findings);
    summary.insert("checked_at".into(), json!(now.to_rfc3339()));
    summary.insert("skew_seconds".into(), json!(plan.skew.num_seconds()));
    if let Some(i) = message.issuer() {
        summary.insert("issuer".into(), json!(i.value.as_str().trim()));
    }
    summary.insert("email".into(), json!(checked.email));
    summary.insert(
        "signed_assertion".into(),
        json!(verified.signed_assertion().is_some()),
    );
    summary.insert("signed_response".into(), json!(verified.root_signed(doc)));
    summary.insert("trusted_certificates".into(), json!(plan.trusted.len()));
    if plan.sp_key.is_some() {
        summary.insert("sp_key".into(), json!(true));
    }
    (findings, summary.clone(), vendor)
}

/// Pseudonyms for personal values in every text the report shows. Source texts are
/// rewritten line by line, so findings keep their line; columns move to the same line.
fn redact(r: &mut Report, decoded: &Input) {
    let redactor = Redactor::new();
    for m in &decoded.messages {
        match &m.content {
            Content::Xml(doc) => redactor.collect_saml(&view::read(doc)),
            Content::Jwt(j) => {
                if let Some(c) = &j.claims {
                    redactor.collect_claims(c);
                }
            }
            Content::Json(v) => redactor.collect_scim(v),
        }
    }
    redactor.report(r);
    let old: Vec<SourceFile> = r.files.clone();
    for f in &mut r.files {
        let text: Vec<String> = f.text.split('\n').map(|l| redactor.text(l)).collect();
        *f = SourceFile::new(f.path.clone(), text.join("\n"));
    }
    let remap = |file: FileId, span: crate::source::Span, files: &[SourceFile]| {
        let (Some(o), Some(n)) = (old.get(file), files.get(file)) else {
            return span;
        };
        let moved = |offset: usize| {
            let (line, col) = o.line_col(offset);
            let start = n
                .text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let rest = n.text.get(start..).unwrap_or_default();
            let line_text = rest.split('\n').next().unwrap_or_default();
            start
                + line_text
                    .char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(line_text.len(), |(i, _)| i)
        };
        let start = moved(span.start);
        crate::source::Span::new(start, moved(span.end).max(start))
    };
    let files = r.files.clone();
    for f in &mut r.findings {
        if let Some(l) = f.location.as_mut() {
            if let Some(s) = l.span {
                l.span = Some(remap(l.file, s, &files));
            }
        }
        for l in &mut f.labels {
            l.span = remap(l.file, l.span, &files);
            l.message = redactor.text(&l.message);
        }
        f.hint = f.hint.as_deref().map(|h| redactor.text(h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc")
    }

    fn rendered(results: &[Result<Report, Unusable>], ctx: &Ctx) -> Vec<String> {
        results
            .iter()
            .map(|r| match r {
                Ok(r) => report::render(r, ctx),
                Err(u) => format!("unusable {}: {}", u.0, u.1),
            })
            .collect()
    }

    fn fixture_now() -> DateTime<Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// What the fixture tokens are checked against.
    fn fixture_token_args() -> CheckArgs {
        CheckArgs {
            jwks: Some(fixtures().join("jwks.json")),
            issuer: Some("https://idp.example.test".into()),
            audience: Some("chatgpt-enterprise".into()),
            nonce: Some("n-0S6_WzA2Mj".into()),
            ..CheckArgs::default()
        }
    }

    /// Every token text the shortcut takes gives the report the decoder's path gives.
    #[test]
    fn a_bare_token_reports_as_through_the_decoder() {
        let (now, args) = (fixture_now(), fixture_token_args());
        let mut texts = Vec::new();
        for entry in std::fs::read_dir(fixtures().join("tokens")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let t = text.trim().to_string();
            let (header, rest) = t.split_once('.').unwrap_or((&t, ""));
            texts.push(format!("  {t}\n\n"));
            texts.push(format!("\u{feff}{t}"));
            texts.push(format!("{header}x.{rest}"));
            texts.push(format!("eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.{rest}"));
            texts.push(format!("{header}.a.b.c.d"));
            texts.push(text);
        }
        let mut taken = 0;
        for format in [Format::Json, Format::Human, Format::Jsonl] {
            let mut ctx = Ctx::for_tests(now);
            ctx.format = format;
            let plan = plan(&ctx, &args, None).unwrap();
            for text in &texts {
                let Checked::Reports(general) =
                    check_decoded(&ctx, &plan, None, now, "t.jwt", text)
                else {
                    panic!("one token is one message: {text}");
                };
                let Some(short) = bare_token(&ctx, &plan, "t.jwt", text) else {
                    continue;
                };
                taken += 1;
                assert_eq!(
                    rendered(&[Ok(short)], &ctx),
                    rendered(&general, &ctx),
                    "{text}"
                );
            }
            ctx.redact = true;
            assert!(texts
                .iter()
                .all(|t| bare_token(&ctx, &plan, "t", t).is_none()));
        }
        // Per format: at least each token as given and padded, and its JWE-shaped variant.
        assert!(taken > texts.len(), "the shortcut took {taken} texts");
    }

    fn token_texts() -> Vec<String> {
        let mut tokens: Vec<String> = std::fs::read_dir(fixtures().join("tokens"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .map(|t| t.trim().to_string())
            .filter(|t| oidc::jose::is_compact_shaped(t))
            .collect();
        tokens.sort();
        tokens
    }

    /// The shortcut that splits a text of tokens without decoding it whole takes only texts
    /// the decoder could not have read as one message.
    #[test]
    fn lines_of_tokens_are_never_one_message() {
        let tokens = token_texts();
        assert!(tokens.len() >= 3, "{}", tokens.len());
        for (i, pair) in tokens.windows(2).enumerate() {
            let text = if i % 2 == 0 {
                format!("{}\n{}\n", pair[0], pair[1])
            } else {
                format!("  {}\r\n\r\n\t{} ", pair[0], pair[1])
            };
            assert!(decoding::decode("-", text.as_bytes()).is_err(), "{text}");
            for label in ["-", "tokens.txt"] {
                let Ok(Messages::Lines(lines)) = decode_all(label, &text) else {
                    panic!("not split: {text}");
                };
                let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
                assert_eq!(names, [format!("{label}#1"), format!("{label}#2")]);
                let got: Vec<&str> = lines.iter().map(|l| &text[l.at.clone()]).collect();
                assert_eq!(got, [pair[0].as_str(), pair[1].as_str()]);
            }
        }
    }

    /// Each line of a batch on stdin gets the report the same text alone in a file gets.
    #[test]
    fn a_line_of_a_batch_reports_as_the_same_text_alone() {
        let (now, args) = (fixture_now(), fixture_token_args());
        let ctx = Ctx::for_tests(now);
        let plan = plan(&ctx, &args, None).unwrap();
        let batch = Batch {
            ctx: &ctx,
            plan: &plan,
            config: None,
            today: now,
        };
        let tokens = token_texts();
        let text = format!("{}\n\nnot a token\n", tokens.join("\n"));
        let Checked::Lines(lines) = batch.check_text("-", &text) else {
            panic!("not split");
        };
        assert_eq!(lines.len(), tokens.len() + 1);
        for line in &lines {
            let alone = match batch.check_text(&line.name, &text[line.at.clone()]) {
                Checked::Reports(r) => r,
                Checked::Lines(_) => panic!("one line is one text"),
            };
            let from_batch = batch.check_line(&text, line);
            let render = |r: &[Result<Report, Unusable>]| rendered(r, &ctx);
            // An unusable line is unusable alone too (alone, the decoder may say more).
            match (&from_batch, alone.as_slice()) {
                (Err(_), [Err(_)]) => {}
                _ => assert_eq!(render(&[from_batch]), render(&alone), "{}", line.name),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn line_ranges_are_the_trimmed_non_empty_lines(text in "[a-c \t\r\n\u{a0}\u{2028}]{0,40}") {
            let ranges: Vec<&str> = line_ranges(&text).into_iter().map(|r| &text[r]).collect();
            let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            proptest::prop_assert_eq!(ranges, lines);
        }
    }
}
