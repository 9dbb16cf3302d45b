//! CLI snapshots of `simulate` and `diff` on the example workspace (fixtures/sim/example).

use std::path::{Path, PathBuf};
use std::process::Command;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sim/example")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(example())
        .output()
        .expect("run ssolint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn simulate_human() {
    let (code, out, _) = run(&["simulate", "--format", "human"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn simulate_json() {
    let (code, out, _) = run(&["simulate", "--format", "json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v["schema"], "ssolint/simulation/v1");
    assert_eq!(v["counts"]["users"], 14);
    insta::assert_json_snapshot!(v);
}

#[test]
fn simulate_csv_has_one_row_per_user() {
    let (code, out, _) = run(&["simulate", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 15);
    assert!(out.starts_with("email,domain_class,access,methods,"));
}

#[test]
fn patterns_all_names_the_four_recommended_patterns() {
    let (code, out, _) = run(&["simulate", "--format", "human", "--patterns", "all"]);
    assert_eq!(code, 0);
    for p in [
        "opt-in-access",
        "sso-manual-invites",
        "sso-automatic-account-creation",
        "sso-scim",
    ] {
        assert!(out.contains(&format!("{p} (seed 004)")), "{p} missing");
    }
    insta::assert_snapshot!(out);
    let (_, j, _) = run(&["simulate", "--format", "json", "--patterns", "all"]);
    let v = json(&j);
    assert_eq!(v["patterns"].as_array().map(Vec::len), Some(15));
    insta::assert_json_snapshot!("patterns_json", v);
}

#[test]
fn explain_prints_the_trace() {
    let (code, out, _) = run(&[
        "simulate",
        "--format",
        "human",
        "--explain",
        "JOE@acme.com",
        "--patterns",
        "all",
    ]);
    assert_eq!(code, 0, "--patterns wins over --explain");
    assert!(out.contains("PROVISION"));
    let (code, out, _) = run(&[
        "simulate",
        "--format",
        "human",
        "--explain",
        "max@eu.acme.com",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_max", out);
    let (_, j, _) = run(&["simulate", "--format", "json", "--explain", "sam@acme.com"]);
    let v = json(&j);
    assert_eq!(v["email"], "sam@acme.com");
    assert_eq!(v["lockout"], "now");
    insta::assert_json_snapshot!("explain_sam_json", v);
    let (code, _, err) = run(&["simulate", "--explain", "nobody@acme.com"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such user"), "{err}");
}

#[test]
fn assumptions_from_the_command_line_win_and_bad_ones_are_fatal() {
    let (_, out, _) = run(&[
        "simulate",
        "--format",
        "json",
        "--assume",
        "ext_block_scope=manual",
    ]);
    let v = json(&out);
    assert_eq!(v["assumptions"]["ext_block_scope"], "manual");
    let eve = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "eve@contractor.io")
        .unwrap();
    assert_eq!(eve["access"], "pending");
    let (code, _, err) = run(&["simulate", "--assume", "migration=sometimes"]);
    assert_eq!(code, 2);
    assert!(err.contains("forced|optional"), "{err}");
}

#[test]
fn fail_on_gates_only_when_given() {
    assert_eq!(run(&["simulate", "--format", "json"]).0, 0);
    assert_eq!(
        run(&["simulate", "--format", "json", "--fail-on", "error"]).0,
        1
    );
    assert_eq!(
        run(&["simulate", "--format", "json", "--fail-on", "never"]).0,
        0
    );
}

#[test]
fn bad_directory_values_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.csv");
    std::fs::write(
        &users,
        "email,workspace_state\na@acme.com,member\nb@acme.com,memeber\n",
    )
    .unwrap();
    let (code, _, err) = run(&["simulate", "--users", users.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("users.csv:3: column 2 (workspace_state): workspace_state `memeber` is not one of none|invited|member|removed"), "{err}");
}

#[test]
fn diff_reports_changes_and_gates() {
    let (code, out, _) = run(&[
        "diff",
        "ssolint-enabled.toml",
        "ssolint.toml",
        "--format",
        "human",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("diff_human", out);
    let (code, out, _) = run(&[
        "diff",
        "ssolint-enabled.toml",
        "ssolint.toml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v = json(&out);
    let sam = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "sam@acme.com")
        .unwrap();
    assert_eq!(sam["before"]["access"], "pending");
    assert_eq!(sam["after"]["access"], "denied");
    assert_eq!(sam["flipped_by"], "R-A3");
    insta::assert_json_snapshot!("diff_json", v);
    let (code, _, _) = run(&[
        "diff",
        "ssolint-enabled.toml",
        "ssolint.toml",
        "--expected",
        "expected.toml",
    ]);
    assert_eq!(code, 0, "the only failing change is expected");
    let (code, _, _) = run(&[
        "diff",
        "ssolint-enabled.toml",
        "ssolint.toml",
        "--fail-on-lockout",
        "false",
    ]);
    assert_eq!(code, 0);
    let (code, _, err) = run(&[
        "diff",
        "ssolint-enabled.toml",
        "ssolint.toml",
        "--expected",
        "/tmp/does-not-exist.toml",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn expected_entries_need_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    std::fs::write(&file, "[[expected]]\nemail = \"sam@acme.com\"\n").unwrap();
    let (code, _, err) = run(&[
        "diff",
        "ssolint-enabled.toml",
        "ssolint.toml",
        "--expected",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("reason"), "{err}");
}

#[test]
fn diff_of_a_configuration_with_itself_is_empty() {
    let (code, out, _) = run(&["diff", "ssolint.toml", "ssolint.toml", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["users"], serde_json::json!([]));
    let (_, human, _) = run(&["diff", "ssolint.toml", "ssolint.toml", "--format", "human"]);
    assert_eq!(human, "No user's outcome changes.\n");
}

#[test]
fn redact_keeps_domains_and_hides_local_parts() {
    let (_, out, _) = run(&["simulate", "--format", "json", "--redact"]);
    assert!(!out.contains("pat.smith@"), "IdP e-mail leaked");
    assert!(!out.contains("\"ana@acme.com\""));
    let v = json(&out);
    let first = v["users"][0]["email"].as_str().unwrap();
    assert!(
        first.starts_with("user-") && first.ends_with("@acme.com"),
        "{first}"
    );
    let (_, again, _) = run(&["simulate", "--format", "json", "--redact"]);
    assert_eq!(out, again, "pseudonyms are stable");
}

#[test]
fn quiet_json_keeps_only_the_counts() {
    let (code, out, _) = run(&["simulate", "--format", "json", "--quiet"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v["users"], serde_json::json!([]));
    assert_eq!(v["counts"]["lockout_now"], 3);
}

#[test]
fn diff_sarif_and_junit_use_the_gate_exit_code() {
    for format in ["sarif", "junit"] {
        let (code, _, err) = run(&[
            "diff",
            "ssolint-enabled.toml",
            "ssolint.toml",
            "--format",
            format,
        ]);
        assert_eq!(code, 1, "{format}: {err}");
        let (code, _, _) = run(&[
            "diff",
            "ssolint-enabled.toml",
            "ssolint.toml",
            "--format",
            format,
            "--expected",
            "expected.toml",
        ]);
        assert_eq!(code, 0, "{format}");
    }
}

#[test]
fn a_missing_directory_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("ssolint.toml");
    std::fs::write(&cfg, "[workspace]\nverified_domains = [\"acme.com\"]\n").unwrap();
    let (code, _, err) = run(&["simulate", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("give --users FILE or set [simulate] directory"),
        "{err}"
    );
}

#[test]
fn lint_gets_counts_and_one_finding_per_rule() {
    let loaded = ssolint::config::load(&example().join("ssolint.toml")).unwrap();
    let summary = ssolint::sim::lint_summary(&loaded, None)
        .unwrap()
        .expect("a directory is configured");
    assert_eq!(summary.counts.users, 14);
    let findings = summary.findings(&loaded, 0);
    let ids: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
    assert!(
        ids.contains(&"sim.locked-out") && ids.contains(&"sim.sso-bypass"),
        "{ids:?}"
    );
    let locked = findings
        .iter()
        .find(|f| f.rule.id == "sim.locked-out")
        .unwrap();
    assert!(
        locked.message.contains("3 users") && locked.message.contains("sam@acme.com"),
        "{}",
        locked.message
    );
    let facts = ssolint::sim::DirectoryFacts::collect(&example().join("users.csv")).unwrap();
    assert!(facts.groups.contains("Engineering") && facts.domains.contains("eu.acme.com"));
}

#[test]
fn every_directory_format_gives_the_same_outcomes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sim/formats");
    let outcome = |users: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
            .args(["simulate", "--format", "csv", "--users", users])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{users}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = outcome("users.csv");
    assert!(csv.contains("ana@acme.com,verified,granted,sso,"), "{csv}");
    assert!(csv.contains("bo@acme.com,verified,denied,,"), "{csv}");
    for other in ["users.json", "users.jsonl", "scim-list.json"] {
        assert_eq!(outcome(other), csv, "{other}");
    }
}

/// A directory big enough to be read in blocks by several threads, with rows of every kind
/// (unknown cells, comments, CRLF ends, a quoted cell half-way) so that block cuts fall
/// everywhere; every output must be the one a single thread writes.
#[test]
fn simulate_output_is_the_same_on_one_thread_and_many() {
    let dir = tempfile::tempdir().unwrap();
    let states = ["member", "invited", "none", "removed", "?", ""];
    let idp = ["active", "disabled", "absent", "?"];
    let personal = ["none", "free", "plus", "?"];
    let domains = ["acme.com", "eu.acme.com", "gmail.com", "contractor.io"];
    let mut text = String::from("email,groups,workspace_state,invite_source,personal_account,has_password,social,idp_status,idp_assigned,idp_email\n");
    for i in 0..12_000usize {
        if i % 1_001 == 0 {
            text.push_str("# a comment line\n");
        }
        let end = if i % 7 == 0 { "\r\n" } else { "\n" };
        let groups = if i == 9_000 {
            "\"ChatGPT Users\""
        } else {
            "ChatGPT Users;Sales"
        };
        text.push_str(&format!(
            "u{i}@{},{groups},{},scim,{},{},google,{},{},{}{end}",
            domains[i % 4],
            states[i % 6],
            personal[i % 4],
            i % 2 == 0,
            idp[i % 4],
            i % 3 != 0,
            if i % 11 == 0 { "other@acme.com" } else { "" },
        ));
    }
    let users = dir.path().join("users.csv");
    std::fs::write(&users, text).unwrap();
    let users = users.to_str().unwrap();
    for format in ["json", "csv", "sarif"] {
        let outputs: Vec<_> = ["1", "2", "3"]
            .iter()
            .map(|threads| {
                let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
                    .args(["simulate", "--format", format, "--users", users])
                    .env("SSOLINT_THREADS", threads)
                    .current_dir(example())
                    .output()
                    .unwrap();
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                out.stdout
            })
            .collect();
        assert!(outputs[0].len() > 100_000 || format == "sarif");
        assert!(outputs[0] == outputs[1], "{format}: 1 thread and 2 differ");
        assert!(outputs[0] == outputs[2], "{format}: 1 thread and 3 differ");
    }
}

/// A JSON directory is streamed: a defect after some users still ends the run with the
/// parser's error at its line, and a duplicate `Resources` is refused.
#[test]
fn json_directory_defects_exit_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[{\"email\":\"ana@acme.com\"},\n{\"email\":\"bo@acme.com\"}\n{\"email\":\"cy@acme.com\"}]",
            "input.json-malformed",
            ":3:1: expected `,` or `]`",
        ),
        (
            "{\"Resources\":[{\"email\":\"ana@acme.com\"}],\n\"Resources\":[]}",
            "input.json-duplicate-key",
            ":2:11: duplicate member name \"Resources\"",
        ),
    ];
    for (i, (text, rule, at)) in cases.into_iter().enumerate() {
        let users = dir.path().join(format!("users-{i}.json"));
        std::fs::write(&users, text).unwrap();
        let (code, _, err) = run(&[
            "simulate",
            "--format",
            "json",
            "--users",
            users.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(rule) && err.contains(at), "{err}");
    }
}
