//! `ssolint lint [CONFIG]`: lint the workspace configuration and what it references;
//! `ssolint lint --metadata FILE [--metadata-signer CERT]`: lint a metadata file alone.

use crate::cli::{Ctx, LintArgs};
use crate::config::{self, policy};
use crate::error::Fatal;
use crate::findings::Finding;
use crate::lint::{certs, metadata};
use crate::report::{self, Report};
use crate::rules::{input, metadata as rule};
use crate::saml::view::{self, SamlMessage};
use crate::x509::Certificate;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(ctx: &Ctx, args: &LintArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let now = ctx.clock.now_or(chrono::Utc::now());
    if let Some(md) = &args.metadata {
        if args.config.is_some() {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                "lint --metadata reads no configuration; give either CONFIG or --metadata",
            ));
        }
        let mut report = lint_metadata_file(ctx, md, args.metadata_signer.as_deref(), now)?;
        return finish(ctx, args, &mut report, out);
    }
    if args.metadata_signer.is_some() {
        return Err(Fatal::new(
            &input::UNDECODABLE,
            "--metadata-signer needs --metadata FILE",
        ));
    }
    let path = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("ssolint.toml"));
    let loaded = config::load(&path)?;
    let mut report = Report::new(loaded.source.path.clone());
    report.input.kind = Some("config".into());
    report.vendor = loaded.config.saml.idp.vendor;
    let opts = crate::lint::Options {
        now,
        users: args.users.as_deref(),
        response: args.response.as_deref(),
        ctx,
    };
    crate::lint::lint(&loaded, &mut report, &opts)?;
    policy::apply_policy(&mut report, &loaded, now);
    finish(ctx, args, &mut report, out)
}

/// Baseline, sort, render, exit code.
fn finish(
    ctx: &Ctx,
    args: &LintArgs,
    report: &mut Report,
    out: &mut dyn Write,
) -> Result<i32, Fatal> {
    if let Some(b) = &args.baseline {
        let v = read_json(b)?;
        policy::apply_baseline(report, &v, &b.display().to_string())
            .map_err(|e| Fatal::new(&input::JSON_MALFORMED, e))?;
    }
    report.sort();
    if let Some(target) = &args.write_baseline {
        std::fs::write(target, policy::baseline_json(report)).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("cannot write baseline {}: {e}", target.display()),
            )
        })?;
        super::emit(out, &report::render(report, ctx))?;
        return Ok(0);
    }
    super::emit(out, &report::render(report, ctx))?;
    Ok(report.exit_code(ctx.fail_on))
}

/// One metadata file (an IdP's EntityDescriptor or a federation aggregate), no configuration.
fn lint_metadata_file(
    ctx: &Ctx,
    path: &Path,
    signer: Option<&Path>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Report, Fatal> {
    let source = crate::lint::read_metadata_text(path, ctx)?;
    let doc = crate::input::parse_xml(&source, &[])?;
    let mut report = Report::new(source.path.clone());
    report.input.kind = Some("saml-metadata".into());
    let file = report.add_file(source);
    let single = matches!(view::read(&doc), SamlMessage::EntityDescriptor(_));
    let ml = metadata::MetadataLint {
        doc: &doc,
        file,
        now,
        warn_within: certs::default_expiry_warning(),
    };
    let (findings, _) = ml.run(single);
    report.findings = findings;
    report.evaluated = metadata::rules();
    if let Some(signer) = signer {
        let bytes = std::fs::read(signer).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("--metadata-signer {}: cannot read: {e}", signer.display()),
            )
        })?;
        let certs = Certificate::from_file_bytes(&bytes).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("--metadata-signer {}: {e}", signer.display()),
            )
        })?;
        report
            .evaluated
            .extend([&rule::SIGNATURE_INVALID, &rule::UNSIGNED]);
        if let Some(f) = signature_finding(&doc, file, &certs, signer) {
            report.push(f);
        }
    }
    Ok(report)
}

/// The root element's signature against the signer certificate(s).
fn signature_finding(
    doc: &crate::xml::Document,
    file: crate::findings::FileId,
    certs: &[Certificate],
    signer: &Path,
) -> Option<Finding> {
    let root = doc.ids().find(|id| doc.element(*id).is_some())?;
    let keys: Vec<_> = certs.iter().map(|c| c.public_key().ok()).collect();
    let Some(sig) = crate::saml::signature::direct_signature(doc, root) else {
        return Some(
            Finding::new(
                &rule::UNSIGNED,
                format!(
                    "the metadata's root element carries no signature, but --metadata-signer {} was given",
                    signer.display()
                ),
            )
            .at(file, doc.element(root).map_or_else(|| doc.span(root), |e| e.start_tag))
            .element(doc.path(root)),
        );
    };
    let check = crate::saml::dsig::verify_one(doc, sig, &keys);
    if check.trusted() && check.referenced == Some(root) {
        return None;
    }
    let why = if !check.problems.is_empty() {
        check
            .problems
            .iter()
            .map(describe_problem)
            .collect::<Vec<_>>()
            .join("; ")
    } else if !check.digest_ok {
        "the signed content changed after signing".to_string()
    } else {
        format!("it was not made with the key of {}", signer.display())
    };
    Some(
        Finding::new(
            &rule::SIGNATURE_INVALID,
            format!("the metadata's signature does not verify: {why}"),
        )
        .at(
            file,
            doc.element(sig)
                .map_or_else(|| doc.span(sig), |e| e.start_tag),
        )
        .element(doc.path(sig)),
    )
}

fn describe_problem(p: &crate::saml::dsig::Problem) -> String {
    use crate::saml::dsig::Problem as P;
    match p {
        P::Malformed(m) => format!("the signature is malformed: {m}"),
        P::C14nUnsupported(m) => format!("unsupported canonicalisation {m}"),
        P::TransformUnsupported(m) => format!("unsupported transform {m}"),
        P::ReferenceInvalid(m) => format!("the reference is invalid: {m}"),
        P::DuplicateId(m) => format!("the referenced ID {m} is carried by more than one element"),
        P::DigestMismatch { expected, computed } => format!(
            "the signed content changed after signing (DigestValue {expected}, computed {computed})"
        ),
        P::ValueInvalid(m) => format!("the SignatureValue does not verify: {m}"),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, Fatal> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("cannot read baseline {}: {e}", path.display()),
        )
    })?;
    crate::json::parse(&text).map_err(|e| {
        Fatal::new(e.rule(), format!("baseline: {e}")).at(
            crate::source::SourceFile::new(path.display().to_string(), text.clone()),
            e.offset_in(&text),
        )
    })
}
