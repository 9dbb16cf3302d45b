#![no_main]
//! Canonicalisation properties on any parsable document, for every method: canonicalising
//! twice equals canonicalising once, and the canonical form re-parses. Subtrees (the shape a
//! signature Reference canonicalises) must re-parse too.

use libfuzzer_sys::fuzz_target;
use ssolint::xml::c14n::{canonicalize, canonicalize_document, Method};
use ssolint::xml::Document;

fn methods() -> Vec<Method> {
    let mut all = Vec::new();
    for comments in [false, true] {
        all.push(Method::Exclusive { comments, inclusive_prefixes: Vec::new() });
        all.push(Method::Exclusive {
            comments,
            inclusive_prefixes: vec!["#default".into(), "saml".into(), "xs".into()],
        });
        all.push(Method::Inclusive10 { comments });
        all.push(Method::Inclusive11 { comments });
    }
    all
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = Document::parse(text) else {
        return;
    };
    for method in methods() {
        let once = canonicalize_document(&doc, &method);
        let once_text = std::str::from_utf8(&once).expect("canonical output is UTF-8");
        let again = Document::parse(once_text).expect("canonical output re-parses");
        let twice = canonicalize_document(&again, &method);
        assert!(once == twice, "canonicalising twice differs from once");
        // The first few elements as apexes, as a Reference to an ID would select them.
        for id in doc.ids().filter(|&id| doc.element(id).is_some()).take(8) {
            let sub = canonicalize(&doc, id, None, &method);
            let sub_text = std::str::from_utf8(&sub).expect("subtree output is UTF-8");
            Document::parse(sub_text).expect("canonical subtree re-parses");
        }
    }
});
