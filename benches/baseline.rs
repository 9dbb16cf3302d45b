//! The cost of the bare signature checks every validation has to pay: one RSA-2048 and one
//! ECDSA P-256 verification (SHA-256 over a SignedInfo-sized message) with openssl, the same
//! library ssolint verifies with. The other benches are read against these figures.

mod common;

use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::{Signer, Verifier};

fn signed(key: &PKey<Private>, message: &[u8]) -> Vec<u8> {
    let mut signer = Signer::new(MessageDigest::sha256(), key).expect("signer");
    signer.update(message).expect("sign");
    signer.sign_to_vec().expect("sign")
}

fn main() {
    // A canonical SignedInfo of a SAML response is about 600 bytes.
    let message = vec![b'x'; 600];
    let rsa = PKey::from_rsa(Rsa::generate(2048).expect("rsa key")).expect("pkey");
    let ec_group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("p256");
    let ec = PKey::from_ec_key(EcKey::generate(&ec_group).expect("ec key")).expect("pkey");
    let rsa_sig = signed(&rsa, &message);
    let ec_sig = signed(&ec, &message);

    let mut bench = common::Bench::from_args();
    bench.case("rsa2048-sha256-verify", || {
        let mut v = Verifier::new(MessageDigest::sha256(), &rsa).expect("verifier");
        v.update(&message).expect("update");
        assert!(v.verify(&rsa_sig).expect("verify"));
    });
    bench.case("ecdsa-p256-sha256-verify", || {
        let mut v = Verifier::new(MessageDigest::sha256(), &ec).expect("verifier");
        v.update(&message).expect("update");
        assert!(v.verify(&ec_sig).expect("verify"));
    });
    bench.finish();
}
