//! Conformance against the RFC 7643/7644 examples (`../shared/corpus/scim`): every MANIFEST
//! row is checked with `ssolint check` and no configuration, so no domain rule fires (without
//! a configuration no domain is known to be verified). Every row is `valid`; ssolint agrees
//! when it reports no error, except where it is deliberately stricter (`STRICTER`), and says
//! plainly that it does not read SCIM messages other than User, Group and ListResponse
//! (`NOT_READ`: PatchOp, BulkRequest, Error, schema definitions, …).

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// (rule, why ssolint is stricter than the RFC examples). Applies to any row.
const STRICTER: &[(&str, &str)] = &[
    (
        "scim.username-not-email",
        "the RFC examples use login names (\"bjensen\", \"Alice\") as userName; valid SCIM, but the workspace identifies SCIM users by e-mail",
    ),
    (
        "scim.schema-missing",
        "RFC 7644's ListResponse examples omit `schemas` on their Resources; RFC 7643 §3 requires it on every resource, and without it a User cannot be told from a Group",
    ),
];

#[test]
fn rfc_scim_examples_agree_or_are_documented() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/scim/rfc7643-rfc7644-examples");
    if !dir.is_dir() {
        println!("skipping: the external corpus is not at {}", dir.display());
        return;
    }
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let (mut agree, mut stricter, mut not_read) = (0, 0, 0);
    let mut problems = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, expected) = (cols[0], cols[4]);
        assert_eq!(expected, "valid", "{file}: the RFC examples are all valid");
        let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
            .args([
                "check",
                dir.join(file).to_str().unwrap(),
                "--format",
                "json",
            ])
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        let kind = v["input"]["kind"].as_str();
        if kind.is_none() {
            let msg = v["findings"][0]["message"].as_str().unwrap_or("");
            assert!(
                msg.contains("check reads SCIM User, Group and ListResponse"),
                "{file}: {msg}"
            );
            assert_eq!(out.status.code(), Some(2), "{file}");
            not_read += 1;
            println!("{file}: not read ({msg})");
            continue;
        }
        if errors.is_empty() {
            agree += 1;
        } else if errors
            .iter()
            .all(|r| STRICTER.iter().any(|(rule, _)| rule == r))
        {
            stricter += 1;
        } else {
            problems.push(format!("{file}: {errors:?}"));
        }
        println!("{file}: {} errors {errors:?}", kind.unwrap_or(""));
    }
    println!("\nSCIM RFC examples: {agree} agree, {stricter} stricter (documented), {not_read} not read (not a User, Group or ListResponse)");
    assert!(
        problems.is_empty(),
        "undocumented disagreements:\n{}",
        problems.join("\n")
    );
    assert!(agree >= 5, "only {agree} rows agree outright");
}
