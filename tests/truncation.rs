//! No panic on damaged input: every fixture, truncated at every 97th byte and with one bit
//! flipped at every 97th byte, goes through the commands in-process (`commands::run` with a
//! parsed `Cli` and in-memory writers, inside `catch_unwind`). A panic anywhere in decoding,
//! checking, linting, simulating or rendering fails the test with the reproduction.
//!
//! Paths exercised per mutant (chosen by what the fixture is):
//! - every file: `decode` (json) and `decode --format human --redact` (input peeling, XML tree,
//!   strict JSON, HAR, inflate, pretty-printer, summaries, redaction, span rendering);
//! - every file: `check` with the OIDC JWKS and the SAML certificates (token and SCIM checks,
//!   and the SAML checks wherever `check` routes them);
//! - XML: `lint --metadata`; configurations (`.toml`, `.yaml`, `fixtures/lint/*.json`): `lint`;
//!   directories (`.csv`, `.jsonl`, JSON under `fixtures/sim/`): `simulate`;
//!   JWKS / discovery JSON: `check good.jwt --jwks|--discovery MUTANT`;
//!   certificates and keys: `check` of a signed response with `--idp-cert|--sp-key MUTANT`.

mod common;
use common::files_under;

use clap::Parser;
use ssolint::cli::Cli;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

const STEP: usize = 97;
const NOW: &str = "2026-06-01T12:00:00Z";

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics inside `catch_unwind` are recorded quietly; all others print as usual.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                LAST_PANIC.with(|l| *l.borrow_mut() = Some(info.to_string()));
            } else {
                default(info);
            }
        }));
    });
}

/// Run one command line in-process; `Err` carries the panic.
fn run(args: &[String]) -> Result<i32, String> {
    let Ok(cli) =
        Cli::try_parse_from(std::iter::once("ssolint".to_string()).chain(args.iter().cloned()))
    else {
        return Ok(-1);
    };
    CATCHING.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        ssolint::commands::run(cli, &mut out, &mut err)
    }));
    CATCHING.with(|c| c.set(false));
    result.map_err(|_| {
        LAST_PANIC
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| "panic".into())
    })
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// What a fixture is, by where it lives and how it is named.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Message,
    Config,
    Directory,
    Jwks,
    Discovery,
    Certificate,
    PrivateKey,
}

fn role(rel: &str) -> Role {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit('.').next().unwrap_or("");
    if ext == "toml" || ext == "yaml" || (rel.starts_with("lint/") && ext == "json") {
        Role::Config
    } else if ext == "csv" || ext == "jsonl" || (rel.starts_with("sim/") && ext == "json") {
        Role::Directory
    } else if name.starts_with("jwks") && ext == "json" {
        Role::Jwks
    } else if rel.contains("discovery/") {
        Role::Discovery
    } else if ext == "key"
        || name.ends_with(".key.pem")
        || (rel.starts_with("oidc/keys/") && !name.contains(".pub."))
    {
        Role::PrivateKey
    } else if ext == "pem" {
        Role::Certificate
    } else {
        Role::Message
    }
}

#[derive(Default)]
struct Tally {
    mutants: usize,
    runs: BTreeMap<String, BTreeMap<i32, usize>>,
    panics: Vec<String>,
}

impl Tally {
    fn record(&mut self, label: &str, args: &[String], result: Result<i32, String>, what: &str) {
        match result {
            Ok(code) => {
                *self
                    .runs
                    .entry(label.to_string())
                    .or_default()
                    .entry(code)
                    .or_default() += 1
            }
            Err(p) => self
                .panics
                .push(format!("{what}: ssolint {}\n    {p}", args.join(" "))),
        }
    }
}

/// Walk every fixture, mutate it, and hand each mutant (written into a copy of the fixture
/// tree beside the original, so relative references resolve) to `commands`.
fn sweep(tag: &str, commands: impl Fn(Role, &Path, &Path) -> Vec<(String, Vec<String>)>) {
    install_hook();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("fixtures");
    copy_tree(&fixtures, &copy);
    let mut files = Vec::new();
    files_under(&fixtures, &mut files);
    let mut tally = Tally::default();
    for file in &files {
        let rel = file.strip_prefix(&fixtures).unwrap();
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(file).unwrap();
        let name = rel.file_name().unwrap().to_string_lossy().to_string();
        let mutant = copy
            .join(rel.parent().unwrap())
            .join(format!("__mutant-{tag}-{name}"));
        let role = role(&rel_s);
        let mut variants: Vec<(String, Vec<u8>)> = Vec::new();
        for at in (0..bytes.len()).step_by(STEP) {
            variants.push((format!("cut@{at}"), bytes[..at].to_vec()));
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x01;
            variants.push((format!("flip@{at}"), flipped));
        }
        for (how, content) in variants {
            std::fs::write(&mutant, &content).unwrap();
            tally.mutants += 1;
            for (label, args) in commands(role, &mutant, &copy) {
                let result = run(&args);
                tally.record(&label, &args, result, &format!("{rel_s} {how}"));
            }
        }
        let _ = std::fs::remove_file(&mutant);
    }
    println!(
        "{tag}: {} fixtures, {} mutants; exit codes per path: {:?}",
        files.len(),
        tally.mutants,
        tally.runs
    );
    assert!(
        tally.panics.is_empty(),
        "{} panics, first ones:\n{}",
        tally.panics.len(),
        tally
            .panics
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn s(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn decode_survives_every_truncation_and_flip() {
    sweep("decode", |_role, m, _copy| {
        let m = path(m);
        vec![
            (
                "decode json".into(),
                s(&["decode", &m, "--format", "json", "--now", NOW]),
            ),
            (
                "decode human --redact".into(),
                s(&[
                    "decode", &m, "--format", "human", "--redact", "--color", "always", "--now",
                    NOW,
                ]),
            ),
        ]
    });
}

#[test]
fn check_survives_every_truncation_and_flip() {
    sweep("check", |role, m, copy| {
        let m = path(m);
        let c = |rel: &str| path(&copy.join(rel));
        let trust = [
            "--idp-cert".to_string(),
            c("keys/okta.crt.pem"),
            "--idp-cert".to_string(),
            c("dsig/keys/idp.pem"),
            "--sp-key".to_string(),
            c("dsig/keys/sp.key"),
            "--jwks".to_string(),
            c("oidc/jwks.json"),
        ];
        let base = s(&[
            "--issuer",
            "https://idp.example.test",
            "--audience",
            "chatgpt-enterprise",
            "--now",
            NOW,
            "--format",
            "json",
        ]);
        let mut runs = Vec::new();
        let mut message = s(&["check", &m]);
        message.extend(trust.iter().cloned());
        message.extend(base.iter().cloned());
        runs.push(("check MUTANT".to_string(), message));
        let mut with = |label: &str, input: String, flags: Vec<String>| {
            let mut a = vec!["check".to_string(), input];
            a.extend(flags);
            a.extend(base.iter().cloned());
            runs.push((label.to_string(), a));
        };
        match role {
            Role::Jwks => with(
                "check --jwks MUTANT",
                c("oidc/tokens/good.jwt"),
                s(&["--jwks", &m]),
            ),
            Role::Discovery => with(
                "check --discovery MUTANT",
                c("oidc/tokens/good.jwt"),
                s(&["--jwks", &c("oidc/jwks.json"), "--discovery", &m]),
            ),
            Role::Certificate => with(
                "check --idp-cert MUTANT",
                c("dsig/responses/response-signed.xml"),
                s(&["--idp-cert", &m]),
            ),
            Role::PrivateKey => with(
                "check --sp-key MUTANT",
                c("dsig/responses/encrypted-oaep-aes128cbc.xml"),
                s(&["--idp-cert", &c("dsig/keys/idp.pem"), "--sp-key", &m]),
            ),
            _ => {}
        }
        runs
    });
}

#[test]
fn lint_and_simulate_survive_every_truncation_and_flip() {
    sweep("lint", |role, m, copy| {
        let dir = m.parent().unwrap();
        let m = path(m);
        let json = ["--format", "json", "--now", NOW];
        let mut runs = Vec::new();
        match role {
            Role::Config => {
                let mut a = s(&["lint", &m]);
                a.extend(s(&json));
                runs.push(("lint MUTANT".to_string(), a));
            }
            Role::Directory => {
                let config = if dir.join("ssolint.toml").exists() {
                    dir.join("ssolint.toml")
                } else {
                    copy.join("demo/ssolint.toml")
                };
                let mut a = s(&["simulate", "--users", &m, "--config", &path(&config)]);
                a.extend(s(&json));
                runs.push(("simulate --users MUTANT".to_string(), a));
            }
            Role::Message if m.ends_with(".xml") => {
                let mut a = s(&["lint", "--metadata", &m]);
                a.extend(s(&json));
                runs.push(("lint --metadata MUTANT".to_string(), a));
            }
            _ => {}
        }
        runs
    });
}
