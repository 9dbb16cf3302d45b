//! A batch of `check` inputs, read and rendered by the workers: its JSON Lines are those of
//! each input checked alone, in input order, whatever the number of workers, and unreadable
//! inputs are reported in order on stderr too.

use std::path::{Path, PathBuf};
use std::process::Command;

fn check_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(inputs: &[&str], threads: &str) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .arg("check")
        .args(inputs)
        .args(["--now", "2026-03-01T10:01:00Z", "--format", "jsonl"])
        .current_dir(check_dir())
        .env("SSOLINT_THREADS", threads)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ssolint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_batch_reports_each_input_as_it_would_alone_in_input_order() {
    let mut responses: Vec<String> = std::fs::read_dir(check_dir().join("responses"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| format!("responses/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    responses.sort();
    assert!(responses.len() >= 4, "{responses:?}");
    // Unreadable inputs between readable ones: a missing file and a directory's own listing.
    let mut inputs: Vec<&str> = responses.iter().map(String::as_str).collect();
    inputs.insert(1, "responses/no-such-file.xml");
    inputs.insert(3, "responses/also-missing.xml");

    let missing = [(1, "no-such-file.xml"), (3, "also-missing.xml")];
    let mut expected_lines = Vec::new();
    let mut expected_code = 2;
    for input in &responses {
        let alone = check(&[input], "1");
        assert!(alone.code < 2, "{input}: {}", alone.stderr);
        expected_lines.push(alone.stdout);
        expected_code = expected_code.max(alone.code);
    }
    for threads in ["1", "2", "8"] {
        let batch = check(&inputs, threads);
        assert_eq!(
            batch.code, expected_code,
            "{threads} workers: {}",
            batch.stderr
        );
        let mut lines: Vec<String> = batch.stdout.lines().map(|l| format!("{l}\n")).collect();
        assert_eq!(lines.len(), inputs.len(), "{threads} workers");
        for (at, name) in missing.iter().rev() {
            let line = lines.remove(*at);
            assert!(
                line.contains(&format!("cannot read input responses/{name}")),
                "{threads} workers: {line}"
            );
        }
        for (input, (alone, batched)) in responses.iter().zip(expected_lines.iter().zip(&lines)) {
            assert!(
                alone == batched,
                "{threads} workers: {input} differs from its own run"
            );
        }
        let errors: Vec<&str> = batch.stderr.lines().collect();
        assert_eq!(errors.len(), 2, "{}", batch.stderr);
        assert!(errors[0].contains("no-such-file.xml") && errors[1].contains("also-missing.xml"));
    }
}

#[test]
fn a_directory_gives_its_files_and_the_files_its_links_point_to() {
    let dir = std::env::temp_dir().join(format!("ssolint-batch-dir-{}", std::process::id()));
    let base = check_dir().join("responses/base.xml");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(&base, dir.join("a.xml")).unwrap();
    std::fs::copy(&base, dir.join("sub/inner.xml")).unwrap();
    std::os::unix::fs::symlink(&base, dir.join("b-link.xml")).unwrap();
    std::os::unix::fs::symlink(dir.join("sub"), dir.join("c-link-to-dir")).unwrap();
    std::fs::write(dir.join("ssolint.toml"), "").unwrap();
    let run = check(&[dir.to_str().unwrap()], "2");
    std::fs::remove_dir_all(&dir).ok();
    let paths: Vec<String> = run
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["input"]["path"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let names: Vec<&str> = paths
        .iter()
        .map(|p| p.rsplit('/').next().unwrap_or_default())
        .collect();
    assert_eq!(names, ["a.xml", "b-link.xml"], "{}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
