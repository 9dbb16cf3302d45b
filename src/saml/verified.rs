//! The verified view: which nodes of the document a trusted signature covers, and the
//! structural checks that depend on it (missing or misplaced signatures, wrapping, multiple
//! assertions, duplicate IDs, comments inside values, encrypted assertions).
//!
//! Coverage is the referenced element's subtree minus the signature itself: the very nodes
//! the digest was computed over. Checks that need trust read values only from nodes whose
//! [`Trust`] is [`Trust::Signed`].

use super::dsig::{KeyOrigin, Problem, SignatureCheck, SignaturePolicy};
use super::ns;
use crate::findings::{FileId, Finding};
use crate::rules::saml_signature as rules;
use crate::rules::Severity;
use crate::xml::{c14n, Document, NodeId, NodeKind};
use std::collections::HashMap;

/// How far a node can be believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trust {
    /// No signature claims this node.
    Unsigned,
    /// A signature claims it (it is inside the signature's parent) but did not verify, or
    /// was refused (bad reference, unsupported transform, duplicate ID).
    Unverified,
    /// Covered by a signature that verifies only with its embedded certificate: structurally
    /// valid, trust not established.
    Untrusted,
    /// Covered by a signature that verifies with a trusted certificate.
    Signed,
}

/// Trust per node, and the assertion a service provider would act on.
#[derive(Debug, Clone)]
pub struct VerifiedView {
    trust: Vec<Trust>,
    /// Trusted coverages: (referenced element, signature excluded from it).
    signed: Vec<(NodeId, NodeId)>,
    picked_assertion: Option<NodeId>,
}

impl VerifiedView {
    pub fn build(doc: &Document, checks: &[SignatureCheck]) -> VerifiedView {
        let mut trust = vec![Trust::Unsigned; doc.len()];
        let mut signed = Vec::new();
        let mut raise = |apex: NodeId, exclude: Option<NodeId>, level: Trust| {
            // A subtree is contiguous in the tree and its span contains its descendants'.
            let excluded = exclude.map(|x| doc.span(x));
            for n in std::iter::once(apex).chain(doc.all_descendants(apex)) {
                if excluded.is_some_and(|x| x.contains(doc.span(n))) {
                    continue;
                }
                if let Some(t) = trust.get_mut(n.0 as usize) {
                    *t = (*t).max(level);
                }
            }
        };
        for c in checks {
            match (c.coverage(), &c.key) {
                (Some(apex), Some(KeyOrigin::Trusted(_))) => {
                    raise(apex, Some(c.info.node), Trust::Signed);
                    signed.push((apex, c.info.node));
                }
                (Some(apex), _) => raise(apex, Some(c.info.node), Trust::Untrusted),
                (None, _) => {
                    if let Some(p) = c.info.parent {
                        raise(p, Some(c.info.node), Trust::Unverified);
                    }
                }
            }
        }
        VerifiedView {
            trust,
            signed,
            picked_assertion: picked_assertion(doc),
        }
    }

    pub fn trust_of(&self, node: NodeId) -> Trust {
        self.trust
            .get(node.0 as usize)
            .copied()
            .unwrap_or(Trust::Unsigned)
    }

    /// The assertion an SP acts on (the Response's first Assertion child), when a trusted
    /// signature covers it.
    pub fn signed_assertion(&self) -> Option<NodeId> {
        self.picked_assertion
            .filter(|a| self.trust_of(*a) == Trust::Signed)
    }

    /// Every assertion a trusted signature covers, in document order (more than one only in
    /// messages that are refused anyway).
    pub fn signed_assertions(&self, doc: &Document) -> Vec<NodeId> {
        std::iter::once(doc.root)
            .chain(doc.descendants(doc.root))
            .filter(|n| {
                doc.is_named(*n, ns::SAML, "Assertion") && self.trust_of(*n) == Trust::Signed
            })
            .collect()
    }

    /// The assertion an SP acts on, signed or not.
    pub fn picked_assertion(&self) -> Option<NodeId> {
        self.picked_assertion
    }

    /// Is the root (the Response and its own values: Status, Issuer, Destination) signed?
    pub fn root_signed(&self, doc: &Document) -> bool {
        self.trust_of(doc.root) == Trust::Signed
    }

    /// The signed content, as the canonical (exclusive, comment-free) text of each trusted
    /// coverage: what a consumer of only-signed values can see.
    pub fn signed_content(&self, doc: &Document) -> Vec<String> {
        let method = c14n::Method::Exclusive {
            comments: false,
            inclusive_prefixes: Vec::new(),
        };
        self.signed
            .iter()
            .map(|(apex, sig)| {
                String::from_utf8_lossy(&c14n::canonicalize(doc, *apex, Some(*sig), &method))
                    .into_owned()
            })
            .collect()
    }
}

/// The assertion an SP would pick: the root Assertion, else the Response's first Assertion
/// child, else the first Assertion anywhere.
fn picked_assertion(doc: &Document) -> Option<NodeId> {
    if doc.is_named(doc.root, ns::SAML, "Assertion") {
        return Some(doc.root);
    }
    doc.first_child_named(doc.root, ns::SAML, "Assertion")
        .or_else(|| {
            doc.descendants_named(doc.root, ns::SAML, "Assertion")
                .next()
        })
}

fn has_ancestor(doc: &Document, node: NodeId, ns_uri: &str, local: &str) -> bool {
    let mut cur = doc.parent(node);
    while let Some(c) = cur {
        if doc.is_named(c, ns_uri, local) {
            return true;
        }
        cur = doc.parent(c);
    }
    false
}

/// Name the XSW shape of a cryptographically valid signature over `covered` while the SP
/// acts on `picked` (see docs/security.md for the catalogue).
fn xsw_shape(doc: &Document, picked: Option<NodeId>, c: &SignatureCheck) -> Option<&'static str> {
    let covered = c.referenced?;
    if doc.is_named(covered, ns::SAMLP, "Response") {
        if covered == doc.root {
            return None;
        }
        return Some(if has_ancestor(doc, covered, ns::DS, "Signature") {
            "XSW1"
        } else {
            "XSW2"
        });
    }
    if !doc.is_named(covered, ns::SAML, "Assertion") || picked == Some(covered) {
        return None;
    }
    Some(if c.info.parent != Some(covered) {
        if has_ancestor(doc, covered, ns::DS, "Object") {
            "XSW8"
        } else if has_ancestor(doc, covered, ns::DS, "Signature") {
            "XSW6"
        } else {
            "XSW5"
        }
    } else if picked.is_some_and(|p| doc.is_within(covered, p)) {
        "XSW4"
    } else if has_ancestor(doc, covered, ns::SAMLP, "Extensions") {
        "XSW7"
    } else {
        "XSW3"
    })
}

/// A path with the element's ID, to tell two same-named elements apart.
fn named(doc: &Document, n: NodeId) -> String {
    match doc.id_attr(n) {
        Some(a) => format!("{} (ID {:?})", doc.path(n), a.value),
        None => doc.path(n),
    }
}

fn tag_span(doc: &Document, n: NodeId) -> crate::source::Span {
    doc.element(n).map(|e| e.start_tag).unwrap_or(doc.span(n))
}

/// Findings about the message's shape relative to its signatures.
pub fn structural_findings(
    doc: &Document,
    file: FileId,
    checks: &[SignatureCheck],
    view: &VerifiedView,
    policy: &SignaturePolicy,
    out: &mut Vec<Finding>,
) {
    let picked = view.picked_assertion();
    let assertions: Vec<NodeId> = std::iter::once(doc.root)
        .chain(doc.descendants(doc.root))
        .filter(|n| doc.is_named(*n, ns::SAML, "Assertion"))
        .collect();
    let encrypted: Vec<NodeId> = doc
        .descendants_named(doc.root, ns::SAML, "EncryptedAssertion")
        .collect();

    // Duplicate IDs anywhere (the signature checks refuse references to them).
    let mut ids: HashMap<&str, Vec<NodeId>> = HashMap::new();
    for n in std::iter::once(doc.root).chain(doc.descendants(doc.root)) {
        if let Some(a) = doc.id_attr(n) {
            ids.entry(a.value.as_str()).or_default().push(n);
        }
    }
    let already: Vec<&str> = checks
        .iter()
        .flat_map(|c| c.problems.iter())
        .filter_map(|p| match p {
            Problem::DuplicateId(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut dups: Vec<(&str, Vec<NodeId>)> = ids
        .into_iter()
        .filter(|(id, ns)| ns.len() > 1 && !already.contains(id))
        .collect();
    dups.sort_by_key(|(_, ns)| ns.first().copied());
    for (id, nodes) in dups {
        let [first, others @ ..] = nodes.as_slice() else {
            continue;
        };
        let mut f = Finding::new(
            &rules::DUPLICATE_ID,
            format!(
                "ID {id:?} is carried by {} elements; an ID must identify one element, or a signature can be made to cover a different one.",
                nodes.len()
            ),
        )
        .at(file, tag_span(doc, *first))
        .element(doc.path(*first));
        for n in others {
            f = f.label(file, tag_span(doc, *n), format!("also on {}", doc.path(*n)));
        }
        out.push(f);
    }

    if assertions.len() + encrypted.len() > 1 {
        let mut f = Finding::new(
            &rules::MULTIPLE_ASSERTIONS,
            format!(
                "The message carries {} assertions; the SAML web-browser SSO profile expects one, and an SP that reads a different one from the one that was signed can be fooled.",
                assertions.len() + encrypted.len()
            ),
        )
        .at(file, tag_span(doc, assertions.first().or(encrypted.first()).copied().unwrap_or(doc.root)));
        for a in assertions.iter().chain(&encrypted) {
            let t = view.trust_of(*a);
            f = f.label(
                file,
                tag_span(doc, *a),
                format!("{} ({})", doc.path(*a), trust_word(t)),
            );
        }
        out.push(f.element(doc.path(doc.root)));
    }

    for e in &encrypted {
        out.push(
            Finding::new(
                &rules::ASSERTION_ENCRYPTED,
                "The assertion is encrypted; its contents (subject, attributes, conditions, and any signature inside it) are not checked without the SP's private key.",
            )
            .at(file, tag_span(doc, *e))
            .element(doc.path(*e))
            .hint("Pass the SP's decryption key with --sp-key FILE (PEM private key) to decrypt and check the assertion."),
        );
    }

    // Where the signatures sit.
    let root_sig = super::signature::direct_signature(doc, doc.root);
    let assertion_sig = picked.and_then(|a| super::signature::direct_signature(doc, a));
    let any_assertion_sig = assertions
        .iter()
        .any(|a| super::signature::direct_signature(doc, *a).is_some());
    if root_sig.is_none() && !any_assertion_sig && encrypted.is_empty() && !checks.is_empty() {
        // Signatures exist, but none where the SAML profile puts them.
        out.push(
            Finding::new(
                &rules::SIGNATURE_MISSING,
                "Neither the Response nor the Assertion carries a signature of its own; signatures elsewhere in the message do not count.",
            )
            .at(file, tag_span(doc, doc.root))
            .element(doc.path(doc.root)),
        );
    } else if root_sig.is_none() && !any_assertion_sig && encrypted.is_empty() {
        out.push(
            Finding::new(
                &rules::SIGNATURE_MISSING,
                "Neither the Response nor the Assertion is signed; anyone can forge this message.",
            )
            .at(file, tag_span(doc, doc.root))
            .element(doc.path(doc.root)),
        );
    } else if let (Some(_), Some(a), None) = (root_sig, picked, assertion_sig) {
        if picked != Some(doc.root) {
            let mut f = Finding::new(
                &rules::ASSERTION_UNSIGNED,
                "Only the Response is signed; the Assertion carries no signature of its own.",
            )
            .at(file, tag_span(doc, a))
            .element(doc.path(a));
            if policy.require_signed_assertion {
                f = f.severity(Severity::Error).hint(
                    "This SP requires a signed assertion: enable assertion signing at the IdP.",
                );
            }
            out.push(f);
        }
    }

    // Wrapping: a cryptographically valid signature exists, but what the SP would act on is
    // not what it covers.
    let first_in_order = assertions.first().copied();
    let candidates: Vec<NodeId> = picked
        .into_iter()
        .chain(first_in_order.filter(|f| Some(*f) != picked))
        .collect();
    let valid: Vec<&SignatureCheck> = checks
        .iter()
        .filter(|c| c.cryptographically_valid())
        .collect();
    // Covered: inside a structurally valid signature's coverage, or at least inside the
    // element a cryptographically valid signature hashed (a misplaced Reference is reported
    // as such, not as wrapping, when it covers what the SP reads).
    let covered = |n: NodeId| {
        view.trust_of(n) >= Trust::Untrusted
            || valid.iter().any(|c| {
                c.referenced
                    .is_some_and(|r| doc.is_within(n, r) && !doc.is_within(n, c.info.node))
            })
    };
    let mut reported = false;
    for c in &valid {
        let shape = xsw_shape(doc, picked, c);
        let exposed = candidates.iter().copied().find(|a| !covered(*a));
        let root_exposed = doc.is_named(doc.root, ns::SAMLP, "Response")
            && c.referenced
                .is_some_and(|r| doc.is_named(r, ns::SAMLP, "Response"))
            && !covered(doc.root);
        let Some(target) = exposed.or(root_exposed.then_some(doc.root)) else {
            continue;
        };
        if reported {
            break;
        }
        reported = true;
        let shape_text = shape
            .map(|s| format!("the {s} shape"))
            .unwrap_or_else(|| "a wrapping shape outside the XSW1–8 catalogue".into());
        let covered_path = c.referenced.map(|r| named(doc, r)).unwrap_or_default();
        let mut f = Finding::new(
            &rules::SIGNATURE_WRAPPING,
            format!(
                "Signature wrapping ({shape_text}): a signature verifies over {covered_path}, but {} — what a service provider would read — lies outside it.",
                named(doc, target)
            ),
        )
        .at(file, tag_span(doc, target))
        .element(doc.path(target))
        .label(file, doc.span(c.info.node), "this signature");
        if let Some(r) = c.referenced {
            f = f.label(file, tag_span(doc, r), "the element it actually covers");
        }
        if let Some(s) = shape {
            f = f.found(s);
        }
        out.push(f);
    }

    // Comments, PIs or CDATA splitting a value (CVE-2017-11427 class).
    for n in std::iter::once(doc.root).chain(doc.descendants(doc.root)) {
        let is_value =
            doc.is_named(n, ns::SAML, "NameID") || doc.is_named(n, ns::SAML, "AttributeValue");
        if !is_value || !doc.text_is_split(n) {
            continue;
        }
        let first_piece = doc
            .children(n)
            .iter()
            .find_map(|c| match &doc.node(*c).kind {
                NodeKind::Text { value, .. } => Some(value.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        let full = doc.text(n);
        out.push(
            Finding::new(
                &rules::COMMENT_IN_VALUE,
                format!(
                    "{} is split by a comment, processing instruction or CDATA section; its full value is {full:?}. A parser that reads only the first text piece sees {first_piece:?}.",
                    doc.path(n)
                ),
            )
            .at(file, super::content_span(doc, n))
            .element(doc.path(n))
            .found(full),
        );
    }
}

fn trust_word(t: Trust) -> &'static str {
    match t {
        Trust::Signed => "signed",
        Trust::Untrusted => "signed, key not trusted",
        Trust::Unverified => "signature did not verify",
        Trust::Unsigned => "not signed",
    }
}
