//! `ssolint check` on SCIM payloads: kinds, positions of findings, and what is refused.

use serde_json::Value;
use std::process::Command;

fn check(text: &str, extra: &[&str]) -> (Value, i32) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payload.json");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .arg("check")
        .arg(&path)
        .args(extra)
        .args(["--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn list_response_findings_point_at_the_member_line() {
    let text = r#"{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "Resources": [
    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ana@acme.test"},
    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
     "userName": "bo@acme.test",
     "active": "true"}
  ]
}"#;
    let (v, code) = check(text, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["input"]["kind"], "scim-list-response");
    assert_eq!(v["summary"]["resources"], 2);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "scim.active-not-boolean");
    assert_eq!(f["location"]["line"], 7);
    assert_eq!(f["location"]["column"], 6);
    assert_eq!(f["location"]["element"], "Resources.1.active");
}

#[test]
fn a_group_and_duplicate_members() {
    let (v, code) = check(
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ChatGPT Users","members":[]}"#,
        &[],
    );
    assert_eq!((code, v["input"]["kind"].as_str()), (0, Some("scim-group")));
    let (v, code) = check(
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@b.test","userName":"c@d.test"}"#,
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(v["findings"][0]["rule"], "input.json-duplicate-key");
    assert_eq!(v["verdict"], "error");
}

#[test]
fn other_scim_messages_and_plain_json_are_refused_with_a_reason() {
    let (v, code) = check(
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}"#,
        &[],
    );
    assert_eq!(code, 2);
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("PatchOp"));
    let (v, code) = check(r#"{"hello":"world"}"#, &[]);
    assert_eq!(code, 2);
    assert_eq!(v["findings"][0]["rule"], "input.undecodable");
}
