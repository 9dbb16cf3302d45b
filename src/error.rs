//! The error that ends a run with exit code 2: the input, configuration or flags could not be
//! used at all. It carries the `input.*`/`config.*` rule it maps to, so json/sarif/junit
//! output still carries a report with verdict `error`.

use crate::findings::Finding;
use crate::rules::Rule;
use crate::source::SourceFile;
use std::fmt;

#[derive(Debug, Clone)]
pub struct Fatal {
    pub rule: &'static Rule,
    /// One line: what was wrong and where (`path:line:column: ...`).
    pub message: String,
    /// The text and byte offset the error points at, when there is one.
    pub source: Option<(SourceFile, usize)>,
}

impl Fatal {
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Fatal {
            rule,
            message: message.into(),
            source: None,
        }
    }

    /// Point the error at a byte offset of a text; the message gains `path:line:col`.
    pub fn at(mut self, file: SourceFile, offset: usize) -> Self {
        let (line, col) = file.line_col(offset);
        self.message = format!("{}:{line}:{col}: {}", file.path, self.message);
        self.source = Some((file, offset));
        self
    }

    /// The finding that represents this error in a report.
    pub fn to_finding(&self) -> (Finding, Option<SourceFile>) {
        let mut f = Finding::new(self.rule, self.message.clone());
        let mut file = None;
        if let Some((src, offset)) = &self.source {
            f = f.at(0, crate::source::Span::new(*offset, *offset));
            file = Some(src.clone());
        }
        (f, file)
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.rule.id, self.message)
    }
}

impl std::error::Error for Fatal {}

pub type Result<T> = std::result::Result<T, Fatal>;
