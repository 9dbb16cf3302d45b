//! Federation aggregates read a block at a time give exactly what the whole tree gives: the
//! parts' nodes are the whole document's nodes, the canonical form assembled from the parts
//! is the whole canonical form, and `lint --metadata` reports the same findings (and the same
//! signature verdict) either way, on generated shapes, the fixtures and the corpus.

use proptest::prelude::*;
use ssolint::commands::lint::{stream_aggregate, whole_tree_metadata};
use ssolint::findings::Finding;
use ssolint::source::SourceFile;
use ssolint::x509::Certificate;
use ssolint::xml::c14n::{canonicalize, canonicalize_into, Method};
use ssolint::xml::tree::{Limits, RootLayout};
use ssolint::xml::Document;
use std::path::{Path, PathBuf};

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";

fn methods() -> Vec<Method> {
    let exc = |comments, p: &[&str]| Method::Exclusive {
        comments,
        inclusive_prefixes: p.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        exc(false, &[]),
        exc(true, &[]),
        exc(false, &["a", "#default"]),
        Method::Inclusive10 { comments: false },
        Method::Inclusive10 { comments: true },
        Method::Inclusive11 { comments: true },
    ]
}

/// The head part and the blocks of `text` (blocks of about `target` bytes); `None` when a
/// block does not parse (a cut that is not between two children of the root).
fn parts(text: &str, target: usize) -> Option<(Document, Vec<Document>)> {
    let layout = RootLayout::scan(text).expect("the layout");
    let head_end = layout
        .first_child
        .map_or(layout.root_end_tag.start, |c| c.end);
    let head_span = ssolint::source::Span::new(layout.root_start_tag.end, head_end);
    let limits = Limits::default();
    let head = Document::parse_root_part(text, &layout, head_span, true, limits).expect("head");
    let blocks = layout
        .blocks(text, head_end, target)
        .into_iter()
        .map(|b| Document::parse_root_part(text, &layout, b, false, limits).ok())
        .collect::<Option<Vec<_>>>()?;
    Some((head, blocks))
}

/// Every node's span and path, in document order (a part's copy of the root counted once).
fn nodes(doc: &Document, skip_root: bool) -> Vec<(usize, usize, String)> {
    doc.ids()
        .filter(|n| !(skip_root && *n == doc.root))
        .map(|n| (doc.span(n).start, doc.span(n).end, doc.path(n)))
        .collect()
}

/// The root's canonical form assembled from the parts.
fn assembled(head: &Document, blocks: &[Document], exclude: bool, m: &Method) -> Vec<u8> {
    let exclude = exclude
        .then(|| head.child_elements(head.root).next())
        .flatten();
    let mut head_bytes = Vec::new();
    let content = canonicalize_into(head, head.root, exclude, m, &mut head_bytes);
    let mut out = head_bytes[..content.end].to_vec();
    for b in blocks {
        let mut bytes = Vec::new();
        let c = canonicalize_into(b, b.root, None, m, &mut bytes);
        out.extend_from_slice(&bytes[c]);
    }
    out.extend_from_slice(&head_bytes[content.end..]);
    out
}

/// Whether `text` was read in parts; when it was, the parts are the whole.
fn check_parts_equal_whole(text: &str, target: usize) -> bool {
    let whole = Document::parse(text).expect("whole");
    let Some((head, blocks)) = parts(text, target) else {
        return false;
    };
    let mut got = nodes(&head, false);
    for b in &blocks {
        got.extend(nodes(b, true));
    }
    got.sort();
    let mut want = nodes(&whole, false);
    want.sort();
    assert_eq!(got, want, "nodes of the parts");
    let first = whole.child_elements(whole.root).next();
    for m in methods() {
        for exclude in [false, true] {
            let w = canonicalize(&whole, whole.root, first.filter(|_| exclude), &m);
            assert_eq!(
                String::from_utf8_lossy(&assembled(&head, &blocks, exclude, &m)),
                String::from_utf8_lossy(&w),
                "{m:?}, first child excluded: {exclude}"
            );
        }
    }
    true
}

/// A generated element: nested namespaces (default and prefixed, declared and
/// undeclared), xml:* attributes, comments, PIs, CDATA and escaped text.
fn element(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        "[a-z &<>\"\r\n]{0,6}".prop_map(|t| t
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")),
        "[a-z ]{0,5}".prop_map(|t| format!("<!--{t}-->")),
        "[a-z]{0,4}".prop_map(|t| format!("<?pi {t}?>")),
        "[a-z<>&]{0,4}".prop_map(|t| format!("<![CDATA[{t}]]>")),
    ];
    let name = prop_oneof![
        Just(("e", "")),
        Just(("a:e", " xmlns:a=\"urn:a\"")),
        Just(("b:f", " xmlns:b=\"urn:b2\"")),
        Just(("g", " xmlns=\"urn:d\"")),
        Just(("h", " xmlns=\"\"")),
        Just(("a:i", "")),
    ];
    let attrs = prop_oneof![
        Just(""),
        Just(" z=\"1\" y=\"a&gt;b\""),
        Just(" xml:lang=\"en\""),
        Just(" a:q=\"x\""),
        Just(" ID=\"inner\""),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let child = element(depth - 1);
    prop_oneof![
        leaf,
        (name, attrs, prop::collection::vec(child, 0..4)).prop_map(|((n, decl), attrs, kids)| {
            // `a:` is bound on the root, so an element using it without its own
            // declaration is still well formed.
            let attrs = if attrs.contains("a:") && decl.is_empty() && !n.starts_with("a:") {
                ""
            } else {
                attrs
            };
            format!("<{n}{decl}{attrs}>{}</{n}>", kids.concat())
        }),
    ]
    .boxed()
}

/// A generated document, and whether its root's child elements all have a name (`m:c`)
/// that no element below them has, as an aggregate's EntityDescriptors do.
fn document() -> impl Strategy<Value = (String, bool)> {
    (
        prop::collection::vec(element(3), 1..12),
        prop_oneof![Just(""), Just("<!-- before -->\n"), Just("<?pi x?>")],
        prop_oneof![Just(""), Just("\n<!-- after -->\n")],
        any::<bool>(),
    )
        .prop_map(|(children, before, after, distinct)| {
            let children: Vec<String> = if distinct {
                children
                    .into_iter()
                    .map(|c| {
                        if c.starts_with("<") && !c.starts_with("<!") && !c.starts_with("<?") {
                            format!("<m:c xmlns:m=\"urn:m\">{c}</m:c>")
                        } else {
                            c
                        }
                    })
                    .collect()
            } else {
                children
            };
            let text = format!(
                "<?xml version=\"1.0\"?>\n{before}<r xmlns=\"urn:d\" xmlns:a=\"urn:a\" xml:lang=\"fr\" ID=\"root\">{}</r>{after}",
                children.concat()
            );
            (text, distinct)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Parts that parse cover the whole document node for node, and their canonical pieces
    /// assemble into the whole canonical form under every method, with and without the
    /// first child excluded (the enveloped signature). Cut where children named as the
    /// root's children start, a document whose name recurs below may not read in parts;
    /// one whose name does not always does.
    #[test]
    fn parts_assemble_into_the_whole((text, distinct) in document(), target in 1usize..200) {
        let read = check_parts_equal_whole(&text, target);
        prop_assert!(read || !distinct, "not read in parts: {text}");
    }
}

#[test]
fn a_document_the_parser_refuses_is_refused_by_a_part() {
    for bad in [
        "<r><a></b></r>",
        "<r><a>x]]>y</a></r>",
        "<r><a q=\"<\"/></r>",
        "<r><a>&undeclared;</a><b/></r>",
        "<r><a/></r><second/>",
        "<r><a/></r>text after",
    ] {
        assert!(Document::parse(bad).is_err());
        let failed = match RootLayout::scan(bad) {
            None => true,
            Some(layout) => {
                let head_end = layout
                    .first_child
                    .map_or(layout.root_end_tag.start, |c| c.end);
                let limits = Limits::default();
                let head_span = ssolint::source::Span::new(layout.root_start_tag.end, head_end);
                Document::parse_root_part(bad, &layout, head_span, true, limits).is_err()
                    || layout
                        .blocks(bad, head_end, 1)
                        .into_iter()
                        .any(|b| Document::parse_root_part(bad, &layout, b, false, limits).is_err())
            }
        };
        assert!(failed, "{bad:?} was read in parts");
    }
    assert!(RootLayout::scan("<!DOCTYPE r><r><a/></r>").is_none());
}

fn key_pair() -> (
    openssl::pkey::PKey<openssl::pkey::Private>,
    Vec<Certificate>,
) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
    let key = openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(dir.join("okta.key.pem")).unwrap(),
    )
    .unwrap();
    let certs =
        Certificate::from_file_bytes(&std::fs::read(dir.join("okta.crt.pem")).unwrap()).unwrap();
    (key, certs)
}

fn other_certs() -> Vec<Certificate> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
    Certificate::from_file_bytes(&std::fs::read(dir.join("google.crt.pem")).unwrap()).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Sign `unsigned` (an aggregate whose root has ID "agg" and whose `{SIG}` marks where the
/// Signature goes) with `c14n_uri` as both the transform and SignedInfo's method.
fn sign(unsigned: &str, c14n_uri: &str, prefixes: &str) -> String {
    let (key, _) = key_pair();
    let inclusive = if prefixes.is_empty() {
        String::new()
    } else {
        format!("<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"{prefixes}\"/>")
    };
    let signature = |digest: &str, value: &str| {
        format!(
            "<ds:Signature xmlns:ds=\"{DS}\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{c14n_uri}\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><ds:Reference URI=\"#agg\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><ds:Transform Algorithm=\"{c14n_uri}\">{inclusive}</ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>{value}</ds:SignatureValue></ds:Signature>"
        )
    };
    let prefixes: Vec<String> = prefixes.split_whitespace().map(str::to_string).collect();
    let method = Method::from_uri(c14n_uri, &prefixes).unwrap();
    // The PrefixList is the Transform's; SignedInfo's own method carries none.
    let signed_info_method = Method::from_uri(c14n_uri, &[]).unwrap();
    let mut digest_method = method.clone();
    digest_method.drop_comments();
    let draft = unsigned.replace("{SIG}", &signature("", ""));
    let doc = Document::parse(&draft).unwrap();
    let sig = doc.child_elements(doc.root).next().unwrap();
    let digest = openssl::hash::hash(
        openssl::hash::MessageDigest::sha256(),
        &canonicalize(&doc, doc.root, Some(sig), &digest_method),
    )
    .unwrap();
    let with_digest = unsigned.replace("{SIG}", &signature(&b64(&digest), ""));
    let doc = Document::parse(&with_digest).unwrap();
    let sig = doc.child_elements(doc.root).next().unwrap();
    let signed_info = doc.child_elements(sig).next().unwrap();
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
    let value = signer
        .sign_oneshot_to_vec(&canonicalize(&doc, signed_info, None, &signed_info_method))
        .unwrap();
    unsigned.replace("{SIG}", &signature(&b64(&digest), &b64(&value)))
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

type Outcome = (Vec<Finding>, Option<Finding>);

/// Findings compared field by field through their debug form (rule, message, spans, ...).
fn shown(o: &Outcome) -> String {
    format!("{o:#?}")
}

/// Both readings of `text`; `None` for the streamed one when it declined.
fn both(text: &str, certs: Option<&[Certificate]>) -> (Option<Outcome>, Outcome) {
    let signer = PathBuf::from("signer.pem");
    let streamed = stream_aggregate(text, 0, now(), certs.map(|c| (c, signer.as_path())));
    let source = SourceFile::new("agg.xml", text);
    let whole = whole_tree_metadata(
        &source,
        0,
        now(),
        certs.map(|c| (Ok(c.to_vec()), signer.as_path())),
    )
    .expect("the whole tree");
    (streamed, whole)
}

fn assert_same(label: &str, text: &str, certs: Option<&[Certificate]>) -> Outcome {
    let (streamed, whole) = both(text, certs);
    let streamed = streamed.unwrap_or_else(|| panic!("{label}: not read in blocks"));
    assert_eq!(shown(&streamed), shown(&whole), "{label}");
    whole
}

const IDP: &str = "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"http://idp.example.test/sso\"/></md:IDPSSODescriptor>";

/// Aggregates of many shapes (text, comments and PIs between entities, nested
/// EntitiesDescriptors, namespaces declared on entities, duplicate entityIDs), signed with
/// every canonicalisation: the same findings and verdict from the blocks as from the tree,
/// valid, tampered deep inside, and checked against the wrong certificate.
#[test]
fn signed_aggregates_give_the_same_verdict_in_blocks() {
    let mut entities = String::new();
    for i in 0..400 {
        let id = if i % 50 == 7 { 3 } else { i };
        match i % 5 {
            0 => entities.push_str(&format!("<md:EntityDescriptor entityID=\"https://e{id}.test\">{IDP}</md:EntityDescriptor>\n")),
            1 => entities.push_str(&format!("<!-- entity {i} --><EntityDescriptor xmlns=\"{MD}\" entityID=\"https://e{id}.test\"><SPSSODescriptor/></EntityDescriptor>")),
            2 => entities.push_str(&format!("<md:EntitiesDescriptor Name=\"sub{i}\"><md:EntityDescriptor entityID=\"https://e{id}.test\" validUntil=\"2020-01-01T00:00:00Z\">{IDP}</md:EntityDescriptor></md:EntitiesDescriptor>")),
            3 => entities.push_str(&format!("<?keep {i}?>\n  <md:EntityDescriptor xmlns:x=\"urn:x\" x:a=\"1\" entityID=\"https://e{id}.test\"><md:Extensions><x:y>a &amp; b<![CDATA[<c>]]></x:y></md:Extensions>{IDP}</md:EntityDescriptor>")),
            _ => entities.push_str(&format!("<md:EntityDescriptor entityID=\"https://e{id}.test\"><md:IDPSSODescriptor protocolSupportEnumeration=\"p\"/></md:EntityDescriptor>\r\n")),
        }
    }
    let unsigned = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- federation -->\n<md:EntitiesDescriptor xmlns:md=\"{MD}\" ID=\"agg\" Name=\"fed\" validUntil=\"2025-01-01T00:00:00Z\">\n{{SIG}}\n{entities}</md:EntitiesDescriptor>\n"
    );
    let (_, certs) = key_pair();
    let wrong = other_certs();
    for (uri, prefixes) in [
        ("http://www.w3.org/2001/10/xml-exc-c14n#", ""),
        (
            "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
            "md #default",
        ),
        ("http://www.w3.org/TR/2001/REC-xml-c14n-20010315", ""),
        ("http://www.w3.org/2006/12/xml-c14n11#WithComments", ""),
    ] {
        let signed = sign(&unsigned, uri, prefixes);
        let (findings, verdict) = assert_same(uri, &signed, Some(&certs));
        assert!(verdict.is_none(), "{uri}: {verdict:?}");
        assert!(findings
            .iter()
            .any(|f| f.rule.id == "metadata.duplicate-entity-id"));
        let tampered = signed.replacen("https://e398.test", "https://e398.tesT", 1);
        let (_, verdict) = assert_same(uri, &tampered, Some(&certs));
        assert_eq!(verdict.unwrap().rule.id, "metadata.signature-invalid");
        let (_, verdict) = assert_same(uri, &signed, Some(&wrong));
        assert_eq!(verdict.unwrap().rule.id, "metadata.signature-invalid");
        assert_same(uri, &signed, None);
    }
    // Unsigned: the same `metadata.unsigned`.
    let plain = unsigned.replace("{SIG}", "");
    let (_, verdict) = assert_same("unsigned", &plain, Some(&certs));
    assert_eq!(verdict.unwrap().rule.id, "metadata.unsigned");
    // A second element carrying the signed ID, deep inside: the tree decides.
    let signed = sign(&unsigned, "http://www.w3.org/2001/10/xml-exc-c14n#", "");
    let duplicated = signed.replacen(
        "entityID=\"https://e399.test\"",
        "ID=\"agg\" entityID=\"https://e399.test\"",
        1,
    );
    let (streamed, whole) = both(&duplicated, Some(&certs));
    assert!(streamed.is_none_or(|s| shown(&s) == shown(&whole)));
    assert!(whole.1.is_some());
}

/// Every EntitiesDescriptor among the fixtures and the corpus, and every EntityDescriptor
/// there wrapped into an aggregate, lints the same in blocks as whole.
#[test]
fn fixtures_and_corpus_metadata_lint_the_same_in_blocks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fixtures")];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        dirs.push(corpus);
    } else {
        eprintln!("skipping the corpus: none at {}", corpus.display());
    }
    let (_, certs) = key_pair();
    let mut compared = 0;
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            if !text.contains("EntityDescriptor") || text.len() > 4 << 20 {
                continue;
            }
            let Ok(doc) = Document::parse(&text) else {
                continue;
            };
            let label = p.display().to_string();
            let is = |local| doc.is_named(doc.root, MD, local);
            let text = if is("EntitiesDescriptor") {
                text
            } else if is("EntityDescriptor") {
                let body = &text[doc.span(doc.root).start..doc.span(doc.root).end];
                format!("<md:EntitiesDescriptor xmlns:md=\"{MD}\">\n<!-- wrapped -->{body}\n{body}</md:EntitiesDescriptor>")
            } else {
                continue;
            };
            let (streamed, whole) = both(&text, None);
            let streamed = streamed.unwrap_or_else(|| panic!("{label}: not read in blocks"));
            assert_eq!(shown(&streamed), shown(&whole), "{label}");
            let (streamed, whole) = both(&text, Some(&certs));
            if let Some(s) = streamed {
                assert_eq!(shown(&s), shown(&whole), "{label} with a signer");
            }
            compared += 1;
        }
    }
    eprintln!("compared {compared} metadata documents");
    assert!(compared > 0);
}

/// An aggregate of several blocks (read by several workers) with a defect in its last
/// entities: the blocks decline and the whole tree reports the error, without a hang.
#[test]
fn a_malformed_late_block_sends_the_aggregate_to_the_whole_tree() {
    let entity = |i: usize| {
        format!("<md:EntityDescriptor entityID=\"https://e{i}.test\">{IDP}</md:EntityDescriptor>\n")
    };
    let mut entities: String = (0..8000).map(entity).collect();
    // The layout scan does not read references; the parser refuses this one.
    entities.push_str("<md:EntityDescriptor entityID=\"x\">&undeclared;</md:EntityDescriptor>\n");
    entities.extend((8000..8100).map(entity));
    let text =
        format!("<md:EntitiesDescriptor xmlns:md=\"{MD}\">\n{entities}</md:EntitiesDescriptor>\n");
    assert!(text.len() > 1 << 20, "several blocks");
    assert!(stream_aggregate(&text, 0, now(), None).is_none());
    let source = SourceFile::new("agg.xml", text.as_str());
    assert!(whole_tree_metadata(&source, 0, now(), None).is_err());
    assert!(RootLayout::scan(&text).is_some());
    let fine = text.replace("&undeclared;", "&amp;");
    assert_same("several blocks", &fine, None);
}

/// The vendor guess of an aggregate read in blocks is the whole tree's (its first
/// identifier with a vendor's shape, wherever it lies), with a configured expiry window.
#[test]
fn blocks_guess_the_vendor_the_whole_tree_guesses() {
    use ssolint::lint::metadata::{AggregateLint, MetadataLint};
    use ssolint::saml::aggregate::Aggregate;
    let entity = |i: usize| {
        format!("<md:EntityDescriptor entityID=\"https://e{i}.test\">{IDP}</md:EntityDescriptor>\n")
    };
    let mut entities: String = (0..6000).map(entity).collect();
    entities.push_str(
        "<md:EntityDescriptor entityID=\"http://www.okta.com/exk1\">{IDP}</md:EntityDescriptor>\n",
    );
    entities.push_str(&format!("<md:EntityDescriptor entityID=\"https://sts.windows.net/x/\">{IDP}</md:EntityDescriptor>\n"));
    let text =
        format!("<md:EntitiesDescriptor xmlns:md=\"{MD}\">\n{entities}</md:EntitiesDescriptor>\n");
    let lint = AggregateLint {
        file: 0,
        now: now(),
        warn_within: chrono::Duration::days(400),
        wanted: Default::default(),
        guess_vendor: true,
    };
    let agg = Aggregate::open(&text).expect("an aggregate");
    let mut merged = lint.head(&agg.head).unwrap();
    agg.read(None, &|doc| lint.block(doc), &mut |b| merged.merge(b))
        .unwrap();
    let doc = Document::parse(&text).unwrap();
    let whole = ssolint::saml::vendor::guess(&ssolint::saml::view::read(&doc));
    assert_eq!(merged.vendor, whole);
    assert_eq!(whole.map(|g| g.vendor), Some(ssolint::rules::Vendor::Okta));
    let (findings, _) = MetadataLint {
        doc: &doc,
        file: 0,
        now: now(),
        warn_within: chrono::Duration::days(400),
        wanted: &Default::default(),
    }
    .run(true);
    assert_eq!(format!("{:?}", merged.findings), format!("{findings:?}"));
    // A caller that does not want the guess gets the same findings and no vendor.
    let unguessed = AggregateLint {
        guess_vendor: false,
        ..lint
    };
    let mut plain = unguessed.head(&agg.head).unwrap();
    agg.read(None, &|doc| unguessed.block(doc), &mut |b| plain.merge(b))
        .unwrap();
    assert_eq!(plain.vendor, None);
    assert_eq!(format!("{:?}", plain.findings), format!("{findings:?}"));
}
