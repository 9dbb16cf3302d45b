//! `ssolint lint [CONFIG]`: lint the workspace configuration and what it references;
//! `ssolint lint --metadata FILE [--metadata-signer CERT]`: lint a metadata file alone.

use crate::cli::{Ctx, LintArgs};
use crate::config::{self, policy};
use crate::error::Fatal;
use crate::findings::Finding;
use crate::lint::{certs, metadata};
use crate::report::{self, Report};
use crate::rules::{input, metadata as rule};
use crate::saml::aggregate::{Aggregate, DigestRequest};
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
    // The signer is read after the metadata parses, so a broken metadata file is what is
    // reported first; an aggregate read in blocks needs it during the one pass, so an
    // unreadable signer sends it down the whole-tree path.
    let signer_certs = signer.map(read_signer);
    let mut report = Report::new(source.path.clone());
    report.input.kind = Some("saml-metadata".into());
    let file = report.add_file(source);
    let text = report
        .files
        .get(file)
        .map(|f| f.text.as_str())
        .unwrap_or_default();
    let streamed = match (&signer_certs, signer) {
        (Some(Ok(certs)), Some(path)) => stream_aggregate(text, file, now, Some((certs, path))),
        (None, _) => stream_aggregate(text, file, now, None),
        _ => None,
    };
    let (findings, signature) = match streamed {
        Some(done) => done,
        None => {
            let source = report
                .files
                .get(file)
                .ok_or_else(|| Fatal::new(&input::UNDECODABLE, "the metadata was not read"))?;
            whole_tree_metadata(source, file, now, signer_certs.zip(signer))?
        }
    };
    report.findings = findings;
    report.evaluated = metadata::rules();
    if signer.is_some() {
        report
            .evaluated
            .extend([&rule::SIGNATURE_INVALID, &rule::UNSIGNED]);
    }
    if let Some(f) = signature {
        report.push(f);
    }
    Ok(report)
}

fn read_signer(signer: &Path) -> Result<Vec<Certificate>, Fatal> {
    let bytes = crate::files::read_binary(signer, "--metadata-signer", 1 << 20)?;
    Certificate::from_file_bytes(&bytes).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("--metadata-signer {}: {e}", signer.display()),
        )
    })
}

pub type Signer<'a> = (&'a [Certificate], &'a Path);

/// Lint (and with a signer, verify) metadata from one tree of the whole document. The
/// signer's certificates are read beforehand but their error is reported only once the
/// metadata parses.
pub fn whole_tree_metadata(
    source: &crate::source::SourceFile,
    file: crate::findings::FileId,
    now: chrono::DateTime<chrono::Utc>,
    signer: Option<(Result<Vec<Certificate>, Fatal>, &Path)>,
) -> Result<(Vec<Finding>, Option<Finding>), Fatal> {
    let doc = crate::input::parse_xml(source, &[])?;
    let single = matches!(view::read(&doc), SamlMessage::EntityDescriptor(_));
    let ml = metadata::MetadataLint {
        doc: &doc,
        file,
        now,
        warn_within: certs::default_expiry_warning(),
        wanted: &metadata::Wanted::NONE,
    };
    let (findings, _) = ml.run(single);
    let signature = match signer {
        Some((certs, path)) => whole_tree_signature(&doc, file, &certs?, path),
        None => None,
    };
    Ok((findings, signature))
}

/// Lint (and with a signer, verify) an aggregate a block of entities at a time, with the
/// same findings as [`whole_tree_metadata`]; `None` when it has to be read whole.
pub fn stream_aggregate(
    text: &str,
    file: crate::findings::FileId,
    now: chrono::DateTime<chrono::Utc>,
    signer: Option<Signer>,
) -> Option<(Vec<Finding>, Option<Finding>)> {
    let agg = Aggregate::open(text)?;
    let lint = metadata::AggregateLint {
        file,
        now,
        warn_within: certs::default_expiry_warning(),
        wanted: metadata::Wanted::NONE,
        // Findings and the signature are all this report takes from the pass.
        guess_vendor: false,
    };
    let mut merged = lint.head(&agg.head)?;
    let work = |doc: &crate::xml::Document| lint.block(doc);
    let mut sink = |block| merged.merge(block);
    let Some((certs, signer)) = signer else {
        agg.read(None, &work, &mut sink).ok()?;
        return Some((merged.findings, None));
    };
    let doc = &agg.head;
    let root = doc.root;
    let Some(sig) = crate::saml::signature::direct_signature(doc, root) else {
        let pass = agg.read(None, &work, &mut sink).ok()?;
        // A Signature after the root's first child is still the root's: read it whole.
        return (pass.signatures_elsewhere == 0)
            .then(|| (merged.findings, signature_finding(doc, file, signer, None)));
    };
    let keys: Vec<_> = certs.iter().map(|c| c.public_key().ok()).collect();
    let id = doc.id_attr(root).map(|a| a.value.to_string());
    let mut pass = None;
    let check = crate::saml::dsig::verify_one_with(doc, sig, &keys, &mut |job| {
        let Some(id) = id.as_deref() else {
            return Vec::new();
        };
        let result = agg.read(Some(DigestRequest { job, id }), &work, &mut sink);
        let digest = match &result {
            Ok(p) => p.digest.clone().unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        pass = Some(result);
        digest
    });
    match pass {
        Some(Ok(p)) if p.id_elsewhere == 0 => Some((
            merged.findings,
            signature_finding(doc, file, signer, Some((sig, check))),
        )),
        // The reference was refused before any digest, or another element carries its
        // ID: what the whole tree says about it is the answer.
        _ => None,
    }
}

/// The root element's signature against the signer certificate(s), on the whole tree.
fn whole_tree_signature(
    doc: &crate::xml::Document,
    file: crate::findings::FileId,
    certs: &[Certificate],
    signer: &Path,
) -> Option<Finding> {
    let root = doc.ids().find(|id| doc.element(*id).is_some())?;
    let keys: Vec<_> = certs.iter().map(|c| c.public_key().ok()).collect();
    let check = crate::saml::signature::direct_signature(doc, root)
        .map(|sig| (sig, crate::saml::dsig::verify_one(doc, sig, &keys)));
    signature_finding(doc, file, signer, check)
}

/// The finding for the root element's signature check (`None`: the root is unsigned).
fn signature_finding(
    doc: &crate::xml::Document,
    file: crate::findings::FileId,
    signer: &Path,
    check: Option<(crate::xml::NodeId, crate::saml::dsig::SignatureCheck)>,
) -> Option<Finding> {
    let root = doc.ids().find(|id| doc.element(*id).is_some())?;
    let Some((sig, check)) = check else {
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
        P::XmlBaseFixup => P::XML_BASE_FIXUP.to_string(),
        P::ReferenceInvalid(m) => format!("the reference is invalid: {m}"),
        P::DuplicateId(m) => format!("the referenced ID {m} is carried by more than one element"),
        P::DigestMismatch { expected, computed } => format!(
            "the signed content changed after signing (DigestValue {expected}, computed {computed})"
        ),
        P::ValueInvalid(m) => format!("the SignatureValue does not verify: {m}"),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, Fatal> {
    let text = crate::files::read_file(path, "baseline", 64 << 20)?;
    crate::json::parse(&text).map_err(|e| {
        Fatal::new(e.rule(), format!("baseline: {e}")).at(
            crate::source::SourceFile::new(path.display().to_string(), text.clone()),
            e.offset_in(&text),
        )
    })
}
