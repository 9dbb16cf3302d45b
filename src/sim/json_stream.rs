//! A JSON directory document (an array of users, or a SCIM `ListResponse` whose `Resources`
//! array holds them) read one user at a time. serde_json can only stream a document through
//! a visitor that it drives, while the directory is pulled user by user; so a small scanner
//! walks the top level (whitespace, commas, brackets, strings with escapes) and hands each
//! element, as its own text, to the strict parser. Memory is one element (at most
//! [`MAX_ELEMENT`]) plus the read buffer.
//!
//! Every text given to the parser is the element wrapped in a prefix that rebuilds its context
//! (`[` for a user of an array, `{"":[` for one of `Resources`, `{"":` for another member), so
//! nesting limits, and the messages and positions of errors, are those of parsing the whole
//! document: positions are moved back into the file with the scanner's line count. A defect
//! between elements is likewise reported by parsing a short context prefix followed by the
//! bytes at the defect.

use crate::error::Fatal;
use crate::json::{self, JsonError};
use crate::rules::input;
use serde_json::Value;
use std::collections::HashSet;
use std::io::Read;

/// The largest single element (a user, or another member of a ListResponse).
pub(crate) const MAX_ELEMENT: usize = 1 << 20;

/// Where a byte sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub line: u64,
    /// Bytes between the start of the line and this byte.
    pub column: u64,
}

/// A buffered byte reader that counts lines.
struct Bytes {
    source: Box<dyn Read>,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    line: u64,
    column: u64,
}

impl Bytes {
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.pos == self.end {
            self.pos = 0;
            self.end = loop {
                match self.source.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
        }
        Ok(self
            .buf
            .get(self.pos)
            .copied()
            .filter(|_| self.pos < self.end))
    }

    /// Consume the byte `peek` returned.
    fn bump(&mut self, byte: u8) {
        self.pos += 1;
        if byte == b'\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
    }

    /// The buffered bytes not yet consumed.
    fn chunk(&self) -> &[u8] {
        self.buf.get(self.pos..self.end).unwrap_or_default()
    }

    /// Consume the first `n` bytes of `chunk`.
    fn consume(&mut self, n: usize) {
        let taken = self.buf.get(self.pos..self.pos + n).unwrap_or_default();
        match memchr::memrchr(b'\n', taken) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', taken).count() as u64;
                self.column = (n - last - 1) as u64;
            }
            None => self.column += n as u64,
        }
        self.pos += n;
    }

    fn skip_whitespace(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b @ (b' ' | b'\t' | b'\n' | b'\r')) => self.bump(b),
                other => return Ok(other),
            }
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            line: self.line,
            column: self.column,
        }
    }

    /// Up to `n` bytes from here, not consumed (a defect is decided by its first few bytes).
    fn lookahead(&mut self, n: usize) -> std::io::Result<&[u8]> {
        if self.end - self.pos < n {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
            while self.end < n {
                let Some(space) = self.buf.get_mut(self.end..) else {
                    break;
                };
                match self.source.read(space) {
                    Ok(0) => break,
                    Ok(got) => self.end += got,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(self
            .buf
            .get(self.pos..self.end.min(self.pos + n))
            .unwrap_or_default())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening byte of the document.
    Start,
    /// After the `[` of the users array.
    ArrayOpen,
    /// After a user.
    ArrayNext,
    /// After a `,` between users.
    ArrayComma,
    /// After the `{` of a ListResponse.
    ObjectOpen,
    /// After a member's value.
    ObjectNext,
    /// After a `,` between members.
    ObjectComma,
    /// After the document's closing byte.
    End,
    Done,
}

/// The context an element is parsed in: what goes before and after it.
#[derive(Debug, Clone, Copy)]
enum Slot {
    TopUser,
    ResourcesUser,
    Member,
    Key,
}

impl Slot {
    fn wrap(self) -> (&'static str, &'static str) {
        match self {
            Slot::TopUser => ("[", "]"),
            Slot::ResourcesUser => ("{\"\":[", "]}"),
            Slot::Member => ("{\"\":", "}"),
            Slot::Key => ("{", ":0}"),
        }
    }

    /// The element back out of its wrapping.
    fn unwrap(self, value: Value) -> Option<Value> {
        match (self, value) {
            (Slot::TopUser, Value::Array(items)) => items.into_iter().next(),
            (Slot::ResourcesUser, Value::Object(o)) => match o.into_iter().next() {
                Some((_, Value::Array(items))) => items.into_iter().next(),
                _ => None,
            },
            (Slot::Member, Value::Object(o)) => o.into_iter().next().map(|(_, v)| v),
            (Slot::Key, Value::Object(o)) => o.into_iter().next().map(|(k, _)| Value::String(k)),
            _ => None,
        }
    }
}

/// The users of a JSON array or ListResponse, one parsed element at a time.
pub(crate) struct JsonStream {
    path: String,
    bytes: Bytes,
    state: State,
    list_response: bool,
    in_resources: bool,
    /// Whether `Resources` was seen, and held an array.
    resources: Option<bool>,
    /// Top-level member names of a ListResponse seen so far.
    keys: HashSet<String>,
    index: u64,
    element: Vec<u8>,
    text: String,
}

impl JsonStream {
    /// Read a document whose first byte (`[` or `{`) is the next byte of `source`, at `start`.
    pub(crate) fn new(path: &str, source: Box<dyn Read>, start: Mark) -> JsonStream {
        JsonStream {
            path: path.to_string(),
            bytes: Bytes {
                source,
                buf: vec![0; 64 * 1024],
                pos: 0,
                end: 0,
                line: start.line,
                column: start.column,
            },
            state: State::Start,
            list_response: false,
            in_resources: false,
            resources: None,
            keys: HashSet::new(),
            index: 0,
            element: Vec::new(),
            text: String::new(),
        }
    }

    /// The next user's position (1-based) and value.
    pub(crate) fn next_value(&mut self) -> Option<Result<(u64, Value), Fatal>> {
        match self.step() {
            Ok(Some(value)) => {
                self.index += 1;
                Some(Ok((self.index, value)))
            }
            Ok(None) => None,
            Err(e) => {
                self.state = State::Done;
                Some(Err(e))
            }
        }
    }

    fn io(&self, e: std::io::Error) -> Fatal {
        super::directory::io_fatal(&self.path, e)
    }

    /// Advance to the next user; `None` at the end of the document.
    fn step(&mut self) -> Result<Option<Value>, Fatal> {
        loop {
            let next = self.bytes.skip_whitespace().map_err(|e| self.io(e))?;
            match (self.state, next) {
                (State::Done, _) => return Ok(None),
                (State::Start, Some(b @ b'[')) => {
                    self.bytes.bump(b);
                    self.state = State::ArrayOpen;
                }
                (State::Start, Some(b @ b'{')) => {
                    self.bytes.bump(b);
                    self.list_response = true;
                    self.state = State::ObjectOpen;
                }
                (State::ArrayOpen | State::ArrayNext, Some(b @ b']')) => {
                    self.bytes.bump(b);
                    self.state = if self.in_resources {
                        self.in_resources = false;
                        State::ObjectNext
                    } else {
                        State::End
                    };
                }
                (State::ArrayNext, Some(b @ b',')) => {
                    self.bytes.bump(b);
                    self.state = State::ArrayComma;
                }
                (State::ArrayOpen | State::ArrayComma, Some(b)) if !ends_scalar(b) => {
                    let slot = if self.in_resources {
                        Slot::ResourcesUser
                    } else {
                        Slot::TopUser
                    };
                    let value = self.element(slot)?;
                    self.state = State::ArrayNext;
                    return Ok(Some(value));
                }
                (State::ObjectOpen | State::ObjectNext, Some(b @ b'}')) => {
                    self.bytes.bump(b);
                    self.state = State::End;
                }
                (State::ObjectNext, Some(b @ b',')) => {
                    self.bytes.bump(b);
                    self.state = State::ObjectComma;
                }
                (State::ObjectOpen | State::ObjectComma, Some(b'"')) => self.member()?,
                (State::End, None) => {
                    self.state = State::Done;
                    if self.list_response && self.resources != Some(true) {
                        return Err(Fatal::new(
                            &input::UNDECODABLE,
                            format!("{}: a JSON directory must be an array of users or a SCIM ListResponse with `Resources`", self.path),
                        ));
                    }
                    return Ok(None);
                }
                (state, _) => return Err(self.defect(self.context(state))),
            }
        }
    }

    /// A text that puts the parser where the scanner is, so the bytes here get its verdict.
    fn context(&self, state: State) -> &'static str {
        match (state, self.in_resources) {
            (State::ArrayOpen, false) => "[",
            (State::ArrayNext, false) => "[[]",
            (State::ArrayComma, false) => "[0,",
            (State::ArrayOpen, true) => "{\"\":[",
            (State::ArrayNext, true) => "{\"\":[[]",
            (State::ArrayComma, true) => "{\"\":[0,",
            (State::ObjectOpen, _) => "{",
            (State::ObjectNext, _) => "{\"\":[]",
            (State::ObjectComma, _) => "{\"\":0,",
            // `Start` cannot fail: the caller saw `[` or `{`.
            (State::Start | State::End | State::Done, _) => "[]",
        }
    }

    /// A member of a ListResponse: its name, `:`, and its value (or the users array).
    fn member(&mut self) -> Result<(), Fatal> {
        let key_at = self.bytes.mark();
        let Value::String(key) = self.element(Slot::Key)? else {
            return Err(self.malformed(key_at, "expected a member name"));
        };
        if self.keys.contains(&key) {
            let quoted = serde_json::to_string(&key).unwrap_or_default();
            let prefix = format!("{{{quoted}:0,");
            // What follows the name can move the reported position: give the parser that too.
            let ahead = match self.bytes.lookahead(8) {
                Ok(ahead) => String::from_utf8_lossy(ahead).into_owned(),
                Err(e) => return Err(self.io(e)),
            };
            let name = String::from_utf8_lossy(&self.element);
            self.text = format!("{prefix}{name}{ahead}");
            return Err(self.parse_error(key_at, prefix.len()));
        }
        match self.bytes.skip_whitespace().map_err(|e| self.io(e))? {
            Some(b @ b':') => self.bytes.bump(b),
            _ => return Err(self.defect("{\"\"")),
        }
        match self.bytes.skip_whitespace().map_err(|e| self.io(e))? {
            Some(b @ b'[') if key == "Resources" => {
                self.bytes.bump(b);
                self.resources = Some(true);
                self.in_resources = true;
                self.state = State::ArrayOpen;
            }
            Some(b) if !ends_scalar(b) => {
                self.element(Slot::Member)?;
                if key == "Resources" {
                    self.resources = Some(false);
                }
                self.state = State::ObjectNext;
            }
            _ => return Err(self.defect("{\"\":")),
        }
        self.keys.insert(key);
        Ok(())
    }

    /// Scan one element into `self.element` and parse it in its context.
    fn element(&mut self, slot: Slot) -> Result<Value, Fatal> {
        let at = self.bytes.mark();
        let complete = self.scan_element().map_err(|e| self.io(e))?;
        if self.element.len() > MAX_ELEMENT {
            let what = match slot {
                Slot::TopUser | Slot::ResourcesUser => "user",
                Slot::Member | Slot::Key => "member",
            };
            return Err(Fatal::new(
                &input::TOO_LARGE,
                format!(
                    "{}:{}: a JSON directory {what} starting here is over {} MiB",
                    self.path,
                    at.line,
                    MAX_ELEMENT >> 20
                ),
            ));
        }
        let (prefix, suffix) = slot.wrap();
        let body = match std::str::from_utf8(&self.element) {
            Ok(body) => body,
            Err(e) => {
                let before = self.element.get(..e.valid_up_to()).unwrap_or_default();
                let line = at.line + memchr::memchr_iter(b'\n', before).count() as u64;
                return Err(not_utf8(&self.path, line));
            }
        };
        self.text.clear();
        self.text.push_str(prefix);
        self.text.push_str(body);
        if complete {
            self.text.push_str(suffix);
        }
        let wrapped = prefix.len() + body.len();
        match json::parse(&self.text) {
            Ok(value) => slot
                .unwrap(value)
                .ok_or_else(|| self.malformed(at, "unexpected element")),
            Err(_) => {
                // Judged on what really follows the element, not on the text closing it for
                // the parser: a `\u` escape cut short by the end of the file is then an early
                // end, as it is when the document is parsed whole.
                let ahead = match self.bytes.lookahead(8) {
                    Ok(ahead) => String::from_utf8_lossy(ahead).into_owned(),
                    Err(e) => return Err(self.io(e)),
                };
                self.text.truncate(wrapped);
                self.text.push_str(&ahead);
                Err(self.parse_error(at, prefix.len()))
            }
        }
    }

    /// Copy one element's bytes: a container to its matching close, a string to its closing
    /// quote, anything else to the next delimiter. False when the file ended first.
    fn scan_element(&mut self) -> std::io::Result<bool> {
        self.element.clear();
        let Some(first) = self.bytes.peek()? else {
            return Ok(false);
        };
        let mut scan = Scan {
            kind: match first {
                b'[' | b'{' => Kind::Container,
                b'"' => Kind::String,
                _ => Kind::Scalar,
            },
            depth: 0,
            in_string: false,
            escaped: false,
        };
        while self.bytes.peek()?.is_some() {
            let chunk = self.bytes.chunk();
            let (used, done) = scan.feed(chunk);
            let room = (MAX_ELEMENT + 1).saturating_sub(self.element.len());
            self.element
                .extend_from_slice(chunk.get(..used.min(room)).unwrap_or_default());
            self.bytes.consume(used);
            if done || self.element.len() > MAX_ELEMENT {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The parser's verdict on the bytes here, after `context`.
    fn defect(&mut self, context: &str) -> Fatal {
        let at = self.bytes.mark();
        let ahead = match self.bytes.lookahead(8) {
            Ok(ahead) => ahead,
            Err(e) => return self.io(e),
        };
        let valid = match std::str::from_utf8(ahead) {
            Ok(s) => s,
            Err(e) => match ahead.get(..e.valid_up_to()).map(std::str::from_utf8) {
                Some(Ok(s)) if !s.is_empty() => s,
                _ => return not_utf8(&self.path, at.line),
            },
        };
        self.text = format!("{context}{valid}");
        self.parse_error(at, context.len())
    }

    /// Parse `self.text` (expected to fail) whose bytes from `prefix_len` on are the file's
    /// from `at`, and report the error where it is in the file.
    fn parse_error(&self, at: Mark, prefix_len: usize) -> Fatal {
        let Err(e) = json::parse(&self.text) else {
            return self.malformed(at, "unexpected data");
        };
        let (line, column) = place(at, prefix_len, &e);
        let suffix = format!(" at line {} column {}", e.line, e.column);
        let what = e.message.strip_suffix(&suffix).unwrap_or(&e.message);
        Fatal::new(
            e.rule(),
            format!(
                "{}:{line}:{column}: {what} at line {line} column {column}",
                self.path
            ),
        )
    }

    fn malformed(&self, at: Mark, what: &str) -> Fatal {
        Fatal::new(
            &input::JSON_MALFORMED,
            format!("{}:{}:{}: {what}", self.path, at.line, at.column + 1),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Container,
    String,
    Scalar,
}

/// Where the scan of an element is, carried from one buffer to the next.
struct Scan {
    kind: Kind,
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl Scan {
    /// How many bytes of `chunk` belong to the element, and whether it ends there.
    fn feed(&mut self, chunk: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while let Some(&b) = chunk.get(i) {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                let rest = chunk.get(i..).unwrap_or_default();
                let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
                    return (chunk.len(), false);
                };
                i += k + 1;
                if rest.get(k) == Some(&b'\\') {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.kind == Kind::String {
                        return (i, true);
                    }
                }
                continue;
            }
            if self.kind == Kind::Scalar && ends_scalar(b) {
                return (i, true);
            }
            i += 1;
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' if self.kind == Kind::Container => self.depth += 1,
                b']' | b'}' if self.kind == Kind::Container => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return (i, true);
                    }
                }
                _ => {}
            }
        }
        (chunk.len(), false)
    }
}

/// Bytes that end a number or literal (and cannot start an element).
fn ends_scalar(b: u8) -> bool {
    matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
}

/// The file position of an error in a text whose bytes from `prefix_len` on are the file's
/// from `at` (serde_json counts columns in bytes from the line start).
fn place(at: Mark, prefix_len: usize, e: &JsonError) -> (u64, u64) {
    if e.line <= 1 {
        let column = (e.column as u64 + at.column).saturating_sub(prefix_len as u64);
        (at.line, column)
    } else {
        (at.line + e.line as u64 - 1, e.column as u64)
    }
}

fn not_utf8(path: &str, line: u64) -> Fatal {
    Fatal::new(
        &input::NOT_UTF8,
        format!("{path}:{line}: the directory is not UTF-8"),
    )
}

#[cfg(test)]
mod tests {
    use crate::error::Fatal;
    use crate::json;
    use crate::rules::input;
    use crate::sim::directory::{json_user, DirectoryKind, DirectoryReader, DirectoryUser};
    use proptest::prelude::*;
    use serde_json::Value;

    type Outcome = Result<Vec<DirectoryUser>, (&'static str, String)>;

    fn flat(r: Result<Vec<DirectoryUser>, Fatal>) -> Outcome {
        r.map_err(|e| (e.rule.id, e.message))
    }

    /// A source that gives one byte per read, so that every scan crosses buffer refills.
    struct OneByte(std::io::Cursor<Vec<u8>>);

    impl std::io::Read for OneByte {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(1);
            self.0.read(buf.get_mut(..n).unwrap_or_default())
        }
    }

    fn streamed(text: &str) -> Option<(DirectoryKind, Outcome)> {
        streamed_from(Box::new(std::io::Cursor::new(text.to_string())))
    }

    fn streamed_from(source: Box<dyn std::io::Read>) -> Option<(DirectoryKind, Outcome)> {
        let reader = DirectoryReader::from_reader("d.json", source, false).ok()?;
        let kind = reader.kind();
        Some((kind, flat(reader.collect())))
    }

    /// The document parsed whole, then its users read one by one.
    fn whole(text: &str) -> Outcome {
        let path = "d.json";
        let value = json::parse(text).map_err(|e| {
            Fatal::new(
                e.rule(),
                format!("{path}:{}:{}: {}", e.line, e.column, e.message),
            )
        });
        let items = value.and_then(|value| match value {
            Value::Array(items) => Ok(items),
            Value::Object(mut o) => match o.remove("Resources") {
                Some(Value::Array(items)) => Ok(items),
                _ => Err(Fatal::new(&input::UNDECODABLE, format!("{path}: a JSON directory must be an array of users or a SCIM ListResponse with `Resources`"))),
            },
            _ => Err(Fatal::new(&input::UNDECODABLE, "not a document".to_string())),
        });
        flat(items.and_then(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, v)| json_user(path, i as u64 + 1, v))
                .collect()
        }))
    }

    fn user_text() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => (0u32..1000, any::<bool>()).prop_map(|(n, pw)| format!(
                "{{\"email\": \"u{n}@x.com\",\n \"groups\": [\"G\", {{\"display\": \"H\"}}], \"has_password\": {pw}}}"
            )),
            2 => (0u32..1000).prop_map(|n| format!(
                "{{\"userName\":\"s{n}@x.com\",\"emails\":[{{\"value\":\"p\\u0040x.com\",\"primary\":true}}],\"active\":false,\"note\":\"a\\\"]}}\"}}"
            )),
            1 => Just("5".to_string()),
            1 => Just("\"text\"".to_string()),
            1 => Just("{\"role\":\"owner\"}".to_string()),
            1 => Just("{\"email\":\"a@x.com\",\"role\":\"king\"}".to_string()),
            1 => Just("{\"email\":\"a@x.com\",\"email\":\"b@x.com\"}".to_string()),
            1 => (124usize..=128).prop_map(|n| format!(
                "{{\"email\":\"d@x.com\",\"x\":{}{}}}",
                "[".repeat(n),
                "]".repeat(n)
            )),
        ]
    }

    fn space() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", "", " ", "\n", "\r\n", "\t", " \n  "])
    }

    fn join(items: &[String], spaces: &[&str]) -> String {
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(spaces.get(i % spaces.len().max(1)).copied().unwrap_or(""));
            out.push_str(item);
        }
        out
    }

    fn document() -> impl Strategy<Value = String> {
        let users = prop::collection::vec(user_text(), 0..5);
        let spaces = prop::collection::vec(space(), 1..6);
        let members = prop::collection::vec(
            prop::sample::select(vec![
                "schemas",
                "totalResults",
                "Resources",
                "Resources",
                "itemsPerPage",
                "startIndex",
                "Resources=5",
            ]),
            0..5,
        );
        (users, spaces, members, any::<bool>()).prop_map(|(users, spaces, members, array)| {
            let lead = spaces.first().copied().unwrap_or("");
            let list = format!("[{}{}]", join(&users, &spaces), lead);
            if array {
                return format!("{lead}{list}\n");
            }
            let members: Vec<String> = members
                .iter()
                .map(|m| match *m {
                    "schemas" => {
                        "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"]"
                            .to_string()
                    }
                    "Resources" => format!("\"Resources\" :{lead}{list}"),
                    "Resources=5" => "\"Re\\u0073ources\": 5".to_string(),
                    other => format!("\"{other}\": {}", users.len()),
                })
                .collect();
            format!("{lead}{{\n{}}}", join(&members, &spaces))
        })
    }

    /// Damage: delete a few characters, insert one, or cut the text short.
    fn damaged() -> impl Strategy<Value = String> {
        let edit = (
            0usize..10_000,
            0usize..3,
            prop::sample::select(vec![
                "", ",", "]", "}", "[", "{", "\"", "\\", ":", "x", "1", "\n", " ", "\u{1}", "é",
                "\"\":1", "]]",
            ]),
            0u8..4,
        );
        (document(), prop::collection::vec(edit, 0..3)).prop_map(|(doc, edits)| {
            let mut chars: Vec<char> = doc.chars().collect();
            for (at, remove, insert, kind) in edits {
                let at = at % (chars.len() + 1);
                match kind {
                    0 => chars.truncate(at),
                    _ => {
                        let end = (at + remove).min(chars.len());
                        chars.splice(at..end, insert.chars());
                    }
                }
            }
            chars.into_iter().collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Read as a stream, a document gives the users, error rule and message of parsing it
        /// whole; the one difference is that a bad user is reported when reached, before a
        /// defect later in the file.
        #[test]
        fn streaming_reads_as_the_whole_document(text in damaged()) {
            let Some((kind, got)) = streamed(&text) else { return Ok(()) };
            prop_assume!(matches!(kind, DirectoryKind::JsonArray | DirectoryKind::ScimListResponse));
            let bytewise = streamed_from(Box::new(OneByte(std::io::Cursor::new(text.clone().into_bytes()))));
            prop_assert_eq!(bytewise.as_ref().map(|(_, r)| r), Some(&got), "byte by byte");
            let want = whole(&text);
            match (&got, &want) {
                (Err(g), Err(w)) if g != w => {
                    let parse_error = w.0 != input::UNDECODABLE.id || !w.1.contains(": user ");
                    prop_assert!(
                        parse_error && g.0 == input::UNDECODABLE.id && g.1.contains(": user "),
                        "{text:?}\nstreamed: {g:?}\nwhole:    {w:?}"
                    );
                }
                _ => prop_assert_eq!(&got, &want, "{:?}", text),
            }
        }
    }

    fn read(text: &str) -> Outcome {
        streamed(text).map_or(Err(("", "not read".into())), |(_, r)| r)
    }

    #[test]
    fn list_response_members_are_checked() {
        let dup = read("{\"Resources\":[],\n \"totalResults\":0, \"Resources\":[]}").unwrap_err();
        assert_eq!(dup.0, "input.json-duplicate-key");
        assert!(dup.1.starts_with("d.json:2:"), "{}", dup.1);
        let dup =
            read("{\"totalResults\":0,\"Resources\":[{\"email\":\"a@x.com\"}],\"totalResults\":1}");
        assert_eq!(dup.unwrap_err().0, "input.json-duplicate-key");
        let none = read("{\"schemas\":[],\n\"totalResults\":0}").unwrap_err();
        assert!(none.1.contains("with `Resources`"), "{}", none.1);
        let bad_member = read("{\"schemas\":[1,],\"Resources\":[]}").unwrap_err();
        assert_eq!(bad_member.0, "input.json-malformed");
    }

    #[test]
    fn an_escape_cut_short_is_reported_as_parsing_the_whole_document_does() {
        for text in [" {\n \"Re\\u\"", "[\"\\u\"", "[\"\\u12\"]", "[\"\\u12"] {
            assert_eq!(read(text), whole(text), "{text:?}");
        }
    }

    #[test]
    fn errors_point_at_the_file_line() {
        let e = read("\n\n[{\"email\":\"a@x.com\"},\n {\"email\": x}]").unwrap_err();
        assert!(
            e.1.starts_with("d.json:4:12: expected value at line 4 column 12"),
            "{}",
            e.1
        );
        let e = read("[{\"email\":\"a@x.com\"}]\n  x").unwrap_err();
        assert_eq!(e.1, "d.json:2:3: trailing characters at line 2 column 3");
        let e = read("[{\"email\":\"a@x.com\"}\n").unwrap_err();
        assert!(e.1.contains("EOF while parsing a list"), "{}", e.1);
    }

    #[test]
    fn a_user_over_the_cap_is_refused_naming_its_line() {
        let big = format!(
            "[{{\"email\":\"a@x.com\"}},\n{{\"email\":\"b@x.com\",\"pad\":\"{}\"}}]",
            "x".repeat(super::MAX_ELEMENT)
        );
        let e = read(&big).unwrap_err();
        assert_eq!(e.0, "input.too-large");
        assert!(
            e.1.starts_with("d.json:2: a JSON directory user"),
            "{}",
            e.1
        );
    }
}
