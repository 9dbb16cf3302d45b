//! `ssolint/report/v1`: the stable JSON shape of PRODUCT.md.

use super::Report;
use crate::rules::Severity;
use serde_json::{json, Map, Value};

pub const SCHEMA: &str = "ssolint/report/v1";

pub fn tool() -> Value {
    json!({"name": "ssolint", "version": env!("CARGO_PKG_VERSION")})
}

pub fn to_value(r: &Report) -> Value {
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let location = match (r.position(f), f.location.as_ref()) {
                (Some((path, line, column)), Some(loc)) => json!({
                    "path": path, "line": line, "column": column, "element": loc.element,
                }),
                (None, Some(loc)) => json!({
                    "path": r.input.path, "line": null, "column": null, "element": loc.element,
                }),
                _ => Value::Null,
            };
            json!({
                "rule": f.rule.id,
                "severity": f.severity.as_str(),
                "message": f.message,
                "location": location,
                "expected": f.expected,
                "found": f.found,
                "hint": r.hint_for(f),
                "controls": f.rule.controls.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "suppressed": f.suppressed,
            })
        })
        .collect();
    let mut summary = Map::new();
    summary.insert("errors".into(), json!(r.count(Severity::Error)));
    summary.insert("warnings".into(), json!(r.count(Severity::Warning)));
    summary.insert("infos".into(), json!(r.count(Severity::Info)));
    summary.insert(
        "suppressed".into(),
        json!(r.findings.iter().filter(|f| !f.is_active()).count()),
    );
    for (k, v) in &r.summary {
        summary.insert(k.clone(), v.clone());
    }
    let mut out = Map::new();
    out.insert("schema".into(), json!(SCHEMA));
    out.insert("tool".into(), tool());
    out.insert(
        "input".into(),
        json!({"path": r.input.path, "kind": r.input.kind, "encodings": r.input.encodings}),
    );
    out.insert("verdict".into(), json!(r.verdict().as_str()));
    out.insert("summary".into(), Value::Object(summary));
    out.insert("findings".into(), Value::Array(findings));
    if !r.messages.is_empty() {
        let messages: Vec<Value> = r
            .messages
            .iter()
            .map(|m| {
                json!({
                    "kind": m.kind, "encodings": m.encodings, "url": m.url,
                    "method": m.method, "time": m.time, "summary": m.summary,
                })
            })
            .collect();
        out.insert("messages".into(), Value::Array(messages));
    }
    Value::Object(out)
}

pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(r)).unwrap_or_default();
    s.push('\n');
    s
}

pub fn render_line(r: &Report) -> String {
    let mut s = serde_json::to_string(&to_value(r)).unwrap_or_default();
    s.push('\n');
    s
}
