//! The hostile-input catalogue outside XML signatures (docs/security-inputs.md): one test per
//! attack, each naming the rule that must fire and checking that nothing from the forged part
//! is reported as verified or accepted. Malicious tokens are built here (base64url of crafted
//! JSON, signed with openssl where a signature is needed); the CLI is run as users run it.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::{hash, MessageDigest};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;
use serde_json::{json, Value};
use std::io::{ErrorKind, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NOW: &str = "2026-06-01T12:00:00Z";
const ISSUER: &str = "https://idp.example.test";
const AUDIENCE: &str = "chatgpt-enterprise";
const WORKSPACE: &str =
    "[workspace]\nverified_domains = [\"acme.test\"]\n\n[authentication]\nprotocol = \"oidc\"\n\n";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn oidc_fixture(name: &str) -> String {
    root()
        .join("fixtures/oidc")
        .join(name)
        .display()
        .to_string()
}

struct Run {
    code: i32,
    json: Value,
    stdout: String,
}

impl Run {
    fn rules(&self) -> Vec<String> {
        self.json["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["rule"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn has(&self, rule: &str) -> bool {
        self.rules().iter().any(|r| r == rule)
    }

    fn message_of(&self, rule: &str) -> String {
        self.json["findings"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["rule"] == rule))
            .and_then(|f| f["message"].as_str())
            .unwrap_or("")
            .to_string()
    }

    /// The report neither passes nor says a signature verified.
    fn assert_nothing_accepted(&self, what: &str) {
        let verdict = self.json["verdict"].as_str().unwrap_or("");
        assert!(
            verdict == "fail" || verdict == "error",
            "{what}: verdict {verdict:?}, rules {:?}",
            self.rules()
        );
        assert_ne!(self.code, 0, "{what}: exit code 0");
        let sig = self.json["summary"]["signature"].as_str().unwrap_or("");
        assert!(
            !sig.starts_with("verified"),
            "{what}: signature reported as {sig:?}"
        );
    }
}

fn ssolint(args: &[&str], stdin: Option<&[u8]>) -> Run {
    // A fresh working directory: no ./ssolint.toml is picked up by accident.
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ssolint"));
    cmd.args(args)
        .args(["--now", NOW, "--format", "json"])
        .current_dir(cwd.path())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ssolint");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().expect("ssolint output");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    Run {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stdout,
    }
}

fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// `strace` the command, when strace can run here; returns the run and every traced call.
fn traced(args: &[&str]) -> Option<(Run, String)> {
    let usable = Command::new("strace")
        .args(["-qq", "-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !usable {
        println!("strace is not usable here: the system-call half of this test is skipped");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=%file,%network", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .args(["--now", NOW, "--format", "json"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stdout,
    };
    Some((run, std::fs::read_to_string(trace).unwrap()))
}

/// Paths the traced process asked to open or stat.
fn touched_paths(trace: &str) -> Vec<String> {
    trace
        .lines()
        .filter_map(|l| {
            let q = l.find('"')?;
            let rest = &l[q + 1..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

fn assert_no_network(trace: &str, what: &str) {
    for line in trace.lines() {
        let inet = line.contains("socket(") && !line.contains("AF_UNIX");
        assert!(
            !inet && !line.contains("connect("),
            "{what}: network call {line}"
        );
    }
}

// ---- tokens -------------------------------------------------------------------------------

fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact token from raw JSON texts (raw, so duplicate members survive).
fn unsigned(header: &str, payload: &str) -> String {
    format!("{}.{}", b64u(header.as_bytes()), b64u(payload.as_bytes()))
}

fn claims() -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "00u1ana", "email": "ana@acme.test",
           "email_verified": true, "iat": 1780315140u64, "exp": 1780318800u64})
}

fn fixture_key(name: &str) -> PKey<Private> {
    let pem = std::fs::read(root().join("fixtures/oidc/keys").join(name)).unwrap();
    PKey::private_key_from_pem(&pem).unwrap()
}

/// JOSE ECDSA signature: r ‖ s, each padded to the curve size.
fn es_sign(key: &EcKey<Private>, md: MessageDigest, size: i32, input: &str) -> Vec<u8> {
    let digest = hash(md, input.as_bytes()).unwrap();
    let sig = EcdsaSig::sign(&digest, key).unwrap();
    let mut out = sig.r().to_vec_padded(size).unwrap();
    out.extend(sig.s().to_vec_padded(size).unwrap());
    out
}

fn es256(key: &EcKey<Private>, header: &str, payload: &str) -> String {
    let input = unsigned(header, payload);
    let sig = es_sign(key, MessageDigest::sha256(), 32, &input);
    format!("{input}.{}", b64u(&sig))
}

fn hs256(secret: &[u8], header: &str, payload: &str) -> String {
    let input = unsigned(header, payload);
    let key = PKey::hmac(secret).unwrap();
    let mut signer = Signer::new(MessageDigest::sha256(), &key).unwrap();
    signer.update(input.as_bytes()).unwrap();
    format!("{input}.{}", b64u(&signer.sign_to_vec().unwrap()))
}

fn ec256_fixture() -> EcKey<Private> {
    fixture_key("ec256.pem").ec_key().unwrap()
}

fn check_token(token: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(dir.path(), "token.jwt", token.as_bytes());
    let jwks = oidc_fixture("jwks.json");
    let mut args = vec![
        "check",
        path.as_str(),
        "--issuer",
        ISSUER,
        "--audience",
        AUDIENCE,
    ];
    if !extra.contains(&"--jwks") && !extra.contains(&"--config") {
        args.extend(["--jwks", jwks.as_str()]);
    }
    args.extend(extra);
    ssolint(&args, None)
}

fn ec_jwk(key: &EcKey<impl openssl::pkey::HasPublic>, kid: &str) -> Value {
    let mut ctx = BigNumContext::new().unwrap();
    let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
    key.public_key()
        .affine_coordinates(key.group(), &mut x, &mut y, &mut ctx)
        .unwrap();
    json!({"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig",
           "x": b64u(&x.to_vec_padded(32).unwrap()), "y": b64u(&y.to_vec_padded(32).unwrap())})
}

// ---- the harness can verify at all ------------------------------------------------------------

#[test]
fn control_a_correctly_signed_token_verifies() {
    // Without this, every "not verified" below could pass for the wrong reason.
    let header = r#"{"alg":"ES256","kid":"ec-256","typ":"JWT"}"#;
    let token = es256(&ec256_fixture(), header, &claims().to_string());
    let run = check_token(&token, &[]);
    assert_eq!(run.code, 0, "{:?}", run.rules());
    assert!(run.json["summary"]["signature"]
        .as_str()
        .unwrap()
        .starts_with("verified"));
}

// ---- XML: DOCTYPE, entities, nesting, attributes ------------------------------------------

const RESPONSE_OPEN: &str =
    r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1" Version="2.0">"#;

#[test]
fn doctype_entity_expansion_is_refused_unexpanded() {
    // Billion laughs: ten levels of ten, 10^9 "lol"s if anything expanded it.
    let mut dtd = String::from("<!DOCTYPE samlp:Response [<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        let refs: String = (0..10).map(|_| format!("&l{};", i - 1)).collect();
        dtd.push_str(&format!("<!ENTITY l{i} \"{refs}\">"));
    }
    dtd.push(']');
    dtd.push('>');
    let xml = format!("{dtd}\n{RESPONSE_OPEN}&l9;</samlp:Response>");
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("laughs.xml", xml.clone().into_bytes()),
        ("laughs.b64", STANDARD.encode(&xml).into_bytes()),
    ] {
        let path = temp_file(dir.path(), name, &bytes);
        for cmd in ["decode", "check"] {
            let run = ssolint(&[cmd, &path], None);
            assert_eq!(run.code, 2, "{cmd} {name}");
            assert_eq!(run.rules(), vec!["input.dtd-forbidden"], "{cmd} {name}");
            assert!(!run.stdout.contains("lollol"), "{name}: an entity expanded");
            assert!(run.stdout.len() < 8192, "{name}: output grew");
        }
    }
}

#[test]
fn xxe_external_entity_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let canary = dir.path().join("canary.txt");
    std::fs::write(&canary, "CANARY-7f3a secret file contents").unwrap();
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE samlp:Response [\n\
         <!ENTITY passwd SYSTEM \"file:///etc/passwd\">\n\
         <!ENTITY canary SYSTEM \"file://{}\">\n\
         <!ENTITY % remote SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %remote;\n]>\n\
         {RESPONSE_OPEN}&passwd;&canary;</samlp:Response>",
        canary.display()
    );
    let xml_path = temp_file(dir.path(), "xxe.xml", xml.as_bytes());
    let b64_path = temp_file(dir.path(), "xxe.b64", STANDARD.encode(&xml).as_bytes());

    for path in [&xml_path, &b64_path] {
        let run = ssolint(&["check", path], None);
        assert_eq!(run.rules(), vec!["input.dtd-forbidden"], "check {path}");
        let run = ssolint(&["decode", path], None);
        assert_eq!(run.code, 2, "{path}");
        assert_eq!(run.rules(), vec!["input.dtd-forbidden"], "{path}");
        assert!(!run.stdout.contains("root:"), "{path}: /etc/passwd leaked");
        assert!(!run.stdout.contains("CANARY-7f3a"), "{path}: canary leaked");
    }
    // Proof that nothing is opened or fetched, whichever command reads the document.
    let response = root().join("fixtures/saml/okta-response.xml");
    let response = response.display().to_string();
    for args in [
        vec!["decode", xml_path.as_str()],
        vec!["decode", b64_path.as_str()],
        vec!["check", xml_path.as_str()],
        vec!["check", b64_path.as_str()],
        vec!["check", &response, "--idp-metadata", xml_path.as_str()],
        vec!["lint", "--metadata", xml_path.as_str()],
    ] {
        let Some((run, trace)) = traced(&args) else {
            return;
        };
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.rules(), vec!["input.dtd-forbidden"], "{args:?}");
        assert!(!run.stdout.contains("CANARY-7f3a"), "{args:?}");
        for p in touched_paths(&trace) {
            assert!(
                !p.contains("passwd") && !p.contains("canary") && !p.contains("evil.dtd"),
                "{args:?} touched {p}"
            );
        }
        assert_no_network(&trace, &format!("{args:?}"));
    }
}

#[test]
fn xml_nested_10000_deep_is_refused() {
    let inner = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
    let xml = format!("{RESPONSE_OPEN}{inner}</samlp:Response>");
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("deep.xml", xml.clone().into_bytes()),
        ("deep.b64", STANDARD.encode(&xml).into_bytes()),
    ] {
        let path = temp_file(dir.path(), name, &bytes);
        for cmd in ["decode", "check"] {
            let run = ssolint(&[cmd, &path], None);
            assert_eq!(run.code, 2, "{cmd} {name}");
            assert_eq!(run.rules(), vec!["input.too-deep"], "{cmd} {name}");
            assert!(run.message_of("input.too-deep").contains("deep"));
        }
    }
}

#[test]
fn huge_attribute_counts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let plain: String = (0..20_000).map(|i| format!(" a{i}=\"v\"")).collect();
    let prefixes: String = (0..20_000)
        .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
        .collect();
    for (name, attrs) in [("attrs.xml", plain), ("xmlns.xml", prefixes)] {
        let xml = format!(
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"{attrs}/>"
        );
        let path = temp_file(dir.path(), name, xml.as_bytes());
        for cmd in ["decode", "check"] {
            let run = ssolint(&[cmd, &path], None);
            assert_eq!(run.code, 2, "{cmd} {name}");
            assert_eq!(run.rules(), vec!["input.too-deep"], "{cmd} {name}");
            assert!(
                run.message_of("input.too-deep").contains("attributes"),
                "{cmd} {name}: {}",
                run.message_of("input.too-deep")
            );
        }
    }
}

// ---- compression and size ------------------------------------------------------------------

#[test]
fn deflate_bomb_in_the_redirect_binding_stops_at_the_cap() {
    use flate2::write::DeflateEncoder;
    use flate2::Compression;
    // 64 MiB of whitespace inside an AuthnRequest: about 64 KiB compressed (1000:1).
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(br#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="q1" Version="2.0">"#).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&chunk).unwrap();
    }
    enc.write_all(b"</samlp:AuthnRequest>").unwrap();
    let deflated = enc.finish().unwrap();
    let param = percent_encoding::utf8_percent_encode(
        &STANDARD.encode(&deflated),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "bomb.url",
            format!("https://idp.example.test/sso?SAMLRequest={param}&RelayState=x"),
        ),
        ("bomb.query", format!("SAMLRequest={param}")),
    ] {
        let path = temp_file(dir.path(), name, text.as_bytes());
        let run = ssolint(&["decode", &path], None);
        assert_eq!(run.code, 2, "{name}: {:?}", run.rules());
        assert_eq!(run.rules(), vec!["input.inflate-bomb"], "{name}");
        assert!(run.stdout.len() < 8192, "{name}: inflated output reported");
    }
}

/// Deterministic junk (xorshift), so a failure can be reproduced.
fn junk(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn junk_200_mb_on_stdin_is_refused_without_reading_it_all() {
    const TOTAL: usize = 200 << 20;
    let block = junk(1 << 20);
    let cwd = tempfile::tempdir().unwrap();
    for cmd in ["decode", "check"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ssolint"))
            .args([cmd, "-", "--format", "json", "--now", NOW])
            .current_dir(cwd.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        let block = block.clone();
        let writer = std::thread::spawn(move || {
            let mut written = 0usize;
            while written < TOTAL {
                match pipe.write(&block) {
                    Ok(n) => written += n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            written
        });
        let out = child.wait_with_output().unwrap();
        let written = writer.join().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert_eq!(v["findings"][0]["rule"], "input.too-large", "{cmd}: {v}");
        // The reader stops at its cap (16 MiB for decode, 1 MiB for check) plus what the
        // pipe buffers: it never swallows the 200 MB.
        assert!(written < 40 << 20, "{cmd}: {written} bytes were read");
    }
}

#[test]
fn json_nested_100000_deep_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let object = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    let array = "[".repeat(100_000) + &"]".repeat(100_000);
    let obj_path = temp_file(dir.path(), "deep-object.json", object.as_bytes());
    let arr_path = temp_file(dir.path(), "deep-array.json", array.as_bytes());
    for args in [
        vec!["decode", obj_path.as_str()],
        vec!["check", obj_path.as_str()],
        vec!["check", arr_path.as_str()],
    ] {
        let run = ssolint(&args, None);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.rules(), vec!["input.too-deep"], "{args:?}");
    }
    // Inside a token: a 100 000-deep payload is neither read nor trusted.
    let token = format!(
        "{}.sig",
        unsigned(r#"{"alg":"ES256","kid":"ec-256"}"#, &array)
    );
    let run = check_token(&token, &[]);
    assert!(run.has("oidc.token-too-large"), "{:?}", run.rules());
    assert!(run.has("oidc.token-malformed"), "{:?}", run.rules());
    run.assert_nothing_accepted("deep payload");
    // And as a JWKS.
    let jwks = "{\"keys\":".to_string() + &array + "}";
    let jwks_path = temp_file(dir.path(), "deep-jwks.json", jwks.as_bytes());
    let good = es256(
        &ec256_fixture(),
        r#"{"alg":"ES256","kid":"ec-256"}"#,
        &claims().to_string(),
    );
    let run = check_token(&good, &["--jwks", &jwks_path]);
    assert_eq!(run.code, 2);
    assert_eq!(run.rules(), vec!["input.too-deep"]);
}

// ---- JOSE header attacks -------------------------------------------------------------------

#[test]
fn alg_none_is_never_accepted() {
    let payload = claims().to_string();
    for alg in ["none", "None", "NONE", "nOnE"] {
        for (header, sig) in [
            (format!(r#"{{"alg":"{alg}"}}"#), String::new()),
            (
                format!(r#"{{"alg":"{alg}","kid":"rsa-1","typ":"JWT"}}"#),
                b64u(b"forged"),
            ),
        ] {
            let token = format!("{}.{sig}", unsigned(&header, &payload));
            let run = check_token(&token, &[]);
            assert!(run.has("oidc.alg-none"), "{header}: {:?}", run.rules());
            run.assert_nothing_accepted(&header);
        }
    }
}

#[test]
fn hs256_keyed_with_the_public_key_is_refused() {
    // The classic confusion: the attacker MACs with the RSA public key a verifier publishes.
    let pem = std::fs::read(root().join("fixtures/oidc/keys/rsa.pub.pem")).unwrap();
    let der = PKey::public_key_from_pem(&pem)
        .unwrap()
        .public_key_to_der()
        .unwrap();
    let header = r#"{"alg":"HS256","kid":"rsa-1","typ":"JWT"}"#;
    let payload = claims().to_string();
    let dir = tempfile::tempdir().unwrap();
    // Even a configuration that allows HS256 never turns an RSA key into an HMAC secret.
    let config = format!(
        "{WORKSPACE}[oidc]\nissuer = \"{ISSUER}\"\nclient_id = \"{AUDIENCE}\"\njwks = \"{}\"\nalgorithms = [\"RS256\", \"HS256\"]\n",
        oidc_fixture("jwks-rsa-only.json")
    );
    let config_path = temp_file(dir.path(), "ssolint.toml", config.as_bytes());
    for secret in [pem.clone(), der] {
        let token = hs256(&secret, header, &payload);
        for extra in [
            vec!["--jwks", &oidc_fixture("jwks.json")],
            vec!["--jwks", &oidc_fixture("jwks-rsa-only.json")],
            vec!["--config", config_path.as_str()],
        ] {
            let run = check_token(&token, &extra);
            assert!(
                run.has("oidc.alg-key-mismatch"),
                "{extra:?}: {:?}",
                run.rules()
            );
            run.assert_nothing_accepted(&format!("{extra:?}"));
        }
    }
}

/// An SSH public key blob's string fields (RFC 4253 §6.6).
fn ssh_fields(line: &str) -> Vec<Vec<u8>> {
    let blob = STANDARD
        .decode(line.split_whitespace().nth(1).unwrap())
        .unwrap();
    let mut fields = Vec::new();
    let mut rest = blob.as_slice();
    while rest.len() >= 4 {
        let n = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        fields.push(rest[4..4 + n].to_vec());
        rest = &rest[4 + n..];
    }
    fields
}

#[test]
fn pyjwt_ghsa_ffqj_6fqr_9h24_confusion_tokens_are_refused() {
    let dir_corpus = root().join("../shared/corpus/oidc/pyjwt");
    if !dir_corpus.join("MANIFEST.tsv").exists() {
        println!("skipped: corpus not found at {}", dir_corpus.display());
        return;
    }
    let read = |name: &str| std::fs::read_to_string(dir_corpus.join(name)).unwrap();
    // The advisory's keys as a JWKS: the P-256 point and the Ed25519 key from the SSH files.
    let ec = ssh_fields(&read("advisory_ecdsa_p256.ssh.pub"));
    let point = &ec[2];
    assert_eq!((point.len(), point[0]), (65, 4));
    let ed = ssh_fields(&read("advisory_ed25519.ssh.pub"));
    let dir = tempfile::tempdir().unwrap();
    for (good, bad, key) in [
        (
            "ghsa-ffqj-6fqr-9h24_good_es256.jwt",
            "ghsa-ffqj-6fqr-9h24_bad_hs256_confusion_ecdsa.jwt",
            json!({"kty": "EC", "crv": "P-256", "x": b64u(&point[1..33]), "y": b64u(&point[33..])}),
        ),
        (
            "ghsa-ffqj-6fqr-9h24_good_eddsa.jwt",
            "ghsa-ffqj-6fqr-9h24_bad_hs256_confusion_ed25519.jwt",
            json!({"kty": "OKP", "crv": "Ed25519", "x": b64u(&ed[1])}),
        ),
    ] {
        let jwks = temp_file(
            dir.path(),
            &format!("{good}.jwks"),
            json!({ "keys": [key] }).to_string().as_bytes(),
        );
        // The advisory's tokens carry no iss/aud/exp: only the signature matters here.
        let run_good = check_token(read(good).trim(), &["--jwks", &jwks]);
        assert!(
            run_good.json["summary"]["signature"]
                .as_str()
                .unwrap_or("")
                .starts_with("verified"),
            "{good}: {}",
            run_good.json["summary"]["signature"]
        );
        let run_bad = check_token(read(bad).trim(), &["--jwks", &jwks]);
        assert!(
            run_bad.has("oidc.alg-key-mismatch"),
            "{bad}: {:?}",
            run_bad.rules()
        );
        run_bad.assert_nothing_accepted(bad);
    }
}

#[test]
fn kid_path_traversal_is_never_opened() {
    let payload = claims().to_string();
    for kid in [
        "../../etc/passwd",
        "/etc/passwd",
        "file:///etc/passwd",
        "../../../../../../etc/passwd%00",
    ] {
        let header = json!({"alg": "ES256", "kid": kid}).to_string();
        let token = es256(&ec256_fixture(), &header, &payload);
        let run = check_token(&token, &[]);
        assert!(run.has("oidc.kid-unknown"), "{kid}: {:?}", run.rules());
        run.assert_nothing_accepted(kid);
        assert!(!run.stdout.contains("root:"), "{kid}: file contents leaked");

        let dir = tempfile::tempdir().unwrap();
        let path = temp_file(dir.path(), "kid.jwt", token.as_bytes());
        let jwks = oidc_fixture("jwks.json");
        let Some((_, trace)) = traced(&["check", &path, "--jwks", &jwks]) else {
            return;
        };
        for p in touched_paths(&trace) {
            assert!(!p.contains("passwd"), "{kid}: opened {p}");
        }
    }
}

#[test]
fn header_keys_are_never_fetched_or_trusted() {
    // jku / x5u point at a listener of ours: a connection would show there.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/keys", listener.local_addr().unwrap());
    // The attacker signs with their own key and offers it in the header.
    let attacker =
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap();
    let attacker_pkey = PKey::from_ec_key(attacker.clone()).unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "idp.example.test").unwrap();
    let name = name.build();
    let mut cert = openssl::x509::X509Builder::new().unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&attacker_pkey).unwrap();
    cert.set_not_before(&openssl::asn1::Asn1Time::from_unix(1_700_000_000).unwrap())
        .unwrap();
    cert.set_not_after(&openssl::asn1::Asn1Time::from_unix(1_900_000_000).unwrap())
        .unwrap();
    cert.sign(&attacker_pkey, MessageDigest::sha256()).unwrap();
    let cert_der = cert.build().to_der().unwrap();

    let payload = claims().to_string();
    for (member, value) in [
        ("jwk", ec_jwk(&attacker, "ec-256")),
        ("x5c", json!([STANDARD.encode(&cert_der)])),
        ("jku", json!(url)),
        ("x5u", json!(url)),
    ] {
        for kid in ["ec-256", "attacker"] {
            let mut header = json!({"alg": "ES256", "kid": kid});
            header[member] = value.clone();
            let token = es256(&attacker, &header.to_string(), &payload);
            let run = check_token(&token, &[]);
            assert!(
                run.has("oidc.header-key-injection"),
                "{member}/{kid}: {:?}",
                run.rules()
            );
            run.assert_nothing_accepted(&format!("{member}/{kid}"));
            assert!(
                matches!(listener.accept(), Err(e) if e.kind() == ErrorKind::WouldBlock),
                "{member}/{kid}: ssolint connected to the header's URL"
            );
            let dir = tempfile::tempdir().unwrap();
            let path = temp_file(dir.path(), "inj.jwt", token.as_bytes());
            let jwks = oidc_fixture("jwks.json");
            if let Some((_, trace)) = traced(&["check", &path, "--jwks", &jwks]) {
                assert_no_network(&trace, member);
            }
        }
    }
}

#[test]
fn crit_is_refused_even_when_the_signature_verifies() {
    let key = ec256_fixture();
    let payload = claims().to_string();
    for header in [
        r#"{"alg":"ES256","kid":"ec-256","crit":["urn:example:exempt"],"urn:example:exempt":true}"#,
        r#"{"alg":"ES256","kid":"ec-256","crit":["exp"]}"#,
        r#"{"alg":"ES256","kid":"ec-256","crit":"b64","b64":false}"#,
    ] {
        let run = check_token(&es256(&key, header, &payload), &[]);
        assert!(
            run.has("oidc.crit-unsupported"),
            "{header}: {:?}",
            run.rules()
        );
        assert_eq!(run.code, 1, "{header}");
        assert_eq!(run.json["verdict"], "fail", "{header}");
    }
}

#[test]
fn an_algorithm_outside_the_allow_list_is_not_reported_verified() {
    // The configuration allows RS256 only; the token is a valid HS256 MAC with the JWKS's oct
    // key. The token must fail, and the summary must not say its signature was accepted.
    let secret_hex = std::fs::read_to_string(root().join("fixtures/oidc/keys/hmac.hex")).unwrap();
    let secret: Vec<u8> = (0..secret_hex.trim().len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret_hex.trim()[i..i + 2], 16).unwrap())
        .collect();
    let token = hs256(
        &secret,
        r#"{"alg":"HS256","kid":"hs-1"}"#,
        &claims().to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "{WORKSPACE}[oidc]\nissuer = \"{ISSUER}\"\nclient_id = \"{AUDIENCE}\"\njwks = \"{}\"\nalgorithms = [\"RS256\"]\n",
        oidc_fixture("jwks-oct.json")
    );
    let config_path = temp_file(dir.path(), "ssolint.toml", config.as_bytes());
    let run = check_token(&token, &["--config", &config_path]);
    assert!(run.has("oidc.alg-not-allowed"), "{:?}", run.rules());
    run.assert_nothing_accepted("HS256 outside the allow-list");
}

// ---- duplicate JSON members ----------------------------------------------------------------

#[test]
fn duplicate_json_members_are_refused_everywhere() {
    let key = ec256_fixture();
    let good_payload = claims().to_string();
    // Header: the second alg would turn the check off in a last-wins parser.
    let token = es256(
        &key,
        r#"{"alg":"ES256","kid":"ec-256","alg":"none"}"#,
        &good_payload,
    );
    let run = check_token(&token, &[]);
    assert!(run.has("input.json-duplicate-key"), "{:?}", run.rules());
    run.assert_nothing_accepted("duplicate header member");

    // Payload: validly signed, but which e-mail is it?
    let payload = good_payload.trim_end_matches('}').to_string() + r#","email":"admin@acme.test"}"#;
    let run = check_token(
        &es256(&key, r#"{"alg":"ES256","kid":"ec-256"}"#, &payload),
        &[],
    );
    assert!(run.has("input.json-duplicate-key"), "{:?}", run.rules());
    assert_eq!(run.json["verdict"], "fail");
    assert!(
        !run.stdout.contains("admin@acme.test"),
        "a duplicated claim's value was reported"
    );

    let dir = tempfile::tempdir().unwrap();
    let scim = temp_file(
        dir.path(),
        "user.json",
        br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ana@acme.test","userName":"admin@acme.test","active":true}"#,
    );
    let har = temp_file(
        dir.path(),
        "capture.har",
        br#"{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[],"entries":[{"request":{"method":"GET","url":"https://idp.example.test/"}}]}}"#,
    );
    let jwks_dup = {
        let mut k = ec_jwk(&key, "ec-256").to_string();
        k.pop();
        format!(r#"{{"keys":[{k},"x":"{}"}}]}}"#, b64u(&[7u8; 32]))
    };
    let jwks = temp_file(dir.path(), "jwks.json", jwks_dup.as_bytes());
    let good = es256(&key, r#"{"alg":"ES256","kid":"ec-256"}"#, &good_payload);
    let good_path = temp_file(dir.path(), "good.jwt", good.as_bytes());
    for (what, args) in [
        ("SCIM check", vec!["check", scim.as_str()]),
        ("SCIM decode", vec!["decode", scim.as_str()]),
        ("HAR decode", vec!["decode", har.as_str()]),
        (
            "JWKS",
            vec!["check", good_path.as_str(), "--jwks", jwks.as_str()],
        ),
    ] {
        let run = ssolint(&args, None);
        assert_eq!(run.code, 2, "{what}: {:?}", run.rules());
        assert_eq!(run.rules(), vec!["input.json-duplicate-key"], "{what}");
        assert!(!run.stdout.contains("admin@acme.test"), "{what}");
    }
}

// ---- size and ECDSA ------------------------------------------------------------------------

#[test]
fn oversized_tokens_are_reported_or_refused() {
    let key = ec256_fixture();
    let mut big = claims();
    big["groups"] = json!((0..1000)
        .map(|i| format!("group-{i:04}"))
        .collect::<Vec<_>>());
    let token = es256(&key, r#"{"alg":"ES256","kid":"ec-256"}"#, &big.to_string());
    assert!(token.len() > 16 * 1024);
    let run = check_token(&token, &[]);
    assert!(run.has("oidc.token-too-large"), "{:?}", run.rules());
    assert_eq!(run.json["verdict"], "fail");

    // Over the check command's 1 MiB input cap: refused before any decoding.
    let mut huge = claims();
    huge["blob"] = json!("A".repeat(2 << 20));
    let token = format!(
        "{}.{}",
        unsigned(r#"{"alg":"ES256","kid":"ec-256"}"#, &huge.to_string()),
        b64u(&[0u8; 64])
    );
    let run = check_token(&token, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(run.rules(), vec!["input.too-large"]);
}

#[test]
fn ecdsa_psychic_signatures_are_invalid() {
    // CVE-2022-21449: r = s = 0 verified for any message in Java 15-18. Also r = s = n.
    let p256_order = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
    let n = BigNum::from_hex_str(p256_order)
        .unwrap()
        .to_vec_padded(32)
        .unwrap();
    let payload = claims().to_string();
    let mut cases = vec![
        ("ES256", "ec-256", vec![0u8; 64]),
        ("ES384", "ec-384", vec![0u8; 96]),
        ("ES512", "ec-521", vec![0u8; 132]),
        ("ES256", "ec-256", [n.clone(), n].concat()),
        ("ES256", "ec-256", vec![0u8; 2]),
    ];
    // r = 0, s = 1 and r = 1, s = 0.
    let mut one = vec![0u8; 32];
    one[31] = 1;
    cases.push(("ES256", "ec-256", [vec![0u8; 32], one.clone()].concat()));
    cases.push(("ES256", "ec-256", [one, vec![0u8; 32]].concat()));
    for (alg, kid, sig) in cases {
        let header = json!({"alg": alg, "kid": kid}).to_string();
        let token = format!("{}.{}", unsigned(&header, &payload), b64u(&sig));
        let run = check_token(&token, &[]);
        assert!(
            run.has("oidc.signature-invalid") || run.has("oidc.token-malformed"),
            "{alg} {}: {:?}",
            sig.len(),
            run.rules()
        );
        run.assert_nothing_accepted(&format!("{alg} zero signature"));
    }
}
