//! Checks of a SAML Response (or a bare Assertion) against what the service provider expects.
//! Every check reports every failure it sees; each family lives in its own file. Values are
//! read from the views, and their trust from the verified view built by `dsig`: a check that
//! could pass on a value not covered by a trusted signature says so instead of passing.

mod groups;
mod identity;
mod mfa;
mod structure;
mod time;
mod where_;

use super::hints;
use super::verified::{Trust, VerifiedView};
use super::view::{Assertion, Response, SamlMessage};
use crate::findings::{FileId, Finding};
use crate::rules::{Rule, Vendor};
use crate::source::Span;
use crate::xml::{Document, NodeId};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// What the SP expects, gathered from flags, the configuration and the IdP metadata.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    pub sp_entity_id: Option<String>,
    pub acs_url: Option<String>,
    pub idp_entity_id: Option<String>,
    /// The ID of the AuthnRequest this response answers (`--request-id`, or the HAR flow).
    pub request_id: Option<String>,
    /// `[saml.sp] nameid_format`: a short name (`emailAddress`) or a full URN.
    pub nameid_format: Option<String>,
    /// Workspace field → attribute name the IdP must send (`[saml.attributes]`).
    pub attributes: AttributeNames,
    pub group_filter: Option<String>,
    /// The IdP group names of `[saml.groups] mappings`.
    pub group_mappings: Vec<String>,
    /// `[workspace] verified_domains`, when a configuration was given.
    pub verified_domains: Option<Vec<String>>,
    /// `[authentication] mfa = "idp"`.
    pub mfa_expected: bool,
    /// The directory's users (`--users`): the e-mail each was invited with, and the one the
    /// IdP asserts for them when it differs.
    pub directory: Option<Vec<DirectoryEntry>>,
    pub skew: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct AttributeNames {
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub groups: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub email: String,
    /// What the IdP asserts for this user when it is not `email`.
    pub idp_email: Option<String>,
}

/// The result of checking one message.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// The e-mail the login would use (attribute, else an e-mail NameID).
    pub email: Option<String>,
}

/// Shared state of one message's checks.
pub(crate) struct Cx<'a> {
    pub doc: &'a Document,
    pub file: FileId,
    pub view: &'a VerifiedView,
    pub exp: &'a Expectations,
    pub vendor: Option<Vendor>,
    pub now: DateTime<Utc>,
    pub out: Vec<Finding>,
    /// An IssueInstant already reported as in the future or stale (the Assertion usually
    /// repeats the Response's; one finding says it).
    pub instant_reported: Option<DateTime<Utc>>,
}

impl Cx<'_> {
    /// A finding pointing at `span` of the element `node`.
    pub fn finding(
        &self,
        rule: &'static Rule,
        node: NodeId,
        span: Span,
        message: String,
    ) -> Finding {
        let message = match self.view.trust_of(node) {
            Trust::Signed => message,
            t => format!("{message} This value is {}.", trust_words(t)),
        };
        Finding::new(rule, message)
            .at(self.file, span)
            .element(self.doc.path(node))
    }

    /// A finding on an element's start tag.
    pub fn on_element(&self, rule: &'static Rule, node: NodeId, message: String) -> Finding {
        self.finding(rule, node, tag_span(self.doc, node), message)
    }

    pub fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    pub fn signed(&self, node: NodeId) -> bool {
        self.view.trust_of(node) == Trust::Signed
    }
}

pub(crate) fn trust_words(t: Trust) -> &'static str {
    match t {
        Trust::Signed => "covered by a trusted signature",
        Trust::Untrusted => "signed only by the certificate the message carries, not a trusted one",
        Trust::Unverified => "under a signature that did not verify",
        Trust::Unsigned => "not covered by any signature",
    }
}

pub fn tag_span(doc: &Document, n: NodeId) -> Span {
    doc.element(n).map(|e| e.start_tag).unwrap_or(doc.span(n))
}

/// The assertion an SP would act on: the verified view's pick, else the first one.
fn acted_on<'m>(response: &'m Response, view: &VerifiedView) -> Option<&'m Assertion> {
    view.picked_assertion()
        .and_then(|n| response.assertions.iter().find(|a| a.node == n))
        .or_else(|| response.assertions.iter().find(|a| a.direct))
        .or(response.assertions.first())
}

/// The instant a message's own IssueInstant gives, for `--now issue-instant`.
pub fn issue_instant(message: &SamlMessage) -> Option<DateTime<Utc>> {
    message.issue_instant().or_else(|| match message {
        SamlMessage::Response(r) => r
            .assertions
            .first()
            .and_then(|a| a.issue_instant.as_ref())
            .and_then(|t| t.value.time()),
        _ => None,
    })
}

/// Check a Response or a bare Assertion. Signature findings come from `dsig`; `view` is the
/// verified view it built. Other message kinds give nothing here (the caller reports
/// `saml.not-a-response`).
pub fn check(
    doc: &Document,
    file: FileId,
    message: &SamlMessage,
    view: &VerifiedView,
    exp: &Expectations,
    vendor: Option<Vendor>,
    now: DateTime<Utc>,
) -> Checked {
    let mut cx = Cx {
        doc,
        file,
        view,
        exp,
        vendor,
        now,
        out: Vec::new(),
        instant_reported: None,
    };
    let assertion = match message {
        SamlMessage::Response(r) => {
            let proceed = structure::response(&mut cx, r);
            where_::response(&mut cx, r);
            time::issue_instant(&mut cx, r.node, r.issue_instant.as_ref(), "Response");
            if proceed {
                acted_on(r, view)
            } else {
                None
            }
        }
        SamlMessage::Assertion(a) => Some(a),
        _ => None,
    };
    let mut email = None;
    if let Some(a) = assertion {
        let response = match message {
            SamlMessage::Response(r) => Some(r),
            _ => None,
        };
        structure::assertion(&mut cx, a);
        where_::assertion(&mut cx, a, response);
        time::assertion(&mut cx, a);
        email = identity::check(&mut cx, a);
        groups::check(&mut cx, a);
        mfa::check(&mut cx, a);
    }
    Checked {
        findings: cx.out,
        email,
    }
}

/// Attributes by exact Name, in document order.
pub(crate) fn attributes_by_name(a: &Assertion) -> HashMap<&str, Vec<&super::view::Attribute>> {
    let mut m: HashMap<&str, Vec<&super::view::Attribute>> = HashMap::new();
    for attr in &a.attributes {
        if let Some(n) = &attr.name {
            m.entry(n.as_str()).or_default().push(attr);
        }
    }
    m
}

#[cfg(test)]
mod tests;
