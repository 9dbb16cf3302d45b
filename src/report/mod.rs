//! One report model, rendered into each output format from the same findings.

pub mod docs;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::cli::{Ctx, Format};
use crate::error::Fatal;
use crate::findings::{FileId, Finding};
use crate::rules::{Rule, Severity, Vendor};
use crate::source::SourceFile;
use serde_json::{Map, Value};

/// What was read: path, kind and the encodings peeled (outermost first).
#[derive(Debug, Clone, Default)]
pub struct InputInfo {
    pub path: String,
    /// `saml-response`, `jwt`, `config`, … (PRODUCT.md's list); None when nothing was read.
    pub kind: Option<String>,
    pub encodings: Vec<String>,
}

/// One message of a HAR capture (or one input of a batch), in order.
#[derive(Debug, Clone, Default)]
pub struct MessageInfo {
    pub kind: String,
    pub encodings: Vec<String>,
    pub url: Option<String>,
    pub method: Option<String>,
    pub time: Option<String>,
    /// The file (decoded text) this message's findings point into.
    pub file: Option<FileId>,
    /// Command-specific facts (decode's summary of the message).
    pub summary: Map<String, Value>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Texts the findings point into; `Location::file` indexes this list.
    pub files: Vec<SourceFile>,
    pub input: InputInfo,
    pub findings: Vec<Finding>,
    /// Command-specific summary fields (merged with the finding counts in json).
    pub summary: Map<String, Value>,
    pub messages: Vec<MessageInfo>,
    /// The IdP the message or configuration came from, for fix hints.
    pub vendor: Option<Vendor>,
    /// Rules that were evaluated (junit: one testcase each).
    pub evaluated: Vec<&'static Rule>,
    /// Human output: the text shown after the findings (decode's pretty-printed message).
    pub body: Option<String>,
    /// The input could not be used at all (verdict `error`, exit 2).
    pub fatal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Error,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

impl Report {
    pub fn new(path: impl Into<String>) -> Report {
        Report {
            input: InputInfo {
                path: path.into(),
                ..InputInfo::default()
            },
            ..Report::default()
        }
    }

    /// Add a text findings can point into; returns its id.
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The report for an input that could not be used (exit 2).
    pub fn from_fatal(path: impl Into<String>, fatal: &Fatal) -> Report {
        let mut r = Report::new(path);
        let (mut finding, file) = fatal.to_finding();
        if let Some(file) = file {
            let id = r.add_file(file);
            if let Some(loc) = finding.location.as_mut() {
                loc.file = id;
            }
        }
        r.push(finding);
        r.fatal = true;
        r
    }

    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_active())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.active().filter(|f| f.severity == severity).count()
    }

    pub fn verdict(&self) -> Verdict {
        if self.fatal {
            return Verdict::Error;
        }
        match self.active().map(|f| f.severity).max() {
            Some(Severity::Error) => Verdict::Fail,
            Some(Severity::Warning) => Verdict::Warn,
            _ => Verdict::Pass,
        }
    }

    /// 0: nothing at or above the threshold; 1: findings at or above it; 2: unusable input.
    pub fn exit_code(&self, fail_on: Option<Severity>) -> i32 {
        if self.fatal {
            return 2;
        }
        match fail_on {
            Some(t) if self.active().any(|f| f.severity >= t) => 1,
            _ => 0,
        }
    }

    /// The hint shown for a finding: its own, else the rule's fix in the IdP's words.
    pub fn hint_for(&self, f: &Finding) -> String {
        f.hint
            .clone()
            .unwrap_or_else(|| f.rule.fix_for(self.vendor).to_string())
    }

    /// Path, 1-based line and column of a finding's location.
    pub fn position(&self, f: &Finding) -> Option<(String, usize, usize)> {
        let loc = f.location.as_ref()?;
        let file = self.files.get(loc.file)?;
        let (line, col) = loc.span.map(|s| file.line_col(s.start)).unwrap_or((1, 1));
        Some((file.path.clone(), line, col))
    }

    /// Sort findings by file, position, then severity (highest first), for stable output.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                let loc = f.location.as_ref();
                (
                    loc.map(|l| l.file).unwrap_or(usize::MAX),
                    loc.and_then(|l| l.span)
                        .map(|s| s.start)
                        .unwrap_or(usize::MAX),
                )
            };
            key(a)
                .cmp(&key(b))
                .then(b.severity.cmp(&a.severity))
                .then(a.rule.id.cmp(b.rule.id))
        });
    }
}

/// Render a report in the context's format.
pub fn render(report: &Report, ctx: &Ctx) -> String {
    match ctx.format {
        Format::Human | Format::Csv => human::render(report, ctx),
        Format::Json => json::render(report),
        Format::Jsonl => json::render_line(report),
        Format::Sarif => sarif::render(std::slice::from_ref(report)),
        Format::Junit => junit::render(std::slice::from_ref(report), ctx.fail_on),
    }
}

/// Render several reports (batch check): jsonl gives one line each; sarif and junit merge.
pub fn render_many(reports: &[Report], ctx: &Ctx) -> String {
    match ctx.format {
        Format::Sarif => sarif::render(reports),
        Format::Junit => junit::render(reports, ctx.fail_on),
        Format::Json => {
            if let [only] = reports {
                return json::render(only);
            }
            let values: Vec<Value> = crate::parallel::map_ordered(reports, json::to_value);
            let mut s = serde_json::to_string_pretty(&Value::Array(values)).unwrap_or_default();
            s.push('\n');
            s
        }
        // A batch's reports are rendered on every core too.
        Format::Jsonl => crate::parallel::map_ordered(reports, json::render_line).concat(),
        Format::Human | Format::Csv => {
            crate::parallel::map_ordered(reports, |r| human::render(r, ctx)).join("\n")
        }
    }
}
