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

fn decode_json(path: &str, extra: &[&str]) -> Value {
    let mut args = vec!["decode", path, "--format", "json", "--now", NOW];
    args.extend_from_slice(extra);
    let out = ssolint(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json output")
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
    let out = ssolint(&[
        "decode",
        "fixtures/demo/okta-response.xml",
        "--format",
        "human",
        "--now",
        NOW,
    ]);
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
    let out = ssolint(&[
        "decode",
        "fixtures/har/okta-sp-initiated.har",
        "--format",
        "human",
        "--now",
        NOW,
    ]);
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
