//! `ssolint lint --metadata` on a generated federation aggregate (scripts/gen-aggregate.py,
//! signed by xmlsec1): exactly the planted defects are reported, on the entities that carry
//! them, and the aggregate's signature verifies against the signer certificate.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

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

/// Entities in the generated aggregate.
const ENTITIES: usize = 20_000;

/// The generated, signed aggregate (made once for the tests that read it): its directory,
/// or `None` when the programs that make it are missing.
fn generated() -> Option<&'static Path> {
    static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    DIR.get_or_init(|| {
        if !(have("python3") && have("xmlsec1") && have_openssl()) {
            eprintln!(
                "skipping: python3, openssl and xmlsec1 are needed to generate the aggregate"
            );
            return None;
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
            .args(["--entities", &ENTITIES.to_string()])
            .args(["--out", "agg.xml", "--manifest", "agg.tsv"])
            .args(["--sign-key", "signer.key", "--sign-cert", "signer.pem"])
            .current_dir(d)
            .output()
            .expect("run gen-aggregate.py");
        assert!(
            gen.status.success(),
            "{}",
            String::from_utf8_lossy(&gen.stderr)
        );
        Some(dir)
    })
    .as_ref()
    .map(|d| d.path())
}

fn lint_signed(dir: &Path, file: &str) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args([
            "lint",
            "--metadata",
            file,
            "--metadata-signer",
            "signer.pem",
        ])
        .args(["--now", "2026-06-01T00:00:00Z", "--format", "json"])
        .current_dir(dir)
        .output()
        .expect("run ssolint");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    (out.status.code(), report)
}

#[test]
fn a_generated_aggregate_reports_exactly_its_planted_defects() {
    let Some(d) = generated() else { return };
    let (code, report) = lint_signed(d, "agg.xml");
    assert_eq!(code, Some(1));
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
    assert!(planted.len() > 60, "every defect kind planted, many times");
    assert_eq!(found, planted);
}

/// One byte changed deep inside entity 15 000, after signing: the aggregate (read a block
/// at a time) fails its signature with the digest mismatch the whole tree reports.
#[test]
fn a_byte_changed_in_entity_15000_breaks_the_signature() {
    let Some(d) = generated() else { return };
    let xml = std::fs::read_to_string(d.join("agg.xml")).unwrap();
    // Entity 15 000 is an IdP on host <word>15000.uni45.example.edu (i % 997 == 45).
    let sso = "15000.uni45.example.edu/idp/sso\"";
    let at = xml.find(sso).expect("entity 15000's SSO endpoint");
    let mut tampered = xml.clone();
    tampered.replace_range(at + sso.len() - 2..at + sso.len() - 1, "O");
    std::fs::write(d.join("tampered.xml"), &tampered).unwrap();

    let (code, report) = lint_signed(d, "tampered.xml");
    assert_eq!(code, Some(1));
    let invalid: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "metadata.signature-invalid")
        .collect();
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let message = invalid[0]["message"].as_str().unwrap();
    assert!(message.contains("changed after signing"), "{message}");

    // The whole tree gives the same finding, word for word.
    let source = ssolint::source::SourceFile::new("tampered.xml", tampered);
    let certs =
        ssolint::x509::Certificate::from_file_bytes(&std::fs::read(d.join("signer.pem")).unwrap())
            .unwrap();
    let signer = Path::new("signer.pem");
    let (_, whole) = ssolint::commands::lint::whole_tree_metadata(
        &source,
        0,
        "2026-06-01T00:00:00Z".parse().unwrap(),
        Some((Ok(certs), signer)),
    )
    .unwrap();
    assert_eq!(whole.map(|f| f.message).as_deref(), Some(message));

    // Untouched, it verifies.
    let (_, report) = lint_signed(d, "agg.xml");
    assert!(!report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "metadata.signature-invalid"));
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
