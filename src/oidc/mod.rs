//! OIDC ID tokens: strict compact-JWS decoding, JWKS and discovery, key selection that explains
//! itself, signature verification with openssl, and the claim checks of OIDC Core §3.1.3.7.
//!
//! The claim checks are written here rather than delegated to a JWT crate: common crates
//! skip nbf, iat, azp, crit or a missing aud on their defaults, and ssolint must report every
//! failure at once rather than the first error a library raises.
//!
//! Findings point into file 0 of the caller's report, which must be the token text exactly as
//! passed to [`check_token`] (spans are byte offsets into it). Claims live inside base64url,
//! so their findings point at the payload segment and name the claim in `element`.

pub mod claims;
pub mod jose;
pub mod jwks;
pub mod verify;

pub use jose::TokenKind;
pub use jwks::{Discovery, Jwk, Jwks};

use crate::clock::Clock;
use crate::findings::Finding;
use crate::json::JsonErrorKind;
use crate::rules::{input, oidc as rules, Vendor};
use crate::source::Span;
use chrono::{DateTime, Duration, Utc};
use jose::Segments;
use serde_json::{json, Map, Value};

/// Compact tokens longer than this are reported (`oidc.token-too-large`): 16 KiB. Browsers,
/// proxies and IdPs cap headers and cookies around 8–16 KiB, so a larger ID token fails
/// somewhere on its way, usually because a groups claim grew without bound.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Where the algorithm allow-list came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowSource {
    Configuration,
    Discovery,
    /// Nothing configured: every asymmetric algorithm, HMAC only with an `oct` key in the JWKS.
    Default,
}

impl AllowSource {
    fn describe(&self) -> &'static str {
        match self {
            AllowSource::Configuration => "the configuration's [oidc] algorithms",
            AllowSource::Discovery => "the discovery document's id_token_signing_alg_values_supported",
            AllowSource::Default => "the default allow-list (asymmetric algorithms; HMAC only with an oct key in the JWKS)",
        }
    }
}

/// What the relying party expects of a token. Built from flags, the configuration and a
/// discovery document by the caller; nothing here is read from the token itself.
#[derive(Debug, Clone, Default)]
pub struct OidcExpectations {
    /// May hold Entra's `{tenantid}` template, resolved from the `tid` claim.
    pub issuer: Option<String>,
    pub allowed_tenants: Vec<String>,
    /// The client id: the audience the token must name.
    pub audience: Option<String>,
    pub nonce: Option<String>,
    pub access_token: Option<String>,
    /// Allowed algorithms; empty means the default list.
    pub algorithms: Vec<String>,
    pub algorithms_source: Option<AllowSource>,
    pub jwks: Option<Jwks>,
    /// Claim the account is matched by (default `email`).
    pub email_claim: Option<String>,
    /// Claim that must carry the groups (only checked when set).
    pub groups_claim: Option<String>,
    /// The workspace's verified domains; `None` (no configuration) turns the domain rule off.
    pub verified_domains: Option<Vec<String>>,
}

impl OidcExpectations {
    pub fn email_claim(&self) -> &str {
        self.email_claim.as_deref().unwrap_or("email")
    }

    /// The effective allow-list and its source. `none` is never allowed, whatever the list says.
    pub fn allow_list(&self) -> (Vec<String>, AllowSource) {
        if !self.algorithms.is_empty() {
            let source = self
                .algorithms_source
                .clone()
                .unwrap_or(AllowSource::Configuration);
            let list = self
                .algorithms
                .iter()
                .filter(|a| !a.eq_ignore_ascii_case("none"))
                .cloned()
                .collect();
            return (list, source);
        }
        let mut list: Vec<String> = verify::DEFAULT_ASYMMETRIC
            .iter()
            .map(|s| s.to_string())
            .collect();
        if self
            .jwks
            .as_ref()
            .is_some_and(|j| j.keys.iter().any(|k| k.kty == "oct"))
        {
            list.extend(["HS256", "HS384", "HS512"].map(String::from));
        }
        (list, AllowSource::Default)
    }
}

/// Why each JWKS key was or was not tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCandidate {
    pub index: usize,
    pub kid: Option<String>,
    pub kty: String,
    pub candidate: bool,
    pub reason: String,
    /// Not a candidate only because its type cannot verify the token's algorithm.
    pub type_mismatch: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureOutcome {
    Verified {
        key_index: usize,
        kid: Option<String>,
    },
    Invalid(String),
    NotChecked(String),
}

impl SignatureOutcome {
    pub fn describe(&self) -> String {
        match self {
            SignatureOutcome::Verified { key_index, kid } => match kid {
                Some(k) => format!("verified with key #{key_index} (kid {k:?})"),
                None => format!("verified with key #{key_index}"),
            },
            SignatureOutcome::Invalid(why) => format!("invalid: {why}"),
            SignatureOutcome::NotChecked(why) => format!("not checked: {why}"),
        }
    }
}

/// Everything the check learnt about one token.
#[derive(Debug, Clone)]
pub struct TokenCheck {
    pub kind: TokenKind,
    pub segments: Segments,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    pub findings: Vec<Finding>,
    pub key_selection: Vec<KeyCandidate>,
    pub signature: SignatureOutcome,
    pub allowed_algorithms: Vec<String>,
    pub allowed_source: AllowSource,
    /// The instant time claims were evaluated at (`None`: `--now issue-instant` and no iat).
    pub evaluated_at: Option<DateTime<Utc>>,
    pub skew: Duration,
}

impl TokenCheck {
    pub fn header_str(&self, member: &str) -> Option<&str> {
        self.header.as_ref()?.get(member)?.as_str()
    }

    /// The IdP the token names as issuer, for fix hints.
    pub fn vendor(&self) -> Option<Vendor> {
        vendor_of_issuer(self.claims.as_ref()?.get("iss")?.as_str()?)
    }

    /// Facts for the report's `summary`: algorithm, allow-list, key selection, signature.
    /// Built value by value (a batch makes one per token), not through `json!`'s serialiser.
    pub fn summary(&self) -> Map<String, Value> {
        let text = |s: &str| Value::String(s.to_string());
        let maybe = |s: Option<&str>| s.map_or(Value::Null, text);
        let mut token = Map::new();
        token.insert("alg".into(), maybe(self.header_str("alg")));
        token.insert("kid".into(), maybe(self.header_str("kid")));
        token.insert("typ".into(), maybe(self.header_str("typ")));
        let bytes = self.segments.spans.last().map(|s| s.end).unwrap_or(0);
        token.insert("bytes".into(), Value::from(bytes));
        let keys = self
            .key_selection
            .iter()
            .map(|k| {
                let mut key = Map::new();
                key.insert("key".into(), Value::from(k.index));
                key.insert("kid".into(), maybe(k.kid.as_deref()));
                key.insert("kty".into(), text(&k.kty));
                key.insert("candidate".into(), Value::Bool(k.candidate));
                key.insert("reason".into(), text(&k.reason));
                Value::Object(key)
            })
            .collect();
        let mut m = Map::new();
        m.insert("token".into(), Value::Object(token));
        m.insert(
            "allowed_algorithms".into(),
            Value::Array(self.allowed_algorithms.iter().map(|a| text(a)).collect()),
        );
        m.insert(
            "allowed_algorithms_source".into(),
            text(self.allowed_source.describe()),
        );
        m.insert("key_selection".into(), Value::Array(keys));
        m.insert("signature".into(), Value::String(self.signature.describe()));
        m.insert(
            "evaluated_at".into(),
            self.evaluated_at
                .map_or(Value::Null, |t| Value::String(t.to_rfc3339())),
        );
        m.insert("skew_seconds".into(), Value::from(self.skew.num_seconds()));
        m
    }
}

pub fn vendor_of_issuer(iss: &str) -> Option<Vendor> {
    let host = url::Url::parse(iss).ok()?.host_str()?.to_ascii_lowercase();
    Some(
        if host == "login.microsoftonline.com" || host == "sts.windows.net" {
            Vendor::Entra
        } else if host.ends_with(".okta.com") || host.ends_with(".oktapreview.com") {
            Vendor::Okta
        } else if host == "accounts.google.com" {
            Vendor::Google
        } else if host.ends_with(".onelogin.com") {
            Vendor::Onelogin
        } else if host.contains("ping") {
            Vendor::Ping
        } else if iss.contains("/realms/") {
            Vendor::Keycloak
        } else if iss.contains("/adfs") {
            Vendor::Adfs
        } else {
            return None;
        },
    )
}

/// Decode one base64url JSON segment; problems become findings.
fn decode_object(
    text: &str,
    span: Span,
    name: &str,
    findings: &mut Vec<Finding>,
) -> Option<Map<String, Value>> {
    let element = name.to_string();
    let seg = jose::segment_text(text, span);
    let bytes = match jose::b64url_strict(seg) {
        Ok(b) => b,
        Err(e) => {
            findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    format!("the {name} segment is not strict base64url: {e}"),
                )
                .at(0, span)
                .element(element),
            );
            return None;
        }
    };
    let Ok(json_text) = std::str::from_utf8(&bytes) else {
        findings.push(
            Finding::new(
                &rules::TOKEN_MALFORMED,
                format!("the {name} decodes to bytes that are not UTF-8"),
            )
            .at(0, span)
            .element(element),
        );
        return None;
    };
    match crate::json::parse(json_text) {
        Ok(Value::Object(m)) => Some(m),
        Ok(other) => {
            let what = match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            };
            findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    format!("the {name} is JSON {what}, not a JSON object"),
                )
                .at(0, span)
                .element(element)
                .expected("a JSON object")
                .found(json_text.chars().take(80).collect::<String>()),
            );
            None
        }
        Err(e) if e.kind == JsonErrorKind::DuplicateKey => {
            // A finding, not a fatal error: the other segments are still checked. This
            // segment is not read further: neither the first nor the last value is chosen.
            findings.push(
                Finding::new(
                    &input::JSON_DUPLICATE_KEY,
                    format!("the {name} repeats a member ({}); its claims are not read, since parsers disagree on which value wins", e.message),
                )
                .at(0, span)
                .element(element),
            );
            None
        }
        Err(e) => {
            let found: String = json_text.chars().take(80).collect();
            findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    format!(
                        "the {name} is not JSON ({}:{}: {})",
                        e.line, e.column, e.message
                    ),
                )
                .at(0, span)
                .element(element)
                .found(found),
            );
            None
        }
    }
}

/// The token's own `iat` as an instant, when it is a plain NumericDate.
pub fn issued_at(claims: &Map<String, Value>) -> Option<DateTime<Utc>> {
    claims::numeric_date(claims.get("iat")?)
}

/// Check one compact token against the expectations, reporting every failure.
pub fn check_token(text: &str, exp: &OidcExpectations, clock: Clock, skew: Duration) -> TokenCheck {
    let segments = jose::split(text);
    let (allowed, allowed_source) = exp.allow_list();
    let mut check = TokenCheck {
        kind: if segments.spans.len() == 5 {
            TokenKind::Jwe
        } else {
            TokenKind::Jws
        },
        segments: segments.clone(),
        header: None,
        claims: None,
        findings: Vec::new(),
        key_selection: Vec::new(),
        signature: SignatureOutcome::NotChecked("the token could not be decoded".into()),
        allowed_algorithms: allowed,
        allowed_source,
        evaluated_at: None,
        skew,
    };
    let whole = Span::new(0, text.len());
    if text.len() > MAX_TOKEN_BYTES {
        check.findings.push(
            Finding::new(
                &rules::TOKEN_TOO_LARGE,
                format!(
                    "the token is {} bytes; ssolint's cap is {MAX_TOKEN_BYTES} bytes (16 KiB), and browsers, proxies and IdPs drop headers and cookies around that size",
                    text.len()
                ),
            )
            .at(0, whole)
            .expected(format!("at most {MAX_TOKEN_BYTES} bytes"))
            .found(format!("{} bytes", text.len())),
        );
    }
    match segments.spans.len() {
        3 => {}
        5 => {
            let header = decode_object(text, segments.get(0), "header", &mut check.findings);
            let enc = header
                .as_ref()
                .and_then(|h| h.get("enc"))
                .and_then(Value::as_str)
                .map(|e| format!(" (enc {e})"))
                .unwrap_or_default();
            check.findings.push(
                Finding::new(
                    &rules::TOKEN_ENCRYPTED,
                    format!("this is an encrypted token (JWE, five segments){enc}: its claims cannot be read or checked without the relying party's decryption key, which ssolint does not take"),
                )
                .at(0, segments.get(0))
                .element("header"),
            );
            check.header = header;
            check.signature = SignatureOutcome::NotChecked("the token is encrypted (JWE)".into());
            return check;
        }
        n => {
            check.findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    format!("the token has {n} segment{}; a signed JWT has exactly 3 (header.payload.signature) and an encrypted one 5", if n == 1 { "" } else { "s" }),
                )
                .at(0, whole)
                .expected("3 dot-separated segments")
                .found(format!("{n}")),
            );
            return check;
        }
    }
    let (h_span, p_span, s_span) = (segments.get(0), segments.get(1), segments.get(2));
    check.header = decode_object(text, h_span, "header", &mut check.findings);
    check.claims = decode_object(text, p_span, "payload", &mut check.findings);
    let signature = match jose::b64url_strict(jose::segment_text(text, s_span)) {
        Ok(sig) => Some(sig),
        Err(e) => {
            check.findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    format!("the signature segment is not strict base64url: {e}"),
                )
                .at(0, s_span)
                .element("signature"),
            );
            None
        }
    };

    let alg = check_header(&mut check, h_span);
    match (&alg, &signature) {
        (Some(alg), Some(sig)) => {
            let signing_input = text.get(..p_span.end).unwrap_or("").as_bytes();
            check_signature(&mut check, exp, alg, signing_input, sig, h_span);
            // Key selection still runs for a refused algorithm (it explains algorithm
            // confusion), but nothing signed with it may read as verified.
            if !check.allowed_algorithms.contains(alg) {
                if let SignatureOutcome::Verified { .. } = check.signature {
                    check.signature = SignatureOutcome::NotChecked(format!(
                        "the signature would verify, but alg {alg} is not allowed, so it is not accepted"
                    ));
                }
            }
        }
        (None, _) => {
            check.signature = SignatureOutcome::NotChecked(
                "the header names no algorithm that is allowed and usable".into(),
            );
        }
        (Some(_), None) => {
            check.signature =
                SignatureOutcome::NotChecked("the signature segment could not be decoded".into());
        }
    }

    if let Some(c) = check.claims.as_ref() {
        let now = match clock {
            Clock::Fixed(t) => Some(t),
            Clock::IssueInstant => issued_at(c),
        };
        let ctx = claims::ClaimContext {
            claims: c,
            span: p_span,
            exp,
            now,
            skew,
            alg: alg.as_deref(),
        };
        let found = claims::check(&ctx);
        check.evaluated_at = now;
        check.findings.extend(found);
    }
    check
}

/// Header checks: alg (none, allow-list), key injection members, crit. Returns the alg when
/// it is one ssolint can verify.
fn check_header(check: &mut TokenCheck, span: Span) -> Option<String> {
    let header = check.header.take()?;
    let alg = header_findings(
        &header,
        &mut check.findings,
        &check.allowed_algorithms,
        &check.allowed_source,
        span,
    );
    check.header = Some(header);
    alg
}

fn header_findings(
    header: &Map<String, Value>,
    findings: &mut Vec<Finding>,
    allowed: &[String],
    allowed_source: &AllowSource,
    span: Span,
) -> Option<String> {
    let injected: Vec<&str> = ["jku", "x5u", "jwk", "x5c"]
        .into_iter()
        .filter(|m| header.contains_key(*m))
        .collect();
    if !injected.is_empty() {
        findings.push(
            Finding::new(
                &rules::HEADER_KEY_INJECTION,
                format!(
                    "the header carries {}: a key or key location chosen by whoever made the token; ssolint never fetches or trusts it and verifies only with the configured JWKS",
                    injected.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(0, span)
            .element(format!("header.{}", injected.first().copied().unwrap_or("jwk")))
            .found(injected.join(", ")),
        );
    }
    if let Some(crit) = header.get("crit") {
        let names = match crit.as_array() {
            Some(a) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => crit.to_string(),
        };
        findings.push(
            Finding::new(
                &rules::CRIT_UNSUPPORTED,
                format!("the header marks [{names}] as critical; ssolint understands no critical header parameter, so RFC 7515 §4.1.11 requires rejecting the token"),
            )
            .at(0, span)
            .element("header.crit")
            .found(names),
        );
    }
    let alg = match header.get("alg") {
        Some(Value::String(a)) => a.clone(),
        Some(other) => {
            findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    "the header's `alg` is not a string",
                )
                .at(0, span)
                .element("header.alg")
                .found(other.to_string()),
            );
            return None;
        }
        None => {
            findings.push(
                Finding::new(
                    &rules::TOKEN_MALFORMED,
                    "the header has no `alg` (RFC 7515 §4.1.1: required)",
                )
                .at(0, span)
                .element("header.alg"),
            );
            return None;
        }
    };
    if alg.eq_ignore_ascii_case("none") {
        findings.push(
            Finding::new(
                &rules::ALG_NONE,
                format!("the header says alg {alg:?}: an unsigned token, which anyone can write; it is never accepted"),
            )
            .at(0, span)
            .element("header.alg")
            .expected(allowed.join(", "))
            .found(alg),
        );
        return None;
    }
    let supported = verify::family(&alg).is_some();
    if !supported || !allowed.contains(&alg) {
        let mut why = String::new();
        if !supported {
            let close = verify::SUPPORTED
                .iter()
                .find(|a| a.eq_ignore_ascii_case(&alg));
            why = match close {
                Some(c) => format!(" (algorithm names are case-sensitive: {alg} is not {c}, and is no JWS algorithm)"),
                None => " (not a JWS algorithm ssolint verifies)".into(),
            };
        } else if let Some(close) = allowed.iter().find(|a| a.eq_ignore_ascii_case(&alg)) {
            why =
                format!(" (algorithm names are case-sensitive: {close} is allowed, {alg} is not)");
        }
        findings.push(
            Finding::new(
                &rules::ALG_NOT_ALLOWED,
                format!(
                    "the header says alg {alg}, which {} {}{why}; the algorithm is taken from the configuration, never from the token",
                    if supported { "is not in" } else { "is refused whatever" },
                    allowed_source.describe()
                ),
            )
            .at(0, span)
            .element("header.alg")
            .expected(allowed.join(", "))
            .found(alg.clone()),
        );
    }
    supported.then_some(alg)
}

/// Why each key is or is not a candidate for (alg, kid).
pub fn select_keys(jwks: &Jwks, alg: &str, kid: Option<&str>) -> Vec<KeyCandidate> {
    let need = verify::key_requirement(alg);
    jwks.keys
        .iter()
        .map(|k| {
            let mut c = KeyCandidate {
                index: k.index,
                kid: k.kid.clone(),
                kty: k.kty.clone(),
                candidate: false,
                reason: String::new(),
                type_mismatch: false,
            };
            let Some((kty, crv)) = need else {
                c.reason = format!("{alg} is not an algorithm ssolint verifies");
                return c;
            };
            // A key without a kid may verify any token (RFC 7517 §4.5 makes kid optional); a
            // key with another kid may not.
            if let (Some(want), Some(other)) = (kid, k.kid.as_deref()) {
                if other != want {
                    c.reason = format!("kid {other:?} is not the token's {want:?}");
                    return c;
                }
            }
            if let Some(u) = k.use_.as_deref().filter(|u| *u != "sig") {
                c.reason = format!("use={u:?}: an encryption key, never used to verify signatures (Keycloak publishes such keys beside its signing keys)");
                return c;
            }
            if let Some(ops) = k.key_ops.as_ref().filter(|ops| !ops.iter().any(|o| o == "verify")) {
                c.reason = format!("key_ops {ops:?} does not include \"verify\"");
                return c;
            }
            if k.kty != kty || (crv.is_some() && k.crv.as_deref() != crv) {
                let needs = match crv {
                    Some(cv) => format!("{kty} {cv}"),
                    None => kty.to_string(),
                };
                let has = match &k.crv {
                    Some(cv) => format!("{} {cv}", k.kty),
                    None => k.kty.clone(),
                };
                c.reason = format!("a {has} key cannot verify {alg}, which needs {needs}");
                c.type_mismatch = true;
                return c;
            }
            if let Some(a) = k.alg.as_deref().filter(|a| *a != alg) {
                c.reason = format!("its alg member says {a}, the token says {alg}");
                return c;
            }
            c.candidate = true;
            let by_kid = match (kid, &k.kid) {
                (Some(_), Some(_)) => "kid matches",
                (Some(_), None) => "the key has no kid, so it may verify any token",
                (None, _) => "the token names no kid",
            };
            let by_alg = if k.alg.is_some() {
                format!("alg member {alg}")
            } else {
                format!("no alg member (Entra publishes keys without one), so kty {} decides", k.kty)
            };
            c.reason = format!("candidate: {by_kid}, {by_alg}");
            c
        })
        .collect()
}

fn check_signature(
    check: &mut TokenCheck,
    exp: &OidcExpectations,
    alg: &str,
    signing_input: &[u8],
    sig: &[u8],
    h_span: Span,
) {
    let Some(jwks) = exp.jwks.as_ref() else {
        check.signature =
            SignatureOutcome::NotChecked("no JWKS given (--jwks or [oidc] jwks)".into());
        check.findings.push(
            Finding::new(
                &rules::SIGNATURE_UNCHECKED,
                "no JWKS was given, so the signature was not verified and nothing in the token can be trusted; a discovery document's jwks_uri is never fetched",
            )
            .at(0, h_span)
            .element("signature"),
        );
        return;
    };
    let kid = check.header_str("kid").map(str::to_string);
    let selection = select_keys(jwks, alg, kid.as_deref());
    let candidates: Vec<&KeyCandidate> = selection.iter().filter(|c| c.candidate).collect();
    // Only the findings for no candidate or several quote every key's reason.
    let explain = if candidates.len() == 1 {
        String::new()
    } else {
        selection
            .iter()
            .map(|c| format!("key #{}: {}", c.index, c.reason))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let is_hmac = verify::family(alg) == Some(verify::Family::Hmac);
    if candidates.is_empty() {
        let kid_known = kid
            .as_deref()
            .is_some_and(|want| jwks.keys.iter().any(|k| k.kid.as_deref() == Some(want)));
        let asymmetric: Vec<&KeyCandidate> = selection
            .iter()
            .filter(|c| c.type_mismatch && c.kty != "oct")
            .collect();
        if is_hmac && !asymmetric.is_empty() {
            check.findings.push(
                Finding::new(
                    &rules::ALG_KEY_MISMATCH,
                    format!("the token says {alg} (a shared-secret MAC) but the JWKS holds only public keys for it: algorithm confusion, where a public key is used as the HMAC secret (GHSA-ffqj-6fqr-9h24). A public key is never an HMAC secret. Keys: {explain}"),
                )
                .at(0, h_span)
                .element("header.alg")
                .expected("an asymmetric algorithm matching the key (RS256, ES256, EdDSA, …)")
                .found(alg.to_string()),
            );
        } else if kid.is_some() && !kid_known {
            let known: Vec<String> = jwks.keys.iter().filter_map(|k| k.kid.clone()).collect();
            check.findings.push(
                Finding::new(
                    &rules::KID_UNKNOWN,
                    format!("no key in the JWKS has kid {:?}: the IdP has probably rotated its keys since the JWKS file was saved. Keys: {explain}", kid.as_deref().unwrap_or("")),
                )
                .at(0, h_span)
                .element("header.kid")
                .expected(known.join(", "))
                .found(kid.clone().unwrap_or_default()),
            );
        } else if selection.iter().any(|c| c.type_mismatch) {
            check.findings.push(
                Finding::new(
                    &rules::ALG_KEY_MISMATCH,
                    format!("no key in the JWKS fits {alg}. Keys: {explain}"),
                )
                .at(0, h_span)
                .element("header.alg")
                .found(alg.to_string()),
            );
        } else {
            check.findings.push(
                Finding::new(
                    &rules::KID_UNKNOWN,
                    format!("no key in the JWKS may verify this token. Keys: {explain}"),
                )
                .at(0, h_span)
                .element("header.kid")
                .found(kid.clone().unwrap_or_else(|| "(no kid)".into())),
            );
        }
        check.key_selection = selection;
        check.signature = SignatureOutcome::NotChecked("no JWKS key may verify it".into());
        return;
    }
    if candidates.len() > 1 {
        let msg = match &kid {
            Some(k) => format!("{} signing keys share kid {k:?}; each is tried, but a relying party that picks the first may fail. Keys: {explain}", candidates.len()),
            None => format!("the token names no kid and {} keys could verify it; OIDC Core §10.1 requires a kid when the JWKS holds several keys. Each is tried. Keys: {explain}", candidates.len()),
        };
        check.findings.push(
            Finding::new(&rules::KID_AMBIGUOUS, msg)
                .at(0, h_span)
                .element("header.kid"),
        );
    }
    let mut failures = Vec::new();
    let mut verified = None;
    for c in &candidates {
        let Some(key) = jwks.keys.iter().find(|k| k.index == c.index) else {
            continue;
        };
        match verify::verify(alg, key, signing_input, sig) {
            Ok(true) => {
                verified = Some((c.index, c.kid.clone()));
                break;
            }
            Ok(false) => failures.push(format!("key #{}: the signature does not verify", c.index)),
            Err(e) => failures.push(format!("key #{}: {e}", c.index)),
        }
    }
    check.key_selection = selection;
    match verified {
        Some((key_index, kid)) => check.signature = SignatureOutcome::Verified { key_index, kid },
        None => {
            let why = failures.join("; ");
            check.findings.push(
                Finding::new(
                    &rules::SIGNATURE_INVALID,
                    format!("the {alg} signature does not verify with any candidate key ({why}); the token was altered, or was signed by a key this JWKS does not hold"),
                )
                .at(0, h_span)
                .element("signature"),
            );
            check.signature = SignatureOutcome::Invalid(why);
        }
    }
}

/// A token decoded for `decode`: header, claims and the time claims in words.
#[derive(Debug, Clone)]
pub struct Description {
    pub kind: TokenKind,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    /// `exp`, `nbf`, `iat`, `auth_time`: `{ "utc": ..., "relative": "in 5 minutes" }`.
    pub times: Map<String, Value>,
    /// What could not be decoded (the same findings `check` would report).
    pub problems: Vec<Finding>,
}

/// Decode a token without judging it. `now` makes the times relative.
pub fn describe(text: &str, now: Option<DateTime<Utc>>) -> Description {
    let segments = jose::split(text);
    let mut problems = Vec::new();
    let kind = if segments.spans.len() == 5 {
        TokenKind::Jwe
    } else {
        TokenKind::Jws
    };
    let header = decode_object(text, segments.get(0), "header", &mut problems);
    let claims = if kind == TokenKind::Jws && segments.spans.len() == 3 {
        decode_object(text, segments.get(1), "payload", &mut problems)
    } else {
        None
    };
    let mut times = Map::new();
    if let Some(c) = &claims {
        for name in ["iat", "nbf", "exp", "auth_time"] {
            if let Some(t) = c.get(name).and_then(claims::numeric_date) {
                let mut entry = Map::new();
                entry.insert("utc".into(), json!(t.to_rfc3339()));
                if let Some(n) = now {
                    entry.insert("relative".into(), json!(crate::clock::relative(t, n)));
                }
                times.insert(name.into(), Value::Object(entry));
            }
        }
    }
    Description {
        kind,
        header,
        claims,
        times,
        problems,
    }
}

#[cfg(test)]
mod tests;
