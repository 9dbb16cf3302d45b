//! Per-user rendering: the `ssolint/simulation/v1` user object, the CSV row, the human table
//! row and the `--explain` text. Everything is written as the users stream by.

use super::assume::{Assumptions, Key};
use super::directory::{DirectoryUser, Field};
use super::model::{
    Access, Alternative, DomainClass, InviteEmail, Lockout, Methods, Outcome, PersonalEffect,
    ProvisionedBy, ReadLog, Reads, Risk, SimFinding, Step,
};
use super::set::Set;
use crate::config::Plan;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::borrow::Cow;

pub const SCHEMA: &str = "ssolint/simulation/v1";

/// The e-mail as shown: with `--redact`, the local part becomes a stable pseudonym and the
/// domain stays.
pub fn shown_email(email: &str, redact: bool) -> Cow<'_, str> {
    if !redact {
        return Cow::Borrowed(email);
    }
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    // FNV-1a: stable across runs and platforms, enough to tell users apart in a ticket.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in local.to_ascii_lowercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Cow::Owned(format!("user-{:08x}@{domain}", h as u32))
}

/// The `assumptions` object: key → reading, in SIMULATION.md's table order.
pub struct AssumptionsJson<'a> {
    pub entries: Vec<(&'a str, &'a str)>,
}

impl<'a> AssumptionsJson<'a> {
    pub fn all(a: &Assumptions, plan: Plan) -> AssumptionsJson<'static> {
        AssumptionsJson {
            entries: a.entries(plan),
        }
    }
    pub fn consulted(a: &Assumptions, plan: Plan, keys: Set<Key>) -> AssumptionsJson<'static> {
        AssumptionsJson {
            entries: keys.iter().map(|k| (k.name(), a.value(k, plan))).collect(),
        }
    }
}

impl Serialize for AssumptionsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
pub struct AlternativeJson {
    pub assumption: String,
    pub access: Access,
    pub lockout: Lockout,
}

impl From<&Alternative> for AlternativeJson {
    fn from(a: &Alternative) -> Self {
        AlternativeJson {
            assumption: format!("{}={}", a.assumption.name(), a.value),
            access: a.access,
            lockout: a.lockout,
        }
    }
}

/// An outcome without the user's identity, trace or alternatives (diff's before/after).
#[derive(Serialize)]
pub struct OutcomeJson {
    pub domain_class: DomainClass,
    pub access: Access,
    pub methods: Methods,
    pub provisioned_by: ProvisionedBy,
    pub invite_email: InviteEmail,
    pub personal_account: PersonalEffect,
    pub plus_cancelled: bool,
    pub lockout: Lockout,
    pub risks: Set<Risk>,
    pub unknown_fields: Set<Field>,
    pub findings: Set<SimFinding>,
}

impl From<&Outcome> for OutcomeJson {
    fn from(o: &Outcome) -> Self {
        OutcomeJson {
            domain_class: o.domain_class,
            access: o.access,
            methods: o.methods,
            provisioned_by: o.provisioned_by,
            invite_email: o.invite_email,
            personal_account: o.personal_account,
            plus_cancelled: o.plus_cancelled,
            lockout: o.lockout,
            risks: o.risks,
            unknown_fields: o.unknown_fields,
            findings: o.findings,
        }
    }
}

/// One entry of `users` in `ssolint/simulation/v1`.
#[derive(Serialize)]
pub struct UserJson<'a> {
    pub email: Cow<'a, str>,
    #[serde(flatten)]
    pub outcome: OutcomeJson,
    pub assumptions: AssumptionsJson<'static>,
    pub trace: &'a [Step],
    pub alternatives: Vec<AlternativeJson>,
}

impl<'a> UserJson<'a> {
    pub fn new(
        user: &'a DirectoryUser,
        o: &Outcome,
        asm: &Assumptions,
        plan: Plan,
        trace: &'a [Step],
        alternatives: &[Alternative],
        redact: bool,
    ) -> UserJson<'a> {
        UserJson {
            email: shown_email(&user.email, redact),
            outcome: OutcomeJson::from(o),
            assumptions: AssumptionsJson::consulted(asm, plan, o.consulted),
            trace,
            alternatives: alternatives.iter().map(AlternativeJson::from).collect(),
        }
    }
}

pub const CSV_HEADER: &[&str] = &[
    "email",
    "domain_class",
    "access",
    "methods",
    "provisioned_by",
    "invite_email",
    "personal_account",
    "plus_cancelled",
    "lockout",
    "risks",
    "unknown_fields",
    "findings",
    "decided_by",
];

/// One CSV row (lists `;`-separated, as in the directory format).
pub fn csv_row(user: &DirectoryUser, o: &Outcome, redact: bool) -> [String; 13] {
    [
        shown_email(&user.email, redact).into_owned(),
        o.domain_class.name().into(),
        o.access.name().into(),
        o.methods.join(";"),
        o.provisioned_by.name().into(),
        o.invite_email.name().into(),
        o.personal_account.name().into(),
        o.plus_cancelled.to_string(),
        o.lockout.name().into(),
        o.risks.join(";"),
        o.unknown_fields.join(";"),
        o.findings.join(";"),
        o.access_rule.into(),
    ]
}

pub fn human_header() -> String {
    format!(
        "{:<32} {:<8} {:<24} {:<16} {:<17} NOTES\n",
        "EMAIL", "ACCESS", "METHODS", "LOCKOUT", "PERSONAL ACCOUNT"
    )
}

fn dash(s: String) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s
    }
}

/// One human table row.
pub fn human_row(
    user: &DirectoryUser,
    o: &Outcome,
    alternatives: &[Alternative],
    redact: bool,
) -> String {
    let mut notes: Vec<String> = Vec::new();
    notes.push(format!("by {}", o.access_rule));
    for f in o.findings.iter() {
        if f != SimFinding::Unknown && f != SimFinding::MigrationPrompt {
            notes.push(f.name().trim_start_matches("sim.").to_string());
        }
    }
    if o.plus_cancelled {
        notes.push("plus cancelled".into());
    }
    if !o.unknown_fields.is_empty() {
        notes.push(format!("unknown: {}", o.unknown_fields.join(", ")));
    }
    for a in alternatives {
        notes.push(format!(
            "if {}={}: {}/{}",
            a.assumption.name(),
            a.value,
            a.access.name(),
            a.lockout.name()
        ));
    }
    format!(
        "{:<32} {:<8} {:<24} {:<16} {:<17} {}\n",
        shown_email(&user.email, redact),
        o.access.name(),
        dash(o.methods.join(",")),
        o.lockout.name(),
        o.personal_account.name(),
        notes.join("; ")
    )
}

/// `--explain EMAIL`: one user's outcome and full trace.
#[allow(clippy::too_many_arguments)]
pub fn explain_text(
    user: &DirectoryUser,
    o: &Outcome,
    asm: &Assumptions,
    plan: Plan,
    trace: &[Step],
    alternatives: &[Alternative],
    fix: Option<&str>,
    redact: bool,
) -> String {
    let mut out = String::new();
    let list = |s: String| dash(s);
    out.push_str(&format!(
        "{} (line {})\n",
        shown_email(&user.email, redact),
        user.line
    ));
    out.push_str(&format!("  domain class:     {}\n", o.domain_class.name()));
    out.push_str(&format!(
        "  access:           {} (decided by {})\n",
        o.access.name(),
        o.access_rule
    ));
    out.push_str(&format!(
        "  methods:          {}\n",
        list(o.methods.join(", "))
    ));
    out.push_str(&format!(
        "  provisioned by:   {}; invitation e-mail: {}\n",
        o.provisioned_by.name(),
        o.invite_email.name()
    ));
    out.push_str(&format!(
        "  personal account: {}{}\n",
        o.personal_account.name(),
        if o.plus_cancelled {
            " (Plus subscription cancelled)"
        } else {
            ""
        }
    ));
    out.push_str(&format!("  lockout:          {}\n", o.lockout.name()));
    out.push_str(&format!(
        "  risks:            {}\n",
        list(o.risks.join(", "))
    ));
    out.push_str(&format!(
        "  unknown fields:   {}\n",
        list(o.unknown_fields.join(", "))
    ));
    out.push_str(&format!(
        "  findings:         {}\n",
        list(o.findings.join(", "))
    ));
    let consulted: Vec<String> = o
        .consulted
        .iter()
        .map(|k| format!("{}={}", k.name(), asm.value(k, plan)))
        .collect();
    out.push_str(&format!(
        "  assumptions:      {}\n",
        list(consulted.join(", "))
    ));
    out.push_str("  trace:\n");
    for (i, step) in trace.iter().enumerate() {
        out.push_str(&format!(
            "    {:>2}. {:<5} [{}, {}] {}\n",
            i + 1,
            step.rule,
            step.tag.name(),
            step.source,
            step.says
        ));
    }
    if !alternatives.is_empty() {
        out.push_str("  alternatives:\n");
        for a in alternatives {
            out.push_str(&format!(
                "    with {}={}: access {}, lockout {}\n",
                a.assumption.name(),
                a.value,
                a.access.name(),
                a.lockout.name()
            ));
        }
    }
    if let Some(fix) = fix {
        out.push_str(&format!("  smallest fix:     {fix}\n"));
    }
    out
}

/// Replace e-mails in trace texts with their pseudonyms.
pub fn redact_trace(trace: &mut [Step], user: &DirectoryUser) {
    let mut emails = vec![user.email.clone()];
    if let Some(super::directory::IdpEmail::Other(e)) = &user.idp_email {
        emails.push(e.clone());
    }
    for step in trace {
        for e in &emails {
            if step.says.contains(e.as_str()) {
                step.says = step.says.replace(e.as_str(), &shown_email(e, true));
            }
        }
    }
}

/// Append one user's `ssolint/simulation/v1` object (with trace and alternatives) to `out`,
/// evaluating the model directly; `trace` is a scratch buffer. Returns the outcome.
pub fn user_json(
    cfg: &crate::config::Config,
    asm: &Assumptions,
    user: &DirectoryUser,
    redact: bool,
    trace: &mut Vec<Step>,
    out: &mut Vec<u8>,
) -> Result<Outcome, serde_json::Error> {
    user_json_noting(cfg, asm, user, redact, trace, None, out)
}

/// [`user_json`], noting in `log` the fields the outcome, trace and alternatives read.
pub(crate) fn user_json_noting(
    cfg: &crate::config::Config,
    asm: &Assumptions,
    user: &DirectoryUser,
    redact: bool,
    trace: &mut Vec<Step>,
    log: Option<&ReadLog>,
    out: &mut Vec<u8>,
) -> Result<Outcome, serde_json::Error> {
    let reads = Reads::new(cfg, user, log);
    trace.clear();
    let o = super::model::evaluate_reads(cfg, asm, reads, Some(trace));
    if redact {
        redact_trace(trace, user);
    }
    let alts = super::model::alternatives_reads(cfg, asm, reads, &o);
    write_user_json(
        out,
        &shown_email(&user.email, redact),
        &o,
        asm,
        cfg.plan(),
        trace,
        &alts,
    );
    Ok(o)
}

/// [`UserJson`] in serde_json's compact form, written directly: serde's flattened map
/// machinery costs several times the model itself. `user_json_is_serdes` pins the bytes.
fn write_user_json(
    out: &mut Vec<u8>,
    email: &str,
    o: &Outcome,
    asm: &Assumptions,
    plan: Plan,
    trace: &[Step],
    alternatives: &[Alternative],
) {
    out.extend_from_slice(b"{\"email\":");
    write_json_str(out, email);
    out.extend_from_slice(b",\"domain_class\":");
    write_json_name(out, o.domain_class.name());
    out.extend_from_slice(b",\"access\":");
    write_json_name(out, o.access.name());
    out.extend_from_slice(b",\"methods\":");
    write_json_set(out, o.methods);
    out.extend_from_slice(b",\"provisioned_by\":");
    write_json_name(out, o.provisioned_by.name());
    out.extend_from_slice(b",\"invite_email\":");
    write_json_name(out, o.invite_email.name());
    out.extend_from_slice(b",\"personal_account\":");
    write_json_name(out, o.personal_account.name());
    out.extend_from_slice(if o.plus_cancelled {
        b",\"plus_cancelled\":true,\"lockout\":"
    } else {
        b",\"plus_cancelled\":false,\"lockout\":"
    });
    write_json_name(out, o.lockout.name());
    out.extend_from_slice(b",\"risks\":");
    write_json_set(out, o.risks);
    out.extend_from_slice(b",\"unknown_fields\":");
    write_json_set(out, o.unknown_fields);
    out.extend_from_slice(b",\"findings\":");
    write_json_set(out, o.findings);
    out.extend_from_slice(b",\"assumptions\":{");
    for (n, k) in o.consulted.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write_json_name(out, k.name());
        out.push(b':');
        write_json_name(out, asm.value(k, plan));
    }
    out.extend_from_slice(b"},\"trace\":[");
    for (n, step) in trace.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"rule\":");
        write_json_name(out, step.rule);
        out.extend_from_slice(b",\"tag\":");
        write_json_name(out, step.tag.name());
        out.extend_from_slice(b",\"source\":");
        write_json_name(out, step.source);
        out.extend_from_slice(b",\"says\":");
        write_json_str(out, &step.says);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"alternatives\":[");
    for (n, a) in alternatives.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"assumption\":\"");
        out.extend_from_slice(a.assumption.name().as_bytes());
        out.push(b'=');
        out.extend_from_slice(a.value.as_bytes());
        out.extend_from_slice(b"\",\"access\":");
        write_json_name(out, a.access.name());
        out.extend_from_slice(b",\"lockout\":");
        write_json_name(out, a.lockout.name());
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
}

fn write_json_set<T: super::set::Bit>(out: &mut Vec<u8>, set: Set<T>) {
    out.push(b'[');
    for (n, item) in set.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write_json_name(out, item.name());
    }
    out.push(b']');
}

/// How many bytes of `bytes` come before the first that JSON escapes (below 0x20, `"` or
/// `\\`), found eight at a time: e-mails and trace texts are written for every user.
fn clean_prefix(bytes: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of every zero byte of `x`, exactly (no borrow between bytes).
    let zero_bytes = |x: u64| !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
    let special = |word: [u8; 8]| {
        let word = u64::from_le_bytes(word);
        zero_bytes(word & (ONES * 0xe0))
            | zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')))
    };
    let first_in = |at: usize, found: u64| at + found.trailing_zeros() as usize / 8;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let found = special(chunk.try_into().unwrap_or([b' '; 8]));
        if found != 0 {
            return first_in(at, found);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        return bytes.len();
    }
    // The last eight bytes again (all but `rest` were clean), or for a short string the
    // bytes padded with spaces (which need no escape).
    if let Some(last) = bytes.last_chunk::<8>() {
        return match special(*last) {
            0 => bytes.len(),
            found => first_in(bytes.len() - 8, found),
        };
    }
    let mut last = [b' '; 8];
    for (dst, src) in last.iter_mut().zip(rest) {
        *dst = *src;
    }
    match special(last) {
        0 => bytes.len(),
        found => first_in(at, found).min(bytes.len()),
    }
}

/// Append one of the model's own texts (a variant name, an assumption reading, a rule id or
/// source) as a JSON string. None holds a character JSON escapes, as
/// `model_texts_need_no_escape` checks for every one, so they are copied as they are.
fn write_json_name(out: &mut Vec<u8>, name: &'static str) {
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.push(b'"');
}

/// Append `s` as a JSON string, byte for byte as serde_json writes it.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    write_json_chars(out, s);
    out.push(b'"');
}

/// The inside of a JSON string, escaped as serde_json does: `"` and `\\` with a backslash,
/// control characters as `\\n`-style or `\\u00xx` escapes, everything else as it is.
fn write_json_chars(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let clean = clean_prefix(bytes);
    if clean == bytes.len() {
        out.extend_from_slice(bytes);
        return;
    }
    out.extend_from_slice(bytes.get(..clean).unwrap_or_default());
    let mut plain_from = clean;
    for (i, &b) in bytes.iter().enumerate().skip(clean) {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(bytes.get(plain_from..i).unwrap_or_default());
        plain_from = i + 1;
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            _ => 0,
        };
        if short == 0 {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            for nibble in [b >> 4, b & 0xf] {
                out.push(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'));
            }
        } else {
            out.push(b'\\');
            out.push(short);
        }
    }
    out.extend_from_slice(bytes.get(plain_from..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assume::Key;
    use crate::sim::model::{Method, Tag, SIM_RULES};
    use crate::sim::set::Bit;

    fn names<T: Bit>(texts: &mut Vec<&'static str>) {
        texts.extend(T::all().iter().map(|v| v.name()));
    }

    #[test]
    fn model_texts_need_no_escape() {
        let mut texts = Vec::new();
        names::<DomainClass>(&mut texts);
        names::<Access>(&mut texts);
        names::<Method>(&mut texts);
        names::<ProvisionedBy>(&mut texts);
        names::<InviteEmail>(&mut texts);
        names::<PersonalEffect>(&mut texts);
        names::<Lockout>(&mut texts);
        names::<Risk>(&mut texts);
        names::<Field>(&mut texts);
        names::<SimFinding>(&mut texts);
        names::<Tag>(&mut texts);
        names::<Key>(&mut texts);
        for &k in Key::ALL {
            for v in k.values() {
                texts.push(v);
                let flag = format!("{}={v}", k.name());
                let asm = Assumptions::resolve(&Default::default(), &[flag]).unwrap();
                for plan in [Plan::Enterprise, Plan::Edu, Plan::Business] {
                    texts.push(asm.value(k, plan));
                }
            }
        }
        for rule in SIM_RULES {
            texts.extend([rule.id, rule.source]);
        }
        for text in texts {
            let mut written = Vec::new();
            write_json_name(&mut written, text);
            assert_eq!(written, serde_json::to_vec(text).unwrap(), "{text}");
        }
    }

    #[test]
    fn escapes_match_serde_at_every_position() {
        for special in [
            "\"", "\\", "\n", "\u{1}", "\u{1f}", "\t", "\u{7f}", "é", " ", "~",
        ] {
            for at in 0..20 {
                let s = format!("{}{special}{}", "a".repeat(at), "b".repeat(20 - at));
                let mut out = Vec::new();
                write_json_str(&mut out, &s);
                assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
            }
        }
    }
}
