//! The configuration's say over any report: `[rules]` severity overrides and
//! `[[suppressions]]`, applied the same way by lint, check and simulate; and baselines.

use super::LoadedConfig;
use crate::findings::{FileId, Finding, Suppression};
use crate::report::Report;
use crate::rules::{self, config as rule, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

/// The report's file id of the configuration, adding its text when the report lacks it.
pub fn config_file_id(report: &mut Report, loaded: &LoadedConfig) -> FileId {
    match report
        .files
        .iter()
        .position(|f| f.path == loaded.source.path)
    {
        Some(id) => id,
        None => report.add_file(loaded.source.clone()),
    }
}

/// Apply `[rules]` and `[[suppressions]]` to every finding of the report; problems with the
/// policy itself are added as findings. Returns the rules switched `off`.
pub fn apply_policy(
    report: &mut Report,
    loaded: &LoadedConfig,
    now: DateTime<Utc>,
) -> Vec<&'static str> {
    let file = config_file_id(report, loaded);
    let config = &loaded.config;
    let mut problems = Vec::new();

    let mut off = Vec::new();
    let mut overrides: Vec<(&'static str, Severity)> = Vec::new();
    for (id, level) in &config.rules {
        let path = super::load::join_key("rules", id);
        let Some(r) = rules::lookup(id) else {
            problems.push(unknown_rule(loaded, file, &path, id));
            continue;
        };
        match level.as_str() {
            "off" => off.push(r.id),
            other => match Severity::parse(other) {
                Some(s) if other != "warn" => overrides.push((r.id, s)),
                _ => problems.push(
                    Finding::new(
                        &rule::INVALID_VALUE,
                        format!("`{path}` must be error, warning, info or off"),
                    )
                    .at(file, loaded.value_span(&path))
                    .element(path.clone())
                    .expected("error | warning | info | off")
                    .found(format!("{other:?}")),
                ),
            },
        }
    }

    let today = now.date_naive();
    let mut active = Vec::new();
    for (i, s) in config.suppressions.iter().enumerate() {
        let path = format!("suppressions[{i}]");
        if rules::lookup(&s.rule).is_none() {
            problems.push(unknown_rule(loaded, file, &format!("{path}.rule"), &s.rule));
            continue;
        }
        let reason = s.reason.as_deref().map(str::trim).unwrap_or("");
        if reason.is_empty() {
            problems.push(
                Finding::new(
                    &rule::SUPPRESSION_WITHOUT_REASON,
                    format!(
                        "the suppression of `{}` has no reason, so it does not apply",
                        s.rule
                    ),
                )
                .at(file, loaded.span(&format!("{path}.reason")))
                .element(format!("{path}.reason"))
                .expected("reason = \"why this finding is accepted\""),
            );
            continue;
        }
        if let Some(exp) = &s.expires {
            let exp_path = format!("{path}.expires");
            match NaiveDate::parse_from_str(exp.get(..10).unwrap_or(exp), "%Y-%m-%d") {
                Err(_) => {
                    problems.push(
                        Finding::new(
                            &rule::INVALID_VALUE,
                            format!("`{exp_path}` must be a date YYYY-MM-DD; the suppression does not apply"),
                        )
                        .at(file, loaded.span(&exp_path))
                        .element(exp_path)
                        .expected("YYYY-MM-DD")
                        .found(format!("{exp:?}")),
                    );
                    continue;
                }
                Ok(d) if d < today => {
                    problems.push(
                        Finding::new(
                            &rule::SUPPRESSION_EXPIRED,
                            format!(
                                "the suppression of `{}` expired on {d} ({} days ago), so it no longer applies",
                                s.rule,
                                (today - d).num_days()
                            ),
                        )
                        .at(file, loaded.span(&exp_path))
                        .element(exp_path)
                        .found(d.to_string())
                        .expected(format!("a date on or after {today}")),
                    );
                    continue;
                }
                Ok(_) => {}
            }
        }
        active.push((s, reason.to_string()));
    }

    report.findings.retain(|f| !off.contains(&f.rule.id));
    report.evaluated.retain(|r| !off.contains(&r.id));
    for f in report.findings.iter_mut() {
        if let Some((_, s)) = overrides.iter().find(|(id, _)| *id == f.rule.id) {
            f.severity = *s;
        }
        if f.suppressed.is_some() {
            continue;
        }
        if let Some((s, reason)) = active.iter().find(|(s, _)| {
            s.rule == f.rule.id && s.where_.as_deref().is_none_or(|w| mentions(f, w))
        }) {
            f.suppressed = Some(Suppression {
                reason: reason.clone(),
                expires: s.expires.clone(),
            });
        }
    }
    for r in [
        &rule::SUPPRESSION_WITHOUT_REASON,
        &rule::SUPPRESSION_EXPIRED,
    ] {
        if !report.evaluated.iter().any(|e| e.id == r.id) {
            report.evaluated.push(r);
        }
    }
    report.findings.extend(problems);
    off
}

fn mentions(f: &Finding, value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    [
        Some(f.message.as_str()),
        f.found.as_deref(),
        f.location.as_ref().and_then(|l| l.element.as_deref()),
    ]
    .into_iter()
    .flatten()
    .any(|s| s.to_ascii_lowercase().contains(&v))
}

fn unknown_rule(loaded: &LoadedConfig, file: FileId, path: &str, id: &str) -> Finding {
    let mut f = Finding::new(
        &rule::UNKNOWN_KEY,
        format!("`{path}`: no rule is called `{id}`"),
    )
    .at(file, loaded.span(path))
    .element(path)
    .found(id);
    if let Some(near) = rules::similar(id).first() {
        f = f.hint(format!("did you mean `{near}`?"));
    }
    f
}

pub const BASELINE_SCHEMA: &str = "ssolint/baseline/v1";

/// What identifies a finding across edits: rule, element (key) and file, not line numbers.
fn baseline_key(report: &Report, f: &Finding) -> (String, String, String) {
    let loc = f.location.as_ref();
    let path = loc
        .and_then(|l| report.files.get(l.file))
        .map(|s| s.path.clone())
        .unwrap_or_else(|| report.input.path.clone());
    let element = loc.and_then(|l| l.element.clone()).unwrap_or_default();
    (f.rule.id.to_string(), element, path)
}

/// The active findings as a baseline document.
pub fn baseline_json(report: &Report) -> String {
    let entries: Vec<Value> = report
        .active()
        .map(|f| {
            let (rule, element, path) = baseline_key(report, f);
            json!({"rule": rule, "element": element, "path": path, "message": f.message})
        })
        .collect();
    let doc = json!({"schema": BASELINE_SCHEMA, "findings": entries});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Mark findings listed in a baseline as accepted. Each baseline entry accepts one finding.
pub fn apply_baseline(
    report: &mut Report,
    baseline: &Value,
    source: &str,
) -> Result<usize, String> {
    let entries = baseline
        .get("findings")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{source}: not an ssolint baseline (no `findings` list)"))?;
    let mut pool: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            (s("rule"), s("element"), s("path"))
        })
        .collect();
    let keys: Vec<_> = report
        .findings
        .iter()
        .map(|f| baseline_key(report, f))
        .collect();
    let mut accepted = 0;
    for (f, key) in report.findings.iter_mut().zip(keys) {
        if f.suppressed.is_some() {
            continue;
        }
        if let Some(i) = pool.iter().position(|k| *k == key) {
            pool.swap_remove(i);
            f.suppressed = Some(Suppression {
                reason: format!("accepted in baseline {source}"),
                expires: None,
            });
            accepted += 1;
        }
    }
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::load_str;

    fn report_with(loaded: &LoadedConfig, findings: Vec<Finding>) -> Report {
        let mut r = Report::new(&loaded.source.path);
        r.add_file(loaded.source.clone());
        r.findings = findings;
        r
    }

    fn now() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn suppressions_need_a_reason_and_a_future_expiry() {
        let l = load_str(
            "c.toml",
            "[[suppressions]]\nrule = \"config.sso-off\"\n\
             [[suppressions]]\nrule = \"config.mfa-not-required\"\nreason = \"r\"\nexpires = \"2026-01-01\"\n\
             [[suppressions]]\nrule = \"config.scim-off\"\nreason = \"later\"\nwhere = \"nothing-matches\"\n\
             [[suppressions]]\nrule = \"config.apps-enabled\"\nreason = \"approved\"\n",
            "toml",
        )
        .unwrap();
        let f = |r| Finding::new(r, "m").at(0, Default::default());
        let mut rep = report_with(
            &l,
            vec![
                f(&rule::SSO_OFF),
                f(&rule::MFA_NOT_REQUIRED),
                f(&rule::SCIM_OFF),
                f(&rule::APPS_ENABLED),
            ],
        );
        apply_policy(&mut rep, &l, now());
        let active: Vec<&str> = rep.active().map(|f| f.rule.id).collect();
        assert_eq!(
            active,
            vec![
                "config.sso-off",
                "config.mfa-not-required",
                "config.scim-off",
                "config.suppression-without-reason",
                "config.suppression-expired"
            ]
        );
        assert_eq!(
            rep.findings[3].suppressed.as_ref().unwrap().reason,
            "approved"
        );
    }

    #[test]
    fn where_limits_a_suppression_to_findings_about_that_value() {
        let l = load_str(
            "c.toml",
            "[[suppressions]]\nrule = \"config.invalid-value\"\nreason = \"legacy alias\"\nwhere = \"it-ops\"\n",
            "toml",
        )
        .unwrap();
        let f = |found: &str| {
            Finding::new(&rule::INVALID_VALUE, "not an e-mail address")
                .at(0, Default::default())
                .found(found)
        };
        let mut rep = report_with(&l, vec![f("\"it-ops\""), f("\"sales\"")]);
        apply_policy(&mut rep, &l, now());
        assert!(rep.findings[0].suppressed.is_some());
        assert!(rep.findings[1].suppressed.is_none());
    }

    #[test]
    fn overrides_change_severity_and_off_removes() {
        let l = load_str(
            "c.toml",
            "[rules]\n\"config.sso-off\" = \"error\"\n\"config.apps-enabled\" = \"off\"\n\"config.sso-of\" = \"info\"\n",
            "toml",
        )
        .unwrap();
        let f = |r| Finding::new(r, "m").at(0, Default::default());
        let mut rep = report_with(&l, vec![f(&rule::SSO_OFF), f(&rule::APPS_ENABLED)]);
        apply_policy(&mut rep, &l, now());
        assert_eq!(rep.findings[0].severity, Severity::Error);
        assert_eq!(rep.findings[1].rule.id, "config.unknown-key");
        assert_eq!(
            rep.findings[1].hint.as_deref(),
            Some("did you mean `config.sso-off`?")
        );
        assert_eq!(rep.findings.len(), 2);
    }

    #[test]
    fn baselines_match_on_rule_element_and_file() {
        let l = load_str("c.toml", "", "toml").unwrap();
        let f = |r, e: &str| Finding::new(r, "m").at(0, Default::default()).element(e);
        let old = report_with(&l, vec![f(&rule::SSO_OFF, "authentication.mode")]);
        let base: Value = serde_json::from_str(&baseline_json(&old)).unwrap();
        let mut new = report_with(
            &l,
            vec![
                f(&rule::SSO_OFF, "authentication.mode").at(0, crate::source::Span::new(9, 9)),
                f(&rule::SSO_OFF, "authentication.mode"),
            ],
        );
        assert_eq!(apply_baseline(&mut new, &base, "b.json").unwrap(), 1);
        assert_eq!(new.active().count(), 1);
    }
}
