//! `--redact`: personal values (e-mail local parts, names, NameIDs, UPNs, user object ids)
//! become stable pseudonyms (the same value gets the same pseudonym within a run), domains
//! are kept. A [`Redactor`] first collects the personal values a message carries (SAML
//! view, JWT claims, SCIM payload), then rewrites finished output. Any e-mail address met
//! while rewriting is redacted too. Signature and certificate values are never touched.

use crate::report::Report;
use crate::saml::view::{Assertion, NameId, SamlMessage};
use regex::Regex;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy)]
enum Class {
    EmailLocal,
    Name,
    Identifier,
}

#[derive(Default)]
struct State {
    /// Lower-cased original → pseudonym.
    map: HashMap<String, String>,
    counts: [usize; 3],
    /// Alternations of every original, longest first, in chunks that stay within the regex
    /// size limit; rebuilt after additions.
    patterns: Option<Vec<Regex>>,
}

pub struct Redactor {
    state: RefCell<State>,
    email: Regex,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

/// Attribute and claim names whose values identify the person (compared on the last path
/// segment, case-insensitively).
const PERSONAL_NAMES: &[&str] = &[
    "email",
    "mail",
    "emailaddress",
    "firstname",
    "givenname",
    "given_name",
    "lastname",
    "surname",
    "sn",
    "family_name",
    "familyname",
    "displayname",
    "display_name",
    "name",
    "cn",
    "commonname",
    "fullname",
    "upn",
    "userprincipalname",
    "objectidentifier",
    "oid",
    "uid",
    "username",
    "user_name",
    "preferred_username",
    "unique_name",
    "sub",
    "nameid",
    "employeeid",
];

/// JSON keys whose subtrees are kept verbatim (signatures, certificates, JOSE headers).
const KEPT_KEYS: &[&str] = &["signatures", "signature", "certificates", "header"];

fn is_personal_name(name: &str) -> bool {
    let last = name
        .rsplit(['/', ':', '.'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    PERSONAL_NAMES.contains(&last.as_str())
}

impl Redactor {
    // The pattern is a constant that every redaction test compiles.
    #[allow(clippy::expect_used)]
    pub fn new() -> Redactor {
        Redactor {
            state: RefCell::new(State::default()),
            // Local part and domain of an e-mail address.
            email: Regex::new(r"([A-Za-z0-9._%+\-']+)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")
                .expect("constant pattern"),
        }
    }

    fn add(&self, value: &str, class: Class) {
        let v = value.trim();
        if v.chars().count() < 2 {
            return;
        }
        let mut st = self.state.borrow_mut();
        let key = v.to_lowercase();
        if st.map.contains_key(&key) {
            return;
        }
        let slot = class as usize;
        let Some(count) = st.counts.get_mut(slot) else {
            return;
        };
        *count += 1;
        let n = *count;
        let pseudonym = match class {
            Class::EmailLocal => format!("user{n}"),
            Class::Name => format!("Person{n}"),
            Class::Identifier => format!("redacted-id-{n}"),
        };
        st.map.insert(key, pseudonym);
        st.patterns = None;
    }

    /// A personal value of any shape: an e-mail's local part, a (display) name and its
    /// words, or an identifier.
    pub fn add_value(&self, value: &str) {
        let v = value.trim();
        if let Some(c) = self.email.captures(v) {
            if let Some(local) = c.get(1) {
                self.add(local.as_str(), Class::EmailLocal);
            }
            return;
        }
        let looks_like_name = v.chars().any(char::is_alphabetic)
            && v.chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.'));
        if looks_like_name {
            self.add(v, Class::Name);
            for word in v.split_whitespace() {
                self.add(word, Class::Name);
            }
        } else {
            self.add(v, Class::Identifier);
        }
    }

    fn add_name_id(&self, n: &NameId) {
        self.add_value(&n.value.value);
    }

    fn collect_assertion(&self, a: &Assertion) {
        if let Some(n) = a.subject.as_ref().and_then(|s| s.name_id.as_ref()) {
            self.add_name_id(n);
        }
        for attr in &a.attributes {
            let personal = [&attr.name, &attr.friendly_name]
                .into_iter()
                .flatten()
                .any(|n| is_personal_name(&n.value));
            if personal {
                for v in &attr.values {
                    self.add_value(&v.value);
                }
            }
        }
    }

    /// Personal values of a SAML message (NameIDs, personal attributes).
    pub fn collect_saml(&self, message: &SamlMessage) {
        match message {
            SamlMessage::Response(r) => r.assertions.iter().for_each(|a| self.collect_assertion(a)),
            SamlMessage::Assertion(a) => self.collect_assertion(a),
            SamlMessage::LogoutRequest(r) => {
                if let Some(n) = &r.name_id {
                    self.add_name_id(n);
                }
            }
            _ => {}
        }
    }

    /// Personal claims of a JWT payload.
    pub fn collect_claims(&self, claims: &Value) {
        if let Some(map) = claims.as_object() {
            for (k, v) in map {
                if is_personal_name(k) {
                    if let Some(s) = v.as_str() {
                        self.add_value(s);
                    }
                }
            }
        }
    }

    /// Personal values of a SCIM User, Group or ListResponse (walks every member).
    pub fn collect_scim(&self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = k.to_ascii_lowercase();
                    match v {
                        Value::String(s)
                            if is_personal_name(&key)
                                || matches!(
                                    key.as_str(),
                                    "value" | "externalid" | "formatted" | "nickname"
                                ) =>
                        {
                            self.add_value(s)
                        }
                        _ => self.collect_scim(v),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.collect_scim(i)),
            _ => {}
        }
    }

    /// Rewrite a text: every collected value and every e-mail local part becomes its pseudonym.
    pub fn text(&self, s: &str) -> String {
        for c in self.email.captures_iter(s) {
            if let Some(local) = c.get(1) {
                self.add(local.as_str(), Class::EmailLocal);
            }
        }
        let mut st = self.state.borrow_mut();
        if st.map.is_empty() {
            return s.to_string();
        }
        if st.patterns.is_none() {
            let mut keys: Vec<&String> = st.map.keys().collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
            // Whole words only, so a short name never rewrites the inside of another word.
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            let alternatives: Vec<String> = keys
                .iter()
                .map(|k| {
                    let pre = if word(k.chars().next()) { r"\b" } else { "" };
                    let post = if word(k.chars().last()) { r"\b" } else { "" };
                    format!("{pre}{}{post}", regex::escape(k))
                })
                .collect();
            let patterns = alternatives
                .chunks(256)
                .flat_map(|chunk| match compile(&chunk.join("|")) {
                    Some(re) => vec![re],
                    // Too large together: one pattern per value, never a value left out.
                    None => chunk.iter().filter_map(|a| compile(a)).collect(),
                })
                .collect();
            st.patterns = Some(patterns);
        }
        let mut out = s.to_string();
        for re in st.patterns.iter().flatten() {
            out = re
                .replace_all(&out, |c: &regex::Captures<'_>| {
                    let m = c.get(0).map(|m| m.as_str()).unwrap_or("");
                    st.map
                        .get(&m.to_lowercase())
                        .cloned()
                        .unwrap_or_else(|| m.to_string())
                })
                .into_owned();
        }
        out
    }

    /// Rewrite every string of a JSON value, keeping signature and certificate subtrees.
    pub fn json(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.json(i)),
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if !KEPT_KEYS.contains(&k.as_str()) {
                        self.json(child);
                    }
                }
            }
            _ => {}
        }
    }

    /// Rewrite a finished report: summary, messages, finding texts. The body and the
    /// source texts are left to the caller (spans point into the source texts, and a body
    /// that shows signatures must be rewritten value by value, see `saml::pretty`).
    pub fn report(&self, r: &mut Report) {
        for v in r.summary.values_mut() {
            self.json(v);
        }
        for m in &mut r.messages {
            for v in m.summary.values_mut() {
                self.json(v);
            }
            m.url = m.url.as_deref().map(|u| self.text(u));
        }
        for f in &mut r.findings {
            f.message = self.text(&f.message);
            f.expected = f.expected.as_deref().map(|e| self.text(e));
            f.found = f.found.as_deref().map(|e| self.text(e));
        }
    }
}

fn compile(alternation: &str) -> Option<Regex> {
    regex::RegexBuilder::new(alternation)
        .case_insensitive(true)
        .size_limit(64 << 20)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_keep_domains() {
        let r = Redactor::new();
        r.add_value("alice.nguyen@example.com");
        r.add_value("Alice Nguyen");
        let out = r.text("alice.nguyen@example.com is Alice Nguyen; write to ALICE.NGUYEN@example.com or bob@x.org");
        assert_eq!(
            out,
            "user1@example.com is Person1; write to user1@example.com or user2@x.org"
        );
        assert_eq!(r.text("Nguyen"), "Person3");
        r.add_value("Li");
        assert_eq!(
            r.text("Li, client of LinkedIn"),
            "Person4, client of LinkedIn"
        );
    }

    #[test]
    fn many_values_are_all_replaced() {
        let r = Redactor::new();
        let names: Vec<String> = (0..2000)
            .map(|i| format!("someone{i}@corp.example"))
            .collect();
        for n in &names {
            r.add_value(n);
        }
        let out = r.text(&names.join(" "));
        assert!(!out.contains("someone"));
        assert!(out.starts_with("user1@corp.example user2@corp.example"));
    }

    #[test]
    fn json_keeps_signatures() {
        let r = Redactor::new();
        r.add_value("Wei");
        let mut v = serde_json::json!({"name": "Wei", "signatures": [{"value": "xWeix"}]});
        r.json(&mut v);
        assert_eq!(v["name"], "Person1");
        assert_eq!(v["signatures"][0]["value"], "xWeix");
    }
}
