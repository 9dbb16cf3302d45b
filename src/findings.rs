//! One findings model for every command; `report/` renders it into each output format.

use crate::rules::{Rule, Severity};
use crate::source::Span;
use serde::Serialize;

/// Index of a [`crate::source::SourceFile`] in the report's file list.
pub type FileId = usize;

/// Where a finding points: a span of one file, and the element or key it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Option<Span>,
    /// XML element path (`Response/Assertion/Conditions`) or dotted configuration key.
    pub element: Option<String>,
}

/// A secondary span with its own note ("the signed assertion is here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub reason: String,
    pub expires: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Effective severity (the rule's default unless the configuration overrides it).
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub labels: Vec<Label>,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// A fix specific to this finding; the rule's (vendor-aware) fix is used when absent.
    pub hint: Option<String>,
    pub suppressed: Option<Suppression>,
}

impl Finding {
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            location: None,
            labels: Vec::new(),
            expected: None,
            found: None,
            hint: None,
            suppressed: None,
        }
    }

    pub fn at(mut self, file: FileId, span: Span) -> Self {
        let element = self.location.take().and_then(|l| l.element);
        self.location = Some(Location {
            file,
            span: Some(span),
            element,
        });
        self
    }

    /// Point at a file without a span (the file as a whole).
    pub fn in_file(mut self, file: FileId) -> Self {
        let element = self.location.take().and_then(|l| l.element);
        self.location = Some(Location {
            file,
            span: None,
            element,
        });
        self
    }

    /// Name the element or key. Call after [`Finding::at`] or [`Finding::in_file`].
    pub fn element(mut self, element: impl Into<String>) -> Self {
        let loc = self.location.get_or_insert(Location {
            file: 0,
            span: None,
            element: None,
        });
        loc.element = Some(element.into());
        self
    }

    pub fn label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn expected(mut self, v: impl Into<String>) -> Self {
        self.expected = Some(v.into());
        self
    }

    pub fn found(mut self, v: impl Into<String>) -> Self {
        self.found = Some(v.into());
        self
    }

    pub fn hint(mut self, v: impl Into<String>) -> Self {
        self.hint = Some(v.into());
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    /// Counts toward the verdict and the exit code.
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none()
    }
}
