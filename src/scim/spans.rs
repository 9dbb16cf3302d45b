//! Where each member of a JSON text is: JSON pointer → span of the member's key. serde_json
//! values carry no positions, so this small scanner walks the text (already validated by
//! `json::parse`) once and records them, letting findings point at the line of the member.

use crate::source::Span;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct SpanIndex {
    keys: HashMap<String, Span>,
    root: Span,
}

impl SpanIndex {
    /// The span of the key at `pointer` (RFC 6901), else of its nearest recorded ancestor,
    /// else of the opening brace of the document.
    pub fn key_span(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(s) = self.keys.get(p) {
                return *s;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.root,
            }
        }
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
    out: SpanIndex,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    /// Skip a string starting at `pos` (on the quote); returns its span with quotes.
    fn string(&mut self) -> Span {
        let start = self.pos;
        self.pos += 1;
        while let Some(&c) = self.b.get(self.pos) {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => break,
                _ => {}
            }
        }
        Span::new(start, self.pos.min(self.b.len()))
    }

    fn value(&mut self, pointer: &str, depth: usize) {
        self.ws();
        if depth > 256 {
            return;
        }
        match self.b.get(self.pos) {
            Some(b'{') => {
                if pointer.is_empty() {
                    self.out.root = Span::new(self.pos, self.pos + 1);
                }
                self.pos += 1;
                loop {
                    self.ws();
                    match self.b.get(self.pos) {
                        Some(b'"') => {
                            let span = self.string();
                            let raw = self.text.get(span.start..span.end).unwrap_or("\"\"");
                            let key: String = serde_json::from_str(raw).unwrap_or_default();
                            let child =
                                format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                            self.out.keys.entry(child.clone()).or_insert(span);
                            self.ws();
                            if self.b.get(self.pos) == Some(&b':') {
                                self.pos += 1;
                            }
                            self.value(&child, depth + 1);
                        }
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    match self.b.get(self.pos) {
                        Some(b']') => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            i += 1;
                        }
                        Some(_) => {
                            let child = format!("{pointer}/{i}");
                            let start = self.pos;
                            self.out
                                .keys
                                .entry(child.clone())
                                .or_insert(Span::new(start, start + 1));
                            self.value(&child, depth + 1);
                            // Text that is not JSON (`[}`) must not stall the scan.
                            if self.pos == start {
                                self.pos += 1;
                            }
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self
                    .b
                    .get(self.pos)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
            }
            None => {}
        }
    }
}

pub fn index(text: &str) -> SpanIndex {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        pos: 0,
        out: SpanIndex::default(),
    };
    s.value("", 0);
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_find_keys() {
        let t = "{\"a\": {\"b\\\"c\": [1, {\"d\": \"x,}\"}]}, \"e/f\": true}";
        let ix = index(t);
        let at = |p: &str| {
            let s = ix.key_span(p);
            &t[s.start..s.end]
        };
        assert_eq!(at("/a"), "\"a\"");
        assert_eq!(at("/a/b\"c"), "\"b\\\"c\"");
        assert_eq!(at("/a/b\"c/1/d"), "\"d\"");
        assert_eq!(at("/e~1f"), "\"e/f\"");
        assert_eq!(at("/a/missing"), "\"a\"");
        assert_eq!(at(""), "{");
    }

    #[test]
    fn stray_closers_in_arrays_end_the_scan() {
        for t in ["[}", "{\"a\":[}]}", "[:,]", "[{]"] {
            let _ = index(t);
        }
    }
}
