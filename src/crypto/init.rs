//! OpenSSL start-up without the machine's `openssl.cnf`.
//!
//! Left to itself, the `openssl` crate initialises libssl on first use: that reads the system
//! configuration file (which may load providers or change security levels, so the machine could
//! change a verdict) and registers every cipher and digest name, which is most of the time a
//! one-token `check` takes. ssolint never speaks TLS, so it initialises libcrypto alone, without
//! the configuration file, and tells `openssl-sys` that initialisation is done.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::sync::Once;

// From <openssl/crypto.h>; stable since OpenSSL 1.1.0.
const OPENSSL_INIT_NO_LOAD_CONFIG: u64 = 0x0000_0080;
const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;

extern "C" {
    fn OPENSSL_init_crypto(opts: u64, settings: *const c_void) -> c_int;
}

/// Initialise libcrypto without reading any configuration file. Call it before the first use
/// of `openssl`; later calls, or a call after `openssl` has initialised itself, do nothing.
pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: OPENSSL_init_crypto is thread-safe and accepts a null settings pointer.
        let ok = unsafe {
            OPENSSL_init_crypto(
                OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT,
                std::ptr::null(),
            )
        };
        if ok == 1 {
            // SAFETY: libcrypto is initialised; the only part of libssl's initialisation we
            // skip is TLS state, and nothing here creates a TLS context.
            unsafe { openssl_sys::assume_init() };
        }
    });
}
