//! `ssolint simulate`: every user of a directory under one configuration, streamed.

use crate::cli::{Ctx, Format, SimulateArgs};
use crate::commands::write_failed;
use crate::config::{self, LoadedConfig};
use crate::error::Fatal;
use crate::report::{self, Report};
use crate::rules::input;
use crate::sim::fix::{self, Fix};
use crate::sim::memo::Memo;
use crate::sim::model::{alternatives, evaluate_traced};
use crate::sim::render::{self, AssumptionsJson, UserJson};
use crate::sim::{self, patterns, Assumptions, Counts, DirectoryReader};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufWriter, IoSlice, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Human output lists at most this many per-user fixes (the counts cover everyone).
const FIXES_SHOWN: usize = 20;
/// Workspace changes whose reach is counted with a second pass over the directory.
const WORKSPACE_FIXES_COUNTED: usize = 5;

pub fn run(ctx: &Ctx, args: &SimulateArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let config_path = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("ssolint.toml"));
    let loaded = config::load(&config_path)?;
    let asm = Assumptions::resolve(&loaded.config.simulate.assume, &args.assume)?;
    let users = sim::directory_path(&loaded, args.users.as_deref())?;
    if let Some(p) = &args.patterns {
        if p != "all" {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                format!("--patterns {p}: the only value is `all`"),
            ));
        }
        return run_patterns(ctx, &loaded, &asm, &users, out);
    }
    if let Some(email) = &args.explain {
        return explain(ctx, &loaded, &asm, &users, email, out);
    }
    let mut w = BufWriter::with_capacity(64 * 1024, out);
    let counts = match ctx.format {
        Format::Json => stream_json(ctx, &loaded, &asm, &users, &mut w)?,
        Format::Csv => stream_csv(ctx, &loaded, &asm, &users, &mut w)?,
        Format::Human => stream_human(ctx, &loaded, &asm, &users, &mut w)?,
        Format::Sarif | Format::Junit => {
            let counts = count_only(&loaded, &asm, &users)?;
            let mut report = Report::new(loaded.source.path.clone());
            report.input.kind = Some("directory".into());
            let file = report.add_file(loaded.source.clone());
            for f in counts.findings(&loaded, file) {
                report.push(f);
            }
            report.evaluated = crate::rules::sim::RULES.to_vec();
            report.vendor = loaded.config.saml.idp.vendor;
            w.write_all(report::render(&report, ctx).as_bytes())
                .map_err(|e| write_failed(&e))?;
            counts
        }
        Format::Jsonl => {
            return Err(Fatal::new(&input::UNDECODABLE, "--format jsonl does not apply to simulate; use json (users stream as they are simulated) or csv"));
        }
    };
    w.flush().map_err(|e| write_failed(&e))?;
    Ok(exit_code(ctx, &loaded, &counts))
}

/// 0 unless `--fail-on` was given and a `sim.*` finding reaches it.
fn exit_code(ctx: &Ctx, loaded: &LoadedConfig, counts: &Counts) -> i32 {
    match (ctx.fail_on_given, ctx.fail_on, counts.worst(Some(loaded))) {
        (true, Some(threshold), Some(worst)) if worst >= threshold => 1,
        _ => 0,
    }
}

fn count_only(loaded: &LoadedConfig, asm: &Assumptions, users: &Path) -> Result<Counts, Fatal> {
    Ok(sim::summarize(loaded, asm, users)?.counts)
}

/// The users of one block of the directory, serialised, and their counts. A user whose
/// object ends with a memo's tail has only its start in `bytes`; the tail is written from
/// the memo's copy (a million users repeat a few hundred tails: copying each into the block
/// would be most of the bytes moved).
#[derive(Default)]
struct JsonPart {
    bytes: Vec<u8>,
    /// In output order: `bytes` up to this offset, then this entry of `tails`.
    pieces: Vec<(usize, u32)>,
    tails: Vec<Arc<[u8]>>,
    /// For each memo leaf, 1 + its entry in `tails` (0: not in this part yet).
    tail_of_leaf: Vec<u32>,
    counts: Counts,
}

impl JsonPart {
    /// Append `u`'s object as [`Memo::user_json`] would.
    fn push_user(
        &mut self,
        memo: &mut Memo,
        cfg: &crate::config::Config,
        asm: &Assumptions,
        u: &sim::DirectoryUser,
        redact: bool,
    ) -> Result<sim::Outcome, Fatal> {
        let (outcome, tail) = memo
            .user_json_head(cfg, asm, u, redact, &mut self.bytes)
            .map_err(output_failed)?;
        if let Some(tail) = tail {
            if self.tail_of_leaf.len() <= tail.leaf {
                self.tail_of_leaf.resize(tail.leaf + 1, 0);
            }
            let slot = match self.tail_of_leaf.get_mut(tail.leaf) {
                Some(0) | None => {
                    self.tails.push(Arc::clone(tail.bytes));
                    let slot = self.tails.len() as u32;
                    if let Some(s) = self.tail_of_leaf.get_mut(tail.leaf) {
                        *s = slot;
                    }
                    slot
                }
                Some(slot) => *slot,
            };
            self.pieces.push((self.bytes.len(), slot - 1));
        }
        Ok(outcome)
    }

    /// Write the part, without its first `skip` bytes, in as few calls as the writer takes.
    fn write(&self, w: &mut dyn Write, skip: usize) -> std::io::Result<()> {
        // The most slices one write takes on Linux (IOV_MAX).
        const SLICES: usize = 1024;
        let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(SLICES);
        let mut from = skip;
        for &(end, tail) in &self.pieces {
            slices.push(IoSlice::new(self.bytes.get(from..end).unwrap_or_default()));
            let tail = self
                .tails
                .get(tail as usize)
                .map_or(&[][..], |t| t.as_ref());
            slices.push(IoSlice::new(tail));
            from = end;
            if slices.len() >= SLICES {
                write_all_slices(w, &mut slices)?;
                slices.clear();
            }
        }
        slices.push(IoSlice::new(self.bytes.get(from..).unwrap_or_default()));
        write_all_slices(w, &mut slices)
    }

    /// Empty, keeping the buffers.
    fn clear(&mut self) {
        self.bytes.clear();
        self.pieces.clear();
        self.tails.clear();
        self.tail_of_leaf.clear();
    }
}

/// `Write::write_all` for slices (`write_all_vectored` is not stable).
fn write_all_slices(w: &mut dyn Write, slices: &mut [IoSlice<'_>]) -> std::io::Result<()> {
    let mut rest = slices;
    IoSlice::advance_slices(&mut rest, 0);
    while !rest.is_empty() {
        match w.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Parts the sink has written, for the next blocks: a block's JSON is hundreds of KiB, and
/// fresh memory for every block costs a page fault per 4 KiB.
#[derive(Default)]
struct Spare(std::sync::Mutex<Vec<JsonPart>>);

impl Spare {
    fn take(&self) -> JsonPart {
        let spare = self.0.lock().ok().and_then(|mut s| s.pop());
        spare.unwrap_or_else(|| JsonPart {
            bytes: Vec::with_capacity(1 << 20),
            ..JsonPart::default()
        })
    }
    fn give(&self, mut part: JsonPart) {
        part.clear();
        if let Ok(mut s) = self.0.lock() {
            s.push(part);
        }
    }
}

/// The CSV rows of one block of the directory, and their counts.
#[derive(Default)]
struct CsvPart {
    rows: Option<csv::Writer<Vec<u8>>>,
    counts: Counts,
}

/// Serialising the output (JSON or CSV) failed.
pub(super) fn output_failed(e: impl std::fmt::Display) -> Fatal {
    Fatal::new(
        &input::UNDECODABLE,
        format!("could not write the output: {e}"),
    )
}

fn stream_json(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    asm: &Assumptions,
    users: &Path,
    w: &mut dyn Write,
) -> Result<Counts, Fatal> {
    let cfg = &loaded.config;
    let plan = cfg.plan();
    let io = |e: std::io::Error| write_failed(&e);
    w.write_all(format!("{{\"schema\": \"{}\",\n \"config\": ", render::SCHEMA).as_bytes())
        .map_err(io)?;
    serde_json::to_writer(&mut *w, &loaded.source.path).map_err(output_failed)?;
    w.write_all(b",\n \"assumptions\": ").map_err(io)?;
    serde_json::to_writer(&mut *w, &AssumptionsJson::all(asm, plan)).map_err(output_failed)?;
    w.write_all(b",\n \"users\": [").map_err(io)?;
    let mut counts = Counts::default();
    let mut first = true;
    let spare = Spare::default();
    sim::blocks::for_each_user_with(
        users,
        || spare.take(),
        |memo: &mut Memo, part: &mut JsonPart, user| {
            if ctx.quiet {
                part.counts.add(user, &sim::evaluate(cfg, asm, user));
                return Ok(());
            }
            part.bytes.extend_from_slice(b",\n  ");
            let o = part.push_user(memo, cfg, asm, user, ctx.redact)?;
            part.counts.add(user, &o);
            Ok(())
        },
        |mut part| {
            counts.merge(std::mem::take(&mut part.counts));
            let mut skip = 0;
            if first && !part.bytes.is_empty() {
                skip = 1; // no comma before the first user
                first = false;
            }
            part.write(w, skip).map_err(io)?;
            spare.give(part);
            Ok(())
        },
    )?;
    w.write_all(if first {
        b"],\n \"counts\": "
    } else {
        b"\n ],\n \"counts\": "
    })
    .map_err(io)?;
    serde_json::to_writer(&mut *w, &counts).map_err(output_failed)?;
    w.write_all(b"}\n").map_err(io)?;
    Ok(counts)
}

fn stream_csv(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    asm: &Assumptions,
    users: &Path,
    w: &mut dyn Write,
) -> Result<Counts, Fatal> {
    let cfg = &loaded.config;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(render::CSV_HEADER)
        .map_err(output_failed)?;
    csv.flush().map_err(|e| write_failed(&e))?;
    let w = csv.into_inner().map_err(|e| write_failed(e.error()))?;
    let mut counts = Counts::default();
    sim::blocks::for_each_user(
        users,
        |part: &mut CsvPart, user| {
            let o = crate::sim::evaluate(cfg, asm, user);
            part.counts.add(user, &o);
            part.rows
                .get_or_insert_with(|| csv::Writer::from_writer(Vec::new()))
                .write_record(render::csv_row(user, &o, ctx.redact))
                .map_err(output_failed)
        },
        |part| {
            counts.merge(part.counts);
            let Some(rows) = part.rows else { return Ok(()) };
            let bytes = rows.into_inner().map_err(|e| write_failed(e.error()))?;
            w.write_all(&bytes).map_err(|e| write_failed(&e))
        },
    )?;
    Ok(counts)
}

fn stream_human(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    asm: &Assumptions,
    users: &Path,
    w: &mut dyn Write,
) -> Result<Counts, Fatal> {
    let cfg = &loaded.config;
    let io = |e: std::io::Error| write_failed(&e);
    if !ctx.quiet {
        w.write_all(render::human_header().as_bytes()).map_err(io)?;
    }
    let mut counts = Counts::default();
    let mut fixes: Vec<String> = Vec::new();
    let mut more_fixes = 0u64;
    let mut workspace_fixes: BTreeMap<Fix, u64> = BTreeMap::new();
    for user in DirectoryReader::open(users)? {
        let user = user?;
        let o = crate::sim::evaluate(cfg, asm, &user);
        counts.add(&user, &o);
        let alts = alternatives(cfg, asm, &user, &o);
        if !ctx.quiet {
            w.write_all(render::human_row(&user, &o, &alts, ctx.redact).as_bytes())
                .map_err(io)?;
        }
        if let Some(f) = fix::smallest_fix(cfg, asm, &user, &o) {
            if f.is_workspace_change() {
                *workspace_fixes.entry(f.clone()).or_default() += 1;
            }
            if fixes.len() < FIXES_SHOWN {
                let email = render::shown_email(&user.email, ctx.redact);
                fixes.push(format!("  {email}: {}", f.describe(&email)));
            } else {
                more_fixes += 1;
            }
        }
    }
    let mut text = String::from("\n");
    for s in counts.sentences() {
        text.push_str(&s);
        text.push('\n');
    }
    if !fixes.is_empty() {
        text.push_str("\nSmallest fixes:\n");
        for f in &fixes {
            text.push_str(f);
            text.push('\n');
        }
        if more_fixes > 0 {
            text.push_str(&format!(
                "  … and {more_fixes} more (see --explain EMAIL)\n"
            ));
        }
    }
    for (f, _) in workspace_fixes.iter().take(WORKSPACE_FIXES_COUNTED) {
        let n = fix::users_let_in(cfg, asm, f, users)?;
        text.push_str(&format!(
            "Workspace change: {} lets in {}.\n",
            f.describe(""),
            sim::counts::users(n)
        ));
    }
    w.write_all(text.as_bytes()).map_err(io)?;
    Ok(counts)
}

fn explain(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    asm: &Assumptions,
    users: &Path,
    email: &str,
    out: &mut dyn Write,
) -> Result<i32, Fatal> {
    let cfg = &loaded.config;
    let plan = cfg.plan();
    let user = DirectoryReader::open(users)?
        .find(|u| {
            u.as_ref()
                .map_or(true, |u| u.email.eq_ignore_ascii_case(email.trim()))
        })
        .transpose()?
        .ok_or_else(|| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("--explain {email}: no such user in {}", users.display()),
            )
        })?;
    let mut trace = Vec::new();
    let o = evaluate_traced(cfg, asm, &user, Some(&mut trace));
    if ctx.redact {
        render::redact_trace(&mut trace, &user);
    }
    let alts = alternatives(cfg, asm, &user, &o);
    let text = match ctx.format {
        Format::Json | Format::Jsonl => {
            let mut s = serde_json::to_string_pretty(&UserJson::new(
                &user, &o, asm, plan, &trace, &alts, ctx.redact,
            ))
            .map_err(output_failed)?;
            s.push('\n');
            s
        }
        _ => {
            let shown = render::shown_email(&user.email, ctx.redact);
            let fix = match fix::smallest_fix(cfg, asm, &user, &o) {
                Some(f) if f.is_workspace_change() => {
                    let others = fix::users_let_in(cfg, asm, &f, users)?.saturating_sub(1);
                    Some(format!(
                        "{} (also lets in {others} other {})",
                        f.describe(&shown),
                        if others == 1 { "user" } else { "users" }
                    ))
                }
                Some(f) => Some(f.describe(&shown)),
                None => None,
            };
            render::explain_text(
                &user,
                &o,
                asm,
                plan,
                &trace,
                &alts,
                fix.as_deref(),
                ctx.redact,
            )
        }
    };
    crate::commands::emit(out, &text)?;
    Ok(0)
}

#[derive(Serialize)]
struct PatternsJson<'a> {
    schema: &'static str,
    config: &'a str,
    assumptions: AssumptionsJson<'static>,
    patterns: &'a [patterns::Combination],
}

fn run_patterns(
    ctx: &Ctx,
    loaded: &LoadedConfig,
    asm: &Assumptions,
    users: &Path,
    out: &mut dyn Write,
) -> Result<i32, Fatal> {
    let combos = patterns::run(&loaded.config, asm, users)?;
    let text = match ctx.format {
        Format::Json | Format::Jsonl => {
            let doc = PatternsJson {
                schema: render::SCHEMA,
                config: &loaded.source.path,
                assumptions: AssumptionsJson::all(asm, loaded.config.plan()),
                patterns: &combos,
            };
            let mut s = serde_json::to_string_pretty(&doc).map_err(output_failed)?;
            s.push('\n');
            s
        }
        _ => patterns::render_human(&loaded.config, &combos),
    };
    crate::commands::emit(out, &text)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes at most 7 bytes per call, and across slices, as a pipe may.
    struct Trickle(Vec<u8>);

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> std::io::Result<usize> {
            let mut room = 7;
            for b in bufs {
                let n = b.len().min(room);
                self.0.extend_from_slice(&b[..n]);
                room -= n;
                if room == 0 {
                    break;
                }
            }
            Ok(7 - room)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_part_writes_what_the_memo_renders() {
        let cfg: crate::config::Config = toml::from_str(
            "[workspace]\nverified_domains = [\"acme.com\"]\n[provisioning]\nscim = true\nscim_groups = [\"G\"]\n[authentication]\nmode = \"sso_enforced\"\n",
        )
        .unwrap();
        let mut text = String::from("email,groups,workspace_state,has_password,idp_email\n");
        for i in 0..1500 {
            let state = ["member", "invited", "none", "removed"][i % 4];
            let idp = if i % 7 == 0 { "other@acme.com" } else { "" };
            text.push_str(&format!("u{i}@acme.com,G,{state},{},{idp}\n", i % 3 == 0));
        }
        let users: Vec<_> =
            DirectoryReader::from_reader("u.csv", Box::new(std::io::Cursor::new(text)), false)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
        let asm = Assumptions::default();
        let (mut memo, mut direct_memo) = (Memo::default(), Memo::default());
        let mut part = JsonPart::default();
        let mut want = Vec::new();
        for u in &users {
            part.bytes.extend_from_slice(b",\n  ");
            part.push_user(&mut memo, &cfg, &asm, u, false).unwrap();
            want.extend_from_slice(b",\n  ");
            direct_memo
                .user_json(&cfg, &asm, u, false, &mut want)
                .unwrap();
        }
        assert!(part.pieces.len() > 1000 && part.tails.len() < 50);
        let mut out = Trickle(Vec::new());
        part.write(&mut out, 1).unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            String::from_utf8(want[1..].to_vec()).unwrap()
        );
    }
}
