//! `ssolint check` end to end: the three realistic failures of docs/check-examples.md (human
//! and json snapshots), the README's demo, batch inputs (several files, a directory, lines on
//! stdin; json, jsonl) and HAR flows. Fixtures come from scripts/gen-check-fixtures.sh.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ssolint");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check_dir() -> PathBuf {
    root().join("fixtures/check")
}

/// Run `args` in the check fixtures directory with `--format FORMAT` appended.
fn check_as(args: &[&str], format: &str) -> Run {
    run_in(&check_dir(), &[args, &["--format", format]].concat(), None)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f["rule"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The three examples of docs/check-examples.md: (name, config, response).
const EXAMPLES: [(&str, &str, &str); 3] = [
    (
        "okta-audience-mismatch",
        "ssolint.toml",
        "responses/audience-mismatch.xml",
    ),
    (
        "entra-certificate-rotated",
        "entra.toml",
        "responses/entra-rotated.xml",
    ),
    (
        "google-clock-skew",
        "google.toml",
        "responses/google-clock-skew.xml",
    ),
];

#[test]
fn realistic_failures_in_human_and_json() {
    for (name, config, response) in EXAMPLES {
        let args = [
            "check",
            response,
            "--config",
            config,
            "--now",
            "2026-03-01T10:01:00Z",
        ];
        let human = check_as(&args, "human");
        assert_eq!(human.code, 1, "{name}: {}", human.stderr);
        let machine = check_as(&args, "json");
        assert_eq!(machine.code, 1);
        let mut report = json(&machine);
        report["tool"]["version"] = Value::from("[version]");
        insta::with_settings!({snapshot_path => "snapshots/check", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("{name}.human"), human.stdout);
            insta::assert_json_snapshot!(format!("{name}.json"), report);
        });
    }
}

#[test]
fn each_example_names_its_cause() {
    let expect = [
        (
            "okta-audience-mismatch",
            "saml.audience-mismatch",
            "Audience URI (SP Entity ID)",
        ),
        (
            "entra-certificate-rotated",
            "saml.signature-untrusted-key",
            "fix (Entra ID)",
        ),
        (
            "google-clock-skew",
            "saml.expired",
            "a skew of 4 minutes 1 second would",
        ),
    ];
    for ((name, config, response), (_, rule, words)) in EXAMPLES.iter().zip(expect) {
        let out = run_in(
            &check_dir(),
            &[
                "check",
                response,
                "--config",
                config,
                "--now",
                "2026-03-01T10:01:00Z",
                "--format",
                "human",
            ],
            None,
        );
        assert!(out.stdout.contains(rule), "{name}: {}", out.stdout);
        assert!(out.stdout.contains(words), "{name}: {}", out.stdout);
    }
}

#[test]
fn the_readme_demo_shows_both_problems() {
    let out = run_in(
        &root().join("fixtures/demo"),
        &[
            "check",
            "okta-response.xml",
            "--now",
            "2026-03-01T10:00:00Z",
            "--format",
            "human",
        ],
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("error[saml.audience-mismatch]"));
    assert!(out.stdout.contains("it is the ACS URL"));
    assert!(out.stdout.contains("error[saml.not-yet-valid]"));
    assert!(out.stdout.contains("Audience URI (SP Entity ID)"));
    // The clock problem is said once for the message, not once per element.
    assert_eq!(out.stdout.matches("[saml.issue-instant-future]").count(), 1);
}

#[test]
fn the_demo_directory_is_checked_with_its_own_workspace() {
    // `ssolint check fixtures/demo/`: the folder's ssolint.toml is the configuration, and
    // it and the metadata it names are not inputs.
    let out = run_in(
        &root(),
        &[
            "check",
            "fixtures/demo/",
            "--now",
            "2026-03-01T10:00:00Z",
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let reports: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 1, "{}", out.stdout);
    let rules = rules_of(&reports[0]);
    assert!(
        rules.contains(&"saml.audience-mismatch".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"saml.not-yet-valid".to_string()),
        "{rules:?}"
    );
}

#[test]
fn several_inputs_give_one_report_each() {
    let args = [
        "check",
        "responses/base.xml",
        "responses/audience-mismatch.xml",
        "--now",
        "2026-03-01T10:01:00Z",
    ];
    let lines = check_as(&args, "jsonl");
    assert_eq!(lines.code, 1, "{}", lines.stderr);
    let reports: Vec<Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["verdict"], "pass");
    assert_eq!(reports[1]["verdict"], "fail");
    assert!(rules_of(&reports[1]).contains(&"saml.audience-mismatch".to_string()));

    let array = check_as(&args, "json");
    let v = json(&array);
    assert_eq!(v.as_array().map(Vec::len), Some(2));
}

#[test]
fn an_unusable_input_in_a_batch_is_exit_2_and_the_others_are_still_reported() {
    let dir = std::env::temp_dir().join(format!("ssolint-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        check_dir().join("responses/base.xml"),
        dir.join("a-base.xml"),
    )
    .unwrap();
    std::fs::write(dir.join("b-broken.xml"), "<samlp:Response").unwrap();
    let out = run_in(
        &check_dir(),
        &[
            "check",
            dir.to_str().unwrap(),
            "--now",
            "2026-03-01T10:01:00Z",
            "--format",
            "jsonl",
        ],
        None,
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.code, 2);
    let reports: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2, "{}", out.stdout);
    assert_eq!(reports[0]["verdict"], "pass");
    assert_eq!(reports[1]["verdict"], "error");
    assert!(rules_of(&reports[1]).contains(&"input.xml-malformed".to_string()));
    assert!(out.stderr.contains("input.xml-malformed"));
}

#[test]
fn one_message_per_line_on_stdin() {
    use base64::Engine;
    let b64 = |f: &str| {
        base64::engine::general_purpose::STANDARD
            .encode(std::fs::read(check_dir().join("responses").join(f)).unwrap())
    };
    let stdin = format!("{}\n{}\n", b64("base.xml"), b64("expired.xml"));
    let out = run_in(
        &check_dir(),
        &[
            "check",
            "-",
            "--now",
            "2026-03-01T10:01:00Z",
            "--format",
            "jsonl",
        ],
        Some(&stdin),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let reports: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["input"]["path"], "-#1");
    assert_eq!(
        reports[0]["input"]["encodings"],
        serde_json::json!(["base64"])
    );
    assert!(rules_of(&reports[1]).contains(&"saml.expired".to_string()));
}

#[test]
fn har_flow_pairs_requests_and_responses() {
    let run = |har: &str| {
        json(&run_in(
            &check_dir(),
            &[
                "check",
                har,
                "--now",
                "2026-03-01T10:01:00Z",
                "--format",
                "json",
            ],
            None,
        ))
    };
    let ok = run("har/flow-ok.har");
    assert_eq!(ok["input"]["kind"], "har");
    assert_eq!(ok["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(ok["verdict"], "pass", "{ok:#}");
    assert_eq!(ok["summary"]["flow"][0]["request_id"], "_req1f3b2a");

    let wrong = run("har/wrong-request.har");
    let rules = rules_of(&wrong);
    // The Response and its SubjectConfirmationData both answer another request.
    assert_eq!(
        rules
            .iter()
            .filter(|r| *r == "saml.in-response-to-mismatch")
            .count(),
        2,
        "{rules:?}"
    );
    let lost = run("har/relay-state-lost.har");
    assert!(rules_of(&lost).contains(&"saml.relay-state-mismatch".to_string()));
}

#[test]
fn redaction_applies_to_check_output() {
    let args = [
        "check",
        "responses/email-mismatch.xml",
        "--now",
        "2026-03-01T10:01:00Z",
        "--redact",
    ];
    let out = check_as(&args, "json");
    assert!(!out.stdout.contains("alice.nguyen@"), "{}", out.stdout);
    assert!(!out.stdout.contains("anguyen@"), "{}", out.stdout);
    assert!(out.stdout.contains("@example.com"));
    let human = check_as(&args, "human");
    assert!(!human.stdout.contains("alice.nguyen@"), "{}", human.stdout);
}

#[test]
fn the_directory_invited_email_is_compared() {
    let run = |users: &str| {
        json(&run_in(
            &check_dir(),
            &[
                "check",
                "responses/base.xml",
                "--users",
                users,
                "--now",
                "2026-03-01T10:01:00Z",
                "--format",
                "json",
            ],
            None,
        ))
    };
    assert!(!rules_of(&run("users.csv")).contains(&"saml.email-mismatch".to_string()));
    let renamed = run("users-renamed.csv");
    let f = renamed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "saml.email-mismatch")
        .expect("email-mismatch against the directory");
    assert_eq!(f["expected"], "alice.n@example.com");
}

#[test]
fn now_issue_instant_judges_an_old_capture_at_its_own_time() {
    let run = |now: &str| {
        json(&run_in(
            &check_dir(),
            &[
                "check",
                "responses/google-clock-skew.xml",
                "--config",
                "google.toml",
                "--now",
                now,
                "--format",
                "json",
            ],
            None,
        ))
    };
    assert!(rules_of(&run("2026-03-01T10:01:00Z")).contains(&"saml.expired".to_string()));
    let own = run("issue-instant");
    assert_eq!(own["verdict"], "pass", "{own:#}");
    assert_eq!(own["summary"]["checked_at"], "2026-03-01T09:52:00+00:00");
}
