//! `oidc.*` rules: ID token checks (`ssolint check TOKEN`), declared once.

use super::{Control, Rule, Severity, Vendor};

pub static TOKEN_MALFORMED: Rule = Rule {
    id: "oidc.token-malformed",
    severity: Severity::Error,
    summary: "The token is not a well-formed compact JWS",
    why: "A signed ID token is exactly three base64url segments (header.payload.signature) whose first two decode to JSON objects. ssolint decodes strictly (no padding, no `+`/`/`, no whitespace, canonical trailing bits): lenient decoders accept several spellings of one token, which is how signature bypasses and parser differentials start.",
    fix: "Copy the whole `id_token` value (from the browser's network tab, a HAR export, or the IdP's token endpoint response) without line breaks or quotes. If your IdP really emits this token, report it to the vendor.",
    controls: &[Control::nist("SI-10"), Control::soc2("CC6.1")],
    source: "RFC 7515 §3.1, §7.1; RFC 7519 §7.2; RFC 4648 §5",
    ..Rule::BLANK
};

pub static TOKEN_ENCRYPTED: Rule = Rule {
    id: "oidc.token-encrypted",
    severity: Severity::Error,
    summary: "The token is encrypted (JWE); its claims cannot be checked",
    why: "Five segments make a JWE (RFC 7516). Its claims are encrypted to the relying party's key, which ssolint does not take, so nothing in it can be checked. ChatGPT Enterprise expects signed, unencrypted ID tokens.",
    fix: "Turn off ID token encryption for the application in the IdP, or check the token the relying party decrypted.",
    vendor_fixes: &[
        (Vendor::Okta, "Okta does not encrypt OIDC ID tokens by default; check for a custom authorization server or token hook that wraps it."),
        (Vendor::Entra, "In the app registration, remove the token encryption certificate (Token encryption) so ID tokens are signed only."),
        (Vendor::Keycloak, "Client → Advanced → Fine grain OpenID Connect configuration: set ID token encryption key management algorithm to empty."),
    ],
    controls: &[Control::nist("SI-10"), Control::soc2("CC6.1")],
    source: "RFC 7516 §7.1; OIDC Core §2 (ID tokens are signed, optionally encrypted)",
    ..Rule::BLANK
};

pub static ALG_NONE: Rule = Rule {
    id: "oidc.alg-none",
    severity: Severity::Error,
    summary: "The token says `alg: none` (unsigned)",
    why: "An unsigned token can be written by anyone. Accepting `none` (in any letter case) is the oldest JWT bypass; the algorithm must come from the relying party's configuration, never from the token.",
    fix: "Sign ID tokens with RS256 (or another asymmetric algorithm) and list it in `[oidc] algorithms`. If an attacker produced this token, the login attempt was forged.",
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 7518 §3.6; RFC 8725 §3.1, §3.2; OIDC Core §3.1.3.7 (7)",
    ..Rule::BLANK
};

pub static ALG_NOT_ALLOWED: Rule = Rule {
    id: "oidc.alg-not-allowed",
    severity: Severity::Error,
    summary: "The header's algorithm is not in the allow-list",
    why: "The allow-list comes from `[oidc] algorithms`, else the discovery document's `id_token_signing_alg_values_supported`, else every asymmetric algorithm. A token whose header names another algorithm (or the right one in another letter case) must be refused, since trusting the header's algorithm is what makes algorithm-confusion attacks work.",
    fix: "Make the IdP sign with an algorithm in the allow-list, or add the algorithm the IdP really uses to `[oidc] algorithms` (names are case-sensitive: `RS256`, not `rs256`).",
    vendor_fixes: &[
        (Vendor::Okta, "Okta signs ID tokens with RS256; check `[oidc] algorithms`."),
        (Vendor::Entra, "Entra signs ID tokens with RS256; check `[oidc] algorithms`."),
        (Vendor::Google, "Google signs ID tokens with RS256."),
        (Vendor::Keycloak, "Client → Advanced → ID token signature algorithm: pick one in the allow-list (RS256 is the default)."),
    ],
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 8725 §3.1; OIDC Core §3.1.3.7 (7); OIDC Discovery §3",
};

pub static ALG_KEY_MISMATCH: Rule = Rule {
    id: "oidc.alg-key-mismatch",
    severity: Severity::Error,
    summary: "The header's algorithm does not fit the JWKS keys (algorithm confusion)",
    why: "An HS256 token verified with an RSA, EC or Ed25519 public key used as the HMAC secret is the classic algorithm-confusion forgery (CVE-2015-9235, GHSA-ffqj-6fqr-9h24): the public key is public, so anyone can compute the MAC. A key is only ever used with algorithms of its own type.",
    fix: "If the token is genuine, the IdP signs with an algorithm its published keys do not support: fix the IdP's signing algorithm. An HS* token against a public JWKS is a forgery attempt.",
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 8725 §2.1, §3.1; RFC 7517 §4; GHSA-ffqj-6fqr-9h24",
    ..Rule::BLANK
};

pub static KID_UNKNOWN: Rule = Rule {
    id: "oidc.kid-unknown",
    severity: Severity::Error,
    summary: "No JWKS key has the token's kid",
    why: "The token names the key that signed it (`kid`); none of the configured JWKS keys has that kid, or only keys that may not verify signatures do. Usually the IdP rotated its signing keys after the JWKS file was saved.",
    fix: "Save the IdP's current JWKS (its `jwks_uri`) again into the file named by `--jwks` / `[oidc] jwks`. ssolint never fetches it.",
    vendor_fixes: &[
        (Vendor::Entra, "Entra rotates signing keys regularly; save https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys again."),
        (Vendor::Okta, "Save https://{yourOktaDomain}/oauth2/v1/keys (or the custom authorization server's /v1/keys) again."),
        (Vendor::Google, "Google rotates keys about every two weeks; save https://www.googleapis.com/oauth2/v3/certs again."),
    ],
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 7515 §4.1.4; OIDC Core §10.1.1 (rotation)",
    ..Rule::BLANK
};

pub static KID_AMBIGUOUS: Rule = Rule {
    id: "oidc.kid-ambiguous",
    severity: Severity::Warning,
    summary: "Several JWKS keys could verify the token",
    why: "Several keys share the token's kid, or the token names no kid while the JWKS holds several usable keys. ssolint tries each and says which verified, but relying parties that take the first match fail at random when the IdP rotates.",
    fix: "Give every key a distinct kid and make the IdP put the kid in the token header (OIDC Core §10.1 requires it when the set has several keys).",
    vendor_fixes: &[
        (Vendor::Keycloak, "Keycloak can publish a signing and an encryption key with the same kid; the `use: enc` key is never a candidate."),
    ],
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §10.1; RFC 7517 §4.5",
    ..Rule::BLANK
};

pub static SIGNATURE_INVALID: Rule = Rule {
    id: "oidc.signature-invalid",
    severity: Severity::Error,
    summary: "The signature does not verify with the JWKS",
    why: "The signature is checked with openssl against the configured JWKS only (never a key from the token). A signature that does not verify means the token was altered, or was signed by a key the JWKS does not hold.",
    fix: "If the token is genuine, the JWKS file is stale or for another tenant/environment: save the IdP's current JWKS again. Otherwise the token was tampered with.",
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 7515 §5.2; RFC 7518 §3; OIDC Core §3.1.3.7 (6)",
    ..Rule::BLANK
};

pub static SIGNATURE_UNCHECKED: Rule = Rule {
    id: "oidc.signature-unchecked",
    severity: Severity::Warning,
    summary: "No JWKS was given, so the signature was not verified",
    why: "Without the IdP's keys nothing in the token can be trusted: every claim check then describes what the token says, not what the IdP said. A discovery document's `jwks_uri` is shown but never fetched (ssolint makes no network connection).",
    fix: "Save the IdP's JWKS (the document at its `jwks_uri`) to a file and pass it with `--jwks` or `[oidc] jwks`.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §3.1.3.7 (6); PRODUCT.md (no network)",
    ..Rule::BLANK
};

pub static HEADER_KEY_INJECTION: Rule = Rule {
    id: "oidc.header-key-injection",
    severity: Severity::Error,
    summary: "The header carries a key or key URL (jku, x5u, jwk, x5c)",
    why: "These members let the token's author pick the verification key. Libraries that trusted an embedded `jwk` or fetched `jku` accepted self-signed forgeries (CVE-2018-0114 and others). ssolint never fetches or trusts them; ID tokens from mainstream IdPs do not carry them.",
    fix: "Remove the member at the IdP (or the proxy that adds it). Keys come only from the configured JWKS.",
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 8725 §3.10; RFC 7515 §4.1.2–4.1.6; CVE-2018-0114",
    ..Rule::BLANK
};

pub static CRIT_UNSUPPORTED: Rule = Rule {
    id: "oidc.crit-unsupported",
    severity: Severity::Error,
    summary: "The header marks parameters as critical",
    why: "RFC 7515 §4.1.11: a recipient that does not understand every parameter named in `crit` must reject the token. ssolint understands no critical header parameter, and an ID token has no reason to carry one.",
    fix: "Remove `crit` from the token header at the IdP.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-13"), Control::nist("SC-23"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "RFC 7515 §4.1.11",
    ..Rule::BLANK
};

pub static ISSUER_MISMATCH: Rule = Rule {
    id: "oidc.issuer-mismatch",
    severity: Severity::Error,
    summary: "The token's issuer is not the expected one",
    why: "The issuer names who vouches for the user. It must equal the configured issuer exactly (Entra's `{tenantid}` template is filled from the `tid` claim, and `allowed_tenants` limits which tenants may sign in). Accepting any issuer lets another tenant's or IdP's tokens in.",
    fix: "Set `[oidc] issuer` (or `--issuer`) to exactly what the IdP writes in `iss`, trailing slash included.",
    vendor_fixes: &[
        (Vendor::Entra, "Use https://login.microsoftonline.com/{tenantid}/v2.0 with allowed_tenants listing your tenant id; a token from sts.windows.net is a v1.0 token (set accessTokenAcceptedVersion to 2)."),
        (Vendor::Okta, "Org authorization server: https://{yourOktaDomain}; custom: https://{yourOktaDomain}/oauth2/{authServerId}."),
        (Vendor::Google, "Google writes https://accounts.google.com."),
        (Vendor::Keycloak, "Keycloak writes https://{host}/realms/{realm}; the host must be the one the browser used."),
    ],
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §3.1.3.7 (2); OIDC Discovery §4.3",
};

pub static AUDIENCE_MISMATCH: Rule = Rule {
    id: "oidc.audience-mismatch",
    severity: Severity::Error,
    summary: "The token is not for this client",
    why: "`aud` must contain the relying party's client id. A token issued to another application must not log the user into this one (token substitution).",
    fix: "Set `[oidc] client_id` (or `--audience`) to the client id of the ChatGPT application at the IdP, or fix the application the IdP issues the token for.",
    vendor_fixes: &[
        (Vendor::Entra, "The client id is the app registration's Application (client) ID."),
        (Vendor::Okta, "The client id is on the application's General tab."),
    ],
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §3.1.3.7 (3); RFC 7519 §4.1.3",
};

pub static AUDIENCE_MISSING: Rule = Rule {
    id: "oidc.audience-missing",
    severity: Severity::Error,
    summary: "The token has no `aud` claim",
    why: "OIDC Core §2 requires `aud`. Without it the token does not say which client it is for, so a token for any application would be accepted.",
    fix: "Configure the IdP application so ID tokens carry `aud` (every mainstream IdP does this by default).",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §2, §3.1.3.7 (3)",
    ..Rule::BLANK
};

pub static AZP_MISMATCH: Rule = Rule {
    id: "oidc.azp-mismatch",
    severity: Severity::Error,
    summary: "The authorised party (`azp`) is missing or not this client",
    why: "With several audiences, OIDC Core requires `azp` naming the client the token was issued to; when present it should equal this client id. Otherwise a token obtained by another client that lists this one as an extra audience is accepted.",
    fix: "Request the token with this client's own client id, or remove the extra audiences.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §2, §3.1.3.7 (4, 5)",
    ..Rule::BLANK
};

pub static EXPIRED: Rule = Rule {
    id: "oidc.expired",
    severity: Severity::Error,
    summary: "The token has expired",
    why: "A token whose `exp` is at or before now minus the allowed skew is expired (`exp` equal to now is already expired). The message says by how much and whether the skew would have saved it.",
    fix: "Log in again for a fresh token. If fresh tokens already look expired, a clock is wrong: check NTP on the relying party and the IdP, or raise `clock_skew` a little.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-23"), Control::soc2("CC6.1")],
    source: "RFC 7519 §4.1.4; OIDC Core §3.1.3.7 (9)",
    ..Rule::BLANK
};

pub static EXP_MISSING: Rule = Rule {
    id: "oidc.exp-missing",
    severity: Severity::Error,
    summary: "The token has no `exp` claim",
    why: "OIDC Core §2 requires `exp`; a token without one never expires, so a leaked token works forever.",
    fix: "Configure the IdP so ID tokens carry `exp` (every mainstream IdP does this by default).",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-23"), Control::soc2("CC6.1")],
    source: "OIDC Core §2; RFC 7519 §4.1.4",
    ..Rule::BLANK
};

pub static NOT_YET_VALID: Rule = Rule {
    id: "oidc.not-yet-valid",
    severity: Severity::Error,
    summary: "The token is not valid yet (`nbf` in the future)",
    why: "`nbf` after now plus the skew means the token is not valid yet, usually because the IdP's clock runs ahead.",
    fix: "Fix the clock that is wrong (NTP), or raise `clock_skew` slightly.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-23"), Control::soc2("CC6.1")],
    source: "RFC 7519 §4.1.5",
    ..Rule::BLANK
};

pub static IAT_FUTURE: Rule = Rule {
    id: "oidc.iat-future",
    severity: Severity::Error,
    summary: "The token says it was issued in the future",
    why: "An `iat` after now plus the skew is a clock problem on one side (or a forged token).",
    fix: "Fix the clock that is wrong (NTP), or raise `clock_skew` slightly. With an old capture, use `--now issue-instant`.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-23"), Control::soc2("CC6.1")],
    source: "OIDC Core §3.1.3.7 (10); RFC 7519 §4.1.6",
    ..Rule::BLANK
};

pub static IAT_MISSING: Rule = Rule {
    id: "oidc.iat-missing",
    severity: Severity::Error,
    summary: "The token has no `iat` claim",
    why: "OIDC Core §2 requires `iat`; without it the token's age cannot be judged.",
    fix: "Configure the IdP so ID tokens carry `iat` (every mainstream IdP does this by default).",
    controls: &[
        Control::guide("1.1"),
        Control::nist("IA-2"),
        Control::nist("SC-23"),
        Control::soc2("CC6.1"),
    ],
    source: "OIDC Core §2",
    ..Rule::BLANK
};

pub static SUB_MISSING: Rule = Rule {
    id: "oidc.sub-missing",
    severity: Severity::Error,
    summary: "The token has no `sub` claim",
    why: "iss + sub is the only stable, unique identity of the user (OIDC Core §5.7). A token without a non-empty string `sub` cannot be tied to an account safely.",
    fix: "Configure the IdP so ID tokens carry `sub` (it is required by OIDC Core §2).",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::nist("AC-2"), Control::soc2("CC6.1")],
    source: "OIDC Core §2, §5.7",
    ..Rule::BLANK
};

pub static NONCE_MISMATCH: Rule = Rule {
    id: "oidc.nonce-mismatch",
    severity: Severity::Error,
    summary: "The nonce is not the one the authentication request sent",
    why: "The nonce binds the ID token to the browser session that started the login; a missing or different nonce means a replayed or injected token.",
    fix: "Pass the nonce of the authentication request with `--nonce` (from the HAR's authorize URL). If it really differs, the token belongs to another login.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §3.1.3.7 (11), §15.5.2",
    ..Rule::BLANK
};

pub static AT_HASH_MISMATCH: Rule = Rule {
    id: "oidc.at-hash-mismatch",
    severity: Severity::Error,
    summary: "`at_hash` does not match the access token",
    why: "`at_hash` is the base64url left half of the access token's hash under the ID token's algorithm's hash (SHA-512 for EdDSA). A mismatch means the access token was swapped or comes from another login.",
    fix: "Pass the access token issued together with this ID token. If it really differs, the tokens were mixed up or substituted.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::cis("6.3"), Control::soc2("CC6.1")],
    source: "OIDC Core §3.1.3.6, §3.2.2.9",
    ..Rule::BLANK
};

pub static TIME_CLAIM_TYPE: Rule = Rule {
    id: "oidc.time-claim-type",
    severity: Severity::Error,
    summary: "A time claim is not a NumericDate of seconds",
    why: "`exp`, `nbf` and `iat` are JSON numbers of seconds since 1970. Strings (`\"1700000000\"`, RFC 3339 dates) and milliseconds are refused by strict relying parties and misread by lenient ones (milliseconds make a token valid for thousands of years).",
    fix: "Fix the IdP's custom claim mapping or token hook that writes the claim; the standard claims are numbers of seconds.",
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("SC-23"), Control::soc2("CC6.1")],
    source: "RFC 7519 §2 (NumericDate), §4.1.4–4.1.6",
    ..Rule::BLANK
};

pub static EMAIL_MISSING: Rule = Rule {
    id: "oidc.email-missing",
    severity: Severity::Error,
    summary: "The token carries no e-mail address in the matched claim",
    why: "The workspace matches and creates accounts by e-mail (seed 004). Without an e-mail in the configured claim (`[oidc] email_claim`, default `email`) the login cannot complete.",
    fix: "Request the `email` scope and map the user's e-mail to the claim.",
    vendor_fixes: &[
        (Vendor::Okta, "Add the `email` scope to the authorization request; the user's primary e-mail is released with it."),
        (Vendor::Entra, "Add the `email` optional claim (Token configuration) and make sure the user's mail attribute is set; request the `email` scope."),
        (Vendor::Google, "Request the `email` scope."),
        (Vendor::Keycloak, "Make sure the `email` client scope is assigned to the client."),
    ],
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::nist("AC-2"), Control::soc2("CC6.1")],
    source: "OIDC Core §5.1, §5.4; seed 004 (Authentication)",
    ..Rule::BLANK
};

pub static EMAIL_UNVERIFIED: Rule = Rule {
    id: "oidc.email-unverified",
    severity: Severity::Error,
    summary: "The IdP says the e-mail is not verified",
    why: "`email_verified: false` (or the string \"false\") means the IdP does not vouch that the address belongs to the user; matching an account by it lets anyone who typed someone else's address take that account.",
    fix: "Verify the address at the IdP, or stop matching accounts by an unverified address.",
    vendor_fixes: &[
        (Vendor::Keycloak, "Users → the user → Email verified; or Realm settings → Login → Verify email."),
        (Vendor::Google, "Google accounts normally have verified addresses; this is a consumer or unusual account."),
    ],
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::nist("AC-2"), Control::soc2("CC6.1")],
    source: "OIDC Core §5.1 (email_verified), §5.7",
    ..Rule::BLANK
};

pub static EMAIL_DOMAIN_UNVERIFIED: Rule = Rule {
    id: "oidc.email-domain-unverified",
    severity: Severity::Warning,
    summary: "The user's e-mail domain is not a verified workspace domain",
    why: "SSO applies only to users whose e-mail domain is verified in the workspace (seed 004): this user can still use password or social login, and SSO enforcement does not cover them.",
    fix: "Verify the domain in the workspace (Identity & Provisioning) and add it to `[workspace] verified_domains`, or fix the user's e-mail at the IdP.",
    profile: Some("L1"),
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::nist("AC-2"), Control::soc2("CC6.1")],
    source: "seed 004 (Domain verification, Authentication)",
    ..Rule::BLANK
};

pub static GROUPS_MISSING: Rule = Rule {
    id: "oidc.groups-missing",
    severity: Severity::Error,
    summary: "The token has no groups claim",
    why: "Group mappings give users their role or workspace; a token without the configured groups claim (`[oidc] groups_claim`) gives them none.",
    fix: "Configure the IdP to emit the groups claim for this application.",
    vendor_fixes: &[
        (Vendor::Okta, "Application → Sign On → OpenID Connect ID Token → Groups claim type/filter (e.g. `groups` matching `^ChatGPT`)."),
        (Vendor::Entra, "App registration → Token configuration → Add groups claim (Security groups or Groups assigned to the application)."),
        (Vendor::Google, "Google ID tokens carry no groups; use SCIM or a directory lookup."),
        (Vendor::Keycloak, "Client scopes → add a Group Membership mapper with token claim name `groups`."),
    ],
    controls: &[Control::guide("1.4"), Control::nist("AC-2"), Control::nist("AC-3"), Control::soc2("CC6.3")],
    source: "OIDC Core §5.1.2 (additional claims); seed 004 (SCIM groups)",
    ..Rule::BLANK
};

pub static GROUPS_OVERAGE: Rule = Rule {
    id: "oidc.groups-overage",
    severity: Severity::Error,
    summary: "Entra left the groups out (overage): the groups are unknown, not empty",
    why: "When a user is in more groups than fit in a token (150 for JWTs), Entra omits `groups` and sends `_claim_names.groups` (or `hasgroups`) pointing at Microsoft Graph. The user's groups are then unknown, not empty: treating them as empty silently drops roles.",
    fix: "Emit only the groups assigned to the application (Token configuration → groups claim → Groups assigned to the application), or filter groups, so the claim fits.",
    vendor_fixes: &[
        (Vendor::Entra, "App registration → Token configuration → Edit groups claim → 'Groups assigned to the application', and assign only the ChatGPT groups."),
    ],
    controls: &[Control::guide("1.4"), Control::nist("AC-2"), Control::nist("AC-3"), Control::soc2("CC6.3")],
    source: "Microsoft identity platform: groups overage claim (_claim_names, hasgroups)",
    ..Rule::BLANK
};

pub static IDENTITY_BY_EMAIL: Rule = Rule {
    id: "oidc.identity-by-email",
    severity: Severity::Warning,
    summary: "Accounts are matched by a mutable claim rather than iss + sub",
    why: "Fires when `[oidc] email_claim` names a claim users or tenant admins can change without verification (`preferred_username`, `upn`, `unique_name`, `name`, `nickname`, `username`, `login_hint`), or when an Entra token's `email` (an unverified directory attribute any tenant admin can set: the nOAuth class) is the matching claim and the token carries no `xms_edov` (domain owner verified) claim. Whoever sets that claim to someone else's address gets their account.",
    fix: "Match accounts by a verified `email` and key stored accounts by iss + sub. In Entra, add the `xms_edov` optional claim and restrict `allowed_tenants`.",
    vendor_fixes: &[
        (Vendor::Entra, "Token configuration → Add optional claim → xms_edov; set allowed_tenants to your tenant id so other tenants' admins cannot mint matching e-mails."),
    ],
    controls: &[Control::guide("1.1"), Control::nist("IA-2"), Control::nist("IA-8"), Control::nist("AC-2"), Control::soc2("CC6.1")],
    source: "OIDC Core §5.7 (claim stability); Microsoft identity platform: claims validation (xms_edov); nOAuth (Descope, 2023)",
    ..Rule::BLANK
};

pub static TOKEN_TOO_LARGE: Rule = Rule {
    id: "oidc.token-too-large",
    severity: Severity::Error,
    summary: "The token is larger than 16 KiB",
    why: "Compact tokens over 16 KiB (16384 bytes, ssolint's cap) break on their way: browsers, proxies and IdPs cap cookies and headers around 8–16 KiB. It is usually a groups claim that grew with the directory. The token is still checked.",
    fix: "Emit only the groups the application needs (a group filter), or move large claims out of the ID token.",
    vendor_fixes: &[
        (Vendor::Entra, "Token configuration → groups claim → 'Groups assigned to the application'."),
        (Vendor::Okta, "Use a groups claim filter (e.g. regex `^ChatGPT`) instead of all groups."),
    ],
    controls: &[Control::nist("SI-10"), Control::soc2("CC6.1")],
    source: "RFC 7230 §3.2.5 (header size limits); RFC 6265 §6.1",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &TOKEN_MALFORMED,
    &TOKEN_ENCRYPTED,
    &ALG_NONE,
    &ALG_NOT_ALLOWED,
    &ALG_KEY_MISMATCH,
    &KID_UNKNOWN,
    &KID_AMBIGUOUS,
    &SIGNATURE_INVALID,
    &SIGNATURE_UNCHECKED,
    &HEADER_KEY_INJECTION,
    &CRIT_UNSUPPORTED,
    &ISSUER_MISMATCH,
    &AUDIENCE_MISMATCH,
    &AUDIENCE_MISSING,
    &AZP_MISMATCH,
    &EXPIRED,
    &EXP_MISSING,
    &NOT_YET_VALID,
    &IAT_FUTURE,
    &IAT_MISSING,
    &SUB_MISSING,
    &NONCE_MISMATCH,
    &AT_HASH_MISMATCH,
    &TIME_CLAIM_TYPE,
    &EMAIL_MISSING,
    &EMAIL_UNVERIFIED,
    &EMAIL_DOMAIN_UNVERIFIED,
    &GROUPS_MISSING,
    &GROUPS_OVERAGE,
    &IDENTITY_BY_EMAIL,
    &TOKEN_TOO_LARGE,
];
