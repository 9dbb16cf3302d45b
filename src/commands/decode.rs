//! `ssolint decode`: what the input is, peeled and described, without a verdict.
//!
//! The json report's `summary` holds, besides the finding counts:
//! - every kind: `kind`, `encodings`, `vendor` (`{name, reason}` or null), `binding`
//!   (`{parameter, relay_state, sig_alg, signed, deflated, url}` when the message came in an
//!   HTTP binding), `signatures` (each `{element, element_id, signature_method, c14n,
//!   references: [{uri, digest_method, transforms}], certificates: [{subject, issuer,
//!   not_before, not_after, sha256_fingerprint, key}], verification}`);
//! - `saml-response`: `id`, `issuer`, `destination`, `in_response_to`, `issue_instant`,
//!   `issued`, `status` (`{code, second_code, message, meaning}`), `encrypted_assertions`,
//!   `assertions` (each `{id, direct, issuer, issue_instant, subject: {name_id, format,
//!   sp_name_qualifier}, validity: {not_before, not_on_or_after, in_words}, audiences,
//!   subject_confirmations: [{method, recipient, not_on_or_after, in_response_to}],
//!   authn: [{instant, context, session_index, session_not_on_or_after}], attributes:
//!   {name: [values]}, groups, signed}`); `saml-assertion`: the assertion's keys;
//! - `saml-authn-request`: `id`, `issuer`, `destination`, `acs_url`, `protocol_binding`,
//!   `issue_instant`, `issued`, `name_id_policy_format`, `force_authn`, `is_passive`,
//!   `requested_authn_context`; logout messages: `id`, `issuer`, `destination`,
//!   `issue_instant`, `issued`, `name_id` / `in_response_to`, `status`;
//! - `saml-metadata`: `name`, `valid_until`, `entities` (each `{entity_id, valid_until,
//!   roles, idp: {sso, slo, name_id_formats, want_authn_requests_signed,
//!   signing_certificates, encryption_certificates}, sp: {acs, ...}}`);
//! - `jwt`/`jwe`: `header`, `claims`, `times` (`{claim: {value, in_words}}` for exp, iat,
//!   nbf, auth_time), `encrypted`;
//! - SCIM kinds: `resource`, `id`, `user_name`, `display_name`, `emails`, `members`,
//!   `total_results`;
//! - `har`: `messages` (count), `pairs` (`{matched: [{request, response, id,
//!   relay_state_matches}], responses_without_request, requests_without_response}`, 1-based
//!   positions); each message's summary is in `messages[i].summary`.
//!
//! Signatures: decode takes no trusted keys, so each `signatures[i].verification` says what
//! verifying against the signature's own KeyInfo certificate gives: `{result, summary, digest,
//! signature_value, covers, problems}`, where `result` is `untrusted` ("structurally valid
//! against the embedded certificate; trust not established"; decode never says valid),
//! `invalid` (digest mismatch, SignatureValue, reference, duplicate ID, malformed) or
//! `not-verified` (an unsupported transform or canonicalisation, no embedded certificate).
//!
//! Findings: the signature checks' findings (the failures above, SHA-1, weak keys, wrapping,
//! multiple assertions, duplicate IDs, comment-split values, encrypted assertions) are listed
//! in `findings` with their rules' severities, so the reader sees how serious each fact is;
//! `verdict` summarises them as in every report. The signature-placement rules of the SAML
//! web-browser SSO profile apply to responses and assertions only. decode itself never fails
//! on what it finds: anything it can decode exits 0, whatever `--fail-on` says (junit output
//! marks no failures); `check` is the command that judges. With `--redact`, findings keep
//! their element paths but lose their spans and labels, so no snippet of the original text is
//! shown.

use crate::cli::{Ctx, DecodeArgs, Format};
use crate::clock::{self, Clock};
use crate::error::Fatal;
use crate::findings::{FileId, Finding};
use crate::input::{self, Content, Input, Kind, Message};
use crate::oidc::{self, TokenKind};
use crate::redact::Redactor;
use crate::report::{self, MessageInfo, Report};
use crate::rules::saml_signature as signature_rules;
use crate::saml::dsig::{self, KeyOrigin, Problem, SignatureCheck, SignaturePolicy};
use crate::saml::signature::alg;
use crate::saml::view::{self, Assertion, SamlMessage, Status, Time};
use crate::saml::{ns, pretty, vendor, Valued};
use crate::xml::Document;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use std::io::Write;

pub fn run(ctx: &Ctx, args: &DecodeArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let decoded = input::load(args.input.as_deref(), ctx)?;
    let report = build_report(ctx, &decoded);
    // decode never fails on what it finds (see the module documentation).
    let shown = Ctx {
        fail_on: None,
        ..ctx.clone()
    };
    super::emit(out, &report::render(&report, &shown))?;
    Ok(report.exit_code(None))
}

/// The decode report of an input (also used by tests and library callers).
pub fn build_report(ctx: &Ctx, decoded: &Input) -> Report {
    let redactor = ctx.redact.then(Redactor::new);
    if let Some(r) = &redactor {
        for m in &decoded.messages {
            collect_personal(r, m);
        }
    }
    let mut report = Report::new(decoded.path.clone());
    report.input.kind = Some(decoded.kind.as_str().to_string());
    report.input.encodings = input::encoding_names(&decoded.encodings);
    let mut body = String::new();
    let rewrite = |s: &str| match &redactor {
        Some(r) => r.text(s),
        None => s.to_string(),
    };
    for (i, m) in decoded.messages.iter().enumerate() {
        let file = report.add_file(m.source.clone());
        let (mut summary, vendor, findings) = summarize(ctx, m, file);
        if let Some(r) = &redactor {
            for v in summary.values_mut() {
                r.json(v);
            }
        }
        for mut f in findings {
            if let Some(r) = &redactor {
                redact_finding(r, &mut f);
            }
            report.push(f);
        }
        if report.vendor.is_none() {
            report.vendor = vendor;
        }
        if decoded.kind == Kind::Har && ctx.format == Format::Human {
            let mut title = format!("message {} of {}", i + 1, decoded.messages.len());
            if let Some(o) = &m.har {
                title.push_str(&format!(": {} {}", o.method, rewrite(&o.url)));
                if let Some(t) = &o.time {
                    title.push_str(&format!(" at {t}"));
                }
            }
            body.push_str(&format!("== {title} ==\n"));
        }
        if ctx.format == Format::Human {
            body.push_str(&human_summary(&summary));
            body.push('\n');
            body.push_str(&pretty_message(m, &rewrite));
            body.push('\n');
        }
        if decoded.kind == Kind::Har {
            let origin = m.har.as_ref();
            report.messages.push(MessageInfo {
                kind: m.kind.as_str().to_string(),
                encodings: input::encoding_names(&m.encodings),
                url: origin.map(|o| rewrite(&o.url)),
                method: origin.map(|o| o.method.clone()),
                time: origin.and_then(|o| o.time.clone()),
                file: Some(file),
                summary,
            });
        } else {
            report.summary = summary;
        }
    }
    if decoded.kind == Kind::Har {
        report
            .summary
            .insert("messages".into(), json!(decoded.messages.len()));
        report
            .summary
            .insert("pairs".into(), pairs(&report.messages));
    }
    report.body = (!body.is_empty()).then_some(body);
    report.sort();
    report
}

/// Personal values out of a finding's words; spans and labels dropped, since a snippet of
/// the decoded text would show what the redacted body hides.
fn redact_finding(r: &Redactor, f: &mut Finding) {
    f.message = r.text(&f.message);
    for v in [&mut f.expected, &mut f.found, &mut f.hint]
        .into_iter()
        .flatten()
    {
        *v = r.text(v);
    }
    if let Some(loc) = f.location.as_mut() {
        loc.span = None;
    }
    f.labels.clear();
}

/// Requests and the responses that answer them across a capture (ID ↔ InResponseTo), with
/// whether RelayState came back unchanged. Numbers are 1-based message positions.
fn pairs(messages: &[MessageInfo]) -> Value {
    let field =
        |m: &MessageInfo, k: &str| m.summary.get(k).and_then(Value::as_str).map(str::to_string);
    let relay = |m: &MessageInfo| {
        m.summary
            .get("binding")
            .and_then(|b| b.get("relay_state"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let is_request = |m: &MessageInfo| {
        matches!(
            m.kind.as_str(),
            "saml-authn-request" | "saml-logout-request"
        )
    };
    let mut answered = vec![false; messages.len()];
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for (j, resp) in messages.iter().enumerate() {
        let Some(irt) = field(resp, "in_response_to") else {
            continue;
        };
        let request = messages
            .iter()
            .enumerate()
            .take(j)
            .find(|(_, m)| is_request(m) && field(m, "id").as_deref() == Some(irt.as_str()));
        match request {
            Some((i, req)) => {
                if let Some(a) = answered.get_mut(i) {
                    *a = true;
                }
                let relay_state_matches = match (relay(req), relay(resp)) {
                    (Some(a), Some(b)) => json!(a == b),
                    _ => Value::Null,
                };
                matched.push(json!({
                    "request": i + 1,
                    "response": j + 1,
                    "id": irt,
                    "relay_state_matches": relay_state_matches,
                }));
            }
            None => unmatched.push(json!(j + 1)),
        }
    }
    let unanswered: Vec<Value> = messages
        .iter()
        .enumerate()
        .filter(|(i, m)| is_request(m) && !answered.get(*i).copied().unwrap_or(true))
        .map(|(i, _)| json!(i + 1))
        .collect();
    json!({
        "matched": matched,
        "responses_without_request": unmatched,
        "requests_without_response": unanswered,
    })
}

fn collect_personal(r: &Redactor, m: &Message) {
    match &m.content {
        Content::Xml(doc) => r.collect_saml(&view::read(doc)),
        Content::Jwt(j) => {
            if let Some(c) = &j.claims {
                r.collect_claims(c);
            }
        }
        Content::Json(v) => r.collect_scim(v),
    }
}

fn pretty_message(m: &Message, rewrite: &dyn Fn(&str) -> String) -> String {
    match &m.content {
        Content::Xml(doc) => pretty::render(doc, rewrite),
        Content::Json(v) => rewrite(&pretty_json(v)),
        Content::Jwt(j) => {
            let mut s = format!("header:\n{}\n", pretty_json(&j.header));
            if let Some(c) = &j.claims {
                s.push_str(&format!("claims:\n{}\n", rewrite(&pretty_json(c))));
            }
            s
        }
    }
}

fn pretty_json(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The summary of one message, the vendor guessed from it and its structural findings
/// (pointing into `file`).
fn summarize(
    ctx: &Ctx,
    m: &Message,
    file: FileId,
) -> (
    Map<String, Value>,
    Option<crate::rules::Vendor>,
    Vec<Finding>,
) {
    let mut s = Map::new();
    s.insert("kind".into(), json!(m.kind.as_str()));
    s.insert(
        "encodings".into(),
        json!(input::encoding_names(&m.encodings)),
    );
    let mut vendor_found = None;
    let mut findings = Vec::new();
    match &m.content {
        Content::Xml(doc) => {
            let message = view::read(doc);
            let now = match ctx.clock {
                Clock::Fixed(t) => Some(t),
                Clock::IssueInstant => message.issue_instant(),
            };
            let guess = vendor::guess(&message);
            vendor_found = guess.as_ref().map(|g| g.vendor);
            s.insert(
                "vendor".into(),
                guess.map_or(
                    Value::Null,
                    |g| json!({"name": g.vendor.display_name(), "reason": g.reason}),
                ),
            );
            saml_summary(doc, &message, now, &mut s);
            let checks;
            (findings, checks) = signature_checks(doc, file, m.kind, now);
            s.insert("signatures".into(), signatures(doc, &checks, now));
        }
        Content::Jwt(j) => {
            let issuer = j
                .claims
                .as_ref()
                .and_then(|c| c.get("iss"))
                .and_then(Value::as_str);
            let guess = issuer.and_then(vendor::from_identifier);
            vendor_found = guess.as_ref().map(|g| g.vendor);
            s.insert(
                "vendor".into(),
                guess.map_or(
                    Value::Null,
                    |g| json!({"name": g.vendor.display_name(), "reason": g.reason}),
                ),
            );
            jwt_summary(ctx, j, &mut s);
        }
        Content::Json(v) => scim_summary(m.kind, v, &mut s),
    }
    if let Some(b) = &m.binding {
        s.insert(
            "binding".into(),
            json!({
                "parameter": b.parameter,
                "relay_state": b.relay_state,
                "sig_alg": b.sig_alg,
                "signed": b.signature.is_some(),
                "deflated": b.deflated,
                "url": b.url,
            }),
        );
    }
    (s, vendor_found, findings)
}

fn text<T: AsRef<str>>(v: Option<&Valued<T>>) -> Value {
    v.map_or(Value::Null, |v| json!(v.value.as_ref()))
}

fn time(v: Option<&Time>) -> Value {
    v.map_or(Value::Null, |t| json!(t.value.raw))
}

fn relative(t: Option<&Time>, now: Option<DateTime<Utc>>) -> Value {
    match (t, now) {
        (Some(t), Some(now)) => match &t.value.parsed {
            Ok(at) => json!(clock::relative(*at, now)),
            Err(e) => json!(format!("unreadable: {e}")),
        },
        _ => Value::Null,
    }
}

/// A validity window in words, relative to the clock.
fn window(
    not_before: Option<&Time>,
    not_on_or_after: Option<&Time>,
    now: Option<DateTime<Utc>>,
) -> Value {
    let Some(now) = now else {
        return Value::Null;
    };
    let nb = not_before.and_then(|t| t.value.time());
    let na = not_on_or_after.and_then(|t| t.value.time());
    let words = match (nb, na) {
        (Some(b), _) if now < b => format!("not yet valid: starts {}", clock::relative(b, now)),
        (_, Some(a)) if now >= a => format!("expired {}", clock::relative(a, now)),
        (b, a) => {
            let mut parts = vec!["valid now".to_string()];
            if let Some(b) = b {
                parts.push(format!("started {}", clock::relative(b, now)));
            }
            match a {
                Some(a) => parts.push(format!("ends {}", clock::relative(a, now))),
                None => parts.push("no end time".to_string()),
            }
            parts.join(", ")
        }
    };
    json!(words)
}

fn status_meaning(code: &str) -> &'static str {
    match code.rsplit(':').next().unwrap_or("") {
        "Success" => "the IdP authenticated the user",
        "Requester" => "the IdP refused the request as sent by the SP",
        "Responder" => "the IdP failed to handle the request",
        "VersionMismatch" => "the SAML version is not supported",
        "AuthnFailed" => "the user could not be authenticated",
        "NoPassive" => "passive authentication was asked for but the user must interact",
        "RequestDenied" => "the IdP denied the request",
        "InvalidNameIDPolicy" => "the IdP cannot issue the requested NameID format",
        "NoAuthnContext" => "the IdP cannot meet the requested authentication context",
        "UnknownPrincipal" => "the IdP does not know the user",
        "RequestUnsupported" => "the IdP does not support the request",
        _ => "see the SAML core §3.2.2.2 status codes",
    }
}

fn status(s: Option<&Status>) -> Value {
    let Some(s) = s else {
        return Value::Null;
    };
    let top = s.code.as_ref().map(|c| c.as_str()).unwrap_or("");
    let second = s.second_code.as_ref().map(|c| c.as_str());
    let meaning = match second {
        Some(sc) if !top.ends_with(":Success") => {
            format!("{}: {}", status_meaning(top), status_meaning(sc))
        }
        _ => status_meaning(top).to_string(),
    };
    json!({
        "code": text(s.code.as_ref()),
        "second_code": text(s.second_code.as_ref()),
        "message": text(s.message.as_ref()),
        "meaning": meaning,
    })
}

fn assertion(doc: &Document, a: &Assertion, now: Option<DateTime<Utc>>) -> Value {
    let name_id = a.subject.as_ref().and_then(|s| s.name_id.as_ref());
    let conditions = a.conditions.as_ref();
    let mut attributes = Map::new();
    let mut groups = Vec::new();
    for attr in &a.attributes {
        let name = attr
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let values: Vec<&str> = attr.values.iter().map(|v| v.as_str()).collect();
        if name.to_ascii_lowercase().contains("group") {
            groups.extend(values.iter().map(|v| v.to_string()));
        }
        attributes.insert(name, json!(values));
    }
    json!({
        "id": text(a.id.as_ref()),
        "direct": a.direct,
        "issuer": text(a.issuer.as_ref().map(|i| &i.value)),
        "issue_instant": time(a.issue_instant.as_ref()),
        "subject": {
            "name_id": text(name_id.map(|n| &n.value)),
            "format": text(name_id.and_then(|n| n.format.as_ref())),
            "sp_name_qualifier": text(name_id.and_then(|n| n.sp_name_qualifier.as_ref())),
            "encrypted": a.subject.as_ref().is_some_and(|s| s.encrypted_id.is_some()),
        },
        "validity": {
            "not_before": time(conditions.and_then(|c| c.not_before.as_ref())),
            "not_on_or_after": time(conditions.and_then(|c| c.not_on_or_after.as_ref())),
            "in_words": window(
                conditions.and_then(|c| c.not_before.as_ref()),
                conditions.and_then(|c| c.not_on_or_after.as_ref()),
                now,
            ),
        },
        "audiences": conditions
            .map(|c| c.audiences().map(|a| a.value.clone()).collect::<Vec<_>>())
            .unwrap_or_default(),
        "subject_confirmations": a.subject.as_ref().map(|s| s.confirmations.iter().map(|c| {
            let d = c.data.as_ref();
            json!({
                "method": text(c.method.as_ref()),
                "recipient": text(d.and_then(|d| d.recipient.as_ref())),
                "not_on_or_after": time(d.and_then(|d| d.not_on_or_after.as_ref())),
                "in_response_to": text(d.and_then(|d| d.in_response_to.as_ref())),
            })
        }).collect::<Vec<_>>()).unwrap_or_default(),
        "authn": a.authn_statements.iter().map(|s| json!({
            "instant": time(s.authn_instant.as_ref()),
            "context": text(s.authn_context_class_ref.as_ref()),
            "session_index": text(s.session_index.as_ref()),
            "session_not_on_or_after": time(s.session_not_on_or_after.as_ref()),
        })).collect::<Vec<_>>(),
        "attributes": attributes,
        "groups": groups,
        "signed": a.signature.is_some(),
        "element": doc.path(a.node),
    })
}

fn saml_summary(
    doc: &Document,
    message: &SamlMessage,
    now: Option<DateTime<Utc>>,
    s: &mut Map<String, Value>,
) {
    let mut put = |k: &str, v: Value| {
        s.insert(k.to_string(), v);
    };
    match message {
        SamlMessage::Response(r) => {
            put("id", text(r.id.as_ref()));
            put("issuer", text(r.issuer.as_ref().map(|i| &i.value)));
            put("destination", text(r.destination.as_ref()));
            put("in_response_to", text(r.in_response_to.as_ref()));
            put("issue_instant", time(r.issue_instant.as_ref()));
            put("issued", relative(r.issue_instant.as_ref(), now));
            put("status", status(r.status.as_ref()));
            put("encrypted_assertions", json!(r.encrypted_assertions.len()));
            put(
                "assertions",
                Value::Array(
                    r.assertions
                        .iter()
                        .map(|a| assertion(doc, a, now))
                        .collect(),
                ),
            );
        }
        SamlMessage::Assertion(a) => {
            if let Value::Object(map) = assertion(doc, a, now) {
                for (k, v) in map {
                    put(&k, v);
                }
            }
            put("issued", relative(a.issue_instant.as_ref(), now));
        }
        SamlMessage::AuthnRequest(r) => {
            put("id", text(r.id.as_ref()));
            put("issuer", text(r.issuer.as_ref().map(|i| &i.value)));
            put("destination", text(r.destination.as_ref()));
            put("acs_url", text(r.assertion_consumer_service_url.as_ref()));
            put("protocol_binding", text(r.protocol_binding.as_ref()));
            put("issue_instant", time(r.issue_instant.as_ref()));
            put("issued", relative(r.issue_instant.as_ref(), now));
            put(
                "name_id_policy_format",
                text(r.name_id_policy_format.as_ref()),
            );
            put("force_authn", text(r.force_authn.as_ref()));
            put("is_passive", text(r.is_passive.as_ref()));
            put(
                "requested_authn_context",
                r.requested_authn_context.as_ref().map_or(Value::Null, |c| {
                    json!({
                        "comparison": text(c.comparison.as_ref()),
                        "class_refs": c.class_refs.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                    })
                }),
            );
        }
        SamlMessage::LogoutRequest(r) => {
            put("id", text(r.id.as_ref()));
            put("issuer", text(r.issuer.as_ref().map(|i| &i.value)));
            put("destination", text(r.destination.as_ref()));
            put("issue_instant", time(r.issue_instant.as_ref()));
            put("issued", relative(r.issue_instant.as_ref(), now));
            put("name_id", text(r.name_id.as_ref().map(|n| &n.value)));
            put(
                "session_indexes",
                json!(r
                    .session_indexes
                    .iter()
                    .map(|v| v.value.clone())
                    .collect::<Vec<_>>()),
            );
        }
        SamlMessage::LogoutResponse(r) => {
            put("id", text(r.id.as_ref()));
            put("issuer", text(r.issuer.as_ref().map(|i| &i.value)));
            put("destination", text(r.destination.as_ref()));
            put("in_response_to", text(r.in_response_to.as_ref()));
            put("issue_instant", time(r.issue_instant.as_ref()));
            put("issued", relative(r.issue_instant.as_ref(), now));
            put("status", status(r.status.as_ref()));
        }
        SamlMessage::EntityDescriptor(e) => {
            put("entities", json!([entity(e, now)]));
        }
        SamlMessage::EntitiesDescriptor(es) => {
            put("name", text(es.name.as_ref()));
            put("valid_until", time(es.valid_until.as_ref()));
            put(
                "entities",
                Value::Array(es.entities.iter().map(|e| entity(e, now)).collect()),
            );
        }
        SamlMessage::Other { .. } => {}
    }
}

fn endpoints(list: &[view::Endpoint]) -> Value {
    Value::Array(
        list.iter()
            .map(|e| {
                json!({
                    "binding": text(e.binding.as_ref()).as_str().map(binding_name),
                    "location": text(e.location.as_ref()),
                })
            })
            .collect(),
    )
}

fn binding_name(uri: &str) -> String {
    uri.rsplit(':').next().unwrap_or(uri).to_string()
}

fn certificates(list: &[Valued<String>], now: Option<DateTime<Utc>>) -> Value {
    Value::Array(list.iter().map(|c| certificate(&c.value, now)).collect())
}

fn certificate(b64: &str, now: Option<DateTime<Utc>>) -> Value {
    match crate::x509::Certificate::from_base64(b64) {
        Ok(c) => {
            let i = &c.info;
            let key = match &i.curve {
                Some(curve) => format!("{} {} ({curve})", i.key_type, i.key_bits),
                None => format!("{} {}", i.key_type, i.key_bits),
            };
            let expiry = match (i.not_after, now) {
                (Some(a), Some(now)) if a <= now => {
                    json!(format!("expired {}", clock::relative(a, now)))
                }
                (Some(a), Some(now)) => json!(format!("expires {}", clock::relative(a, now))),
                _ => Value::Null,
            };
            json!({
                "subject": i.subject,
                "issuer": i.issuer,
                "serial": i.serial,
                "not_before": i.not_before.map(|t| t.to_rfc3339()),
                "not_after": i.not_after.map(|t| t.to_rfc3339()),
                "expiry": expiry,
                "sha256_fingerprint": i.sha256_fingerprint,
                "key": key,
                "signature_algorithm": i.signature_algorithm,
                "self_signed": i.self_signed,
            })
        }
        Err(e) => json!({"error": e}),
    }
}

fn entity(e: &view::EntityDescriptor, now: Option<DateTime<Utc>>) -> Value {
    let mut roles = Vec::new();
    if e.idp.is_some() {
        roles.push("idp");
    }
    if e.sp.is_some() {
        roles.push("sp");
    }
    json!({
        "entity_id": text(e.entity_id.as_ref()),
        "valid_until": time(e.valid_until.as_ref()),
        "cache_duration": text(e.cache_duration.as_ref()),
        "roles": roles,
        "signed": e.signature.is_some(),
        "idp": e.idp.as_ref().map(|i| json!({
            "sso": endpoints(&i.single_sign_on_services),
            "slo": endpoints(&i.single_logout_services),
            "name_id_formats": i.name_id_formats.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
            "want_authn_requests_signed": text(i.want_authn_requests_signed.as_ref()),
            "signing_certificates": certificates(&i.keys.signing_certs, now),
            "encryption_certificates": certificates(&i.keys.encryption_certs, now),
        })),
        "sp": e.sp.as_ref().map(|s| json!({
            "acs": endpoints(&s.assertion_consumer_services),
            "slo": endpoints(&s.single_logout_services),
            "name_id_formats": s.name_id_formats.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
            "authn_requests_signed": text(s.authn_requests_signed.as_ref()),
            "want_assertions_signed": text(s.want_assertions_signed.as_ref()),
            "signing_certificates": certificates(&s.keys.signing_certs, now),
            "encryption_certificates": certificates(&s.keys.encryption_certs, now),
        })),
    })
}

/// Every signature checked against its embedded certificate only (decode takes no trusted
/// keys), with the structural findings decode shows.
fn signature_checks(
    doc: &Document,
    file: FileId,
    kind: Kind,
    now: Option<DateTime<Utc>>,
) -> (Vec<Finding>, Vec<SignatureCheck>) {
    // Without an instant (`--now issue-instant` and no IssueInstant) certificate validity is
    // not judged: the epoch only fills the parameter, and its findings are dropped.
    let at = now.unwrap_or(DateTime::UNIX_EPOCH);
    let (mut findings, _, checks) =
        dsig::check_signatures_detailed(doc, file, &[], &SignaturePolicy::default(), at);
    let profile_applies = matches!(kind, Kind::SamlResponse | Kind::SamlAssertion);
    let is = |f: &Finding, rule: &crate::rules::Rule| f.rule.id == rule.id;
    findings.retain(|f| {
        let placement = is(f, &signature_rules::SIGNATURE_MISSING)
            || is(f, &signature_rules::ASSERTION_UNSIGNED);
        let timed = is(f, &signature_rules::SIGNING_CERT_EXPIRED)
            || is(f, &signature_rules::SIGNING_CERT_NOT_YET_VALID);
        (!placement || profile_applies) && (!timed || now.is_some())
    });
    // The checks' hints name `check` flags that decode does not take.
    for f in &mut findings {
        if is(f, &signature_rules::TRUST_NOT_ESTABLISHED) {
            f.hint = Some("decode takes no trusted keys: run `ssolint check` with --idp-cert FILE or --idp-metadata FILE to verify the signer.".into());
        } else if is(f, &signature_rules::ASSERTION_ENCRYPTED) {
            f.hint =
                Some("`ssolint check --sp-key FILE` decrypts and checks the assertion.".into());
        }
    }
    (findings, checks)
}

const UNTRUSTED: &str =
    "structurally valid against the embedded certificate; trust not established";

/// One problem of a signature check, in words.
fn problem_text(doc: &Document, c: &SignatureCheck, p: &Problem) -> String {
    match p {
        Problem::Malformed(m) | Problem::ReferenceInvalid(m) => m.clone(),
        Problem::C14nUnsupported(uri) => {
            format!("SignedInfo's CanonicalizationMethod {uri:?} is not supported")
        }
        Problem::XmlBaseFixup => Problem::XML_BASE_FIXUP.to_string(),
        Problem::TransformUnsupported(uri) => format!(
            "the Reference uses the unsupported transform {:?}",
            alg::short_name(uri)
        ),
        Problem::DuplicateId(id) => format!(
            "the referenced ID {id:?} is carried by more than one element, so the signature is refused"
        ),
        Problem::DigestMismatch { expected, computed } => {
            let uri = c
                .info
                .references
                .first()
                .and_then(|r| r.uri.as_ref())
                .map(|u| u.value.clone())
                .unwrap_or_default();
            let target = c
                .referenced
                .map(|n| doc.path(n))
                .unwrap_or_else(|| "the referenced element".into());
            format!("digest mismatch for Reference URI={uri:?}: {target} changed after it was signed (DigestValue {expected}, computed {computed})")
        }
        Problem::ValueInvalid(_) if c.info.key_info_certs.is_empty() => "the signature embeds no certificate and decode takes no trusted keys, so the SignatureValue was not checked".into(),
        Problem::ValueInvalid(_) => {
            "the SignatureValue does not verify with the embedded certificate".into()
        }
    }
}

/// What verifying against the embedded certificate says (see the module documentation).
fn verification(doc: &Document, c: &SignatureCheck) -> Value {
    let problems: Vec<String> = c.problems.iter().map(|p| problem_text(doc, c, p)).collect();
    let unsupported = c.problems.iter().any(|p| {
        matches!(
            p,
            Problem::C14nUnsupported(_) | Problem::TransformUnsupported(_)
        )
    });
    let no_certificate = c.info.key_info_certs.is_empty()
        && c.problems
            .iter()
            .all(|p| matches!(p, Problem::ValueInvalid(_)));
    let (result, summary) = if c.structurally_valid() {
        ("untrusted", UNTRUSTED.to_string())
    } else {
        let mut words = problems.join("; ");
        if c.cryptographically_valid() {
            words.push_str(
                " (the digest and SignatureValue do verify against the embedded certificate)",
            );
        }
        if unsupported || no_certificate {
            ("not-verified", format!("not verified: {words}"))
        } else {
            ("invalid", format!("fails: {words}"))
        }
    };
    let digest = if c.digest_ok {
        "matches"
    } else if c
        .problems
        .iter()
        .any(|p| matches!(p, Problem::DigestMismatch { .. }))
    {
        "does not match"
    } else {
        "not computed"
    };
    let signature_value = match c.key {
        Some(KeyOrigin::Embedded(i)) => format!("verifies with embedded certificate {}", i + 1),
        Some(KeyOrigin::Trusted(i)) => format!("verifies with trusted certificate {}", i + 1),
        None if c
            .problems
            .iter()
            .any(|p| matches!(p, Problem::ValueInvalid(_)))
            && !c.info.key_info_certs.is_empty() =>
        {
            "does not verify with the embedded certificate".into()
        }
        None => "not checked".into(),
    };
    // The covered subtree, and the assertions inside it (not those inside the signature).
    let covers: Vec<String> = c
        .coverage()
        .map(|apex| {
            std::iter::once(apex)
                .chain(doc.descendants(apex).filter(|n| {
                    doc.is_named(*n, ns::SAML, "Assertion") && !doc.is_within(*n, c.info.node)
                }))
                .map(|n| doc.path(n))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "result": result,
        "summary": summary,
        "digest": digest,
        "signature_value": signature_value,
        "covers": covers,
        "problems": problems,
    })
}

fn signatures(doc: &Document, checks: &[SignatureCheck], now: Option<DateTime<Utc>>) -> Value {
    Value::Array(
        checks
            .iter()
            .map(|c| {
                let info = &c.info;
                let short = |v: Option<&Valued<String>>| {
                    v.map_or(Value::Null, |v| json!(alg::short_name(&v.value)))
                };
                json!({
                    "element": info.parent.map(|p| doc.path(p)),
                    "element_id": info.parent.and_then(|p| doc.id_attr(p)).map(|a| a.value.to_string()),
                    "signature_method": short(info.signature_method.as_ref()),
                    "c14n": short(info.c14n_method.as_ref()),
                    "references": info.references.iter().map(|r| json!({
                        "uri": text(r.uri.as_ref()),
                        "digest_method": short(r.digest_method.as_ref()),
                        "transforms": r.transforms.iter()
                            .map(|t| short(t.algorithm.as_ref()))
                            .collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                    "certificates": info.key_info_certs.iter()
                        .map(|c| certificate(&c.value, now))
                        .collect::<Vec<_>>(),
                    "verification": verification(doc, c),
                })
            })
            .collect(),
    )
}

/// Header, claims and the time claims in words, from the one JWT decoder.
fn jwt_summary(ctx: &Ctx, j: &input::Jwt, s: &mut Map<String, Value>) {
    let now = match ctx.clock {
        Clock::Fixed(t) => Some(t),
        Clock::IssueInstant => j
            .claims
            .as_ref()
            .and_then(Value::as_object)
            .and_then(oidc::issued_at),
    };
    let token = oidc::describe(&j.token, now);
    s.insert(
        "header".into(),
        token.header.map_or(Value::Null, Value::Object),
    );
    s.insert("encrypted".into(), json!(token.kind == TokenKind::Jwe));
    let Some(claims) = token.claims else {
        return;
    };
    s.insert("claims".into(), Value::Object(claims));
    // decode words times as `{value, in_words}`, the same as the SAML summaries.
    let times: Map<String, Value> = token
        .times
        .into_iter()
        .map(|(k, t)| {
            let field = |name: &str| t.get(name).cloned().unwrap_or(Value::Null);
            (
                k,
                json!({"value": field("utc"), "in_words": field("relative")}),
            )
        })
        .collect();
    s.insert("times".into(), Value::Object(times));
}

fn scim_summary(kind: Kind, v: &Value, s: &mut Map<String, Value>) {
    let get = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    s.insert(
        "resource".into(),
        json!(match kind {
            Kind::ScimUser => "User",
            Kind::ScimGroup => "Group",
            _ => "ListResponse",
        }),
    );
    s.insert("id".into(), get("id"));
    match kind {
        Kind::ScimListResponse => {
            s.insert("total_results".into(), get("totalResults"));
            s.insert(
                "resources".into(),
                json!(v
                    .get("Resources")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)),
            );
        }
        Kind::ScimGroup => {
            s.insert("display_name".into(), get("displayName"));
            s.insert(
                "members".into(),
                json!(v
                    .get("members")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)),
            );
        }
        _ => {
            s.insert("user_name".into(), get("userName"));
            s.insert("display_name".into(), get("displayName"));
            s.insert("active".into(), get("active"));
            let emails: Vec<Value> = v
                .get("emails")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|e| e.get("value").cloned()).collect())
                .unwrap_or_default();
            s.insert("emails".into(), Value::Array(emails));
        }
    }
}

/// The summary as indented `key: value` lines.
fn human_summary(summary: &Map<String, Value>) -> String {
    const FIRST: &[&str] = &[
        "kind",
        "encodings",
        "vendor",
        "issuer",
        "destination",
        "id",
        "in_response_to",
        "issue_instant",
        "issued",
        "status",
    ];
    let mut out = String::new();
    for k in FIRST {
        if let Some(v) = summary.get(*k) {
            human_value(k, v, 0, &mut out);
        }
    }
    for (k, v) in summary {
        if !FIRST.contains(&k.as_str()) {
            human_value(k, v, 0, &mut out);
        }
    }
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn human_value(key: &str, v: &Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let label = key.replace('_', " ");
    match v {
        Value::Null => {}
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items) if items.iter().all(|i| scalar(i).is_some()) => {
            let joined: Vec<String> = items.iter().filter_map(scalar).collect();
            out.push_str(&format!("{pad}{label}: {}\n", joined.join(", ")));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                human_value(&format!("{key} {}", i + 1), item, depth, out);
            }
        }
        Value::Object(map) if map.is_empty() => {}
        Value::Object(map) => {
            out.push_str(&format!("{pad}{label}:\n"));
            for (k, child) in map {
                human_value(k, child, depth + 1, out);
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push_str(&format!("{pad}{label}: {s}\n"));
            }
        }
    }
}
