//! Time conditions, all relative to the instant checked with the allowed skew; each message
//! says by how much, and whether the skew would have saved it.

use super::Cx;
use crate::clock::{human_duration, stamp};
use crate::rules::saml as rules;
use crate::rules::Rule;
use crate::saml::view::{Assertion, Time};
use crate::xml::NodeId;
use chrono::{DateTime, Duration, Utc};

/// Older than this (beyond the skew) an IssueInstant is stale: SPs commonly accept a
/// response for a few minutes after it was issued.
pub const MAX_RESPONSE_AGE: Duration = Duration::minutes(5);
/// A validity window (NotOnOrAfter − IssueInstant) longer than this is needlessly long.
pub const MAX_VALIDITY_WINDOW: Duration = Duration::hours(1);

/// "the allowed skew of 3 minutes does not cover it (it would take 4 minutes)" or "…
/// covers it".
fn skew_words(cx: &Cx, by: Duration) -> String {
    let skew = cx.exp.skew;
    if by <= skew {
        format!("within the allowed skew of {}", human_duration(skew))
    } else {
        format!(
            "the allowed skew of {} does not cover it (a skew of {} would)",
            human_duration(skew),
            human_duration(by)
        )
    }
}

/// The time a value holds, or None when it does not parse. An unparseable time is not a
/// time condition that holds: the SP refuses it, and the message says why.
fn parsed(t: &Time) -> Option<DateTime<Utc>> {
    t.value.time()
}

fn unreadable(cx: &mut Cx, rule: &'static Rule, node: NodeId, t: &Time, what: &str) {
    if let Err(e) = &t.value.parsed {
        let f = cx
            .finding(
                rule,
                node,
                t.span,
                format!("{what} cannot be read as a time ({e}); the SP refuses the message."),
            )
            .expected("an xs:dateTime in UTC, e.g. 2026-03-01T10:00:00Z")
            .found(t.value.raw.clone());
        cx.push(f);
    }
}

/// A not-before style bound: the condition fails when `bound > now + skew`.
fn not_before(cx: &mut Cx, rule: &'static Rule, node: NodeId, t: &Time, what: &str, tail: &str) {
    let Some(bound) = parsed(t) else {
        return unreadable(cx, rule, node, t, what);
    };
    let ahead = bound - cx.now;
    if ahead > cx.exp.skew {
        let f = cx
            .finding(
                rule,
                node,
                t.span,
                format!(
                    "{what} is {}, {} after the time checked ({}); {}{tail}.",
                    stamp(bound),
                    human_duration(ahead),
                    stamp(cx.now),
                    skew_words(cx, ahead)
                ),
            )
            .expected(format!("at or before {}", stamp(cx.now + cx.exp.skew)))
            .found(stamp(bound));
        cx.push(f);
    }
}

/// A not-on-or-after bound: the condition fails when `now - skew >= bound`.
fn not_on_or_after(cx: &mut Cx, rule: &'static Rule, node: NodeId, t: &Time, what: &str) {
    let Some(bound) = parsed(t) else {
        return unreadable(cx, rule, node, t, what);
    };
    let late = cx.now - bound;
    if late >= cx.exp.skew {
        let f = cx
            .finding(
                rule,
                node,
                t.span,
                format!(
                    "{what} was {}, {} before the time checked ({}); {}.",
                    stamp(bound),
                    human_duration(late),
                    stamp(cx.now),
                    skew_words(cx, late + Duration::seconds(1))
                ),
            )
            .expected(format!("after {}", stamp(cx.now - cx.exp.skew)))
            .found(stamp(bound));
        cx.push(f);
    }
}

/// IssueInstant of a Response or Assertion: in the future, or stale.
pub fn issue_instant(cx: &mut Cx, node: NodeId, t: Option<&Time>, what: &str) {
    let Some(t) = t else {
        return;
    };
    if cx.instant_reported.is_some() && cx.instant_reported == parsed(t) {
        return;
    }
    let before = cx.out.len();
    not_before(
        cx,
        &rules::ISSUE_INSTANT_FUTURE,
        node,
        t,
        &format!("The {what} IssueInstant"),
        ": the IdP's clock runs ahead of the SP's",
    );
    let Some(issued) = parsed(t) else {
        return;
    };
    if cx.out.len() > before {
        cx.instant_reported = Some(issued);
        return;
    }
    let age = cx.now - issued;
    if age > MAX_RESPONSE_AGE + cx.exp.skew {
        let f = cx
            .finding(
                &rules::ISSUE_INSTANT_STALE,
                node,
                t.span,
                format!(
                    "The {what} was issued at {}, {} before the time checked ({}); SPs accept a response for about {} (plus the {} skew).",
                    stamp(issued),
                    human_duration(age),
                    stamp(cx.now),
                    human_duration(MAX_RESPONSE_AGE),
                    human_duration(cx.exp.skew)
                ),
            )
            .expected(format!("issued after {}", stamp(cx.now - MAX_RESPONSE_AGE - cx.exp.skew)))
            .found(stamp(issued))
            .hint("Log in again for a fresh response; to look at an old capture as of its own time, use `--now issue-instant`.");
        cx.push(f);
        cx.instant_reported = Some(issued);
    }
}

pub fn assertion(cx: &mut Cx, a: &Assertion) {
    issue_instant(cx, a.node, a.issue_instant.as_ref(), "Assertion");
    if let Some(c) = &a.conditions {
        if let Some(t) = &c.not_before {
            not_before(
                cx,
                &rules::NOT_YET_VALID,
                c.node,
                t,
                "Conditions NotBefore",
                ": the IdP's clock runs ahead of the SP's",
            );
        }
        if let Some(t) = &c.not_on_or_after {
            not_on_or_after(cx, &rules::EXPIRED, c.node, t, "Conditions NotOnOrAfter");
            validity_window(cx, a, c.node, t);
        }
    }
    for sc in a.subject.iter().flat_map(|s| &s.confirmations) {
        let Some(data) = &sc.data else { continue };
        if let Some(t) = &data.not_before {
            not_before(
                cx,
                &rules::NOT_YET_VALID,
                data.node,
                t,
                "SubjectConfirmationData NotBefore",
                "",
            );
        }
        if let Some(t) = &data.not_on_or_after {
            not_on_or_after(
                cx,
                &rules::SUBJECT_CONFIRMATION_EXPIRED,
                data.node,
                t,
                "SubjectConfirmationData NotOnOrAfter",
            );
        }
    }
    for st in &a.authn_statements {
        if let Some(t) = &st.session_not_on_or_after {
            not_on_or_after(
                cx,
                &rules::SESSION_EXPIRED,
                st.node,
                t,
                "AuthnStatement SessionNotOnOrAfter",
            );
        }
    }
}

fn validity_window(cx: &mut Cx, a: &Assertion, node: NodeId, end: &Time) {
    let start = a
        .conditions
        .as_ref()
        .and_then(|c| c.not_before.as_ref())
        .and_then(parsed)
        .max(a.issue_instant.as_ref().and_then(parsed));
    let (Some(start), Some(end_t)) = (start, parsed(end)) else {
        return;
    };
    let window = end_t - start;
    if window > MAX_VALIDITY_WINDOW {
        let f = cx
            .finding(
                &rules::VALIDITY_WINDOW_TOO_LONG,
                node,
                end.span,
                format!(
                    "The assertion stays valid for {} after it was issued ({} to {}); more than {} widens the window in which a stolen assertion can be replayed.",
                    human_duration(window),
                    stamp(start),
                    stamp(end_t),
                    human_duration(MAX_VALIDITY_WINDOW)
                ),
            )
            .expected(format!("at most {}", human_duration(MAX_VALIDITY_WINDOW)))
            .found(human_duration(window));
        cx.push(f);
    }
}
