#![no_main]
//! The strict JSON parser against serde_json itself: whatever the strict parser accepts,
//! serde_json reads to the same value; whatever serde_json refuses, the strict parser refuses
//! too; a duplicate member is the only extra refusal. Error positions map inside the text.

use libfuzzer_sys::fuzz_target;
use ssolint::json::{self, JsonErrorKind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = serde_json::from_str::<serde_json::Value>(text);
    match json::parse(text) {
        Ok(v) => {
            let l = lenient.expect("serde_json reads what the strict parser accepts");
            assert!(v == l, "the strict and lenient parsers disagree on the value");
        }
        Err(e) => {
            assert!(e.offset_in(text) <= text.len());
            if e.kind == JsonErrorKind::Malformed {
                assert!(lenient.is_err(), "refused as malformed, read by serde_json: {}", e.message);
            }
        }
    }
});
