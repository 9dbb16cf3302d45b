//! Detecting and peeling the text forms a message travels in. Each attempt that fails says
//! why, so an undecodable input gets one line naming everything tried.

use super::{parse_xml, Binding, Content, Encoding, HarOrigin, Jwt, Kind, Message, MAX_INFLATED};
use crate::error::Fatal;
use crate::findings::Finding;
use crate::oidc::jose::{self, TokenKind};
use crate::rules::input as rule;
use crate::source::SourceFile;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use std::io::Read;

/// Layers deeper than this are not peeled (base64 of base64 of … is not a real binding).
const MAX_LAYERS: usize = 6;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
pub(super) const STANDARD: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
pub(super) const URL_SAFE: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Detect and peel one message; `tried` failures become one `input.undecodable` line.
pub(super) fn detect(
    label: &str,
    text: &str,
    layers: Vec<Encoding>,
    har: Option<HarOrigin>,
) -> Result<Message, Fatal> {
    let mut tried = Vec::new();
    match detect_in(label, text, layers, None, &mut tried)? {
        Some(mut m) => {
            m.har = har;
            Ok(m)
        }
        None => Err(undecodable(label, &tried)),
    }
}

pub(super) fn undecodable(label: &str, tried: &[String]) -> Fatal {
    Fatal::new(
        &rule::UNDECODABLE,
        format!(
            "{label}: not a SAML message, JWT, HAR capture or SCIM payload; tried {}",
            tried.join("; ")
        ),
    )
}

fn note(tried: &mut Vec<String>, layers: &[Encoding], what: &str) {
    if layers.is_empty() {
        tried.push(what.to_string());
    } else {
        let chain: Vec<&str> = layers.iter().map(|l| l.as_str()).collect();
        tried.push(format!("after {}: {what}", chain.join(" + ")));
    }
}

fn detect_in(
    label: &str,
    text: &str,
    mut layers: Vec<Encoding>,
    binding: Option<Binding>,
    tried: &mut Vec<String>,
) -> Result<Option<Message>, Fatal> {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            layers.push(Encoding::Bom);
            rest
        }
        None => text,
    };
    let t = text.trim();
    if t.is_empty() {
        if layers.iter().all(|l| *l == Encoding::Bom) {
            return Err(Fatal::new(
                &rule::UNDECODABLE,
                format!("{label}: the input is empty; give a SAML message, URL, form body, HAR capture, JWT or SCIM payload"),
            ));
        }
        note(tried, &layers, "a value (it is empty)");
        return Ok(None);
    }
    if layers.len() > MAX_LAYERS {
        note(tried, &layers, "more layers: too many nested encodings");
        return Ok(None);
    }
    if t.starts_with('<') {
        return xml_message(label, t, layers, binding).map(Some);
    }
    note(tried, &layers, "raw XML (does not start with '<')");
    if t.starts_with('{') {
        let source = SourceFile::new(label, t);
        let value = crate::json::parse(t).map_err(|e| super::json_fatal(&source, &e))?;
        return json_message(source, value, layers).map(Some);
    }
    note(tried, &layers, "JSON (does not start with '{')");
    if let Some(params) = Params::find(t) {
        return from_params(label, &params, layers, tried);
    }
    note(
        tried,
        &layers,
        "URL or form body (no SAMLRequest, SAMLResponse or id_token parameter)",
    );
    if let Some(m) = jwt_message(label, t, &layers, binding.clone(), tried)? {
        return Ok(Some(m));
    }
    if t.contains('%') {
        let decoded = percent_encoding::percent_decode_str(t).decode_utf8();
        match decoded {
            Ok(d) if d != t => {
                let mut next = layers.clone();
                next.push(Encoding::Percent);
                return detect_in(label, &d, next, binding, tried);
            }
            Ok(_) => note(tried, &layers, "percent-decoding (nothing to decode)"),
            Err(_) => note(
                tried,
                &layers,
                "percent-decoding (the decoded bytes are not UTF-8)",
            ),
        }
    }
    from_base64(label, t, layers, binding, tried)
}

fn xml_message(
    label: &str,
    text: &str,
    layers: Vec<Encoding>,
    binding: Option<Binding>,
) -> Result<Message, Fatal> {
    let source = SourceFile::new(label, text);
    let doc = parse_xml(&source, &layers)?;
    let kind = crate::saml::view::root_kind(&doc).and_then(Kind::from_saml);
    let Some(kind) = kind else {
        let name = doc
            .element(doc.root)
            .map(|e| e.name.written())
            .unwrap_or_default();
        return Err(Fatal::new(
            &rule::UNDECODABLE,
            format!(
                "the XML's root element <{name}> is not a SAML Response, Assertion, AuthnRequest, LogoutRequest, LogoutResponse, EntityDescriptor or EntitiesDescriptor"
            ),
        )
        .at(source, doc.span(doc.root).start));
    };
    Ok(Message {
        kind,
        encodings: layers,
        source,
        content: Content::Xml(doc),
        binding,
        har: None,
    })
}

const SCIM_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const SCIM_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const SCIM_LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// A JSON document that is not a HAR capture: a SCIM resource, or nothing we know.
pub(super) fn json_message(
    source: SourceFile,
    value: serde_json::Value,
    layers: Vec<Encoding>,
) -> Result<Message, Fatal> {
    let schemas: Vec<&str> = value
        .get("schemas")
        .and_then(|s| s.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    let kind = if schemas.contains(&SCIM_LIST) {
        Kind::ScimListResponse
    } else if schemas.contains(&SCIM_USER) {
        Kind::ScimUser
    } else if schemas.contains(&SCIM_GROUP) {
        Kind::ScimGroup
    } else {
        let seen = if schemas.is_empty() {
            "no \"schemas\"".to_string()
        } else {
            format!("\"schemas\" {schemas:?}")
        };
        return Err(Fatal::new(
            &rule::UNDECODABLE,
            format!(
                "{}: JSON, but neither a HAR capture (no log.entries) nor a SCIM User, Group or ListResponse ({seen})",
                source.path
            ),
        ));
    };
    Ok(Message {
        kind,
        encodings: layers,
        source,
        content: Content::Json(value),
        binding: None,
        har: None,
    })
}

/// The parameters of a URL, query string or form body that carries a SAML message or token.
pub(super) struct Params {
    /// The URL without its query, when the text is a full URL (not a bare query or body).
    full_url: Option<String>,
    /// Raw `name=value` pieces (still URL-encoded) and their decoded forms.
    pairs: Vec<(String, String, String)>,
}

pub(super) const PARAMETERS: [&str; 3] = ["SAMLResponse", "SAMLRequest", "id_token"];

/// Does a text carry one of the parameters at all (cheap test for HAR scanning)?
pub(super) fn mentions_parameter(s: &str) -> bool {
    PARAMETERS.iter().any(|p| s.contains(&format!("{p}=")))
}

impl Params {
    /// The parameters of a URL, query string or form body; line breaks and other white space
    /// a copy from a terminal or log adds are dropped (URL-encoding never produces them).
    pub(super) fn find(text: &str) -> Option<Params> {
        if !mentions_parameter(text) {
            return None;
        }
        let t = crate::text::without_ascii_whitespace(text);
        let lower = t.get(..8).unwrap_or(&t).to_ascii_lowercase();
        let (full_url, pieces): (Option<&str>, Vec<&str>) =
            if lower.starts_with("http://") || lower.starts_with("https://") {
                let (before, fragment) = t.split_once('#').unwrap_or((&t, ""));
                let (base, query) = before.split_once('?').unwrap_or((before, ""));
                (
                    Some(base),
                    query.split('&').chain(fragment.split('&')).collect(),
                )
            } else {
                let body = t.strip_prefix('?').unwrap_or(&t);
                (None, body.split('&').collect())
            };
        let pairs: Vec<(String, String, String)> = pieces
            .into_iter()
            .filter(|p| !p.is_empty())
            .filter_map(|p| {
                let (k, v) = url::form_urlencoded::parse(p.as_bytes()).next()?;
                Some((p.to_string(), k.into_owned(), v.into_owned()))
            })
            .collect();
        let found = pairs
            .iter()
            .any(|(_, k, _)| PARAMETERS.contains(&k.as_str()));
        found.then(|| Params {
            full_url: full_url.map(str::to_string),
            pairs,
        })
    }

    pub(super) fn value(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(_, k, _)| k == name)
            .map(|(_, _, v)| v.as_str())
    }

    fn raw(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(_, k, _)| k == name)
            .map(|(raw, _, _)| raw.as_str())
    }
}

fn from_params(
    label: &str,
    params: &Params,
    layers: Vec<Encoding>,
    tried: &mut Vec<String>,
) -> Result<Option<Message>, Fatal> {
    let Some(parameter) = PARAMETERS.iter().find(|p| params.value(p).is_some()) else {
        return Ok(None);
    };
    let mut value = params.value(parameter).unwrap_or_default().to_string();
    if *parameter != "id_token" {
        // A '+' of base64 left unescaped in a form body reads back as a space.
        value = value.replace(' ', "+");
    }
    let signed_octets = params.value("Signature").map(|_| {
        [*parameter, "RelayState", "SigAlg"]
            .iter()
            .filter_map(|n| params.raw(n))
            .collect::<Vec<_>>()
            .join("&")
    });
    let binding = Binding {
        parameter: parameter.to_string(),
        relay_state: params.value("RelayState").map(str::to_string),
        sig_alg: params.value("SigAlg").map(str::to_string),
        signature: params.value("Signature").map(str::to_string),
        deflated: false,
        url: params.full_url.clone(),
        signed_octets,
    };
    let outer = if params.full_url.is_some() {
        Encoding::UrlQuery
    } else {
        Encoding::FormBody
    };
    let mut next = layers.clone();
    next.push(outer);
    let found = detect_in(label, &value, next, Some(binding), tried)?;
    Ok(found.map(|mut m| {
        let deflated = m.encodings.contains(&Encoding::Deflate);
        if let Some(b) = m.binding.as_mut() {
            b.deflated = deflated;
        }
        // A bare query string whose value is DEFLATE-compressed is an HTTP-Redirect query.
        if deflated && outer == Encoding::FormBody {
            if let Some(e) = m.encodings.get_mut(layers.len()) {
                *e = Encoding::UrlQuery;
            }
        }
        m
    }))
}

fn jwt_message(
    label: &str,
    t: &str,
    layers: &[Encoding],
    binding: Option<Binding>,
    tried: &mut Vec<String>,
) -> Result<Option<Message>, Fatal> {
    if !jose::is_compact_shaped(t) {
        note(
            tried,
            layers,
            "JWT (not three or five base64url segments separated by dots)",
        );
        return Ok(None);
    }
    // The one JWT decoder: strict base64url and strict JSON, as `check` reads tokens.
    let token = crate::oidc::describe(t, None);
    let problem = |part: &str| {
        token
            .problems
            .iter()
            .find(|p| p.location.as_ref().and_then(|l| l.element.as_deref()) == Some(part))
    };
    // A problem with an input rule (a repeated member) is fatal; any other means the text is
    // not a token, or one whose claims cannot be read.
    let fatal = |p: &Finding| {
        let rule = if p.rule.id.starts_with("input.") {
            p.rule
        } else {
            &rule::UNDECODABLE
        };
        Fatal::new(rule, format!("{label}: JWT: {}", p.message))
    };
    let Some(header) = token.header else {
        return match problem("header") {
            Some(p) if p.rule.id.starts_with("input.") => Err(fatal(p)),
            Some(p) => {
                note(tried, layers, &format!("JWT ({})", p.message));
                Ok(None)
            }
            None => {
                note(tried, layers, "JWT (the header cannot be read)");
                Ok(None)
            }
        };
    };
    let kind = match token.kind {
        TokenKind::Jwe => Kind::Jwe,
        TokenKind::Jws => Kind::Jwt,
    };
    let claims = match (kind, token.claims) {
        (Kind::Jwt, None) => {
            return Err(match problem("payload") {
                Some(p) => fatal(p),
                None => Fatal::new(
                    &rule::UNDECODABLE,
                    format!("{label}: JWT payload cannot be read"),
                ),
            })
        }
        (_, claims) => claims.map(serde_json::Value::Object),
    };
    Ok(Some(Message {
        kind,
        encodings: layers.to_vec(),
        source: SourceFile::new(label, t),
        content: Content::Jwt(Jwt {
            token: t.to_string(),
            header: serde_json::Value::Object(header),
            claims,
        }),
        binding,
        har: None,
    }))
}

fn from_base64(
    label: &str,
    t: &str,
    layers: Vec<Encoding>,
    binding: Option<Binding>,
    tried: &mut Vec<String>,
) -> Result<Option<Message>, Fatal> {
    let compact = crate::text::without_ascii_whitespace(t);
    if let Some((i, c)) = compact
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=')))
    {
        note(
            tried,
            &layers,
            &format!("base64 (character {c:?} at offset {i} is not base64)"),
        );
        return Ok(None);
    }
    let url_safe = compact.contains(['-', '_']);
    if url_safe && compact.contains(['+', '/']) {
        note(
            tried,
            &layers,
            "base64 (mixes the standard and URL-safe alphabets)",
        );
        return Ok(None);
    }
    let (encoding, engine) = if url_safe {
        (Encoding::Base64Url, &URL_SAFE)
    } else {
        (Encoding::Base64, &STANDARD)
    };
    let bytes = match engine.decode(compact.trim_end_matches('=')) {
        Ok(b) => b,
        Err(e) => {
            note(tried, &layers, &format!("{} ({e})", encoding.as_str()));
            return Ok(None);
        }
    };
    let mut next = layers;
    next.push(encoding);
    from_bytes(label, &bytes, next, binding, tried)
}

/// Decoded bytes: text (XML, JSON, another layer) or raw DEFLATE data.
fn from_bytes(
    label: &str,
    bytes: &[u8],
    layers: Vec<Encoding>,
    binding: Option<Binding>,
    tried: &mut Vec<String>,
) -> Result<Option<Message>, Fatal> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = bytes.get(start..).unwrap_or_default();
    let looks_textual =
        head.starts_with(b"<") || head.starts_with(b"{") || head.starts_with(b"\xEF\xBB\xBF");
    if looks_textual {
        let mut next = layers.clone();
        let text = super::utf8_text(label, bytes, "decoded data", &mut next)?;
        return detect_in(label, text, next, binding, tried);
    }
    match inflate(bytes, MAX_INFLATED) {
        Ok(inflated) => {
            let mut next = layers.clone();
            next.push(Encoding::Deflate);
            match std::str::from_utf8(&inflated) {
                Ok(text) if text.trim_start().starts_with('<') => {
                    detect_in(label, text, next, binding, tried)
                }
                Ok(_) | Err(_) => {
                    note(
                        tried,
                        &next,
                        &format!("XML (inflated to {} bytes that are not XML text)", inflated.len()),
                    );
                    Ok(None)
                }
            }
        }
        Err(Inflate::Bomb) => Err(Fatal::new(
            &rule::INFLATE_BOMB,
            format!(
                "{label}: the DEFLATE data ({} bytes after {}) inflates past the {} MiB cap; inflation stopped",
                bytes.len(),
                layers.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(" + "),
                MAX_INFLATED >> 20
            ),
        )),
        Err(Inflate::Invalid(e)) => {
            if let Ok(text) = std::str::from_utf8(bytes) {
                if !text.trim().is_empty() && text.chars().all(|c| !c.is_control() || c.is_whitespace()) {
                    return detect_in(label, text, layers, binding, tried);
                }
            }
            note(
                tried,
                &layers,
                &format!(
                    "XML, JSON or DEFLATE ({} decoded bytes are neither text nor DEFLATE data: {e})",
                    bytes.len()
                ),
            );
            Ok(None)
        }
    }
}

#[derive(Debug)]
pub(super) enum Inflate {
    Bomb,
    Invalid(String),
}

/// Raw DEFLATE (RFC 1951), stopping at `cap` bytes of output.
pub(super) fn inflate(bytes: &[u8], cap: usize) -> Result<Vec<u8>, Inflate> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Inflate::Invalid(e.to_string()))?;
    if out.len() > cap {
        return Err(Inflate::Bomb);
    }
    if out.is_empty() {
        return Err(Inflate::Invalid("inflates to nothing".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;
    use std::io::Write;

    const XML: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1" Version="2.0"/>"#;
    const REQ: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="q1" Version="2.0"/>"#;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn encodings(text: &str) -> (Kind, Vec<&'static str>) {
        let input = decode("t", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        (
            input.kind,
            input.encodings.iter().map(|e| e.as_str()).collect(),
        )
    }

    #[test]
    fn peels_the_common_forms() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(XML);
        assert_eq!(encodings(XML), (Kind::SamlResponse, vec![]));
        assert_eq!(encodings(&b64), (Kind::SamlResponse, vec!["base64"]));
        let form = format!(
            "SAMLResponse={}&RelayState=abc",
            url::form_urlencoded::byte_serialize(b64.as_bytes()).collect::<String>()
        );
        assert_eq!(
            encodings(&form),
            (Kind::SamlResponse, vec!["form-body", "base64"])
        );
        let wrapped_form = format!("{}\n{}", &form[..40], &form[40..]);
        assert_eq!(
            encodings(&wrapped_form),
            (Kind::SamlResponse, vec!["form-body", "base64"])
        );
        let pct: String = url::form_urlencoded::byte_serialize(b64.as_bytes()).collect();
        assert_eq!(encodings(&pct).1, vec!["percent", "base64"]);

        let deflated = base64::engine::general_purpose::STANDARD.encode(deflate(REQ.as_bytes()));
        let q: String = url::form_urlencoded::byte_serialize(deflated.as_bytes()).collect();
        let url = format!(
            "https://idp.example.test/sso?SAMLRequest={q}&RelayState=xyz&SigAlg=a&Signature=b"
        );
        let input = decode("t", url.as_bytes()).unwrap();
        let m = input.message().unwrap();
        assert_eq!(m.kind, Kind::SamlAuthnRequest);
        assert_eq!(
            input.encodings,
            vec![Encoding::UrlQuery, Encoding::Base64, Encoding::Deflate]
        );
        let b = m.binding.as_ref().unwrap();
        assert!(b.deflated);
        assert_eq!(b.relay_state.as_deref(), Some("xyz"));
        assert_eq!(b.url.as_deref(), Some("https://idp.example.test/sso"));
        assert_eq!(
            b.signed_octets.as_deref(),
            Some(format!("SAMLRequest={q}&RelayState=xyz&SigAlg=a").as_str())
        );
        let bare = format!("SAMLRequest={q}");
        assert_eq!(encodings(&bare).1, vec!["url-query", "base64", "deflate"]);
    }

    #[test]
    fn recognises_jwts_and_scim() {
        let seg = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = format!(
            "{}.{}.sig",
            seg(r#"{"alg":"RS256"}"#),
            seg(r#"{"sub":"x"}"#)
        );
        assert_eq!(encodings(&jwt), (Kind::Jwt, vec![]));
        let jwe = format!("{}.a.b.c.d", seg(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#));
        assert_eq!(encodings(&jwe).0, Kind::Jwe);
        let dup = format!(
            "{}.{}.sig",
            seg(r#"{"alg":"RS256","alg":"none"}"#),
            seg("{}")
        );
        let err = decode("t", dup.as_bytes()).unwrap_err();
        assert_eq!(err.rule.id, "input.json-duplicate-key");
        // Segments are strict base64url, as `check` reads them: "Q" and "R" spell the same
        // byte, but only "Q" leaves the unused trailing bits zero.
        let payload = seg(r#"{"sub":"xyz"}"#);
        assert!(payload.ends_with('Q'), "{payload}");
        let loose = format!(
            "{}.{}R.sig",
            seg(r#"{"alg":"RS256"}"#),
            &payload[..payload.len() - 1]
        );
        let err = decode("t", loose.as_bytes()).unwrap_err();
        assert_eq!(err.rule.id, "input.undecodable");
        assert!(err.message.contains("non-canonical"), "{}", err.message);
        let scim = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"}"#;
        assert_eq!(encodings(scim).0, Kind::ScimUser);
    }

    #[test]
    fn failures_name_what_was_tried() {
        let err = decode("t", b"hello, world!").unwrap_err();
        assert_eq!(err.rule.id, "input.undecodable");
        for word in ["raw XML", "JSON", "URL or form body", "JWT", "base64"] {
            assert!(err.message.contains(word), "{}", err.message);
        }
        let bomb = base64::engine::general_purpose::STANDARD.encode(deflate(&vec![b'<'; 8 << 20]));
        assert_eq!(
            decode("t", bomb.as_bytes()).unwrap_err().rule.id,
            "input.inflate-bomb"
        );
        let bad = base64::engine::general_purpose::STANDARD.encode("<a><b></a>");
        let err = decode("t", bad.as_bytes()).unwrap_err();
        assert_eq!(err.rule.id, "input.xml-malformed");
        assert!(err.message.starts_with("t:1:"), "{}", err.message);
        let dtd = "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>";
        assert_eq!(
            decode("t", dtd.as_bytes()).unwrap_err().rule.id,
            "input.dtd-forbidden"
        );
    }
}
