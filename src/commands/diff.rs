//! `ssolint diff OLD NEW --users FILE`: what changes for each person, and the CI gate.

use crate::cli::{Ctx, DiffArgs, Format};
use crate::commands::simulate::output_failed;
use crate::commands::write_failed;
use crate::config;
use crate::error::Fatal;
use crate::findings::{Finding, Suppression};
use crate::report::{self, Report};
use crate::sim::diff::{changes, findings, flipped_by, Change, Expected};
use crate::sim::model::{Outcome, SimFinding};
use crate::sim::render::{self, AssumptionsJson, OutcomeJson};
use crate::sim::set::Set;
use crate::sim::{self, evaluate, Assumptions, Counts};
use crate::source::Span;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::hash_map::Entry::{Occupied, Vacant};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::io::{BufWriter, Write};

#[derive(Serialize)]
struct DiffUserJson<'a> {
    email: Cow<'a, str>,
    before: OutcomeJson,
    after: OutcomeJson,
    changes: &'a [Change],
    flipped_by: &'static str,
    findings: Set<SimFinding>,
    fails_gate: bool,
    expected: Option<&'a str>,
}

/// What changed, in numbers.
#[derive(Debug, Default, Serialize)]
struct Tally {
    changed: u64,
    access_lost: u64,
    access_gained: u64,
    lockouts_gained: u64,
    methods_lost: u64,
    migration_prompts_gained: u64,
    sso_bypass_gained: u64,
    expected: u64,
    gate_failures: u64,
}

impl Tally {
    /// One user whose outcome changes.
    fn count(
        &mut self,
        before: &Outcome,
        after: &Outcome,
        found: Set<SimFinding>,
        gate: bool,
        fails: bool,
    ) {
        self.changed += 1;
        self.access_lost += u64::from(found.contains(SimFinding::AccessLost));
        self.access_gained += u64::from(!before.access.has_access() && after.access.has_access());
        self.lockouts_gained += u64::from(
            found.contains(SimFinding::LockedOut)
                || found.contains(SimFinding::LockoutAfterMigration),
        );
        self.methods_lost += u64::from(found.contains(SimFinding::MethodLost));
        self.migration_prompts_gained += u64::from(found.contains(SimFinding::MigrationPrompt));
        self.sso_bypass_gained += u64::from(found.contains(SimFinding::SsoBypass));
        self.expected += u64::from(gate && !fails);
        self.gate_failures += u64::from(fails);
    }

    fn merge(&mut self, other: &Tally) {
        self.changed += other.changed;
        self.access_lost += other.access_lost;
        self.access_gained += other.access_gained;
        self.lockouts_gained += other.lockouts_gained;
        self.methods_lost += other.methods_lost;
        self.migration_prompts_gained += other.migration_prompts_gained;
        self.sso_bypass_gained += other.sso_bypass_gained;
        self.expected += other.expected;
        self.gate_failures += other.gate_failures;
    }
}

/// The configuration key a flipping rule is about, for locating findings in NEW.
fn key_of(rule: &str) -> &'static str {
    match rule {
        "R-A1" | "R-A2" | "R-A3" | "R-A4" | "R-A6" => "mode",
        "R-A5" => "api_platform_sso",
        "R-P2" | "R-A7" => "verified_domains",
        "R-P4" => "automatic_account_creation",
        "R-P5" | "R-P9" => "scim_groups",
        "R-P6" => "external_invites",
        "R-M1" | "R-M2" | "R-M3" => "plan",
        _ => "mode",
    }
}

/// Byte span of the first `key = ...` line of the configuration text.
fn key_span(text: &str, key: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':') {
                let start = offset + indent;
                return Some(Span::new(start, start + key.len()));
            }
        }
        offset += line.len();
    }
    None
}

pub fn run(ctx: &Ctx, args: &DiffArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let old = config::load(&args.old)?;
    let new = config::load(&args.new)?;
    let asm_old = Assumptions::resolve(&old.config.simulate.assume, &args.assume)?;
    let asm_new = Assumptions::resolve(&new.config.simulate.assume, &args.assume)?;
    let users = match &args.users {
        Some(p) => p.clone(),
        None => sim::directory_path(&new, None).or_else(|_| sim::directory_path(&old, None))?,
    };
    let expected = match &args.expected {
        Some(p) => Expected::load(p)?,
        None => Expected::default(),
    };
    let mut w = BufWriter::with_capacity(64 * 1024, out);
    let io = |e: std::io::Error| write_failed(&e);

    let mut report = Report::new(new.source.path.clone());
    report.input.kind = Some("config".into());
    let new_file = report.add_file(new.source.clone());
    report.vendor = new.config.saml.idp.vendor;
    report.evaluated = diff_rules();

    if ctx.format == Format::Json {
        w.write_all(format!("{{\"schema\": \"{}\",\n \"config\": ", render::SCHEMA).as_bytes())
            .map_err(io)?;
        serde_json::to_writer(&mut w, &new.source.path).map_err(output_failed)?;
        w.write_all(b",\n \"old_config\": ").map_err(io)?;
        serde_json::to_writer(&mut w, &old.source.path).map_err(output_failed)?;
        w.write_all(b",\n \"assumptions\": ").map_err(io)?;
        serde_json::to_writer(&mut w, &AssumptionsJson::all(&asm_new, new.config.plan()))
            .map_err(output_failed)?;
        w.write_all(b",\n \"users\": [").map_err(io)?;
    }
    let mut tally = Tally::default();
    let mut after_counts = Counts::default();
    let mut first = true;
    let json = ctx.format == Format::Json;
    let keep = matches!(ctx.format, Format::Sarif | Format::Junit) || !ctx.quiet;
    // Both evaluations, the tally and each changed user's JSON are done on every core; the
    // sink writes the blocks' results in file order.
    sim::blocks::for_each_user_with(
        &users,
        DiffPart::default,
        |memo: &mut EntryMemo, part: &mut DiffPart, user| {
            let before = evaluate(&old.config, &asm_old, user);
            let after = evaluate(&new.config, &asm_new, user);
            part.counts.add(user, &after);
            if json {
                let Some(entry) = memo.entry(&before, &after)? else {
                    return Ok(());
                };
                let reason = expected.reason_for(&user.email, entry.rule, entry.found);
                let fails = entry.gate && reason.is_none();
                part.tally
                    .count(&before, &after, entry.found, entry.gate, fails);
                let email = render::shown_email(&user.email, ctx.redact);
                entry.write(&mut part.json, &email, fails, reason);
                return Ok(());
            }
            let list = changes(&before, &after);
            if list.is_empty() {
                return Ok(());
            }
            let (found, gate) = findings(&before, &after);
            let rule = flipped_by(&before, &after);
            let reason = expected.reason_for(&user.email, rule, found);
            let fails = gate && reason.is_none();
            part.tally.count(&before, &after, found, gate, fails);
            let email = render::shown_email(&user.email, ctx.redact);
            if json {
                part.json.extend_from_slice(ENTRY_SEPARATOR);
                let entry = DiffUserJson {
                    email,
                    before: OutcomeJson::from(&before),
                    after: OutcomeJson::from(&after),
                    changes: &list,
                    flipped_by: rule,
                    findings: found,
                    fails_gate: fails,
                    expected: reason,
                };
                serde_json::to_writer(&mut part.json, &entry).map_err(output_failed)?;
            } else if keep {
                part.changed.push(ChangedUser {
                    email: email.into_owned(),
                    described: list.iter().map(Change::describe).collect(),
                    rule,
                    found,
                    gate,
                    fails,
                    reason,
                });
            }
            Ok(())
        },
        |part| {
            after_counts.merge(part.counts);
            tally.merge(&part.tally);
            if !part.json.is_empty() {
                if first {
                    w.write_all(b"\n  ").map_err(io)?;
                    let entries = part.json.get(ENTRY_SEPARATOR.len()..).unwrap_or_default();
                    w.write_all(entries).map_err(io)?;
                    first = false;
                } else {
                    w.write_all(&part.json).map_err(io)?;
                }
            }
            for c in part.changed {
                match ctx.format {
                    Format::Sarif | Format::Junit => {
                        for f in c.found.iter() {
                            let mut finding = Finding::new(
                                f.rule(),
                                format!(
                                    "{}: {} (flipped by {})",
                                    c.email,
                                    c.described.join("; "),
                                    c.rule
                                ),
                            );
                            finding = match key_span(&new.source.text, key_of(c.rule)) {
                                Some(span) => finding.at(new_file, span),
                                None => finding.in_file(new_file),
                            };
                            if let Some(r) = c.reason {
                                finding.suppressed = Some(Suppression {
                                    reason: r.to_string(),
                                    expires: None,
                                });
                            }
                            report.push(finding);
                        }
                    }
                    _ => {
                        let mark = if c.fails {
                            "✗"
                        } else if c.gate {
                            "~"
                        } else {
                            " "
                        };
                        let mut line = format!(
                            "{mark} {}: {} [{}]",
                            c.email,
                            c.described.join("; "),
                            c.rule
                        );
                        if let Some(r) = c.reason {
                            line.push_str(&format!(" (expected: {r})"));
                        }
                        line.push('\n');
                        w.write_all(line.as_bytes()).map_err(io)?;
                    }
                }
            }
            Ok(())
        },
    )?;
    let gate_fails = args.fail_on_lockout && tally.gate_failures > 0;
    match ctx.format {
        Format::Json => {
            w.write_all(if first {
                b"],\n \"counts\": "
            } else {
                b"\n ],\n \"counts\": "
            })
            .map_err(io)?;
            serde_json::to_writer(&mut w, &after_counts).map_err(output_failed)?;
            w.write_all(b",\n \"changes\": ").map_err(io)?;
            serde_json::to_writer(&mut w, &tally).map_err(output_failed)?;
            let gate = if !args.fail_on_lockout {
                "off"
            } else if gate_fails {
                "fail"
            } else {
                "pass"
            };
            w.write_all(format!(",\n \"gate\": \"{gate}\"}}\n").as_bytes())
                .map_err(io)?;
        }
        Format::Sarif | Format::Junit => {
            report.sort();
            w.write_all(report::render(&report, ctx).as_bytes())
                .map_err(io)?;
        }
        _ => {
            w.write_all(summary(&tally, args.fail_on_lockout, gate_fails).as_bytes())
                .map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    Ok(i32::from(gate_fails))
}

/// What precedes each user's entry in a block's JSON (the first entry of the output drops
/// the comma).
const ENTRY_SEPARATOR: &[u8] = b",\n  ";

/// A changed user's JSON entry as far as the two outcomes decide it: everything but the
/// e-mail, `fails_gate` and `expected`, with what the tally needs.
struct Entry {
    found: Set<SimFinding>,
    gate: bool,
    rule: &'static str,
    /// The entry's members from `,"before":` to before `,"fails_gate":`.
    middle: Box<[u8]>,
}

/// The serialised entry of a user with no e-mail and no expected change, around `middle`.
const ENTRY_HEAD: &[u8] = b"{\"email\":\"\"";
const ENTRY_TAIL: &[u8] = b",\"fails_gate\":false,\"expected\":null}";

impl Entry {
    fn of(before: &Outcome, after: &Outcome) -> Result<Option<Entry>, Fatal> {
        let list = changes(before, after);
        if list.is_empty() {
            return Ok(None);
        }
        let (found, gate) = findings(before, after);
        let rule = flipped_by(before, after);
        let json = serde_json::to_vec(&DiffUserJson {
            email: Cow::Borrowed(""),
            before: OutcomeJson::from(before),
            after: OutcomeJson::from(after),
            changes: &list,
            flipped_by: rule,
            findings: found,
            fails_gate: false,
            expected: None,
        })
        .map_err(output_failed)?;
        let middle = json
            .strip_prefix(ENTRY_HEAD)
            .and_then(|m| m.strip_suffix(ENTRY_TAIL))
            .ok_or_else(|| output_failed("a diff entry was not serialised as expected"))?;
        Ok(Some(Entry {
            found,
            gate,
            rule,
            middle: middle.into(),
        }))
    }

    /// Append the whole entry, after [`ENTRY_SEPARATOR`], as serde_json writes
    /// [`DiffUserJson`].
    fn write(&self, out: &mut Vec<u8>, email: &str, fails: bool, reason: Option<&str>) {
        out.extend_from_slice(ENTRY_SEPARATOR);
        out.extend_from_slice(b"{\"email\":");
        render::write_json_str(out, email);
        out.extend_from_slice(&self.middle);
        out.extend_from_slice(if fails {
            b",\"fails_gate\":true,\"expected\":"
        } else {
            b",\"fails_gate\":false,\"expected\":"
        });
        match reason {
            Some(r) => render::write_json_str(out, r),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
    }
}

/// Entries distinct per thread before the memo starts again (bounds its memory).
const MAX_ENTRIES: usize = 4096;

/// One thread's entries by the pair of outcomes (`None`: nothing changes): a directory
/// repeats a few hundred pairs across a million users.
#[derive(Default)]
struct EntryMemo {
    entries: HashMap<(Outcome, Outcome), Option<Entry>, BuildHasherDefault<PairHasher>>,
}

impl EntryMemo {
    fn entry(&mut self, before: &Outcome, after: &Outcome) -> Result<Option<&Entry>, Fatal> {
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.clear();
        }
        Ok(match self.entries.entry((*before, *after)) {
            Occupied(known) => known.into_mut().as_ref(),
            Vacant(new) => new.insert(Entry::of(before, after)?).as_ref(),
        })
    }
}

/// Multiply-rotate hashing of the outcomes' small integers and rule ids: SipHash would cost
/// more than evaluating the user.
#[derive(Default)]
struct PairHasher(u64);

impl PairHasher {
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            for (dst, src) in word.iter_mut().zip(chunk) {
                *dst = *src;
            }
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, v: u8) {
        self.add(u64::from(v));
    }
    fn write_u32(&mut self, v: u32) {
        self.add(u64::from(v));
    }
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }
    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }
    fn write_isize(&mut self, v: isize) {
        self.add(v as u64);
    }
}

/// One block of the directory: the counts after, the tally of its changed users, and those
/// users as JSON entries (each after [`ENTRY_SEPARATOR`]) or, for the other formats, as what
/// their findings and lines say.
#[derive(Default)]
struct DiffPart<'e> {
    counts: Counts,
    tally: Tally,
    json: Vec<u8>,
    changed: Vec<ChangedUser<'e>>,
}

/// A user whose outcome changes, for the SARIF/JUnit findings and the human lines.
struct ChangedUser<'e> {
    /// As shown (redacted with `--redact`).
    email: String,
    described: Vec<String>,
    rule: &'static str,
    found: Set<SimFinding>,
    gate: bool,
    fails: bool,
    reason: Option<&'e str>,
}

fn diff_rules() -> Vec<&'static crate::rules::Rule> {
    [
        SimFinding::AccessLost,
        SimFinding::MethodLost,
        SimFinding::LockedOut,
        SimFinding::LockoutAfterMigration,
        SimFinding::SsoBypass,
        SimFinding::MigrationPrompt,
    ]
    .iter()
    .map(|f| f.rule())
    .collect()
}

fn summary(t: &Tally, gate_on: bool, gate_fails: bool) -> String {
    if t.changed == 0 {
        return "No user's outcome changes.\n".into();
    }
    let mut s = format!(
        "\n{} {} change: {} lose access, {} gain access, {} gain a lockout, {} lose a login method, {} get a new migration prompt, {} newly bypass SSO.\n",
        t.changed,
        if t.changed == 1 { "user's outcomes" } else { "users' outcomes" },
        t.access_lost,
        t.access_gained,
        t.lockouts_gained,
        t.methods_lost,
        t.migration_prompts_gained,
        t.sso_bypass_gained
    );
    if t.expected > 0 {
        s.push_str(&format!(
            "{} of the access losses or lockouts are listed as expected.\n",
            t.expected
        ));
    }
    s.push_str(&if !gate_on {
        "gate: off (--fail-on-lockout false)\n".to_string()
    } else if gate_fails {
        format!("gate: FAIL ({} unexpected access losses or lockouts; list intended ones in --expected FILE with a reason)\n", t.gate_failures)
    } else {
        "gate: pass\n".to_string()
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::directory::DirectoryReader;

    #[test]
    fn memoised_entries_are_what_serde_writes() {
        let config = |mode: &str| -> crate::config::Config {
            toml::from_str(&format!(
                "[workspace]\nverified_domains = [\"acme.com\"]\n[provisioning]\nscim = true\nscim_groups = [\"G\"]\n[authentication]\nmode = \"{mode}\"\napi_platform_sso = false\n"
            ))
            .unwrap()
        };
        let (old, new) = (config("default"), config("sso_enforced"));
        let text = "email,groups,workspace_state,invite_source,personal_account,has_password,social\nа\"b@acme.com,G,member,scim,plus,true,google\nc@x.io,G,invited,manual,free,false,\nd@acme.com,,none,,none,true,apple\ne@acme.com,G,invited,manual,none,true,\nf@acme.com,,member,manual,free,false,microsoft\n";
        let users = DirectoryReader::from_reader(
            "u.csv",
            Box::new(std::io::Cursor::new(text.to_string())),
            false,
        )
        .unwrap();
        let asm = Assumptions::default();
        let mut memo = EntryMemo::default();
        let mut changed = 0;
        for user in users {
            let user = user.unwrap();
            let (before, after) = (evaluate(&old, &asm, &user), evaluate(&new, &asm, &user));
            let list = changes(&before, &after);
            let Some(entry) = memo.entry(&before, &after).unwrap() else {
                assert!(list.is_empty());
                continue;
            };
            changed += 1;
            for (fails, reason) in [(true, None), (false, Some("planned \"move\"\n"))] {
                let mut written = Vec::new();
                entry.write(&mut written, &user.email, fails, reason);
                let mut serde = ENTRY_SEPARATOR.to_vec();
                serde_json::to_writer(
                    &mut serde,
                    &DiffUserJson {
                        email: Cow::Borrowed(&user.email),
                        before: OutcomeJson::from(&before),
                        after: OutcomeJson::from(&after),
                        changes: &list,
                        flipped_by: flipped_by(&before, &after),
                        findings: findings(&before, &after).0,
                        fails_gate: fails,
                        expected: reason,
                    },
                )
                .unwrap();
                assert_eq!(String::from_utf8(written), String::from_utf8(serde));
            }
        }
        assert!(changed >= 2, "{changed}");
    }
}
