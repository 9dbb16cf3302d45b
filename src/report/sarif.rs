//! SARIF 2.1.0: one run for all reports, one `rules` entry per rule evaluated or reported,
//! results pointing at the file paths as given (relative paths stay relative, so GitHub code
//! scanning maps them onto repository files).

use super::{docs, Report};
use crate::findings::Finding;
use crate::rules::{Rule, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Map, Value};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Characters a path may hold that are not allowed (or mean something else) in a URI reference.
const URI_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file path as a URI reference: relative stays relative, absolute becomes `file://`.
pub fn path_uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let encoded = utf8_percent_encode(&slashed, URI_ESCAPES).to_string();
    if slashed.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    let mut tags = vec![json!(rule.family())];
    if rule.family() != "sim" {
        tags.push(json!("security"));
    }
    let mut properties = Map::new();
    properties.insert("tags".into(), Value::Array(tags));
    properties.insert(
        "controls".into(),
        json!(rule
            .controls
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()),
    );
    if let Some(p) = rule.profile {
        properties.insert("profile".into(), json!(p));
    }
    properties.insert("source".into(), json!(rule.source));
    json!({
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": docs::fix_text(rule), "markdown": docs::fix_markdown(rule)},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": properties,
    })
}

fn result(r: &Report, f: &Finding, rule_index: usize) -> Value {
    let mut physical = Map::new();
    let path = f
        .location
        .as_ref()
        .and_then(|l| r.files.get(l.file))
        .map(|file| file.path.as_str())
        .unwrap_or(&r.input.path);
    physical.insert(
        "artifactLocation".into(),
        json!({"uri": path_uri(if path.is_empty() { "-" } else { path })}),
    );
    if let Some(loc) = &f.location {
        if let (Some(span), Some(file)) = (loc.span, r.files.get(loc.file)) {
            let (start_line, start_column) = file.line_col(span.start);
            let (end_line, end_column) = file.line_col(span.end.max(span.start));
            physical.insert(
                "region".into(),
                json!({
                    "startLine": start_line, "startColumn": start_column,
                    "endLine": end_line, "endColumn": end_column,
                }),
            );
        }
    }
    let mut location = Map::new();
    location.insert("physicalLocation".into(), Value::Object(physical));
    if let Some(el) = f.location.as_ref().and_then(|l| l.element.as_ref()) {
        location.insert(
            "logicalLocations".into(),
            json!([{"fullyQualifiedName": el}]),
        );
    }
    let mut out = Map::new();
    out.insert("ruleId".into(), json!(f.rule.id));
    out.insert("ruleIndex".into(), json!(rule_index));
    out.insert("level".into(), json!(level(f.severity)));
    out.insert("message".into(), json!({"text": f.message}));
    out.insert("locations".into(), json!([Value::Object(location)]));
    if !f.labels.is_empty() {
        let related: Vec<Value> = f
            .labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let file = r.files.get(l.file)?;
                let (sl, sc) = file.line_col(l.span.start);
                let (el, ec) = file.line_col(l.span.end.max(l.span.start));
                Some(json!({
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": {"uri": path_uri(&file.path)},
                        "region": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                    },
                    "message": {"text": l.message},
                }))
            })
            .collect();
        out.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(s) = &f.suppressed {
        let mut sup = Map::new();
        // Suppressions live in the configuration or a baseline file, never in the message.
        sup.insert("kind".into(), json!("external"));
        sup.insert("status".into(), json!("accepted"));
        sup.insert("justification".into(), json!(s.reason));
        if let Some(exp) = &s.expires {
            sup.insert("properties".into(), json!({"expires": exp}));
        }
        out.insert("suppressions".into(), json!([Value::Object(sup)]));
    }
    let mut props = Map::new();
    for (k, v) in [("expected", &f.expected), ("found", &f.found)] {
        if let Some(v) = v {
            props.insert(k.into(), json!(v));
        }
    }
    let hint = r.hint_for(f);
    if !hint.is_empty() {
        props.insert("hint".into(), json!(hint));
    }
    if !props.is_empty() {
        out.insert("properties".into(), Value::Object(props));
    }
    Value::Object(out)
}

pub fn to_value(reports: &[Report]) -> Value {
    // Rules in order of first appearance: evaluated ones, then any that only produced findings.
    let mut rules: Vec<&'static Rule> = Vec::new();
    for rule in reports.iter().flat_map(|r| {
        r.evaluated
            .iter()
            .copied()
            .chain(r.findings.iter().map(|f| f.rule))
    }) {
        if !rules.iter().any(|known| known.id == rule.id) {
            rules.push(rule);
        }
    }
    let index_of = |id: &str| rules.iter().position(|r| r.id == id).unwrap_or(0);
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .map(|(r, f)| result(r, f, index_of(f.rule.id)))
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ssolint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }},
            "invocations": [{"executionSuccessful": !reports.iter().any(|r| r.fatal)}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub fn render(reports: &[Report]) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(reports)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fatal;
    use crate::findings::Suppression;
    use crate::rules::input;
    use crate::source::{SourceFile, Span};

    fn sample() -> Report {
        let mut r = Report::new("conf/ssolint.toml");
        let text = "[sso]\nacs_url = \"http://x\"\n";
        let file = r.add_file(SourceFile::new("conf/ssolint.toml", text));
        r.evaluated = vec![&input::TOO_LARGE, &input::XML_MALFORMED];
        r.push(
            Finding::new(&input::XML_MALFORMED, "bad value")
                .at(file, Span::new(16, 26))
                .element("sso.acs_url")
                .label(file, Span::new(0, 5), "in this table")
                .expected("https://…"),
        );
        let mut s = Finding::new(&input::DTD_FORBIDDEN, "accepted").in_file(file);
        s.suppressed = Some(Suppression {
            reason: "vendor bug".into(),
            expires: None,
        });
        r.push(s);
        r
    }

    #[test]
    fn results_point_at_regions_and_rules() {
        let v = to_value(&[sample()]);
        let run = &v["runs"][0];
        let ids: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "input.too-large",
                "input.xml-malformed",
                "input.dtd-forbidden"
            ]
        );
        let first = &run["results"][0];
        assert_eq!(first["ruleIndex"], 1);
        assert_eq!(
            first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "conf/ssolint.toml"
        );
        assert_eq!(
            first["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 2, "startColumn": 11, "endLine": 2, "endColumn": 21})
        );
        assert_eq!(
            first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "sso.acs_url"
        );
        let second = &run["results"][1];
        assert_eq!(second["ruleIndex"], 2);
        assert_eq!(second["suppressions"][0]["kind"], "external");
        assert_eq!(second["suppressions"][0]["justification"], "vendor bug");
        assert!(second["locations"][0]["physicalLocation"]
            .get("region")
            .is_none());
        let mut v = v;
        // The version changes with every release; the snapshot pins the shape.
        v["runs"][0]["tool"]["driver"]["version"] = json!("[version]");
        v["runs"][0]["tool"]["driver"]["semanticVersion"] = json!("[version]");
        insta::assert_json_snapshot!(v);
    }

    #[test]
    fn fatal_report_is_still_a_run_with_the_input_result() {
        let fatal = Fatal::new(&input::DTD_FORBIDDEN, "DOCTYPE refused")
            .at(SourceFile::new("-", "<!DOCTYPE x>"), 0);
        let v = to_value(&[Report::from_fatal("-", &fatal)]);
        let run = &v["runs"][0];
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(run["results"][0]["ruleId"], "input.dtd-forbidden");
        assert_eq!(run["results"][0]["level"], "error");
    }

    #[test]
    fn uris_keep_relative_paths_and_escape_the_rest() {
        assert_eq!(path_uri("a/b.xml"), "a/b.xml");
        assert_eq!(path_uri("capture.har#3"), "capture.har%233");
        assert_eq!(path_uri("/tmp/my file.xml"), "file:///tmp/my%20file.xml");
        assert_eq!(path_uri("dir\\x.toml"), "dir/x.toml");
    }
}
