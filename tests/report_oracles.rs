//! The SARIF and JUnit renderers checked by independent tools: SARIF against the official
//! SARIF 2.1.0 JSON Schema (installed by `scripts/install-test-deps.sh`) with python3's
//! jsonschema, JUnit for well-formedness with xmllint. Each test skips, saying why, when
//! its tool is absent.

use ssolint::error::Fatal;
use ssolint::findings::{Finding, Suppression};
use ssolint::report::{junit, sarif, MessageInfo, Report};
use ssolint::rules::{input, Severity, Vendor};
use ssolint::source::{SourceFile, Span};
use std::path::{Path, PathBuf};
use std::process::Command;

fn reports() -> Vec<Report> {
    let mut r = Report::new("conf/ssolint.toml");
    let text = "[sso]\nacs_url = \"http://x\" # é\n";
    let file = r.add_file(SourceFile::new("conf/ssolint.toml", text));
    r.vendor = Some(Vendor::Okta);
    r.evaluated = vec![&input::TOO_LARGE, &input::XML_MALFORMED];
    r.push(
        Finding::new(&input::XML_MALFORMED, "bad <value> & \"quotes\"")
            .at(file, Span::new(16, 26))
            .element("sso.acs_url")
            .label(file, Span::new(0, 5), "table")
            .expected("https://x")
            .found("http://x"),
    );
    r.push(Finding::new(&input::TOO_DEEP, "no location").severity(Severity::Info));
    let mut s = Finding::new(&input::NOT_UTF8, "accepted").in_file(file);
    s.suppressed = Some(Suppression {
        reason: "legacy".into(),
        expires: Some("2027-01-01".into()),
    });
    r.push(s);

    let mut har = Report::new("/abs/capture with space.har");
    let m = har.add_file(SourceFile::new("capture with space.har#1", "<Response/>\n"));
    har.messages.push(MessageInfo {
        kind: "saml-response".into(),
        file: Some(m),
        ..MessageInfo::default()
    });
    har.push(Finding::new(&input::XML_MALFORMED, "empty span").at(m, Span::new(3, 3)));

    let fatal = Fatal::new(&input::DTD_FORBIDDEN, "DOCTYPE refused")
        .at(SourceFile::new("-", "<!DOCTYPE x>"), 0);
    vec![r, har, Report::from_fatal("-", &fatal)]
}

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

fn sarif_schema() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SSOLINT_SARIF_SCHEMA") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-deps/sarif/package/lib/schemas/sarif-2.1.0-rtm.5.json");
    p.exists().then_some(p)
}

const VALIDATE: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print("/".join(map(str, e.path)), ":", e.message)
sys.exit(3 if errors else 0)
"#;

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(schema) = sarif_schema() else {
        eprintln!(
            "SKIPPED: SARIF 2.1.0 schema not installed; run scripts/install-test-deps.sh \
             (or set SSOLINT_SARIF_SCHEMA)"
        );
        return;
    };
    let has_jsonschema = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_jsonschema {
        eprintln!("SKIPPED: python3 with jsonschema not found; run scripts/install-test-deps.sh");
        return;
    }
    let all = reports();
    let cases = [
        ("all", sarif::render(&all)),
        ("fatal only", sarif::render(&all[2..])),
        ("empty", sarif::render(&[Report::new("x")])),
    ];
    for (name, text) in cases {
        let (_dir, path) = write_temp("out.sarif", &text);
        let out = Command::new("python3")
            .arg("-c")
            .arg(VALIDATE)
            .arg(&schema)
            .arg(&path)
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "{name}: SARIF does not validate:\n{}{}\n{text}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Run `ssolint check` on a document it must refuse, in `format`.
fn check_unusable_input(format: &str) -> (String, tempfile::TempDir) {
    let (dir, path) = write_temp(
        "doctype.xml",
        "<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(["check", "--format", format])
        .arg(&path)
        .output()
        .expect("run ssolint");
    assert_eq!(out.status.code(), Some(2), "an unusable input exits 2");
    assert!(!out.stderr.is_empty(), "stderr has the one-line message");
    (String::from_utf8_lossy(&out.stdout).into_owned(), dir)
}

#[test]
fn unusable_input_still_gives_sarif_with_the_input_result() {
    let (text, _dir) = check_unusable_input("sarif");
    let v: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let run = &v["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let rule = run["results"][0]["ruleId"].as_str().unwrap_or_default();
    assert!(rule.starts_with("input."), "{text}");
    let Some(schema) = sarif_schema() else {
        eprintln!("SKIPPED schema validation: run scripts/install-test-deps.sh");
        return;
    };
    let (_d, path) = write_temp("out.sarif", &text);
    let out = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(&schema)
        .arg(&path)
        .output();
    match out {
        Ok(o) if o.status.code() == Some(3) => panic!(
            "SARIF does not validate:\n{}\n{text}",
            String::from_utf8_lossy(&o.stdout)
        ),
        Ok(o) if o.status.success() => {}
        _ => eprintln!("SKIPPED schema validation: python3 with jsonschema not found"),
    }
}

#[test]
fn unusable_input_still_gives_junit_with_an_error() {
    let (text, _dir) = check_unusable_input("junit");
    assert!(text.contains("errors=\"1\""), "{text}");
    assert!(text.contains("<error message="), "{text}");
}

#[test]
fn junit_is_well_formed_for_xmllint() {
    if Command::new("xmllint").arg("--version").output().is_err() {
        eprintln!("SKIPPED: xmllint not found (scripts/test.sh installs libxml2-utils)");
        return;
    }
    let text = junit::render(&reports(), Some(Severity::Info));
    let (_dir, path) = write_temp("out.xml", &text);
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg(&path)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
}
