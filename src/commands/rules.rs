//! `ssolint rules` and `ssolint explain RULE`: the registry, for people and for auditors.

use super::emit;
use crate::cli::{Ctx, ExplainArgs, Format};
use crate::error::Fatal;
use crate::report::docs;
use crate::rules;
use serde_json::Value;
use std::io::Write;

fn json_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The table of `ssolint rules`: id, severity, summary.
pub fn table() -> String {
    let width = rules::all().map(|r| r.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for (family, list) in docs::families() {
        s.push_str(&format!("{family}.*\n"));
        for rule in list {
            s.push_str(&format!(
                "  {:<width$}  {:<7}  {}\n",
                rule.id,
                rule.severity.as_str(),
                rule.summary
            ));
        }
    }
    s
}

pub fn list(ctx: &Ctx, out: &mut dyn Write) -> Result<i32, Fatal> {
    let text = match ctx.format {
        Format::Json | Format::Jsonl => {
            json_text(&Value::Array(rules::all().map(docs::rule_json).collect()))
        }
        _ => table(),
    };
    emit(out, &text)?;
    Ok(0)
}

pub fn explain(ctx: &Ctx, args: &ExplainArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    explain_to(ctx, args, out, &mut std::io::stderr())
}

/// An unknown id is a usage error (exit 2) told on `err`, with the nearest ids.
pub fn explain_to(
    ctx: &Ctx,
    args: &ExplainArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Fatal> {
    let Some(rule) = rules::lookup(args.rule.trim()) else {
        let similar = rules::similar(args.rule.trim());
        let mut msg = format!("error: unknown rule `{}`", args.rule);
        if !similar.is_empty() {
            msg.push_str(&format!("; did you mean {}?", similar.join(", ")));
        }
        msg.push_str(" (`ssolint rules` lists them all)");
        let _ = writeln!(err, "{msg}");
        return Ok(2);
    };
    let text = match ctx.format {
        Format::Json | Format::Jsonl => json_text(&docs::rule_json(rule)),
        _ => docs::rule_text(rule),
    };
    emit(out, &text)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(format: Format) -> Ctx {
        let mut c = Ctx::for_tests(chrono::DateTime::UNIX_EPOCH);
        c.format = format;
        c
    }

    #[test]
    fn unknown_rule_suggests_the_nearest() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = ExplainArgs {
            rule: "input.dtd-forbiden".into(),
        };
        let code = explain_to(&ctx(Format::Human), &args, &mut out, &mut err).unwrap();
        assert_eq!(code, 2);
        assert!(out.is_empty());
        let err = String::from_utf8(err).unwrap();
        assert!(err.contains("did you mean input.dtd-forbidden,"), "{err}");
    }

    #[test]
    fn table_lists_every_rule() {
        let t = table();
        for rule in rules::all() {
            assert!(t.contains(rule.id), "{}", rule.id);
        }
    }
}
