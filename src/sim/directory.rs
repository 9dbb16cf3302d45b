//! The one directory reader (SIMULATION.md "Inputs", CONFIG.md "The directory file"): CSV with
//! a header row, a SCIM 2.0 `ListResponse` of Users, a JSON array of user objects, or JSONL
//! (one object per line). CSV and JSONL are streamed record by record, reusing one record
//! buffer, so a million-user file is never held whole. A single JSON document is streamed too,
//! one user (at most 1 MiB) at a time, each parsed by the strict parser (duplicate keys
//! refused, at the top level of a ListResponse as well): see `json_stream`.
//!
//! Cell semantics: an empty `groups` or `social` is an empty list; an empty `idp_email` means
//! the IdP asserts `email`; any other empty cell, `?`, `null` or an absent column is unknown.
//! A value outside the allowed set is a [`Fatal`] naming the file, line and column.

use super::json_stream::{JsonStream, Mark};
use crate::error::Fatal;
use crate::rules::input;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

named_enum! {
    pub enum WorkspaceState { None => "none", Invited => "invited", Member => "member", Removed => "removed" }
}
named_enum! {
    pub enum InviteSource { Manual => "manual", Scim => "scim" }
}
named_enum! {
    pub enum PersonalAccount { None => "none", Free => "free", Plus => "plus" }
}
named_enum! {
    pub enum IdpStatus { Active => "active", Disabled => "disabled", Absent => "absent" }
}
named_enum! {
    pub enum Role { Owner => "owner", Admin => "admin", Member => "member" }
}
named_enum! {
    /// Social login providers (seed 004: Google, Microsoft, Apple).
    pub enum Social { Google => "google", Microsoft => "microsoft", Apple => "apple" }
}
named_enum! {
    /// The optional directory fields; `unknown_fields` names them.
    pub enum Field {
        Groups => "groups",
        WorkspaceState => "workspace_state",
        InviteSource => "invite_source",
        PersonalAccount => "personal_account",
        HasPassword => "has_password",
        Social => "social",
        IdpStatus => "idp_status",
        IdpAssigned => "idp_assigned",
        IdpEmail => "idp_email",
        Role => "role",
        NewAccount => "new_account",
    }
}

pub type SocialSet = super::set::Set<Social>;

/// What the IdP asserts as the user's e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdpEmail {
    /// An empty cell: the IdP asserts the directory `email`.
    SameAsEmail,
    Other(String),
}

/// One user of the directory. `None` means unknown, never false.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectoryUser {
    /// Line (CSV, JSONL) or 1-based position (JSON array) the user came from.
    pub line: u64,
    pub email: String,
    pub groups: Option<Vec<String>>,
    pub workspace_state: Option<WorkspaceState>,
    pub invite_source: Option<InviteSource>,
    pub personal_account: Option<PersonalAccount>,
    pub has_password: Option<bool>,
    pub social: Option<SocialSet>,
    pub idp_status: Option<IdpStatus>,
    pub idp_assigned: Option<bool>,
    pub idp_email: Option<IdpEmail>,
    pub role: Option<Role>,
    pub new_account: Option<bool>,
}

impl DirectoryUser {
    /// The e-mail's domain, after the last `@` (empty when there is none).
    pub fn domain(&self) -> &str {
        memchr::memrchr(b'@', self.email.as_bytes())
            .and_then(|at| self.email.get(at + 1..))
            .unwrap_or("")
    }

    /// Does the IdP assert the same e-mail (case-insensitive)? `None` when unknown.
    pub fn idp_email_matches(&self) -> Option<bool> {
        match &self.idp_email {
            None => None,
            Some(IdpEmail::SameAsEmail) => Some(true),
            Some(IdpEmail::Other(e)) => Some(e.eq_ignore_ascii_case(&self.email)),
        }
    }
}

named_enum! {
    /// The shape of a directory file.
    pub enum DirectoryKind {
        Csv => "csv",
        ScimListResponse => "scim-list-response",
        JsonArray => "json-array",
        Jsonl => "jsonl",
    }
}

/// A raw value before interpretation: a CSV cell or a JSON member.
enum Raw<'a> {
    Missing,
    Text(&'a str),
    Bool(bool),
    List(Vec<&'a str>),
    /// A JSON value of a type the field cannot take.
    Bad(&'static str),
}

/// Interpret one raw value into the user; `Err` says what was wrong (without position).
fn apply(user: &mut DirectoryUser, field: Field, raw: Raw<'_>) -> Result<(), String> {
    let text = match raw {
        Raw::Missing => return Ok(()),
        Raw::Bad(kind) => return Err(format!("{} cannot be {kind}", field.name())),
        Raw::Text(t) => {
            let t = trim(t);
            if t == "?" {
                return Ok(());
            }
            Some(t)
        }
        Raw::Bool(b) => {
            match field {
                Field::HasPassword => user.has_password = Some(b),
                Field::IdpAssigned => user.idp_assigned = Some(b),
                Field::NewAccount => user.new_account = Some(b),
                _ => return Err(format!("{} cannot be a boolean", field.name())),
            }
            return Ok(());
        }
        Raw::List(items) => {
            return match field {
                Field::Groups => {
                    user.groups = Some(
                        items
                            .iter()
                            .map(|s| s.trim())
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                    );
                    Ok(())
                }
                Field::Social => {
                    user.social = Some(parse_social(items.iter().copied())?);
                    Ok(())
                }
                _ => Err(format!("{} cannot be a list", field.name())),
            };
        }
    };
    let Some(t) = text else { return Ok(()) };
    match field {
        Field::Groups => {
            user.groups = Some(
                t.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        }
        Field::Social => user.social = Some(parse_social(t.split(';'))?),
        Field::IdpEmail => {
            user.idp_email = Some(if t.is_empty() {
                IdpEmail::SameAsEmail
            } else {
                IdpEmail::Other(t.to_string())
            })
        }
        _ if t.is_empty() => {}
        Field::WorkspaceState => user.workspace_state = Some(choice(field, t)?),
        Field::InviteSource => user.invite_source = Some(choice(field, t)?),
        Field::PersonalAccount => user.personal_account = Some(choice(field, t)?),
        Field::IdpStatus => user.idp_status = Some(choice(field, t)?),
        Field::Role => user.role = Some(choice(field, t)?),
        Field::HasPassword => user.has_password = Some(boolean(field, t)?),
        Field::IdpAssigned => user.idp_assigned = Some(boolean(field, t)?),
        Field::NewAccount => user.new_account = Some(boolean(field, t)?),
    }
    Ok(())
}

trait Choice: Sized {
    fn parse_value(s: &str) -> Option<Self>;
    fn allowed() -> String;
}
macro_rules! choice_impl {
    ($($t:ty),+) => {$(
        impl Choice for $t {
            fn parse_value(s: &str) -> Option<Self> { <$t>::parse(s) }
            fn allowed() -> String { <$t>::choices() }
        }
    )+};
}
choice_impl!(
    WorkspaceState,
    InviteSource,
    PersonalAccount,
    IdpStatus,
    Role
);

fn choice<T: Choice>(field: Field, t: &str) -> Result<T, String> {
    T::parse_value(t)
        .ok_or_else(|| format!("{} `{t}` is not one of {}", field.name(), T::allowed()))
}

fn boolean(field: Field, t: &str) -> Result<bool, String> {
    if t.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format!("{} `{t}` is not one of true|false", field.name()))
    }
}

fn parse_social<'a>(items: impl Iterator<Item = &'a str>) -> Result<SocialSet, String> {
    let mut set = SocialSet::EMPTY;
    for item in items.map(str::trim).filter(|s| !s.is_empty()) {
        set.insert(
            Social::parse(item)
                .ok_or_else(|| format!("social `{item}` is not one of {}", Social::choices()))?,
        );
    }
    Ok(set)
}

/// A known field that an unknown column name is probably a misspelling of. Other columns
/// (names, departments) are ignored.
fn near_field(name: &str) -> Option<Field> {
    let normal = name.to_ascii_lowercase().replace(['-', ' '], "_");
    Field::ALL
        .iter()
        .copied()
        .find(|f| normal == f.name() || strsim::jaro_winkler(&normal, f.name()) > 0.93)
}

/// Column positions of a CSV header.
/// Where each field sits in a CSV row, and how many cells the header has.
#[derive(Debug, Clone)]
pub struct Columns {
    email: usize,
    fields: Vec<(Field, usize)>,
    width: usize,
}

enum Inner {
    Csv {
        reader: csv::Reader<Box<dyn Read>>,
        columns: Columns,
        record: csv::ByteRecord,
        lines: LineCounter,
    },
    Jsonl {
        lines: Box<dyn BufRead>,
        pending: Option<String>,
        line: u64,
        buf: String,
    },
    Json(JsonStream),
}

/// A streaming iterator over a directory's users.
pub struct DirectoryReader {
    path: String,
    kind: DirectoryKind,
    inner: Inner,
    done: bool,
}

pub(crate) fn io_fatal(path: &str, e: impl std::fmt::Display) -> Fatal {
    Fatal::new(
        &input::UNDECODABLE,
        format!("cannot read directory {path}: {e}"),
    )
}

impl DirectoryReader {
    /// Open a directory file and detect its shape from its first bytes.
    pub fn open(path: &Path) -> Result<DirectoryReader, Fatal> {
        let label = path.display().to_string();
        let file = File::open(path).map_err(|e| io_fatal(&label, e))?;
        let jsonl_ext = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("jsonl" | "ndjson")
        );
        DirectoryReader::from_reader(label, Box::new(file), jsonl_ext)
    }

    /// Read a directory from any byte source (`path` is the name used in messages).
    pub fn from_reader(
        path: impl Into<String>,
        source: Box<dyn Read>,
        jsonl_hint: bool,
    ) -> Result<DirectoryReader, Fatal> {
        let path = path.into();
        let mut buffered: Box<dyn BufRead> = Box::new(BufReader::with_capacity(64 * 1024, source));
        let (first, start) =
            first_significant_byte(&mut buffered).map_err(|e| io_fatal(&path, e))?;
        let inner = match first {
            Some(b'[') => Inner::Json(JsonStream::new(&path, buffered, start)),
            Some(b'{') => {
                let mut first_line = String::new();
                buffered
                    .read_line(&mut first_line)
                    .map_err(|e| not_utf8_or_io(&path, 1, e))?;
                let alone = crate::json::parse(first_line.trim()).ok();
                let is_record = matches!(&alone, Some(Value::Object(o)) if !o.contains_key("Resources") && !o.contains_key("schemas"));
                if jsonl_hint || is_record {
                    Inner::Jsonl {
                        lines: buffered,
                        pending: Some(first_line),
                        line: 0,
                        buf: String::new(),
                    }
                } else {
                    let source = std::io::Cursor::new(first_line).chain(buffered);
                    Inner::Json(JsonStream::new(&path, Box::new(source), start))
                }
            }
            _ => DirectoryReader::csv(&path, buffered)?,
        };
        let kind = match &inner {
            Inner::Csv { .. } => DirectoryKind::Csv,
            Inner::Jsonl { .. } => DirectoryKind::Jsonl,
            Inner::Json { .. } if first == Some(b'[') => DirectoryKind::JsonArray,
            Inner::Json { .. } => DirectoryKind::ScimListResponse,
        };
        Ok(DirectoryReader {
            path,
            kind,
            inner,
            done: false,
        })
    }

    pub fn kind(&self) -> DirectoryKind {
        self.kind
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    fn csv_builder(has_headers: bool) -> csv::ReaderBuilder {
        let mut builder = csv::ReaderBuilder::new();
        // Row widths are checked against the header here, so header-less readers of a part
        // of the file check them the same way.
        builder
            .has_headers(has_headers)
            .flexible(true)
            .comment(Some(b'#'))
            .buffer_capacity(64 * 1024);
        builder
    }

    /// The columns of a CSV directory (None for the other shapes).
    pub fn columns(&self) -> Option<&Columns> {
        match &self.inner {
            Inner::Csv { columns, .. } => Some(columns),
            _ => None,
        }
    }

    /// A reader of header-less CSV rows that continue a directory whose header gave
    /// `columns`; `first_line` is the line number of the first row in the whole file.
    pub fn csv_rows(
        path: impl Into<String>,
        source: Box<dyn Read>,
        columns: Columns,
        first_line: u64,
    ) -> DirectoryReader {
        DirectoryReader {
            path: path.into(),
            kind: DirectoryKind::Csv,
            inner: {
                let (source, lines) = LineCounter::wrap(source, first_line);
                Inner::Csv {
                    reader: DirectoryReader::csv_builder(false).from_reader(source),
                    columns,
                    record: csv::ByteRecord::new(),
                    lines,
                }
            },
            done: false,
        }
    }

    fn csv(path: &str, source: Box<dyn BufRead>) -> Result<Inner, Fatal> {
        let (source, lines) = LineCounter::wrap(Box::new(source), 1);
        let mut reader = DirectoryReader::csv_builder(true).from_reader(source);
        let header = reader
            .byte_headers()
            .map_err(|e| csv_fatal(path, e.position().map_or(0, |p| p.line()), e))?
            .clone();
        let mut email = None;
        let mut fields = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = std::str::from_utf8(name)
                .map_err(|_| {
                    Fatal::new(
                        &input::NOT_UTF8,
                        format!("{path}:1: column {} of the header is not UTF-8", i + 1),
                    )
                })?
                .trim()
                .trim_start_matches('\u{feff}');
            if name.eq_ignore_ascii_case("email") {
                email = Some(i);
            } else if let Some(f) = Field::parse(name) {
                fields.push((f, i));
            } else if let Some(f) = near_field(name) {
                // A misspelt column would silently make every user unknown.
                return Err(Fatal::new(
                    &input::UNDECODABLE,
                    format!(
                        "{path}:1: column {} `{name}` is not a directory field; did you mean `{}`?",
                        i + 1,
                        f.name()
                    ),
                ));
            }
        }
        let Some(email) = email else {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                format!(
                    "{path}:1: the directory has no `email` column (expected a CSV header such as email,groups,workspace_state,…, a SCIM ListResponse, a JSON array or JSONL)"
                ),
            ));
        };
        Ok(Inner::Csv {
            reader,
            columns: Columns {
                email,
                fields,
                width: header.len(),
            },
            record: csv::ByteRecord::new(),
            lines,
        })
    }

    fn next_user(&mut self) -> Option<Result<DirectoryUser, Fatal>> {
        let path = &self.path;
        match &mut self.inner {
            Inner::Csv {
                reader,
                columns,
                record,
                lines,
            } => match reader.read_byte_record(record) {
                Ok(false) => None,
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                    Some(Err(csv_fatal(path, line, e)))
                }
                Ok(true) => {
                    let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
                    if record.len() != columns.width {
                        return Some(Err(Fatal::new(
                            &input::UNDECODABLE,
                            format!(
                                "{path}:{line}: the row has {} cells where the header has {}",
                                record.len(),
                                columns.width
                            ),
                        )));
                    }
                    Some(csv_user(path, line, columns, record))
                }
            },
            Inner::Jsonl {
                lines,
                pending,
                line,
                buf,
            } => loop {
                *line += 1;
                let text = match pending.take() {
                    Some(first) => {
                        *buf = first;
                        buf.as_str()
                    }
                    None => {
                        buf.clear();
                        let limit = MAX_ROW as u64 + 1;
                        match lines.by_ref().take(limit).read_line(buf) {
                            Ok(0) => return None,
                            Ok(n) if n > MAX_ROW && !buf.ends_with('\n') => {
                                return Some(Err(io_fatal(
                                    path,
                                    format!("line {line}: {}", row_too_long()),
                                )))
                            }
                            Ok(_) => buf.as_str(),
                            Err(e) => return Some(Err(not_utf8_or_io(path, *line, e))),
                        }
                    }
                };
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let value = match crate::json::parse(text) {
                    Ok(v) => v,
                    Err(e) => {
                        return Some(Err(Fatal::new(
                            e.rule(),
                            format!("{path}:{}:{}: {}", *line, e.column, e.message),
                        )))
                    }
                };
                return Some(json_user(path, *line, &value));
            },
            Inner::Json(stream) => Some(
                stream
                    .next_value()?
                    .and_then(|(index, value)| json_user(path, index, &value)),
            ),
        }
    }
}

impl Iterator for DirectoryReader {
    type Item = Result<DirectoryUser, Fatal>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.next_user();
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }
}

/// The first byte that is not a byte order mark or whitespace (not consumed), and where it is.
fn first_significant_byte(r: &mut Box<dyn BufRead>) -> std::io::Result<(Option<u8>, Mark)> {
    let mut at = Mark { line: 1, column: 0 };
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok((None, at));
        }
        if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            r.consume(3);
            continue;
        }
        let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let next = buf.get(blank).copied();
        for &b in buf.get(..blank).unwrap_or_default() {
            if b == b'\n' {
                at.line += 1;
                at.column = 0;
            } else {
                at.column += 1;
            }
        }
        r.consume(blank);
        if next.is_some() {
            return Ok((next, at));
        }
    }
}

fn not_utf8_or_io(path: &str, line: u64, e: std::io::Error) -> Fatal {
    if e.kind() == std::io::ErrorKind::InvalidData {
        Fatal::new(
            &input::NOT_UTF8,
            format!("{path}:{line}: the directory is not UTF-8"),
        )
    } else {
        io_fatal(path, e)
    }
}

/// Line numbers of CSV records from their byte offsets. The csv crate's own line count
/// misses comment lines and CRLF ends, and a record's offset can point at the line ends,
/// blank lines or comment lines skipped before it; so the bytes the reader pulls are kept
/// until a record passes them (about one read-ahead buffer), and counted here.
struct LineCounter {
    pending: Rc<RefCell<VecDeque<u8>>>,
    /// Offset of `pending`'s first byte.
    base: u64,
    /// Line of `pending`'s first byte.
    line: u64,
    at_line_start: bool,
}

struct CountingRead {
    inner: Box<dyn Read>,
    pending: Rc<RefCell<VecDeque<u8>>>,
    /// Bytes read since the last line feed: a row that never ends (a device, a file with no
    /// line breaks) is refused at [`MAX_ROW`] instead of being kept without bound.
    since_line_feed: usize,
}

impl Read for CountingRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or_default();
        self.since_line_feed = match memchr::memrchr(b'\n', got) {
            Some(i) => n - i - 1,
            None => self.since_line_feed.saturating_add(n),
        };
        if self.since_line_feed > MAX_ROW {
            return Err(row_too_long());
        }
        self.pending.borrow_mut().extend(got);
        Ok(n)
    }
}

/// The longest row of a CSV or JSON Lines directory (a user is a few hundred bytes).
pub(crate) const MAX_ROW: usize = 1 << 20;

pub(crate) fn row_too_long() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("a row is longer than {} MiB", MAX_ROW >> 20),
    )
}

impl LineCounter {
    /// Wrap `source`, whose first byte is on line `first_line`.
    fn wrap(source: Box<dyn Read>, first_line: u64) -> (Box<dyn Read>, LineCounter) {
        let pending = Rc::new(RefCell::new(VecDeque::new()));
        let counting = CountingRead {
            inner: source,
            pending: Rc::clone(&pending),
            since_line_feed: 0,
        };
        let counter = LineCounter {
            pending,
            base: 0,
            line: first_line,
            at_line_start: true,
        };
        (Box::new(counting), counter)
    }

    /// The line of the record the reader placed at `offset` (offsets only grow).
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut pending = self.pending.borrow_mut();
        let skip = usize::try_from(offset.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(pending.len());
        if skip > 0 {
            let (a, b) = pending.as_slices();
            let feeds =
                |s: &[u8], n: usize| memchr::memchr_iter(b'\n', s.get(..n).unwrap_or(s)).count();
            self.line +=
                (feeds(a, skip.min(a.len())) + feeds(b, skip.saturating_sub(a.len()))) as u64;
            self.at_line_start = pending.get(skip - 1) == Some(&b'\n');
            pending.drain(..skip);
            self.base += skip as u64;
        }
        // Skip what the reader skips before a record: line ends, and comment lines.
        loop {
            match pending.front() {
                Some(b'\r') => {}
                Some(b'\n') => {
                    self.line += 1;
                    self.at_line_start = true;
                    pending.pop_front();
                    self.base += 1;
                    continue;
                }
                Some(b'#') if self.at_line_start => {
                    let Some(end) = pending.iter().position(|&c| c == b'\n') else {
                        break;
                    };
                    pending.drain(..=end);
                    self.base += end as u64 + 1;
                    self.line += 1;
                    continue;
                }
                _ => break,
            }
            pending.pop_front();
            self.base += 1;
            self.at_line_start = false;
        }
        self.line
    }
}

fn csv_fatal(path: &str, line: u64, e: csv::Error) -> Fatal {
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} cells where the header has {expected_len}"),
        csv::ErrorKind::Io(io) => return io_fatal(path, io),
        _ => e.to_string(),
    };
    Fatal::new(&input::UNDECODABLE, format!("{path}:{line}: {what}"))
}

fn csv_user(
    path: &str,
    line: u64,
    columns: &Columns,
    record: &csv::ByteRecord,
) -> Result<DirectoryUser, Fatal> {
    // One UTF-8 check for the whole row; a cell is cut from it when its range falls on
    // character boundaries, and checked alone otherwise (to name the column).
    let whole = std::str::from_utf8(record.as_slice()).ok();
    let cell = |i: usize| -> Option<Result<&str, usize>> {
        if let Some(text) = whole.zip(record.range(i)).and_then(|(w, r)| w.get(r)) {
            return Some(Ok(text));
        }
        record
            .get(i)
            .map(|bytes| std::str::from_utf8(bytes).map_err(|_| i))
    };
    let mut user = DirectoryUser::default();
    fill_user(path, line, columns, cell, &mut user)?;
    Ok(user)
}

/// Set every field of `user` from the cells of one CSV row (`cell(i)`: the text of column
/// `i`, `None` past the row's end, `Err(i)` when it is not UTF-8), in column order, so the
/// first bad cell is the one reported. The e-mail's and the groups' allocations are reused.
fn fill_user<'r>(
    path: &str,
    line: u64,
    columns: &Columns,
    cell: impl Fn(usize) -> Option<Result<&'r str, usize>>,
    user: &mut DirectoryUser,
) -> Result<(), Fatal> {
    let not_utf8 = |i: usize| {
        Fatal::new(
            &input::NOT_UTF8,
            format!("{path}:{line}: column {} is not UTF-8", i + 1),
        )
    };
    let email = cell(columns.email)
        .transpose()
        .map_err(not_utf8)?
        .map_or("", trim);
    if email.is_empty() || email == "?" {
        return Err(Fatal::new(
            &input::UNDECODABLE,
            format!(
                "{path}:{line}: column {} (email) is empty; every user needs an e-mail",
                columns.email + 1
            ),
        ));
    }
    let mut email_buf = std::mem::take(&mut user.email);
    email_buf.clear();
    email_buf.push_str(email);
    let groups = user.groups.take();
    *user = DirectoryUser {
        line,
        email: email_buf,
        ..DirectoryUser::default()
    };
    let mut spare_groups = groups;
    for &(field, i) in &columns.fields {
        let raw = match cell(i).transpose().map_err(not_utf8)? {
            Some(t) => Raw::Text(t),
            None => Raw::Missing,
        };
        let applied = match (field, &raw) {
            (Field::Groups, Raw::Text(t)) => {
                set_groups(user, t, &mut spare_groups);
                Ok(())
            }
            (_, Raw::Text(t)) if set_exact(user, field, t) => Ok(()),
            _ => apply(user, field, raw),
        };
        applied.map_err(|what| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("{path}:{line}: column {} ({}): {what}", i + 1, field.name()),
            )
        })?;
    }
    Ok(())
}

/// Set the groups from a cell, as [`apply`] would; the group names of `spare` (the previous
/// row's) are overwritten in place.
fn set_groups(user: &mut DirectoryUser, cell: &str, spare: &mut Option<Vec<String>>) {
    let t = trim(cell);
    if t == "?" {
        return;
    }
    let mut groups = spare.take().unwrap_or_default();
    let mut n = 0;
    let mut rest = t;
    loop {
        // `;` is ASCII, so the cut falls on a character boundary.
        let cut = rest.bytes().position(|b| b == b';');
        let (name, next) = match cut {
            Some(at) => (rest.get(..at), rest.get(at + 1..)),
            None => (Some(rest), None),
        };
        let name = trim(name.unwrap_or_default());
        if !name.is_empty() {
            match groups.get_mut(n) {
                Some(g) if g == name => {}
                Some(g) => {
                    g.clear();
                    g.push_str(name);
                }
                None => groups.push(name.to_string()),
            }
            n += 1;
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    groups.truncate(n);
    user.groups = Some(groups);
}

/// What a column of a CSV row holds.
#[derive(Clone, Copy)]
enum ColumnKind {
    Email,
    Field(Field),
    Ignored,
}

impl Columns {
    /// Each column's kind, by position.
    fn kinds(&self) -> Vec<ColumnKind> {
        let mut kinds = vec![ColumnKind::Ignored; self.width];
        for &(field, i) in &self.fields {
            if let Some(k) = kinds.get_mut(i) {
                *k = ColumnKind::Field(field);
            }
        }
        if let Some(k) = kinds.get_mut(self.email) {
            *k = ColumnKind::Email;
        }
        kinds
    }
}

/// [`fill_user`] for a row that holds no error, in one pass over its cells: false (and the
/// user half filled) on a row with the wrong number of cells, an unusable e-mail or a bad
/// value, which `fill_user` then reads again to report the first error as it does.
fn fill_user_at_once(kinds: &[ColumnKind], line: u64, row: &str, user: &mut DirectoryUser) -> bool {
    let mut email_buf = std::mem::take(&mut user.email);
    email_buf.clear();
    let mut spare_groups = user.groups.take();
    *user = DirectoryUser {
        line,
        email: email_buf,
        ..DirectoryUser::default()
    };
    let bytes = row.as_bytes();
    let mut kinds = kinds.iter();
    let mut commas = Commas::new(bytes);
    let mut start = 0;
    loop {
        let comma = commas.next();
        let (Some(kind), Some(cell)) = (kinds.next(), row.get(start..comma.unwrap_or(bytes.len())))
        else {
            return false;
        };
        match *kind {
            ColumnKind::Email => {
                let email = trim(cell);
                if email.is_empty() || email == "?" {
                    return false;
                }
                user.email.push_str(email);
            }
            ColumnKind::Field(Field::Groups) => set_groups(user, cell, &mut spare_groups),
            ColumnKind::Field(field) => {
                if !set_exact(user, field, cell) && apply(user, field, Raw::Text(cell)).is_err() {
                    return false;
                }
            }
            ColumnKind::Ignored => {}
        }
        match comma {
            Some(at) => start = at + 1,
            None => return kinds.next().is_none(),
        }
    }
}

/// Set `field` from a cell that is exactly one of its values as written in the spec (the
/// usual cell), as [`apply`] would; false for anything else, which `apply` then reads.
fn set_exact(user: &mut DirectoryUser, field: Field, t: &str) -> bool {
    let boolean = match t {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    match field {
        Field::WorkspaceState => WorkspaceState::exact(t).map(|v| user.workspace_state = Some(v)),
        Field::InviteSource => InviteSource::exact(t).map(|v| user.invite_source = Some(v)),
        Field::PersonalAccount => {
            PersonalAccount::exact(t).map(|v| user.personal_account = Some(v))
        }
        Field::IdpStatus => IdpStatus::exact(t).map(|v| user.idp_status = Some(v)),
        Field::Role => Role::exact(t).map(|v| user.role = Some(v)),
        Field::HasPassword => boolean.map(|b| user.has_password = Some(b)),
        Field::IdpAssigned => boolean.map(|b| user.idp_assigned = Some(b)),
        Field::NewAccount => boolean.map(|b| user.new_account = Some(b)),
        Field::IdpEmail if t.is_empty() => {
            user.idp_email = Some(IdpEmail::SameAsEmail);
            Some(())
        }
        Field::Social if t.is_empty() => {
            user.social = Some(SocialSet::EMPTY);
            Some(())
        }
        Field::Social => Social::exact(t).map(|v| user.social = Some(SocialSet::of(&[v]))),
        Field::Groups | Field::IdpEmail => None,
    }
    .is_some()
}

/// `str::trim`, without its Unicode scan for the usual cell that starts and ends with a
/// visible ASCII character.
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let visible = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_graphic());
    if visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// Users of a part of a CSV directory that holds no quote character and no carriage return
/// other than before a line feed (where a row is one line and a cell what lies between
/// commas), read as the csv reader reads them: blank lines and lines starting with `#`
/// skipped, the same line numbers, cell counts and messages. `first_line` is the line number
/// of `bytes`' first byte; `each` gets every user in turn (one buffer, refilled).
pub(crate) fn plain_csv_rows(
    path: &str,
    columns: &Columns,
    first_line: u64,
    bytes: &[u8],
    mut each: impl FnMut(&DirectoryUser) -> Result<(), Fatal>,
) -> Result<(), Fatal> {
    let mut user = DirectoryUser::default();
    // Cell ranges of the current row, from its first byte.
    let mut cells: Vec<(usize, usize)> = Vec::with_capacity(columns.width + 1);
    let mut line = first_line;
    let mut row_start = 0;
    // One UTF-8 check for the whole part (rows are checked alone when it fails); rows and
    // cells are cut at line feeds and commas, so on character boundaries.
    let whole = std::str::from_utf8(bytes).ok();
    let kinds = columns.kinds();
    while let Some(rest) = bytes.get(row_start..).filter(|r| !r.is_empty()) {
        let line_end = memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| row_start + i);
        let this_line = line;
        line += 1;
        let mut end = line_end;
        if end > row_start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        let row_offset = row_start;
        let row = bytes.get(row_start..end).unwrap_or_default();
        row_start = line_end + 1;
        if row.is_empty() || row.first() == Some(&b'#') {
            continue;
        }
        let at_once = whole.and_then(|w| w.get(row_offset..end));
        if at_once.is_some_and(|row| fill_user_at_once(&kinds, this_line, row, &mut user)) {
            each(&user)?;
            continue;
        }
        cells.clear();
        let mut cell_start = 0;
        for comma in Commas::new(row) {
            cells.push((cell_start, comma));
            cell_start = comma + 1;
        }
        cells.push((cell_start, row.len()));
        if cells.len() != columns.width {
            return Err(Fatal::new(
                &input::UNDECODABLE,
                format!(
                    "{path}:{this_line}: the row has {} cells where the header has {}",
                    cells.len(),
                    columns.width
                ),
            ));
        }
        let text = match whole {
            Some(w) => w.get(row_offset..end),
            None => std::str::from_utf8(row).ok(),
        };
        let cell = |i: usize| -> Option<Result<&str, usize>> {
            let &(a, b) = cells.get(i)?;
            Some(match text {
                Some(t) => Ok(t.get(a..b).unwrap_or_default()),
                None => std::str::from_utf8(row.get(a..b).unwrap_or_default()).map_err(|_| i),
            })
        };
        fill_user(path, this_line, columns, cell, &mut user)?;
        each(&user)?;
    }
    Ok(())
}

/// Positions of the commas of one row, found eight bytes at a time (cells are a few bytes
/// long: a call into memchr per cell costs more than the cell).
struct Commas<'a> {
    bytes: &'a [u8],
    /// Offset of the word `found` describes.
    word: usize,
    /// The high bit of each comma of that word not yet returned.
    found: u64,
}

impl<'a> Commas<'a> {
    fn new(bytes: &'a [u8]) -> Commas<'a> {
        Commas {
            bytes,
            word: 0,
            found: Commas::load(bytes, 0),
        }
    }

    /// The comma bits of the first word of `bytes[at..]`, zero-padded past the end.
    fn load(bytes: &[u8], at: usize) -> u64 {
        let rest = bytes.get(at..).unwrap_or_default();
        let word = match (rest.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            (Some(whole), _) => u64::from_le_bytes(*whole),
            // The last eight bytes, shifted so that those before `at` fall out.
            (None, Some(last)) => u64::from_le_bytes(*last)
                .checked_shr(8 * (8 - rest.len() as u32))
                .unwrap_or(0),
            (None, None) => {
                let mut padded = [0u8; 8];
                for (dst, src) in padded.iter_mut().zip(rest) {
                    *dst = *src;
                }
                u64::from_le_bytes(padded)
            }
        };
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const ONES: u64 = 0x0101_0101_0101_0101;
        // The high bit of every zero byte, exactly (no borrow between bytes).
        let x = word ^ (ONES * u64::from(b','));
        !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
    }
}

impl Iterator for Commas<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            self.word += 8;
            if self.word >= self.bytes.len() {
                return None;
            }
            self.found = Commas::load(self.bytes, self.word);
        }
        let byte = self.found.trailing_zeros() as usize / 8;
        self.found &= self.found - 1;
        Some(self.word + byte)
    }
}

/// A user object (our field names), or a SCIM User (emails/userName/groups/active).
pub(super) fn json_user(path: &str, line: u64, value: &Value) -> Result<DirectoryUser, Fatal> {
    let what = |msg: String| Fatal::new(&input::UNDECODABLE, format!("{path}: user {line}: {msg}"));
    let Value::Object(o) = value else {
        return Err(what("is not a JSON object".into()));
    };
    let email = match o.get("email") {
        Some(Value::String(s)) => Some(s.trim()),
        _ => scim_email(o),
    }
    .filter(|e| !e.is_empty() && *e != "?")
    .ok_or_else(|| what("has no e-mail (`email`, SCIM `emails` or `userName`)".into()))?;
    let mut user = DirectoryUser {
        line,
        email: email.to_string(),
        ..DirectoryUser::default()
    };
    for &field in Field::ALL {
        let raw = match o.get(field.name()) {
            None | Some(Value::Null) => Raw::Missing,
            Some(Value::String(s)) => Raw::Text(s),
            Some(Value::Bool(b)) => Raw::Bool(*b),
            Some(Value::Array(items)) => {
                let mut names = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => names.push(s.as_str()),
                        // SCIM: groups are {"value", "display"} objects.
                        Value::Object(g) => match g.get("display").or_else(|| g.get("value")) {
                            Some(Value::String(s)) => names.push(s.as_str()),
                            _ => {
                                return Err(what(format!(
                                    "{}: a group without display or value",
                                    field.name()
                                )))
                            }
                        },
                        _ => {
                            return Err(what(format!(
                                "{}: list items must be strings",
                                field.name()
                            )))
                        }
                    }
                }
                Raw::List(names)
            }
            Some(Value::Number(_)) => Raw::Bad("a number"),
            Some(Value::Object(_)) => Raw::Bad("an object"),
        };
        apply(&mut user, field, raw).map_err(what)?;
    }
    // SCIM `active: false` is a deactivated IdP account (inferred; an explicit idp_status wins).
    if user.idp_status.is_none() {
        if let Some(Value::Bool(active)) = o.get("active") {
            user.idp_status = Some(if *active {
                IdpStatus::Active
            } else {
                IdpStatus::Disabled
            });
        }
    }
    Ok(user)
}

fn scim_email(o: &serde_json::Map<String, Value>) -> Option<&str> {
    let emails = match o.get("emails") {
        Some(Value::Array(e)) => e.as_slice(),
        _ => &[],
    };
    fn value_of(e: &Value) -> Option<&str> {
        e.get("value").and_then(Value::as_str).map(str::trim)
    }
    emails
        .iter()
        .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
        .and_then(value_of)
        .or_else(|| emails.first().and_then(value_of))
        .or_else(|| o.get("userName").and_then(Value::as_str).map(str::trim))
}

/// The groups and e-mail domains a directory mentions (for lint's cross-checks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryFacts {
    pub users: u64,
    pub groups: BTreeSet<String>,
    /// Lowercased.
    pub domains: BTreeSet<String>,
}

impl DirectoryFacts {
    pub fn collect(path: &Path) -> Result<DirectoryFacts, Fatal> {
        let mut facts = DirectoryFacts::default();
        for user in DirectoryReader::open(path)? {
            let user = user?;
            facts.users += 1;
            if let Some(groups) = &user.groups {
                for g in groups {
                    if !facts.groups.contains(g) {
                        facts.groups.insert(g.clone());
                    }
                }
            }
            let domain = user.domain();
            if !facts.domains.contains(domain) {
                facts.domains.insert(domain.to_ascii_lowercase());
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<DirectoryUser>, Fatal> {
        DirectoryReader::from_reader(
            "users.csv",
            Box::new(std::io::Cursor::new(text.to_string())),
            false,
        )?
        .collect()
    }

    #[test]
    fn exact_values_read_as_apply_reads_them() {
        let texts = [
            "",
            "?",
            " ",
            "member",
            "Member",
            " member",
            "invited",
            "scim",
            "plus",
            "active",
            "absent",
            "owner",
            "true",
            "false",
            "TRUE",
            " true",
            "google",
            "apple",
            "Google",
            "google;apple",
            "x@acme.com",
            "x",
        ];
        for &field in Field::ALL {
            for t in texts {
                let mut general = DirectoryUser::default();
                let want = apply(&mut general, field, Raw::Text(t));
                let mut fast = DirectoryUser::default();
                if set_exact(&mut fast, field, t) {
                    assert_eq!(want, Ok(()), "{field:?} {t:?}");
                    assert_eq!(fast, general, "{field:?} {t:?}");
                }
            }
        }
    }

    #[test]
    fn commas_are_every_comma() {
        // Bytes next to the comma's value, which a borrowing bit trick would confuse.
        let alphabet = b",\n-+\x0b\x00\x01\xac\x8a\xffa";
        let mut seed = 7u32;
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    alphabet[(seed >> 16) as usize % alphabet.len()]
                })
                .collect();
            let want: Vec<usize> = (0..len).filter(|&i| bytes[i] == b',').collect();
            assert_eq!(Commas::new(&bytes).collect::<Vec<_>>(), want, "{bytes:?}");
        }
    }

    #[test]
    fn csv_cells_follow_the_empty_cell_rules() {
        let users = read("email,groups,social,idp_email,has_password,workspace_state\na@x.com,,,,,?\nb@x.com,G1; G2,google;apple,b@y.com,true,member\n").unwrap();
        let a = &users[0];
        assert_eq!(a.groups, Some(vec![]));
        assert_eq!(a.social, Some(SocialSet::EMPTY));
        assert_eq!(a.idp_email, Some(IdpEmail::SameAsEmail));
        assert_eq!(a.has_password, None);
        assert_eq!(a.workspace_state, None);
        assert_eq!(a.personal_account, None, "absent column is unknown");
        let b = &users[1];
        assert_eq!(b.line, 3);
        assert_eq!(
            b.groups.as_deref(),
            Some(&["G1".to_string(), "G2".to_string()][..])
        );
        assert!(b.social.unwrap().contains(Social::Apple));
        assert_eq!(b.idp_email_matches(), Some(false));
        assert_eq!(b.workspace_state, Some(WorkspaceState::Member));
    }

    #[test]
    fn lines_count_comments_blank_lines_and_crlf() {
        let cases = [
            ("email,workspace_state\n# c\na@x.com,memberx\n", 3),
            ("# lead\nemail,workspace_state\n# c\n\n# d\na@x.com,member\nb@x.com,memberx\n", 7),
            ("email,workspace_state\r\n# c\r\n\r\na@x.com,member\r\nb@x.com,memberx\r\n", 5),
            ("email,workspace_state\na@x.com,member\r\nb@x.com,member\r\n\r\n\r\nc@x.com,memberx\n", 6),
        ];
        for (text, line) in cases {
            let e = read(text).unwrap_err();
            assert!(
                e.message.contains(&format!("users.csv:{line}:")),
                "{text:?}: {}",
                e.message
            );
        }
        let users = read("email\n# c\r\n\r\na@x.com\r\n\nb@x.com\n").unwrap();
        assert_eq!(users.iter().map(|u| u.line).collect::<Vec<_>>(), [4, 6]);
    }

    #[test]
    fn bad_values_name_line_and_column() {
        let e = read("email,workspace_state\na@x.com,member\nb@x.com,memebr\n").unwrap_err();
        assert!(
            e.message
                .contains("users.csv:3: column 2 (workspace_state)"),
            "{}",
            e.message
        );
        assert!(e.message.contains("none|invited|member|removed"));
        assert!(read("groups\nx\n")
            .unwrap_err()
            .message
            .contains("no `email` column"));
        assert!(read("email,has_password\na@x.com,yes\n").is_err());
        let e = read("email,workspace-state\na@x.com,member\n").unwrap_err();
        assert!(
            e.message.contains("did you mean `workspace_state`"),
            "{}",
            e.message
        );
        assert!(read("email,department,name\na@x.com,IT,Ana\n").is_ok());
    }

    #[test]
    fn json_shapes() {
        let arr = read(r#"[{"email":"a@x.com","has_password":true,"groups":["G"]}]"#).unwrap();
        assert_eq!(arr[0].has_password, Some(true));
        let scim = read(r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[{"userName":"u@x.com","emails":[{"value":"p@x.com","primary":true}],"groups":[{"value":"1","display":"ChatGPT Users"}],"active":false}]}"#).unwrap();
        assert_eq!(scim[0].email, "p@x.com");
        assert_eq!(
            scim[0].groups.as_deref(),
            Some(&["ChatGPT Users".to_string()][..])
        );
        assert_eq!(scim[0].idp_status, Some(IdpStatus::Disabled));
        let jsonl = read("{\"email\":\"a@x.com\"}\n\n{\"email\":\"b@x.com\",\"role\":\"owner\"}\n")
            .unwrap();
        assert_eq!(jsonl.len(), 2);
        assert_eq!(jsonl[1].line, 3);
        let dup = read(r#"[{"email":"a@x.com","email":"b@x.com"}]"#).unwrap_err();
        assert_eq!(dup.rule.id, "input.json-duplicate-key");
    }
}
