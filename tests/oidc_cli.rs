//! `ssolint check` on the generated OIDC fixtures: every algorithm verifies with the key
//! openssl signed it with, a flipped signature bit fails, and the Entra tenant template works.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn check(args: &[&str]) -> (Value, i32) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc");
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .arg("check")
        .args(args)
        .args(["--now", "2026-06-01T12:00:00Z", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn rules(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

const BASE: [&str; 4] = [
    "--issuer",
    "https://idp.example.test",
    "--audience",
    "chatgpt-enterprise",
];

#[test]
fn every_algorithm_verifies_with_the_openssl_signed_fixture() {
    for alg in [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
        "HS256",
    ] {
        let jwks = if alg == "HS256" {
            "jwks-oct.json"
        } else {
            "jwks.json"
        };
        let token = format!("tokens/alg-{alg}.jwt");
        let mut args = vec![token.as_str(), "--jwks", jwks];
        args.extend(BASE);
        let (v, code) = check(&args);
        assert_eq!(code, 0, "{alg}: {:?}", rules(&v));
        assert!(
            v["summary"]["signature"]
                .as_str()
                .unwrap()
                .starts_with("verified"),
            "{alg}"
        );
        assert_eq!(v["input"]["kind"], "jwt");
        assert_eq!(v["input"]["encodings"], serde_json::json!([]));
    }
}

#[test]
fn a_flipped_signature_bit_fails_for_every_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    for alg in ["RS256", "PS256", "ES256", "ES512", "EdDSA", "HS256"] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("fixtures/oidc/tokens/alg-{alg}.jwt"));
        let tok = std::fs::read_to_string(src).unwrap();
        let tok = tok.trim();
        let (head, sig) = tok.rsplit_once('.').unwrap();
        let mut sig: Vec<char> = sig.chars().collect();
        sig[3] = if sig[3] == 'A' { 'B' } else { 'A' };
        let path = dir.path().join(format!("{alg}.jwt"));
        std::fs::write(
            &path,
            format!("{head}.{}", sig.into_iter().collect::<String>()),
        )
        .unwrap();
        let jwks = if alg == "HS256" {
            "jwks-oct.json"
        } else {
            "jwks.json"
        };
        let mut args = vec![path.to_str().unwrap(), "--jwks", jwks];
        args.extend(BASE);
        let (v, code) = check(&args);
        assert_eq!(code, 1, "{alg}");
        assert_eq!(rules(&v), vec!["oidc.signature-invalid"], "{alg}");
    }
}

#[test]
fn key_selection_explains_every_key() {
    let mut args = vec!["tokens/alg-ES384.jwt", "--jwks", "jwks.json"];
    args.extend(BASE);
    let (v, _) = check(&args);
    let keys = v["summary"]["key_selection"].as_array().unwrap();
    assert_eq!(keys.len(), 5);
    assert!(keys[0]["reason"]
        .as_str()
        .unwrap()
        .contains("is not the token's"));
    assert!(keys[2]["reason"]
        .as_str()
        .unwrap()
        .contains("no alg member"));
    assert_eq!(keys.iter().filter(|k| k["candidate"] == true).count(), 1);
}

#[test]
fn entra_discovery_issuer_template_is_resolved_from_tid() {
    // The Entra-shaped discovery document gives the template; the good token's issuer is
    // not an Entra one, so the template cannot be filled (no tid): issuer-mismatch says so.
    let (v, _) = check(&[
        "tokens/good.jwt",
        "--jwks",
        "jwks.json",
        "--discovery",
        "discovery/entra.json",
        "--audience",
        "chatgpt-enterprise",
    ]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "oidc.issuer-mismatch")
        .unwrap();
    assert!(f["message"].as_str().unwrap().contains("{tenantid}"));
}

#[test]
fn several_inputs_give_one_report_each() {
    let mut args = vec![
        "tokens/good.jwt",
        "tokens/expired.fire.jwt",
        "--jwks",
        "jwks.json",
    ];
    args.extend(BASE);
    let (v, code) = check(&args);
    assert_eq!(code, 1);
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[test]
fn one_token_per_line_on_stdin_gives_one_report_each() {
    use std::io::Write;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc");
    let good = std::fs::read_to_string(dir.join("tokens/good.jwt")).unwrap();
    let expired = std::fs::read_to_string(dir.join("tokens/expired.fire.jwt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args([
            "check",
            "-",
            "--jwks",
            "jwks.json",
            "--now",
            "2026-06-01T12:00:00Z",
            "--format",
            "jsonl",
        ])
        .args(BASE)
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n{}", good.trim(), expired.trim()).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["verdict"], "pass");
    assert_eq!(lines[1]["input"]["path"], "-#2");
    assert_eq!(rules(&lines[1]), vec!["oidc.expired"]);
}

#[test]
fn an_all_zero_ecdsa_signature_is_refused() {
    // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify.
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc/tokens/alg-ES256.jwt");
    let tok = std::fs::read_to_string(src).unwrap();
    let (head, _) = tok.trim().rsplit_once('.').unwrap();
    let zero = "A".repeat(86);
    let path = dir.path().join("zero.jwt");
    std::fs::write(&path, format!("{head}.{zero}")).unwrap();
    let mut args = vec![path.to_str().unwrap(), "--jwks", "jwks.json"];
    args.extend(BASE);
    let (v, code) = check(&args);
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "oidc.signature-invalid");
    assert!(f["message"].as_str().unwrap().contains("zero"), "{f}");
}

#[test]
fn entra_tenant_template_with_allowed_tenants_through_the_configuration() {
    let (v, code) = check(&["tokens/entra.jwt", "--config", "configs/entra.toml"]);
    assert_eq!(code, 0, "{:?}", rules(&v));
    let (v, code) = check(&[
        "tokens/entra-other-tenant.jwt",
        "--config",
        "configs/entra.toml",
    ]);
    assert_eq!(code, 1);
    assert_eq!(rules(&v), vec!["oidc.issuer-mismatch"]);
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not in allowed_tenants"));
    assert_eq!(v["findings"][0]["location"]["element"], "payload.tid");
}

#[test]
fn configuration_severity_overrides_and_suppressions_apply_to_token_findings() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oidc");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("ssolint.toml");
    std::fs::write(
        &cfg,
        format!(
            "[workspace]\nverified_domains = [\"acme.test\"]\n\n[oidc]\nissuer = \"https://idp.example.test\"\nclient_id = \"chatgpt-enterprise\"\njwks = {:?}\n\n[rules]\n\"oidc.expired\" = \"warning\"\n\n[[suppressions]]\nrule = \"oidc.email-missing\"\nreason = \"service accounts carry no e-mail\"\n",
            fixtures.join("jwks.json").display().to_string()
        ),
    )
    .unwrap();
    let (v, code) = check(&["tokens/expired.fire.jwt", "--config", cfg.to_str().unwrap()]);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("warn")));
    assert_eq!(v["findings"][0]["severity"], "warning");
    let (v, code) = check(&[
        "tokens/email-missing.fire.jwt",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("pass")));
    assert_eq!(
        v["findings"][0]["suppressed"]["reason"],
        "service accounts carry no e-mail"
    );
}
