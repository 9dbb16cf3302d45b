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

fn lint_metadata(dir: &Path, file: &str, now: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(["lint", "--metadata", file, "--now", now, "--format", "json"])
        .current_dir(dir)
        .output()
        .expect("run ssolint")
}

/// Certificates with non-positive serial numbers are described and checked, not refused.
#[test]
fn odd_certificates_are_reported_never_a_crash() {
    if !have_openssl() {
        eprintln!("skipping: openssl is needed to make the certificates");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl(d, &["genrsa", "-out", "k.pem", "2048"]);
    let mut certs = String::new();
    for (name, serial) in [("negative", "-5"), ("zero", "0")] {
        let pem = format!("{name}.pem");
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-key",
                "k.pem",
                "-subj",
                &format!("/CN={name} serial"),
                "-days",
                "1",
                "-set_serial",
                serial,
                "-out",
                &pem,
            ],
        );
        let text = std::fs::read_to_string(d.join(&pem)).unwrap();
        let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        certs.push_str(&format!(
            "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        ));
    }
    let xml = format!(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"https://idp.example.test\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{certs}<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.test/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>"
    );
    std::fs::write(d.join("md.xml"), xml).unwrap();
    let out = lint_metadata(d, "md.xml", "2099-01-01T00:00:00Z");
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expired: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "metadata.cert-expired")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(expired.len(), 2, "{expired:?}");
    assert!(expired.iter().any(|m| m.contains("negative serial")));
}

/// Every metadata document of the external corpus lints without a crash.
#[test]
fn corpus_metadata_never_crashes() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipping: no corpus at {}", corpus.display());
        return;
    }
    let mut stack = vec![corpus];
    let mut linted = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            if !text.contains("EntityDescriptor") || text.len() > 4 << 20 {
                continue;
            }
            let out = lint_metadata(
                p.parent().unwrap(),
                p.to_str().unwrap(),
                "2026-06-01T00:00:00Z",
            );
            let code = out.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "{}: exit {code:?}\n{}",
                p.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                serde_json::from_slice::<Value>(&out.stdout).is_ok(),
                "{}: output is not JSON",
                p.display()
            );
            linted += 1;
        }
    }
    eprintln!("linted {linted} corpus metadata documents");
    assert!(linted > 0);
}
