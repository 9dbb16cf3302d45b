//! Evaluating a large CSV directory on every core, with results in file order.
//!
//! The file is cut into blocks at line ends; workers read and evaluate blocks into partial
//! results, and the caller's sink receives them in file order, so output and error messages
//! are byte for byte those of the one-thread reader. A cut is only a record boundary when no
//! cell spans lines, so a block that holds a quote character (a quoted cell may hold a line
//! break) or a lone carriage return (a line end that line counting would miss) is not read in
//! parallel: from that block on, the rest of the file is read by one thread. Blocks before it
//! hold no quote, so their cuts were record boundaries and their results stand.
//! A plain block is split into rows and cells directly (`plain_csv_rows`), which is what the
//! csv reader does on such bytes, at a fraction of its cost; so a one-thread run and a file
//! under `PARALLEL_FROM` read their blocks in turn the same way, without starting workers
//! (each worker has its own memo, so on a small file a second thread adds more evaluations
//! than it takes over). Block and output buffers go back to the reader to be filled again.
//! `SSOLINT_THREADS` sets the number of workers (1: read by one thread).

use super::directory::{io_fatal, plain_csv_rows, Columns, DirectoryReader, DirectoryUser};
use crate::error::Fatal;
use crate::rules::input;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc;
use std::sync::Mutex;

/// Input bytes per block handed to a worker.
const BLOCK: usize = 256 * 1024;
/// Input bytes per block read in turn: its output (8x the input for JSON) stays in the cache.
const BLOCK_IN_TURN: usize = 64 * 1024;
/// Files smaller than this are read by one thread (starting workers costs more than they
/// save on a few blocks).
const PARALLEL_FROM: u64 = 4 << 20;
/// Blocks read but not yet handed to the sink (bounds memory to a few blocks of output).
const IN_FLIGHT: usize = 6;
/// The one-thread reader hands a partial result to the sink every this many users.
const USERS_PER_PART: u64 = 1024;

/// Run `work` on every user of the directory at `path`, accumulating into partial results
/// that `sink` receives in file order. An error (bad cell, failed work) reaches the sink's
/// caller after the partial result holding every user before it.
pub fn for_each_user<P, W, S>(path: &Path, work: W, sink: S) -> Result<(), Fatal>
where
    P: Default + Send,
    W: Fn(&mut P, &DirectoryUser) -> Result<(), Fatal> + Sync,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let work = |_: &mut (), part: &mut P, u: &DirectoryUser| work(part, u);
    for_each_user_with(path, P::default, work, sink)
}

/// [`for_each_user`] where `work` also gets a state of its thread (`L::default()` once per
/// thread, kept across blocks): a memo that outlives one block; and partial results start
/// as `fresh()` makes them (a buffer the sink gave back).
pub fn for_each_user_with<L, P, F, W, S>(
    path: &Path,
    fresh: F,
    work: W,
    sink: S,
) -> Result<(), Fatal>
where
    L: Default,
    P: Send,
    F: Fn() -> P + Sync,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal> + Sync,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let workers = crate::parallel::workers();
    let work = Work { fresh, each: work };
    for_each_user_on(path, workers, PARALLEL_FROM, &work, sink)
}

/// How a partial result starts, and what each user adds to it.
struct Work<F, W> {
    fresh: F,
    each: W,
}

/// [`for_each_user_with`] on `workers` threads for files of at least `parallel_from` bytes.
fn for_each_user_on<L, P, F, W, S>(
    path: &Path,
    workers: usize,
    parallel_from: u64,
    work: &Work<F, W>,
    mut sink: S,
) -> Result<(), Fatal>
where
    L: Default,
    P: Send,
    F: Fn() -> P + Sync,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal> + Sync,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let mut local = L::default();
    match plan(path)? {
        Some(plan) if workers >= 2 && plan.file_len >= parallel_from => {
            parallel(path, plan, workers, work, &mut local, &mut sink)
        }
        Some(plan) => in_turn(path, plan, work, &mut local, &mut sink),
        None => serial(DirectoryReader::open(path)?, work, &mut local, &mut sink),
    }
}

/// The blocks read and evaluated one after the other on this thread.
fn in_turn<L, P, W, S, F>(
    path: &Path,
    plan: Plan,
    work: &Work<F, W>,
    local: &mut L,
    sink: &mut S,
) -> Result<(), Fatal>
where
    F: Fn() -> P,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal>,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let label = path.display().to_string();
    let io = |e: std::io::Error| io_fatal(&label, e);
    let mut reader = BlockReader::at(path, &plan, BLOCK_IN_TURN)?;
    while let Some(block) = reader.next_block().map_err(io)? {
        let result = run_block(
            &label,
            &plan.columns,
            block.first_line,
            &block.bytes,
            work,
            local,
        );
        let (offset, first_line) = (block.offset, block.first_line);
        reader.give_back(block.bytes);
        match result {
            BlockResult::Done(part, None) => sink(part)?,
            BlockResult::Done(part, Some(e)) => {
                sink(part)?;
                return Err(e);
            }
            BlockResult::NotPlain => {
                let columns = &plan.columns;
                return serial_from(path, columns, offset, first_line, work, local, sink);
            }
        }
    }
    Ok(())
}

fn serial<L, P, W, S, F>(
    reader: DirectoryReader,
    work: &Work<F, W>,
    local: &mut L,
    sink: &mut S,
) -> Result<(), Fatal>
where
    F: Fn() -> P,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal>,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let mut part = (work.fresh)();
    let mut n = 0u64;
    for user in reader {
        if let Err(e) = user.and_then(|u| (work.each)(local, &mut part, &u)) {
            sink(part)?;
            return Err(e);
        }
        n += 1;
        if n % USERS_PER_PART == 0 {
            sink(std::mem::replace(&mut part, (work.fresh)()))?;
        }
    }
    sink(part)
}

/// What the header told: the columns, and where the rows start.
struct Plan {
    columns: Columns,
    body_offset: u64,
    file_len: u64,
}

/// Decide whether the file can be read in blocks: a regular CSV file whose header line is
/// plain (no quote, no comment, no lone CR).
fn plan(path: &Path) -> Result<Option<Plan>, Fatal> {
    let Ok(mut file) = File::open(path) else {
        return Ok(None); // the one-thread reader reports the error
    };
    let Some(file_len) = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
    else {
        return Ok(None);
    };
    let mut head = vec![0u8; 64 * 1024];
    let Ok(filled) = read_full(&mut file, &mut head) else {
        return Ok(None);
    };
    head.truncate(filled);
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let Some(body) = head.get(bom..) else {
        return Ok(None);
    };
    let Some(newline) = memchr::memchr(b'\n', body) else {
        return Ok(None);
    };
    let header = body.get(..=newline).unwrap_or_default();
    let plain = header.first().is_some_and(|b| b.is_ascii_alphabetic()) && is_plain(header);
    if !plain {
        return Ok(None);
    }
    let label = path.display().to_string();
    let reader = DirectoryReader::from_reader(
        label,
        Box::new(std::io::Cursor::new(header.to_vec())),
        false,
    )?;
    Ok(reader.columns().map(|columns| Plan {
        columns: columns.clone(),
        body_offset: (bom + header.len()) as u64,
        file_len,
    }))
}

/// No quote character and no carriage return other than before a line feed.
fn is_plain(bytes: &[u8]) -> bool {
    if memchr::memchr(b'"', bytes).is_some() {
        return false;
    }
    memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'))
}

struct Block {
    index: usize,
    offset: u64,
    first_line: u64,
    bytes: Vec<u8>,
}

enum BlockResult<P> {
    Done(P, Option<Fatal>),
    /// The block cannot be read on its own (see the module comment).
    NotPlain,
}

fn parallel<L, P, W, S, F>(
    path: &Path,
    plan: Plan,
    workers: usize,
    work: &Work<F, W>,
    local: &mut L,
    sink: &mut S,
) -> Result<(), Fatal>
where
    L: Default,
    P: Send,
    F: Fn() -> P + Sync,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal> + Sync,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let label = path.display().to_string();
    let reader = BlockReader::at(path, &plan, BLOCK)?;
    let columns = &plan.columns;
    let (to_workers, from_reader) = mpsc::sync_channel::<Block>(IN_FLIGHT);
    let from_reader = Mutex::new(from_reader);
    let (to_sink, results) = mpsc::channel::<(usize, BlockResult<P>, Vec<u8>)>();
    let from_reader = &from_reader;
    let label = label.as_str();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let to_sink = to_sink.clone();
            scope.spawn(move || {
                let mut local = L::default();
                loop {
                    let next = from_reader.lock().ok().and_then(|rx| rx.recv().ok());
                    let Some(block) = next else { return };
                    let result = run_block(
                        label,
                        columns,
                        block.first_line,
                        &block.bytes,
                        work,
                        &mut local,
                    );
                    if to_sink.send((block.index, result, block.bytes)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(to_sink);
        // `drive` owns both channel ends, so every way out of it lets the workers stop.
        drive(
            path, reader, to_workers, results, columns, work, local, sink,
        )
    })
}

/// Hand blocks to the workers and their results to the sink in file order.
#[allow(clippy::too_many_arguments)]
fn drive<L, P, W, S, F>(
    path: &Path,
    mut reader: BlockReader,
    to_workers: mpsc::SyncSender<Block>,
    results: mpsc::Receiver<(usize, BlockResult<P>, Vec<u8>)>,
    columns: &Columns,
    work: &Work<F, W>,
    local: &mut L,
    sink: &mut S,
) -> Result<(), Fatal>
where
    P: Send,
    F: Fn() -> P,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal>,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let io = |e: std::io::Error| io_fatal(&path.display().to_string(), e);
    // Blocks handed out, by index, with their offset and first line, until their result
    // reaches the sink.
    let mut outstanding: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    let mut done: BTreeMap<usize, BlockResult<P>> = BTreeMap::new();
    let mut next_to_sink = 0usize;
    loop {
        while outstanding.len() < IN_FLIGHT && !reader.eof {
            if let Some(block) = reader.next_block().map_err(io)? {
                outstanding.insert(block.index, (block.offset, block.first_line));
                to_workers.send(block).map_err(|_| stopped())?;
            }
        }
        let Some((offset, first_line)) = outstanding.remove(&next_to_sink) else {
            return Ok(());
        };
        let result = loop {
            if let Some(r) = done.remove(&next_to_sink) {
                break r;
            }
            let (i, r, bytes) = results.recv().map_err(|_| stopped())?;
            reader.give_back(bytes);
            done.insert(i, r);
        };
        next_to_sink += 1;
        match result {
            BlockResult::Done(part, None) => sink(part)?,
            BlockResult::Done(part, Some(e)) => {
                sink(part)?;
                return Err(e);
            }
            BlockResult::NotPlain => {
                drop(to_workers);
                return serial_from(path, columns, offset, first_line, work, local, sink);
            }
        }
    }
}

fn stopped() -> Fatal {
    Fatal::new(&input::UNDECODABLE, "a directory reader thread stopped")
}

fn run_block<L, P, W, F>(
    label: &str,
    columns: &Columns,
    first_line: u64,
    bytes: &[u8],
    work: &Work<F, W>,
    local: &mut L,
) -> BlockResult<P>
where
    F: Fn() -> P,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal>,
{
    if !is_plain(bytes) {
        return BlockResult::NotPlain;
    }
    let mut part = (work.fresh)();
    let result = plain_csv_rows(label, columns, first_line, bytes, |u| {
        (work.each)(local, &mut part, u)
    });
    BlockResult::Done(part, result.err())
}

/// The rest of the file from `offset`, read by one thread.
fn serial_from<L, P, W, S, F>(
    path: &Path,
    columns: &Columns,
    offset: u64,
    first_line: u64,
    work: &Work<F, W>,
    local: &mut L,
    sink: &mut S,
) -> Result<(), Fatal>
where
    F: Fn() -> P,
    W: Fn(&mut L, &mut P, &DirectoryUser) -> Result<(), Fatal>,
    S: FnMut(P) -> Result<(), Fatal>,
{
    let label = path.display().to_string();
    let file = open_at(path, offset)?;
    let source = Box::new(std::io::BufReader::with_capacity(64 * 1024, file));
    let rows = DirectoryReader::csv_rows(label.as_str(), source, columns.clone(), first_line);
    serial(rows, work, local, sink)
}

/// Cuts the body of the file into blocks that end after a line feed.
struct BlockReader {
    file: File,
    /// Bytes read after the last cut.
    carry: Vec<u8>,
    /// File offset of `carry`'s first byte.
    offset: u64,
    /// Line number of `carry`'s first byte.
    line: u64,
    index: usize,
    eof: bool,
    /// Buffers of blocks already evaluated, for the next blocks.
    spare: Vec<Vec<u8>>,
    /// Bytes read at a time.
    block: usize,
}

impl BlockReader {
    /// A reader of the rows after the header.
    fn at(path: &Path, plan: &Plan, block: usize) -> Result<BlockReader, Fatal> {
        Ok(BlockReader {
            file: open_at(path, plan.body_offset)?,
            carry: Vec::new(),
            offset: plan.body_offset,
            line: 2,
            index: 0,
            eof: false,
            spare: Vec::new(),
            block,
        })
    }

    /// A block's buffer, free again.
    fn give_back(&mut self, bytes: Vec<u8>) {
        self.spare.push(bytes);
    }

    fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.clear();
        bytes.extend_from_slice(&self.carry);
        self.carry.clear();
        loop {
            let start = bytes.len();
            // Read into the spare capacity: no zeroing of the block first.
            bytes.reserve(self.block);
            let limit = self.block as u64;
            let n = (&mut self.file).take(limit).read_to_end(&mut bytes)?;
            if n == 0 {
                self.eof = true;
                break;
            }
            if let Some(last) = memchr::memrchr(b'\n', bytes.get(start..).unwrap_or_default()) {
                let cut = start + last + 1;
                self.carry
                    .extend_from_slice(bytes.get(cut..).unwrap_or_default());
                bytes.truncate(cut);
                break;
            }
            // No line feed yet: every byte so far is one row, which starts on `self.line`.
            if bytes.len() > super::directory::MAX_ROW {
                let row = super::directory::row_too_long();
                return Err(std::io::Error::new(
                    row.kind(),
                    format!("line {}: {row}", self.line),
                ));
            }
        }
        if bytes.is_empty() {
            self.spare.push(bytes);
            return Ok(None);
        }
        let block = Block {
            index: self.index,
            offset: self.offset,
            first_line: self.line,
            bytes,
        };
        self.index += 1;
        self.offset += block.bytes.len() as u64;
        self.line += memchr::memchr_iter(b'\n', &block.bytes).count() as u64;
        Ok(Some(block))
    }
}

/// The file, positioned at `offset`.
fn open_at(path: &Path, offset: u64) -> Result<File, Fatal> {
    let io = |e: std::io::Error| io_fatal(&path.display().to_string(), e);
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    Ok(file)
}

fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const HEADER: &str = "email,groups,workspace_state,invite_source,personal_account,has_password,social,idp_status,idp_assigned,idp_email\n";

    fn row(i: usize) -> String {
        let state = ["member", "invited", "none", "removed"][i % 4];
        let idp = ["active", "disabled", "absent", "?"][i % 3];
        format!("user{i}@acme.com,Engineering;All Staff,{state},manual,free,true,,{idp},true,\n")
    }

    fn file_with(lines: impl Fn(usize, String) -> String, crlf: bool) -> tempfile::NamedTempFile {
        let mut text = String::from(HEADER);
        for i in 0..20_000 {
            text.push_str(&lines(i, row(i)));
        }
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    /// The test file with row `at` replaced by `change(row)`.
    fn file_changing(at: usize, change: impl Fn(String) -> String) -> tempfile::NamedTempFile {
        file_with(|i, r| if i == at { change(r) } else { r }, false)
    }

    type Seen = (Vec<DirectoryUser>, Option<String>);

    fn one_thread(path: &Path) -> Seen {
        let mut users = Vec::new();
        for u in DirectoryReader::open(path).unwrap() {
            match u {
                Ok(u) => users.push(u),
                Err(e) => return (users, Some(e.message)),
            }
        }
        (users, None)
    }

    fn in_blocks(path: &Path, workers: usize) -> Seen {
        let mut users = Vec::new();
        let work = Work {
            fresh: Vec::new,
            each: |_: &mut (), part: &mut Vec<DirectoryUser>, u: &DirectoryUser| {
                part.push(u.clone());
                Ok(())
            },
        };
        let r = for_each_user_on(path, workers, 0, &work, |part| {
            users.extend(part);
            Ok(())
        });
        (users, r.err().map(|e| e.message))
    }

    /// The reader, the blocks in turn and the blocks on two threads see the same.
    fn same(f: &tempfile::NamedTempFile) -> Seen {
        let a = one_thread(f.path());
        for workers in [1, 2] {
            let b = in_blocks(f.path(), workers);
            assert_eq!(a.1, b.1, "{workers} workers");
            assert_eq!(a.0.len(), b.0.len(), "{workers} workers");
            if let Some((x, y)) = a.0.iter().zip(&b.0).find(|(x, y)| x != y) {
                panic!("{workers} workers: users differ: {x:?} vs {y:?}",);
            }
        }
        a
    }

    #[test]
    fn plain_file_reads_the_same_in_blocks() {
        let seen = same(&file_with(|_, r| r, false));
        assert_eq!(seen.0.len(), 20_000);
        assert_eq!(seen.0.last().map(|u| u.line), Some(20_001));
    }

    #[test]
    fn crlf_comments_and_blank_lines_keep_their_line_numbers() {
        let f = file_with(
            |i, r| match i % 997 {
                0 => format!("# note {i}\n{r}"),
                1 => format!("\n{r}"),
                _ => r,
            },
            true,
        );
        let seen = same(&f);
        assert_eq!(seen.0.len(), 20_000);
    }

    #[test]
    fn odd_plain_cells_read_as_the_csv_reader_reads_them() {
        let f = file_with(
            |i, r| match i % 1_000 {
                0 => r.replace(",Engineering;All Staff,", ", ; Sales ;; ,"),
                1 => r.replace(",Engineering;All Staff,", ",?,"),
                2 => format!("#,a,comment,with,commas\n{r}"),
                3 => r.replace("user", " user#"),
                4 => r.replace(",manual,", ",\u{a0}manual\u{a0},"),
                5 => format!("\r\n{r}"),
                _ => r,
            },
            false,
        );
        same(&f);
    }

    #[test]
    fn a_last_row_without_a_line_end_is_read() {
        let f = file_with(
            |i, r| if i == 19_999 { r.trim_end().into() } else { r },
            true,
        );
        assert_eq!(same(&f).0.len(), 20_000);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_reported_only_where_read() {
        // An unknown column is never read; a known one names its column.
        let mut text = String::from("email,notes,workspace_state\n");
        for i in 0..5_000 {
            text.push_str(&format!("u{i}@acme.com,n{i},member\n"));
        }
        let mut bytes = text.into_bytes();
        let at = bytes.len();
        bytes.extend_from_slice(b"x@acme.com,\xff\xfe,member\ny@acme.com,ok,mem\xc3\n");
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(&bytes).unwrap();
        let seen = same(&f);
        assert_eq!(seen.0.len(), 5_001, "{:?}", &bytes[at..]);
        assert!(seen.1.unwrap().contains(":5003: column 3 is not UTF-8"));
    }

    #[test]
    fn a_quoted_cell_with_a_line_break_sends_the_rest_to_one_thread() {
        let f = file_changing(9_000, |_| {
            "q@acme.com,\"Sales\nAll Staff\",member,manual,free,true,,active,true,\n".into()
        });
        same(&f);
    }

    #[test]
    fn a_lone_carriage_return_sends_the_rest_to_one_thread() {
        let f = file_changing(12_345, |r| r.replace('\n', "\r"));
        same(&f);
    }

    #[test]
    fn errors_name_the_same_line_as_one_thread() {
        let bad_value = file_changing(15_000, |r| r.replace("member", "owner?"));
        assert!(same(&bad_value).1.unwrap().contains(":15002:"));
        let short_row = file_changing(12_000, |_| "short@acme.com,x\n".into());
        assert!(same(&short_row).1.unwrap().contains("the row has 2 cells"));
        let no_email = file_changing(13_000, |r| r.replacen("user13000@acme.com", " ", 1));
        assert!(same(&no_email)
            .1
            .unwrap()
            .contains(":13002: column 1 (email) is empty"));
    }

    #[test]
    fn counts_merge_in_file_order() {
        let mut a = Counts::default();
        let mut b = Counts::default();
        for i in 0..4 {
            a.note(SimFinding::NotProvisioned, &format!("a{i}"));
            b.note(SimFinding::NotProvisioned, &format!("b{i}"));
        }
        b.note(SimFinding::LockedOut, "b-locked");
        a.merge(b);
        let t = a.tally(SimFinding::NotProvisioned).unwrap();
        assert_eq!(t.count, 8);
        assert_eq!(t.examples, ["a0", "a1", "a2", "a3", "b0"]);
        assert_eq!(a.tally(SimFinding::LockedOut).unwrap().count, 1);
    }

    use super::super::counts::Counts;
    use super::super::model::SimFinding;
}
