//! SAML: views over the positioned tree, XML-DSig structure and verification, checks.

pub mod aggregate;
pub mod check;
pub mod dsig;
pub mod encrypted;
pub mod flow;
pub mod hints;
pub mod pretty;
pub mod signature;
pub mod vendor;
pub mod verified;
pub mod view;

/// Namespace URIs.
pub mod ns {
    pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
    pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
    pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    pub const DS11: &str = "http://www.w3.org/2009/xmldsig11#";
    pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
    pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
    pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
}

use crate::source::Span;
use crate::xml::NodeId;

/// A value read from the tree, with the node it came from and the span of the value itself
/// (an attribute's value, or an element's text), so findings point at it and the verified
/// view can tell whether it lies inside signed coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valued<T> {
    pub value: T,
    pub node: NodeId,
    pub span: Span,
}

impl<T> Valued<T> {
    pub fn new(value: T, node: NodeId, span: Span) -> Self {
        Valued { value, node, span }
    }
}

impl Valued<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Read an attribute as a [`Valued`].
pub fn attr_valued(
    doc: &crate::xml::Document,
    node: NodeId,
    local: &str,
) -> Option<Valued<String>> {
    doc.attr(node, local)
        .map(|a| Valued::new(a.value.to_string(), node, a.value_span))
}

/// Read an element's text (all text pieces concatenated) as a [`Valued`]; the span covers
/// the element's content, or the whole element when it is empty.
pub fn text_valued(doc: &crate::xml::Document, node: NodeId) -> Valued<String> {
    let span = content_span(doc, node);
    Valued::new(doc.text(node), node, span)
}

/// The span between an element's start and end tags (the element itself when empty).
pub fn content_span(doc: &crate::xml::Document, node: NodeId) -> Span {
    let whole = doc.span(node);
    let children = doc.children(node);
    match (children.first(), children.last()) {
        (Some(first), Some(last)) => Span::new(doc.span(*first).start, doc.span(*last).end),
        _ => whole,
    }
}
