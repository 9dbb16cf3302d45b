//! JUnit XML: one testsuite per report, one testcase per rule evaluated (and per rule that
//! reported something). A rule with active findings at or above `--fail-on` fails, with every
//! such finding listed in the failure body; a rule whose findings are all suppressed is
//! skipped; findings below the threshold go to `system-out`. The `input.*` finding of an
//! unusable input is an `<error>`: the check could not run at all.
//!
//! Written by hand: the output is a few fixed elements, and escaping is the only subtle part.

use super::Report;
use crate::findings::Finding;
use crate::rules::{Rule, Severity};
use std::fmt::Write;

/// Text safe for XML 1.0 content and attribute values; characters XML cannot carry become
/// U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn describe(r: &Report, f: &Finding) -> String {
    let mut s = format!("{}[{}]: {}", f.severity, f.rule.id, f.message);
    match (
        super::human::place(r, f),
        f.location.as_ref().and_then(|l| l.element.as_ref()),
    ) {
        (Some(at), Some(el)) => {
            let _ = write!(s, "\n  at {at} ({el})");
        }
        (Some(at), None) => {
            let _ = write!(s, "\n  at {at}");
        }
        (None, Some(el)) => {
            let _ = write!(s, "\n  at {el}");
        }
        (None, None) => {}
    }
    if let Some(e) = &f.expected {
        let _ = write!(s, "\n  expected: {e}");
    }
    if let Some(found) = &f.found {
        let _ = write!(s, "\n  found: {found}");
    }
    let hint = r.hint_for(f);
    if !hint.is_empty() {
        let _ = write!(s, "\n  fix: {hint}");
    }
    s
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn suite(r: &Report, fail_on: Option<Severity>, counts: &mut Counts) -> String {
    let mut rules: Vec<&'static Rule> = Vec::new();
    for rule in r
        .evaluated
        .iter()
        .copied()
        .chain(r.findings.iter().map(|f| f.rule))
    {
        if !rules.iter().any(|known| known.id == rule.id) {
            rules.push(rule);
        }
    }
    let mut own = Counts::default();
    let mut cases = String::new();
    for rule in rules {
        own.tests += 1;
        let findings: Vec<&Finding> = r.findings.iter().filter(|f| f.rule.id == rule.id).collect();
        let failing: Vec<&&Finding> = findings
            .iter()
            .filter(|f| f.is_active() && fail_on.is_some_and(|t| f.severity >= t))
            .collect();
        let below: Vec<&&Finding> = findings
            .iter()
            .filter(|f| f.is_active() && fail_on.is_none_or(|t| f.severity < t))
            .collect();
        let suppressed: Vec<&&Finding> = findings.iter().filter(|f| !f.is_active()).collect();
        let _ = write!(
            cases,
            "    <testcase name=\"{}\" classname=\"ssolint.{}\"",
            escape(rule.id),
            escape(rule.family())
        );
        if failing.is_empty() && below.is_empty() && suppressed.is_empty() {
            cases.push_str("/>\n");
            continue;
        }
        cases.push_str(">\n");
        if let Some(first) = failing.first() {
            let element = if r.fatal && rule.family() == "input" {
                own.errors += 1;
                "error"
            } else {
                own.failures += 1;
                "failure"
            };
            let message = if failing.len() > 1 {
                format!("{} (and {} more)", first.message, failing.len() - 1)
            } else {
                first.message.clone()
            };
            let body: Vec<String> = failing.iter().map(|f| describe(r, f)).collect();
            let _ = writeln!(
                cases,
                "      <{element} message=\"{}\" type=\"{}\">{}</{element}>",
                escape(&message),
                escape(rule.id),
                escape(&body.join("\n"))
            );
        } else if below.is_empty() {
            own.skipped += 1;
            let reasons: Vec<String> = suppressed
                .iter()
                .filter_map(|f| f.suppressed.as_ref().map(|s| s.reason.clone()))
                .collect();
            let _ = writeln!(
                cases,
                "      <skipped message=\"suppressed: {}\"/>",
                escape(&reasons.join("; "))
            );
        }
        let mut out_lines: Vec<String> = below.iter().map(|f| describe(r, f)).collect();
        if !failing.is_empty() || !below.is_empty() {
            out_lines.extend(suppressed.iter().map(|f| {
                let reason = f
                    .suppressed
                    .as_ref()
                    .map(|s| s.reason.as_str())
                    .unwrap_or("");
                format!("suppressed: {} ({reason})", describe(r, f))
            }));
        }
        if !out_lines.is_empty() {
            let _ = writeln!(
                cases,
                "      <system-out>{}</system-out>",
                escape(&out_lines.join("\n"))
            );
        }
        cases.push_str("    </testcase>\n");
    }
    let name = if r.input.path.is_empty() {
        "-"
    } else {
        &r.input.path
    };
    let head = format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        escape(name),
        own.tests,
        own.failures,
        own.errors,
        own.skipped
    );
    counts.tests += own.tests;
    counts.failures += own.failures;
    counts.errors += own.errors;
    counts.skipped += own.skipped;
    format!("{head}{cases}  </testsuite>\n")
}

pub fn render(reports: &[Report], fail_on: Option<Severity>) -> String {
    let mut counts = Counts::default();
    let suites: String = reports
        .iter()
        .map(|r| suite(r, fail_on, &mut counts))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"ssolint\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n\
         {suites}</testsuites>\n",
        counts.tests, counts.failures, counts.errors, counts.skipped
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fatal;
    use crate::findings::Suppression;
    use crate::rules::input;
    use crate::source::{SourceFile, Span};

    fn sample() -> Report {
        let mut r = Report::new("in<put>.xml");
        let file = r.add_file(SourceFile::new("in<put>.xml", "<a>\n<b/>\n</a>\n"));
        r.evaluated = vec![&input::TOO_LARGE, &input::XML_MALFORMED, &input::TOO_DEEP];
        r.push(
            Finding::new(&input::XML_MALFORMED, "a \"quoted\" & <odd> \u{1} thing")
                .at(file, Span::new(4, 8))
                .element("a/b"),
        );
        r.push(Finding::new(&input::XML_MALFORMED, "second one"));
        r.push(Finding::new(&input::TOO_DEEP, "only a warning").severity(Severity::Warning));
        let mut s = Finding::new(&input::NOT_UTF8, "accepted");
        s.suppressed = Some(Suppression {
            reason: "known".into(),
            expires: None,
        });
        r.push(s);
        r
    }

    #[test]
    fn failures_skips_and_counts() {
        let out = render(&[sample()], Some(Severity::Error));
        assert!(out.contains(
            "<testsuites name=\"ssolint\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\">"
        ));
        assert!(out.contains("<testsuite name=\"in&lt;put&gt;.xml\" tests=\"4\""));
        assert!(out.contains("<testcase name=\"input.too-large\" classname=\"ssolint.input\"/>"));
        assert!(out.contains(
            "message=\"a &quot;quoted&quot; &amp; &lt;odd&gt; \u{FFFD} thing (and 1 more)\" type=\"input.xml-malformed\""
        ));
        assert!(out.contains("at in&lt;put&gt;.xml:2:1 (a/b)"));
        assert!(out.contains("<skipped message=\"suppressed: known\"/>"));
        assert!(out.contains("<system-out>warning[input.too-deep]: only a warning"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn threshold_moves_warnings_into_failures() {
        let out = render(&[sample()], Some(Severity::Warning));
        assert!(out.contains("failures=\"2\""));
        let out = render(&[sample()], None);
        assert!(out.contains("failures=\"0\""));
    }

    #[test]
    fn fatal_input_is_an_error() {
        let fatal = Fatal::new(&input::DTD_FORBIDDEN, "DOCTYPE refused");
        let out = render(
            &[Report::from_fatal("x.xml", &fatal)],
            Some(Severity::Error),
        );
        assert!(out.contains("errors=\"1\""));
        assert!(out.contains("<error message=\"DOCTYPE refused\" type=\"input.dtd-forbidden\">"));
    }

    #[test]
    fn output_is_well_formed_xml() {
        let out = render(&[sample(), Report::new("empty")], Some(Severity::Error));
        let doc = crate::xml::tree::Document::parse(
            out.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        );
        assert!(doc.is_ok(), "{out}");
    }

    proptest::proptest! {
        #[test]
        fn any_message_and_path_give_well_formed_xml(msg in "\\PC*", path in "\\PC*", ctl in 0u32..0x20) {
            let mut r = Report::new(path);
            let odd = char::from_u32(ctl).unwrap_or('x');
            r.push(Finding::new(&input::XML_MALFORMED, format!("{msg}{odd}")).hint(msg.clone()));
            let out = render(&[r], Some(Severity::Error));
            let body = out.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            proptest::prop_assert!(crate::xml::tree::Document::parse(body).is_ok(), "{}", out);
        }
    }
}
