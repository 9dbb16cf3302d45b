//! `ssolint decode` on every fixture in every encoding: the kind and layers are recognised and
//! the JSON summary is snapshotted per input form.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-03-01T10:00:00Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn ssolint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run ssolint")
}

fn decode_human(path: &str) -> Output {
    ssolint(&["decode", path, "--format", "human", "--now", NOW])
}

fn decode_json(path: &str, extra: &[&str]) -> Value {
    let (code, v) = decode_with(path, extra);
    assert_eq!(code, Some(0), "{path}");
    v
}

/// The part of a report worth pinning: input, summary and messages (not the tool version).
fn pinned(mut v: Value) -> Value {
    if let Some(map) = v.as_object_mut() {
        map.remove("tool");
    }
    v
}

fn expected_layers(file: &str) -> (&'static str, Vec<&'static str>) {
    let kind = if file.contains("metadata") {
        "saml-metadata"
    } else if file.contains("authn-request") {
        "saml-authn-request"
    } else if file.ends_with(".jwe") {
        "jwe"
    } else if file.contains("id-token") {
        "jwt"
    } else if let Some(scim) = ["scim-user", "scim-group", "scim-list-response"]
        .into_iter()
        .find(|k| file.starts_with(k))
    {
        scim
    } else if file.contains("okta-assertion") {
        "saml-assertion"
    } else if file.contains("logout-request") {
        "saml-logout-request"
    } else if file.contains("logout-response") {
        "saml-logout-response"
    } else {
        "saml-response"
    };
    let ext = file.split_once('.').map(|(_, e)| e).unwrap_or("");
    let layers = match ext {
        "xml" | "jwt" | "jwe" | "json" | "har" => vec![],
        "b64" | "wrapped64.b64" | "wrapped76.b64" => vec!["base64"],
        // URL-safe base64 without '-' or '_' is indistinguishable from the standard alphabet.
        "urlsafe.b64" => vec!["base64url"],
        "form" if kind == "jwt" => vec!["form-body"],
        "form" => vec!["form-body", "base64"],
        "redirect-url" => vec!["url-query", "base64", "deflate"],
        other => panic!("unexpected fixture extension {other}"),
    };
    (kind, layers)
}

#[test]
fn every_fixture_in_every_encoding() {
    let dir = root().join("fixtures/decode");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/decode")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(
        files.len() >= 50,
        "fixtures/decode holds {} files",
        files.len()
    );
    for file in files {
        let v = decode_json(&format!("fixtures/decode/{file}"), &[]);
        let (kind, layers) = expected_layers(&file);
        if file.ends_with(".har") {
            assert_eq!(v["input"]["kind"], "har", "{file}");
            assert_eq!(v["messages"][0]["kind"], kind, "{file}");
            assert_eq!(v["messages"][0]["encodings"][0], "har-entry", "{file}");
        } else {
            assert_eq!(v["input"]["kind"], kind, "{file}");
            let got: Vec<&str> = v["input"]["encodings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            if file.ends_with(".urlsafe.b64") {
                assert!(got == ["base64url"] || got == ["base64"], "{file}: {got:?}");
            } else {
                assert_eq!(got, layers, "{file}");
            }
        }
        assert_eq!(v["verdict"], "pass", "{file}");
        insta::assert_json_snapshot!(file.clone(), pinned(v));
    }
}

#[test]
fn summaries_say_what_matters() {
    let v = decode_json("fixtures/saml/google-response.xml", &[]);
    let s = &v["summary"];
    assert_eq!(s["vendor"]["name"], "Google Workspace");
    let elements: Vec<&str> = s["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sig| sig["element"].as_str().unwrap())
        .collect();
    assert_eq!(elements, ["Response", "Response/Assertion"]);
    assert_eq!(s["signatures"][0]["signature_method"], "rsa-sha256");
    assert_eq!(s["signatures"][0]["certificates"][0]["key"], "RSA 2048");
    assert_eq!(
        s["assertions"][0]["subject"]["name_id"],
        "chen.wei@example.org"
    );

    let v = decode_json("fixtures/saml/entra-response.xml", &[]);
    assert_eq!(v["summary"]["vendor"]["name"], "Entra ID");
    let groups = &v["summary"]["assertions"][0]["groups"];
    assert_eq!(groups.as_array().unwrap().len(), 2);

    let v = decode_json("fixtures/demo/okta-response.xml", &[]);
    let a = &v["summary"]["assertions"][0];
    assert_eq!(a["audiences"][0], "https://sp.example.test/saml/acs");
    assert_eq!(
        a["validity"]["in_words"],
        "not yet valid: starts in 4 minutes"
    );
    assert_eq!(v["summary"]["issued"], "in 4 minutes");

    let v = decode_json("fixtures/decode/entra-id-token.jwt", &[]);
    assert_eq!(v["summary"]["times"]["exp"]["in_words"], "in 1 hour");
    assert_eq!(v["summary"]["vendor"]["name"], "Entra ID");
}

#[test]
fn har_capture_yields_request_then_response() {
    let v = decode_json("fixtures/har/okta-sp-initiated.har", &[]);
    assert_eq!(v["input"]["kind"], "har");
    assert_eq!(v["summary"]["messages"], 2);
    let messages = v["messages"].as_array().unwrap();
    assert_eq!(messages[0]["kind"], "saml-authn-request");
    assert_eq!(messages[0]["method"], "GET");
    assert_eq!(messages[0]["summary"]["binding"]["signed"], true);
    assert_eq!(messages[1]["kind"], "saml-response");
    assert_eq!(messages[1]["method"], "POST");
    assert_eq!(messages[1]["url"], "https://sp.example.test/saml/acs");
    assert_eq!(messages[1]["time"], "2026-03-01T10:00:00.100Z");
    assert_eq!(
        messages[0]["summary"]["id"],
        messages[1]["summary"]["in_response_to"]
    );
    let pair = &v["summary"]["pairs"]["matched"][0];
    assert_eq!(
        (pair["request"].as_u64(), pair["response"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(pair["relay_state_matches"], true);
    insta::assert_json_snapshot!("har_flow", pinned(v));
}

#[test]
fn human_output_shows_summary_and_message() {
    let out = decode_human("fixtures/demo/okta-response.xml");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "kind: saml-response",
        "name: Okta",
        "in words: not yet valid: starts in 4 minutes",
        "signature method: rsa-sha256",
        "sha256 fingerprint: ",
        "<saml2:Audience>https://sp.example.test/saml/acs</saml2:Audience>",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn human_har_output_lists_messages_in_order() {
    let out = decode_human("fixtures/har/okta-sp-initiated.har");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text
        .find("== message 1 of 2: GET https://sp.example.test/saml/login?next=%2Fapp%2Fhome at 2026-03-01T09:59:58.200Z ==")
        .expect(&text);
    let second = text
        .find("== message 2 of 2: POST https://sp.example.test/saml/acs at 2026-03-01T10:00:00.100Z ==")
        .expect(&text);
    assert!(first < second);
}

#[test]
fn demo_configuration_loads() {
    let loaded = ssolint::config::load(&root().join("fixtures/demo/ssolint.toml"));
    assert!(loaded.is_ok(), "{:?}", loaded.err());
}

#[test]
fn redaction_hides_people_and_keeps_signatures() {
    let cert = std::fs::read_to_string(root().join("fixtures/keys/entra.crt.pem")).unwrap();
    let cert_line = cert.lines().nth(5).unwrap().to_string();
    for format in ["json", "human"] {
        let out = ssolint(&[
            "decode",
            "fixtures/decode/entra-response.form",
            "--format",
            format,
            "--now",
            NOW,
            "--redact",
        ]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        for secret in [
            "bruno",
            "Bruno",
            "Martins",
            "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        ] {
            assert!(!text.contains(secret), "{format}: {secret} survived");
        }
        assert!(text.contains("@contoso.example"), "{format}: domain kept");
        if format == "human" {
            assert!(text.contains(&cert_line), "certificate kept byte for byte");
        }
    }
    let out = ssolint(&[
        "decode",
        "fixtures/decode/entra-id-token.jwt",
        "--format",
        "json",
        "--now",
        NOW,
        "--redact",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("bruno") && !text.contains("Martins"),
        "{text}"
    );
}

#[test]
fn stdin_and_dash_read_the_same() {
    use std::io::Write;
    let bytes = std::fs::read(root().join("fixtures/decode/okta-response.b64")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(["decode", "-", "--format", "json", "--now", NOW])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["input"]["path"], "-");
    assert_eq!(v["input"]["kind"], "saml-response");
}

/// Run decode with extra flags and return (exit code, json report).
fn decode_with(path: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["decode", path, "--format", "json", "--now", NOW];
    args.extend_from_slice(extra);
    let out = ssolint(&args);
    let v = serde_json::from_slice(&out.stdout).expect("json output");
    (out.status.code(), v)
}

fn rules_of(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tampered_response_reports_the_digest_mismatch_and_still_exits_zero() {
    let path = "fixtures/dsig/responses/digest-mismatch.xml";
    for fail_on in ["error", "info"] {
        let (code, v) = decode_with(path, &["--fail-on", fail_on]);
        assert_eq!(code, Some(0), "decode never fails on what it finds");
        assert!(rules_of(&v).contains(&"saml.digest-mismatch".to_string()));
        let verification = &v["summary"]["signatures"][0]["verification"];
        assert_eq!(verification["result"], "invalid");
        assert_eq!(verification["digest"], "does not match");
        assert_eq!(verification["covers"], serde_json::json!([]));
        let summary = verification["summary"].as_str().unwrap();
        assert!(
            summary.starts_with("fails: digest mismatch for Reference URI=\"#_assert1\""),
            "{summary}"
        );
    }
    let out = ssolint(&["decode", path, "--format", "human", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[saml.digest-mismatch]"), "{text}");
    let out = ssolint(&["decode", path, "--format", "junit", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("<failure"));
}

#[test]
fn signed_response_is_structurally_valid_but_never_trusted() {
    let (code, v) = decode_with("fixtures/dsig/responses/both-signed.xml", &[]);
    assert_eq!(code, Some(0));
    let signatures = v["summary"]["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 2);
    for s in signatures {
        let verification = &s["verification"];
        assert_eq!(verification["result"], "untrusted");
        assert_eq!(
            verification["summary"],
            "structurally valid against the embedded certificate; trust not established"
        );
        assert_eq!(
            verification["signature_value"],
            "verifies with embedded certificate 1"
        );
    }
    // The Response signature covers the assertion inside it; the assertion's covers itself.
    assert_eq!(
        signatures[0]["verification"]["covers"],
        serde_json::json!(["Response", "Response/Assertion"])
    );
    assert_eq!(
        signatures[1]["verification"]["covers"],
        serde_json::json!(["Response/Assertion"])
    );
    assert_eq!(
        rules_of(&v),
        ["saml.trust-not-established", "saml.trust-not-established"]
    );
    assert_eq!(v["verdict"], "pass");
}

#[test]
fn failures_say_why_for_each_signature() {
    let cases = [
        (
            "keyinfo-other-cert.xml",
            "invalid",
            "the SignatureValue does not verify with the embedded certificate",
        ),
        (
            "c14n-unknown.xml",
            "not-verified",
            "CanonicalizationMethod \"urn:example:c14n\" is not supported",
        ),
        (
            "xpath-transform.xml",
            "not-verified",
            "unsupported transform",
        ),
        (
            "reference-elsewhere.xml",
            "invalid",
            "not at the element the signature is in",
        ),
        (
            "duplicate-id.xml",
            "invalid",
            "carried by more than one element",
        ),
    ];
    for (file, result, needle) in cases {
        let (code, v) = decode_with(&format!("fixtures/dsig/responses/{file}"), &[]);
        assert_eq!(code, Some(0), "{file}");
        let verification = &v["summary"]["signatures"][0]["verification"];
        assert_eq!(verification["result"], result, "{file}: {verification}");
        let summary = verification["summary"].as_str().unwrap();
        assert!(summary.contains(needle), "{file}: {summary}");
        assert!(!summary.contains("structurally valid"), "{file}: {summary}");
    }
}

#[test]
fn structural_warnings_are_findings() {
    let cases = [
        ("xsw3.xml", "saml.signature-wrapping"),
        ("multiple-assertions.xml", "saml.multiple-assertions"),
        ("duplicate-id.xml", "saml.duplicate-id"),
        ("comment-in-nameid.xml", "saml.comment-in-value"),
        ("rsa-sha1.xml", "saml.weak-algorithm"),
        ("unsigned.xml", "saml.signature-missing"),
    ];
    for (file, rule) in cases {
        let (code, v) = decode_with(&format!("fixtures/dsig/responses/{file}"), &[]);
        assert_eq!(code, Some(0), "{file}");
        assert!(
            rules_of(&v).contains(&rule.to_string()),
            "{file}: {:?}",
            rules_of(&v)
        );
    }
    // The SAML profile's signature placement applies to responses, not to requests or metadata.
    for file in [
        "fixtures/decode/authn-request.xml",
        "fixtures/decode/okta-metadata.xml",
    ] {
        let (_, v) = decode_with(file, &[]);
        assert!(
            !rules_of(&v).contains(&"saml.signature-missing".to_string()),
            "{file}"
        );
    }
}

#[test]
fn jwt_times_follow_the_clock() {
    let out = ssolint(&[
        "decode",
        "fixtures/decode/entra-id-token.jwt",
        "--format",
        "json",
        "--now",
        "issue-instant",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let times = &v["summary"]["times"];
    assert_eq!(times["iat"]["in_words"], "now");
    assert_eq!(times["exp"]["value"], "2026-03-01T11:00:00+00:00");
    assert_eq!(times["exp"]["in_words"], "in 1 hour");
    let (_, v) = decode_with("fixtures/decode/entra-id-token.jwe", &[]);
    assert_eq!(v["summary"]["encrypted"], true);
    assert_eq!(v["summary"]["header"]["enc"], "A256GCM");
    assert!(v["summary"].get("claims").is_none());
}
