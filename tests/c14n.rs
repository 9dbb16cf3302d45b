//! Canonicalisation: the W3C specifications' examples (Canonical XML 1.0 §3, Exclusive XML
//! Canonicalization §2.2, written out here from the specifications' text), properties, and a
//! differential test against libxml2's `xmllint --c14n/--c14n11/--exc-c14n`.
//!
//! Examples that need a DTD (attribute defaults, entity declarations) are written without
//! their DOCTYPE, since the tree refuses DTDs; their expected output drops what the DTD added.

use proptest::prelude::*;
use ssolint::xml::c14n::{canonicalize, canonicalize_document, Method};
use ssolint::xml::Document;
use std::io::Write;
use std::process::Command;

const INCL: Method = Method::Inclusive10 { comments: false };
const INCL_C: Method = Method::Inclusive10 { comments: true };

fn exc(prefixes: &[&str]) -> Method {
    Method::Exclusive {
        comments: false,
        inclusive_prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
    }
}

fn doc_c14n(xml: &str, m: &Method) -> String {
    let doc = Document::parse(xml).unwrap();
    String::from_utf8(canonicalize_document(&doc, m)).unwrap()
}

#[test]
fn spec_3_1_pis_comments_and_outside_of_document_element() {
    let input = "<?xml version=\"1.0\"?>\n\n<?xml-stylesheet   href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n\n<doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->\n";
    assert_eq!(
        doc_c14n(input, &INCL),
        "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>"
    );
    assert_eq!(
        doc_c14n(input, &INCL_C),
        "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!<!-- Comment 1 --></doc>\n<?pi-without-data?>\n<!-- Comment 2 -->\n<!-- Comment 3 -->"
    );
}

#[test]
fn spec_3_2_whitespace_in_document_content() {
    let input = "<doc>\n   <clean>   </clean>\n   <dirty>   A   B   </dirty>\n   <mixed>\n      A\n      <clean>   </clean>\n      B\n      <dirty>   A   B   </dirty>\n      C\n   </mixed>\n</doc>";
    assert_eq!(doc_c14n(input, &INCL), input);
}

#[test]
fn spec_3_3_start_and_end_tags() {
    let input = r#"<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>"#;
    let expected = r#"<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>"#;
    assert_eq!(doc_c14n(input, &INCL), expected);
}

#[test]
fn spec_3_4_character_modifications_and_character_references() {
    let input = "<doc>\n   <text>First line&#x0d;&#10;Second line</text>\n   <value>&#x32;</value>\n   <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n   <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n   <normNames attr='   A   &#x20;&#13;&#xa;&#9;   B   '/>\n</doc>";
    let expected = "<doc>\n   <text>First line&#xD;\nSecond line</text>\n   <value>2</value>\n   <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n   <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n   <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n   <normNames attr=\"   A    &#xD;&#xA;&#x9;   B   \"></normNames>\n</doc>";
    assert_eq!(doc_c14n(input, &INCL), expected);
}

#[test]
fn spec_3_6_utf8() {
    assert_eq!(doc_c14n("<doc>&#169;</doc>", &INCL), "<doc>\u{a9}</doc>");
}

const EXC_DOC1: &str = r#"<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org">
   <n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
       <n3:stuff xmlns:n3="ftp://example.org"/>
   </n1:elem2>
</n0:local>"#;
const EXC_DOC2: &str = r#"<n2:pdu xmlns:n1="http://example.com" xmlns:n2="http://foo.example" xml:lang="fr" xml:space="retain">
   <n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
       <n3:stuff xmlns:n3="ftp://example.org"/>
   </n1:elem2>
</n2:pdu>"#;

fn subtree(xml: &str, m: &Method) -> String {
    let doc = Document::parse(xml).unwrap();
    let elem2 = doc.child_elements(doc.root).next().unwrap();
    String::from_utf8(canonicalize(&doc, elem2, None, m)).unwrap()
}

#[test]
fn exc_c14n_spec_2_2_example() {
    let expected = "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n       <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n   </n1:elem2>";
    assert_eq!(subtree(EXC_DOC1, &exc(&[])), expected);
    assert_eq!(subtree(EXC_DOC2, &exc(&[])), expected);
    // Inclusive canonicalisation of the same subtree drags in the context.
    assert_eq!(
        subtree(EXC_DOC1, &INCL),
        "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" xmlns:n3=\"ftp://example.org\" xml:lang=\"en\">\n       <n3:stuff></n3:stuff>\n   </n1:elem2>"
    );
    assert_eq!(
        subtree(EXC_DOC2, &INCL),
        "<n1:elem2 xmlns:n1=\"http://example.net\" xmlns:n2=\"http://foo.example\" xml:lang=\"en\" xml:space=\"retain\">\n       <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n   </n1:elem2>"
    );
}

#[test]
fn c14n11_inherits_lang_and_space_but_not_id() {
    let xml = r#"<a xml:lang="fr" xml:id="x" xml:space="preserve"><b/></a>"#;
    let doc = Document::parse(xml).unwrap();
    let b = doc.child_elements(doc.root).next().unwrap();
    let out = |m| String::from_utf8(canonicalize(&doc, b, None, &m)).unwrap();
    assert_eq!(
        out(Method::Inclusive11 { comments: false }),
        r#"<b xml:lang="fr" xml:space="preserve"></b>"#
    );
    assert_eq!(
        out(Method::Inclusive10 { comments: false }),
        r#"<b xml:id="x" xml:lang="fr" xml:space="preserve"></b>"#
    );
    assert_eq!(out(exc(&[])), "<b></b>");
}

#[test]
fn inclusive_namespaces_prefix_list() {
    assert_eq!(
        subtree(EXC_DOC1, &exc(&["n0"])),
        "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n       <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n   </n1:elem2>"
    );
    // `#default` renders the default namespace even where no element uses it, and an
    // unused listed prefix that is not in scope renders nothing.
    let xml = r#"<r xmlns="urn:d" xmlns:p="urn:p"><p:x><p:y/></p:x></r>"#;
    let doc = Document::parse(xml).unwrap();
    let x = doc.child_elements(doc.root).next().unwrap();
    let out = |m| String::from_utf8(canonicalize(&doc, x, None, &m)).unwrap();
    assert_eq!(out(exc(&[])), r#"<p:x xmlns:p="urn:p"><p:y></p:y></p:x>"#);
    assert_eq!(
        out(exc(&["#default", "q"])),
        r#"<p:x xmlns="urn:d" xmlns:p="urn:p"><p:y></p:y></p:x>"#
    );
}

#[test]
fn default_namespace_undeclaration() {
    let xml = r#"<a xmlns="urn:a"><b xmlns=""><c/></b></a>"#;
    assert_eq!(
        doc_c14n(xml, &exc(&[])),
        r#"<a xmlns="urn:a"><b xmlns=""><c></c></b></a>"#
    );
    assert_eq!(
        doc_c14n(xml, &INCL),
        r#"<a xmlns="urn:a"><b xmlns=""><c></c></b></a>"#
    );
    // At the apex nothing is rendered: no output ancestor declared a default.
    let doc = Document::parse(xml).unwrap();
    let b = doc.child_elements(doc.root).next().unwrap();
    assert_eq!(canonicalize(&doc, b, None, &exc(&[])), b"<b><c></c></b>");
    assert_eq!(canonicalize(&doc, b, None, &INCL), b"<b><c></c></b>");
}

// ---- properties and the xmllint differential ----------------------------------------------

/// A random well-formed document: a few prefixes declared at random depths and used only
/// where in scope, attributes with characters that need escaping, text, comments and PIs.
fn arb_document() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-z &<>\"'\t\n\r]{0,8}".prop_map(Piece::Text),
        "[a-z ]{0,6}".prop_map(Piece::Comment),
        "[a-z]{1,3}".prop_map(Piece::Pi),
    ];
    let tree = leaf.prop_recursive(4, 40, 5, |inner| {
        (
            0usize..4,
            prop::collection::vec((0usize..4, 0usize..3, "[a-z&<\"\t\n ]{0,5}"), 0..4),
            prop::collection::vec((0usize..4, 0usize..3), 0..3),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(prefix, attrs, decls, children)| Piece::Element {
                prefix,
                attrs,
                decls,
                children,
            })
    });
    tree.prop_map(|t| {
        let root = match t {
            e @ Piece::Element { .. } => e,
            other => Piece::Element {
                prefix: 0,
                attrs: vec![],
                decls: vec![],
                children: vec![other],
            },
        };
        let mut out = String::new();
        write_piece(&root, &mut vec![None; 4], &mut out);
        out
    })
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Comment(String),
    Pi(String),
    Element {
        prefix: usize,
        attrs: Vec<(usize, usize, String)>,
        decls: Vec<(usize, usize)>,
        children: Vec<Piece>,
    },
}

const PREFIXES: [&str; 4] = ["", "a", "b", "c"];
const URIS: [&str; 3] = ["urn:x", "urn:y", "http://e/z"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
        .replace('>', "&gt;")
        .replace('\r', "&#13;")
}

fn write_piece(p: &Piece, scope: &mut Vec<Option<usize>>, out: &mut String) {
    match p {
        Piece::Text(t) => out.push_str(&escape(t)),
        Piece::Comment(c) => out.push_str(&format!("<!--{c}-->")),
        Piece::Pi(t) => out.push_str(&format!("<?p{t} d?>")),
        Piece::Element {
            prefix,
            attrs,
            decls,
            children,
        } => {
            let saved = scope.clone();
            let mut decl_text = String::new();
            let mut declared = Vec::new();
            for (p, u) in decls {
                if declared.contains(p) {
                    continue;
                }
                declared.push(*p);
                scope[*p] = Some(*u);
                if *p == 0 {
                    decl_text.push_str(&format!(" xmlns=\"{}\"", URIS[*u]));
                } else {
                    decl_text.push_str(&format!(" xmlns:{}=\"{}\"", PREFIXES[*p], URIS[*u]));
                }
            }
            let name = if *prefix > 0 && scope[*prefix].is_some() {
                format!("{}:e", PREFIXES[*prefix])
            } else {
                "e".to_string()
            };
            let mut attr_text = String::new();
            let mut seen: Vec<(Option<usize>, usize)> = Vec::new();
            for (p, local, v) in attrs {
                let p = (*p > 0 && scope[*p].is_some()).then_some(*p);
                // Two attributes may not share a namespace and local name.
                let key = (p.and_then(|p| scope[p]), *local);
                if seen
                    .iter()
                    .any(|s| (s.0.and_then(|p| scope[p]), s.1) == key)
                {
                    continue;
                }
                seen.push((p, *local));
                match p {
                    Some(p) => {
                        attr_text.push_str(&format!(" {}:t{local}=\"{}\"", PREFIXES[p], escape(v)))
                    }
                    None => attr_text.push_str(&format!(" t{local}=\"{}\"", escape(v))),
                }
            }
            out.push_str(&format!("<{name}{decl_text}{attr_text}>"));
            for c in children {
                write_piece(c, scope, out);
            }
            out.push_str(&format!("</{name}>"));
            *scope = saved;
        }
    }
}

fn xmllint(flag: &str, xml: &str) -> Option<Vec<u8>> {
    let mut f = tempfile::NamedTempFile::new().ok()?;
    f.write_all(xml.as_bytes()).ok()?;
    let out = Command::new("xmllint")
        .arg(flag)
        .arg(f.path())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

fn xmllint_present() -> bool {
    let ok = Command::new("xmllint").arg("--version").output().is_ok();
    if !ok {
        eprintln!("xmllint is not installed: skipping the c14n differential test");
    }
    ok
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn canonical_output_reparses_and_is_a_fixed_point(xml in arb_document()) {
        let doc = Document::parse(&xml).unwrap();
        for m in [exc(&[]), INCL, INCL_C, Method::Exclusive { comments: true, inclusive_prefixes: vec![] }] {
            let once = canonicalize_document(&doc, &m);
            let text = String::from_utf8(once.clone()).unwrap();
            let again = Document::parse(&text).unwrap();
            prop_assert_eq!(canonicalize_document(&again, &m), once);
        }
    }

    #[test]
    fn agrees_with_xmllint(xml in arb_document()) {
        if !xmllint_present() {
            return Ok(());
        }
        let doc = Document::parse(&xml).unwrap();
        for (flag, m) in [
            ("--exc-c14n", Method::Exclusive { comments: true, inclusive_prefixes: vec![] }),
            ("--c14n", INCL_C),
            ("--c14n11", Method::Inclusive11 { comments: true }),
        ] {
            let theirs = xmllint(flag, &xml).expect("xmllint failed");
            let ours = canonicalize_document(&doc, &m);
            prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs), "{} on {}", flag, xml);
        }
    }
}

#[test]
fn fixtures_agree_with_xmllint() {
    if !xmllint_present() {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dsig/responses");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let xml = std::fs::read_to_string(&path).unwrap();
        let doc = Document::parse(&xml).unwrap();
        for (flag, m) in [
            (
                "--exc-c14n",
                Method::Exclusive {
                    comments: true,
                    inclusive_prefixes: vec![],
                },
            ),
            ("--c14n", INCL_C),
        ] {
            let theirs = xmllint(flag, &xml).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&canonicalize_document(&doc, &m)),
                String::from_utf8_lossy(&theirs),
                "{flag} {}",
                path.display()
            );
            n += 1;
        }
    }
    assert!(n > 20);
}
