//! Reading the files a command names: opened once, capped, and worded the same everywhere.

use crate::error::Fatal;
use crate::rules::input;
use std::io::Read;
use std::path::Path;

/// A file's text, at most `cap` bytes; an error for a directory.
pub fn read_file(path: &Path, what: &str, cap: u64) -> Result<String, Fatal> {
    read_text(path, what, cap)?.ok_or_else(|| is_a_directory(path, what))
}

/// A file's bytes, at most `cap`; an error for a directory.
pub fn read_binary(path: &Path, what: &str, cap: u64) -> Result<Vec<u8>, Fatal> {
    read_bytes(path, what, cap)?.ok_or_else(|| is_a_directory(path, what))
}

fn is_a_directory(path: &Path, what: &str) -> Fatal {
    Fatal::new(
        &input::UNDECODABLE,
        format!("cannot read {what} {}: it is a directory", path.display()),
    )
}

/// A file's text, at most `cap` bytes; `None` for a directory.
pub fn read_text(path: &Path, what: &str, cap: u64) -> Result<Option<String>, Fatal> {
    let Some(bytes) = read_bytes(path, what, cap)? else {
        return Ok(None);
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        Fatal::new(
            &input::NOT_UTF8,
            format!(
                "{what} {} is not UTF-8 (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A file's bytes, at most `cap`; `None` for a directory. The file is opened once and its
/// size taken from the open file (a path-based `metadata` first would look the path up twice).
pub fn read_bytes(path: &Path, what: &str, cap: u64) -> Result<Option<Vec<u8>>, Fatal> {
    let cannot = |e: std::io::Error| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("cannot read {what} {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Ok(None);
    }
    if meta.len() > cap {
        return Err(Fatal::new(
            &input::TOO_LARGE,
            format!(
                "{what} {} is {} bytes; the cap is {cap}",
                path.display(),
                meta.len()
            ),
        ));
    }
    // A regular file is read to the size its open file reports (one read, no second one to
    // find the end); what has no size (a pipe, a device, a /proc file) up to one byte over
    // the cap, so that it cannot grow without bound. `take` gives no size hint: `File`'s own
    // `read_to_end` asks the kernel for the size and position again.
    let limit = match meta.len() {
        0 => cap.saturating_add(1),
        size => size,
    };
    let mut bytes = Vec::with_capacity(usize::try_from(limit.min(cap)).unwrap_or(0));
    file.take(limit).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > cap {
        return Err(Fatal::new(
            &input::TOO_LARGE,
            format!("{what} {} is over the {cap}-byte cap", path.display()),
        ));
    }
    Ok(Some(bytes))
}

/// Up to `limit` bytes of stdin. A file redirected to stdin is read into a buffer of its size
/// (one allocation, not a doubling one per step).
pub fn read_stdin(limit: u64) -> std::io::Result<Vec<u8>> {
    use std::os::fd::AsFd;
    let file = std::fs::File::from(std::io::stdin().as_fd().try_clone_to_owned()?);
    let size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map_or(0, |m| m.len().min(limit));
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}
