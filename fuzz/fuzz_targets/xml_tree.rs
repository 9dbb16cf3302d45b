#![no_main]
//! Any text through the positioned tree; every span of a parsed tree lies inside the text.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(doc) = ssolint::xml::Document::parse(text) {
        for id in doc.ids() {
            assert!(doc.span(id).end <= text.len());
            let _ = doc.text(id);
        }
    }
});
