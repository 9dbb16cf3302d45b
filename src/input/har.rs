//! HAR 1.2 captures: every SAML message and ID token in capture order, from request URLs,
//! form bodies, `Location` response headers and JSON response bodies.

use super::peel::{self, mentions_parameter, Params, PARAMETERS};
use super::{Binding, Content, Encoding, HarOrigin, Message};
use crate::error::Fatal;
use crate::rules::input as rule;
use base64::Engine;
use serde_json::Value;

/// The `log.entries` array, if the JSON is a HAR capture.
pub(super) fn entries(value: &Value) -> Option<&[Value]> {
    value
        .get("log")?
        .get("entries")?
        .as_array()
        .map(Vec::as_slice)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

/// Texts of one entry that may carry a message, in the order the browser saw them.
fn candidates(entry: &Value) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(url) = str_at(entry, &["request", "url"]) {
        if mentions_parameter(url) {
            out.push(("request-url", url.to_string()));
        }
    }
    if let Some(post) = entry.get("request").and_then(|r| r.get("postData")) {
        let body = match post.get("text").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => Some(t.to_string()),
            _ => post.get("params").and_then(Value::as_array).map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        Some(format!(
                            "{}={}",
                            p.get("name")?.as_str()?,
                            p.get("value")?.as_str()?
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join("&")
            }),
        };
        if let Some(b) = body.filter(|b| mentions_parameter(b)) {
            out.push(("request-body", b));
        }
    }
    let headers = entry
        .get("response")
        .and_then(|r| r.get("headers"))
        .and_then(Value::as_array);
    for h in headers.into_iter().flatten() {
        let is_location = h
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case("location"));
        if let Some(v) = h.get("value").and_then(Value::as_str) {
            if is_location && mentions_parameter(v) {
                out.push(("location-header", v.to_string()));
            }
        }
    }
    if let Some(token) = response_id_token(entry) {
        out.push(("response-body", token));
    }
    out
}

/// `id_token` of a JSON response body (a token endpoint response).
fn response_id_token(entry: &Value) -> Option<String> {
    let content = entry.get("response")?.get("content")?;
    let mime = content
        .get("mimeType")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !mime.contains("json") {
        return None;
    }
    let text = content.get("text")?.as_str()?;
    let text = if content.get("encoding").and_then(Value::as_str) == Some("base64") {
        String::from_utf8(peel::STANDARD.decode(text.trim()).ok()?).ok()?
    } else {
        text.to_string()
    };
    if !text.contains("id_token") {
        return None;
    }
    let body = crate::json::parse(&text).ok()?;
    body.get("id_token")?.as_str().map(str::to_string)
}

/// The parameter value a candidate carries, to skip the same message seen twice (the SP's
/// redirect `Location` and the browser's request to it).
fn carried_value(place: &str, text: &str) -> Option<String> {
    if place == "response-body" {
        return Some(text.to_string());
    }
    let params = Params::find(text)?;
    PARAMETERS
        .iter()
        .find_map(|p| params.value(p).map(|v| format!("{p}={v}")))
}

pub(super) fn messages(label: &str, entries: &[Value]) -> Result<Vec<Message>, Fatal> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let entry_label = format!("{label}#{}", i + 1);
        for (place, text) in candidates(entry) {
            if let Some(v) = carried_value(place, &text) {
                if seen.contains(&v) {
                    continue;
                }
                seen.push(v);
            }
            let origin = HarOrigin {
                entry: i,
                url: str_at(entry, &["request", "url"]).unwrap_or("").to_string(),
                method: str_at(entry, &["request", "method"])
                    .unwrap_or("")
                    .to_string(),
                time: str_at(entry, &["startedDateTime"]).map(str::to_string),
                place,
            };
            let mut m = peel::detect(&entry_label, &text, vec![Encoding::HarEntry], Some(origin))?;
            if place == "response-body" && m.binding.is_none() {
                m.binding = Some(Binding {
                    parameter: "id_token".into(),
                    ..Binding::default()
                });
            }
            if matches!(m.content, Content::Xml(_) | Content::Jwt(_)) {
                out.push(m);
            }
        }
    }
    if out.is_empty() {
        return Err(Fatal::new(
            &rule::UNDECODABLE,
            format!(
                "{label}: a HAR capture of {} entries, but no request URL, form body, Location header or JSON response in it carries a SAMLRequest, SAMLResponse or id_token",
                entries.len()
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::{decode, Kind};
    use base64::Engine;

    #[test]
    fn finds_messages_in_order_without_duplicates() {
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1"/>"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("SAMLResponse", &b64)
            .append_pair("RelayState", "rs")
            .finish();
        let seg = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = format!(
            "{}.{}.sig",
            seg(r#"{"alg":"RS256"}"#),
            seg(r#"{"sub":"x"}"#)
        );
        let har = serde_json::json!({"log": {"entries": [
            {"startedDateTime": "2026-03-01T10:00:00Z", "request": {"method": "GET", "url": "https://sp/"},
             "response": {"headers": [{"name": "Location", "value": format!("https://app/cb#id_token={jwt}")}]}},
            {"startedDateTime": "2026-03-01T10:00:01Z", "request": {"method": "POST", "url": "https://sp/acs",
             "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body}}, "response": {}},
        ]}});
        let input = decode("c.har", har.to_string().as_bytes()).unwrap();
        assert_eq!(input.kind, Kind::Har);
        let kinds: Vec<_> = input.messages.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [Kind::Jwt, Kind::SamlResponse]);
        let r = &input.messages[1];
        assert_eq!(r.source.path, "c.har#2");
        assert_eq!(r.har.as_ref().unwrap().method, "POST");
        assert_eq!(
            r.binding.as_ref().unwrap().relay_state.as_deref(),
            Some("rs")
        );
        let names: Vec<_> = r.encodings.iter().map(|e| e.as_str()).collect();
        assert_eq!(names, ["har-entry", "form-body", "base64"]);
    }
}
