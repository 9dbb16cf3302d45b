//! Identity and attributes: NameID, the e-mail the login is matched by, its domain, and the
//! attributes the workspace reads (with the names IdPs commonly send them under).

use super::{attributes_by_name, hints, Cx};
use crate::rules::saml as rules;
use crate::saml::view::{Assertion, Attribute, NameId};

const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const UNSPECIFIED_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// Names IdPs send each workspace field under, besides the configured one.
pub fn variants(field: &str) -> &'static [&'static str] {
    match field {
        "email" => &[
            "email",
            "mail",
            "emailaddress",
            "email_address",
            "e-mail",
            "user.email",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "http://schemas.xmlsoap.org/claims/emailaddress",
            "urn:oid:0.9.2342.19200300.100.1.3",
            "urn:oid:1.2.840.113549.1.9.1",
        ],
        "given_name" => &[
            "firstname",
            "first_name",
            "givenname",
            "given_name",
            "user.firstname",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            "urn:oid:2.5.4.42",
        ],
        "family_name" => &[
            "lastname",
            "last_name",
            "surname",
            "sn",
            "familyname",
            "family_name",
            "user.lastname",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
            "urn:oid:2.5.4.4",
        ],
        "groups" => &[
            "groups",
            "group",
            "memberof",
            "member_of",
            "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
            "http://schemas.xmlsoap.org/claims/group",
            "urn:oid:1.3.6.1.4.1.5923.1.5.1.1",
        ],
        _ => &[],
    }
}

/// An attribute sent under a near name of `name` (same field, another spelling).
pub fn find_variant<'a>(a: &'a Assertion, field: &str, name: &str) -> Option<&'a Attribute> {
    let wanted = name.to_ascii_lowercase();
    a.attributes.iter().find(|attr| {
        let Some(n) = attr.name.as_ref().map(|n| n.as_str()) else {
            return false;
        };
        if n == name {
            return false;
        }
        let lower = n.to_ascii_lowercase();
        let friendly = attr
            .friendly_name
            .as_ref()
            .map(|f| f.as_str().to_ascii_lowercase());
        lower == wanted
            || variants(field).contains(&lower.as_str())
            || friendly.is_some_and(|f| f == wanted || variants(field).contains(&f.as_str()))
    })
}

pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn domain_of(email: &str) -> String {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The full URN of a configured NameID format.
pub fn nameid_format_urn(configured: &str) -> String {
    match configured {
        "emailAddress" => EMAIL_FORMAT.into(),
        "unspecified" => UNSPECIFIED_FORMAT.into(),
        "persistent" => "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into(),
        "transient" => "urn:oasis:names:tc:SAML:2.0:nameid-format:transient".into(),
        other => other.into(),
    }
}

fn short_format(urn: &str) -> &str {
    urn.rsplit(':').next().unwrap_or(urn)
}

/// The configured attribute names, by workspace field.
fn required(cx: &Cx) -> Vec<(&'static str, String)> {
    let names = &cx.exp.attributes;
    [
        ("email", names.email.clone()),
        ("given_name", names.given_name.clone()),
        ("family_name", names.family_name.clone()),
    ]
    .into_iter()
    .filter_map(|(field, name)| name.map(|n| (field, n)))
    .collect()
}

/// Returns the e-mail the login is matched by, if any.
pub fn check(cx: &mut Cx, a: &Assertion) -> Option<String> {
    let name_id = a.subject.as_ref().and_then(|s| s.name_id.as_ref());
    if let Some(s) = &a.subject {
        if name_id.is_none() && s.encrypted_id.is_none() {
            let f = cx.on_element(
                &rules::NAMEID_MISSING,
                s.node,
                "The Subject has no NameID: the assertion does not say who logged in.".into(),
            );
            cx.push(f);
        }
    }
    if let Some(n) = name_id {
        if n.value.as_str().trim().is_empty() {
            let f = cx.on_element(
                &rules::NAMEID_MISSING,
                n.node,
                "The NameID is empty: the assertion does not say who logged in.".into(),
            );
            cx.push(f);
        } else {
            nameid_format(cx, n);
        }
    }
    duplicates(cx, a);

    let mut email_attr: Option<&Attribute> = None;
    for (field, name) in required(cx) {
        let by_name = a.attribute(&name);
        let attr = match by_name {
            Some(attr) => Some(attr),
            None => match find_variant(a, field, &name) {
                Some(v) => {
                    let found = v.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
                    let f = cx
                        .on_element(
                            &rules::ATTRIBUTE_NAME_VARIANT,
                            v.node,
                            format!("The workspace reads {field} from the attribute {name:?}; the IdP sends it as {found:?}, which the SP will not read."),
                        )
                        .expected(name.clone())
                        .found(found.clone())
                        .hint(hints::rename_attribute(cx.vendor, &name, &found));
                    cx.push(f);
                    None
                }
                None => {
                    let sent: Vec<String> = a
                        .attributes
                        .iter()
                        .filter_map(|x| x.name.as_ref().map(|n| n.value.clone()))
                        .collect();
                    let node = a.subject.as_ref().map(|s| s.node).unwrap_or(a.node);
                    let f = cx
                        .on_element(
                            &rules::ATTRIBUTE_MISSING,
                            node,
                            format!("The assertion has no {name:?} attribute (the workspace's {field})."),
                        )
                        .expected(name.clone())
                        .found(if sent.is_empty() {
                            "no attributes".into()
                        } else {
                            sent.join(", ")
                        })
                        .hint(hints::add_attribute(cx.vendor, field, &name));
                    cx.push(f);
                    None
                }
            },
        };
        if let Some(attr) = attr {
            if attr.values.iter().all(|v| v.as_str().trim().is_empty()) {
                let f = cx
                    .on_element(
                        &rules::ATTRIBUTE_EMPTY,
                        attr.node,
                        format!(
                            "The attribute {name:?} (the workspace's {field}) is sent without a value."
                        ),
                    )
                    .hint(format!(
                        "At the IdP, fill {} for this user, or map {name:?} from a field that is set.",
                        hints::attribute_source(cx.vendor, field)
                    ));
                cx.push(f);
            }
            if field == "email" {
                email_attr = Some(attr);
            }
        }
    }
    if email_attr.is_none() && cx.exp.attributes.email.is_none() {
        email_attr = a
            .attribute("email")
            .or_else(|| find_variant(a, "email", "email"));
    }
    email(cx, a, name_id, email_attr)
}

fn nameid_format(cx: &mut Cx, n: &NameId) {
    let found = n
        .format
        .as_ref()
        .map(|f| f.value.clone())
        .unwrap_or_else(|| UNSPECIFIED_FORMAT.to_string());
    let expected = nameid_format_urn(cx.exp.nameid_format.as_deref().unwrap_or("emailAddress"));
    let value_is_email = looks_like_email(n.value.as_str());
    let ok = found == expected
        || (expected == EMAIL_FORMAT && found == UNSPECIFIED_FORMAT && value_is_email);
    if ok {
        return;
    }
    let span = n.format.as_ref().map(|f| f.span).unwrap_or(n.value.span);
    let mut msg = format!(
        "The NameID format is {}, the SP expects {}",
        short_format(&found),
        short_format(&expected)
    );
    if expected == EMAIL_FORMAT && !value_is_email {
        msg.push_str(&format!(
            "; the value {:?} is not an e-mail, so it cannot be matched to an invited user",
            n.value.value
        ));
    }
    msg.push('.');
    let f = cx
        .finding(&rules::NAMEID_FORMAT, n.node, span, msg)
        .expected(expected)
        .found(found);
    cx.push(f);
}

fn duplicates(cx: &mut Cx, a: &Assertion) {
    let by_name = attributes_by_name(a);
    let mut dups: Vec<_> = by_name.iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort_by_key(|(_, v)| v.first().map(|a| a.node));
    for (name, attrs) in dups {
        let [first, second, ..] = attrs.as_slice() else {
            continue;
        };
        let mut f = cx.on_element(
            &rules::ATTRIBUTE_DUPLICATE,
            second.node,
            format!(
                "The attribute {name:?} appears {} times; SPs differ in which one they read.",
                attrs.len()
            ),
        );
        f = f.label(
            cx.file,
            super::tag_span(cx.doc, first.node),
            "first occurrence",
        );
        cx.push(f);
    }
}

fn email(
    cx: &mut Cx,
    a: &Assertion,
    name_id: Option<&NameId>,
    attr: Option<&Attribute>,
) -> Option<String> {
    let attr_email = attr.and_then(|at| {
        at.values
            .iter()
            .find(|v| looks_like_email(v.as_str()))
            .map(|v| (at, v))
    });
    let nameid_email = name_id.filter(|n| looks_like_email(n.value.as_str()));
    if let (Some((_, v)), Some(n)) = (attr_email, nameid_email) {
        if !v
            .as_str()
            .trim()
            .eq_ignore_ascii_case(n.value.as_str().trim())
        {
            let f = cx
                .finding(
                    &rules::EMAIL_MISMATCH,
                    v.node,
                    v.span,
                    format!(
                        "The NameID says {:?} but the e-mail attribute says {:?}; the workspace matches the user by one of them, and the other account will not be found.",
                        n.value.as_str().trim(),
                        v.as_str().trim()
                    ),
                )
                .expected(n.value.as_str().trim())
                .found(v.as_str().trim())
                .label(cx.file, n.value.span, "the NameID");
            cx.push(f);
        }
    }
    let (value, node, span) = match (attr_email, nameid_email) {
        (Some((_, v)), _) => (v.as_str().trim().to_string(), v.node, v.span),
        (None, Some(n)) => (n.value.as_str().trim().to_string(), n.node, n.value.span),
        (None, None) => {
            let node = a.subject.as_ref().map(|s| s.node).unwrap_or(a.node);
            let found = name_id
                .map(|n| format!("NameID {:?}", n.value.value))
                .unwrap_or_else(|| "no NameID".into());
            let mut f = cx
                .on_element(
                    &rules::EMAIL_MISSING,
                    node,
                    "Neither the NameID nor an e-mail attribute carries an e-mail address; the workspace matches users by e-mail.".into(),
                )
                .expected("an e-mail address in the NameID or the e-mail attribute")
                .found(found);
            if let Some(name) = &cx.exp.attributes.email {
                f = f.hint(hints::add_attribute(cx.vendor, "email", name));
            }
            cx.push(f);
            return None;
        }
    };
    if let Some(domains) = cx.exp.verified_domains.clone() {
        let d = domain_of(&value);
        if !domains.iter().any(|v| v.eq_ignore_ascii_case(&d)) {
            let parent = domains
                .iter()
                .find(|v| d.ends_with(&format!(".{}", v.to_ascii_lowercase())));
            let mut msg = format!(
                "{value:?} is on {d}, which is not a verified domain of the workspace ({}): SSO does not apply to this user",
                domains.join(", ")
            );
            if let Some(p) = parent {
                msg.push_str(&format!(
                    " (a subdomain of {p} counts only when verified itself)"
                ));
            }
            msg.push('.');
            let f = cx
                .finding(&rules::EMAIL_DOMAIN_UNVERIFIED, node, span, msg)
                .expected(format!("an e-mail on {}", domains.join(", ")))
                .found(d);
            cx.push(f);
        }
    }
    directory_match(cx, &value, node, span);
    Some(value)
}

/// Compare the asserted e-mail with the directory's invited e-mails.
fn directory_match(cx: &mut Cx, value: &str, node: crate::xml::NodeId, span: crate::source::Span) {
    let Some(dir) = cx.exp.directory.as_ref() else {
        return;
    };
    let lower = value.to_ascii_lowercase();
    if dir.iter().any(|u| {
        u.email.eq_ignore_ascii_case(&lower)
            && u.idp_email
                .as_ref()
                .is_none_or(|i| i.eq_ignore_ascii_case(&lower))
    }) {
        return;
    }
    let by_idp = dir.iter().find(|u| {
        u.idp_email
            .as_ref()
            .is_some_and(|i| i.eq_ignore_ascii_case(&lower))
    });
    let nearest = by_idp.or_else(|| {
        let local = lower.split('@').next().unwrap_or_default();
        dir.iter()
            .map(|u| {
                (
                    u,
                    strsim::jaro_winkler(&u.email.to_ascii_lowercase(), &lower),
                )
            })
            .filter(|(u, score)| {
                *score > 0.92 || u.email.to_ascii_lowercase().split('@').next() == Some(local)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(u, _)| u)
    });
    let Some(user) = nearest else {
        return;
    };
    let f = cx
        .finding(
            &rules::EMAIL_MISMATCH,
            node,
            span,
            format!(
                "The IdP asserts {value:?}, but the user was invited as {:?}: the workspace cannot match the invited account (sso_mismatch_user_creation).",
                user.email
            ),
        )
        .expected(user.email.clone())
        .found(value);
    cx.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_formats() {
        assert!(looks_like_email("a.b@example.com"));
        assert!(!looks_like_email("00u1abcd"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("a b@example.com"));
        assert_eq!(nameid_format_urn("emailAddress"), EMAIL_FORMAT);
        assert_eq!(short_format(EMAIL_FORMAT), "emailAddress");
    }
}
