//! Groups: the groups attribute, the group filter and mappings, Entra object ids and overage.

use super::identity::find_variant;
use super::{hints, Cx};
use crate::rules::saml as rules;
use crate::saml::view::Assertion;

const ENTRA_GROUPS_LINK: &str = "http://schemas.microsoft.com/claims/groups.link";

/// A GUID, as Entra ID writes group object ids.
pub fn is_object_id(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Mapped groups closest to `group`, best first.
fn nearest<'a>(groups: &[String], candidates: &'a [String]) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .iter()
        .map(|c| {
            let best = groups
                .iter()
                .map(|g| strsim::jaro_winkler(&g.to_lowercase(), &c.to_lowercase()))
                .fold(0.0, f64::max);
            (best, c.as_str())
        })
        .filter(|(s, _)| *s > 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

pub fn check(cx: &mut Cx, a: &Assertion) {
    let exp = cx.exp;
    let wants_groups = exp.attributes.groups.is_some()
        || exp.group_filter.is_some()
        || !exp.group_mappings.is_empty();
    if !wants_groups {
        return;
    }
    let name = exp
        .attributes
        .groups
        .clone()
        .unwrap_or_else(|| "groups".into());
    let filter = match exp.group_filter.as_deref().map(regex::Regex::new) {
        Some(Err(e)) => {
            let f = cx
                .on_element(
                    &rules::GROUPS_FILTER_INVALID,
                    a.node,
                    format!(
                        "The group filter {:?} is not a valid regular expression: {}",
                        exp.group_filter.clone().unwrap_or_default(),
                        e.to_string().lines().last().unwrap_or("invalid")
                    ),
                )
                .found(exp.group_filter.clone().unwrap_or_default());
            cx.push(f);
            None
        }
        Some(Ok(r)) => Some(r),
        None => None,
    };
    let Some(attr) = a.attribute(&name) else {
        if let Some(link) = a.attribute(ENTRA_GROUPS_LINK) {
            let f = cx
                .on_element(
                    &rules::GROUPS_OVERAGE,
                    link.node,
                    format!("Entra ID sent {ENTRA_GROUPS_LINK} instead of {name:?}: the user is in more than 150 groups, so the groups are left out of the token and the SP sees none."),
                )
                .expected(format!("the {name:?} attribute with the user's groups"))
                .found(ENTRA_GROUPS_LINK);
            cx.push(f);
            return;
        }
        if let Some(v) = find_variant(a, "groups", &name) {
            let found = v.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
            let f = cx
                .on_element(
                    &rules::ATTRIBUTE_NAME_VARIANT,
                    v.node,
                    format!("The workspace reads groups from the attribute {name:?}; the IdP sends them as {found:?}."),
                )
                .expected(name.clone())
                .found(found.clone())
                .hint(hints::rename_attribute(cx.vendor, &name, &found));
            cx.push(f);
            return;
        }
        let node = a.subject.as_ref().map(|s| s.node).unwrap_or(a.node);
        let f = cx
            .on_element(
                &rules::GROUPS_MISSING,
                node,
                format!("The assertion has no {name:?} attribute, so the group filter and mappings see no groups."),
            )
            .expected(name.clone())
            .found("(none)");
        cx.push(f);
        return;
    };
    let groups: Vec<String> = attr
        .values
        .iter()
        .map(|v| v.as_str().trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if groups.is_empty() {
        let f = cx.on_element(
            &rules::GROUPS_NO_MATCH,
            attr.node,
            format!("The {name:?} attribute is sent without any group."),
        );
        cx.push(f);
        return;
    }
    let mappings = &exp.group_mappings;
    if groups.iter().all(|g| is_object_id(g)) && mappings.iter().any(|m| !is_object_id(m)) {
        let f = cx
            .on_element(
                &rules::GROUPS_OBJECT_IDS,
                attr.node,
                format!(
                    "The groups are object ids ({}), but the mappings name groups ({}): they can never match.",
                    groups.join(", "),
                    mappings.join(", ")
                ),
            )
            .expected(mappings.join(", "))
            .found(groups.join(", "));
        cx.push(f);
        return;
    }
    let passing: Vec<&String> = groups
        .iter()
        .filter(|g| filter.as_ref().is_none_or(|r| r.is_match(g)))
        .collect();
    let mapped = mappings.is_empty() || passing.iter().any(|g| mappings.contains(g));
    if passing.is_empty() || !mapped {
        let why = if passing.is_empty() {
            format!(
                "none of them matches the group filter {:?}",
                exp.group_filter.clone().unwrap_or_default()
            )
        } else {
            format!("none of them is a mapped group ({})", mappings.join(", "))
        };
        let near = nearest(&groups, mappings);
        let mut msg = format!("The user's groups are {}; {why}", groups.join(", "));
        if !near.is_empty() {
            msg.push_str(&format!(
                "; the nearest mapped groups are {}",
                near.join(", ")
            ));
        }
        msg.push('.');
        let f = cx
            .on_element(&rules::GROUPS_NO_MATCH, attr.node, msg)
            .expected(if mappings.is_empty() {
                format!(
                    "a group matching {:?}",
                    exp.group_filter.clone().unwrap_or_default()
                )
            } else {
                mappings.join(", ")
            })
            .found(groups.join(", "))
            .hint(hints::groups_no_match(cx.vendor, &groups, &near));
        cx.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids_and_nearest() {
        assert!(is_object_id("3f1c2a9e-8d4b-4e7a-9c1f-0a2b3c4d5e6f"));
        assert!(!is_object_id("ChatGPT Users"));
        let mapped = ["ChatGPT Users".to_string(), "Finance".to_string()];
        let near = nearest(&["ChatGPT-Users".to_string()], &mapped);
        assert_eq!(near, ["ChatGPT Users"]);
    }
}
