#![no_main]
//! Any bytes as a configuration file (TOML, YAML or JSON by the first byte): a loaded
//! configuration or a Fatal, never a panic. `config::load` reads a path, so each input is
//! written to a scratch file first.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ext = match data.first() {
        Some(b'{') => "json",
        Some(b'-') => "yaml",
        _ => "toml",
    };
    let path = std::env::temp_dir().join(format!("ssolint-fuzz-{}.{ext}", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        let _ = ssolint::config::load(&path);
    }
});
