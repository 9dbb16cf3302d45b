#![no_main]
//! Certificates: any bytes as DER and as a certificate file (PEM blocks, DER, base64). The
//! strict DER reader only accepts what OpenSSL's `d2i_X509` accepts, with the same key.

use libfuzzer_sys::fuzz_target;
use ssolint::x509::Certificate;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Certificate::from_der(data) {
        let reference = openssl::x509::X509::from_der(data)
            .expect("a certificate ssolint reads is one OpenSSL reads");
        if let (Ok(ours), Ok(theirs)) = (cert.public_key(), reference.public_key()) {
            assert!(ours.public_eq(&theirs), "the same public key");
        }
        let _ = cert.x509.to_pem();
    }
    if let Ok(certs) = Certificate::from_file_bytes(data) {
        for c in certs {
            let _ = c.public_key();
        }
    }
});
