//! Hostile input: each ends in one clear line naming the problem and where, exit code 2, and
//! no panic.

use base64::Engine;
use std::io::Write;
use std::process::{Command, Stdio};

/// Run `ssolint decode -` with `input` on stdin; returns (exit code, stderr).
fn decode_stdin(input: &[u8]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(["decode", "-", "--format", "human"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ssolint");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    // The reader may stop early (size cap); a closed pipe is expected then.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn expect_error(input: &[u8], rule: &str, needle: &str) {
    let (code, stderr) = decode_stdin(input);
    assert_eq!(code, Some(2), "{rule}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got {stderr:?}");
    assert!(
        lines[0].starts_with(&format!("error[{rule}]: ")),
        "{stderr}"
    );
    assert!(lines[0].contains(needle), "{needle:?} not in {stderr}");
}

fn b64(data: &[u8]) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .encode(data)
        .into_bytes()
}

#[test]
fn doctype_with_entities() {
    let xml = b"<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<r>&x;</r>";
    expect_error(xml, "input.dtd-forbidden", "-:2:1: ");
    expect_error(&b64(xml), "input.dtd-forbidden", "decoded from base64");
}

#[test]
fn billion_laughs() {
    let mut xml = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        xml.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    xml.push_str("]><lolz>&lol9;</lolz>");
    expect_error(xml.as_bytes(), "input.dtd-forbidden", "DOCTYPE");
}

#[test]
fn deflate_bomb() {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(b"<samlp:AuthnRequest>").unwrap();
    e.write_all(&vec![b' '; 64 << 20]).unwrap();
    let compressed = e.finish().unwrap();
    let value = base64::engine::general_purpose::STANDARD.encode(&compressed);
    let url = format!(
        "https://idp.example.test/sso?SAMLRequest={}",
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
    );
    expect_error(url.as_bytes(), "input.inflate-bomb", "MiB cap");
}

#[test]
fn two_hundred_megabytes_of_junk() {
    let junk = vec![b'A'; 200 << 20];
    expect_error(&junk, "input.too-large", "larger than 16 MiB");
}

#[test]
fn ten_thousand_deep_nesting() {
    let xml = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    expect_error(xml.as_bytes(), "input.too-deep", "nest more than");
}

#[test]
fn too_many_attributes() {
    let attrs: String = (0..1000).map(|i| format!(" a{i}=\"x\"")).collect();
    let xml =
        format!("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"{attrs}/>");
    expect_error(xml.as_bytes(), "input.too-deep", "attributes");
}

#[test]
fn truncated_base64() {
    let xml = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/saml/okta-response.xml"
    ))
    .unwrap();
    let encoded = b64(&xml);
    let cut = &encoded[..encoded.len() / 2];
    expect_error(cut, "input.xml-malformed", "the document ends inside");
}

#[test]
fn binary_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    expect_error(&garbage, "input.not-utf8", "offset");
}

#[test]
fn json_with_duplicate_keys() {
    let json = br#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a", "userName": "b"}"#;
    expect_error(json, "input.json-duplicate-key", "-:1:");
}

#[test]
fn nothing_recognisable() {
    expect_error(b"hello, world!", "input.undecodable", "tried raw XML");
}

/// Run ssolint from the repository root; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("run ssolint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

#[test]
fn a_file_without_a_size_is_read_only_up_to_its_cap() {
    // A device reports no size: each file a command names is read one byte past its cap and
    // refused, not forever.
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero here");
        return;
    }
    let demo = |f: &str| format!("fixtures/demo/{f}");
    let (config, response, metadata) = (
        demo("ssolint.toml"),
        demo("okta-response.xml"),
        demo("idp-metadata.xml"),
    );
    let cases: [(&str, Vec<&str>); 6] = [
        ("input", vec!["check", "/dev/zero"]),
        (
            "configuration",
            vec!["check", &response, "--config", "/dev/zero"],
        ),
        (
            "IdP metadata",
            vec!["check", &response, "--idp-metadata", "/dev/zero"],
        ),
        ("configuration", vec!["lint", "/dev/zero"]),
        (
            "--metadata-signer",
            vec![
                "lint",
                "--metadata",
                &metadata,
                "--metadata-signer",
                "/dev/zero",
            ],
        ),
        ("baseline", vec!["lint", &config, "--baseline", "/dev/zero"]),
    ];
    for (what, args) in cases {
        let out = run(&[&args[..], &["--format", "json"]].concat());
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("input.too-large"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains(&format!("{what} /dev/zero is over the")),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn files_a_configuration_names_are_read_only_up_to_their_cap() {
    // lint goes on past them: each is a finding at its key, not a read that never ends.
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("ssolint-devices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("ssolint.toml");
    std::fs::write(
        &config,
        "[workspace]\nverified_domains = [\"acme.com\"]\n\n[oidc]\nissuer = \"https://idp.test\"\n\
         client_id = \"c\"\njwks = \"/dev/zero\"\ndiscovery = \".\"\n\n\
         [saml.idp]\ncertificates = [\"/dev/zero\"]\n",
    )
    .unwrap();
    let out = run(&["lint", config.to_str().unwrap(), "--format", "json"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.code, 1, "{}", out.stderr);
    for (key, problem) in [
        ("oidc.jwks", "/dev/zero is over the"),
        ("oidc.discovery", "it is a directory"),
        ("saml.idp.certificates[0]", "/dev/zero is over the"),
    ] {
        let wanted = format!("`{key}` names");
        let line = out
            .stdout
            .lines()
            .find(|l| l.contains(&wanted) && l.contains("cannot be used"))
            .unwrap_or_else(|| panic!("no finding for {key}: {}", out.stdout));
        assert!(line.contains(problem), "{key}: {line}");
    }
}

#[test]
fn a_directory_row_that_never_ends_is_refused() {
    // A device, or a CSV or JSON Lines file whose row never meets a line feed: simulate stops
    // at the row cap instead of holding the row without bound. The diff's expected-changes
    // file is capped like every other file.
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("ssolint-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let long = "a".repeat(3 << 20);
    let csv = dir.join("users.csv");
    std::fs::write(&csv, format!("email,name\na@acme.com,A\n{long}")).unwrap();
    let jsonl = dir.join("users.jsonl");
    std::fs::write(&jsonl, format!("{{\"email\":\"a@acme.com\"}}\n{long}")).unwrap();
    let config = "fixtures/sim/example/ssolint.toml";
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec!["simulate", "--users", "/dev/zero", "--config", config],
            "a row is longer than 1 MiB",
        ),
        (
            vec![
                "simulate",
                "--users",
                csv.to_str().unwrap(),
                "--config",
                config,
            ],
            "line 3: a row is longer than 1 MiB",
        ),
        (
            vec![
                "simulate",
                "--users",
                jsonl.to_str().unwrap(),
                "--config",
                config,
            ],
            "line 2: a row is longer than 1 MiB",
        ),
        (
            vec![
                "diff",
                config,
                config,
                "--users",
                "fixtures/sim/example/users.csv",
                "--expected",
                "/dev/zero",
            ],
            "expected changes /dev/zero is over the",
        ),
    ];
    for (args, wanted) in cases {
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(wanted), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    std::fs::remove_dir_all(&dir).ok();
}
