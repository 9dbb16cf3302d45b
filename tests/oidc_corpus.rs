//! Conformance against the external OIDC corpus (`../shared/corpus/oidc`): every MANIFEST row
//! is run through `ssolint check` with its settings mapped to flags, and the verdict compared.
//!
//! The sources are generic JWT libraries, not OIDC relying parties, so two verdicts are kept:
//! - **JWT scope**: only the rules for what those libraries check (structure, algorithm,
//!   key, signature, exp/nbf/iat, claim types, aud when an audience is expected). This is
//!   the verdict that must agree; every disagreement is listed in `DOCUMENTED` with its rule.
//! - **OIDC verdict**: ssolint's full verdict. Valid rows whose tokens are not ID tokens (no
//!   iss, sub, aud, iat, email) fail it on the OIDC-profile rules: deliberately stricter.
//!
//! Rows whose payload is not a claims set (RFC 7520 cookbook) assert only the signature, so
//! they are compared on the signature outcome. `n/a` rows (keys) and whole cookbook JSON
//! vectors (the `.jws` row is the same vector in compact form) are not checks.
//! The same table is in docs/conformance-oidc.md.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use openssl::pkey::{Id, PKey};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/oidc");
    if p.is_dir() {
        Some(p)
    } else {
        println!("skipping: the external corpus is not at {}", p.display());
        None
    }
}

/// JWT-scope rules: what the corpus's libraries themselves check.
const JWT_SCOPE: &[&str] = &[
    "input.undecodable",
    "oidc.token-malformed",
    "oidc.token-encrypted",
    "input.json-duplicate-key",
    "oidc.alg-none",
    "oidc.alg-not-allowed",
    "oidc.alg-key-mismatch",
    "oidc.kid-unknown",
    "oidc.signature-invalid",
    "oidc.header-key-injection",
    "oidc.crit-unsupported",
    "oidc.expired",
    "oidc.not-yet-valid",
    "oidc.iat-future",
    "oidc.time-claim-type",
    "oidc.audience-mismatch",
];

/// Rows where the JWT-scope verdict disagrees with the source on purpose: (file, rule, why).
const DOCUMENTED: &[(&str, &str, &str)] = &[];

fn b64u(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

/// A PEM or DER public key, or an OpenSSH public key line, as a JWK.
fn key_to_jwk(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    if let Some(rest) = text
        .strip_prefix("ssh-")
        .or_else(|| text.strip_prefix("ecdsa-"))
    {
        let _ = rest;
        let blob = STANDARD
            .decode(text.split_whitespace().nth(1).unwrap())
            .unwrap();
        let mut fields = Vec::new();
        let mut i = 0;
        while i + 4 <= blob.len() {
            let n = u32::from_be_bytes(blob[i..i + 4].try_into().unwrap()) as usize;
            fields.push(blob[i + 4..i + 4 + n].to_vec());
            i += 4 + n;
        }
        let strip = |v: &[u8]| {
            let mut v = v.to_vec();
            while v.len() > 1 && v[0] == 0 {
                v.remove(0);
            }
            v
        };
        return match fields[0].as_slice() {
            b"ssh-rsa" => {
                json!({"kty":"RSA","e":b64u(&strip(&fields[1])),"n":b64u(&strip(&fields[2]))})
            }
            b"ssh-ed25519" => json!({"kty":"OKP","crv":"Ed25519","x":b64u(&fields[1])}),
            b"ecdsa-sha2-nistp256" => {
                let pt = &fields[2];
                json!({"kty":"EC","crv":"P-256","x":b64u(&pt[1..33]),"y":b64u(&pt[33..65])})
            }
            other => panic!("unknown ssh key type {:?}", String::from_utf8_lossy(other)),
        };
    }
    let pkey = if text.contains("BEGIN RSA PUBLIC KEY") {
        PKey::from_rsa(openssl::rsa::Rsa::public_key_from_pem_pkcs1(&bytes).unwrap()).unwrap()
    } else if text.contains("BEGIN") {
        PKey::public_key_from_pem(&bytes).unwrap()
    } else {
        PKey::from_rsa(openssl::rsa::Rsa::public_key_from_der_pkcs1(&bytes).unwrap()).unwrap()
    };
    match pkey.id() {
        Id::RSA => {
            let rsa = pkey.rsa().unwrap();
            json!({"kty":"RSA","n":b64u(&rsa.n().to_vec()),"e":b64u(&rsa.e().to_vec())})
        }
        Id::EC => {
            let ec = pkey.ec_key().unwrap();
            let mut ctx = openssl::bn::BigNumContext::new().unwrap();
            let (mut x, mut y) = (
                openssl::bn::BigNum::new().unwrap(),
                openssl::bn::BigNum::new().unwrap(),
            );
            ec.public_key()
                .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
                .unwrap();
            json!({"kty":"EC","crv":"P-256","x":b64u(&x.to_vec_padded(32).unwrap()),"y":b64u(&y.to_vec_padded(32).unwrap())})
        }
        Id::ED25519 => {
            json!({"kty":"OKP","crv":"Ed25519","x":b64u(&pkey.raw_public_key().unwrap())})
        }
        other => panic!("unsupported key {other:?}"),
    }
}

fn oct(secret: &[u8]) -> Value {
    json!({"kty":"oct","k":b64u(secret)})
}

/// How one row is run: the key, the allow-list, the audience, the instant, the skew.
struct Setup {
    key: Value,
    algorithms: Vec<&'static str>,
    audience: Option<&'static str>,
    now: &'static str,
    skew: &'static str,
    signature_only: bool,
}

const ALL_ALGS: [&str; 13] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    "HS256", "HS384", "HS512",
];

/// The row's `settings`, transcribed. Each arm checks the manifest says what it assumes.
fn setup(dir: &Path, source: &str, file: &str, settings: &str) -> Setup {
    let must = |needle: &str| {
        assert!(
            settings.contains(needle),
            "{file}: settings {settings:?} no longer say {needle:?}"
        )
    };
    let key = |name: &str| {
        let p = dir.join(name);
        let v: Value = if name.ends_with(".json") {
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
        } else {
            key_to_jwk(&p)
        };
        v
    };
    let mut s = Setup {
        key: Value::Null,
        algorithms: vec!["HS256"],
        audience: None,
        now: "2026-06-01T12:00:00Z",
        skew: "180s",
        signature_only: false,
    };
    match source {
        "jsonwebtoken" => {
            s.skew = "60s";
            if file == "rfc7515_a1_hs256.jwt" {
                must("rfc7515_a1.oct.jwk.json");
                s.key = key("rfc7515_a1.oct.jwk.json");
                s.now = "2011-03-22T18:00:00Z";
            } else if file == "decode_token_with_bytes_secret.jwt" {
                must("0x01 0x02 0x03");
                s.key = oct(&[1, 2, 3]);
            } else {
                must("secret b\"secret\"");
                s.key = oct(b"secret");
                if settings.contains("RS512") {
                    s.algorithms = vec!["RS512"];
                }
            }
        }
        "jwt-cli" => {
            s.skew = "1000s";
            if settings.contains("PS512") {
                s.algorithms = vec!["PS512"];
                s.key = if settings.contains("inline JWKS") {
                    key("inline_jwks_duplicate_kid.json")
                } else {
                    must("public_rsa_key.der");
                    key("public_rsa_key.der")
                };
            } else if settings.contains("'yolo'") {
                s.key = oct(b"yolo");
            } else {
                must("'1234567890'");
                s.key = oct(b"1234567890");
            }
        }
        "pyjwt" => {
            if let Some(k) = settings.split("key=").nth(1) {
                let name = k
                    .split(|c: char| c == ';' || c.is_whitespace())
                    .next()
                    .unwrap();
                s.key = key(name);
                s.algorithms = if settings.contains("every PyJWT default") {
                    ALL_ALGS.to_vec()
                } else if settings.contains("ES256") {
                    vec!["ES256"]
                } else {
                    vec!["RS384"]
                };
            } else {
                must("'secret'");
                s.key = oct(b"secret");
                if settings.contains("algorithms=[hs256]") {
                    s.algorithms = vec!["hs256"];
                }
            }
            if settings.contains("expected audience 'my_audience'") {
                s.audience = Some("my_audience");
            }
        }
        "rfc7520-cookbook" => {
            let k = settings
                .split("key=")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim();
            s.key = key(k);
            let alg = settings
                .split("alg=")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .trim();
            s.algorithms = ALL_ALGS.iter().copied().filter(|a| *a == alg).collect();
            s.signature_only = true;
        }
        other => panic!("no mapping for source {other}"),
    }
    s
}

struct Outcome {
    jwt_rules: Vec<String>,
    all_errors: Vec<String>,
    signature: String,
}

fn run(dir: &Path, file: &str, s: &Setup, tmp: &Path) -> Outcome {
    let keys = match &s.key {
        Value::Object(m) if m.contains_key("keys") => s.key.clone(),
        k => json!({"keys":[k]}),
    };
    let jwks = tmp.join("jwks.json");
    std::fs::write(&jwks, keys.to_string()).unwrap();
    let cfg = tmp.join("ssolint.toml");
    let algs: Vec<String> = s.algorithms.iter().map(|a| format!("{a:?}")).collect();
    std::fs::write(
        &cfg,
        format!(
            "[oidc]\njwks = \"jwks.json\"\nalgorithms = [{}]\n",
            algs.join(", ")
        ),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ssolint"));
    cmd.arg("check").arg(dir.join(file)).args([
        "--config",
        cfg.to_str().unwrap(),
        "--now",
        s.now,
        "--skew",
        s.skew,
        "--format",
        "json",
    ]);
    if let Some(a) = s.audience {
        cmd.args(["--audience", a]);
    }
    let out = cmd.output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{file}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    Outcome {
        jwt_rules: errors
            .iter()
            .filter(|r| JWT_SCOPE.contains(&r.as_str()))
            .cloned()
            .collect(),
        all_errors: errors,
        signature: v["summary"]["signature"].as_str().unwrap_or("").to_string(),
    }
}

#[test]
fn oidc_corpus_verdicts_agree_or_are_documented() {
    let Some(root) = corpus() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // (source, expected) -> (agree, disagree) for the JWT scope and the OIDC verdict.
    let mut table: BTreeMap<(String, String), [usize; 4]> = BTreeMap::new();
    let mut undocumented = Vec::new();
    let mut not_checks = 0;
    for source in ["rfc7520-cookbook", "pyjwt", "jsonwebtoken", "jwt-cli"] {
        let dir = root.join(source);
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
        for line in manifest.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (file, expected, settings) = (cols[0], cols[4], cols.get(6).copied().unwrap_or(""));
            if expected == "n/a" || file.ends_with(".json") {
                not_checks += 1;
                continue;
            }
            let s = setup(&dir, source, file, settings);
            let o = run(&dir, file, &s, tmp.path());
            let jwt_valid = if s.signature_only {
                o.signature.starts_with("verified")
            } else {
                o.jwt_rules.is_empty()
            };
            let oidc_valid = o.all_errors.is_empty();
            let want_valid = expected == "valid";
            let cell = table
                .entry((source.to_string(), expected.to_string()))
                .or_default();
            if jwt_valid == want_valid {
                cell[0] += 1;
            } else {
                cell[1] += 1;
                if !DOCUMENTED
                    .iter()
                    .any(|(f, r, _)| *f == file && o.jwt_rules.iter().any(|x| x == r))
                {
                    undocumented.push(format!("{source}/{file}: expected {expected}, JWT-scope findings {:?}, signature {}", o.jwt_rules, o.signature));
                }
            }
            if oidc_valid == want_valid {
                cell[2] += 1;
            } else {
                cell[3] += 1;
            }
            println!("{source}/{file}: expected {expected}; jwt-scope {:?}; all errors {:?}; signature {}", o.jwt_rules, o.all_errors, o.signature);
        }
    }
    println!("\n| source | expected | JWT scope agree | JWT scope disagree | OIDC verdict agree | OIDC verdict stricter |");
    println!("|---|---|---|---|---|---|");
    for ((src, exp), c) in &table {
        println!(
            "| {src} | {exp} | {} | {} | {} | {} |",
            c[0], c[1], c[2], c[3]
        );
    }
    println!("({not_checks} rows are keys or whole cookbook JSON vectors, not checks)");
    assert!(
        undocumented.is_empty(),
        "undocumented disagreements:\n{}",
        undocumented.join("\n")
    );
}

#[test]
fn provider_discovery_documents_and_jwks_load_without_false_errors() {
    let Some(root) = corpus() else {
        return;
    };
    let dir = root.join("providers");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if name.contains("jwks") {
            let (set, problems) =
                ssolint::oidc::Jwks::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(problems.is_empty(), "{name}: {problems:?}");
            assert!(!set.keys.is_empty(), "{name}: no keys");
            for k in &set.keys {
                if k.kty != "oct" {
                    k.public_key().unwrap_or_else(|e| panic!("{name}: {e}"));
                }
            }
        } else {
            let d =
                ssolint::oidc::Discovery::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(d.issuer.is_some() && !d.id_token_algs.is_empty(), "{name}");
            assert!(d.jwks_uri.is_some(), "{name}: no jwks_uri");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} provider documents found");
}
