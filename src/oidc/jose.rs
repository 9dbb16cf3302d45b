//! Compact JWS/JWE splitting and strict base64url (RFC 7515 §7.1, RFC 7516 §7.1).
//!
//! Strict means: exactly the base64url alphabet, no padding, no whitespace inside a segment,
//! and canonical trailing bits. Lenient decoders accept several spellings of one token, which
//! is how signature-bypass and cache-poisoning differentials start.

use crate::source::Span;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// What a compact serialization is, by its number of segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Three segments: header.payload.signature.
    Jws,
    /// Five segments: header.encrypted_key.iv.ciphertext.tag.
    Jwe,
}

impl TokenKind {
    pub fn input_kind(self) -> &'static str {
        match self {
            TokenKind::Jws => "jwt",
            TokenKind::Jwe => "jwe",
        }
    }
}

/// The byte spans of the segments of a compact token, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segments {
    pub spans: Vec<Span>,
}

impl Segments {
    pub fn get(&self, i: usize) -> Span {
        self.spans.get(i).copied().unwrap_or_default()
    }
}

/// Split on `.`, keeping each segment's span (empty segments are kept: `a..c` has three).
pub fn split(text: &str) -> Segments {
    let mut spans = Vec::with_capacity(5);
    let mut start = 0;
    for i in memchr::memchr_iter(b'.', text.as_bytes()) {
        spans.push(Span::new(start, i));
        start = i + 1;
    }
    spans.push(Span::new(start, text.len()));
    Segments { spans }
}

/// The base64url alphabet as a table: one load per byte of a token, which is read several
/// times (shape, then each segment's decoding).
#[allow(clippy::indexing_slicing)] // b < 256, the table's length, by the loop's condition
const B64URL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    table
};

fn is_b64url_byte(b: u8) -> bool {
    B64URL.get(usize::from(b)).copied().unwrap_or(false)
}

/// Does this text have the shape of a compact token: at least one `.` (or a lone JOSE
/// header), and nothing but
/// base64 characters (either alphabet, padding) and dots? SAML base64 never holds a dot and
/// JSON/XML start with a bracket, so this routes malformed tokens to the OIDC checks too
/// (where they get `oidc.token-malformed` rather than a vague "undecodable").
pub fn looks_compact(text: &str) -> Option<TokenKind> {
    let chars_ok = text
        .bytes()
        .all(|b| is_b64url_byte(b) || matches!(b, b'.' | b'=' | b'+' | b'/'));
    // A lone `eyJ…` segment is a token with its other segments lost (`{"` in base64url).
    if !chars_ok || !(text.contains('.') || text.starts_with("eyJ")) {
        return None;
    }
    Some(if split(text).spans.len() == 5 {
        TokenKind::Jwe
    } else {
        TokenKind::Jws
    })
}

/// Is this text a compact token as the decoder takes one: three or five segments of the
/// base64url alphabet, the first (the header) not empty?
pub fn is_compact_shaped(text: &str) -> bool {
    let segments = split(text);
    matches!(segments.spans.len(), 3 | 5)
        && !segments.get(0).is_empty()
        && segments
            .spans
            .iter()
            .all(|s| segment_text(text, *s).bytes().all(is_b64url_byte))
}

/// The text of a segment.
pub fn segment_text(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("")
}

/// Decode one segment with strict base64url; the error says what was wrong and where.
pub fn b64url_strict(segment: &str) -> Result<Vec<u8>, String> {
    // The usual case, one pass: the decoder takes only the alphabet without padding, so a
    // segment it accepts has no other byte. The scans below only name what is wrong.
    let decoded = URL_SAFE_NO_PAD.decode(segment);
    if decoded.is_err() && !segment.bytes().all(is_b64url_byte) {
        return Err(b64url_refusal(segment));
    }
    decoded.map_err(|e| match e {
        base64::DecodeError::InvalidLastSymbol(_, _) => {
            "non-canonical base64url: the last character carries bits that must be zero".into()
        }
        base64::DecodeError::InvalidLength(_) => {
            format!(
                "a segment of {} characters cannot be base64url",
                segment.len()
            )
        }
        other => other.to_string(),
    })
}

/// Why a segment holding a byte outside the base64url alphabet is refused.
fn b64url_refusal(segment: &str) -> String {
    if let Some((i, c)) = segment.char_indices().find(|(_, c)| c.is_whitespace()) {
        return format!("whitespace at offset {i} ({c:?}); base64url segments carry none");
    }
    if segment.ends_with('=') {
        return "base64url padding (`=`) is not allowed in a compact token".into();
    }
    if let Some((i, c)) = segment.char_indices().find(|(_, c)| matches!(c, '+' | '/')) {
        return format!("{c:?} at offset {i} is standard base64, not base64url (use `-` and `_`)");
    }
    let (i, c) = segment
        .char_indices()
        .find(|(_, c)| !c.is_ascii() || !is_b64url_byte(*c as u8))
        .unwrap_or((0, ' '));
    format!("{c:?} at offset {i} is not a base64url character")
}

/// base64url without padding, for building and comparing values.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decode a base64url value from a JWK member. Published JWKS are not tokens: some carry
/// padding, so it is tolerated here (and only here).
pub fn b64url_lenient(value: &str) -> Result<Vec<u8>, String> {
    b64url_strict(value.trim_end_matches('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_spans() {
        let s = split("ab.c.");
        assert_eq!(
            s.spans,
            vec![Span::new(0, 2), Span::new(3, 4), Span::new(5, 5)]
        );
        assert_eq!(split("x").spans.len(), 1);
    }

    #[test]
    fn strict_base64url_refuses_every_other_spelling() {
        assert_eq!(b64url_strict("eyJhIjoxfQ").unwrap(), b"{\"a\":1}");
        assert!(b64url_strict("eyJhIjoxfQ==")
            .unwrap_err()
            .contains("padding"));
        assert!(b64url_strict("ab+c")
            .unwrap_err()
            .contains("standard base64"));
        assert!(b64url_strict("ab/c")
            .unwrap_err()
            .contains("standard base64"));
        assert!(b64url_strict("ab c").unwrap_err().contains("whitespace"));
        assert!(b64url_strict("a").is_err());
        // "QQ" is canonical for "A"; "QR" has a non-zero trailing bit.
        assert_eq!(b64url_strict("QQ").unwrap(), b"A");
        assert!(b64url_strict("QR").unwrap_err().contains("non-canonical"));
    }

    proptest::proptest! {
        /// Decoding first and scanning only on failure answers as scanning first does.
        #[test]
        fn strict_base64url_answers_as_scan_then_decode(
            segment in "[A-Za-z0-9_+/= \\-\u{e9}]{0,12}"
        ) {
            let scan_first = if segment.bytes().all(is_b64url_byte) {
                b64url_strict(&segment)
            } else {
                Err(b64url_refusal(&segment))
            };
            proptest::prop_assert_eq!(b64url_strict(&segment), scan_first);
        }
    }

    #[test]
    fn shape_detection() {
        assert_eq!(
            looks_compact("eyJhbGciOiJub25lIn0.e30."),
            Some(TokenKind::Jws)
        );
        assert_eq!(looks_compact("eyJh.a.b.c.d"), Some(TokenKind::Jwe));
        assert_eq!(looks_compact("MQ.e30.x"), Some(TokenKind::Jws));
        assert_eq!(looks_compact("<xml/>"), None);
        assert_eq!(looks_compact("PHNhbWw+"), None);
        assert_eq!(looks_compact("eyJhbGciOiJIUzI1NiJ9"), Some(TokenKind::Jws));
        assert_eq!(looks_compact("{\"a\":1}"), None);
    }

    proptest::proptest! {
        #[test]
        fn canonical_encodings_round_trip(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let text = b64url(&bytes);
            proptest::prop_assert_eq!(b64url_strict(&text).unwrap(), bytes);
            let padded = format!("{}=", text);
            proptest::prop_assert!(b64url_strict(&padded).is_err());
            if !text.is_empty() {
                let spaced = format!("{} {}", &text[..1], &text[1..]);
                proptest::prop_assert!(b64url_strict(&spaced).is_err());
            }
        }

        #[test]
        fn strict_decoding_never_panics(text in "[A-Za-z0-9_=+/ -]{0,40}") {
            let _ = b64url_strict(&text);
            let _ = looks_compact(&text);
        }
    }
}
