//! Claim checks (OIDC Core §3.1.3.7, §2; RFC 7519 §4.1), all of them, every time.

use super::{verify, OidcExpectations};
use crate::clock::{human_duration, stamp};
use crate::findings::Finding;
use crate::rules::{oidc as rules, Rule};
use crate::source::Span;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Map, Value};

/// NumericDate values above this are milliseconds, not seconds: as seconds it is the year
/// 5138, as milliseconds 1973.
const MILLISECONDS_THRESHOLD: f64 = 1e11;

/// Claims the IdP lets a user or tenant administrator change without verification: matching
/// an account by one of them lets whoever controls the claim take over the account.
const MUTABLE_IDENTITY_CLAIMS: [&str; 7] = [
    "preferred_username",
    "upn",
    "unique_name",
    "name",
    "nickname",
    "username",
    "login_hint",
];

pub struct ClaimContext<'a> {
    pub claims: &'a Map<String, Value>,
    /// The payload segment: every claim finding points here.
    pub span: Span,
    pub exp: &'a OidcExpectations,
    /// `None`: `--now issue-instant` and the token has no usable iat.
    pub now: Option<DateTime<Utc>>,
    pub skew: Duration,
    pub alg: Option<&'a str>,
}

impl ClaimContext<'_> {
    fn finding(&self, rule: &'static Rule, claim: &str, msg: impl Into<String>) -> Finding {
        Finding::new(rule, msg)
            .at(0, self.span)
            .element(format!("payload.{claim}"))
    }

    fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name)?.as_str()
    }
}

/// A NumericDate (JSON number of seconds, fractions allowed) as an instant.
pub fn numeric_date(v: &Value) -> Option<DateTime<Utc>> {
    let secs = v.as_f64()?;
    if !secs.is_finite() || secs.abs() >= MILLISECONDS_THRESHOLD {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9) as u32;
    Utc.timestamp_opt(whole as i64, nanos).single()
}

/// Read a time claim; a wrongly typed one becomes an `oidc.time-claim-type` finding.
fn time_claim(ctx: &ClaimContext, name: &str, out: &mut Vec<Finding>) -> Option<DateTime<Utc>> {
    let v = ctx.claims.get(name)?;
    if let Some(t) = numeric_date(v) {
        return Some(t);
    }
    let (msg, found) = match v {
        Value::Number(n) => {
            let as_ms = n
                .as_f64()
                .and_then(|ms| Utc.timestamp_millis_opt(ms as i64).single())
                .map(|t| format!(" (read as milliseconds it would be {})", stamp(t)))
                .unwrap_or_default();
            (
                format!("`{name}` is {n}, which is milliseconds rather than seconds{as_ms}; a NumericDate counts seconds since 1970"),
                n.to_string(),
            )
        }
        Value::String(s) => {
            let hint = if s.trim().parse::<f64>().is_ok() {
                " (a number in quotes)"
            } else if DateTime::parse_from_rfc3339(s).is_ok() {
                " (an RFC 3339 date)"
            } else {
                ""
            };
            (
                format!("`{name}` is the string {s:?}{hint}; a NumericDate is a JSON number of seconds, and strict relying parties reject the token"),
                format!("{s:?}"),
            )
        }
        other => (
            format!("`{name}` is {other}, not a NumericDate (a JSON number of seconds)"),
            other.to_string(),
        ),
    };
    out.push(
        ctx.finding(&rules::TIME_CLAIM_TYPE, name, msg)
            .expected("a JSON number of seconds since 1970 (NumericDate)")
            .found(found),
    );
    None
}

pub fn check(ctx: &ClaimContext) -> Vec<Finding> {
    let mut out = Vec::new();
    check_times(ctx, &mut out);
    check_issuer(ctx, &mut out);
    check_audience(ctx, &mut out);
    check_subject_nonce_hash(ctx, &mut out);
    check_email(ctx, &mut out);
    check_groups(ctx, &mut out);
    check_identity_claim(ctx, &mut out);
    out
}

fn check_times(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    let exp = time_claim(ctx, "exp", out);
    let nbf = time_claim(ctx, "nbf", out);
    let iat = time_claim(ctx, "iat", out);
    // In words only for the findings that quote it.
    let skew_words = || human_duration(ctx.skew);
    if !ctx.claims.contains_key("exp") {
        out.push(
            ctx.finding(&rules::EXP_MISSING, "exp", "the token has no `exp`: an ID token must say when it expires (OIDC Core §2), or it is valid forever")
                .expected("exp (NumericDate)"),
        );
    }
    if !ctx.claims.contains_key("iat") {
        out.push(
            ctx.finding(
                &rules::IAT_MISSING,
                "iat",
                "the token has no `iat`: OIDC Core §2 requires the issue time",
            )
            .expected("iat (NumericDate)"),
        );
    }
    let Some(now) = ctx.now else {
        return;
    };
    if let Some(exp) = exp {
        if exp <= now - ctx.skew {
            let beyond = (now - ctx.skew) - exp;
            out.push(
                ctx.finding(
                    &rules::EXPIRED,
                    "exp",
                    format!(
                        "the token expired at {} ({} before {}); the allowed skew ({skew_words}) does not save it: it is {} beyond it",
                        stamp(exp),
                        human_duration(now - exp),
                        stamp(now),
                        human_duration(beyond),
                        skew_words = skew_words()
                    ),
                )
                .expected(format!("exp after {}", stamp(now - ctx.skew)))
                .found(stamp(exp)),
            );
        }
    }
    if let Some(nbf) = nbf {
        if nbf > now + ctx.skew {
            out.push(
                ctx.finding(
                    &rules::NOT_YET_VALID,
                    "nbf",
                    format!(
                        "the token is not valid before {} ({} after {}, more than the allowed skew of {skew_words}): the IdP's clock is probably ahead",
                        stamp(nbf),
                        human_duration(nbf - now),
                        stamp(now),
                        skew_words = skew_words()
                    ),
                )
                .expected(format!("nbf at or before {}", stamp(now + ctx.skew)))
                .found(stamp(nbf)),
            );
        }
    }
    if let Some(iat) = iat {
        if iat > now + ctx.skew {
            out.push(
                ctx.finding(
                    &rules::IAT_FUTURE,
                    "iat",
                    format!(
                        "the token says it was issued at {}, {} in the future of {} (skew {skew_words}): one of the two clocks is wrong",
                        stamp(iat),
                        human_duration(iat - now),
                        stamp(now),
                        skew_words = skew_words()
                    ),
                )
                .expected(format!("iat at or before {}", stamp(now + ctx.skew)))
                .found(stamp(iat)),
            );
        }
    }
}

/// Near-miss explanations for two identifiers that differ.
fn near_miss(expected: &str, found: &str) -> Option<&'static str> {
    let trim = |s: &str| s.trim_end_matches('/').to_string();
    if trim(expected) == trim(found) {
        return Some("they differ only by a trailing slash (Auth0 issuers end with `/`; compare exactly as the IdP writes it)");
    }
    if expected.eq_ignore_ascii_case(found) {
        return Some("they differ only in letter case; the comparison is exact");
    }
    let strip = |s: &str| s.replacen("https://", "", 1).replacen("http://", "", 1);
    if strip(expected) == strip(found) {
        return Some("they differ only in the scheme (http vs https)");
    }
    if found.contains("sts.windows.net") && expected.contains("login.microsoftonline.com") {
        return Some("this is an Entra v1.0 token (sts.windows.net); the v2.0 issuer is login.microsoftonline.com/{tenant}/v2.0: set the app's accessTokenAcceptedVersion to 2 or use the v2.0 endpoints");
    }
    None
}

fn check_issuer(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    let tid = ctx.str_claim("tid");
    let allowed = &ctx.exp.allowed_tenants;
    if !allowed.is_empty() {
        match tid {
            Some(t) if allowed.iter().any(|a| a.eq_ignore_ascii_case(t)) => {}
            Some(t) => out.push(
                ctx.finding(&rules::ISSUER_MISMATCH, "tid", format!("tenant {t} is not in allowed_tenants: a token from any other Entra tenant must be refused"))
                    .expected(allowed.join(", "))
                    .found(t.to_string()),
            ),
            None => out.push(
                ctx.finding(&rules::ISSUER_MISMATCH, "tid", "allowed_tenants is set but the token has no `tid` claim to check it against")
                    .expected(allowed.join(", ")),
            ),
        }
    }
    let Some(template) = ctx.exp.issuer.as_deref() else {
        return;
    };
    let expected = if template.contains("{tenantid}") {
        match tid {
            Some(t) => template.replace("{tenantid}", t),
            None => {
                out.push(
                    ctx.finding(&rules::ISSUER_MISMATCH, "iss", format!("the expected issuer {template} has Entra's {{tenantid}} template, but the token has no `tid` claim to fill it"))
                        .expected(template.to_string()),
                );
                return;
            }
        }
    } else {
        template.to_string()
    };
    match ctx.claims.get("iss") {
        Some(Value::String(iss)) if *iss == expected => {}
        Some(Value::String(iss)) => {
            let why = near_miss(&expected, iss)
                .map(|w| format!(": {w}"))
                .unwrap_or_default();
            let templ = if template != expected {
                format!(" (from {template} with tid {})", tid.unwrap_or(""))
            } else {
                String::new()
            };
            out.push(
                ctx.finding(
                    &rules::ISSUER_MISMATCH,
                    "iss",
                    format!(
                        "the token was issued by {iss}, not the expected {expected}{templ}{why}"
                    ),
                )
                .expected(expected)
                .found(iss.clone()),
            );
        }
        other => out.push(
            ctx.finding(
                &rules::ISSUER_MISMATCH,
                "iss",
                "the token has no string `iss` claim; OIDC Core §2 requires the issuer",
            )
            .expected(expected)
            .found(
                other
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(absent)".into()),
            ),
        ),
    }
}

fn check_audience(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    let client = ctx.exp.audience.as_deref();
    let auds: Vec<String> = match ctx.claims.get("aud") {
        None | Some(Value::Null) => {
            let mut f = ctx.finding(&rules::AUDIENCE_MISSING, "aud", "the token has no `aud` claim: it does not say which client it is for, so any client's token would be accepted (OIDC Core §2 requires aud)");
            if let Some(c) = client {
                f = f.expected(c.to_string());
            }
            out.push(f);
            return;
        }
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        }
        Some(other) => {
            out.push(
                ctx.finding(
                    &rules::AUDIENCE_MISMATCH,
                    "aud",
                    "`aud` must be a string or a non-empty array of strings",
                )
                .expected(client.unwrap_or("a client id").to_string())
                .found(other.to_string()),
            );
            return;
        }
    };
    if let Some(c) = client {
        if !auds.iter().any(|a| a == c) {
            let why = auds
                .iter()
                .find_map(|a| near_miss(c, a))
                .map(|w| format!(": {w}"))
                .unwrap_or_default();
            out.push(
                ctx.finding(
                    &rules::AUDIENCE_MISMATCH,
                    "aud",
                    format!(
                        "the token is for {}, not the client {c}{why}",
                        auds.join(", ")
                    ),
                )
                .expected(c.to_string())
                .found(auds.join(", ")),
            );
        }
    }
    let azp = ctx.claims.get("azp");
    match (azp, auds.len() > 1) {
        (None, true) => out.push(
            ctx.finding(&rules::AZP_MISMATCH, "azp", format!("the token names {} audiences but no `azp`: with several audiences the authorised party must be named (OIDC Core §2)", auds.len()))
                .expected(client.unwrap_or("azp = the client id").to_string()),
        ),
        (Some(Value::String(a)), _) => {
            if let Some(c) = client.filter(|c| a != c) {
                out.push(
                    ctx.finding(&rules::AZP_MISMATCH, "azp", format!("the token was issued to the authorised party {a}, not this client {c}"))
                        .expected(c.to_string())
                        .found(a.clone()),
                );
            }
        }
        (Some(other), _) => out.push(
            ctx.finding(&rules::AZP_MISMATCH, "azp", "`azp` must be a string")
                .found(other.to_string()),
        ),
        (None, false) => {}
    }
}

fn check_subject_nonce_hash(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    match ctx.claims.get("sub") {
        Some(Value::String(s)) if !s.is_empty() => {}
        other => out.push(
            ctx.finding(&rules::SUB_MISSING, "sub", "the token has no non-empty string `sub`: iss + sub is the only stable identity of the user (OIDC Core §2)")
                .found(other.map(|v| v.to_string()).unwrap_or_else(|| "(absent)".into())),
        ),
    }
    if let Some(want) = ctx.exp.nonce.as_deref() {
        match ctx.claims.get("nonce") {
            Some(Value::String(n)) if n == want => {}
            other => out.push(
                ctx.finding(&rules::NONCE_MISMATCH, "nonce", match other {
                    None => "the token has no `nonce`, but the authentication request sent one: a replayed or injected token".to_string(),
                    Some(_) => "the token's nonce is not the one the authentication request sent: a replayed or injected token".to_string(),
                })
                .expected(want.to_string())
                .found(other.map(|v| v.to_string()).unwrap_or_else(|| "(absent)".into())),
            ),
        }
    }
    if let Some(access_token) = ctx.exp.access_token.as_deref() {
        let Some(alg) = ctx.alg else {
            return;
        };
        let computed = verify::at_hash(alg, access_token);
        match (ctx.claims.get("at_hash"), computed) {
            (Some(Value::String(h)), Some(c)) if *h == c => {}
            (found, Some(c)) => out.push(
                ctx.finding(&rules::AT_HASH_MISMATCH, "at_hash", match found {
                    None => format!("the token has no `at_hash`, so it does not bind the access token given (expected {c}, the left half of its {alg} hash)"),
                    Some(_) => format!("`at_hash` does not match the access token given: expected {c} (base64url of the left half of its {alg} hash); the access token was swapped or belongs to another login"),
                })
                .expected(c)
                .found(found.map(|v| v.to_string()).unwrap_or_else(|| "(absent)".into())),
            ),
            (_, None) => {}
        }
    }
}

fn check_email(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    let claim = ctx.exp.email_claim();
    let email = match ctx.claims.get(claim) {
        Some(Value::String(s)) if s.contains('@') => s.clone(),
        other => {
            let found = other
                .map(|v| v.to_string())
                .unwrap_or_else(|| "(absent)".into());
            out.push(
                ctx.finding(&rules::EMAIL_MISSING, claim, format!("the `{claim}` claim carries no e-mail address; the workspace matches and creates accounts by e-mail, so the login cannot complete"))
                    .expected(format!("{claim}: an e-mail address"))
                    .found(found),
            );
            return;
        }
    };
    if claim == "email" {
        let unverified = match ctx.claims.get("email_verified") {
            Some(Value::Bool(false)) => Some("false"),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => {
                Some("\"false\" (a string)")
            }
            _ => None,
        };
        if let Some(v) = unverified {
            out.push(
                ctx.finding(&rules::EMAIL_UNVERIFIED, "email_verified", format!("email_verified is {v}: the IdP does not vouch that {email} belongs to this user, so it must not be used to match an account"))
                    .expected("true")
                    .found(v.to_string()),
            );
        }
    }
    if let Some(domains) = &ctx.exp.verified_domains {
        let domain = email.rsplit('@').next().unwrap_or("");
        if !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
            out.push(
                ctx.finding(&rules::EMAIL_DOMAIN_UNVERIFIED, claim, format!("{domain} is not a verified domain of the workspace: SSO does not apply to this user (seed 004)"))
                    .expected(domains.join(", "))
                    .found(domain.to_string()),
            );
        }
    }
}

fn check_groups(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    let Some(groups) = ctx.exp.groups_claim.as_deref() else {
        return;
    };
    let overage_source = ctx
        .claims
        .get("_claim_names")
        .and_then(Value::as_object)
        .filter(|names| names.contains_key(groups) || names.contains_key("groups"))
        .map(|_| "_claim_names.groups")
        .or_else(|| {
            matches!(
                ctx.claims.get("hasgroups"),
                Some(Value::Bool(true)) | Some(Value::String(_))
            )
            .then_some("hasgroups")
        });
    if let Some(src) = overage_source {
        if !ctx.claims.contains_key(groups) {
            out.push(
                ctx.finding(&rules::GROUPS_OVERAGE, src, format!("the token carries `{src}` instead of `{groups}`: the user is in more groups than Entra puts in a token (150 in JWTs, 6 in implicit-flow tokens), so the groups are unknown — not empty — and group-based access cannot be decided"))
                    .expected(format!("a `{groups}` claim"))
                    .found(src.to_string()),
            );
            return;
        }
    }
    if !ctx.claims.contains_key(groups) {
        out.push(
            ctx.finding(&rules::GROUPS_MISSING, groups, format!("the token has no `{groups}` claim, so group mappings give the user no role or workspace"))
                .expected(format!("`{groups}`: an array of group names")),
        );
    }
}

fn check_identity_claim(ctx: &ClaimContext, out: &mut Vec<Finding>) {
    let claim = ctx.exp.email_claim();
    if MUTABLE_IDENTITY_CLAIMS.contains(&claim) {
        out.push(
            ctx.finding(&rules::IDENTITY_BY_EMAIL, claim, format!("accounts are matched by `{claim}`, a claim the user or a tenant administrator can change without verification; whoever sets it to someone else's address gets their account. Match by the verified `email` (and key stored accounts by iss + sub)"))
                .expected("email_claim = \"email\" (verified), accounts keyed by iss + sub")
                .found(claim.to_string()),
        );
        return;
    }
    // Entra's `email` claim is a mutable, unverified directory attribute (the nOAuth class)
    // unless the token says the domain owner verified it (`xms_edov`).
    let entra = || {
        let iss = ctx.str_claim("iss").unwrap_or("");
        super::vendor_of_issuer(iss) == Some(crate::rules::Vendor::Entra)
    };
    let edov = matches!(ctx.claims.get("xms_edov"), Some(Value::Bool(true)))
        || ctx
            .str_claim("xms_edov")
            .is_some_and(|s| s.eq_ignore_ascii_case("true") || s == "1");
    // The issuer is parsed last, only when the rest holds.
    if claim == "email" && !edov && ctx.claims.get("email_verified").is_none() && entra() {
        out.push(
            ctx.finding(&rules::IDENTITY_BY_EMAIL, "email", "accounts are matched by Entra's `email` claim, which any tenant administrator can set to any address without verification (the nOAuth class); the token carries no `xms_edov` saying the domain owner verified it")
                .expected("the xms_edov optional claim (true), or matching by iss + sub")
                .found("email without xms_edov"),
        );
    }
}
