//! XML canonicalisation over the positioned tree: Exclusive XML Canonicalization 1.0 (with
//! `InclusiveNamespaces PrefixList`), Canonical XML 1.0 and 1.1, each with or without
//! comments, and the enveloped-signature transform (an excluded subtree).
//!
//! Written by hand: the Rust c14n crates that exist canonicalise their own DOM (libxml2
//! bindings, `xml-rs`/`roxmltree` trees) and are thinly maintained. Signature verification
//! must hash exactly the nodes that the checks later read, so canonicalisation has to walk
//! the same tree that every other part of ssolint uses; a second parser would reopen the
//! parser-differential class of attacks (CVE-2025-25291/25292).
//!
//! Canonical XML 1.1 differs from 1.0 only in how `xml:*` attributes of ancestors outside a
//! document subset are treated. For a subtree apex, 1.0 copies every in-scope `xml:*`
//! attribute of the ancestors onto the apex; 1.1 copies `xml:lang` and `xml:space` only and
//! never `xml:id`. 1.1's `xml:base` fix-up (joining relative bases) is not performed here,
//! so the signature verifier refuses a 1.1 reference to an element below an `xml:base`
//! (`saml.c14n-unsupported`) instead of hashing something else. SAML messages do not carry
//! `xml:base`.

use super::tree::{Document, NodeId, NodeKind, XML_NS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// `http://www.w3.org/2001/10/xml-exc-c14n#`; prefixes listed here (`#default` for the
    /// default namespace) are treated as in inclusive canonicalisation.
    Exclusive {
        comments: bool,
        inclusive_prefixes: Vec<String>,
    },
    /// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`.
    Inclusive10 { comments: bool },
    /// `http://www.w3.org/2006/12/xml-c14n11`.
    Inclusive11 { comments: bool },
}

impl Method {
    /// The method named by an algorithm URI, or `None` when it is not a canonicalisation
    /// ssolint implements.
    pub fn from_uri(uri: &str, inclusive_prefixes: &[String]) -> Option<Method> {
        use crate::saml::signature::alg;
        let exclusive = |comments| Method::Exclusive {
            comments,
            inclusive_prefixes: inclusive_prefixes.to_vec(),
        };
        Some(match uri {
            alg::EXC_C14N => exclusive(false),
            alg::EXC_C14N_COMMENTS => exclusive(true),
            alg::C14N10 => Method::Inclusive10 { comments: false },
            alg::C14N10_COMMENTS => Method::Inclusive10 { comments: true },
            alg::C14N11 => Method::Inclusive11 { comments: false },
            alg::C14N11_COMMENTS => Method::Inclusive11 { comments: true },
            _ => return None,
        })
    }

    /// The same method without comments.
    pub fn drop_comments(&mut self) {
        match self {
            Method::Exclusive { comments, .. }
            | Method::Inclusive10 { comments }
            | Method::Inclusive11 { comments } => *comments = false,
        }
    }

    fn comments(&self) -> bool {
        match self {
            Method::Exclusive { comments, .. }
            | Method::Inclusive10 { comments }
            | Method::Inclusive11 { comments } => *comments,
        }
    }
}

/// Canonicalise the subtree at `apex` (an element), leaving out the subtree at `exclude`
/// (the enveloped signature) when given.
pub fn canonicalize(
    doc: &Document,
    apex: NodeId,
    exclude: Option<NodeId>,
    method: &Method,
) -> Vec<u8> {
    let mut c = Canon::new(doc, method, exclude);
    c.prime_scope(apex);
    c.inherited_xml_attrs = c.inherited_xml_attributes(apex);
    c.node(apex, true);
    c.out
}

/// [`canonicalize`], appending to `out`; returns where the apex's content starts and ends
/// in `out` (after its start tag, before its end tag). The canonical form of an apex is its
/// start tag, then each child's canonical form in order, then its end tag, and a child's form
/// depends only on its ancestors: so the canonical form of a document read in parts
/// ([`Document::parse_root_part`]) is the apex's tags from any part around the contents of
/// every part, in order.
pub fn canonicalize_into(
    doc: &Document,
    apex: NodeId,
    exclude: Option<NodeId>,
    method: &Method,
    out: &mut Vec<u8>,
) -> std::ops::Range<usize> {
    let mut c = Canon::new(doc, method, exclude);
    c.out = std::mem::take(out);
    c.prime_scope(apex);
    c.inherited_xml_attrs = c.inherited_xml_attributes(apex);
    c.node(apex, true);
    *out = c.out;
    c.apex_content
}

/// Canonicalise the whole document: the root element and the comments and processing
/// instructions around it, each separated from the root by a line feed.
pub fn canonicalize_document(doc: &Document, method: &Method) -> Vec<u8> {
    let mut c = Canon::new(doc, method, None);
    let mut before_root = true;
    for &n in &doc.top_level {
        if n == doc.root {
            c.node(n, true);
            before_root = false;
            continue;
        }
        let renders = match &doc.node(n).kind {
            NodeKind::Comment(_) => method.comments(),
            NodeKind::ProcessingInstruction { .. } => true,
            _ => false,
        };
        if !renders {
            continue;
        }
        if !before_root {
            c.out.push(b'\n');
        }
        c.node(n, false);
        if before_root {
            c.out.push(b'\n');
        }
    }
    c.out
}

/// The URI bound to `prefix` by the innermost declaration in `decls`.
fn innermost<'a>(decls: &[(Option<&'a str>, &'a str)], prefix: Option<&str>) -> Option<&'a str> {
    decls
        .iter()
        .rev()
        .find(|(p, _)| match (p, prefix) {
            (Some(p), Some(q)) => same(p, q),
            (p, q) => p.is_none() && q.is_none(),
        })
        .map(|(_, u)| *u)
}

/// Equal strings; names and URIs of one document are mostly the same atom, so the pointers
/// are compared first.
fn same(a: &str, b: &str) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || super::tree::eq(a, b)
}

/// The order of two strings by their bytes (what `str::cmp` gives), the same atom found equal
/// without reading it and short names compared without a call to `memcmp`.
fn order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.as_ptr() == b.as_ptr() && a.len() == b.len() {
        return std::cmp::Ordering::Equal;
    }
    a.bytes().cmp(b.bytes())
}

struct Canon<'a> {
    doc: &'a Document,
    method: &'a Method,
    exclude: Option<NodeId>,
    out: Vec<u8>,
    /// In-scope declarations, innermost last; `scope_marks` remembers each element's start.
    scope: Vec<(Option<&'a str>, &'a str)>,
    /// Declarations rendered in output ancestors, innermost last.
    rendered: Vec<(Option<&'a str>, &'a str)>,
    /// `xml:*` attributes inherited by the apex from ancestors outside the subset.
    inherited_xml_attrs: Vec<(&'a str, &'a str)>,
    /// Scratch buffers reused from one element to the next (each is done with before the
    /// element's children are written).
    decls_buf: Vec<(Option<&'a str>, &'a str)>,
    candidates_buf: Vec<Option<&'a str>>,
    attrs_buf: Vec<SortedAttribute<'a>>,
    /// Where the apex's content lies in `out`.
    apex_content: std::ops::Range<usize>,
}

/// An attribute to write: namespace URI ("" for none), local name, prefix, value.
type SortedAttribute<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);

fn push_name(out: &mut Vec<u8>, prefix: Option<&str>, local: &str) {
    if let Some(p) = prefix {
        out.extend_from_slice(p.as_bytes());
        out.push(b':');
    }
    out.extend_from_slice(local.as_bytes());
}

impl<'a> Canon<'a> {
    fn new(doc: &'a Document, method: &'a Method, exclude: Option<NodeId>) -> Self {
        Canon {
            doc,
            method,
            exclude,
            out: Vec::with_capacity(4096),
            scope: Vec::new(),
            rendered: Vec::new(),
            inherited_xml_attrs: Vec::new(),
            decls_buf: Vec::new(),
            candidates_buf: Vec::new(),
            attrs_buf: Vec::new(),
            apex_content: 0..0,
        }
    }

    /// Push the declarations of the apex's ancestors, outermost first.
    fn prime_scope(&mut self, apex: NodeId) {
        let mut chain = Vec::new();
        let mut cur = self.doc.parent(apex);
        while let Some(c) = cur {
            chain.push(c);
            cur = self.doc.parent(c);
        }
        for a in chain.iter().rev() {
            if let Some(e) = self.doc.element(*a) {
                for d in &e.ns_decls {
                    self.scope.push((d.prefix.as_deref(), d.uri.as_str()));
                }
            }
        }
    }

    fn inherited_xml_attributes(&self, apex: NodeId) -> Vec<(&'a str, &'a str)> {
        let wanted: &[&str] = match self.method {
            Method::Exclusive { .. } => return Vec::new(),
            Method::Inclusive10 { .. } => &[],
            Method::Inclusive11 { .. } => &["lang", "space"],
        };
        let doc = self.doc;
        let mut found: Vec<(&'a str, &'a str)> = Vec::new();
        let mut cur = doc.parent(apex);
        while let Some(c) = cur {
            if doc.element(c).is_some() {
                for a in doc.attributes(c) {
                    if a.name.ns.as_deref() != Some(XML_NS) {
                        continue;
                    }
                    let local = a.name.local.as_str();
                    if !wanted.is_empty() && !wanted.contains(&local) {
                        continue;
                    }
                    // The innermost ancestor's value wins.
                    if !found.iter().any(|(l, _)| *l == local) {
                        found.push((local, a.value.as_str()));
                    }
                }
            }
            cur = doc.parent(c);
        }
        found
    }

    fn in_scope(&self, prefix: Option<&str>) -> Option<&'a str> {
        innermost(&self.scope, prefix)
    }

    fn rendered_value(&self, prefix: Option<&str>) -> Option<&'a str> {
        innermost(&self.rendered, prefix)
    }

    /// Should a binding of `prefix` to `uri` be written here?
    fn needs_rendering(&self, prefix: Option<&str>, uri: &str) -> bool {
        match (prefix, self.rendered_value(prefix)) {
            // The default namespace is undeclared (`xmlns=""`) only when an output ancestor
            // rendered a non-empty default.
            (None, None) => !uri.is_empty(),
            (_, Some(r)) => !same(r, uri),
            (Some(_), None) => true,
        }
    }

    fn node(&mut self, id: NodeId, is_apex: bool) {
        if Some(id) == self.exclude {
            return;
        }
        let doc = self.doc;
        match &doc.node(id).kind {
            NodeKind::Element(_) => self.element(id, is_apex),
            NodeKind::Text { value, .. } => escape_text(value, &mut self.out),
            NodeKind::Comment(text) => {
                if self.method.comments() {
                    self.out.extend_from_slice(b"<!--");
                    self.out.extend_from_slice(text.as_bytes());
                    self.out.extend_from_slice(b"-->");
                }
            }
            NodeKind::ProcessingInstruction { target, data } => {
                self.out.extend_from_slice(b"<?");
                self.out.extend_from_slice(target.as_bytes());
                if !data.is_empty() {
                    self.out.push(b' ');
                    self.out.extend_from_slice(data.as_bytes());
                }
                self.out.extend_from_slice(b"?>");
            }
        }
    }

    fn element(&mut self, id: NodeId, is_apex: bool) {
        let doc = self.doc;
        let Some(e) = doc.element(id) else { return };
        let scope_mark = self.scope.len();
        for d in &e.ns_decls {
            self.scope.push((d.prefix.as_deref(), d.uri.as_str()));
        }

        // Namespace declarations to write, as (prefix, uri).
        let mut decls = std::mem::take(&mut self.decls_buf);
        decls.clear();
        match self.method {
            Method::Exclusive {
                inclusive_prefixes, ..
            } => {
                let mut candidates = std::mem::take(&mut self.candidates_buf);
                candidates.clear();
                candidates.push(e.name.prefix.as_deref());
                for a in doc.attributes(id) {
                    if let Some(p) = a.name.prefix.as_deref() {
                        candidates.push(Some(p));
                    }
                }
                for p in inclusive_prefixes {
                    let p = if p == "#default" {
                        None
                    } else {
                        Some(p.as_str())
                    };
                    // Listed prefixes render only where they are in scope.
                    if p.is_none() || self.in_scope(p).is_some() {
                        candidates.push(p);
                    }
                }
                for &p in &candidates {
                    if p == Some("xml") || decls.iter().any(|(d, _)| *d == p) {
                        continue;
                    }
                    let uri = self.in_scope(p).unwrap_or("");
                    if self.needs_rendering(p, uri) {
                        decls.push((p, uri));
                    }
                }
                self.candidates_buf = candidates;
            }
            Method::Inclusive10 { .. } | Method::Inclusive11 { .. } => {
                if is_apex {
                    for (i, (p, uri)) in self.scope.iter().enumerate() {
                        let shadowed = self.scope.iter().skip(i + 1).any(|(q, _)| q == p);
                        let undeclared_default = p.is_none() && uri.is_empty();
                        if !shadowed && !undeclared_default && *p != Some("xml") {
                            decls.push((*p, *uri));
                        }
                    }
                } else {
                    for d in &e.ns_decls {
                        let p = d.prefix.as_deref();
                        if p != Some("xml") && self.needs_rendering(p, &d.uri) {
                            decls.push((p, d.uri.as_str()));
                        }
                    }
                }
            }
        }
        decls.sort_by(|a, b| order(a.0.unwrap_or(""), b.0.unwrap_or("")));

        let prefix = e.name.prefix.as_deref();
        let local = e.name.local.as_str();
        self.out.push(b'<');
        push_name(&mut self.out, prefix, local);
        for (p, uri) in &decls {
            match p {
                Some(p) => {
                    self.out.extend_from_slice(b" xmlns:");
                    self.out.extend_from_slice(p.as_bytes());
                }
                None => self.out.extend_from_slice(b" xmlns"),
            }
            self.out.extend_from_slice(b"=\"");
            escape_attr(uri, &mut self.out);
            self.out.push(b'"');
        }

        // Attributes: sorted by namespace URI (none first), then local name.
        let mut attrs = std::mem::take(&mut self.attrs_buf);
        attrs.clear();
        attrs.extend(doc.attributes(id).iter().map(|a| {
            (
                a.name.ns.as_deref().unwrap_or(""),
                a.name.local.as_str(),
                a.name.prefix.as_deref(),
                a.value.as_str(),
            )
        }));
        if is_apex {
            for &(local, value) in &self.inherited_xml_attrs {
                if !attrs
                    .iter()
                    .any(|(ns, l, _, _)| *ns == XML_NS && *l == local)
                {
                    attrs.push((XML_NS, local, Some("xml"), value));
                }
            }
        }
        attrs.sort_by(|a, b| order(a.0, b.0).then_with(|| order(a.1, b.1)));
        for &(_, local, prefix, value) in &attrs {
            self.out.push(b' ');
            push_name(&mut self.out, prefix, local);
            self.out.extend_from_slice(b"=\"");
            escape_attr(value, &mut self.out);
            self.out.push(b'"');
        }
        self.attrs_buf = attrs;
        self.out.push(b'>');

        let rendered_mark = self.rendered.len();
        self.rendered.extend(decls.iter().copied());
        self.decls_buf = decls;
        let content_start = self.out.len();
        for &c in self.doc.children(id) {
            self.node(c, false);
        }
        if is_apex {
            self.apex_content = content_start..self.out.len();
        }
        self.rendered.truncate(rendered_mark);
        self.scope.truncate(scope_mark);

        self.out.extend_from_slice(b"</");
        push_name(&mut self.out, prefix, local);
        self.out.push(b'>');
    }
}

/// Copy `s`, writing `escape(b)` in place of each byte it has a replacement for; the runs
/// between are copied whole.
fn escape_with(s: &str, out: &mut Vec<u8>, escape: impl Fn(u8) -> Option<&'static [u8]>) {
    let bytes = s.as_bytes();
    // Most values need nothing escaped; this scan has no early exit so that it vectorises.
    if !bytes
        .iter()
        .fold(false, |any, &b| any | escape(b).is_some())
    {
        out.extend_from_slice(bytes);
        return;
    }
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(replacement) = escape(b) {
            out.extend_from_slice(bytes.get(run_start..i).unwrap_or_default());
            out.extend_from_slice(replacement);
            run_start = i + 1;
        }
    }
    out.extend_from_slice(bytes.get(run_start..).unwrap_or_default());
}

fn escape_text(s: &str, out: &mut Vec<u8>) {
    escape_with(s, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

fn escape_attr(s: &str, out: &mut Vec<u8>) {
    escape_with(s, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exc(xml: &str) -> String {
        let doc = Document::parse(xml).unwrap();
        String::from_utf8(canonicalize(
            &doc,
            doc.root,
            None,
            &Method::Exclusive {
                comments: false,
                inclusive_prefixes: vec![],
            },
        ))
        .unwrap()
    }

    #[test]
    fn empty_elements_and_attribute_order() {
        assert_eq!(
            exc(r#"<a xmlns:z="urn:z" b="2" a="1"><e z:c="3"/></a>"#),
            r#"<a a="1" b="2"><e xmlns:z="urn:z" z:c="3"></e></a>"#
        );
        assert_eq!(
            exc(r#"<a xmlns:z="urn:z" b="2" z:c="3" a="1"/>"#),
            r#"<a xmlns:z="urn:z" a="1" b="2" z:c="3"></a>"#
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(
            exc("<a t=\"&quot;&lt;&#9;&#10;&#13;&gt;\">&amp;&lt;&gt;&#13;\"</a>"),
            "<a t=\"&quot;&lt;&#x9;&#xA;&#xD;>\">&amp;&lt;&gt;&#xD;\"</a>"
        );
    }

    #[test]
    fn excluded_subtree_is_left_out() {
        let doc = Document::parse("<a><s><x/></s><b/></a>").unwrap();
        let s = doc.child_elements(doc.root).next().unwrap();
        let out = canonicalize(
            &doc,
            doc.root,
            Some(s),
            &Method::Inclusive10 { comments: false },
        );
        assert_eq!(out, b"<a><b></b></a>");
    }
}
