//! rustc-style diagnostics, rendered by codespan-reporting.
//!
//! Active findings come first, each with the decoded lines around its span, then
//! `= expected:` / `= found:` / `= fix:` notes. Suppressed findings follow as one dimmed line
//! each with their reason (they never count toward the verdict, but a reviewer should see
//! what was waved through). Then the body (decode's pretty-printed message) and a one-line
//! verdict. `--quiet` keeps the findings only.

use super::{Report, Verdict};
use crate::cli::Ctx;
use crate::findings::{FileId, Finding};
use crate::rules::Severity;
use crate::source::Span;
use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as DiagSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Buffer, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Chars, Config};
use std::io::Write;

pub fn render(r: &Report, ctx: &Ctx) -> String {
    let mut files = SimpleFiles::new();
    for f in &r.files {
        files.add(f.path.clone(), f.text.clone());
    }
    let config = Config {
        // ASCII art survives being pasted into tickets, e-mails and chat.
        chars: Chars::ascii(),
        ..Config::default()
    };
    let mut buf = if ctx.color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };

    let active: Vec<&Finding> = r.active().collect();
    if r.messages.is_empty() {
        for f in &active {
            emit_finding(&mut buf, &config, &files, r, f);
        }
    } else {
        // Findings about the flow as a whole (pairing, ordering) come before the messages.
        let in_message = |f: &Finding, file: Option<FileId>| {
            file.is_some() && f.location.as_ref().map(|l| l.file) == file
        };
        for f in active
            .iter()
            .filter(|f| !r.messages.iter().any(|m| in_message(f, m.file)))
        {
            emit_finding(&mut buf, &config, &files, r, f);
        }
        for (i, m) in r.messages.iter().enumerate() {
            let mut header = format!("message {}: {}", i + 1, m.kind);
            for part in [&m.method, &m.url, &m.time].into_iter().flatten() {
                header.push(' ');
                header.push_str(part);
            }
            if !m.encodings.is_empty() {
                header.push_str(&format!(" ({})", m.encodings.join(" > ")));
            }
            styled(&mut buf, &bold(), &format!("== {header}\n"));
            for f in active.iter().filter(|f| in_message(f, m.file)) {
                emit_finding(&mut buf, &config, &files, r, f);
            }
        }
    }

    let suppressed: Vec<&Finding> = r.findings.iter().filter(|f| !f.is_active()).collect();
    if !suppressed.is_empty() {
        let mut dim = ColorSpec::new();
        dim.set_dimmed(true);
        for f in &suppressed {
            let mut line = format!("suppressed[{}]: {}", f.rule.id, f.message);
            if let Some(s) = &f.suppressed {
                line.push_str(&format!(" (reason: {}", s.reason));
                if let Some(exp) = &s.expires {
                    line.push_str(&format!("; expires {exp}"));
                }
                line.push(')');
            }
            if let Some(at) = place(r, f) {
                line.push_str(&format!(" at {at}"));
            }
            styled(&mut buf, &dim, &format!("{line}\n"));
        }
        let _ = writeln!(buf);
    }

    if !ctx.quiet {
        if let Some(body) = &r.body {
            let _ = write!(buf, "{body}");
            if !body.ends_with('\n') {
                let _ = writeln!(buf);
            }
            let _ = writeln!(buf);
        }
        let line = verdict_line(r);
        let mut spec = bold();
        spec.set_fg(Some(match r.verdict() {
            Verdict::Pass => codespan_reporting::term::termcolor::Color::Green,
            Verdict::Warn => codespan_reporting::term::termcolor::Color::Yellow,
            Verdict::Fail | Verdict::Error => codespan_reporting::term::termcolor::Color::Red,
        }));
        styled(&mut buf, &spec, &format!("{line}\n"));
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// `path:line:column` of a finding with a span, `path` of one that names only a file.
pub fn place(r: &Report, f: &Finding) -> Option<String> {
    let loc = f.location.as_ref()?;
    let file = r.files.get(loc.file)?;
    Some(match loc.span {
        Some(span) => {
            let (line, col) = file.line_col(span.start);
            format!("{}:{line}:{col}", file.path)
        }
        None => file.path.clone(),
    })
}

/// `verdict: fail — 2 errors, 1 warning (1 suppressed)`.
pub fn verdict_line(r: &Report) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
    ] {
        let n = r.count(sev);
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let counts = if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    };
    let mut line = format!("verdict: {} \u{2014} {counts}", r.verdict().as_str());
    let suppressed = r.findings.iter().filter(|f| !f.is_active()).count();
    if suppressed > 0 {
        line.push_str(&format!(" ({suppressed} suppressed)"));
    }
    line
}

fn bold() -> ColorSpec {
    let mut spec = ColorSpec::new();
    spec.set_bold(true);
    spec
}

fn styled(buf: &mut Buffer, spec: &ColorSpec, text: &str) {
    let _ = buf.set_color(spec);
    let _ = buf.write_all(text.as_bytes());
    let _ = buf.reset();
}

fn emit_finding(
    buf: &mut Buffer,
    config: &Config,
    files: &SimpleFiles<String, String>,
    r: &Report,
    f: &Finding,
) {
    let severity = match f.severity {
        Severity::Error => DiagSeverity::Error,
        Severity::Warning => DiagSeverity::Warning,
        Severity::Info => DiagSeverity::Note,
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if let Some(loc) = &f.location {
        match (loc.span, r.files.get(loc.file)) {
            (Some(span), Some(file)) => {
                let mut label = Label::primary(loc.file, clamp(&file.text, span));
                if let Some(el) = &loc.element {
                    label = label.with_message(el.clone());
                }
                labels.push(label);
            }
            (_, file) => {
                let path = file.map(|f| f.path.as_str()).unwrap_or(&r.input.path);
                let at = match &loc.element {
                    Some(el) => format!("at: {path} ({el})"),
                    None => format!("at: {path}"),
                };
                notes.push(at);
            }
        }
    }
    for l in &f.labels {
        if let Some(file) = r.files.get(l.file) {
            labels.push(
                Label::secondary(l.file, clamp(&file.text, l.span)).with_message(l.message.clone()),
            );
        }
    }
    if let Some(e) = &f.expected {
        notes.push(format!("expected: {e}"));
    }
    if let Some(found) = &f.found {
        notes.push(format!("found: {found}"));
    }
    let hint = r.hint_for(f);
    if !hint.is_empty() {
        let vendor_specific = f.hint.is_none()
            && r.vendor
                .is_some_and(|v| f.rule.vendor_fixes.iter().any(|(fv, _)| *fv == v));
        match r.vendor {
            Some(v) if vendor_specific => notes.push(format!("fix ({}): {hint}", v.display_name())),
            _ => notes.push(format!("fix: {hint}")),
        }
    }
    let diagnostic = Diagnostic::new(severity)
        .with_code(f.rule.id)
        .with_message(f.message.clone())
        .with_labels(labels)
        .with_notes(notes);
    if term::emit(buf, config, files, &diagnostic).is_err() {
        // A span codespan cannot place: say the finding without its snippet.
        let _ = writeln!(buf, "{}[{}]: {}\n", f.severity, f.rule.id, f.message);
    }
}

/// A span clamped into the text and widened to character boundaries, so a stale or
/// hostile span never makes the renderer slice mid-character.
fn clamp(text: &str, span: Span) -> std::ops::Range<usize> {
    let mut start = span.start.min(text.len());
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Suppression;
    use crate::report::MessageInfo;
    use crate::rules::{input, Vendor};
    use crate::source::SourceFile;

    fn ctx() -> Ctx {
        let mut c = Ctx::for_tests(chrono::DateTime::UNIX_EPOCH);
        c.format = crate::cli::Format::Human;
        c
    }

    fn sample() -> Report {
        let mut r = Report::new("response.xml");
        let text = "<Response>\n  <Audience>https://wrong.example</Audience>\n</Response>\n";
        let file = r.add_file(SourceFile::new("response.xml", text));
        let start = text.find("https://wrong").unwrap();
        let end = start + "https://wrong.example".len();
        r.push(
            Finding::new(&input::XML_MALFORMED, "the audience names another SP")
                .at(file, Span::new(start, end))
                .element("Response/Audience")
                .label(file, Span::new(0, 10), "in this response")
                .expected("https://chatgpt.example")
                .found("https://wrong.example"),
        );
        r.push(Finding::new(&input::TOO_DEEP, "a file-level problem").severity(Severity::Warning));
        let mut s = Finding::new(&input::NOT_UTF8, "waved through");
        s.suppressed = Some(Suppression {
            reason: "legacy IdP".into(),
            expires: Some("2027-01-01".into()),
        });
        r.push(s);
        r
    }

    #[test]
    fn renders_snippet_notes_suppressed_and_verdict() {
        let out = render(&sample(), &ctx());
        assert!(out.contains("error[input.xml-malformed]: the audience names another SP"));
        assert!(out.contains("--> response.xml:2:13"), "{out}");
        assert!(out.contains("= expected: https://chatgpt.example"));
        assert!(out.contains("= found: https://wrong.example"));
        assert!(out.contains("in this response"));
        assert!(out.contains("warning[input.too-deep]"));
        assert!(out.contains(
            "suppressed[input.not-utf8]: waved through (reason: legacy IdP; expires 2027-01-01)"
        ));
        assert!(out.ends_with("verdict: fail \u{2014} 1 error, 1 warning (1 suppressed)\n"));
        assert!(!out.contains('\u{1b}'), "no colour was asked for");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn quiet_drops_body_and_verdict() {
        let mut r = sample();
        r.body = Some("<pretty/>".into());
        let mut c = ctx();
        c.quiet = true;
        let out = render(&r, &c);
        assert!(out.contains("error[input.xml-malformed]"));
        assert!(!out.contains("verdict:"));
        assert!(!out.contains("<pretty/>"));
        c.quiet = false;
        assert!(render(&r, &c).contains("<pretty/>\n\nverdict:"));
    }

    #[test]
    fn colour_only_when_asked() {
        let mut c = ctx();
        c.color = true;
        assert!(render(&sample(), &c).contains('\u{1b}'));
    }

    #[test]
    fn vendor_fix_is_labelled_with_the_vendor_name_only_when_it_differs() {
        static WITH_OKTA: crate::rules::Rule = crate::rules::Rule {
            id: "saml.test-rule",
            summary: "s",
            why: "w",
            fix: "generic fix",
            vendor_fixes: &[(Vendor::Okta, "okta fix")],
            source: "src",
            ..crate::rules::Rule::BLANK
        };
        let mut r = Report::new("x");
        r.push(Finding::new(&WITH_OKTA, "m"));
        assert!(render(&r, &ctx()).contains("= fix: generic fix"));
        r.vendor = Some(Vendor::Okta);
        assert!(render(&r, &ctx()).contains("= fix (Okta): okta fix"));
        r.vendor = Some(Vendor::Entra);
        assert!(render(&r, &ctx()).contains("= fix: generic fix"));
    }

    #[test]
    fn bad_spans_never_panic() {
        let mut r = Report::new("x");
        let file = r.add_file(SourceFile::new("x", "é\n"));
        r.push(Finding::new(&input::NOT_UTF8, "mid-char").at(file, Span::new(1, 1)));
        r.push(Finding::new(&input::NOT_UTF8, "past end").at(file, Span::new(50, 90)));
        r.push(Finding::new(&input::NOT_UTF8, "no such file").at(7, Span::new(0, 1)));
        let out = render(&r, &ctx());
        assert!(out.contains("mid-char") && out.contains("past end"));
        assert!(out.contains("no such file") && out.contains("= at: x"));
    }

    #[test]
    fn har_messages_get_a_header_each_with_their_findings() {
        let mut r = Report::new("capture.har");
        let a = r.add_file(SourceFile::new("capture.har#1", "<AuthnRequest/>\n"));
        let b = r.add_file(SourceFile::new("capture.har#2", "<Response/>\n"));
        for (file, kind) in [(a, "saml-authn-request"), (b, "saml-response")] {
            r.messages.push(MessageInfo {
                kind: kind.into(),
                method: Some("POST".into()),
                url: Some("https://idp.example/sso".into()),
                file: Some(file),
                ..MessageInfo::default()
            });
        }
        r.push(Finding::new(&input::XML_MALFORMED, "in the response").at(b, Span::new(1, 9)));
        r.push(Finding::new(&input::UNDECODABLE, "about the flow"));
        let out = render(&r, &ctx());
        let flow = out.find("about the flow").unwrap();
        let h1 = out
            .find("== message 1: saml-authn-request POST https://idp.example/sso")
            .unwrap();
        let h2 = out.find("== message 2: saml-response").unwrap();
        let resp = out.find("in the response").unwrap();
        assert!(flow < h1 && h1 < h2 && h2 < resp, "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn fatal_report_points_at_the_offset_and_says_error() {
        let fatal = crate::error::Fatal::new(&input::DTD_FORBIDDEN, "DOCTYPE refused").at(
            SourceFile::new("in.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE r>\n<r/>\n"),
            22,
        );
        let out = render(&Report::from_fatal("in.xml", &fatal), &ctx());
        assert!(out.contains("error[input.dtd-forbidden]: in.xml:2:1: DOCTYPE refused"));
        assert!(out.contains("--> in.xml:2:1"), "{out}");
        assert!(out.ends_with("verdict: error \u{2014} 1 error\n"), "{out}");
    }

    #[test]
    fn clean_report_says_pass() {
        assert_eq!(
            verdict_line(&Report::new("x")),
            "verdict: pass \u{2014} no findings"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_and_span_render_without_panic(
            text in "\\PC{0,40}(\n\\PC{0,40}){0,3}",
            a in 0usize..200,
            b in 0usize..200,
        ) {
            let mut r = Report::new("x");
            let file = r.add_file(SourceFile::new("x", text));
            r.push(
                Finding::new(&input::NOT_UTF8, "m")
                    .at(file, Span::new(a, b))
                    .label(file, Span::new(b, a), "l"),
            );
            let out = render(&r, &ctx());
            proptest::prop_assert!(out.contains("error[input.not-utf8]: m"));
        }
    }
}
