//! The one positioned XML tree. quick-xml tokenises; this module builds the tree that every
//! SAML view, check, the canonicaliser and the signature verifier read, so the values that are
//! hashed are exactly the values that are reported. Nothing else in ssolint parses XML.
//!
//! Namespace resolution, attribute parsing and entity handling are done here rather than by
//! quick-xml's `NsReader`, because canonicalisation needs the exact declarations written on
//! each element and every value needs a byte span. No DTD is ever processed: any DOCTYPE is
//! refused, and the only references understood are the five predefined entities and
//! character references.
//!
//! Names, prefixes and namespace URIs are interned per document ([`Atom`]): an element shares
//! the strings of every other element spelt the same way, and its namespace is the binding in
//! scope rather than a copy of it. Attribute values and text are atoms too, shared with an
//! equal value seen recently on the thread (indentation, versions, format URIs), and are
//! unescaped only when they hold a reference or line end.

use crate::source::Span;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::{Borrow, Cow};
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Limits that keep a hostile document from exhausting time or memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_nodes: 4_000_000,
            max_attributes: 256,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// Why a document could not be turned into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlErrorKind {
    Malformed,
    Doctype,
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub kind: XmlErrorKind,
    pub message: String,
    /// Byte offset in the text where the problem was found.
    pub offset: usize,
}

impl XmlError {
    fn malformed(offset: usize, message: impl Into<String>) -> Self {
        XmlError {
            kind: XmlErrorKind::Malformed,
            message: message.into(),
            offset,
        }
    }
}

/// An immutable string shared by every node of a document that spells it the same way.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(Rc<str>);

impl Atom {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Atom {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Atom {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom(Rc::from(s))
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Atom {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Atom {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

/// A namespace-qualified name, with the prefix as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QName {
    pub prefix: Option<Atom>,
    pub local: Atom,
    /// The namespace URI the prefix (or the default namespace) resolved to.
    pub ns: Option<Atom>,
}

impl QName {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(ns)
    }

    /// The name as written: `saml:Assertion`.
    pub fn written(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: QName,
    /// The normalised value (references resolved, literal whitespace turned into spaces).
    pub value: Atom,
    /// The whole `name="value"`.
    pub span: Span,
    /// Just the value between the quotes.
    pub value_span: Span,
}

/// A namespace declaration written on an element (`xmlns:p="uri"`; `prefix` None for `xmlns`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsDecl {
    pub prefix: Option<Atom>,
    pub uri: Atom,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Element {
    pub name: QName,
    /// Where its attributes (in document order, without namespace declarations) are in the
    /// document's one list of attributes (start, count); see [`Document::attributes`].
    attributes: (u32, u32),
    /// Namespace declarations written on this element, in document order.
    pub ns_decls: Vec<NsDecl>,
    /// Where its children are in the document's one list of children (start, count): one
    /// allocation per document instead of one per element.
    children: (u32, u32),
    /// The start tag alone.
    pub start_tag: Span,
    pub depth: usize,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Element(Element),
    /// Character data, references resolved; `cdata` marks a CDATA section.
    Text {
        value: Atom,
        cdata: bool,
    },
    Comment(String),
    ProcessingInstruction {
        target: String,
        data: String,
    },
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub parent: Option<NodeId>,
    /// From the first byte of the node to its last (for elements: start tag to end tag).
    pub span: Span,
}

/// A parsed document: nodes in document order, the first element being the root.
#[derive(Debug, Clone)]
pub struct Document {
    nodes: Vec<Node>,
    /// The children of every element, each element's together ([`Element::children`]).
    child_ids: Vec<NodeId>,
    /// The attributes of every element, each element's together ([`Element::attributes`]).
    attributes: Vec<Attribute>,
    /// Top-level nodes (comments and PIs around the root, and the root itself).
    pub top_level: Vec<NodeId>,
    pub root: NodeId,
}

impl Document {
    pub fn parse(text: &str) -> Result<Document, XmlError> {
        Self::parse_with(text, Limits::default())
    }

    pub fn parse_with(text: &str, limits: Limits) -> Result<Document, XmlError> {
        Builder::new(text, limits).run()
    }

    /// Parse one part of a large document on its own: the root element (from its start tag
    /// in `layout`) holding only the root's content in `content` (a range of whole child
    /// nodes, see [`RootLayout::blocks`]), closed by its end tag. With `prolog`, what comes
    /// before the root's start tag and after its end tag is read too. Spans are offsets into
    /// the whole `text`, so findings keep their lines; element paths are those of the whole
    /// document. Reading every block of the layout once (one of them with the prolog) reads
    /// exactly what [`Document::parse`] reads and refuses what it refuses, each part within
    /// the limits on its own (the caller sums node counts).
    pub fn parse_root_part(
        text: &str,
        layout: &RootLayout,
        content: Span,
        prolog: bool,
        limits: Limits,
    ) -> Result<Document, XmlError> {
        let part = text
            .as_bytes()
            .get(content.start..content.end)
            .unwrap_or_default();
        let mut b = Builder::for_part(text, limits, part);
        if prolog {
            b.feed(Span::new(0, layout.root_start_tag.end), 0)?;
        } else {
            b.feed(layout.root_start_tag, 0)?;
        }
        if b.stack.len() != 1 {
            return Err(XmlError::malformed(
                layout.root_start_tag.start,
                "the root element's start tag was not read",
            ));
        }
        b.feed(content, 1)?;
        b.close_element(layout.root_end_tag.end)?;
        if prolog {
            b.feed(Span::new(layout.root_end_tag.end, text.len()), 0)?;
        }
        b.finish()
    }

    // NodeIds are minted only by the builder of this document, so they are always in range.
    #[allow(clippy::indexing_slicing)]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes.get(id.index())?.kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).parent
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    /// Ids of all nodes in document order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len() as u32).map(NodeId)
    }

    /// Child nodes of an element (empty for other nodes).
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.element(id)
            .and_then(|e| {
                let (start, count) = (e.children.0 as usize, e.children.1 as usize);
                self.child_ids.get(start..start + count)
            })
            .unwrap_or(&[])
    }

    /// Child elements of an element.
    pub fn child_elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id)
            .iter()
            .copied()
            .filter(move |c| self.element(*c).is_some())
    }

    /// Child elements with the given namespace and local name.
    pub fn children_named<'a>(
        &'a self,
        id: NodeId,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.child_elements(id)
            .filter(move |c| self.is_named(*c, ns, local))
    }

    pub fn first_child_named(&self, id: NodeId, ns: &str, local: &str) -> Option<NodeId> {
        self.children_named(id, ns, local).next()
    }

    pub fn is_named(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.element(id).is_some_and(|e| e.name.is(ns, local))
    }

    /// All element descendants of `id` (not `id` itself), in document order.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        // Nodes are stored in document order and a subtree is contiguous: its descendants
        // are the nodes after it whose span lies inside its span.
        let span = self.span(id);
        (id.0 + 1..self.nodes.len() as u32)
            .map(NodeId)
            .take_while(move |n| span.contains(self.span(*n)))
    }

    /// Element descendants with the given name.
    pub fn descendants_named<'a>(
        &'a self,
        id: NodeId,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.descendants(id)
            .filter(move |n| self.is_named(*n, ns, local))
    }

    /// Is `node` the same as `ancestor` or inside it?
    pub fn is_within(&self, node: NodeId, ancestor: NodeId) -> bool {
        let mut cur = Some(node);
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            cur = self.parent(c);
        }
        false
    }

    /// The attributes of an element in document order, without namespace declarations
    /// (empty for other nodes).
    pub fn attributes(&self, id: NodeId) -> &[Attribute] {
        self.element(id)
            .and_then(|e| {
                let (start, count) = (e.attributes.0 as usize, e.attributes.1 as usize);
                self.attributes.get(start..start + count)
            })
            .unwrap_or(&[])
    }

    /// An attribute without namespace, by local name.
    pub fn attr(&self, id: NodeId, local: &str) -> Option<&Attribute> {
        self.attributes(id)
            .iter()
            .find(|a| a.name.ns.is_none() && a.name.local == local)
    }

    pub fn attr_value(&self, id: NodeId, local: &str) -> Option<&str> {
        self.attr(id, local).map(|a| a.value.as_str())
    }

    /// The concatenation of all text children (and text in descendants), so a comment or
    /// processing instruction inside a value never truncates it.
    pub fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        if let NodeKind::Text { value, .. } = &self.node(id).kind {
            return value.to_string();
        }
        for d in std::iter::once(id).chain(self.all_descendants(id)) {
            if let NodeKind::Text { value, .. } = &self.node(d).kind {
                out.push_str(value);
            }
        }
        out
    }

    /// Does the text of `id` have comments, PIs or CDATA sections among its pieces
    /// (the CVE-2017-11427 shape)?
    pub fn text_is_split(&self, id: NodeId) -> bool {
        let mut text_pieces = 0;
        let mut other = false;
        for c in self.children(id) {
            match &self.node(*c).kind {
                NodeKind::Text { cdata, .. } => {
                    text_pieces += 1;
                    other |= *cdata;
                }
                NodeKind::Comment(_) | NodeKind::ProcessingInstruction { .. } => other = true,
                NodeKind::Element(_) => {}
            }
        }
        other && text_pieces > 0
    }

    /// All descendant nodes of any kind (not `id` itself), in document order.
    pub fn all_descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let span = self.span(id);
        let is_element = self.element(id).is_some();
        (id.0 + 1..self.nodes.len() as u32)
            .map(NodeId)
            .take_while(move |n| is_element && span.contains(self.span(*n)))
    }

    /// The in-scope namespace bindings at `id`: (prefix, uri), innermost declaration winning,
    /// excluding undeclarations of the default namespace.
    pub fn in_scope_namespaces(&self, id: NodeId) -> Vec<(Option<String>, String)> {
        let mut chain = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            chain.push(c);
            cur = self.parent(c);
        }
        let mut bindings: Vec<(Option<String>, String)> = Vec::new();
        for c in chain.iter().rev() {
            if let Some(e) = self.element(*c) {
                for d in &e.ns_decls {
                    let prefix = d.prefix.as_ref().map(Atom::to_string);
                    bindings.retain(|(p, _)| p != &prefix);
                    bindings.push((prefix, d.uri.to_string()));
                }
            }
        }
        bindings.retain(|(p, uri)| !(p.is_none() && uri.is_empty()));
        bindings
    }

    /// A readable path such as `Response/Assertion/Subject/NameID`.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            if let Some(e) = self.element(c) {
                parts.push(e.name.local.as_str());
            }
            cur = self.parent(c);
        }
        parts.reverse();
        parts.join("/")
    }

    /// Elements carrying an `ID`/`Id`/`id` attribute with this value (SAML uses `ID`;
    /// XML-DSig allows `Id`). More than one is a duplicate-ID attack shape.
    pub fn elements_with_id(&self, value: &str) -> Vec<NodeId> {
        self.ids()
            .filter(|n| self.id_attr(*n).is_some_and(|a| a.value == value))
            .collect()
    }

    /// The element's ID attribute, if any.
    pub fn id_attr(&self, id: NodeId) -> Option<&Attribute> {
        self.attributes(id)
            .iter()
            .find(|a| a.name.ns.is_none() && matches!(a.name.local.as_str(), "ID" | "Id" | "id"))
    }
}

/// Where the root element's start tag, first child element and end tag lie, found by a scan
/// that builds no nodes, and where the rest of its content may be cut into blocks, so a large
/// document (a federation aggregate) can be read one block of children at a time with
/// [`Document::parse_root_part`].
///
/// The scan skips comments, CDATA sections, processing instructions and quoted attribute
/// values the way the tokeniser does, but checks nothing else: every byte it passes over is
/// read again by the parser, which refuses what it would refuse in the whole document. Past
/// the first children nothing is scanned: the end tag is looked for from the end and block
/// boundaries where the root's children start with their usual name ([`RootLayout::blocks`]).
/// A boundary that is not between two children of the root leaves a part that does not parse
/// (the part before it ends inside markup or inside an element), and so does an end tag that
/// is not the root's; callers fall back to [`Document::parse`] whenever a part fails.
#[derive(Debug, Clone)]
pub struct RootLayout {
    pub root_start_tag: Span,
    pub root_end_tag: Span,
    /// The root's first child element.
    pub first_child: Option<Span>,
    /// The tag name block boundaries are looked for at (in the text): that of the root's last
    /// child element when it has an end tag, else that of its second.
    child_name: Option<Span>,
}

impl RootLayout {
    /// Scan `text`; `None` when the document is not an element with content that the scan
    /// can split (a DOCTYPE, an empty root, a construct the scan does not know).
    pub fn scan(text: &str) -> Option<RootLayout> {
        let b = text.as_bytes();
        let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
        // The prolog: comments, PIs and white space before the root.
        let root_start_tag = loop {
            i += memchr::memchr(b'<', b.get(i..)?)?;
            match markup(b, i)? {
                Markup::Comment(end) | Markup::Pi(end) => i = end,
                Markup::StartTag { end, empty: false } => break Span::new(i, end),
                _ => return None,
            }
        };
        let root_name = tag_name(b, root_start_tag.start + 1);
        let root_end_tag = Self::end_tag_from_the_end(b, root_name, root_start_tag.end)?;
        // The first two children, exactly.
        let mut children: Vec<Span> = Vec::new();
        let mut depth = 0usize;
        let mut child_start = 0;
        i = root_start_tag.end;
        while children.len() < 2 {
            let Some(k) = memchr::memchr(b'<', b.get(i..root_end_tag.start)?) else {
                break;
            };
            i += k;
            match markup(b, i)? {
                Markup::Comment(end) | Markup::Pi(end) | Markup::CData(end) => i = end,
                Markup::StartTag { end, empty } => {
                    if depth == 0 {
                        child_start = i;
                    }
                    if empty {
                        if depth == 0 {
                            children.push(Span::new(child_start, end));
                        }
                    } else {
                        depth += 1;
                    }
                    i = end;
                }
                Markup::EndTag(end) => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        children.push(Span::new(child_start, end));
                    }
                    i = end;
                }
            }
            if i >= root_end_tag.start {
                break;
            }
        }
        let first_child = children.first().copied();
        let name_at = |start: usize| {
            let len = tag_name(b, start).len();
            (len > 0).then(|| Span::new(start, start + len))
        };
        let child_name = Self::last_child_end_tag(b, root_end_tag.start, root_start_tag.end)
            .and_then(name_at)
            .or_else(|| children.get(1).and_then(|c| name_at(c.start + 1)));
        Some(RootLayout {
            root_start_tag,
            root_end_tag,
            first_child,
            child_name,
        })
    }

    /// The last `</name>` (white space allowed before the `>`) after `from`, followed only
    /// by white space, comments and processing instructions (as far as the parser checks).
    fn end_tag_from_the_end(b: &[u8], name: &[u8], from: usize) -> Option<Span> {
        let mut needle = b"</".to_vec();
        needle.extend_from_slice(name);
        let area = b.get(from..)?;
        let mut end = area.len();
        loop {
            let at = memchr::memmem::rfind(area.get(..end)?, &needle)?;
            let after = at + needle.len();
            let rest = area.get(after..).unwrap_or_default();
            let ws = rest.iter().take_while(|c| is_xml_space(**c)).count();
            if rest.get(ws) == Some(&b'>') {
                return Some(Span::new(from + at, from + after + ws + 1));
            }
            end = at;
        }
    }

    /// Where the name of the end tag just before `before` (white space aside) starts.
    fn last_child_end_tag(b: &[u8], before: usize, floor: usize) -> Option<usize> {
        let content = b.get(floor..before)?;
        let ws = content
            .iter()
            .rev()
            .take_while(|c| is_xml_space(**c))
            .count();
        let gt = content.len().checked_sub(ws + 1)?;
        if content.get(gt) != Some(&b'>') {
            return None;
        }
        let lt = memchr::memrchr(b'<', content.get(..gt)?)?;
        content
            .get(lt..)?
            .starts_with(b"</")
            .then_some(floor + lt + 2)
    }

    /// The root's content from `after` (at least the end of the root's start tag) to its end
    /// tag, cut into blocks of about `target` bytes or more: every block after the first
    /// starts where a child element named as the root's children are starts, the first such
    /// start `target` bytes or more into the block before.
    pub fn blocks(&self, text: &str, after: usize, target: usize) -> Vec<Span> {
        let b = text.as_bytes();
        let content_end = self.root_end_tag.start;
        let mut start = after.max(self.root_start_tag.end);
        let mut blocks = Vec::new();
        let mut needle = b"<".to_vec();
        if let Some(name) = self.child_name {
            needle.extend_from_slice(b.get(name.start..name.end).unwrap_or_default());
        }
        let mut from = start.saturating_add(target.max(1));
        while needle.len() > 1 && from < content_end {
            let Some(at) = b
                .get(from..content_end)
                .and_then(|area| memchr::memmem::find(area, &needle))
                .map(|k| from + k)
            else {
                break;
            };
            let after_name = b.get(at + needle.len()).copied();
            if after_name.is_some_and(|c| is_xml_space(c) || c == b'>' || c == b'/') {
                blocks.push(Span::new(start, at));
                start = at;
                from = at.saturating_add(target.max(1));
            } else {
                from = at + 1;
            }
        }
        if content_end > start {
            blocks.push(Span::new(start, content_end));
        }
        blocks
    }
}

enum Markup {
    Comment(usize),
    Pi(usize),
    CData(usize),
    StartTag { end: usize, empty: bool },
    EndTag(usize),
}

/// The markup starting with the `<` at `i`, and the offset just after it.
fn markup(b: &[u8], i: usize) -> Option<Markup> {
    let rest = b.get(i..)?;
    let after = |from: usize, needle: &[u8]| {
        memchr::memmem::find(b.get(i + from..)?, needle).map(|k| i + from + k + needle.len())
    };
    if rest.starts_with(b"<!--") {
        return after(4, b"-->").map(Markup::Comment);
    }
    if rest.starts_with(b"<![CDATA[") {
        return after(9, b"]]>").map(Markup::CData);
    }
    if rest.starts_with(b"<?") {
        return after(2, b"?>").map(Markup::Pi);
    }
    if rest.starts_with(b"<!") {
        return None;
    }
    if rest.starts_with(b"</") {
        return after(2, b">").map(Markup::EndTag);
    }
    // A start tag ends at the first '>' outside a quoted value.
    let mut k = i + 1;
    loop {
        k += memchr::memchr3(b'>', b'"', b'\'', b.get(k..)?)?;
        let c = *b.get(k)?;
        if c == b'>' {
            let empty = b.get(k.checked_sub(1)?) == Some(&b'/');
            return Some(Markup::StartTag { end: k + 1, empty });
        }
        k += 1;
        k += memchr::memchr(c, b.get(k..)?)? + 1;
    }
}

/// The name of a tag whose name starts at `i`.
fn tag_name(b: &[u8], i: usize) -> &[u8] {
    let rest = b.get(i..).unwrap_or_default();
    let len = rest
        .iter()
        .position(|c| !is_name_byte(*c))
        .unwrap_or(rest.len());
    rest.get(..len).unwrap_or_default()
}

const RECENT_ATOMS: usize = 256;
/// The slot of `s` in the recent-atom table: names in the first half, values in the second.
fn recent_slot(s: &str, value: bool) -> usize {
    // The length and up to 16 bytes from each end, read as four (overlapping) words.
    let b = s.as_bytes();
    let n = b.len();
    let word = |at: usize| {
        b.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let words = match n.checked_sub(8) {
        Some(last) => [
            word(0),
            word(last.min(8)),
            word(n.saturating_sub(16)),
            word(last),
        ],
        None => [b.iter().fold(0, |w, c| (w << 8) | u64::from(*c)), 0, 0, 0],
    };
    let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(23);
    let hash = words.into_iter().fold(n as u64, mix);
    (hash ^ (hash >> 32)) as usize % RECENT_ATOMS + if value { RECENT_ATOMS } else { 0 }
}

/// `a == b` for the short names and values of a document without a call to `memcmp`: up
/// to 16 bytes are compared as two (overlapping) words.
pub(crate) fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    match n {
        0..=7 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// Longer strings are not kept in the per-thread cache, which so stays small.
const RECENT_ATOM_MAX_LEN: usize = 64;

thread_local! {
    static RECENT_ATOMS_OF_THREAD: Cell<Vec<Option<Atom>>> = const { Cell::new(Vec::new()) };
}

/// Atoms recently interned on this thread, by a cheap hash of a string's shape: a document
/// repeats a few dozen names, and the next document mostly the same ones, so most look-ups
/// end here without hashing the whole string or allocating. A builder borrows the table and
/// gives it back when it is dropped.
struct RecentAtoms(Vec<Option<Atom>>);

impl RecentAtoms {
    fn borrow() -> Self {
        let mut slots = RECENT_ATOMS_OF_THREAD
            .try_with(Cell::take)
            .unwrap_or_default();
        if slots.len() != 2 * RECENT_ATOMS {
            slots = vec![None; 2 * RECENT_ATOMS];
        }
        RecentAtoms(slots)
    }
}

impl Drop for RecentAtoms {
    fn drop(&mut self) {
        let slots = std::mem::take(&mut self.0);
        let _ = RECENT_ATOMS_OF_THREAD.try_with(|c| c.set(slots));
    }
}

/// The lists a document keeps its nodes in. A dropped document leaves them, emptied, to the
/// next document built on its thread: an aggregate read in blocks then allocates them once
/// per worker, not once per block.
#[derive(Default)]
struct Storage {
    nodes: Vec<Node>,
    child_ids: Vec<NodeId>,
    attributes: Vec<Attribute>,
}

/// Lists larger than this (a whole large document's) are given back to the allocator.
const KEPT_STORAGE_NODES: usize = 1 << 16;

thread_local! {
    static SPARE_STORAGE: Cell<Option<Storage>> = const { Cell::new(None) };
}

impl Storage {
    /// The thread's spare lists (or new ones), with room for about `nodes` nodes.
    fn take(nodes: usize) -> Storage {
        let mut s = SPARE_STORAGE
            .try_with(Cell::take)
            .ok()
            .flatten()
            .unwrap_or_default();
        s.nodes.reserve(nodes);
        s.child_ids.reserve(nodes);
        // About one attribute per three nodes.
        s.attributes.reserve(nodes / 3);
        s
    }

    fn give_back(mut self) {
        if self.nodes.capacity() > KEPT_STORAGE_NODES {
            return;
        }
        self.nodes.clear();
        self.child_ids.clear();
        self.attributes.clear();
        let _ = SPARE_STORAGE.try_with(|c| c.set(Some(self)));
    }
}

impl Drop for Document {
    fn drop(&mut self) {
        Storage {
            nodes: std::mem::take(&mut self.nodes),
            child_ids: std::mem::take(&mut self.child_ids),
            attributes: std::mem::take(&mut self.attributes),
        }
        .give_back();
    }
}

/// An element whose end tag has not been read yet.
struct Open {
    id: NodeId,
    /// Where its namespace bindings start in `Builder::bindings`.
    bindings_mark: usize,
    /// Where its children start in `Builder::pending_children`.
    children_mark: usize,
}

struct Builder<'a> {
    text: &'a str,
    limits: Limits,
    nodes: Vec<Node>,
    top_level: Vec<NodeId>,
    /// Open elements.
    stack: Vec<Open>,
    /// Namespace bindings (prefix, URI; an empty URI undeclares the default) introduced by
    /// the open elements, innermost last.
    bindings: Vec<(Option<Atom>, Atom)>,
    /// Children of the open elements, each element's after the previous one's; an element
    /// takes its own, in one allocation of the right size, at its end tag.
    pending_children: Vec<NodeId>,
    child_ids: Vec<NodeId>,
    attributes: Vec<Attribute>,
    atoms: HashSet<Atom>,
    recent_atoms: RecentAtoms,
    xml_prefix: Atom,
    xml_ns: Atom,
    /// Scratch buffers reused from one start tag to the next.
    raw_attributes: Vec<RawAttribute<'a>>,
    plain_attributes: Vec<(RawAttribute<'a>, Atom)>,
    root: Option<NodeId>,
    /// Names as written, resolved: a document spells a few dozen names, each thousands of
    /// times, under the same bindings.
    qnames: Vec<Option<CachedQName<'a>>>,
    /// Namespace declarations pushed on `bindings` so far: with the length of `bindings`, it
    /// tells the bindings apart (between two pushes they only shrink).
    binding_pushes: u64,
}

/// Slots of the resolved-name cache.
const QNAMES: usize = 64;

/// A name as written and what it resolved to under the bindings in force then.
struct CachedQName<'a> {
    written: &'a str,
    is_element: bool,
    bindings: (u64, usize),
    name: QName,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, limits: Limits) -> Self {
        Self::for_part(text, limits, text.as_bytes())
    }

    /// A builder that will read `part` of `text` (its node count is estimated from it).
    fn for_part(text: &'a str, limits: Limits, part: &[u8]) -> Self {
        // SAML and metadata run at about one node per 30 bytes; counting '<' instead costs
        // one search per tag, a tenth of the parse.
        let estimate = part.len() / 32 + 16;
        let storage = Storage::take(estimate.min(limits.max_nodes));
        Builder {
            text,
            limits,
            nodes: storage.nodes,
            top_level: Vec::new(),
            stack: Vec::new(),
            bindings: Vec::new(),
            pending_children: Vec::new(),
            child_ids: storage.child_ids,
            attributes: storage.attributes,
            atoms: HashSet::with_capacity(64),
            recent_atoms: RecentAtoms::borrow(),
            xml_prefix: Atom::from("xml"),
            xml_ns: Atom::from(XML_NS),
            raw_attributes: Vec::new(),
            plain_attributes: Vec::new(),
            root: None,
            qnames: (0..QNAMES).map(|_| None).collect(),
            binding_pushes: 0,
        }
    }

    fn recent(&self, slot: usize, s: &str) -> Option<Atom> {
        match self.recent_atoms.0.get(slot) {
            Some(Some(a)) if eq(a, s) => Some(a.clone()),
            _ => None,
        }
    }

    fn remember(&mut self, slot: usize, a: &Atom) {
        if a.len() <= RECENT_ATOM_MAX_LEN {
            if let Some(r) = self.recent_atoms.0.get_mut(slot) {
                *r = Some(a.clone());
            }
        }
    }

    /// The document's one atom for a name, prefix or namespace URI.
    fn intern(&mut self, s: &str) -> Atom {
        let slot = recent_slot(s, false);
        if let Some(a) = self.recent(slot, s) {
            return a;
        }
        let a = match self.atoms.get(s) {
            Some(a) => a.clone(),
            None => {
                let a = Atom::from(s);
                self.atoms.insert(a.clone());
                a
            }
        };
        self.remember(slot, &a);
        a
    }

    /// A value or text, shared with an equal one seen recently; values are mostly distinct,
    /// so they are not added to the document's set.
    fn share_value(&mut self, s: &str) -> Atom {
        let slot = recent_slot(s, true);
        if let Some(a) = self.recent(slot, s) {
            return a;
        }
        let a = Atom::from(s);
        self.remember(slot, &a);
        a
    }

    fn run(mut self) -> Result<Document, XmlError> {
        self.feed(Span::new(0, self.text.len()), 0)?;
        self.finish()
    }

    /// Read the nodes of `range` of the text into the tree. `floor` elements are already
    /// open (the root, when a part of its content is read) and must stay open.
    fn feed(&mut self, range: Span, floor: usize) -> Result<(), XmlError> {
        let part = self.text.get(range.start..range.end).unwrap_or("");
        // quick-xml skips a leading byte order mark and counts its positions from after it;
        // spans here are offsets into the whole text. Only the document may start with one.
        let bom = if part.starts_with('\u{feff}') {
            if range.start != 0 {
                return Err(XmlError::malformed(
                    range.start,
                    "a part of the content starts with U+FEFF",
                ));
            }
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let base = range.start + bom;
        let mut reader = Reader::from_str(part);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.check_comments = true;
        config.expand_empty_elements = false;
        let mut pos = base;
        loop {
            let event = reader.read_event().map_err(|e| {
                XmlError::malformed(base + reader.error_position() as usize, e.to_string())
            })?;
            let end = base + reader.buffer_position() as usize;
            let span = Span::new(pos, end);
            match event {
                Event::Eof => break,
                Event::DocType(_) => {
                    return Err(XmlError {
                        kind: XmlErrorKind::Doctype,
                        message: "the document has a DOCTYPE declaration; DTDs and entities are never processed".into(),
                        offset: pos,
                    })
                }
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            return Err(XmlError::malformed(
                                pos,
                                format!("the XML declaration names encoding {enc:?}; only UTF-8 is read"),
                            ));
                        }
                    }
                }
                Event::Start(_) => {
                    let bindings_mark = self.bindings.len();
                    let id = self.open_element(span)?;
                    self.stack.push(Open {
                        id,
                        bindings_mark,
                        children_mark: self.pending_children.len(),
                    });
                }
                Event::Empty(_) => {
                    let bindings_mark = self.bindings.len();
                    self.open_element(span)?;
                    self.bindings.truncate(bindings_mark);
                }
                Event::End(_) => {
                    if self.stack.len() <= floor {
                        return Err(XmlError::malformed(pos, "end tag without a start tag"));
                    }
                    self.close_element(end)?;
                }
                Event::Text(_) => {
                    let raw = self.slice(span);
                    if self.stack.is_empty() {
                        if !raw.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                            return Err(XmlError::malformed(pos, "text outside the root element"));
                        }
                        pos = end;
                        continue;
                    }
                    let value = unescape(raw, pos, false)?;
                    let value = self.share_value(&value);
                    self.push_leaf(NodeKind::Text { value, cdata: false }, span)?;
                }
                Event::CData(c) => {
                    if self.stack.is_empty() {
                        return Err(XmlError::malformed(pos, "CDATA outside the root element"));
                    }
                    let value = Atom::from(&*normalize_newlines(&String::from_utf8_lossy(&c)));
                    self.push_leaf(NodeKind::Text { value, cdata: true }, span)?;
                }
                Event::Comment(c) => {
                    let value = normalize_newlines(&String::from_utf8_lossy(&c));
                    self.push_leaf(NodeKind::Comment(value), span)?;
                }
                Event::PI(p) => {
                    let target = String::from_utf8_lossy(p.target()).into_owned();
                    if target.eq_ignore_ascii_case("xml") {
                        return Err(XmlError::malformed(pos, "an XML declaration may only start the document"));
                    }
                    let data = normalize_newlines(String::from_utf8_lossy(p.content()).trim_start());
                    self.push_leaf(NodeKind::ProcessingInstruction { target, data }, span)?;
                }
            }
            pos = end;
        }
        if self.stack.len() > floor && floor > 0 {
            return Err(XmlError::malformed(
                range.end,
                "a part of the content ends inside an element",
            ));
        }
        Ok(())
    }

    /// The innermost open element ends at `end`.
    fn close_element(&mut self, end: usize) -> Result<(), XmlError> {
        let open = self
            .stack
            .pop()
            .ok_or_else(|| XmlError::malformed(end, "end tag without a start tag"))?;
        self.bindings.truncate(open.bindings_mark);
        let start = self.child_ids.len();
        self.child_ids.extend(
            self.pending_children
                .drain(open.children_mark.min(self.pending_children.len())..),
        );
        let children = (start as u32, (self.child_ids.len() - start) as u32);
        if let Some(node) = self.nodes.get_mut(open.id.index()) {
            node.span.end = end;
            if let NodeKind::Element(e) = &mut node.kind {
                e.children = children;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Document, XmlError> {
        if let Some(open) = self.stack.last() {
            let name = match self.nodes.get(open.id.index()).map(|n| &n.kind) {
                Some(NodeKind::Element(e)) => e.name.written(),
                _ => String::new(),
            };
            return Err(XmlError::malformed(
                self.text.len(),
                format!("the document ends inside <{name}>"),
            ));
        }
        let root = self
            .root
            .ok_or_else(|| XmlError::malformed(0, "no root element"))?;
        Ok(Document {
            nodes: self.nodes,
            child_ids: self.child_ids,
            attributes: self.attributes,
            top_level: self.top_level,
            root,
        })
    }

    fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn check_node_budget(&self, at: usize) -> Result<(), XmlError> {
        if self.nodes.len() >= self.limits.max_nodes {
            return Err(XmlError {
                kind: XmlErrorKind::TooDeep,
                message: format!("more than {} nodes", self.limits.max_nodes),
                offset: at,
            });
        }
        Ok(())
    }

    /// Add a node under the innermost open element (or at the top level).
    fn push_node(&mut self, node: Node) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        let parent = node.parent;
        self.nodes.push(node);
        match parent {
            Some(_) => self.pending_children.push(id),
            None => self.top_level.push(id),
        }
        id
    }

    fn push_leaf(&mut self, kind: NodeKind, span: Span) -> Result<NodeId, XmlError> {
        self.check_node_budget(span.start)?;
        let parent = self.stack.last().map(|o| o.id);
        Ok(self.push_node(Node { kind, parent, span }))
    }

    fn open_element(&mut self, span: Span) -> Result<NodeId, XmlError> {
        if self.stack.is_empty() && self.root.is_some() {
            return Err(XmlError::malformed(span.start, "a second root element"));
        }
        let depth = self.stack.len() + 1;
        if depth > self.limits.max_depth {
            return Err(XmlError {
                kind: XmlErrorKind::TooDeep,
                message: format!("elements nest more than {} deep", self.limits.max_depth),
                offset: span.start,
            });
        }
        let tag = self.slice(span);
        let mut raw_attributes = std::mem::take(&mut self.raw_attributes);
        raw_attributes.clear();
        let tag_name = parse_start_tag(tag, span.start, &mut raw_attributes)?;
        if raw_attributes.len() > self.limits.max_attributes {
            return Err(XmlError {
                kind: XmlErrorKind::TooDeep,
                message: format!(
                    "an element has {} attributes; the limit is {}",
                    raw_attributes.len(),
                    self.limits.max_attributes
                ),
                offset: span.start,
            });
        }

        let mut ns_decls: Vec<NsDecl> = Vec::new();
        let mut plain = std::mem::take(&mut self.plain_attributes);
        plain.clear();
        for a in raw_attributes.drain(..) {
            let value = unescape(a.raw_value, a.value_span.start, true)?;
            if a.name == "xmlns" {
                ns_decls.push(NsDecl {
                    prefix: None,
                    uri: self.intern(&value),
                    span: a.span,
                });
            } else if let Some(p) = a.name.strip_prefix("xmlns:") {
                if value.is_empty() {
                    return Err(XmlError::malformed(
                        a.span.start,
                        format!("prefix {p:?} is bound to an empty namespace"),
                    ));
                }
                if p == "xmlns"
                    || (p == "xml" && value != XML_NS)
                    || (p != "xml" && value == XML_NS)
                {
                    return Err(XmlError::malformed(
                        a.span.start,
                        format!("illegal declaration of prefix {p:?}"),
                    ));
                }
                ns_decls.push(NsDecl {
                    prefix: Some(self.intern(p)),
                    uri: self.intern(&value),
                    span: a.span,
                });
            } else {
                let value = self.share_value(&value);
                plain.push((a, value));
            }
        }
        self.raw_attributes = raw_attributes;
        for (i, d) in ns_decls.iter().enumerate() {
            if ns_decls.iter().take(i).any(|o| o.prefix == d.prefix) {
                return Err(XmlError::malformed(
                    d.span.start,
                    "a namespace prefix is declared twice on one element",
                ));
            }
        }
        if !ns_decls.is_empty() {
            self.binding_pushes += 1;
            self.bindings
                .extend(ns_decls.iter().map(|d| (d.prefix.clone(), d.uri.clone())));
        }

        let name = self.qname(tag_name, true, span.start)?;
        let first_attribute = self.attributes.len();
        for (a, value) in plain.drain(..) {
            let qn = self.qname(a.name, false, a.span.start)?;
            if self
                .attributes
                .get(first_attribute..)
                .unwrap_or_default()
                .iter()
                .any(|o| o.name.local == qn.local && o.name.ns == qn.ns)
            {
                return Err(XmlError::malformed(
                    a.span.start,
                    format!("attribute {:?} appears twice", a.name),
                ));
            }
            self.attributes.push(Attribute {
                name: qn,
                value,
                span: a.span,
                value_span: a.value_span,
            });
        }
        self.plain_attributes = plain;

        self.check_node_budget(span.start)?;
        let parent = self.stack.last().map(|o| o.id);
        let id = self.push_node(Node {
            kind: NodeKind::Element(Element {
                name,
                attributes: (
                    first_attribute as u32,
                    (self.attributes.len() - first_attribute) as u32,
                ),
                ns_decls,
                children: (0, 0),
                start_tag: span,
                depth,
            }),
            parent,
            span,
        });
        if parent.is_none() {
            self.root = Some(id);
        }
        Ok(id)
    }

    /// The binding in scope for `prefix`: the prefix as declared and its URI (`None` when
    /// the default namespace is undeclared or nothing binds the prefix).
    fn resolve(&self, prefix: Option<&str>) -> Option<(Option<Atom>, Atom)> {
        if prefix == Some("xml") {
            return Some((Some(self.xml_prefix.clone()), self.xml_ns.clone()));
        }
        let (p, uri) = self
            .bindings
            .iter()
            .rev()
            .find(|(p, _)| match (p, prefix) {
                (Some(p), Some(q)) => eq(p, q),
                (p, q) => p.is_none() && q.is_none(),
            })?;
        (!uri.is_empty()).then(|| (p.clone(), uri.clone()))
    }

    fn qname(&mut self, written: &'a str, is_element: bool, at: usize) -> Result<QName, XmlError> {
        let bindings = (self.binding_pushes, self.bindings.len());
        let slot = recent_slot(written, is_element) % QNAMES;
        if let Some(Some(c)) = self.qnames.get(slot) {
            if c.is_element == is_element && c.bindings == bindings && eq(c.written, written) {
                return Ok(c.name.clone());
            }
        }
        let name = self.resolve_qname(written, is_element, at)?;
        if let Some(c) = self.qnames.get_mut(slot) {
            *c = Some(CachedQName {
                written,
                is_element,
                bindings,
                name: name.clone(),
            });
        }
        Ok(name)
    }

    fn resolve_qname(
        &mut self,
        written: &str,
        is_element: bool,
        at: usize,
    ) -> Result<QName, XmlError> {
        // A byte search: `str::split_once(char)` sets up a searcher for each name.
        let colon = written.bytes().position(|b| b == b':');
        let (prefix, local) =
            match colon.and_then(|i| Some((written.get(..i)?, written.get(i + 1..)?))) {
                Some((p, l)) => {
                    if p.is_empty() || l.is_empty() || l.bytes().any(|b| b == b':') {
                        return Err(XmlError::malformed(
                            at,
                            format!("{written:?} is not a valid qualified name"),
                        ));
                    }
                    (Some(p), l)
                }
                None => (None, written),
            };
        let (prefix, ns) = match prefix {
            Some(p) => {
                let (prefix, uri) = self.resolve(Some(p)).ok_or_else(|| {
                    XmlError::malformed(at, format!("namespace prefix {p:?} is not declared"))
                })?;
                (prefix, Some(uri))
            }
            None if is_element => (None, self.resolve(None).map(|(_, uri)| uri)),
            None => (None, None),
        };
        Ok(QName {
            prefix,
            local: self.intern(local),
            ns,
        })
    }
}

struct RawAttribute<'a> {
    name: &'a str,
    raw_value: &'a str,
    span: Span,
    value_span: Span,
}

fn is_xml_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Not white space nor the tag's punctuation (one bit test for the bytes below `?`).
fn is_name_byte(c: u8) -> bool {
    !matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'>' | b'/' | b'<' | b'"' | b'\''
    )
}

/// The end of the run of bytes from `from` (before `end`) that `keep` keeps.
fn run_end(bytes: &[u8], from: usize, end: usize, keep: fn(u8) -> bool) -> usize {
    bytes.get(from..end).map_or(from, |run| {
        from + run.iter().position(|b| !keep(*b)).unwrap_or(run.len())
    })
}

/// Split a start tag (`<name a="v" …>` or `…/>`) into its name and attributes with spans
/// (appended to `attributes`). `base` is the tag's offset in the document.
fn parse_start_tag<'t>(
    tag: &'t str,
    base: usize,
    attributes: &mut Vec<RawAttribute<'t>>,
) -> Result<&'t str, XmlError> {
    let bytes = tag.as_bytes();
    let end = if tag.ends_with("/>") {
        tag.len() - 2
    } else {
        tag.len().saturating_sub(1)
    };
    // The byte at `i`, or None at or past the end of the attribute area.
    let peek = |i: usize| if i < end { bytes.get(i).copied() } else { None };
    let name_start = 1; // after '<'
    let mut i = run_end(bytes, name_start, end, is_name_byte);
    let name = &tag[name_start..i];
    if name.is_empty() {
        return Err(XmlError::malformed(base, "a start tag without a name"));
    }
    loop {
        let before_ws = i;
        i = run_end(bytes, i, end, is_xml_space);
        if i >= end {
            break;
        }
        if i == before_ws {
            return Err(XmlError::malformed(
                base + i,
                "attributes must be separated by white space",
            ));
        }
        let a_start = i;
        i = run_end(bytes, i, end, is_name_byte);
        let a_name = &tag[a_start..i];
        if a_name.is_empty() {
            return Err(XmlError::malformed(base + i, "an attribute without a name"));
        }
        while peek(i).is_some_and(is_xml_space) {
            i += 1;
        }
        if peek(i) != Some(b'=') {
            return Err(XmlError::malformed(
                base + i,
                format!("attribute {a_name:?} has no value"),
            ));
        }
        i += 1;
        while peek(i).is_some_and(is_xml_space) {
            i += 1;
        }
        let quote = match peek(i) {
            Some(q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(XmlError::malformed(
                    base + i,
                    format!("the value of {a_name:?} is not quoted"),
                ))
            }
        };
        i += 1;
        let v_start = i;
        let value_area = bytes.get(i..end).unwrap_or_default();
        i = match memchr::memchr2(quote, b'<', value_area) {
            Some(k) if value_area.get(k) == Some(&b'<') => {
                return Err(XmlError::malformed(
                    base + i + k,
                    format!("'<' inside the value of {a_name:?}"),
                ));
            }
            Some(k) => i + k,
            None => end,
        };
        if i >= end {
            return Err(XmlError::malformed(
                base + v_start,
                format!("the value of {a_name:?} is not closed"),
            ));
        }
        let raw_value = &tag[v_start..i];
        i += 1;
        attributes.push(RawAttribute {
            name: a_name,
            raw_value,
            span: Span::new(base + a_start, base + i),
            value_span: Span::new(base + v_start, base + i - 1),
        });
    }
    Ok(name)
}

fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Resolve predefined entities and character references; normalise line ends, and for
/// attribute values turn literal white space into spaces (XML 1.0 §3.3.3). Any other
/// reference is an error: without a DTD no other entity exists.
fn unescape(raw: &str, base: usize, attribute: bool) -> Result<Cow<'_, str>, XmlError> {
    // Most values are plain: printable ASCII (and in text line feeds and tabs) without a
    // reference, decided in one pass that needs no character check after it.
    let plain = raw.bytes().fold(true, |plain, b| {
        let printable = (0x20..0x80).contains(&b) && b != b'&';
        let kept = if attribute {
            printable
        } else {
            (printable && b != b']') | (b == b'\n') | (b == b'\t')
        };
        plain & kept
    });
    if plain {
        return Ok(Cow::Borrowed(raw));
    }
    // The bytes that are not copied as they are: in text, a line feed or tab stays.
    let special = |s: &str| {
        if attribute {
            s.bytes()
                .position(|b| matches!(b, b'&' | b'\r' | b'\n' | b'\t'))
        } else {
            memchr::memchr3(b'&', b'\r', b']', s.as_bytes())
        }
    };
    let Some(first) = special(raw) else {
        check_chars(raw, base)?;
        return Ok(Cow::Borrowed(raw));
    };
    let mut out = String::with_capacity(raw.len());
    let (copied, mut rest) = raw.split_at(first);
    out.push_str(copied);
    let mut offset = base + first;
    while let Some(i) = special(rest) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(&c) = tail.as_bytes().first() else {
            break;
        };
        match c {
            b'&' => {
                let semi = tail.find(';').filter(|s| *s <= 12).ok_or_else(|| {
                    XmlError::malformed(offset + i, "'&' does not start a reference (write &amp;)")
                })?;
                let name = &tail[1..semi];
                let ch = match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => {
                        let code = if let Some(hex) = name.strip_prefix("#x") {
                            u32::from_str_radix(hex, 16).ok()
                        } else if let Some(dec) = name.strip_prefix('#') {
                            dec.parse::<u32>().ok()
                        } else {
                            return Err(XmlError::malformed(
                                offset + i,
                                format!(
                                    "reference to undeclared entity &{name}; (no DTD is ever read)"
                                ),
                            ));
                        };
                        code.and_then(char::from_u32)
                            .filter(|c| is_xml_char(*c))
                            .ok_or_else(|| {
                                XmlError::malformed(
                                    offset + i,
                                    format!("&{name}; is not a valid character"),
                                )
                            })?
                    }
                };
                out.push(ch);
                rest = &tail[semi + 1..];
                offset += i + semi + 1;
                continue;
            }
            b'\r' => {
                out.push(if attribute { ' ' } else { '\n' });
                let skip = if tail.as_bytes().get(1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &tail[skip..];
                offset += i + skip;
                continue;
            }
            b'\n' | b'\t' => out.push(if attribute { ' ' } else { c as char }),
            b']' => {
                if !attribute && tail.starts_with("]]>") {
                    return Err(XmlError::malformed(
                        offset + i,
                        "']]>' is not allowed in text",
                    ));
                }
                out.push(']');
            }
            _ => out.push(c as char),
        }
        rest = &tail[1..];
        offset += i + 1;
    }
    out.push_str(rest);
    check_chars(&out, base)?;
    Ok(Cow::Owned(out))
}

/// Refuse characters XML does not allow (controls other than tab and line ends, U+FFFE,
/// U+FFFF); `base` is where the value starts.
fn check_chars(s: &str, base: usize) -> Result<(), XmlError> {
    // Without short-circuits so that the scan over a long value is vectorised.
    let control = s.bytes().fold(false, |found, b| {
        found | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
    });
    if !control && s.is_ascii() {
        return Ok(());
    }
    match s.chars().find(|c| !is_xml_char(*c)) {
        Some(bad) => Err(XmlError::malformed(
            base,
            format!("character U+{:04X} is not allowed in XML", bad as u32),
        )),
        None => Ok(()),
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

    #[test]
    fn resolves_namespaces_and_keeps_spans() {
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a"><saml:NameID>ana@<!-- x -->acme.com</saml:NameID></saml:Assertion></samlp:Response>"#;
        let doc = Document::parse(xml).unwrap();
        let root = doc.element(doc.root).unwrap();
        assert_eq!(root.name.local, "Response");
        let nameid = doc
            .descendants_named(doc.root, SAML, "NameID")
            .next()
            .unwrap();
        assert_eq!(doc.text(nameid), "ana@acme.com");
        assert!(doc.text_is_split(nameid));
        assert!(xml[doc.span(nameid).start..doc.span(nameid).end].starts_with("<saml:NameID>"));
        assert!(xml[doc.span(nameid).start..doc.span(nameid).end].ends_with("</saml:NameID>"));
        let id = doc.attr(doc.root, "ID").unwrap();
        assert_eq!(&xml[id.value_span.start..id.value_span.end], "_1");
        assert_eq!(doc.elements_with_id("a").len(), 1);
        assert_eq!(doc.path(nameid), "Response/Assertion/NameID");
    }

    #[test]
    fn refuses_doctype_and_unknown_entities() {
        let e = Document::parse("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>").unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::Doctype);
        let e = Document::parse("<x>&a;</x>").unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::Malformed);
    }

    #[test]
    fn attribute_values_are_normalised() {
        let doc = Document::parse("<x a=\"1\n2&#xA;3 &amp; &lt;\"/>").unwrap();
        assert_eq!(doc.attr_value(doc.root, "a"), Some("1 2\n3 & <"));
    }

    #[test]
    fn limits_hold() {
        let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert_eq!(
            Document::parse(&deep).unwrap_err().kind,
            XmlErrorKind::TooDeep
        );
        let attrs: String = (0..1000).map(|i| format!(" a{i}=\"1\"")).collect();
        let wide = format!("<x{attrs}/>");
        assert_eq!(
            Document::parse(&wide).unwrap_err().kind,
            XmlErrorKind::TooDeep
        );
    }

    #[test]
    fn malformed_documents_are_refused() {
        for bad in [
            "<a><b></a>",
            "<a>",
            "<a x='1' x='2'/>",
            "<p:a/>",
            "<a/><b/>",
            "text<a/>",
            "<a b=c/>",
            "",
            "<a>x]]>y</a>",
        ] {
            assert!(Document::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn a_document_read_in_parts_has_the_whole_documents_nodes() {
        let xml = "<?xml version=\"1.0\"?>\n<r xmlns:p=\"urn:p\" a='>'><p:s><x/></p:s>\n<!-- c --><e q=\"/>\">t<![CDATA[</e>]]></e><?pi ?><f/></r>\n";
        let layout = RootLayout::scan(xml).unwrap();
        let whole = Document::parse(xml).unwrap();
        let head_end = layout.first_child.unwrap().end;
        assert_eq!(
            &xml[layout.first_child.unwrap().start..head_end],
            "<p:s><x/></p:s>"
        );
        let head = Document::parse_root_part(
            xml,
            &layout,
            Span::new(layout.root_start_tag.end, head_end),
            true,
            Limits::default(),
        )
        .unwrap();
        assert_eq!(head.span(head.root), whole.span(whole.root));
        let blocks = layout.blocks(xml, head_end, 1);
        assert_eq!(blocks.len(), 2);
        assert!(xml[blocks[1].start..].starts_with("<e q="));
        let mut spans: Vec<Span> = head.ids().map(|n| head.span(n)).collect();
        for b in &blocks {
            let d = Document::parse_root_part(xml, &layout, *b, false, Limits::default()).unwrap();
            spans.extend(d.ids().filter(|n| *n != d.root).map(|n| d.span(n)));
        }
        spans.sort_by_key(|s| (s.start, s.end));
        let mut want: Vec<Span> = whole.ids().map(|n| whole.span(n)).collect();
        want.sort_by_key(|s| (s.start, s.end));
        assert_eq!(spans, want);
    }

    /// The root's child nodes of `xml` as the whole tree has them, and whether the root's
    /// content cut at `cut` reads in two parts, with the whole tree's nodes.
    fn cut_reads(xml: &str, cut: usize) -> bool {
        let layout = RootLayout::scan(xml).unwrap();
        let whole = Document::parse(xml).unwrap();
        let content = Span::new(layout.root_start_tag.end, layout.root_end_tag.start);
        let parts = [Span::new(content.start, cut), Span::new(cut, content.end)];
        let mut spans = vec![whole.span(whole.root)];
        for part in parts {
            match Document::parse_root_part(xml, &layout, part, false, Limits::default()) {
                Ok(d) => spans.extend(d.ids().filter(|n| *n != d.root).map(|n| d.span(n))),
                Err(_) => return false,
            }
        }
        spans.sort_by_key(|s| (s.start, s.end));
        let mut want: Vec<Span> = whole.ids().map(|n| whole.span(n)).collect();
        want.sort_by_key(|s| (s.start, s.end));
        assert_eq!(spans, want, "cut at {cut} read other nodes");
        true
    }

    #[test]
    fn a_cut_reads_only_between_the_roots_children() {
        let xml = "<r><s/>\n<e>1<e/></e><!-- <e> --><e b='>'><e/></e><![CDATA[<e>]]><?p <e ?><e a=\"x\"/>t<e>&lt;e</e></r>";
        let whole = Document::parse(xml).unwrap();
        let starts: Vec<usize> = whole
            .children(whole.root)
            .iter()
            .map(|c| whole.span(*c).start)
            .collect();
        for (cut, _) in xml
            .match_indices('<')
            .filter(|(i, _)| *i > 3 && *i < xml.len() - 4)
        {
            assert_eq!(cut_reads(xml, cut), starts.contains(&cut), "cut at {cut}");
        }
        // Cut where each child named as the last one starts: the decoys in the comment, the
        // CDATA section, the PI and the nested element are not cuts.
        let layout = RootLayout::scan(xml).unwrap();
        let head_end = layout.first_child.unwrap().end;
        let cuts: Vec<usize> = layout
            .blocks(xml, head_end, 1)
            .iter()
            .skip(1)
            .map(|b| b.start)
            .collect();
        assert!(cuts.len() >= 4, "{cuts:?}");
        assert!(cuts.iter().all(|c| xml[*c..].starts_with("<e")));
        let readable: Vec<usize> = cuts
            .iter()
            .copied()
            .filter(|c| cut_reads(xml, *c))
            .collect();
        assert_eq!(readable.len(), 4, "{cuts:?}");
    }

    #[test]
    fn the_end_tag_is_the_roots() {
        for (xml, ok) in [
            ("<r><a/></r>\n<!-- </r> -->", false),
            ("<r><a/></r  >\n<?p?>", true),
            ("<r><a/><![CDATA[</r>]]></r>", true),
            ("<r><a/></rr>", false),
        ] {
            let layout = RootLayout::scan(xml);
            let read = layout.as_ref().is_some_and(|l| {
                let content = Span::new(l.root_start_tag.end, l.root_end_tag.start);
                Document::parse_root_part(xml, l, content, true, Limits::default()).is_ok()
            });
            assert_eq!(read, ok, "{xml}");
        }
    }

    #[test]
    fn a_name_resolves_under_the_bindings_in_force() {
        let xml = r#"<a xmlns:p="urn:1" xmlns="urn:d"><p:x y="1"/><b xmlns:p="urn:2"><p:x y="2"/></b><p:x/><c xmlns:p="urn:3" xmlns="urn:e"><p:x/><y y="3"/></c><y y="4"/></a>"#;
        let doc = Document::parse(xml).unwrap();
        let ns_of = |local: &str| -> Vec<Option<String>> {
            doc.ids()
                .filter_map(|n| doc.element(n))
                .filter(|e| e.name.local == local)
                .map(|e| e.name.ns.as_ref().map(|a| a.to_string()))
                .collect()
        };
        let some = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        assert_eq!(ns_of("x"), some(&["urn:1", "urn:2", "urn:1", "urn:3"]));
        assert_eq!(ns_of("y"), some(&["urn:e", "urn:d"]));
        // An unprefixed attribute is in no namespace, whatever the default.
        assert!(doc
            .ids()
            .flat_map(|n| doc.attributes(n))
            .all(|a| a.name.ns.is_none()));
    }

    #[test]
    fn short_strings_compare_as_words() {
        let words = [
            "",
            "a",
            "md",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "urn:oasis:names",
            "0123456789abcdef",
            "0123456789abcdeg",
            "x0123456789abcdef",
        ];
        for a in words {
            for b in words {
                assert_eq!(eq(a, b), a == b, "{a:?} {b:?}");
            }
        }
        assert!(!eq("abcdefgh-x-ijklmno", "abcdefgh-y-ijklmno"));
        assert!(!eq("ab1defghijklmnop", "ab2defghijklmnop"));
    }

    #[test]
    fn undeclaring_default_namespace() {
        let doc = Document::parse(r#"<a xmlns="urn:x"><b xmlns=""><c/></b></a>"#).unwrap();
        let b = doc.child_elements(doc.root).next().unwrap();
        let c = doc.child_elements(b).next().unwrap();
        assert_eq!(
            doc.element(doc.root).unwrap().name.ns.as_deref(),
            Some("urn:x")
        );
        assert_eq!(doc.element(c).unwrap().name.ns, None);
        assert!(doc.in_scope_namespaces(c).is_empty());
    }
}
