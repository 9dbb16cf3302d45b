//! The configuration's cross-checks against the directory (`--users`, or `[simulate]
//! directory`): groups the filter, mappings and SCIM name, and the domains users are on.

use super::Lint;
use crate::config::load::closest;
use crate::error::Fatal;
use crate::rules::config as rule;
use crate::sim::directory::DirectoryReader;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the checks need from the directory, read in one streaming pass.
#[derive(Debug, Default)]
pub struct Facts {
    pub users: u64,
    pub groups: BTreeSet<String>,
    /// Lowercased domain -> number of users on it.
    pub domains: BTreeMap<String, u64>,
    /// Users who are (or would be) provisioned by SCIM, per lowercased domain.
    pub scim_domains: BTreeMap<String, u64>,
}

pub fn read(path: &Path, scim_groups: &[String]) -> Result<Facts, Fatal> {
    let mut f = Facts::default();
    for user in DirectoryReader::open(path)? {
        let user = user?;
        f.users += 1;
        let domain = user.domain().to_ascii_lowercase();
        let groups = user.groups.clone().unwrap_or_default();
        let by_scim = matches!(
            user.invite_source,
            Some(crate::sim::directory::InviteSource::Scim)
        ) || groups.iter().any(|g| scim_groups.contains(g));
        if by_scim {
            *f.scim_domains.entry(domain.clone()).or_default() += 1;
        }
        *f.domains.entry(domain).or_default() += 1;
        f.groups.extend(groups);
    }
    Ok(f)
}

/// Is `domain` a subdomain of `parent` (`eu.acme.com` of `acme.com`)?
fn is_subdomain(domain: &str, parent: &str) -> bool {
    domain.len() > parent.len()
        && domain.ends_with(parent)
        && domain.as_bytes().get(domain.len() - parent.len() - 1) == Some(&b'.')
}

fn count(n: u64) -> String {
    format!("{n} user{}", if n == 1 { "" } else { "s" })
}

pub(super) fn check(l: &mut Lint, facts: &Facts, source: &str) {
    let c = &l.loaded.config;
    let verified: Vec<String> = c
        .workspace
        .verified_domains
        .iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    for (domain, n) in &facts.domains {
        if verified.contains(domain) {
            continue;
        }
        if let Some(parent) = verified.iter().find(|v| is_subdomain(domain, v)) {
            let f = l
                .at(
                    &rule::SUBDOMAIN_UNVERIFIED,
                    "workspace.verified_domains",
                    format!("{} in {source} are on {domain}, a subdomain of the verified {parent} that is not verified itself: SSO does not apply to them", count(*n)),
                )
                .found(domain.clone())
                .expected(format!("{domain} in workspace.verified_domains"));
            l.push(f);
        }
        if c.is_domain_verified_elsewhere(domain) {
            let f = l
                .at(
                    &rule::DOMAIN_CONFLICT,
                    "workspace.domains_verified_elsewhere",
                    format!("{} in {source} are on {domain}, which another organisation has verified: they get a sign-in error", count(*n)),
                )
                .found(domain.clone());
            l.push(f);
        }
    }
    if c.scim() {
        let unverified: Vec<String> = facts
            .scim_domains
            .iter()
            .filter(|(d, _)| !verified.contains(d))
            .map(|(d, n)| format!("{d} ({})", count(*n)))
            .collect();
        if !unverified.is_empty() {
            let f = l
                .at(
                    &rule::SCIM_UNVERIFIED_DOMAINS,
                    "provisioning.scim_groups",
                    format!(
                        "SCIM provisions users on unverified domains, who never get SSO: {}",
                        unverified.join(", ")
                    ),
                )
                .found(unverified.join(", "));
            l.push(f);
        }
        for (i, g) in c.provisioning.scim_groups.iter().enumerate() {
            if !facts.groups.contains(g) {
                let path = format!("provisioning.scim_groups[{i}]");
                let mut f = l
                    .at(
                        &rule::SCIM_GROUP_UNKNOWN,
                        &path,
                        format!("no user in {source} belongs to SCIM group {g:?}"),
                    )
                    .found(g.clone());
                if let Some(near) = closest(g, facts.groups.iter().map(String::as_str)) {
                    f = f.hint(format!("did you mean {near:?}?"));
                }
                l.push(f);
            }
        }
    }
    if let Some(src) = &c.saml.groups.filter {
        if let Ok(re) = regex::Regex::new(src) {
            if !facts.groups.is_empty() && !facts.groups.iter().any(|g| re.is_match(g)) {
                let sample: Vec<&str> = facts.groups.iter().take(5).map(String::as_str).collect();
                let f = l
                    .at(
                        &rule::GROUP_FILTER_MATCHES_NOTHING,
                        "saml.groups.filter",
                        format!("`saml.groups.filter` {src:?} matches none of the {} groups in {source}", facts.groups.len()),
                    )
                    .found(sample.join(", "));
                l.push(f);
            }
        }
    }
}
