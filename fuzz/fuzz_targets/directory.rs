#![no_main]
//! Directory files (CSV, JSON array, JSONL, SCIM ListResponse): shape detection and every
//! record read, with and without the JSONL hint. Errors, never panics.

use libfuzzer_sys::fuzz_target;
use ssolint::sim::directory::DirectoryReader;

fuzz_target!(|data: &[u8]| {
    for jsonl_hint in [false, true] {
        let source = Box::new(std::io::Cursor::new(data.to_vec()));
        let Ok(reader) = DirectoryReader::from_reader("fuzz.csv", source, jsonl_hint) else {
            continue;
        };
        // A record per input byte at most: a reader that loops without consuming fails here.
        for (n, user) in reader.enumerate() {
            assert!(n <= data.len() + 1, "more records than input bytes");
            if let Ok(u) = user {
                let _ = u.domain();
                let _ = u.idp_email_matches();
            }
        }
    }
});
