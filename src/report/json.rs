//! `ssolint/report/v1`: the stable JSON shape of PRODUCT.md.

use super::{MessageInfo, Report};
use crate::rules::Severity;
use serde::Serialize;
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

/// One report on one line: the bytes of `serde_json::to_string(&to_value(r))`, written
/// straight from the report (no tree of values built, cloned and dropped for each of a
/// batch's reports).
pub fn render_line(r: &Report) -> String {
    let mut s = serde_json::to_string(&Line::of(r))
        .or_else(|_| serde_json::to_string(&to_value(r)))
        .unwrap_or_default();
    s.push('\n');
    s
}

// The shape of `to_value`, borrowed from the report. Members are declared in the order a
// `serde_json::Map` sorts them, since that is the order `to_value`'s output has.

#[derive(Serialize)]
struct Line<'a> {
    findings: Vec<FindingOut<'a>>,
    input: InputOut<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<MessageOut<'a>>,
    schema: &'static str,
    summary: SummaryOut<'a>,
    tool: ToolOut,
    verdict: &'static str,
}

#[derive(Serialize)]
struct InputOut<'a> {
    encodings: &'a [String],
    kind: &'a Option<String>,
    path: &'a str,
}

#[derive(Serialize)]
struct MessageOut<'a> {
    encodings: &'a [String],
    kind: &'a str,
    method: &'a Option<String>,
    summary: &'a Map<String, Value>,
    time: &'a Option<String>,
    url: &'a Option<String>,
}

#[derive(Serialize)]
struct ToolOut {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    controls: Vec<String>,
    expected: &'a Option<String>,
    found: &'a Option<String>,
    hint: String,
    location: Option<LocationOut<'a>>,
    message: &'a str,
    rule: &'static str,
    severity: &'static str,
    suppressed: Option<SuppressionOut<'a>>,
}

#[derive(Serialize)]
struct SuppressionOut<'a> {
    expires: &'a Option<String>,
    reason: &'a str,
}

#[derive(Serialize)]
struct LocationOut<'a> {
    column: Option<usize>,
    element: &'a Option<String>,
    line: Option<usize>,
    path: String,
}

/// The finding counts merged with the report's own summary members (which win on a clash,
/// as in `to_value`), in sorted order.
struct SummaryOut<'a> {
    counts: [(&'static str, usize); 4],
    rest: &'a Map<String, Value>,
}

impl Serialize for SummaryOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let counts = self
            .counts
            .iter()
            .filter(|(k, _)| !self.rest.contains_key(*k));
        let mut map = serializer.serialize_map(Some(counts.clone().count() + self.rest.len()))?;
        let mut counts = counts.peekable();
        for (key, value) in self.rest {
            while let Some((k, n)) = counts.next_if(|(k, _)| *k < key.as_str()) {
                map.serialize_entry(k, n)?;
            }
            map.serialize_entry(key, value)?;
        }
        for (k, n) in counts {
            map.serialize_entry(k, n)?;
        }
        map.end()
    }
}

impl<'a> MessageOut<'a> {
    fn of(m: &'a MessageInfo) -> MessageOut<'a> {
        MessageOut {
            encodings: &m.encodings,
            kind: &m.kind,
            method: &m.method,
            summary: &m.summary,
            time: &m.time,
            url: &m.url,
        }
    }
}

impl<'a> Line<'a> {
    fn of(r: &'a Report) -> Line<'a> {
        let findings = r
            .findings
            .iter()
            .map(|f| FindingOut {
                controls: f.rule.controls.iter().map(|c| c.to_string()).collect(),
                expected: &f.expected,
                found: &f.found,
                hint: r.hint_for(f),
                location: f.location.as_ref().map(|loc| match r.position(f) {
                    Some((path, line, column)) => LocationOut {
                        column: Some(column),
                        element: &loc.element,
                        line: Some(line),
                        path,
                    },
                    None => LocationOut {
                        column: None,
                        element: &loc.element,
                        line: None,
                        path: r.input.path.clone(),
                    },
                }),
                message: &f.message,
                rule: f.rule.id,
                severity: f.severity.as_str(),
                suppressed: f.suppressed.as_ref().map(|s| SuppressionOut {
                    expires: &s.expires,
                    reason: &s.reason,
                }),
            })
            .collect();
        Line {
            findings,
            input: InputOut {
                encodings: &r.input.encodings,
                kind: &r.input.kind,
                path: &r.input.path,
            },
            messages: r.messages.iter().map(MessageOut::of).collect(),
            schema: SCHEMA,
            summary: SummaryOut {
                counts: [
                    ("errors", r.count(Severity::Error)),
                    ("infos", r.count(Severity::Info)),
                    (
                        "suppressed",
                        r.findings.iter().filter(|f| !f.is_active()).count(),
                    ),
                    ("warnings", r.count(Severity::Warning)),
                ],
                rest: &r.summary,
            },
            tool: ToolOut {
                name: "ssolint",
                version: env!("CARGO_PKG_VERSION"),
            },
            verdict: r.verdict().as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Finding, Suppression};
    use crate::report::MessageInfo;
    use crate::rules::{input, oidc, Vendor};
    use crate::source::{SourceFile, Span};

    fn value_line(r: &Report) -> String {
        serde_json::to_string(&to_value(r)).unwrap() + "\n"
    }

    fn rich() -> Report {
        let mut r = Report::new("capture.har");
        r.input.kind = Some("har".into());
        r.input.encodings = vec!["bom".into(), "base64".into()];
        let text = "line one\n  \"quote\" and \\ backslash \u{e9}\n";
        let file = r.add_file(SourceFile::new("capture.har#2", text));
        r.push(
            Finding::new(&oidc::AZP_MISMATCH, "the audience \"x\" is\tnot ours")
                .at(file, Span::new(12, 19))
                .element("payload.aud")
                .expected("chatgpt")
                .found("other"),
        );
        // A location without a span, one pointing past the files, and none at all.
        r.push(Finding::new(&input::TOO_DEEP, "whole file").at(file, Span::new(0, 0)));
        let mut lost = Finding::new(&input::NOT_UTF8, "lost file").element("x");
        if let Some(l) = lost.location.as_mut() {
            l.file = 7;
        }
        r.push(lost);
        let mut s = Finding::new(&input::UNDECODABLE, "waved through");
        s.hint = Some("a hint of its own".into());
        s.suppressed = Some(Suppression {
            reason: "legacy".into(),
            expires: None,
        });
        r.push(s);
        r.vendor = Some(Vendor::Okta);
        // Members sorting before, between and after the counts, and one replacing a count.
        r.summary.insert("alg".into(), json!("RS256"));
        r.summary.insert("errors".into(), json!("replaced"));
        r.summary
            .insert("flow".into(), json!([{"b": 1, "a": null}]));
        r.summary
            .insert("token".into(), json!({"z": 1.5, "bytes": 813}));
        r.summary.insert("zz".into(), json!(false));
        r.messages.push(MessageInfo {
            kind: "saml-response".into(),
            encodings: vec!["base64".into()],
            url: Some("https://sp.example/acs?x=1".into()),
            method: Some("POST".into()),
            time: None,
            file: Some(file),
            summary: r.summary.clone(),
        });
        r
    }

    #[test]
    fn a_line_is_the_compact_value() {
        let r = rich();
        assert_eq!(render_line(&r), value_line(&r));
        let mut fatal = Report::from_fatal(
            "x.jwt",
            &crate::error::Fatal::new(&input::UNDECODABLE, "no"),
        );
        assert_eq!(render_line(&fatal), value_line(&fatal));
        fatal.summary.insert("suppressed".into(), json!(3));
        assert_eq!(render_line(&fatal), value_line(&fatal));
        let empty = Report::new("");
        assert_eq!(render_line(&empty), value_line(&empty));
    }
}
