//! `ssolint check`: read each input, route it to the OIDC or SCIM checks, render one report
//! per input. The checks themselves live in `oidc::check_token` and `scim::check_payload`;
//! this file only gathers expectations from flags, the configuration and discovery.

use crate::cli::{CheckArgs, Ctx};
use crate::config::{self, LoadedConfig};
use crate::error::Fatal;
use crate::oidc::{self, AllowSource, Discovery, Jwks, OidcExpectations};
use crate::report::{self, Report};
use crate::rules::input;
use crate::scim::{self, ScimExpectations, ScimKind};
use crate::source::SourceFile;
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Inputs larger than this are refused before any decoding (1 MiB).
const MAX_INPUT_BYTES: u64 = 1024 * 1024;

pub fn run(ctx: &Ctx, args: &CheckArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let config = load_config(args)?;
    let oidc_exp = oidc_expectations(args, config.as_ref())?;
    let scim_exp = ScimExpectations {
        verified_domains: config
            .as_ref()
            .map(|c| c.config.workspace.verified_domains.clone()),
    };
    let configured_skew = match config.as_ref().and_then(|c| c.config.clock_skew.as_deref()) {
        Some(s) => Some(crate::clock::parse_duration(s).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("configuration clock_skew: {e}"),
            )
        })?),
        None => None,
    };
    let skew = ctx.skew_or(configured_skew);
    let mut inputs = args.inputs.clone();
    if inputs.is_empty() {
        if ctx.stdin_is_terminal {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                "no input: give a file, or `-` to read a token or payload from stdin",
            ));
        }
        inputs.push(PathBuf::from("-"));
    }
    let mut reports = Vec::new();
    for path in &inputs {
        let (name, text) = read_input(path)?;
        let mut r = check_text(ctx, &name, text.trim(), &oidc_exp, &scim_exp, skew)?;
        if r.vendor.is_none() {
            r.vendor = config.as_ref().and_then(|c| c.config.saml.idp.vendor);
        }
        r.sort();
        reports.push(r);
    }
    let code = reports
        .iter()
        .map(|r| r.exit_code(ctx.fail_on))
        .max()
        .unwrap_or(0);
    super::emit(out, &report::render_many(&reports, ctx))?;
    Ok(code)
}

fn load_config(args: &CheckArgs) -> Result<Option<LoadedConfig>, Fatal> {
    match &args.config {
        Some(p) => config::load(p).map(Some),
        None => {
            let default = Path::new("ssolint.toml");
            if default.exists() {
                config::load(default).map(Some)
            } else {
                Ok(None)
            }
        }
    }
}

fn read_file(path: &Path, what: &str) -> Result<String, Fatal> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("cannot read {what} {}: {e}", path.display()),
        )
    })?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Fatal::new(
            &input::TOO_LARGE,
            format!(
                "{what} {} is {} bytes; the cap is {MAX_INPUT_BYTES}",
                path.display(),
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("cannot read {what} {}: {e}", path.display()),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Fatal::new(
            &input::NOT_UTF8,
            format!(
                "{what} {} is not UTF-8 (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn read_input(path: &Path) -> Result<(String, String), Fatal> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
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
        return Ok(("-".into(), text));
    }
    Ok((path.display().to_string(), read_file(path, "input")?))
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
) -> Result<OidcExpectations, Fatal> {
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
    let jwks = jwks_path
        .as_deref()
        .map(|p| load_doc(p, "JWKS", Jwks::parse).map(|(set, _problems)| set))
        .transpose()?;
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
    Ok(exp)
}

/// Check one input's text (already trimmed).
pub fn check_text(
    ctx: &Ctx,
    name: &str,
    text: &str,
    oidc_exp: &OidcExpectations,
    scim_exp: &ScimExpectations,
    skew: chrono::Duration,
) -> Result<Report, Fatal> {
    let mut r = Report::new(name);
    if oidc::jose::looks_compact(text).is_some() {
        let checked = oidc::check_token(text, oidc_exp, ctx.clock, skew);
        r.add_file(SourceFile::new(name, text));
        r.input.kind = Some(checked.kind.input_kind().to_string());
        r.vendor = checked.vendor();
        r.summary = checked.summary();
        r.findings = checked.findings;
        return Ok(r);
    }
    if text.starts_with('{') || text.starts_with('[') {
        let source = SourceFile::new(name, text);
        let checked = scim::check_payload(text, scim_exp).map_err(|e| {
            let offset = e.offset_in(text);
            Fatal::new(e.rule(), e.message.clone()).at(source.clone(), offset)
        })?;
        return match checked {
            Some(scim::ScimCheck { kind: ScimKind::Other(urn), .. }) => Err(Fatal::new(
                &input::UNDECODABLE,
                format!("{name}: a SCIM {urn} message; check reads SCIM User, Group and ListResponse payloads"),
            )),
            Some(c) => {
                r.add_file(source);
                r.input.kind = c.kind.input_kind().map(str::to_string);
                r.summary.insert("resources".into(), json!(c.resources));
                r.findings = c.findings;
                Ok(r)
            }
            None => Err(Fatal::new(
                &input::UNDECODABLE,
                format!("{name}: JSON, but neither a SCIM User/Group/ListResponse (no SCIM `schemas`) nor a token"),
            )),
        };
    }
    Err(Fatal::new(
        &input::UNDECODABLE,
        format!("{name}: not a compact JWT/JWE (three or five base64url segments) nor SCIM JSON; SAML responses are checked by the SAML checks, not here"),
    ))
}
