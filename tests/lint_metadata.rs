//! `ssolint lint --metadata` on a generated federation aggregate (scripts/gen-aggregate.py,
//! signed by xmlsec1): exactly the planted defects are reported, on the entities that carry
//! them, and the aggregate's signature verifies against the signer certificate.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl")
        .status
        .success();
    assert!(ok, "openssl {args:?}");
}

#[test]
fn a_generated_aggregate_reports_exactly_its_planted_defects() {
    if !(have("python3") && have("xmlsec1") && have_openssl()) {
        eprintln!("skipping: python3, openssl and xmlsec1 are needed to generate the aggregate");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl(d, &["genrsa", "-out", "signer.key", "2048"]);
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-key",
            "signer.key",
            "-subj",
            "/CN=federation signer",
            "-days",
            "3650",
            "-out",
            "signer.pem",
        ],
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-aggregate.py");
    let gen = Command::new("python3")
        .arg(&script)
        .args([
            "--entities",
            "3000",
            "--out",
            "agg.xml",
            "--manifest",
            "agg.tsv",
        ])
        .args(["--sign-key", "signer.key", "--sign-cert", "signer.pem"])
        .current_dir(d)
        .output()
        .expect("run gen-aggregate.py");
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args([
            "lint",
            "--metadata",
            "agg.xml",
            "--metadata-signer",
            "signer.pem",
        ])
        .args(["--now", "2026-06-01T00:00:00Z", "--format", "json"])
        .current_dir(d)
        .output()
        .expect("run ssolint");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["input"]["kind"], "saml-metadata");

    // One EntityDescriptor per line: a finding's line names its entity.
    let xml = std::fs::read_to_string(d.join("agg.xml")).unwrap();
    let lines: Vec<&str> = xml.lines().collect();
    let entity_on = |line: usize| -> String {
        let l = lines[line - 1];
        let start = l.find("entityID=\"").expect("entityID on the line") + 10;
        l[start..].split('"').next().unwrap().to_string()
    };
    let found: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let line = f["location"]["line"].as_u64().unwrap() as usize;
            (entity_on(line), f["rule"].as_str().unwrap().to_string())
        })
        .collect();
    let planted: BTreeSet<(String, String)> = std::fs::read_to_string(d.join("agg.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(e, r)| (e.to_string(), r.to_string()))
        .collect();
    assert_eq!(planted.len(), 10, "every defect kind planted");
    assert_eq!(found, planted);
}

fn have_openssl() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}
