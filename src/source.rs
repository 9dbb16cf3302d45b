//! Decoded text of one input and byte spans into it.
//!
//! Every finding points at a span of the text that was actually parsed (the decoded message,
//! not the base64 the user pasted), so line and column mean something to a human reading
//! the pretty-printed message.

use serde::Serialize;

/// A half-open byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One text a report points into: a decoded message, a configuration file, a metadata file.
#[derive(Debug)]
pub struct SourceFile {
    /// What the user gave: a path, `-` for stdin, or `capture.har#3` for a HAR entry.
    pub path: String,
    pub text: String,
    /// Line numbers of the offsets `line_col` was asked about: most texts never need one,
    /// and the findings of a 100 MB aggregate mostly point into its first part.
    lines: std::sync::Mutex<LineIndex>,
}

/// Offsets with the number of line feeds before each, in offset order; a look-up counts
/// the line feeds from the nearest one before it.
#[derive(Debug, Clone)]
struct LineIndex {
    known: Vec<(usize, usize)>,
}

impl Clone for SourceFile {
    fn clone(&self) -> Self {
        SourceFile {
            path: self.path.clone(),
            text: self.text.clone(),
            lines: std::sync::Mutex::new(self.line_index().clone()),
        }
    }
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            lines: std::sync::Mutex::new(LineIndex {
                known: vec![(0, 0)],
            }),
        }
    }

    fn line_index(&self) -> std::sync::MutexGuard<'_, LineIndex> {
        // The index is only ever extended: one left half-extended by a panic is still right.
        self.lines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end clamp.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let bytes = self.text.as_bytes();
        let before = bytes.get(..offset).unwrap_or_default();
        let line = {
            let mut index = self.line_index();
            let at = index.known.partition_point(|(o, _)| *o <= offset);
            let (from, lines) = index
                .known
                .get(at.wrapping_sub(1))
                .copied()
                .unwrap_or((0, 0));
            // memchr counts with vector instructions.
            let counted =
                memchr::memchr_iter(b'\n', before.get(from..).unwrap_or_default()).count();
            index.known.insert(at, (offset, lines + counted));
            lines + counted
        };
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let column = self
            .text
            .get(line_start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, column + 1)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let f = SourceFile::new("x", "ab\ncdé\nf");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4));
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_col(999), (3, 2));
    }

    #[test]
    fn lines_found_in_any_order_agree_with_a_full_count() {
        let text: String = (0..300_000).map(|i| format!("line {i}\n")).collect();
        let f = SourceFile::new("x", text.clone());
        for offset in [text.len() - 3, 17, 2_500_000, 0, 1_048_576, text.len()] {
            let line = text[..offset].matches('\n').count() + 1;
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            assert_eq!(
                f.line_col(offset),
                (line, offset - start + 1),
                "at {offset}"
            );
            assert_eq!(f.clone().line_col(offset), (line, offset - start + 1));
        }
    }
}
