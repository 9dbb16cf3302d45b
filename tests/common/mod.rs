//! Helpers shared by integration tests that walk the fixture tree.

use std::path::{Path, PathBuf};

/// Every file below `dir`, depth first, in sorted order (stable test output).
pub fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}
