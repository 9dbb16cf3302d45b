//! `input.*`: what could not be read at all. These end the run with exit code 2.

use super::{Rule, Severity};

pub static UNDECODABLE: Rule = Rule {
    id: "input.undecodable",
    severity: Severity::Error,
    summary: "The input is not any format ssolint recognises",
    why: "ssolint detects raw XML, base64 (standard or URL-safe), HTTP-POST form bodies, HTTP-Redirect URLs (DEFLATE), HAR captures, JWTs and SCIM JSON. Anything else cannot be checked; the message names every encoding that was tried and why each failed.",
    fix: "Paste the whole value the browser sent: the `SAMLResponse` form field (from the browser's network tab or a HAR export), the full redirect URL, or the `id_token`. Copying from a log often truncates or re-wraps it.",
    source: "SAML bindings §3.4 (HTTP-Redirect), §3.5 (HTTP-POST); RFC 7519; HAR 1.2",
    ..Rule::BLANK
};

pub static TOO_LARGE: Rule = Rule {
    id: "input.too-large",
    severity: Severity::Error,
    summary: "The input is larger than the configured cap",
    why: "Inputs are read into memory; a cap keeps a hostile or mistaken input (a whole log file, a video) from exhausting memory. SAML messages are a few kilobytes; metadata aggregates can be large and `lint --metadata` allows more.",
    fix: "Check that the right file was given. For a large federation aggregate, use `ssolint lint --metadata FILE`, which allows larger inputs.",
    source: "ssolint security posture (PRODUCT.md)",
    ..Rule::BLANK
};

pub static XML_MALFORMED: Rule = Rule {
    id: "input.xml-malformed",
    severity: Severity::Error,
    summary: "The XML is not well-formed",
    why: "A message that is not well-formed XML cannot be verified or checked, and parsers that repair it differently from the IdP's signer open the door to parser-differential attacks. ssolint never guesses.",
    fix: "The message was probably truncated or edited. Capture it again (HAR export from the browser's network tab) rather than copying from a log.",
    source: "XML 1.0 §2.1 (well-formed documents)",
    ..Rule::BLANK
};

pub static DTD_FORBIDDEN: Rule = Rule {
    id: "input.dtd-forbidden",
    severity: Severity::Error,
    summary: "The document has a DOCTYPE; DTDs are never processed",
    why: "A DOCTYPE can declare entities that expand to gigabytes (billion laughs) or fetch external files (XXE). No legitimate SAML message or IdP metadata carries one, so ssolint refuses the document without expanding or fetching anything.",
    fix: "Remove the DOCTYPE. If your IdP really emits one, report it to the vendor: SAML 2.0 (core §1.3 and the OASIS security considerations) says DTDs must not be used.",
    source: "SAML 2.0 security and privacy considerations §6.4; CWE-611, CWE-776",
    ..Rule::BLANK
};

pub static TOO_DEEP: Rule = Rule {
    id: "input.too-deep",
    severity: Severity::Error,
    summary: "The document nests deeper, or holds more nodes or attributes, than the limits allow",
    why: "Deep nesting and huge attribute lists are a denial-of-service shape; real SAML messages nest about ten levels deep and carry a handful of attributes per element.",
    fix: "Check that the input is the SAML message itself and not something wrapped around it.",
    source: "ssolint security posture (PRODUCT.md)",
    ..Rule::BLANK
};

pub static JSON_MALFORMED: Rule = Rule {
    id: "input.json-malformed",
    severity: Severity::Error,
    summary: "The JSON is not well-formed",
    why: "HAR files, SCIM payloads, JWKS and discovery documents are JSON; a malformed one cannot be read.",
    fix: "Export the file again; the message gives the line and column where parsing stopped.",
    source: "RFC 8259",
    ..Rule::BLANK
};

pub static JSON_DUPLICATE_KEY: Rule = Rule {
    id: "input.json-duplicate-key",
    severity: Severity::Error,
    summary: "A JSON object repeats a member name",
    why: "RFC 8259 leaves duplicate names undefined: one parser takes the first, another the last. In a token or SCIM payload that difference lets an attacker show one value to a checker and another to the relying party, so ssolint refuses the document at any depth.",
    fix: "Remove the repeated member. If an IdP or library produced it, report it as a bug.",
    source: "RFC 8259 §4; RFC 7515 §5.2 (JOSE header must be rejected on duplicate names)",
    ..Rule::BLANK
};

pub static NOT_UTF8: Rule = Rule {
    id: "input.not-utf8",
    severity: Severity::Error,
    summary: "The text is not UTF-8",
    why: "SAML messages, tokens and configuration files are UTF-8; other encodings are refused rather than guessed, since a guessed encoding changes what was signed.",
    fix: "Save the file as UTF-8 (the message gives the offset of the first bad byte).",
    source: "SAML bindings §3.5.4; RFC 8259 §8.1",
    ..Rule::BLANK
};

pub static INFLATE_BOMB: Rule = Rule {
    id: "input.inflate-bomb",
    severity: Severity::Error,
    summary: "The DEFLATE data inflates past the cap",
    why: "HTTP-Redirect binding messages are DEFLATE-compressed; a few kilobytes can inflate to gigabytes. Inflation stops at the cap instead of exhausting memory.",
    fix: "A real AuthnRequest or LogoutRequest inflates to a few kilobytes; this input is not one.",
    source: "SAML bindings §3.4.4.1; CWE-409",
    ..Rule::BLANK
};

pub static RULES: &[&Rule] = &[
    &UNDECODABLE,
    &TOO_LARGE,
    &XML_MALFORMED,
    &DTD_FORBIDDEN,
    &TOO_DEEP,
    &JSON_MALFORMED,
    &JSON_DUPLICATE_KEY,
    &NOT_UTF8,
    &INFLATE_BOMB,
];
