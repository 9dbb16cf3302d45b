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
    /// Alternation of every original, longest first; rebuilt after additions.
    pattern: Option<Regex>,
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
        st.counts[slot] += 1;
        let n = st.counts[slot];
        let pseudonym = match class {
            Class::EmailLocal => format!("user{n}"),
            Class::Name => format!("Person{n}"),
            Class::Identifier => format!("redacted-id-{n}"),
        };
        st.map.insert(key, pseudonym);
        st.pattern = None;
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
        if st.pattern.is_none() {
            let mut keys: Vec<&String> = st.map.keys().collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
            let alternation = keys
                .iter()
                .map(|k| regex::escape(k))
                .collect::<Vec<_>>()
                .join("|");
            st.pattern = Regex::new(&format!("(?i){alternation}")).ok();
        }
        let Some(re) = st.pattern.as_ref() else {
            return s.to_string();
        };
        re.replace_all(s, |c: &regex::Captures<'_>| {
            let m = c.get(0).map(|m| m.as_str()).unwrap_or("");
            st.map
                .get(&m.to_lowercase())
                .cloned()
                .unwrap_or_else(|| m.to_string())
        })
        .into_owned()
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
