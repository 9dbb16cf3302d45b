//! `decode` over the external corpus (read at run time, never copied): every SAML response,
//! token and SCIM example is either recognised or refused with a one-line `input.*` error;
//! nothing panics. Skips with a message when the corpus is absent.

use ssolint::cli::{Ctx, Format};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: no corpus at {}", dir.display());
        None
    }
}

/// Rows of every MANIFEST.tsv under `dir`: (file path, expected verdict).
fn rows(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "MANIFEST.tsv") {
                let base = p.parent().unwrap().to_path_buf();
                let text = std::fs::read_to_string(&p).unwrap();
                for line in text.lines().skip(1) {
                    let cols: Vec<&str> = line.split('\t').collect();
                    if let (Some(file), Some(expected)) = (cols.first(), cols.get(4)) {
                        out.push((base.join(file), expected.to_string()));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn decode_file(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let label = path.display().to_string();
    let input = ssolint::input::decode(&label, &bytes).map_err(|f| f.to_string())?;
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
        .unwrap()
        .to_utc();
    for format in [Format::Json, Format::Human] {
        let mut ctx = Ctx::for_tests(now);
        ctx.format = format;
        ctx.redact = format == Format::Human;
        let report = ssolint::commands::decode::build_report(&ctx, &input);
        let _ = ssolint::report::render(&report, &ctx);
    }
    Ok(input.kind.as_str().to_string())
}

#[test]
fn saml_responses_decode_or_fail_cleanly() {
    let Some(root) = corpus() else { return };
    let rows = rows(&root.join("saml"));
    assert!(!rows.is_empty(), "no SAML rows");
    let mut recognised = 0;
    let mut refused = Vec::new();
    for (path, expected) in &rows {
        match decode_file(path) {
            Ok(kind) => {
                assert!(
                    kind.starts_with("saml-"),
                    "{}: decoded as {kind}",
                    path.display()
                );
                recognised += 1;
            }
            Err(line) => {
                assert!(line.starts_with("error[input."), "{line}");
                assert!(!line.contains('\n'), "{line}");
                refused.push(format!("{expected}\t{line}"));
            }
        }
    }
    eprintln!(
        "SAML corpus: {recognised} of {} recognised; refused:",
        rows.len()
    );
    for r in &refused {
        eprintln!("  {r}");
    }
    // A refusal is only right for inputs their source calls invalid, except where ssolint is
    // deliberately stricter than the source's parser.
    const STRICTER: &[(&str, &str)] = &[(
        "samael/test_vectors/response_encrypted_valid.xml",
        "uses the prefix `saml` outside the element that declares it; libxml2 recovers with a warning, ssolint refuses XML that is not namespace-well-formed (input.xml-malformed)",
    )];
    for r in &refused {
        if r.starts_with("valid") {
            assert!(
                STRICTER.iter().any(|(file, _)| r.contains(file)),
                "a valid input was refused: {r}"
            );
        }
    }
}

#[test]
fn tokens_and_scim_examples_decode_or_fail_cleanly() {
    let Some(root) = corpus() else { return };
    for folder in ["oidc", "scim"] {
        for (path, _) in rows(&root.join(folder)) {
            let name = path.display().to_string();
            if !(name.ends_with(".jwt") || (folder == "scim" && name.ends_with(".json"))) {
                continue;
            }
            match decode_file(&path) {
                Ok(kind) => eprintln!("{name}: {kind}"),
                Err(line) => {
                    assert!(line.starts_with("error[input."), "{line}");
                    assert!(!line.contains('\n'), "{line}");
                    eprintln!("{name}: {line}");
                }
            }
        }
    }
}
