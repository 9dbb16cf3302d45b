//! Reading the configuration file (TOML; YAML and JSON by extension).
//!
//! The text is parsed into a positioned tree, which is walked against the configuration's
//! own JSON Schema (derived from `Config`, so the two cannot drift). Unknown keys and values
//! of the wrong type become findings and are left out; `Config` is built from what remains,
//! so one run shows every problem. Only an unreadable or unparseable file is fatal.

use super::tree::{self, Node, Val};
use super::Config;
use crate::error::Fatal;
use crate::findings::{FileId, Finding};
use crate::rules::{config as rules, input};
use crate::source::{SourceFile, Span};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where one key was written: the key itself and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeySpan {
    pub key: Option<Span>,
    pub value: Option<Span>,
}

/// A configuration as read from disk, with its text (for spans) and its directory (paths in
/// the file are relative to it).
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: SourceFile,
    pub dir: PathBuf,
    /// Dotted key path (`saml.groups.mappings[0].group`) -> where it was written.
    pub spans: BTreeMap<String, KeySpan>,
    /// Unknown keys and bad values found while loading, pointing into file 0.
    pub problems: Vec<Finding>,
}

impl LoadedConfig {
    /// A path written in the configuration, resolved relative to the file.
    pub fn resolve(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }

    /// Was this key written in the file?
    pub fn has(&self, path: &str) -> bool {
        self.spans.contains_key(path)
    }

    /// The span to point at for a key: the key itself when written, else the nearest written
    /// ancestor (a table header), else the start of the file.
    pub fn span(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(p).and_then(|k| k.key.or(k.value)) {
                // An ancestor's span can be a whole `[[table]]`: point at its first line.
                return if p == path { s } else { self.first_line(s) };
            }
            match parent(p) {
                Some(up) => p = up,
                None => return Span::new(0, 0),
            }
        }
    }

    fn first_line(&self, s: Span) -> Span {
        let text = self.source.slice(s);
        match text.find('\n') {
            Some(i) => Span::new(s.start, s.start + text[..i].trim_end().len()),
            None => s,
        }
    }

    /// The span of a key's value (falls back like [`LoadedConfig::span`]).
    pub fn value_span(&self, path: &str) -> Span {
        self.spans
            .get(path)
            .and_then(|k| k.value.or(k.key))
            .unwrap_or_else(|| self.span(path))
    }

    /// The load-time findings, pointing into the report's file `file`.
    pub fn load_findings(&self, file: FileId) -> Vec<Finding> {
        self.problems
            .iter()
            .cloned()
            .map(|mut f| {
                if let Some(l) = f.location.as_mut() {
                    l.file = file;
                }
                f
            })
            .collect()
    }
}

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a`.
fn parent(path: &str) -> Option<&str> {
    if path.ends_with(']') {
        return path.rfind('[').map(|i| &path[..i]);
    }
    // A quoted segment (`rules."config.x"`) contains dots of its own.
    if let Some(inner) = path.strip_suffix('"') {
        return inner
            .rfind('"')
            .map(|i| path[..i].trim_end_matches('.'))
            .filter(|p| !p.is_empty());
    }
    path.rfind(['.', '[']).map(|i| &path[..i])
}

/// A workspace configuration is a few kilobytes; the cap only stops a device or a wrong path.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

pub fn load(path: &Path) -> Result<LoadedConfig, Fatal> {
    let bytes = crate::files::read_binary(path, "configuration", MAX_CONFIG_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Fatal::new(
            &input::NOT_UTF8,
            format!(
                "{}: configuration is not UTF-8 (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let source = SourceFile::new(path.display().to_string(), text);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("toml")
        .to_ascii_lowercase();
    let root = parse_tree(&source, &ext)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = from_tree(&root, source)?;
    loaded.dir = dir;
    Ok(loaded)
}

/// Parse a configuration text (for tests and `init`'s self-check): `ext` picks the syntax.
pub fn load_str(name: &str, text: &str, ext: &str) -> Result<LoadedConfig, Fatal> {
    let source = SourceFile::new(name, text);
    let root = parse_tree(&source, ext)?;
    from_tree(&root, source)
}

fn parse_tree(source: &SourceFile, ext: &str) -> Result<Node, Fatal> {
    let text = &source.text;
    match ext {
        "json" => {
            let v = crate::json::parse(text).map_err(|e| {
                Fatal::new(e.rule(), format!("configuration: {e}"))
                    .at(source.clone(), e.offset_in(text))
            })?;
            Ok(tree::from_json(text, &v))
        }
        "yaml" | "yml" => {
            let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
                let offset = e.location().map_or(0, |l| l.index());
                Fatal::new(
                    &input::UNDECODABLE,
                    format!("configuration is not valid YAML: {e}"),
                )
                .at(source.clone(), offset)
            })?;
            Ok(tree::from_yaml(text, &v))
        }
        _ => tree::from_toml(text).map_err(|(msg, offset)| {
            Fatal::new(
                &input::UNDECODABLE,
                format!(
                    "configuration is not valid TOML: {}",
                    msg.lines().next().unwrap_or("").trim()
                ),
            )
            .at(source.clone(), offset)
        }),
    }
}

fn from_tree(root: &Node, source: SourceFile) -> Result<LoadedConfig, Fatal> {
    let schema = serde_json::to_value(schemars::schema_for!(Config)).unwrap_or(Value::Null);
    let mut walker = Walker {
        root: &schema,
        spans: BTreeMap::new(),
        problems: Vec::new(),
    };
    let value = match &root.value {
        Val::Null => Some(Value::Object(Map::new())),
        _ => walker.node(root, &schema, ""),
    };
    let config: Config = match value {
        Some(v) => serde_json::from_value(v).map_err(|e| {
            Fatal::new(
                &input::UNDECODABLE,
                format!("{}: configuration could not be read: {e}", source.path),
            )
        })?,
        None => Config::default(),
    };
    let mut problems = walker.problems;
    problems.sort_by_key(|f| f.location.as_ref().and_then(|l| l.span).map(|s| s.start));
    Ok(LoadedConfig {
        config,
        source,
        dir: PathBuf::new(),
        spans: walker.spans,
        problems,
    })
}

struct Walker<'s> {
    root: &'s Value,
    spans: BTreeMap<String, KeySpan>,
    problems: Vec<Finding>,
}

pub fn join_key(path: &str, key: &str) -> String {
    let key = if key.contains(['.', '[', ']', ' ', '"']) {
        format!("\"{key}\"")
    } else {
        key.to_string()
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

impl<'s> Walker<'s> {
    /// Follow `$ref`, single-element `allOf`, and `anyOf` with `null`, to the schema that
    /// describes a present value.
    fn resolve(&self, mut s: &'s Value) -> &'s Value {
        for _ in 0..16 {
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                let name = r.trim_start_matches("#/definitions/");
                match self.root.get("definitions").and_then(|d| d.get(name)) {
                    Some(d) => s = d,
                    None => return s,
                }
            } else if let Some([one]) = s.get("allOf").and_then(Value::as_array).map(Vec::as_slice)
            {
                s = one;
            } else if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
                let non_null: Vec<&Value> = any
                    .iter()
                    .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                    .collect();
                match non_null.as_slice() {
                    [one] => s = one,
                    _ => return s,
                }
            } else {
                return s;
            }
        }
        s
    }

    fn problem(&mut self, f: Finding) {
        self.problems.push(f);
    }

    fn invalid(&mut self, path: &str, node: &Node, expected: String) {
        let span = self
            .spans
            .get(path)
            .and_then(|k| k.key)
            .or(node.span)
            .unwrap_or_default();
        let found = node.value.display();
        self.problem(
            Finding::new(
                &rules::INVALID_VALUE,
                format!("`{path}` must be {expected}; {found} is ignored"),
            )
            .at(0, span)
            .element(path)
            .expected(expected)
            .found(found),
        );
    }

    /// Validate `node` against `schema`; returns the JSON value to build `Config` from, or
    /// None when the value is unusable (reported).
    fn node(&mut self, node: &Node, schema: &'s Value, path: &str) -> Option<Value> {
        if node.value == Val::Null {
            return None;
        }
        let s = self.resolve(schema);
        if let Some(allowed) = s.get("enum").and_then(Value::as_array) {
            let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            return match &node.value {
                Val::Str(v) if names.contains(&v.as_str()) => Some(Value::String(v.clone())),
                Val::Str(v) => {
                    let mut expected = format!("one of {}", names.join(" | "));
                    if let Some(near) = closest(v, names.iter().copied()) {
                        expected.push_str(&format!(" (did you mean {near:?}?)"));
                    }
                    self.invalid(path, node, expected);
                    None
                }
                _ => {
                    self.invalid(path, node, format!("one of {}", names.join(" | ")));
                    None
                }
            };
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
            _ => vec![],
        };
        match (&node.value, types.as_slice()) {
            (Val::Str(v), ["string"]) => Some(Value::String(v.clone())),
            (Val::Bool(b), ["boolean"]) => Some(Value::Bool(*b)),
            (Val::Int(i), ["integer" | "number"]) => Some(Value::from(*i)),
            (Val::Float(f), ["number"]) => serde_json::Number::from_f64(*f).map(Value::Number),
            (Val::Array(items), ["array"]) => {
                let item_schema = s.get("items").unwrap_or(&Value::Null);
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    self.spans.insert(
                        p.clone(),
                        KeySpan {
                            key: None,
                            value: item.span,
                        },
                    );
                    if let Some(v) = self.node(item, item_schema, &p) {
                        out.push(v);
                    }
                }
                Some(Value::Array(out))
            }
            (Val::Table(entries), ["object"]) => self.table(node, entries, s, path),
            (_, []) => Some(Value::Null),
            (_, [t, ..]) => {
                let expected = match *t {
                    "string" => "a string".to_string(),
                    "boolean" => "true or false".to_string(),
                    "array" => "an array".to_string(),
                    "object" => "a table".to_string(),
                    other => format!("a value of type {other}"),
                };
                self.invalid(path, node, expected);
                None
            }
        }
    }

    fn table(
        &mut self,
        node: &Node,
        entries: &[tree::Entry],
        s: &'s Value,
        path: &str,
    ) -> Option<Value> {
        let props = s.get("properties").and_then(Value::as_object);
        let extra = s.get("additionalProperties").filter(|v| v.is_object());
        let mut out = Map::new();
        for e in entries {
            let p = join_key(path, &e.key);
            self.spans.insert(
                p.clone(),
                KeySpan {
                    key: e.key_span,
                    value: e.node.span,
                },
            );
            let child_schema = props.and_then(|m| m.get(&e.key)).or(extra);
            match child_schema {
                Some(cs) => {
                    if let Some(v) = self.node(&e.node, cs, &p) {
                        out.insert(e.key.clone(), v);
                    }
                }
                None => {
                    let known: Vec<&str> = props
                        .map(|m| m.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let mut f = Finding::new(
                        &rules::UNKNOWN_KEY,
                        if path.is_empty() {
                            format!("unknown top-level key `{}`", e.key)
                        } else {
                            format!("unknown key `{}` in [{path}]", e.key)
                        },
                    )
                    .at(0, e.key_span.or(e.node.span).unwrap_or_default())
                    .element(p.clone())
                    .found(e.key.clone())
                    .expected(format!("one of {}", known.join(", ")));
                    if let Some(near) = closest(&e.key, known.iter().copied()) {
                        f = f.hint(format!("did you mean `{}`?", join_key(path, near)));
                    }
                    self.problem(f);
                }
            }
        }
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let missing: Vec<&str> = required
            .into_iter()
            .filter(|k| !out.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            let span = self
                .spans
                .get(path)
                .and_then(|k| k.key.or(k.value))
                .or(node.span)
                .unwrap_or_default();
            self.problem(
                Finding::new(
                    &rules::INVALID_VALUE,
                    format!(
                        "`{path}` lacks the required key{} {}; the entry is ignored",
                        if missing.len() > 1 { "s" } else { "" },
                        missing
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .at(0, span)
                .element(path)
                .expected(missing.join(", ")),
            );
            return None;
        }
        Some(Value::Object(out))
    }
}

/// The nearest of `candidates` to `word`, when it is near enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(l: &LoadedConfig) -> Vec<&'static str> {
        l.problems.iter().map(|f| f.rule.id).collect()
    }

    #[test]
    fn unknown_keys_and_bad_values_are_findings_and_the_rest_loads() {
        let text = "pattern = \"sso-scim\"\n[workspace]\nname = \"Acme\"\nownrs = [\"a@x\"]\n\
                    [authentication]\nmode = \"sometimes\"\nmfa = \"idp\"\n\
                    [[saml.groups.mappings]]\ngroup = \"G\"\nrol = \"admin\"\n";
        let l = load_str("t.toml", text, "toml").unwrap();
        assert_eq!(
            ids(&l),
            vec![
                "config.unknown-key",
                "config.invalid-value",
                "config.unknown-key"
            ]
        );
        assert_eq!(l.config.workspace.name.as_deref(), Some("Acme"));
        assert_eq!(l.config.authentication.mode, None);
        assert_eq!(l.config.authentication.mfa, Some(super::super::Mfa::Idp));
        assert_eq!(l.config.saml.groups.mappings.len(), 1);
        assert_eq!(
            l.problems[0].hint.as_deref(),
            Some("did you mean `workspace.owners`?")
        );
        let mode = l.span("authentication.mode");
        assert_eq!(l.source.slice(mode), "mode");
        let absent = l.span("authentication.protocol");
        assert_eq!(l.source.slice(absent), "authentication");
        assert_eq!(
            l.source.slice(l.span("saml.groups.mappings[0].group")),
            "group"
        );
    }

    #[test]
    fn a_mapping_without_its_required_key_is_dropped_and_reported() {
        let l = load_str(
            "t.toml",
            "[saml.groups]\nmappings = [{ role = \"admin\" }, { group = \"G\" }]\n",
            "toml",
        )
        .unwrap();
        assert_eq!(ids(&l), vec!["config.invalid-value"]);
        assert_eq!(l.config.saml.groups.mappings.len(), 1);
    }

    #[test]
    fn unparseable_text_is_fatal_with_a_position() {
        let e = load_str("t.toml", "a = 1\n[b\n", "toml").unwrap_err();
        assert!(e.message.starts_with("t.toml:2:"), "{}", e.message);
        let e = load_str("t.json", "{\"a\": 1, \"a\": 2}", "json").unwrap_err();
        assert_eq!(e.rule.id, "input.json-duplicate-key");
        assert!(load_str("t.yaml", "a: [1\n", "yaml").is_err());
    }

    #[test]
    fn toml_dates_are_read_as_text() {
        let l = load_str(
            "t.toml",
            "[[suppressions]]\nrule = \"config.sso-off\"\nreason = \"r\"\nexpires = 2027-03-31\n",
            "toml",
        )
        .unwrap();
        assert!(l.problems.is_empty());
        assert_eq!(
            l.config.suppressions[0].expires.as_deref(),
            Some("2027-03-31")
        );
    }

    #[test]
    fn parents_of_paths() {
        assert_eq!(parent("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent("a.b[2]"), Some("a.b"));
        assert_eq!(parent("rules.\"config.x\""), Some("rules"));
        assert_eq!(parent("a"), None);
    }
}
