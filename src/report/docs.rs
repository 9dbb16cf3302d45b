//! Rule documentation rendered from the registry: the JSON object of `ssolint rules --format
//! json`, the terminal text of `ssolint explain`, and `docs/rules.md`. One source, so the
//! documentation cannot drift from the code.

use crate::rules::{self, Rule};
use serde_json::{json, Map, Value};

/// The family headings of `docs/rules.md`, in catalogue order.
fn family_title(family: &str) -> &'static str {
    match family {
        "input" => "decoding and parsing (exit code 2 where nothing could be read)",
        "saml" => "SAML response and assertion (check)",
        "oidc" => "OIDC ID token (check)",
        "metadata" => "SAML metadata (lint, federation aggregates)",
        "config" => "workspace configuration (lint)",
        "scim" => "SCIM payloads (check)",
        "sim" => "simulation (simulate, diff)",
        _ => "other rules",
    }
}

/// Families in catalogue order with their rules; a family split over several files is merged.
pub fn families() -> Vec<(&'static str, Vec<&'static Rule>)> {
    let mut out: Vec<(&'static str, Vec<&'static Rule>)> = Vec::new();
    for (family, list) in rules::families() {
        match out.iter_mut().find(|(f, _)| *f == family) {
            Some((_, existing)) => existing.extend(list.iter().copied()),
            None => out.push((family, list.to_vec())),
        }
    }
    out
}

/// One rule as the auditor's JSON object (`ssolint rules --format json`, `explain --format json`).
pub fn rule_json(rule: &Rule) -> Value {
    let mut vendor_fixes = Map::new();
    for (vendor, text) in rule.vendor_fixes {
        vendor_fixes.insert(vendor.key().to_string(), json!(text));
    }
    json!({
        "id": rule.id,
        "severity": rule.severity.as_str(),
        "summary": rule.summary,
        "why": rule.why,
        "fix": rule.fix,
        "vendor_fixes": vendor_fixes,
        "profile": rule.profile,
        "controls": rule.controls.iter()
            .map(|c| json!({"framework": c.framework, "id": c.id}))
            .collect::<Vec<_>>(),
        "source": rule.source,
    })
}

/// The generic fix followed by each IdP's own, as Markdown.
pub fn fix_markdown(rule: &Rule) -> String {
    let mut s = rule.fix.to_string();
    if !rule.vendor_fixes.is_empty() {
        s.push_str("\n\n");
        for (vendor, text) in rule.vendor_fixes {
            s.push_str(&format!("- **{}**: {text}\n", vendor.display_name()));
        }
    }
    s
}

/// The generic fix followed by each IdP's own, as plain text.
pub fn fix_text(rule: &Rule) -> String {
    let mut s = rule.fix.to_string();
    for (vendor, text) in rule.vendor_fixes {
        s.push_str(&format!("\n{}: {text}", vendor.display_name()));
    }
    s
}

fn controls_line(rule: &Rule) -> String {
    rule.controls
        .iter()
        .map(|c| match c.framework {
            "hardening-guide" => format!("hardening guide §{}", c.id),
            _ => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One rule's section of `docs/rules.md`.
pub fn rule_markdown(rule: &Rule) -> String {
    let mut s = format!("### `{}`\n\n", rule.id);
    s.push_str(&format!(
        "**{}** · severity `{}`",
        rule.summary,
        rule.severity.as_str()
    ));
    if let Some(p) = rule.profile {
        s.push_str(&format!(" · profile {p}"));
    }
    s.push_str("\n\n");
    s.push_str(&format!("**Why it matters.** {}\n\n", rule.why));
    s.push_str(&format!(
        "**How to fix.** {}\n\n",
        fix_markdown(rule).trim_end()
    ));
    if !rule.controls.is_empty() {
        s.push_str(&format!("**Controls.** {}\n\n", controls_line(rule)));
    }
    s.push_str(&format!("**Source.** {}\n\n", rule.source));
    s
}

/// The whole of `docs/rules.md`.
pub fn catalogue_markdown() -> String {
    let fams: Vec<_> = families()
        .into_iter()
        .filter(|(_, rules)| !rules.is_empty())
        .collect();
    let total: usize = fams.iter().map(|(_, r)| r.len()).sum();
    let mut s = String::from(
        "# ssolint rules\n\n\
         <!-- Generated from the rule registry (src/rules/). Do not edit by hand: run\n     \
         `SSOLINT_BLESS=1 cargo test --test cli_meta` to refresh it. -->\n\n",
    );
    s.push_str(&format!(
        "{total} rules. Each has a stable dotted id, a default severity (a configuration's \
         `[rules]` table can change it), the reason it matters, how to fix it (in your \
         IdP's own screens where that differs), the controls it maps to and where its \
         behaviour comes from. `ssolint explain RULE` prints the same text.\n\n"
    ));
    for (family, list) in &fams {
        s.push_str(&format!(
            "- [`{family}.*`](#{family}--{}) ({})\n",
            anchor(family_title(family)),
            list.len()
        ));
    }
    s.push('\n');
    for (family, list) in &fams {
        s.push_str(&format!("## `{family}.*` — {}\n\n", family_title(family)));
        for rule in list {
            s.push_str(&rule_markdown(rule));
        }
    }
    s
}

/// GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `ssolint explain RULE` in the terminal.
pub fn rule_text(rule: &Rule) -> String {
    let mut s = format!("{} ({})\n", rule.id, rule.severity.as_str());
    s.push_str(&wrap(rule.summary, "  "));
    let mut section = |title: &str, body: &str| {
        s.push('\n');
        s.push_str(title);
        s.push('\n');
        for para in body.split('\n').filter(|p| !p.trim().is_empty()) {
            s.push_str(&wrap(para, "  "));
        }
    };
    section("Why it matters", rule.why);
    section("How to fix", rule.fix);
    let fixes: Vec<String> = rule
        .vendor_fixes
        .iter()
        .map(|(v, t)| format!("{}: {t}", v.display_name()))
        .collect();
    if !fixes.is_empty() {
        section("In your IdP", &fixes.join("\n"));
    }
    if !rule.controls.is_empty() || rule.profile.is_some() {
        let mut lines: Vec<String> = rule
            .controls
            .iter()
            .map(|c| match c.framework {
                "hardening-guide" => format!("Hardening guide §{}", c.id),
                _ => c.to_string(),
            })
            .collect();
        if let Some(p) = rule.profile {
            lines.push(format!("Profile {p}"));
        }
        section("Controls", &lines.join("\n"));
    }
    section("Source", rule.source);
    s
}

/// Word-wrap one paragraph at 80 columns with an indent.
fn wrap(text: &str, indent: &str) -> String {
    const WIDTH: usize = 80;
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Control, Severity, Vendor};

    static SAMPLE: Rule = Rule {
        id: "config.sample-rule",
        severity: Severity::Warning,
        summary: "A sample",
        why: "Because it matters.",
        fix: "Fix it.",
        vendor_fixes: &[
            (Vendor::Okta, "In Okta, do this."),
            (Vendor::Entra, "In Entra, that."),
        ],
        profile: Some("L1"),
        controls: &[Control::guide("1.1"), Control::nist("IA-2")],
        source: "seed 002 §1.1",
    };

    #[test]
    fn json_carries_the_auditors_fields() {
        let v = rule_json(&SAMPLE);
        assert_eq!(v["id"], "config.sample-rule");
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["vendor_fixes"]["okta"], "In Okta, do this.");
        assert_eq!(v["profile"], "L1");
        assert_eq!(
            v["controls"][1],
            json!({"framework": "NIST 800-53", "id": "IA-2"})
        );
        assert_eq!(v["source"], "seed 002 §1.1");
    }

    #[test]
    fn markdown_and_text_hold_every_part() {
        let md = rule_markdown(&SAMPLE);
        for part in [
            "### `config.sample-rule`",
            "profile L1",
            "**Why it matters.** Because it matters.",
            "- **Okta**: In Okta, do this.",
            "- **Entra ID**: In Entra, that.",
            "hardening guide §1.1; NIST 800-53 IA-2",
            "**Source.** seed 002 §1.1",
        ] {
            assert!(md.contains(part), "{part} missing from\n{md}");
        }
        let text = rule_text(&SAMPLE);
        for part in [
            "config.sample-rule (warning)",
            "In your IdP\n  Okta: In Okta, do this.",
            "Hardening guide §1.1",
            "Profile L1",
            "Source\n  seed 002 §1.1",
        ] {
            assert!(text.contains(part), "{part} missing from\n{text}");
        }
    }

    #[test]
    fn catalogue_lists_every_rule_once() {
        let md = catalogue_markdown();
        for rule in rules::all() {
            assert_eq!(
                md.matches(&format!("### `{}`\n", rule.id)).count(),
                1,
                "{}",
                rule.id
            );
        }
    }

    #[test]
    fn wrap_breaks_long_paragraphs() {
        let long = "word ".repeat(40);
        let w = wrap(&long, "  ");
        assert!(w.lines().count() > 1);
        assert!(w
            .lines()
            .all(|l| l.chars().count() <= 80 && l.starts_with("  ")));
    }
}
