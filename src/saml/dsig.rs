//! XML-DSig verification of SAML messages, and trust.
//!
//! Everything is read from the one tree: SignedInfo is canonicalised from its own nodes with
//! its own CanonicalizationMethod, and the Reference (URI, transforms, DigestMethod,
//! DigestValue) is read from that same SignedInfo and nowhere else (the CVE-2024-45409
//! class). The referenced element is found by ID (duplicates refused) and must be the
//! signature's parent (the SAML profile's enveloped signature). Keys come only from the
//! caller's trusted certificates; a KeyInfo certificate is compared and reported, never
//! trusted by itself.

use super::signature::{self, alg, Reference, SignatureInfo};
use super::verified;
use crate::findings::{FileId, Finding};
use crate::rules::saml_signature as rules;
use crate::x509::Certificate;
use crate::xml::c14n::{self, Method};
use crate::xml::{Document, NodeId};
use base64::Engine;
use chrono::{DateTime, Utc};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};

pub use verified::{Trust, VerifiedView};

/// Signatures verified per message; any beyond are reported, not verified.
pub const MAX_SIGNATURES: usize = 16;

/// What the service provider requires.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignaturePolicy {
    /// The assertion itself must carry a signature (a signed Response alone is not enough).
    pub require_signed_assertion: bool,
}

/// Which key made the SignatureValue verify.
#[derive(Debug, Clone)]
pub enum KeyOrigin {
    /// The caller's trusted certificate at this index.
    Trusted(usize),
    /// Only the certificate embedded in KeyInfo (at this index) verifies.
    Embedded(usize),
}

/// Why a signature could not be checked as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// SignedInfo, SignatureMethod or SignatureValue missing or unreadable.
    Malformed(String),
    C14nUnsupported(String),
    /// Canonical XML 1.1 of an element below an `xml:base` (the fix-up is not implemented).
    XmlBaseFixup,
    TransformUnsupported(String),
    /// The URI is missing, empty, external, unresolvable, or not the enveloping element.
    ReferenceInvalid(String),
    /// The referenced ID is carried by more than one element.
    DuplicateId(String),
    /// The recomputed digest differs from DigestValue.
    DigestMismatch {
        expected: String,
        computed: String,
    },
    /// The SignatureValue does not verify with any available key.
    ValueInvalid(String),
}

impl Problem {
    pub const XML_BASE_FIXUP: &'static str = "the signed element lies below an xml:base attribute and is canonicalised with Canonical XML 1.1, whose xml:base fix-up ssolint does not implement";
}

/// The result of checking one `ds:Signature`.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    pub info: SignatureInfo,
    /// The element the (single) Reference resolves to by unique ID.
    pub referenced: Option<NodeId>,
    /// The digest over the referenced element matched DigestValue.
    pub digest_ok: bool,
    /// The key that made SignatureValue verify, if any.
    pub key: Option<KeyOrigin>,
    pub problems: Vec<Problem>,
}

impl SignatureCheck {
    /// Digest and SignatureValue both verify, whatever the key and the reference's target.
    pub fn cryptographically_valid(&self) -> bool {
        self.digest_ok && self.key.is_some()
    }

    /// Valid and bound to its enveloping element, with nothing refused.
    pub fn structurally_valid(&self) -> bool {
        self.cryptographically_valid() && self.problems.is_empty()
    }

    /// Structurally valid with a trusted key.
    pub fn trusted(&self) -> bool {
        self.structurally_valid() && matches!(self.key, Some(KeyOrigin::Trusted(_)))
    }

    /// The subtree a structurally valid signature covers (minus the signature itself).
    pub fn coverage(&self) -> Option<NodeId> {
        self.structurally_valid()
            .then_some(self.referenced)
            .flatten()
    }
}

/// Check every signature of the document, apply trust and the SAML profile, detect
/// wrapping, and build the verified view. `at` is the clock used when the message carries no
/// IssueInstant.
pub fn check_signatures(
    doc: &Document,
    file: FileId,
    trusted: &[Certificate],
    policy: &SignaturePolicy,
    at: DateTime<Utc>,
) -> (Vec<Finding>, VerifiedView) {
    let (findings, view, _) = check_signatures_detailed(doc, file, trusted, policy, at);
    (findings, view)
}

/// [`check_signatures`], also returning each signature's check in document order (for
/// callers that describe every signature, such as `decode`).
pub fn check_signatures_detailed(
    doc: &Document,
    file: FileId,
    trusted: &[Certificate],
    policy: &SignaturePolicy,
    at: DateTime<Utc>,
) -> (Vec<Finding>, VerifiedView, Vec<SignatureCheck>) {
    let trusted_keys: Vec<Option<PKey<Public>>> =
        trusted.iter().map(|c| c.public_key().ok()).collect();
    // Each signature costs a canonicalisation of what it references: a hostile message with
    // thousands of them would be quadratic. SAML messages carry two or three.
    let checks: Vec<SignatureCheck> = signature::find_all(doc)
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if i < MAX_SIGNATURES {
                verify_one(doc, s, &trusted_keys)
            } else {
                SignatureCheck {
                    info: signature::parse(doc, s),
                    referenced: None,
                    digest_ok: false,
                    key: None,
                    problems: vec![Problem::Malformed(format!(
                        "the message has more than {MAX_SIGNATURES} signatures; the rest are not verified"
                    ))],
                }
            }
        })
        .collect();
    let instant = issue_instant(doc).unwrap_or(at);
    let mut findings = Vec::new();
    for c in &checks {
        report_signature(doc, file, c, trusted, instant, &mut findings);
    }
    let view = VerifiedView::build(doc, &checks);
    verified::structural_findings(doc, file, &checks, &view, policy, &mut findings);
    (findings, view, checks)
}

/// What a Reference's digest is computed over, once the Reference has been accepted.
pub struct DigestJob<'a> {
    pub target: NodeId,
    /// The enveloped signature, left out.
    pub exclude: Option<NodeId>,
    pub method: &'a Method,
    pub md: MessageDigest,
}

/// The digest of a job computed from the tree that holds the whole referenced element.
pub fn digest_of_tree(doc: &Document, job: &DigestJob) -> Vec<u8> {
    let bytes = c14n::canonicalize(doc, job.target, job.exclude, job.method);
    crate::crypto::Hash::from_message_digest(job.md)
        .map(|h| h.digest(&bytes))
        .unwrap_or_default()
}

/// Verify one signature against the trusted keys (and, failing those, its KeyInfo
/// certificates, to tell an untrusted key from a broken signature).
pub fn verify_one(
    doc: &Document,
    sig: NodeId,
    trusted_keys: &[Option<PKey<Public>>],
) -> SignatureCheck {
    verify_one_with(doc, sig, trusted_keys, &mut |job| digest_of_tree(doc, job))
}

/// [`verify_one`], with the Reference's digest computed by `digest` (which a document read in
/// parts computes from its parts); everything else is read from `doc`.
pub fn verify_one_with(
    doc: &Document,
    sig: NodeId,
    trusted_keys: &[Option<PKey<Public>>],
    digest: &mut dyn FnMut(&DigestJob) -> Vec<u8>,
) -> SignatureCheck {
    let info = signature::parse(doc, sig);
    let mut check = SignatureCheck {
        info,
        referenced: None,
        digest_ok: false,
        key: None,
        problems: Vec::new(),
    };
    let info = &check.info;
    let Some(signed_info) = info.signed_info else {
        check
            .problems
            .push(Problem::Malformed("the Signature has no SignedInfo".into()));
        return check;
    };
    let c14n_uri = info
        .c14n_method
        .as_ref()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let Some(si_method) = Method::from_uri(&c14n_uri, &info.c14n_inclusive_prefixes) else {
        check.problems.push(Problem::C14nUnsupported(c14n_uri));
        return check;
    };
    let mut problems = Vec::new();
    let (referenced, digest_ok) = match info.references.as_slice() {
        [reference] => check_reference(doc, info, reference, digest, &mut problems),
        [] => {
            problems.push(Problem::ReferenceInvalid(
                "SignedInfo has no Reference".into(),
            ));
            (None, false)
        }
        more => {
            problems.push(Problem::ReferenceInvalid(format!(
                "SignedInfo has {} References; the SAML profile allows exactly one",
                more.len()
            )));
            (None, false)
        }
    };
    let key = verify_value(
        doc,
        info,
        signed_info,
        &si_method,
        trusted_keys,
        &mut problems,
    );
    check.referenced = referenced;
    check.digest_ok = digest_ok;
    check.key = key;
    check.problems = problems;
    check
}

/// Resolve the Reference, apply its transforms and compare digests.
fn check_reference(
    doc: &Document,
    info: &SignatureInfo,
    reference: &Reference,
    digest: &mut dyn FnMut(&DigestJob) -> Vec<u8>,
    problems: &mut Vec<Problem>,
) -> (Option<NodeId>, bool) {
    let uri = reference
        .uri
        .as_ref()
        .map(|u| u.value.as_str())
        .unwrap_or("");
    let Some(id) = uri.strip_prefix('#').filter(|id| !id.is_empty()) else {
        let what = if uri.is_empty() {
            "the Reference URI is empty (the whole document), which the SAML profile does not allow"
                .to_string()
        } else {
            format!("the Reference URI {uri:?} is not a same-document #ID reference")
        };
        problems.push(Problem::ReferenceInvalid(what));
        return (None, false);
    };
    let targets = doc.elements_with_id(id);
    let target = match targets.as_slice() {
        [one] => *one,
        [] => {
            problems.push(Problem::ReferenceInvalid(format!(
                "no element has ID {id:?}"
            )));
            return (None, false);
        }
        _ => {
            problems.push(Problem::DuplicateId(id.to_string()));
            return (None, false);
        }
    };
    if Some(target) != info.parent {
        problems.push(Problem::ReferenceInvalid(format!(
            "the Reference points at {} (ID {id:?}), not at the element the signature is in",
            doc.path(target)
        )));
    }

    let mut enveloped = false;
    let mut method: Option<Method> = None;
    for t in &reference.transforms {
        let uri = t.algorithm.as_ref().map(|a| a.value.as_str()).unwrap_or("");
        if uri == alg::ENVELOPED && !enveloped && method.is_none() {
            enveloped = true;
        } else if let (None, Some(m)) = (&method, Method::from_uri(uri, &t.inclusive_prefixes)) {
            method = Some(m);
        } else {
            problems.push(Problem::TransformUnsupported(uri.to_string()));
            return (Some(target), false);
        }
    }
    // Without a canonicalisation transform the node-set is serialised with Canonical XML 1.0.
    let mut method = method.unwrap_or(Method::Inclusive10 { comments: false });
    // A bare-name `#id` reference selects the element *without* its comments, even when a
    // WithComments canonicalisation follows (XML-DSig 1.1 §4.4.3.3).
    method.drop_comments();
    // C14N 1.1 §2.4 joins the omitted ancestors' `xml:base` onto the apex; that fix-up is
    // not implemented, so such a reference is refused rather than digested differently.
    if matches!(method, Method::Inclusive11 { .. }) && inherits_xml_base(doc, target) {
        problems.push(Problem::XmlBaseFixup);
        return (Some(target), false);
    }
    let digest_uri = reference
        .digest_method
        .as_ref()
        .map(|d| d.value.as_str())
        .unwrap_or("");
    let Some(md) = digest_for(digest_uri) else {
        problems.push(Problem::Malformed(format!(
            "DigestMethod {digest_uri:?} is not supported"
        )));
        return (Some(target), false);
    };
    // An enveloped-signature transform excludes the signature that carries it; only that
    // signature can be inside the element it signs.
    let exclude = if enveloped && doc.is_within(info.node, target) {
        Some(info.node)
    } else {
        None
    };
    let computed = digest(&DigestJob {
        target,
        exclude,
        method: &method,
        md,
    });
    let written = reference
        .digest_value
        .as_ref()
        .map(|v| v.value.as_str())
        .unwrap_or("");
    let expected = b64().decode(written).unwrap_or_default();
    if expected.is_empty() || expected != computed {
        problems.push(Problem::DigestMismatch {
            expected: written.to_string(),
            computed: b64().encode(&computed),
        });
        return (Some(target), false);
    }
    (Some(target), true)
}

/// Canonicalise SignedInfo and verify SignatureValue, trusted keys first.
fn verify_value(
    doc: &Document,
    info: &SignatureInfo,
    signed_info: NodeId,
    method: &Method,
    trusted_keys: &[Option<PKey<Public>>],
    problems: &mut Vec<Problem>,
) -> Option<KeyOrigin> {
    let sig_uri = info
        .signature_method
        .as_ref()
        .map(|v| v.value.as_str())
        .unwrap_or("");
    let Some(scheme) = SigScheme::from_uri(sig_uri) else {
        problems.push(Problem::Malformed(format!(
            "SignatureMethod {sig_uri:?} is not supported"
        )));
        return None;
    };
    let Some(value) = info
        .signature_value
        .as_ref()
        .and_then(|v| b64().decode(&v.value).ok())
        .filter(|v| !v.is_empty())
    else {
        problems.push(Problem::Malformed(
            "SignatureValue is missing or not base64".into(),
        ));
        return None;
    };
    let data = c14n::canonicalize(doc, signed_info, None, method);
    for (i, key) in trusted_keys.iter().enumerate() {
        if key
            .as_ref()
            .is_some_and(|k| scheme.verify(k, &data, &value))
        {
            return Some(KeyOrigin::Trusted(i));
        }
    }
    for (i, cert) in info.key_info_certs.iter().enumerate() {
        let key = embedded_certificate(&cert.value).and_then(|c| c.public_key().ok());
        if key.is_some_and(|k| scheme.verify(&k, &data, &value)) {
            return Some(KeyOrigin::Embedded(i));
        }
    }
    problems.push(Problem::ValueInvalid(
        if trusted_keys.is_empty() && info.key_info_certs.is_empty() {
            "no trusted certificate was given and the signature embeds none".into()
        } else {
            "the SignatureValue does not verify with any trusted or embedded certificate".into()
        },
    ));
    None
}

/// A KeyInfo certificate: base64 DER, or (as some IdPs write it) base64 of a PEM block.
/// Only ever used to tell an untrusted key from a broken signature, never trusted.
pub fn embedded_certificate(text: &str) -> Option<Certificate> {
    if let Ok(c) = Certificate::from_base64(text) {
        return Some(c);
    }
    let clean = crate::text::without_ascii_whitespace(text);
    let bytes = b64().decode(clean.as_bytes()).ok()?;
    if !bytes.starts_with(b"-----BEGIN") {
        return None;
    }
    Certificate::from_file_bytes(&bytes)
        .ok()?
        .into_iter()
        .next()
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

pub fn digest_for(uri: &str) -> Option<MessageDigest> {
    Some(match uri {
        alg::SHA1 => MessageDigest::sha1(),
        alg::SHA224 => MessageDigest::sha224(),
        alg::SHA256 => MessageDigest::sha256(),
        alg::SHA384 => MessageDigest::sha384(),
        alg::SHA512 => MessageDigest::sha512(),
        _ => return None,
    })
}

/// A signature algorithm: key type and digest.
#[derive(Clone, Copy)]
pub struct SigScheme {
    pub ecdsa: bool,
    pub md: MessageDigest,
}

impl SigScheme {
    pub fn from_uri(uri: &str) -> Option<SigScheme> {
        let (ecdsa, md) = match uri {
            alg::RSA_SHA1 => (false, MessageDigest::sha1()),
            alg::RSA_SHA256 => (false, MessageDigest::sha256()),
            alg::RSA_SHA384 => (false, MessageDigest::sha384()),
            alg::RSA_SHA512 => (false, MessageDigest::sha512()),
            alg::ECDSA_SHA1 => (true, MessageDigest::sha1()),
            alg::ECDSA_SHA256 => (true, MessageDigest::sha256()),
            alg::ECDSA_SHA384 => (true, MessageDigest::sha384()),
            alg::ECDSA_SHA512 => (true, MessageDigest::sha512()),
            _ => return None,
        };
        Some(SigScheme { ecdsa, md })
    }

    /// Verify `sig` over `data`. ECDSA values are XML-DSig's raw r‖s, each half the size of
    /// the curve's order.
    pub fn verify(&self, key: &PKey<Public>, data: &[u8], sig: &[u8]) -> bool {
        crate::crypto::Hash::from_message_digest(self.md)
            .is_some_and(|hash| crate::crypto::verify(key, self.ecdsa, hash, data, sig))
    }
}

/// Does an ancestor of `node` carry `xml:base`?
fn inherits_xml_base(doc: &Document, node: NodeId) -> bool {
    std::iter::successors(doc.parent(node), |n| doc.parent(*n)).any(|a| {
        doc.attributes(a)
            .iter()
            .any(|at| at.name.is(crate::xml::tree::XML_NS, "base"))
    })
}

/// The root element's IssueInstant, the instant certificate validity is judged at.
fn issue_instant(doc: &Document) -> Option<DateTime<Utc>> {
    let v = doc.attr_value(doc.root, "IssueInstant")?;
    DateTime::parse_from_rfc3339(v.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn validity(c: &Certificate) -> String {
    let fmt = |d: Option<DateTime<Utc>>| d.map(crate::clock::stamp).unwrap_or_else(|| "?".into());
    format!("{} to {}", fmt(c.info.not_before), fmt(c.info.not_after))
}

fn describe_cert(c: &Certificate) -> String {
    format!(
        "{} (SHA-256 {}, valid {})",
        c.info.subject,
        c.info.sha256_fingerprint,
        validity(c)
    )
}

/// Turn one signature's outcome into findings.
fn report_signature(
    doc: &Document,
    file: FileId,
    c: &SignatureCheck,
    trusted: &[Certificate],
    instant: DateTime<Utc>,
    out: &mut Vec<Finding>,
) {
    let info = &c.info;
    let sig_span = doc.span(info.node);
    let element = doc.path(info.node);
    let reference = info.references.first();
    let reference_span = reference.map(|r| doc.span(r.node)).unwrap_or(sig_span);
    let signed_what = info
        .parent
        .and_then(|p| doc.element(p))
        .map(|e| e.name.local.clone())
        .unwrap_or_else(|| "document".into());

    for p in &c.problems {
        let f = match p {
            Problem::Malformed(m) => Finding::new(
                &rules::SIGNATURE_INVALID,
                format!("The {signed_what} signature cannot be verified: {m}."),
            )
            .at(file, sig_span),
            Problem::C14nUnsupported(uri) => {
                let span = info
                    .c14n_method
                    .as_ref()
                    .map(|v| v.span)
                    .unwrap_or(sig_span);
                Finding::new(
                    &rules::C14N_UNSUPPORTED,
                    format!("SignedInfo's CanonicalizationMethod {uri:?} is not one ssolint implements; the signature is not verified."),
                )
                .at(file, span)
                .expected("exc-c14n, c14n 1.0 or c14n 1.1 (with or without comments)")
                .found(uri.clone())
            }
            Problem::XmlBaseFixup => Finding::new(
                &rules::C14N_UNSUPPORTED,
                format!(
                    "The {signed_what} signature is not verified: {}.",
                    Problem::XML_BASE_FIXUP
                ),
            )
            .at(file, reference_span)
            .expected("exc-c14n, or no xml:base above the signed element")
            .found("c14n 1.1 under xml:base"),
            Problem::TransformUnsupported(uri) => {
                let span = reference
                    .and_then(|r| {
                        r.transforms
                            .iter()
                            .find(|t| {
                                t.algorithm.as_ref().map(|a| a.value.as_str()).unwrap_or("") == uri
                            })
                            .map(|t| doc.span(t.node))
                    })
                    .unwrap_or(reference_span);
                Finding::new(
                    &rules::TRANSFORM_UNSUPPORTED,
                    format!("The Reference uses the transform {:?}; only enveloped-signature followed by one canonicalisation is accepted, so the signature is not verified.", alg::short_name(uri)),
                )
                .at(file, span)
                .expected("enveloped-signature, then exc-c14n (or c14n 1.0/1.1)")
                .found(uri.clone())
            }
            Problem::ReferenceInvalid(m) => Finding::new(
                &rules::SIGNATURE_REFERENCE_INVALID,
                format!("The {signed_what} signature's Reference is not acceptable: {m}."),
            )
            .at(file, reference_span)
            .label(file, sig_span, "this signature"),
            Problem::DuplicateId(id) => {
                let mut f = Finding::new(
                    &rules::DUPLICATE_ID,
                    format!("The signature references ID {id:?}, which more than one element carries; which one is signed depends on the parser, so the signature is refused."),
                )
                .at(file, reference_span);
                for n in doc.elements_with_id(id) {
                    f = f.label(file, doc.span(n), format!("{} with ID {id:?}", doc.path(n)));
                }
                f
            }
            Problem::DigestMismatch { expected, computed } => {
                let uri = reference
                    .and_then(|r| r.uri.as_ref())
                    .map(|u| u.value.clone())
                    .unwrap_or_default();
                let span = reference
                    .and_then(|r| r.digest_value.as_ref())
                    .map(|v| v.span)
                    .unwrap_or(reference_span);
                let mut f = Finding::new(
                    &rules::DIGEST_MISMATCH,
                    format!("The digest of Reference URI={uri:?} does not match: {} changed after it was signed.", c.referenced.map(|n| doc.path(n)).unwrap_or_else(|| "the referenced element".into())),
                )
                .at(file, span)
                .expected(expected.clone())
                .found(computed.clone());
                if let Some(n) = c.referenced {
                    let tag = doc.element(n).map(|e| e.start_tag).unwrap_or(doc.span(n));
                    f = f.label(file, tag, "the signed element");
                }
                f
            }
            Problem::ValueInvalid(m) => Finding::new(
                &rules::SIGNATURE_INVALID,
                format!("The {signed_what} SignatureValue does not verify: {m}."),
            )
            .at(
                file,
                info.signature_value
                    .as_ref()
                    .map(|v| v.span)
                    .unwrap_or(sig_span),
            ),
        };
        out.push(f.element(element.clone()));
    }

    // Algorithm strength is reported whatever the outcome.
    let weak: Vec<&str> = info
        .signature_method
        .iter()
        .chain(
            info.references
                .iter()
                .filter_map(|r| r.digest_method.as_ref()),
        )
        .filter(|v| alg::is_sha1(&v.value))
        .map(|v| alg::short_name(&v.value))
        .collect();
    if !weak.is_empty() {
        let span = info
            .signature_method
            .as_ref()
            .filter(|v| alg::is_sha1(&v.value))
            .map(|v| v.span)
            .unwrap_or(sig_span);
        out.push(
            Finding::new(
                &rules::WEAK_ALGORITHM,
                format!(
                    "The {signed_what} signature uses SHA-1 ({}).",
                    weak.join(", ")
                ),
            )
            .at(file, span)
            .element(element.clone())
            .expected("rsa-sha256 and sha256")
            .found(weak.join(", ")),
        );
    }

    // KeyInfo certificates identical to the trusted signer need no parsing.
    let signer_der = match &c.key {
        Some(KeyOrigin::Trusted(i)) => trusted.get(*i).map(|t| &t.der[..]),
        _ => None,
    };
    let embedded: Vec<Option<Certificate>> = info
        .key_info_certs
        .iter()
        .map(|k| {
            let same = signer_der.is_some_and(|der| b64().decode(&k.value).is_ok_and(|d| d == der));
            if same {
                None
            } else {
                embedded_certificate(&k.value)
            }
        })
        .collect();
    let signer: Option<&Certificate> = match &c.key {
        Some(KeyOrigin::Trusted(i)) => trusted.get(*i),
        Some(KeyOrigin::Embedded(i)) => embedded.get(*i).and_then(Option::as_ref),
        None => None,
    };
    if let Some(cert) = signer {
        if cert.info.key_type == "RSA" && cert.info.key_bits < 2048 {
            out.push(
                Finding::new(
                    &rules::WEAK_KEY,
                    format!(
                        "The {signed_what} is signed with a {}-bit RSA key.",
                        cert.info.key_bits
                    ),
                )
                .at(file, sig_span)
                .element(element.clone())
                .expected("RSA 2048 bits or more")
                .found(format!(
                    "RSA {} bits: {}",
                    cert.info.key_bits,
                    describe_cert(cert)
                )),
            );
        }
        if c.digest_ok {
            if let Some(nb) = cert.info.not_before.filter(|nb| instant < *nb) {
                out.push(
                    Finding::new(
                        &rules::SIGNING_CERT_NOT_YET_VALID,
                        format!("The signing certificate is not valid until {} ({} after the message was issued).", crate::clock::stamp(nb), crate::clock::human_duration(nb - instant)),
                    )
                    .at(file, sig_span)
                    .element(element.clone())
                    .found(describe_cert(cert)),
                );
            }
            if let Some(na) = cert.info.not_after.filter(|na| instant > *na) {
                out.push(
                    Finding::new(
                        &rules::SIGNING_CERT_EXPIRED,
                        format!("The signing certificate expired {} ({} before the message was issued).", crate::clock::stamp(na), crate::clock::human_duration(instant - na)),
                    )
                    .at(file, sig_span)
                    .element(element.clone())
                    .found(describe_cert(cert)),
                );
            }
        }
    }

    let ki_span = info
        .key_info_certs
        .first()
        .map(|k| k.span)
        .unwrap_or(sig_span);
    match &c.key {
        Some(KeyOrigin::Trusted(i)) => {
            let trusted_cert = trusted.get(*i);
            let differs = embedded
                .iter()
                .flatten()
                .find(|e| trusted_cert.is_some_and(|t| !t.same_as(e)));
            if let (Some(t), Some(e)) = (trusted_cert, differs) {
                out.push(
                    Finding::new(
                        &rules::KEYINFO_CERT_MISMATCH,
                        "The certificate embedded in the signature differs from the trusted certificate that verified it; the trusted one was used.",
                    )
                    .at(file, ki_span)
                    .element(element.clone())
                    .expected(describe_cert(t))
                    .found(describe_cert(e)),
                );
            }
        }
        Some(KeyOrigin::Embedded(i)) if c.digest_ok && c.problems.is_empty() => {
            let e = embedded.get(*i).cloned().flatten();
            let found = e.as_ref().map(describe_cert).unwrap_or_default();
            if trusted.is_empty() {
                out.push(
                    Finding::new(
                        &rules::TRUST_NOT_ESTABLISHED,
                        format!("The {signed_what} signature is structurally valid against the embedded certificate; trust not established (no IdP certificate or metadata was given)."),
                    )
                    .at(file, sig_span)
                    .element(element.clone())
                    .found(found)
                    .hint("Pass the IdP's signing certificate with --idp-cert FILE or its metadata with --idp-metadata FILE."),
                );
            } else {
                let expected = trusted
                    .iter()
                    .map(describe_cert)
                    .collect::<Vec<_>>()
                    .join("; ");
                out.push(
                    Finding::new(
                        &rules::SIGNATURE_UNTRUSTED_KEY,
                        format!("The {signed_what} is signed by a certificate that is not among the trusted ones: the IdP probably rotated its signing certificate."),
                    )
                    .at(file, ki_span)
                    .element(element.clone())
                    .expected(expected)
                    .found(found)
                    .label(file, sig_span, "this signature verifies only with its embedded certificate"),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::ecdsa::EcdsaSig;
    use openssl::nid::Nid;

    fn p256() -> (PKey<openssl::pkey::Private>, PKey<Public>) {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = EcKey::generate(&group).unwrap();
        let public = EcKey::from_public_key(&group, key.public_key()).unwrap();
        (
            PKey::from_ec_key(key).unwrap(),
            PKey::from_ec_key(public).unwrap(),
        )
    }

    fn raw_signature(key: &PKey<openssl::pkey::Private>, data: &[u8]) -> Vec<u8> {
        let mut s = openssl::sign::Signer::new(MessageDigest::sha256(), key).unwrap();
        let der = s.sign_oneshot_to_vec(data).unwrap();
        let sig = EcdsaSig::from_der(&der).unwrap();
        let mut raw = sig.r().to_vec_padded(32).unwrap();
        raw.extend(sig.s().to_vec_padded(32).unwrap());
        raw
    }

    #[test]
    fn ecdsa_raw_signatures_verify_and_malformed_ones_do_not() {
        let (private, public) = p256();
        let scheme = SigScheme::from_uri(alg::ECDSA_SHA256).unwrap();
        let raw = raw_signature(&private, b"signed info");
        assert!(scheme.verify(&public, b"signed info", &raw));
        assert!(!scheme.verify(&public, b"other", &raw));
        // Wrong lengths, a zero r or s, and DER instead of r‖s are refused.
        assert!(!scheme.verify(&public, b"signed info", &raw[..63]));
        let mut long = raw.clone();
        long.push(0);
        assert!(!scheme.verify(&public, b"signed info", &long));
        let mut zero_r = raw.clone();
        zero_r[..32].fill(0);
        assert!(!scheme.verify(&public, b"signed info", &zero_r));
        let mut zero_s = raw.clone();
        zero_s[32..].fill(0);
        assert!(!scheme.verify(&public, b"signed info", &zero_s));
    }

    #[test]
    fn algorithm_and_key_type_must_match() {
        let (private, public) = p256();
        let raw = raw_signature(&private, b"x");
        // An RSA algorithm never verifies with an EC key.
        let rsa = SigScheme::from_uri(alg::RSA_SHA256).unwrap();
        assert!(!rsa.verify(&public, b"x", &raw));
        assert!(SigScheme::from_uri("http://www.w3.org/2000/09/xmldsig#hmac-sha1").is_none());
        assert!(digest_for("http://www.w3.org/2001/04/xmldsig-more#md5").is_none());
    }

    #[test]
    fn c14n_11_below_an_xml_base_is_refused_not_digested() {
        let signed = |base: &str, c14n: &str| {
            format!(
                r##"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" {base}><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#a1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="{c14n}"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></saml:Assertion></samlp:Response>"##
            )
        };
        let sig_of = |text: &str| {
            let doc = Document::parse(text).unwrap();
            let sig = signature::find_all(&doc)[0];
            verify_one(&doc, sig, &[])
        };
        let below_base = sig_of(&signed(
            r#"xml:base="https://idp.example.test/""#,
            alg::C14N11,
        ));
        assert!(below_base.problems.contains(&Problem::XmlBaseFixup));
        assert!(!below_base
            .problems
            .iter()
            .any(|p| matches!(p, Problem::DigestMismatch { .. })));
        // Without the xml:base, or with exclusive c14n, the digest is computed (and fails).
        for (base, c14n) in [
            ("", alg::C14N11),
            (r#"xml:base="https://idp.example.test/""#, alg::EXC_C14N),
        ] {
            let check = sig_of(&signed(base, c14n));
            assert!(check
                .problems
                .iter()
                .any(|p| matches!(p, Problem::DigestMismatch { .. })));
        }
    }
}
