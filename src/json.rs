//! Strict JSON: serde_json's parser, refusing duplicate member names at any depth (RFC 8259
//! leaves them undefined, and parsers that disagree on them are a classic token and SCIM
//! differential). Every JSON input ssolint reads — HAR, JWT segments, JWKS, discovery, SCIM,
//! directories — goes through here.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonErrorKind {
    Malformed,
    DuplicateKey,
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub kind: JsonErrorKind,
    pub message: String,
    /// 1-based line and column where parsing stopped.
    pub line: usize,
    pub column: usize,
}

impl JsonError {
    /// The rule this error maps to.
    pub fn rule(&self) -> &'static crate::rules::Rule {
        use crate::rules::input;
        match self.kind {
            JsonErrorKind::Malformed => &input::JSON_MALFORMED,
            JsonErrorKind::DuplicateKey => &input::JSON_DUPLICATE_KEY,
            JsonErrorKind::TooDeep => &input::TOO_DEEP,
        }
    }

    /// Byte offset of the error position in `text`.
    pub fn offset_in(&self, text: &str) -> usize {
        let mut offset = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if i + 1 == self.line {
                let col: usize = line
                    .char_indices()
                    .nth(self.column.saturating_sub(1))
                    .map(|(b, _)| b)
                    .unwrap_or(line.len());
                return offset + col;
            }
            offset += line.len();
        }
        text.len()
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const DUPLICATE_MARK: &str = "duplicate member name ";

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE_MARK}{key:?}")));
            }
            let Strict(v) = access.next_value()?;
            map.insert(key, v);
        }
        Ok(Value::Object(map))
    }
}

/// Parse a whole JSON text, refusing duplicate member names and trailing data.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Strict::deserialize(&mut de).and_then(|v| de.end().map(|_| v.0));
    result.map_err(|e| {
        let msg = e.to_string();
        let kind = if msg.contains(DUPLICATE_MARK) {
            JsonErrorKind::DuplicateKey
        } else if msg.contains("recursion limit") {
            JsonErrorKind::TooDeep
        } else {
            JsonErrorKind::Malformed
        };
        JsonError {
            kind,
            message: msg,
            line: e.line(),
            column: e.column(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_at_any_depth() {
        assert!(parse(r#"{"a":1,"b":{"c":[{"d":1}]}}"#).is_ok());
        let e = parse("{\"a\":1,\n\"b\":{\"c\":[{\"d\":1,\"d\":2}]}}").unwrap_err();
        assert_eq!(e.kind, JsonErrorKind::DuplicateKey);
        assert_eq!(e.line, 2);
        assert!(e.message.contains("\"d\""));
    }

    #[test]
    fn malformed_and_deep() {
        assert_eq!(parse("{\"a\":").unwrap_err().kind, JsonErrorKind::Malformed);
        assert_eq!(parse("{} x").unwrap_err().kind, JsonErrorKind::Malformed);
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert_eq!(parse(&deep).unwrap_err().kind, JsonErrorKind::TooDeep);
    }

    #[test]
    fn offsets_map_back() {
        let text = "{\n  \"a\": 1,\n  \"a\": 2\n}";
        let e = parse(text).unwrap_err();
        assert!(e.offset_in(text) > 10);
    }
}
