//! The commands about ssolint itself: rules, explain, completions, help, man, and the
//! generated docs (`docs/rules.md`, `docs/ssolint.1`), which must match the registry and the
//! CLI. Refresh the docs with `SSOLINT_BLESS=1 cargo test --test cli_meta`.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn ssolint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .env_remove("NO_COLOR")
        // Help text wraps at the terminal width; pin it so the snapshot is stable.
        .env("COLUMNS", "100")
        .output()
        .expect("run ssolint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn rules_json_lists_every_rule_with_its_documentation() {
    let o = ssolint(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let list = v.as_array().expect("array");
    assert_eq!(list.len(), ssolint::rules::all().count());
    for (item, rule) in list.iter().zip(ssolint::rules::all()) {
        assert_eq!(item["id"], rule.id);
        for key in [
            "severity",
            "summary",
            "why",
            "fix",
            "vendor_fixes",
            "profile",
            "controls",
            "source",
        ] {
            assert!(item.get(key).is_some(), "{}: no {key}", rule.id);
        }
        assert!(item["vendor_fixes"].is_object());
        assert!(item["controls"].as_array().is_some_and(|c| c
            .iter()
            .all(|c| c["framework"].is_string() && c["id"].is_string())));
    }
}

#[test]
fn rules_table_shows_id_severity_and_summary() {
    let o = ssolint(&["rules", "--format", "human"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("input.dtd-forbidden "))
        .expect("dtd rule listed");
    assert!(line.contains("error") && line.contains("DTDs are never processed"));
}

#[test]
fn explain_prints_the_full_documentation() {
    let o = ssolint(&["explain", "input.dtd-forbidden", "--format", "human"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&o));

    let o = ssolint(&["explain", "input.dtd-forbidden", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["id"], "input.dtd-forbidden");
    assert_eq!(v["severity"], "error");
}

#[test]
fn explain_unknown_rule_exits_2_with_suggestions() {
    let o = ssolint(&["explain", "input.dtd-forbiden"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown rule `input.dtd-forbiden`"), "{err}");
    assert!(err.contains("did you mean input.dtd-forbidden"), "{err}");

    let o = ssolint(&["explain", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown rule `nope`"));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ssolint"),
        ("fish", "complete -c ssolint"),
    ] {
        let o = ssolint(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let out = stdout(&o);
        assert!(out.contains(marker), "{shell}: no `{marker}`");
        assert!(out.contains("explain"), "{shell}: subcommands missing");
    }
}

#[test]
fn help_lists_the_commands_and_global_flags() {
    let o = ssolint(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&o));
}

/// Compare a generated file with the committed one; with SSOLINT_BLESS=1, rewrite it.
fn check_generated(relative: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("SSOLINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, generated).expect("write generated doc");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale; refresh it with `SSOLINT_BLESS=1 cargo test --test cli_meta`"
    );
}

#[test]
fn docs_rules_md_is_current() {
    check_generated(
        "docs/rules.md",
        &ssolint::report::docs::catalogue_markdown(),
    );
}

#[test]
fn docs_man_page_is_current() {
    let o = ssolint(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.contains(".TH ssolint"), "not a man page");
    check_generated("docs/ssolint.1", &page);
}
