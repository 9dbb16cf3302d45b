//! Text helpers shared by the readers.

use std::borrow::Cow;

/// `s` without its ASCII white space (base64 in XML and PEM is wrapped every 64 or 76
/// characters). Copies the runs between line breaks, found with memchr, rather than each
/// character; borrows when there is nothing to remove.
pub fn without_ascii_whitespace(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    // Tabs and form feeds are rare enough to take the general way.
    if memchr::memchr2(b'\t', b'\x0c', b).is_some() {
        return Cow::Owned(s.split_ascii_whitespace().collect());
    }
    let Some(first) = memchr::memchr3(b'\n', b'\r', b' ', b) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    let mut at = first;
    loop {
        out.push_str(s.get(start..at).unwrap_or_default());
        start = at + 1;
        match memchr::memchr3(b'\n', b'\r', b' ', b.get(start..).unwrap_or_default()) {
            Some(k) => at = start + k,
            None => break,
        }
    }
    out.push_str(s.get(start..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(
            without_ascii_whitespace("MIIC+/="),
            Cow::Borrowed("MIIC+/=")
        ));
        assert_eq!(without_ascii_whitespace(" MI\r\nIC \n\t=\x0c"), "MIIC=");
        assert_eq!(without_ascii_whitespace(""), "");
        assert_eq!(without_ascii_whitespace("\n\n"), "");
    }

    proptest! {
        #[test]
        fn same_as_removing_each_whitespace_character(s in "[a-zA-Z0-9+/= \t\r\n\x0cé\u{a0}]{0,200}") {
            let expected: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let got = without_ascii_whitespace(&s);
            prop_assert_eq!(got.as_ref(), expected.as_str());
        }
    }
}
