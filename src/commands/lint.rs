//! `ssolint lint [CONFIG]`: lint the workspace configuration and what it references.

use crate::cli::{Ctx, LintArgs};
use crate::config::{self, policy};
use crate::error::Fatal;
use crate::report::{self, Report};
use crate::rules::input;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(ctx: &Ctx, args: &LintArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    if args.metadata.is_some() {
        return Err(Fatal::new(
            &input::UNDECODABLE,
            "lint --metadata is not available in this build yet",
        ));
    }
    let path = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("ssolint.toml"));
    let loaded = config::load(&path)?;
    let now = ctx.clock.now_or(chrono::Utc::now());
    let mut report = Report::new(loaded.source.path.clone());
    report.input.kind = Some("config".into());
    report.vendor = loaded.config.saml.idp.vendor;
    let file = report.add_file(loaded.source.clone());
    let (findings, evaluated) = crate::lint::lint_config(&loaded, file, now);
    report.findings = findings;
    report.evaluated = evaluated;
    policy::apply_policy(&mut report, &loaded, now);
    if let Some(b) = &args.baseline {
        let v = read_json(b)?;
        policy::apply_baseline(&mut report, &v, &b.display().to_string())
            .map_err(|e| Fatal::new(&input::JSON_MALFORMED, e))?;
    }
    report.sort();
    if let Some(target) = &args.write_baseline {
        std::fs::write(target, policy::baseline_json(&report)).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("cannot write baseline {}: {e}", target.display()),
            )
        })?;
        super::emit(out, &report::render(&report, ctx))?;
        return Ok(0);
    }
    super::emit(out, &report::render(&report, ctx))?;
    Ok(report.exit_code(ctx.fail_on))
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
