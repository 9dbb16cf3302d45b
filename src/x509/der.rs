//! A strict reader of the DER of an X.509 certificate, for the facts ssolint reports and the
//! public key.
//!
//! Written here rather than taken from a crate: OpenSSL 3's `d2i_X509` builds the public key
//! through its provider decoder, whose set-up costs most of a one-response `check`, and no DER
//! crate is among the dependencies; the subset read here (definite lengths, one-byte tags, a few
//! universal types) is small. It accepts only the common, exactly-DER shape of a certificate:
//! anything else is `None`, and the caller hands the certificate to OpenSSL, so odd
//! certificates are described as before.

/// One tag-length-value: the identifier byte and the content octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
}

pub const BOOLEAN: u8 = 0x01;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0c;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const IA5_STRING: u8 = 0x16;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;

/// Reads TLVs one after the other from a byte slice.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next TLV. Refuses high tag numbers (low five bits all set), indefinite lengths and
    /// long-form lengths that are not minimal.
    pub fn read(&mut self) -> Option<Tlv<'a>> {
        let (&tag, rest) = self.rest.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 {
                return None;
            }
            let (digits, after) = rest.split_at_checked(count)?;
            rest = after;
            if digits.first() == Some(&0) {
                return None;
            }
            let len = digits
                .iter()
                .fold(0usize, |acc, d| (acc << 8) | usize::from(*d));
            if len < 0x80 {
                return None;
            }
            len
        };
        let (content, after) = rest.split_at_checked(len)?;
        self.rest = after;
        Some(Tlv { tag, content })
    }

    /// The content of the next TLV, which must carry `tag`.
    pub fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        let tlv = self.read()?;
        (tlv.tag == tag).then_some(tlv.content)
    }

    /// The content of the next TLV if it carries `tag`; nothing is consumed otherwise.
    pub fn optional(&mut self, tag: u8) -> Option<Option<&'a [u8]>> {
        if self.peek_tag() != Some(tag) {
            return Some(None);
        }
        self.expect(tag).map(Some)
    }

    /// A SEQUENCE's content as a reader of its own.
    pub fn sequence(&mut self) -> Option<Reader<'a>> {
        self.expect(SEQUENCE).map(Reader::new)
    }
}

/// The dotted text of an OBJECT IDENTIFIER's content, refusing encodings OpenSSL refuses
/// (empty, a sub-identifier starting with 0x80, a last byte with its high bit set).
pub fn oid_text(content: &[u8]) -> Option<String> {
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut starting = true;
    for &b in content {
        if starting && b == 0x80 {
            return None;
        }
        if value > u64::MAX >> 7 {
            return None;
        }
        value = (value << 7) | u64::from(b & 0x7f);
        starting = b & 0x80 == 0;
        if starting {
            arcs.push(value);
            value = 0;
        }
    }
    let (&first, rest) = arcs.split_first()?;
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut text = format!("{a}.{b}");
    for arc in rest {
        text.push('.');
        text.push_str(&arc.to_string());
    }
    Some(text)
}

/// An INTEGER's content as OpenSSL's `BN_bn2hex` prints it: upper-case hex, two digits per
/// byte of the magnitude without leading zero bytes, `-` before a negative one, `0` for zero.
/// `None` for an empty or non-minimal encoding (OpenSSL refuses those).
pub fn integer_hex(content: &[u8]) -> Option<String> {
    let (&first, rest) = content.split_first()?;
    if let Some(&second) = rest.first() {
        let padded = (first == 0 && second & 0x80 == 0) || (first == 0xff && second & 0x80 != 0);
        if padded {
            return None;
        }
    }
    let negative = first & 0x80 != 0;
    let magnitude: Vec<u8> = if negative {
        // Two's complement: invert every byte and add one.
        let mut m: Vec<u8> = content.iter().map(|b| !b).collect();
        for byte in m.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        m
    } else {
        content.to_vec()
    };
    let significant: &[u8] = match magnitude.iter().position(|b| *b != 0) {
        Some(at) => magnitude.get(at..).unwrap_or_default(),
        None => return Some("0".into()),
    };
    let mut hex = String::with_capacity(significant.len() * 2 + 1);
    if negative {
        hex.push('-');
    }
    for b in significant {
        hex.push_str(&format!("{b:02X}"));
    }
    Some(hex)
}

/// A positive INTEGER's magnitude (minimal encoding, the sign byte dropped): RSA's n and e.
pub fn positive_integer(content: &[u8]) -> Option<&[u8]> {
    match content {
        [0, next, ..] if next & 0x80 != 0 => content.get(1..),
        [first, ..] if first & 0x80 == 0 && *first != 0 => Some(content),
        _ => None,
    }
}

/// A UTCTime (`YYMMDDHHMMSSZ`, years 50–99 are 19xx) or GeneralizedTime (`YYYYMMDDHHMMSSZ`)
/// as seconds since the epoch; other forms (offsets, fractions, no seconds) are `None`.
pub fn time(tlv: Tlv<'_>) -> Option<chrono::DateTime<chrono::Utc>> {
    let digits = match (tlv.tag, tlv.content) {
        (UTC_TIME, [d @ .., b'Z']) if d.len() == 12 => d,
        (GENERALIZED_TIME, [d @ .., b'Z']) if d.len() == 14 => d,
        _ => return None,
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |at: usize, len: usize| -> Option<u32> {
        digits
            .get(at..at + len)?
            .iter()
            .try_fold(0u32, |acc, d| Some(acc * 10 + u32::from(d - b'0')))
    };
    let (year, at) = if tlv.tag == UTC_TIME {
        let yy = number(0, 2)?;
        (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
    } else {
        (number(0, 4)?, 4)
    };
    let (month, day) = (number(at, 2)?, number(at + 2, 2)?);
    let (hour, minute, second) = (number(at + 4, 2)?, number(at + 6, 2)?, number(at + 8, 2)?);
    if second > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let at = date.and_hms_opt(hour, minute, second)?;
    Some(at.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_must_be_definite_and_minimal() {
        assert_eq!(
            Reader::new(&[0x04, 0x02, 1, 2]).read(),
            Some(Tlv {
                tag: 4,
                content: &[1, 2]
            })
        );
        assert_eq!(Reader::new(&[0x30, 0x80, 0, 0]).read(), None);
        assert_eq!(Reader::new(&[0x04, 0x81, 0x02, 1, 2]).read(), None);
        assert_eq!(Reader::new(&[0x04, 0x03, 1, 2]).read(), None);
        assert_eq!(Reader::new(&[0x1f, 0x01, 0x00]).read(), None);
        let long: Vec<u8> = [0x04, 0x81, 0x80].into_iter().chain([7; 0x80]).collect();
        assert_eq!(
            Reader::new(&long).read().map(|t| t.content.len()),
            Some(0x80)
        );
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(oid_text(&[0x55, 0x04, 0x03]).as_deref(), Some("2.5.4.3"));
        assert_eq!(
            oid_text(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).as_deref(),
            Some("1.2.840.113549.1.1.11")
        );
        assert_eq!(oid_text(&[]), None);
        assert_eq!(oid_text(&[0x55, 0x80, 0x03]), None);
        assert_eq!(oid_text(&[0x55, 0x84]), None);
    }

    #[test]
    fn integers_print_as_bn_bn2hex() {
        assert_eq!(integer_hex(&[0x07]).as_deref(), Some("07"));
        assert_eq!(integer_hex(&[0x00]).as_deref(), Some("0"));
        assert_eq!(integer_hex(&[0x00, 0x80]).as_deref(), Some("80"));
        assert_eq!(integer_hex(&[0xfb]).as_deref(), Some("-05"));
        assert_eq!(integer_hex(&[0xff, 0x00]).as_deref(), Some("-0100"));
        assert_eq!(integer_hex(&[0x00, 0x05]), None);
        assert_eq!(integer_hex(&[0xff, 0x85]), None);
        assert_eq!(integer_hex(&[]), None);
    }

    #[test]
    fn times_in_both_forms() {
        let t = |tag, s: &str| {
            time(Tlv {
                tag,
                content: s.as_bytes(),
            })
            .map(|t| t.timestamp())
        };
        assert_eq!(t(UTC_TIME, "231114221320Z"), Some(1_700_000_000));
        assert_eq!(t(GENERALIZED_TIME, "20231114221320Z"), Some(1_700_000_000));
        assert_eq!(t(UTC_TIME, "700101000000Z"), Some(0));
        assert_eq!(t(UTC_TIME, "2311142213Z"), None);
        assert_eq!(t(UTC_TIME, "231114221320+0100"), None);
        assert_eq!(t(UTC_TIME, "230230000000Z"), None);
        assert_eq!(t(GENERALIZED_TIME, "231114221320Z"), None);
    }
}
