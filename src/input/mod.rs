//! Reading what the user gave (a file, stdin, a paste) and peeling it down to the message:
//! raw XML, base64, HTTP-POST form bodies, HTTP-Redirect URLs, HAR captures, JWTs and SCIM
//! JSON are recognised without being told. Each layer peeled is recorded (outermost first),
//! XML is parsed here once into the positioned tree and JSON through the strict parser, so
//! every consumer reads the same parsed data.

mod har;
mod peel;

use crate::cli::Ctx;
use crate::error::Fatal;
use crate::rules::input as rule;
use crate::source::SourceFile;
use crate::xml::{Document, XmlError, XmlErrorKind};
use std::io::{BufRead, Read};
use std::path::Path;

/// Default cap on the bytes read from one input.
pub const MAX_INPUT: u64 = 16 << 20;
/// Cap for metadata aggregates (`lint --metadata`).
pub const MAX_METADATA_INPUT: u64 = 512 << 20;
/// Cap on the output of one DEFLATE inflation (HTTP-Redirect binding).
pub const MAX_INFLATED: usize = 4 << 20;

/// The bytes of one input and the label findings use for it (`-` for stdin).
#[derive(Debug, Clone)]
pub struct RawInput {
    pub label: String,
    pub bytes: Vec<u8>,
}

/// PRODUCT.md's `input.kind` values that decoding produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    SamlResponse,
    SamlAssertion,
    SamlAuthnRequest,
    SamlLogoutRequest,
    SamlLogoutResponse,
    SamlMetadata,
    Jwt,
    Jwe,
    ScimUser,
    ScimGroup,
    ScimListResponse,
    Har,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SamlResponse => "saml-response",
            Kind::SamlAssertion => "saml-assertion",
            Kind::SamlAuthnRequest => "saml-authn-request",
            Kind::SamlLogoutRequest => "saml-logout-request",
            Kind::SamlLogoutResponse => "saml-logout-response",
            Kind::SamlMetadata => "saml-metadata",
            Kind::Jwt => "jwt",
            Kind::Jwe => "jwe",
            Kind::ScimUser => "scim-user",
            Kind::ScimGroup => "scim-group",
            Kind::ScimListResponse => "scim-list-response",
            Kind::Har => "har",
        }
    }

    pub fn is_saml(self) -> bool {
        matches!(
            self,
            Kind::SamlResponse
                | Kind::SamlAssertion
                | Kind::SamlAuthnRequest
                | Kind::SamlLogoutRequest
                | Kind::SamlLogoutResponse
                | Kind::SamlMetadata
        )
    }

    fn from_saml(kind: &str) -> Option<Kind> {
        Some(match kind {
            "saml-response" => Kind::SamlResponse,
            "saml-assertion" => Kind::SamlAssertion,
            "saml-authn-request" => Kind::SamlAuthnRequest,
            "saml-logout-request" => Kind::SamlLogoutRequest,
            "saml-logout-response" => Kind::SamlLogoutResponse,
            "saml-metadata" => Kind::SamlMetadata,
            _ => return None,
        })
    }
}

/// One layer peeled off (PRODUCT.md's `input.encodings` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    HarEntry,
    UrlQuery,
    FormBody,
    Percent,
    Base64,
    Base64Url,
    Deflate,
    Bom,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::HarEntry => "har-entry",
            Encoding::UrlQuery => "url-query",
            Encoding::FormBody => "form-body",
            Encoding::Percent => "percent",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Deflate => "deflate",
            Encoding::Bom => "bom",
        }
    }
}

/// Names of a list of encodings, for reports.
pub fn encoding_names(encodings: &[Encoding]) -> Vec<String> {
    encodings.iter().map(|e| e.as_str().to_string()).collect()
}

/// A compact JWT, decoded by `oidc::describe` (strict base64url, strict JSON objects).
#[derive(Debug, Clone)]
pub struct Jwt {
    /// The compact serialisation as given.
    pub token: String,
    /// The (protected) header.
    pub header: serde_json::Value,
    /// The claims of a JWS; None for a JWE (they are encrypted).
    pub claims: Option<serde_json::Value>,
}

/// What a message was parsed into.
#[derive(Debug, Clone)]
pub enum Content {
    Xml(Document),
    Json(serde_json::Value),
    Jwt(Jwt),
}

/// How a SAML message (or token) travelled in an HTTP binding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    /// `SAMLRequest`, `SAMLResponse` or `id_token`.
    pub parameter: String,
    pub relay_state: Option<String>,
    /// `SigAlg` of an HTTP-Redirect message (decoded).
    pub sig_alg: Option<String>,
    /// `Signature` of an HTTP-Redirect message (decoded base64 text).
    pub signature: Option<String>,
    /// The value was raw-DEFLATE compressed (HTTP-Redirect binding).
    pub deflated: bool,
    /// The URL without its query, when a full URL was given.
    pub url: Option<String>,
    /// The octets an HTTP-Redirect signature covers (bindings §3.4.4.1): the
    /// `SAMLRequest|SAMLResponse`, `RelayState` and `SigAlg` parameters as they appeared in
    /// the query, still URL-encoded, joined with `&`. Present when `Signature` is.
    pub signed_octets: Option<String>,
}

/// Where in a HAR capture a message was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarOrigin {
    /// 0-based index into `log.entries`.
    pub entry: usize,
    pub url: String,
    pub method: String,
    /// `startedDateTime` of the entry.
    pub time: Option<String>,
    /// `request-url`, `request-body`, `location-header` or `response-body`.
    pub place: &'static str,
}

/// One decoded message.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: Kind,
    /// Layers peeled, outermost first.
    pub encodings: Vec<Encoding>,
    /// The decoded text; spans of the parsed content point into it. Its path is the input
    /// path, or `capture.har#N` (N = 1-based HAR entry) for a HAR message.
    pub source: SourceFile,
    pub content: Content,
    pub binding: Option<Binding>,
    pub har: Option<HarOrigin>,
}

impl Message {
    pub fn xml(&self) -> Option<&Document> {
        match &self.content {
            Content::Xml(d) => Some(d),
            _ => None,
        }
    }

    pub fn json(&self) -> Option<&serde_json::Value> {
        match &self.content {
            Content::Json(v) => Some(v),
            _ => None,
        }
    }

    pub fn jwt(&self) -> Option<&Jwt> {
        match &self.content {
            Content::Jwt(j) => Some(j),
            _ => None,
        }
    }
}

/// A decoded input: one message, or for a HAR capture every message in capture order.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: String,
    /// The message's kind, or `har`.
    pub kind: Kind,
    /// Layers peeled off the input as a whole (a HAR file's own layers; each HAR message
    /// carries its own list starting with `har-entry`).
    pub encodings: Vec<Encoding>,
    pub messages: Vec<Message>,
}

impl Input {
    /// The message of a non-HAR input (the first message of a capture).
    pub fn message(&self) -> Option<&Message> {
        self.messages.first()
    }
}

/// Read an input with the default size cap.
pub fn read(path: Option<&Path>, ctx: &Ctx) -> Result<RawInput, Fatal> {
    read_capped(path, ctx, MAX_INPUT)
}

/// Read a file (`-` = stdin); with no path, read stdin, prompting for a paste on a terminal.
pub fn read_capped(path: Option<&Path>, ctx: &Ctx, cap: u64) -> Result<RawInput, Fatal> {
    let stdin = || std::io::stdin().lock();
    match path {
        Some(p) if p != Path::new("-") => {
            let label = p.display().to_string();
            let file = std::fs::File::open(p).map_err(|e| {
                Fatal::new(&rule::UNDECODABLE, format!("{label}: cannot read: {e}"))
            })?;
            if let Ok(meta) = file.metadata() {
                if meta.len() > cap {
                    return Err(too_large(&label, cap));
                }
            }
            read_all(&label, file, cap)
        }
        None if ctx.stdin_is_terminal => read_paste(&mut stdin(), &mut std::io::stderr(), cap),
        _ => read_all("-", stdin(), cap),
    }
}

/// A regular file of at most `cap` bytes, read into a buffer of its size; `None` for anything
/// else (or an error, or a file that changed size), which the caller reads through
/// [`read_capped`] to report it. Large files are read by several threads at once, each into
/// its own part of the buffer: the kernel's copy is most of the cost of reading a big
/// aggregate and runs on one core otherwise.
pub fn read_sized_file(path: &Path, cap: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    const PARALLEL_FROM: u64 = 8 << 20;
    if path == Path::new("-") {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > cap {
        return None;
    }
    let len = usize::try_from(meta.len()).ok()?;
    let mut bytes = vec![0u8; len];
    let workers = crate::parallel::workers();
    if meta.len() < PARALLEL_FROM || workers <= 1 {
        file.read_exact_at(&mut bytes, 0).ok()?;
    } else {
        let part = len.div_ceil(workers);
        let read_all = std::thread::scope(|s| {
            let handles: Vec<_> = bytes
                .chunks_mut(part)
                .enumerate()
                .map(|(i, chunk)| {
                    let file = &file;
                    s.spawn(move || file.read_exact_at(chunk, (i * part) as u64).is_ok())
                })
                .collect();
            handles.into_iter().all(|h| h.join().unwrap_or(false))
        });
        if !read_all {
            return None;
        }
    }
    // A file that grew while it was read is read again by the caller.
    let mut probe = [0u8; 1];
    match file.read_at(&mut probe, meta.len()) {
        Ok(0) => Some(bytes),
        _ => None,
    }
}

fn too_large(label: &str, cap: u64) -> Fatal {
    Fatal::new(
        &rule::TOO_LARGE,
        format!(
            "{label}: the input is larger than {} MiB; nothing was decoded",
            cap >> 20
        ),
    )
}

fn read_all(label: &str, reader: impl Read, cap: u64) -> Result<RawInput, Fatal> {
    let mut bytes = Vec::new();
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Fatal::new(&rule::UNDECODABLE, format!("{label}: cannot read: {e}")))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(label, cap));
    }
    Ok(RawInput {
        label: label.to_string(),
        bytes,
    })
}

/// Interactive paste: a prompt on stderr, lines until an empty line or end of input.
fn read_paste(
    input: &mut dyn BufRead,
    prompt: &mut dyn std::io::Write,
    cap: u64,
) -> Result<RawInput, Fatal> {
    let _ = writeln!(
        prompt,
        "Paste the SAML message, URL, HAR, token or SCIM payload, then an empty line (or Ctrl-D):"
    );
    let mut bytes = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| Fatal::new(&rule::UNDECODABLE, format!("-: cannot read: {e}")))?;
        if n == 0 || line.iter().all(|b| b.is_ascii_whitespace()) {
            break;
        }
        bytes.extend_from_slice(&line);
        if bytes.len() as u64 > cap {
            return Err(too_large("-", cap));
        }
    }
    Ok(RawInput {
        label: "-".to_string(),
        bytes,
    })
}

/// Read and decode.
pub fn load(path: Option<&Path>, ctx: &Ctx) -> Result<Input, Fatal> {
    let raw = read(path, ctx)?;
    decode(&raw.label, &raw.bytes)
}

/// Detect what the bytes are and peel every layer.
pub fn decode(path_label: &str, bytes: &[u8]) -> Result<Input, Fatal> {
    let mut encodings = Vec::new();
    let text = utf8_text(path_label, bytes, "input", &mut encodings)?;
    let trimmed = text.trim();
    let message = if trimmed.starts_with('{') {
        // JSON at the top: a HAR capture or a SCIM payload, parsed once.
        let source = SourceFile::new(path_label, trimmed);
        let value = crate::json::parse(trimmed).map_err(|e| json_fatal(&source, &e))?;
        if let Some(entries) = har::entries(&value) {
            return Ok(Input {
                path: path_label.to_string(),
                kind: Kind::Har,
                encodings,
                messages: har::messages(path_label, entries)?,
            });
        }
        peel::json_message(source, value, encodings)?
    } else {
        peel::detect(path_label, text, encodings, None)?
    };
    Ok(Input {
        path: path_label.to_string(),
        kind: message.kind,
        encodings: message.encodings.clone(),
        messages: vec![message],
    })
}

/// Bytes as UTF-8 text: a UTF-8 byte order mark is peeled (recorded as `bom`), UTF-16 and
/// invalid sequences are refused with the byte offset.
fn utf8_text<'a>(
    label: &str,
    bytes: &'a [u8],
    what: &str,
    encodings: &mut Vec<Encoding>,
) -> Result<&'a str, Fatal> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Fatal::new(
            &rule::NOT_UTF8,
            format!("{label}: the {what} starts with a UTF-16 byte order mark; only UTF-8 is read"),
        ));
    }
    let body = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => {
            encodings.push(Encoding::Bom);
            rest
        }
        None => bytes,
    };
    std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to() + (bytes.len() - body.len());
        Fatal::new(
            &rule::NOT_UTF8,
            format!("{label}: the {what} is not UTF-8 text (invalid byte at offset {offset})"),
        )
    })
}

/// The fatal error for a JSON text, pointing at line:column of the text parsed.
pub fn json_fatal(source: &SourceFile, err: &crate::json::JsonError) -> Fatal {
    // serde's message ends with its own "at line L column C"; the prefix already says where.
    let what = err
        .message
        .split(" at line ")
        .next()
        .unwrap_or(&err.message);
    Fatal::new(err.rule(), format!("JSON: {what}")).at(source.clone(), err.offset_in(&source.text))
}

/// The one mapping from XML tree errors to `input.*` rules.
pub fn xml_error_rule(kind: &XmlErrorKind) -> &'static crate::rules::Rule {
    match kind {
        XmlErrorKind::Malformed => &rule::XML_MALFORMED,
        XmlErrorKind::Doctype => &rule::DTD_FORBIDDEN,
        XmlErrorKind::TooDeep => &rule::TOO_DEEP,
    }
}

/// The fatal error for an XML tree error, pointing at line:column of the text parsed.
pub fn xml_fatal(source: &SourceFile, err: &XmlError, layers: &[Encoding]) -> Fatal {
    let from = if layers.is_empty() {
        String::new()
    } else {
        format!(
            " (in the text decoded from {})",
            layers
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        )
    };
    Fatal::new(xml_error_rule(&err.kind), format!("{}{from}", err.message))
        .at(source.clone(), err.offset)
}

/// Parse an XML text (of a file or a decoded layer) into the tree, mapping errors to rules.
pub fn parse_xml(source: &SourceFile, layers: &[Encoding]) -> Result<Document, Fatal> {
    Document::parse(&source.text).map_err(|e| xml_fatal(source, &e, layers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sized_reads_match_the_file_small_and_large() {
        let dir = std::env::temp_dir().join(format!("ssolint-sized-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A length that does not divide evenly between the readers.
        for len in [0usize, 5, (9 << 20) + 7] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let path = dir.join(format!("f{len}"));
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(
                read_sized_file(&path, MAX_METADATA_INPUT).as_deref(),
                Some(&bytes[..])
            );
            if len > 0 {
                assert_eq!(read_sized_file(&path, len as u64 - 1), None, "over the cap");
            }
        }
        assert_eq!(read_sized_file(&dir, MAX_METADATA_INPUT), None);
        assert_eq!(read_sized_file(Path::new("-"), MAX_METADATA_INPUT), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paste_stops_at_an_empty_line() {
        let mut input: &[u8] = b"abc\ndef\n\nignored\n";
        let mut prompt = Vec::new();
        let raw = read_paste(&mut input, &mut prompt, MAX_INPUT).unwrap();
        assert_eq!(raw.bytes, b"abc\ndef\n");
        assert!(String::from_utf8_lossy(&prompt).contains("Paste"));
    }

    #[test]
    fn caps_are_enforced() {
        let err = read_all("-", &[b'a'; 11][..], 10).unwrap_err();
        assert_eq!(err.rule.id, "input.too-large");
        assert!(read_all("-", &[b'a'; 10][..], 10).is_ok());
    }

    #[test]
    fn not_utf8_names_the_offset() {
        let err = decode("x.xml", b"<a>\xff</a>").unwrap_err();
        assert_eq!(err.rule.id, "input.not-utf8");
        assert!(err.message.contains("offset 3"), "{}", err.message);
        let err = decode("x.xml", b"\xff\xfe<\0a\0").unwrap_err();
        assert!(err.message.contains("UTF-16"));
    }
}
