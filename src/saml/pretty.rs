//! An indented rendering of the positioned tree for humans: one element per line, text kept
//! as parsed, comments shown (they matter: a comment inside a NameID is an attack shape).
//! Values can pass through a rewrite (redaction); signature elements never do, so signatures
//! and certificates are shown byte for byte.

use super::ns;
use crate::xml::{Document, NodeId, NodeKind};

/// Render the document; `rewrite` maps text and attribute values outside `ds:Signature`.
pub fn render(doc: &Document, rewrite: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for id in &doc.top_level {
        node(doc, *id, 0, false, rewrite, &mut out);
    }
    out
}

fn escape(s: &str, attr: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' if !attr => o.push_str("&gt;"),
            '"' if attr => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

fn node(
    doc: &Document,
    id: NodeId,
    depth: usize,
    in_signature: bool,
    rewrite: &dyn Fn(&str) -> String,
    out: &mut String,
) {
    let pad = "  ".repeat(depth);
    let value = |s: &str| {
        if in_signature {
            s.to_string()
        } else {
            rewrite(s)
        }
    };
    match &doc.node(id).kind {
        NodeKind::Text { value: t, .. } => {
            if !t.trim().is_empty() {
                out.push_str(&format!("{pad}{}\n", escape(&value(t.trim()), false)));
            }
        }
        NodeKind::Comment(c) => out.push_str(&format!("{pad}<!--{c}-->\n")),
        NodeKind::ProcessingInstruction { target, data } => {
            out.push_str(&format!("{pad}<?{target} {data}?>\n"))
        }
        NodeKind::Element(e) => {
            let in_signature = in_signature || e.name.is(ns::DS, "Signature");
            let value = |s: &str| {
                if in_signature {
                    s.to_string()
                } else {
                    rewrite(s)
                }
            };
            let name = e.name.written();
            let mut tag = format!("{pad}<{name}");
            for d in &e.ns_decls {
                match &d.prefix {
                    Some(p) => tag.push_str(&format!(" xmlns:{p}=\"{}\"", escape(&d.uri, true))),
                    None => tag.push_str(&format!(" xmlns=\"{}\"", escape(&d.uri, true))),
                }
            }
            for a in doc.attributes(id) {
                tag.push_str(&format!(
                    " {}=\"{}\"",
                    a.name.written(),
                    escape(&value(&a.value), true)
                ));
            }
            let children: Vec<NodeId> = doc
                .children(id)
                .iter()
                .copied()
                .filter(|c| match &doc.node(*c).kind {
                    NodeKind::Text { value, .. } => !value.trim().is_empty(),
                    _ => true,
                })
                .collect();
            match children.as_slice() {
                [] => out.push_str(&format!("{tag}/>\n")),
                [only] if matches!(doc.node(*only).kind, NodeKind::Text { .. }) => {
                    let text = doc.text(id);
                    out.push_str(&format!(
                        "{tag}>{}</{name}>\n",
                        escape(&value(text.trim()), false)
                    ));
                }
                _ => {
                    out.push_str(&format!("{tag}>\n"));
                    for c in children {
                        node(doc, c, depth + 1, in_signature, rewrite, out);
                    }
                    out.push_str(&format!("{pad}</{name}>\n"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_keeps_signatures() {
        let xml = r#"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><n>alice<!--x-->bob</n><ds:Signature><ds:X509Certificate>alice</ds:X509Certificate></ds:Signature></r>"#;
        let doc = Document::parse(xml).unwrap();
        let out = render(&doc, &|s| s.replace("alice", "P1"));
        assert_eq!(
            out,
            "<r xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n  <n>\n    P1\n    <!--x-->\n    bob\n  </n>\n  <ds:Signature>\n    <ds:X509Certificate>alice</ds:X509Certificate>\n  </ds:Signature>\n</r>\n"
        );
    }
}
