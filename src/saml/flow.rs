//! The flow of a HAR capture: which AuthnRequest each Response answers, whether RelayState is
//! carried through, whether each Response was posted where its Destination says, and how
//! long the IdP took. Each message's own checks run separately (with the paired request's
//! ID as the expected InResponseTo).

use super::view::{self, SamlMessage};
use crate::findings::{FileId, Finding};
use crate::input::{Kind, Message};
use crate::rules::saml as rules;
use crate::xml::Document;
use chrono::{DateTime, Utc};

/// For each message, the index of the AuthnRequest it answers: the latest AuthnRequest
/// before it in the capture (None for requests and unsolicited responses).
pub fn pairings(messages: &[Message]) -> Vec<Option<usize>> {
    let mut last_request = None;
    messages
        .iter()
        .enumerate()
        .map(|(i, m)| match m.kind {
            Kind::SamlAuthnRequest => {
                last_request = Some(i);
                None
            }
            Kind::SamlResponse => last_request,
            _ => None,
        })
        .collect()
}

fn attr(doc: &Document, local: &str) -> Option<String> {
    doc.attr_value(doc.root, local).map(str::to_string)
}

/// The ID of the AuthnRequest message `i` answers, if it is paired.
pub fn request_id(messages: &[Message], pairs: &[Option<usize>], i: usize) -> Option<String> {
    let req = messages.get((*pairs.get(i)?)?)?;
    attr(req.xml()?, "ID")
}

fn issue_instant(doc: &Document) -> Option<DateTime<Utc>> {
    view::read(doc).issue_instant()
}

/// Findings about the flow; `files[i]` is the report file of message `i`.
pub fn check(messages: &[Message], files: &[FileId], pairs: &[Option<usize>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let (Some(doc), Some(&file)) = (m.xml(), files.get(i)) else {
            continue;
        };
        if m.kind != Kind::SamlResponse {
            continue;
        }
        let SamlMessage::Response(resp) = view::read(doc) else {
            continue;
        };
        // Destination vs the URL the browser posted the response to.
        if let (Some(dest), Some(origin)) = (&resp.destination, &m.har) {
            let posted = origin.url.split(['?', '#']).next().unwrap_or(&origin.url);
            if origin.place != "response-body" && dest.as_str() != posted {
                out.push(
                    Finding::new(
                        &rules::DESTINATION_MISMATCH,
                        format!(
                            "The Response names Destination {:?} but the browser posted it to {posted:?} (capture entry {}).",
                            dest.value,
                            origin.entry + 1
                        ),
                    )
                    .at(file, dest.span)
                    .element(doc.path(resp.node))
                    .expected(posted.to_string())
                    .found(dest.value.clone()),
                );
            }
        }
        let Some(req_index) = pairs.get(i).copied().flatten() else {
            continue;
        };
        let Some(req) = messages.get(req_index) else {
            continue;
        };
        let sent = req.binding.as_ref().and_then(|b| b.relay_state.clone());
        let back = m.binding.as_ref().and_then(|b| b.relay_state.clone());
        if let Some(sent) = sent {
            if back.as_deref() != Some(sent.as_str()) {
                out.push(
                    Finding::new(
                        &rules::RELAY_STATE_MISMATCH,
                        format!(
                            "The AuthnRequest (message {}) carried RelayState {sent:?}; the Response comes back with {}: the SP cannot return the user to where the login started.",
                            req_index + 1,
                            back.as_deref().map(|b| format!("{b:?}")).unwrap_or_else(|| "none".into())
                        ),
                    )
                    .at(file, super::check::tag_span(doc, doc.root))
                    .element(doc.path(doc.root))
                    .expected(sent)
                    .found(back.unwrap_or_else(|| "(none)".into())),
                );
            }
        }
        let (Some(t_req), Some(t_resp)) = (req.xml().and_then(issue_instant), issue_instant(doc))
        else {
            continue;
        };
        if t_resp < t_req {
            let ahead = t_req - t_resp;
            if let Some(ii) = &resp.issue_instant {
                out.push(
                    Finding::new(
                        &rules::ISSUE_INSTANT_STALE,
                        format!(
                            "The Response was issued {} before the AuthnRequest it answers: the IdP's clock runs behind the SP's by at least that much.",
                            crate::clock::human_duration(ahead)
                        ),
                    )
                    .at(file, ii.span)
                    .element(doc.path(resp.node))
                    .expected(format!("at or after {}", t_req.to_rfc3339()))
                    .found(ii.value.raw.clone()),
                );
            }
        }
    }
    out
}

/// The time from each paired request to its response, for the report summary.
pub fn timings(messages: &[Message], pairs: &[Option<usize>]) -> Vec<serde_json::Value> {
    messages
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let r = messages.get(pairs.get(i).copied().flatten()?)?;
            let t_req = r.xml().and_then(issue_instant)?;
            let t_resp = m.xml().and_then(issue_instant)?;
            Some(serde_json::json!({
                "request": pairs.get(i).copied().flatten().map(|n| n + 1),
                "response": i + 1,
                "request_id": r.xml().and_then(|d| attr(d, "ID")),
                "seconds": (t_resp - t_req).num_seconds(),
            }))
        })
        .collect()
}
