//! SCIM 2.0 payloads (RFC 7643): User, Group and ListResponse, checked against the RFC and
//! the workspace's expectations (userName is the e-mail on a verified domain).
//!
//! Findings point into file 0 of the caller's report, which must be the JSON text passed to
//! [`check_payload`]; each points at the member's key in that text.

pub mod spans;

use crate::findings::Finding;
use crate::json::JsonError;
use crate::rules::scim as rules;
use crate::source::Span;
use serde_json::{Map, Value};

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScimKind {
    User,
    Group,
    ListResponse,
    /// Another SCIM message (PatchOp, BulkRequest, Error, Schema, …), by its schema URN.
    Other(String),
}

impl ScimKind {
    /// `input.kind` for the report; `None` for messages `check` does not read.
    pub fn input_kind(&self) -> Option<&'static str> {
        match self {
            ScimKind::User => Some("scim-user"),
            ScimKind::Group => Some("scim-group"),
            ScimKind::ListResponse => Some("scim-list-response"),
            ScimKind::Other(_) => None,
        }
    }
}

fn schemas_of(obj: &Map<String, Value>) -> Vec<&str> {
    obj.get("schemas")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What kind of SCIM payload a JSON value is: by its `schemas`, else by its shape (a User
/// without `schemas` is still a User, and gets `scim.schema-missing`).
pub fn detect(v: &Value) -> Option<ScimKind> {
    let obj = v.as_object()?;
    let schemas = schemas_of(obj);
    if schemas.contains(&LIST_RESPONSE) {
        return Some(ScimKind::ListResponse);
    }
    if schemas.contains(&USER) {
        return Some(ScimKind::User);
    }
    if schemas.contains(&GROUP) {
        return Some(ScimKind::Group);
    }
    if let Some(s) = schemas
        .iter()
        .find(|s| s.starts_with("urn:ietf:params:scim:"))
    {
        return Some(ScimKind::Other(s.to_string()));
    }
    if obj.contains_key("userName") || obj.contains_key(ENTERPRISE_USER) {
        return Some(ScimKind::User);
    }
    if obj.contains_key("members") && obj.contains_key("displayName") {
        return Some(ScimKind::Group);
    }
    None
}

/// What the workspace expects; `verified_domains: None` (no configuration) turns the domain
/// rule off, since without a configuration no domain is known to be verified.
#[derive(Debug, Clone, Default)]
pub struct ScimExpectations {
    pub verified_domains: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct ScimCheck {
    pub kind: ScimKind,
    pub findings: Vec<Finding>,
    /// Resources checked (1 for a User or Group, the list's Users and Groups otherwise).
    pub resources: usize,
}

/// Parse and check a SCIM payload. `Err` when the text is not strict JSON.
pub fn check_payload(text: &str, exp: &ScimExpectations) -> Result<Option<ScimCheck>, JsonError> {
    let v = crate::json::parse(text)?;
    let Some(kind) = detect(&v) else {
        return Ok(None);
    };
    let index = spans::index(text);
    let mut c = Checker {
        index: &index,
        exp,
        findings: Vec::new(),
        resources: 0,
    };
    match &kind {
        ScimKind::User | ScimKind::Group => c.resource(&v, ""),
        ScimKind::ListResponse => {
            if let Some(items) = v.get("Resources").and_then(Value::as_array) {
                for (i, item) in items.iter().enumerate() {
                    let pointer = format!("/Resources/{i}");
                    match detect(item) {
                        Some(ScimKind::User | ScimKind::Group) => c.resource(item, &pointer),
                        Some(ScimKind::Other(_)) => {}
                        _ => c.push(
                            Finding::new(&rules::SCHEMA_MISSING, format!("Resources[{i}] has no `schemas`, so it is neither a User nor a Group"))
                                .expected(format!("schemas: [\"{USER}\"] or [\"{GROUP}\"]")),
                            &pointer,
                            &format!("Resources[{i}]"),
                        ),
                    }
                }
            }
        }
        ScimKind::Other(_) => {}
    }
    Ok(Some(ScimCheck {
        kind,
        resources: c.resources,
        findings: c.findings,
    }))
}

struct Checker<'a> {
    index: &'a spans::SpanIndex,
    exp: &'a ScimExpectations,
    findings: Vec<Finding>,
    resources: usize,
}

fn domain_of(email: &str) -> Option<&str> {
    let (local, domain) = email.rsplit_once('@')?;
    (!local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !email.contains(char::is_whitespace))
    .then_some(domain)
}

impl Checker<'_> {
    fn span(&self, pointer: &str) -> Span {
        self.index.key_span(pointer)
    }

    fn push(&mut self, f: Finding, pointer: &str, element: &str) {
        let span = self.span(pointer);
        self.findings
            .push(f.at(0, span).element(element.to_string()));
    }

    fn resource(&mut self, v: &Value, base: &str) {
        let Some(obj) = v.as_object() else {
            return;
        };
        self.resources += 1;
        let el = |name: &str| {
            if base.is_empty() {
                name.to_string()
            } else {
                format!("{}.{name}", base.trim_start_matches('/').replace('/', "."))
            }
        };
        let ptr = |name: &str| format!("{base}/{}", name.replace('~', "~0").replace('/', "~1"));
        let schemas = schemas_of(obj);
        let is_user = schemas.contains(&USER)
            || (!schemas.contains(&GROUP) && detect(v) == Some(ScimKind::User));
        if schemas.is_empty() {
            let want = if is_user { USER } else { GROUP };
            let pointer = if base.is_empty() {
                String::new()
            } else {
                base.to_string()
            };
            let f = Finding::new(
                &rules::SCHEMA_MISSING,
                format!("the resource has no `schemas`; RFC 7643 §3 requires it (\"{want}\")"),
            )
            .expected(format!("schemas: [\"{want}\"]"));
            self.push(f, &pointer, &el("schemas"));
        }
        if let Some(active) = obj.get("active") {
            if !active.is_boolean() {
                let found = active.to_string();
                let f = Finding::new(&rules::ACTIVE_NOT_BOOLEAN, format!("`active` is {found}, not a JSON boolean; SCIM service providers either reject the request or read any string as true, so a disabled user stays active")).expected("true or false").found(found);
                self.push(f, &ptr("active"), &el("active"));
            }
        }
        if !is_user {
            return;
        }
        if obj.contains_key(ENTERPRISE_USER)
            && !schemas.contains(&ENTERPRISE_USER)
            && !schemas.is_empty()
        {
            let f = Finding::new(&rules::ENTERPRISE_EXTENSION_UNDECLARED, "the enterprise extension's attributes are present but its URN is not in `schemas`; service providers ignore or reject undeclared extensions (RFC 7643 §3)")
                .expected(format!("\"{ENTERPRISE_USER}\" in schemas"));
            self.push(f, &ptr(ENTERPRISE_USER), &el(ENTERPRISE_USER));
        }
        if let Some(groups) = obj.get("groups") {
            if !obj.contains_key("meta") {
                let n = groups.as_array().map(Vec::len).unwrap_or(0);
                let f = Finding::new(&rules::GROUPS_READONLY, format!("this User body (no `meta`: a request, not a server's representation) sets `groups` ({n} entr{}); `groups` is read-only on a User (RFC 7643 §4.1.2), so the membership does not change — add the user to the Group's `members` instead", if n == 1 { "y" } else { "ies" }))
                    .expected("membership changes on the Group (PATCH /Groups/{id} members)");
                self.push(f, &ptr("groups"), &el("groups"));
            }
        }
        let user_name = match obj.get("userName") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => {
                let f = Finding::new(&rules::USERNAME_MISSING, "the User has no userName; RFC 7643 §4.1.1 requires it, and the workspace uses it as the login e-mail").expected("userName: the user's e-mail address");
                self.push(f, &ptr("userName"), &el("userName"));
                None
            }
        };
        let emails: Vec<(usize, String, bool)> = obj
            .get("emails")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .enumerate()
                    .filter_map(|(i, e)| {
                        let value = e.get("value")?.as_str()?.to_string();
                        let primary = matches!(e.get("primary"), Some(Value::Bool(true)));
                        Some((i, value, primary))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let primaries: Vec<&(usize, String, bool)> = emails.iter().filter(|e| e.2).collect();
        if primaries.len() > 1 {
            let list = primaries
                .iter()
                .map(|p| p.1.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let f = Finding::new(&rules::EMAILS_MULTIPLE_PRIMARY, format!("{} e-mails are marked primary ({list}); RFC 7643 §2.4 allows one, and which one becomes the login e-mail is then up to the service provider", primaries.len())).expected("exactly one primary e-mail").found(list);
            self.push(f, &ptr("emails"), &el("emails"));
        } else if primaries.is_empty() && emails.len() > 1 {
            let list = emails
                .iter()
                .map(|p| p.1.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let f = Finding::new(&rules::EMAILS_NO_PRIMARY, format!("{} e-mails and none is marked primary ({list}); which one the workspace uses is then a guess", emails.len()))
                .expected("exactly one e-mail with primary: true")
                .found(list);
            self.push(f, &ptr("emails"), &el("emails"));
        }
        let primary = primaries
            .first()
            .map(|p| p.1.clone())
            .or_else(|| match emails.as_slice() {
                [only] => Some(only.1.clone()),
                _ => None,
            });
        let Some(user_name) = user_name else {
            return;
        };
        if domain_of(&user_name).is_none() {
            let f = Finding::new(&rules::USERNAME_NOT_EMAIL, format!("userName {user_name:?} is not an e-mail address; the workspace identifies SCIM users by e-mail, so it cannot be matched to an SSO login"))
                .expected(
                    primary
                        .clone()
                        .unwrap_or_else(|| "an e-mail address".into()),
                )
                .found(user_name.clone());
            self.push(f, &ptr("userName"), &el("userName"));
        } else if let Some(p) = primary
            .as_ref()
            .filter(|p| !p.eq_ignore_ascii_case(&user_name))
        {
            let f = Finding::new(&rules::USERNAME_EMAIL_MISMATCH, format!("userName {user_name} and the primary e-mail {p} differ; the SSO login arrives with one and the invitation was for the other, so the user ends up with two accounts or none")).expected(p.clone()).found(user_name.clone());
            self.push(f, &ptr("userName"), &el("userName"));
        }
        if let (Some(domains), Some(domain)) = (&self.exp.verified_domains, domain_of(&user_name)) {
            if !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
                let domain = domain.to_string();
                let f = Finding::new(&rules::USER_DOMAIN_UNVERIFIED, format!("{domain} is not a verified domain of the workspace: this user is provisioned but never gets SSO, and keeps password or social login (seed 004)")).expected(domains.join(", ")).found(domain);
                self.push(f, &ptr("userName"), &el("userName"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str, exp: &ScimExpectations) -> Vec<&'static str> {
        check_payload(text, exp)
            .unwrap()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.rule.id)
            .collect()
    }

    #[test]
    fn a_good_user_has_no_findings() {
        let u = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ana@acme.test","active":true,"emails":[{"value":"ana@acme.test","primary":true}]}"#;
        assert!(ids(u, &ScimExpectations::default()).is_empty());
        let exp = ScimExpectations {
            verified_domains: Some(vec!["acme.test".into()]),
        };
        assert!(ids(u, &exp).is_empty());
        let exp = ScimExpectations {
            verified_domains: Some(vec!["other.test".into()]),
        };
        assert_eq!(ids(u, &exp), vec!["scim.user-domain-unverified"]);
    }

    #[test]
    fn each_defect_is_reported_and_located() {
        let u = "{\"userName\":\"ana\",\n\"active\":\"True\",\"groups\":[{\"value\":\"g\"}],\n\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{},\"emails\":[{\"value\":\"a@x.test\",\"primary\":true},{\"value\":\"b@x.test\",\"primary\":true}]}";
        let c = check_payload(u, &ScimExpectations::default())
            .unwrap()
            .unwrap();
        let got: Vec<&str> = c.findings.iter().map(|f| f.rule.id).collect();
        assert_eq!(
            got,
            vec![
                "scim.schema-missing",
                "scim.active-not-boolean",
                "scim.groups-readonly",
                "scim.emails-multiple-primary",
                "scim.username-not-email"
            ]
        );
        let active = &c.findings[1];
        let span = active.location.as_ref().unwrap().span.unwrap();
        assert_eq!(&u[span.start..span.end], "\"active\"");
    }

    #[test]
    fn list_responses_check_each_resource() {
        let l = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.test","emails":[{"value":"b@x.test","primary":true}]},
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[]}]}"#;
        let c = check_payload(l, &ScimExpectations::default())
            .unwrap()
            .unwrap();
        assert_eq!(c.kind, ScimKind::ListResponse);
        assert_eq!(c.resources, 2);
        assert_eq!(c.findings.len(), 1);
        assert_eq!(
            c.findings[0].location.as_ref().unwrap().element.as_deref(),
            Some("Resources.0.userName")
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;

    proptest::proptest! {
        #[test]
        fn arbitrary_json_never_panics(text in "\\{(\"(userName|emails|active|schemas|groups|primary|value|Resources)\":(\"[a-z@.]{0,8}\"|true|1|\\[\\]|\\[\\{\"value\":\"a@b.c\",\"primary\":true\\}\\]|\\{\\}),?){0,6}\\}") {
            let _ = check_payload(&text, &ScimExpectations { verified_domains: Some(vec!["b.c".into()]) });
            let _ = spans::index(&text);
        }
    }
}
