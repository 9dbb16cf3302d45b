//! The structure of an XML-DSig `<ds:Signature>` as written: SignedInfo, its algorithms and
//! References, SignatureValue and KeyInfo certificates. Read from the one tree; `decode`
//! describes it and the verifier checks it, so both see the same nodes.

use super::{attr_valued, ns, text_valued, Valued};
use crate::xml::{Document, NodeId};

/// Algorithm identifiers (URIs) and their short names.
pub mod alg {
    pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    pub const RSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    pub const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    pub const ECDSA_SHA1: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1";
    pub const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    pub const ECDSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    pub const ECDSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";
    pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
    pub const SHA224: &str = "http://www.w3.org/2001/04/xmldsig-more#sha224";
    pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
    pub const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
    pub const C14N10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    pub const C14N10_COMMENTS: &str =
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    pub const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
    pub const C14N11_COMMENTS: &str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
    pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
    pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    /// A short name for an algorithm URI (`rsa-sha256`, `exc-c14n`), or the URI itself.
    pub fn short_name(uri: &str) -> &str {
        match uri {
            RSA_SHA1 => "rsa-sha1",
            RSA_SHA256 => "rsa-sha256",
            RSA_SHA384 => "rsa-sha384",
            RSA_SHA512 => "rsa-sha512",
            ECDSA_SHA1 => "ecdsa-sha1",
            ECDSA_SHA256 => "ecdsa-sha256",
            ECDSA_SHA384 => "ecdsa-sha384",
            ECDSA_SHA512 => "ecdsa-sha512",
            SHA1 => "sha1",
            SHA224 => "sha224",
            SHA256 => "sha256",
            SHA384 => "sha384",
            SHA512 => "sha512",
            C14N10 => "c14n",
            C14N10_COMMENTS => "c14n-with-comments",
            C14N11 => "c14n11",
            C14N11_COMMENTS => "c14n11-with-comments",
            EXC_C14N => "exc-c14n",
            EXC_C14N_COMMENTS => "exc-c14n-with-comments",
            ENVELOPED => "enveloped-signature",
            other => other,
        }
    }

    /// SHA-1 anywhere in a signature or digest algorithm.
    pub fn is_sha1(uri: &str) -> bool {
        matches!(uri, RSA_SHA1 | ECDSA_SHA1 | SHA1)
    }
}

#[derive(Debug, Clone)]
pub struct Transform {
    pub node: NodeId,
    pub algorithm: Option<Valued<String>>,
    /// `InclusiveNamespaces PrefixList` of an exclusive-c14n transform (`#default` for the
    /// default namespace).
    pub inclusive_prefixes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub node: NodeId,
    pub uri: Option<Valued<String>>,
    pub transforms: Vec<Transform>,
    pub digest_method: Option<Valued<String>>,
    /// Base64 text with white space removed.
    pub digest_value: Option<Valued<String>>,
}

#[derive(Debug, Clone)]
pub struct SignatureInfo {
    /// The `ds:Signature` element.
    pub node: NodeId,
    /// The element the signature sits in (the candidate enveloping element).
    pub parent: Option<NodeId>,
    pub signed_info: Option<NodeId>,
    pub c14n_method: Option<Valued<String>>,
    pub c14n_inclusive_prefixes: Vec<String>,
    pub signature_method: Option<Valued<String>>,
    pub references: Vec<Reference>,
    /// Base64 text with white space removed.
    pub signature_value: Option<Valued<String>>,
    /// Base64 DER of each `ds:X509Certificate` in KeyInfo, white space removed.
    pub key_info_certs: Vec<Valued<String>>,
}

/// Every `ds:Signature` element of the document, in document order.
pub fn find_all(doc: &Document) -> Vec<NodeId> {
    std::iter::once(doc.root)
        .chain(doc.descendants(doc.root))
        .filter(|n| doc.is_named(*n, ns::DS, "Signature"))
        .collect()
}

/// The `ds:Signature` that is a direct child of `element`, if any.
pub fn direct_signature(doc: &Document, element: NodeId) -> Option<NodeId> {
    doc.first_child_named(element, ns::DS, "Signature")
}

fn without_whitespace(mut v: Valued<String>) -> Valued<String> {
    if v.value.bytes().any(|b| b.is_ascii_whitespace()) {
        // Byte-wise: removing ASCII bytes leaves UTF-8 valid, so nothing is lost below.
        let mut bytes = std::mem::take(&mut v.value).into_bytes();
        bytes.retain(|b| !b.is_ascii_whitespace());
        v.value = String::from_utf8(bytes).unwrap_or_default();
    }
    v
}

fn prefix_list(doc: &Document, parent: NodeId) -> Vec<String> {
    doc.children_named(parent, ns::EXC_C14N, "InclusiveNamespaces")
        .filter_map(|n| doc.attr_value(n, "PrefixList"))
        .flat_map(|l| {
            l.split_ascii_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Read the structure of one `ds:Signature` element.
pub fn parse(doc: &Document, node: NodeId) -> SignatureInfo {
    let signed_info = doc.first_child_named(node, ns::DS, "SignedInfo");
    let c14n =
        signed_info.and_then(|si| doc.first_child_named(si, ns::DS, "CanonicalizationMethod"));
    let method = signed_info.and_then(|si| doc.first_child_named(si, ns::DS, "SignatureMethod"));
    let references = signed_info
        .map(|si| {
            doc.children_named(si, ns::DS, "Reference")
                .map(|r| parse_reference(doc, r))
                .collect()
        })
        .unwrap_or_default();
    let key_info_certs = doc
        .first_child_named(node, ns::DS, "KeyInfo")
        .map(|ki| {
            doc.descendants_named(ki, ns::DS, "X509Certificate")
                .map(|c| without_whitespace(text_valued(doc, c)))
                .collect()
        })
        .unwrap_or_default();
    SignatureInfo {
        node,
        parent: doc.parent(node).filter(|p| doc.element(*p).is_some()),
        signed_info,
        c14n_method: c14n.and_then(|c| attr_valued(doc, c, "Algorithm")),
        c14n_inclusive_prefixes: c14n.map(|c| prefix_list(doc, c)).unwrap_or_default(),
        signature_method: method.and_then(|m| attr_valued(doc, m, "Algorithm")),
        references,
        signature_value: doc
            .first_child_named(node, ns::DS, "SignatureValue")
            .map(|v| without_whitespace(text_valued(doc, v))),
        key_info_certs,
    }
}

fn parse_reference(doc: &Document, r: NodeId) -> Reference {
    let transforms = doc
        .first_child_named(r, ns::DS, "Transforms")
        .map(|ts| {
            doc.children_named(ts, ns::DS, "Transform")
                .map(|t| Transform {
                    node: t,
                    algorithm: attr_valued(doc, t, "Algorithm"),
                    inclusive_prefixes: prefix_list(doc, t),
                })
                .collect()
        })
        .unwrap_or_default();
    Reference {
        node: r,
        uri: attr_valued(doc, r, "URI"),
        transforms,
        digest_method: doc
            .first_child_named(r, ns::DS, "DigestMethod")
            .and_then(|d| attr_valued(doc, d, "Algorithm")),
        digest_value: doc
            .first_child_named(r, ns::DS, "DigestValue")
            .map(|v| without_whitespace(text_valued(doc, v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Base64 in XML is wrapped at will: every ASCII whitespace byte goes, nothing else.
        #[test]
        fn without_whitespace_drops_ascii_whitespace_only(text in "[A-Za-z0-9+/= \t\r\n\u{c}\u{a0}é]{0,60}") {
            let v = Valued { value: text.clone(), node: NodeId(0), span: Default::default() };
            let kept: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            proptest::prop_assert_eq!(without_whitespace(v).value, kept);
        }
    }

    #[test]
    fn reads_signature_structure() {
        let xml = r##"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="x"><ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#x"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xs #default"/></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA
BB</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>c2ln</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MII
A</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></r>"##;
        let doc = Document::parse(xml).unwrap();
        let sigs = find_all(&doc);
        assert_eq!(sigs.len(), 1);
        let info = parse(&doc, sigs[0]);
        assert_eq!(info.parent, Some(doc.root));
        assert_eq!(
            alg::short_name(&info.signature_method.unwrap().value),
            "rsa-sha256"
        );
        let r = &info.references[0];
        assert_eq!(r.uri.as_ref().unwrap().value, "#x");
        assert_eq!(r.transforms.len(), 2);
        assert_eq!(r.transforms[1].inclusive_prefixes, vec!["xs", "#default"]);
        assert_eq!(r.digest_value.as_ref().unwrap().value, "AABB");
        assert_eq!(info.key_info_certs[0].value, "MIIA");
    }
}
