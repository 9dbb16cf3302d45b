#![no_main]
//! JWKS and discovery documents: strict JSON, key shapes, and every key turned into an
//! openssl key (or refused with a message).

use libfuzzer_sys::fuzz_target;
use ssolint::oidc::{Discovery, Jwks};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((set, _problems)) = Jwks::parse(text) {
        for key in &set.keys {
            let _ = key.describe();
            let _ = key.public_key();
            let _ = key.secret();
        }
    }
    let _ = Discovery::parse(text);
});
