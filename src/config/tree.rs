//! A positioned value tree of the configuration file, one shape for TOML, YAML and JSON.
//!
//! TOML keeps exact spans (toml_edit's immutable document). serde_yaml and serde_json give no
//! positions, so for those formats a best-effort locator searches the text for each key: a
//! miss falls back to the enclosing key's span, never to a panic.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Node>),
    Table(Vec<Entry>),
    /// YAML/JSON null: no TOML equivalent; treated as an absent value.
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Option<Span>,
    pub value: Val,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Option<Span>,
    pub node: Node,
}

impl Val {
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "a string",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a number",
            Val::Bool(_) => "a boolean",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
            Val::Null => "null",
        }
    }

    /// The value as written, for `found:` lines.
    pub fn display(&self) -> String {
        match self {
            Val::Str(s) => format!("{s:?}"),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => f.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Array(_) => "an array".into(),
            Val::Table(_) => "a table".into(),
            Val::Null => "null".into(),
        }
    }
}

fn span_of(r: Option<std::ops::Range<usize>>) -> Option<Span> {
    r.map(|r| Span::new(r.start, r.end))
}

/// Parse TOML into the tree; the error carries a byte offset.
pub fn from_toml(text: &str) -> Result<Node, (String, usize)> {
    let doc = toml_edit::ImDocument::parse(text)
        .map_err(|e| (e.message().to_string(), e.span().map_or(0, |s| s.start)))?;
    Ok(toml_table(doc.as_table()))
}

fn toml_table(t: &toml_edit::Table) -> Node {
    let entries = t
        .iter()
        .map(|(k, item)| Entry {
            key: k.to_string(),
            key_span: span_of(t.key(k).and_then(|k| k.span())),
            node: toml_item(item),
        })
        .collect();
    Node {
        span: span_of(t.span()),
        value: Val::Table(entries),
    }
}

fn toml_item(item: &toml_edit::Item) -> Node {
    match item {
        toml_edit::Item::None => Node {
            span: None,
            value: Val::Null,
        },
        toml_edit::Item::Value(v) => toml_value(v),
        toml_edit::Item::Table(t) => toml_table(t),
        toml_edit::Item::ArrayOfTables(a) => Node {
            span: span_of(a.span()),
            value: Val::Array(a.iter().map(toml_table).collect()),
        },
    }
}

fn toml_value(v: &toml_edit::Value) -> Node {
    use toml_edit::Value as V;
    let value = match v {
        V::String(s) => Val::Str(s.value().clone()),
        V::Integer(i) => Val::Int(*i.value()),
        V::Float(f) => Val::Float(*f.value()),
        V::Boolean(b) => Val::Bool(*b.value()),
        // Dates such as `expires = 2027-03-31` are read as their text.
        V::Datetime(d) => Val::Str(d.value().to_string()),
        V::Array(a) => Val::Array(a.iter().map(toml_value).collect()),
        V::InlineTable(t) => Val::Table(
            t.iter()
                .map(|(k, v)| Entry {
                    key: k.to_string(),
                    key_span: span_of(t.key(k).and_then(|k| k.span())),
                    node: toml_value(v),
                })
                .collect(),
        ),
    };
    Node {
        span: span_of(v.span()),
        value,
    }
}

/// Which text syntax the locator searches for keys in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Finds keys and values in YAML/JSON text, searching forward from the enclosing key.
struct Locator<'a> {
    text: &'a str,
    syntax: Syntax,
    /// JSON: nesting depth of `{`/`[` at each byte, outside strings.
    depth: Vec<u16>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, syntax: Syntax) -> Self {
        let mut depth = Vec::new();
        if syntax == Syntax::Json {
            depth.reserve(text.len());
            let (mut d, mut in_str, mut escaped) = (0u16, false, false);
            for b in text.bytes() {
                depth.push(d);
                if in_str {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_str = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => d = d.saturating_add(1),
                    b'}' | b']' => d = d.saturating_sub(1),
                    _ => {}
                }
            }
        }
        Locator {
            text,
            syntax,
            depth,
        }
    }

    fn column(&self, at: usize) -> usize {
        let line_start = self
            .text
            .get(..at)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        at - line_start
    }

    /// The span of `key` as a map key after `from`, at the given JSON depth or, in YAML,
    /// indented deeper than `parent_col` (None at the top level: column 0).
    fn key(&self, key: &str, from: usize, depth: u16, parent_col: Option<usize>) -> Option<Span> {
        let needles = match self.syntax {
            Syntax::Json => vec![format!("\"{key}\"")],
            Syntax::Yaml => vec![format!("\"{key}\""), format!("'{key}'"), key.to_string()],
        };
        // An empty key (YAML `- ?`) has no text to find, and searching for "" never advances.
        for needle in needles.into_iter().filter(|n| !n.is_empty()) {
            let mut pos = from;
            while let Some(rel) = self.text.get(pos..).and_then(|s| s.find(&needle)) {
                let start = pos + rel;
                let end = start + needle.len();
                pos = end;
                let after = self
                    .text
                    .get(end..)
                    .unwrap_or("")
                    .trim_start_matches([' ', '\t']);
                if !after.starts_with(':') {
                    continue;
                }
                let ok = match self.syntax {
                    Syntax::Json => self.depth.get(start).copied() == Some(depth),
                    Syntax::Yaml => {
                        let before = self.text.get(..start).unwrap_or("");
                        let prev = before.chars().next_back();
                        let boundary =
                            matches!(prev, None | Some('\n' | ' ' | '\t' | '-' | '{' | ','));
                        let col = self.column(start);
                        boundary
                            && match parent_col {
                                None => col == 0,
                                Some(p) => col > p || before.trim_end().ends_with('{'),
                            }
                    }
                };
                if ok {
                    return Some(Span::new(start, end));
                }
            }
        }
        None
    }

    fn scalar(&self, text: &str, from: usize) -> Option<Span> {
        if text.is_empty() {
            return None;
        }
        let rel = self.text.get(from..)?.find(text)?;
        Some(Span::new(from + rel, from + rel + text.len()))
    }
}

/// Build the tree from a serde_json value (JSON is parsed strictly by `crate::json`).
pub fn from_json(text: &str, v: &serde_json::Value) -> Node {
    let loc = Locator::new(text, Syntax::Json);
    let mut cursor = 0;
    json_node(&loc, v, Some(Span::new(0, 0)), 0, &mut cursor)
}

fn json_node(
    loc: &Locator,
    v: &serde_json::Value,
    span: Option<Span>,
    depth: u16,
    cursor: &mut usize,
) -> Node {
    use serde_json::Value as J;
    let value = match v {
        J::Null => Val::Null,
        J::Bool(b) => Val::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Val::Int(i),
            None => Val::Float(n.as_f64().unwrap_or(0.0)),
        },
        J::String(s) => Val::Str(s.clone()),
        J::Array(items) => {
            let from = span.map_or(0, |s| s.end);
            let mut at = from;
            let nodes = items
                .iter()
                .map(|item| {
                    let found = match item {
                        J::String(s) => loc.scalar(&format!("\"{s}\""), at),
                        J::Bool(b) => loc.scalar(&b.to_string(), at),
                        J::Number(n) => loc.scalar(&n.to_string(), at),
                        _ => None,
                    };
                    let item_span = found.or(Some(Span::new(at, at)));
                    if let Some(s) = found {
                        at = s.end;
                    }
                    let node = json_node(loc, item, item_span, depth + 1, &mut at);
                    // A table's keys moved the cursor; the element starts at its first key.
                    let span = match &node.value {
                        Val::Table(e) => e.first().and_then(|e| e.key_span).or(item_span),
                        _ => item_span,
                    };
                    Node { span, ..node }
                })
                .collect();
            *cursor = (*cursor).max(at);
            Val::Array(nodes)
        }
        J::Object(map) => {
            let from = span.map_or(0, |s| s.start).max(*cursor);
            let mut last = from;
            let entries = map
                .iter()
                .map(|(k, child)| {
                    let key_span = loc.key(k, from, depth + 1, None);
                    let mut c = key_span.map_or(from, |s| s.end);
                    let node = json_node(loc, child, key_span.or(span), depth + 1, &mut c);
                    last = last.max(c);
                    Entry {
                        key: k.clone(),
                        key_span: key_span.or(span),
                        node,
                    }
                })
                .collect();
            *cursor = (*cursor).max(last);
            Val::Table(entries)
        }
    };
    Node { span, value }
}

/// Build the tree from a serde_yaml value, locating keys by indentation.
pub fn from_yaml(text: &str, v: &serde_yaml::Value) -> Node {
    let loc = Locator::new(text, Syntax::Yaml);
    yaml_node(&loc, v, Some(Span::new(0, 0)), None)
}

fn yaml_scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn yaml_node(loc: &Locator, v: &serde_yaml::Value, span: Option<Span>, col: Option<usize>) -> Node {
    use serde_yaml::Value as Y;
    let value = match v {
        Y::Null => Val::Null,
        Y::Bool(b) => Val::Bool(*b),
        Y::Number(n) => match n.as_i64() {
            Some(i) => Val::Int(i),
            None => Val::Float(n.as_f64().unwrap_or(0.0)),
        },
        Y::String(s) => Val::Str(s.clone()),
        Y::Tagged(t) => return yaml_node(loc, &t.value, span, col),
        Y::Sequence(items) => {
            let mut at = span.map_or(0, |s| s.end);
            Val::Array(
                items
                    .iter()
                    .map(|item| {
                        let found = yaml_scalar_text(item).and_then(|t| loc.scalar(&t, at));
                        let item_span = found.or(Some(Span::new(at, at)));
                        let node = yaml_node(loc, item, item_span, col);
                        let span = match &node.value {
                            Val::Table(e) => e.first().and_then(|e| e.key_span).or(item_span),
                            _ => item_span,
                        };
                        if let Some(s) = span {
                            at = at.max(s.end);
                        }
                        Node { span, ..node }
                    })
                    .collect(),
            )
        }
        Y::Mapping(map) => {
            let from = span.map_or(0, |s| s.start);
            Val::Table(
                map.iter()
                    .map(|(k, child)| {
                        let key = yaml_scalar_text(k).unwrap_or_default();
                        let key_span = loc.key(&key, from, 0, col);
                        let child_col = key_span.map(|s| loc.column(s.start));
                        let node = yaml_node(loc, child, key_span.or(span), child_col.or(col));
                        Entry {
                            key,
                            key_span: key_span.or(span),
                            node,
                        }
                    })
                    .collect(),
            )
        }
    };
    Node { span, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: &Node) -> Vec<(String, Option<Span>)> {
        match &n.value {
            Val::Table(e) => e.iter().map(|e| (e.key.clone(), e.key_span)).collect(),
            _ => vec![],
        }
    }

    #[test]
    fn toml_keys_keep_their_spans() {
        let text = "pattern = \"sso-scim\"\n[authentication]\nmode = \"x\"\n";
        let n = from_toml(text).unwrap();
        let k = keys(&n);
        assert_eq!(k[0].0, "pattern");
        assert_eq!(k[0].1, Some(Span::new(0, 7)));
        let Val::Table(e) = &n.value else { panic!() };
        let auth = keys(&e[1].node);
        assert_eq!(
            &text[auth[0].1.unwrap().start..auth[0].1.unwrap().end],
            "mode"
        );
    }

    #[test]
    fn json_keys_are_found_at_their_depth() {
        let text =
            r#"{"saml": {"idp": {"entity_id": "a"}, "sp": {"entity_id": "b"}}, "entity_id": 1}"#;
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let n = from_json(text, &v);
        let top = keys(&n);
        let (_, span) = top.iter().find(|(k, _)| k == "entity_id").unwrap();
        assert_eq!(span.unwrap().start, text.rfind("\"entity_id\"").unwrap());
    }

    #[test]
    fn yaml_keys_are_found_by_indentation() {
        let text = "saml:\n  sp:\n    entity_id: a\nworkspace:\n  name: x\n";
        let v: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let n = from_yaml(text, &v);
        let Val::Table(e) = &n.value else { panic!() };
        let ws = keys(&e[1].node);
        assert_eq!(ws[0].1.unwrap().start, text.find("name").unwrap());
    }

    #[test]
    fn locator_never_panics_on_odd_text() {
        for text in ["{}", "[]", "\"é\"", "{\"é\": [1, \"é\", {\"x\": null}]}"] {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            let _ = from_json(text, &v);
        }
        let v: serde_yaml::Value = serde_yaml::from_str("é: [a, {b: c}]\n- ").unwrap_or_default();
        let _ = from_yaml("é: [a, {b: c}]\n", &v);
    }
}
