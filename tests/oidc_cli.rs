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
