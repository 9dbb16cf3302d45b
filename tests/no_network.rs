//! "It makes no network connection, ever, and writes nothing but its output" (PRODUCT.md),
//! proven over every fixture: `decode` on every file under fixtures/, and every command line
//! of fixtures/rules/*/{fire,near-miss}.args (check, lint, simulate, diff …), each run in a
//! temporary copy of the fixture tree.
//!
//! (a) Network: under `strace -f`, no socket other than AF_UNIX is created and nothing
//!     connects, binds or sends to an address. Without strace, each command runs again under
//!     `unshare --net` (no interfaces at all) and must print exactly the same.
//! (b) Writes: the recursive listing (path, size, mtime) of the copy is unchanged after every
//!     command, and so is the real fixture tree after the whole run; under strace, no file is
//!     opened for writing, created, renamed, removed or re-timed. `init -o FILE` and
//!     `lint --write-baseline FILE` write exactly their one requested file.

mod common;
use common::files_under;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::SystemTime;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Guard {
    Strace,
    Unshare,
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn guard() -> Option<Guard> {
    if works("strace", &["-f", "-qq", "-o", "/dev/null", "true"]) {
        Some(Guard::Strace)
    } else if works("unshare", &["--net", "true"]) {
        Some(Guard::Unshare)
    } else {
        println!(
            "SKIPPED: neither `strace` nor `unshare --net` can run here, so network use cannot be \
             observed; install strace (or run as root with util-linux) to run this test"
        );
        None
    }
}

type Listing = BTreeMap<PathBuf, (u64, Option<SystemTime>, bool)>;

fn listing(root: &Path) -> Listing {
    fn walk(root: &Path, dir: &Path, out: &mut Listing) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            out.insert(rel, (meta.len(), meta.modified().ok(), meta.is_dir()));
            if meta.is_dir() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = Listing::new();
    walk(root, root, &mut out);
    out
}

fn diff_listing(before: &Listing, after: &Listing) -> Vec<String> {
    let mut changes = Vec::new();
    for (p, meta) in after {
        match before.get(p) {
            None => changes.push(format!("created {}", p.display())),
            Some(old) if old != meta => changes.push(format!("modified {}", p.display())),
            _ => {}
        }
    }
    for p in before.keys().filter(|p| !after.contains_key(*p)) {
        changes.push(format!("removed {}", p.display()));
    }
    changes
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

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn ssolint_command(wrapper: &[&str], args: &[String], cwd: &Path) -> Command {
    let mut cmd = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(env!("CARGO_BIN_EXE_ssolint"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_ssolint")),
    };
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .env("HOME", cwd)
        .env_remove("NO_COLOR");
    cmd
}

/// System calls that create, change or remove a file.
const MUTATING: [&str; 20] = [
    "creat(",
    "mkdir(",
    "mkdirat(",
    "unlink(",
    "unlinkat(",
    "rmdir(",
    "rename(",
    "renameat(",
    "renameat2(",
    "link(",
    "linkat(",
    "symlink(",
    "symlinkat(",
    "chmod(",
    "fchmodat(",
    "chown(",
    "fchownat(",
    "truncate(",
    "utimensat(",
    "mknodat(",
];

/// Problems in a trace: network use, and writes other than to `allowed` (a path suffix).
fn trace_problems(trace: &str, allowed: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    for line in trace.lines() {
        let call = line
            .split_once(' ')
            .map(|(_, rest)| rest.trim_start())
            .unwrap_or(line);
        let network = (call.starts_with("socket(") && !call.starts_with("socket(AF_UNIX"))
            || call.starts_with("connect(")
            || call.starts_with("bind(")
            || (call.starts_with("sendto(") && call.contains("sa_family"))
            || call.starts_with("sendmsg(") && call.contains("sa_family=AF_INET");
        if network {
            problems.push(format!("network: {call}"));
            continue;
        }
        let opens = call.starts_with("open(") || call.starts_with("openat(");
        let for_writing = opens
            && (call.contains("O_WRONLY") || call.contains("O_RDWR") || call.contains("O_CREAT"));
        let mutates = MUTATING.iter().any(|m| call.starts_with(m));
        if for_writing || mutates {
            let is_allowed = allowed.is_some_and(|a| call.contains(a));
            let is_device = call.contains("\"/dev/");
            if !is_allowed && !is_device {
                problems.push(format!("write: {call}"));
            }
        }
    }
    problems
}

/// Run one command under the guard; returns the problems seen.
fn guarded(guard: Guard, args: &[String], cwd: &Path, allowed: Option<&str>) -> Vec<String> {
    match guard {
        Guard::Strace => {
            let trace_dir = tempfile::tempdir().unwrap();
            let trace = trace_dir.path().join("trace");
            let trace_s = trace.display().to_string();
            let out = ssolint_command(
                &[
                    "strace",
                    "-f",
                    "-qq",
                    "-e",
                    "trace=%network,%file",
                    "-o",
                    &trace_s,
                ],
                args,
                cwd,
            )
            .output()
            .unwrap();
            let mut problems = trace_problems(&std::fs::read_to_string(&trace).unwrap(), allowed);
            problems.extend(crashed(&out));
            problems
        }
        Guard::Unshare => {
            let plain = ssolint_command(&[], args, cwd).output().unwrap();
            let isolated = ssolint_command(&["unshare", "--net"], args, cwd)
                .output()
                .unwrap();
            let mut problems = crashed(&plain);
            if plain.stdout != isolated.stdout || plain.status.code() != isolated.status.code() {
                problems.push("prints differently without a network".to_string());
            }
            problems
        }
    }
}

/// Exit codes other than 0, 1 and 2 mean a crash (a panic is 101).
fn crashed(out: &Output) -> Vec<String> {
    match out.status.code() {
        Some(0..=2) => Vec::new(),
        other => vec![format!(
            "exit {other:?}: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
        )],
    }
}

/// Every rules command line, with its working directory (relative to fixtures/).
fn rule_command_lines() -> Vec<(PathBuf, Vec<String>)> {
    let mut lines = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(fixtures().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        for case in ["fire.args", "near-miss.args"] {
            let Ok(text) = std::fs::read_to_string(dir.join(case)) else {
                continue;
            };
            let mut args: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect();
            args.extend(["--format".to_string(), "json".to_string()]);
            let rel = dir.strip_prefix(fixtures()).unwrap().to_path_buf();
            lines.push((rel, args));
        }
    }
    lines
}

/// Run each command in the copy; the copy must look exactly as before after each one.
fn sweep(guard: Guard, commands: Vec<(PathBuf, Vec<String>)>) {
    let original_before = listing(&fixtures());
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("fixtures");
    copy_tree(&fixtures(), &copy);
    let baseline = listing(tmp.path());
    let mut failures = Vec::new();
    for (rel_cwd, args) in &commands {
        let cwd = copy.join(rel_cwd);
        let mut problems = guarded(guard, args, &cwd, None);
        problems.extend(diff_listing(&baseline, &listing(tmp.path())));
        if !problems.is_empty() {
            failures.push(format!(
                "in fixtures/{}: ssolint {}\n    {}",
                rel_cwd.display(),
                args.join(" "),
                problems.join("\n    ")
            ));
            // Start the next command from a clean copy again.
            std::fs::remove_dir_all(&copy).unwrap();
            copy_tree(&fixtures(), &copy);
        }
    }
    let changed = diff_listing(&original_before, &listing(&fixtures()));
    assert!(changed.is_empty(), "the fixture tree changed: {changed:?}");
    println!("{} commands run under {guard:?}", commands.len());
    assert!(
        failures.is_empty(),
        "{} of {} commands misbehaved:\n{}",
        failures.len(),
        commands.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn decode_of_every_fixture_uses_no_network_and_writes_nothing() {
    let Some(guard) = guard() else { return };
    let mut files = Vec::new();
    files_under(&fixtures(), &mut files);
    let commands = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(fixtures()).unwrap();
            let args = vec![
                "decode".to_string(),
                rel.display().to_string(),
                "--format".to_string(),
                "json".to_string(),
            ];
            (PathBuf::new(), args)
        })
        .collect();
    sweep(guard, commands);
}

#[test]
fn every_rule_command_line_uses_no_network_and_writes_nothing() {
    let Some(guard) = guard() else { return };
    let commands = rule_command_lines();
    assert!(commands.len() > 100, "rule command lines not found");
    sweep(guard, commands);
}

#[test]
fn init_writes_only_the_requested_file() {
    let Some(guard) = guard() else { return };
    let dir = tempfile::tempdir().unwrap();
    let before = listing(dir.path());
    let args: Vec<String> = ["init", "--pattern", "sso-scim", "-o", "starter.toml"]
        .map(String::from)
        .to_vec();
    let problems = guarded(guard, &args, dir.path(), Some("starter.toml\""));
    assert!(problems.is_empty(), "{problems:?}");
    let changes = diff_listing(&before, &listing(dir.path()));
    assert_eq!(changes, vec!["created starter.toml".to_string()]);
}

#[test]
fn lint_write_baseline_writes_only_the_requested_file() {
    let Some(guard) = guard() else { return };
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("demo"), tmp.path());
    let before = listing(tmp.path());
    let args: Vec<String> = [
        "lint",
        "ssolint.toml",
        "--write-baseline",
        "baseline.json",
        "--now",
        "2026-06-01T12:00:00Z",
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec();
    let problems = guarded(guard, &args, tmp.path(), Some("baseline.json\""));
    assert!(problems.is_empty(), "{problems:?}");
    let changes = diff_listing(&before, &listing(tmp.path()));
    assert_eq!(changes, vec!["created baseline.json".to_string()]);
}

#[test]
fn control_the_trace_check_sees_writes_and_connections() {
    // Without this, a trace that records nothing would pass every test above.
    if guard() != Some(Guard::Strace) {
        println!("SKIPPED: strace is not usable, the trace check has nothing to control");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=%network,%file", "-o"])
        .arg(&trace)
        .args([
            "bash",
            "-c",
            "echo x > written; exec 3<>/dev/tcp/127.0.0.1/9 || true",
        ])
        .current_dir(dir.path())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let _ = status;
    let problems = trace_problems(&std::fs::read_to_string(&trace).unwrap(), None);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("write:") && p.contains("written")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("network:")),
        "{problems:?}"
    );
}
