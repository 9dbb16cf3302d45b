//! Every rule has a fixture that fires it and a near-miss that does not.
//!
//! `fixtures/rules/<rule-id>/fire.args` and `near-miss.args` hold an ssolint command line, one
//! argument per line (blank lines and `#` comments ignored), run with that directory as the
//! working directory and `--format json` appended. The fire case must report the rule (not
//! suppressed); the near miss must not. The fire case's findings for the rule are snapshotted.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn read_args(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn run_case(dir: &Path, args_file: &str) -> Value {
    let args = read_args(&dir.join(args_file));
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(&args)
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .expect("run ssolint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}/{args_file}: output is not JSON ({e}); exit {:?}\nstdout: {stdout}\nstderr: {}",
            dir.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Findings for `id` anywhere in the output: report findings (objects with `rule`) and
/// simulation findings (rule ids listed per user).
fn findings_for(v: &Value, id: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == "findings" {
                    if let Value::Array(items) = child {
                        for item in items {
                            let matches = match item {
                                Value::String(s) => s == id,
                                Value::Object(o) => {
                                    o.get("rule").and_then(Value::as_str) == Some(id)
                                        && o.get("suppressed").is_none_or(Value::is_null)
                                }
                                _ => false,
                            };
                            if matches {
                                out.push(item.clone());
                            }
                        }
                    }
                }
                findings_for(child, id, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| findings_for(i, id, out)),
        _ => {}
    }
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    for rule in ssolint::rules::all() {
        let dir = fixture_root().join(rule.id);
        if !dir.join("fire.args").exists() || !dir.join("near-miss.args").exists() {
            missing.push(rule.id);
            continue;
        }
        let fired = run_case(&dir, "fire.args");
        let mut hits = Vec::new();
        findings_for(&fired, rule.id, &mut hits);
        if hits.is_empty() {
            failures.push(format!("{}: fire case did not report it", rule.id));
        } else {
            insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false}, {
                insta::assert_json_snapshot!(rule.id, hits);
            });
        }
        let near = run_case(&dir, "near-miss.args");
        let mut near_hits = Vec::new();
        findings_for(&near, rule.id, &mut near_hits);
        if !near_hits.is_empty() {
            failures.push(format!(
                "{}: near-miss case reported it: {near_hits:?}",
                rule.id
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fire/near-miss fixtures: {missing:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
