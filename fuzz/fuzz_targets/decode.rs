#![no_main]
//! Any bytes through input detection and peeling, then the SAML view: errors, never panics.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = ssolint::input::decode("fuzz", data) {
        for m in &input.messages {
            if let Some(doc) = m.xml() {
                let _ = ssolint::saml::view::read(doc);
                let _ = ssolint::saml::pretty::render(doc, &|s| s.to_string());
            }
        }
    }
});
