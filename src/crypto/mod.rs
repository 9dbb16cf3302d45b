//! The signature primitives XML-DSig and JWS share: RSA PKCS#1 v1.5 and ECDSA verification
//! and the SHA digests, over OpenSSL's RSA, EC and SHA functions rather than its EVP layer.
//!
//! OpenSSL 3's EVP layer looks up a provider implementation for every context it makes; for
//! one token per process that lookup costs more than the RSA-2048 verification itself. The
//! PKCS#1 v1.5 check is RFC 8017 §8.2.2: the signature must be exactly the modulus length,
//! OpenSSL checks the block type 1 padding, and the recovered DigestInfo must equal the
//! expected encoding byte for byte (nothing in it is parsed).

mod init;
pub use init::init;

use openssl::bn::BigNum;
use openssl::ec::EcKeyRef;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKeyRef, Public};
use openssl::rsa::{Padding, RsaRef};

/// The digests XML-DSig and JWS name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn from_message_digest(md: MessageDigest) -> Option<Hash> {
        Some(match md.type_() {
            Nid::SHA1 => Hash::Sha1,
            Nid::SHA224 => Hash::Sha224,
            Nid::SHA256 => Hash::Sha256,
            Nid::SHA384 => Hash::Sha384,
            Nid::SHA512 => Hash::Sha512,
            _ => return None,
        })
    }

    /// The digest of `data`. OpenSSL's one-shot `SHA256()` goes through EVP (and its provider
    /// lookup) since 3.0; the init/update/final functions do not.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use openssl::sha;
        match self {
            Hash::Sha1 => {
                let mut h = sha::Sha1::new();
                h.update(data);
                h.finish().to_vec()
            }
            Hash::Sha224 => {
                let mut h = sha::Sha224::new();
                h.update(data);
                h.finish().to_vec()
            }
            Hash::Sha256 => {
                let mut h = sha::Sha256::new();
                h.update(data);
                h.finish().to_vec()
            }
            Hash::Sha384 => {
                let mut h = sha::Sha384::new();
                h.update(data);
                h.finish().to_vec()
            }
            Hash::Sha512 => {
                let mut h = sha::Sha512::new();
                h.update(data);
                h.finish().to_vec()
            }
        }
    }

    /// The DER DigestInfo that precedes the digest in a PKCS#1 v1.5 signature (RFC 8017 §9.2,
    /// note 1).
    fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            Hash::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ],
            Hash::Sha224 => &[
                0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x04, 0x05, 0x00, 0x04, 0x1c,
            ],
            Hash::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Hash::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            Hash::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }
}

/// RSASSA-PKCS1-v1_5 verification of `sig` over `data`.
pub fn rsa_pkcs1_verify(key: &RsaRef<Public>, hash: Hash, data: &[u8], sig: &[u8]) -> bool {
    let k = key.size() as usize;
    if sig.len() != k {
        return false;
    }
    let mut recovered = vec![0u8; k];
    let Ok(n) = key.public_decrypt(sig, &mut recovered, Padding::PKCS1) else {
        return false;
    };
    let expected = [hash.digest_info_prefix(), &hash.digest(data)].concat();
    recovered.get(..n) == Some(expected.as_slice())
}

/// ECDSA verification of a raw `r‖s` signature (XML-DSig and JWS both use it), each half the
/// byte length of the curve's order. `None` when the value cannot be a signature at all: the
/// wrong length, or r or s zero (the "psychic signatures" class, CVE-2022-21449).
pub fn ecdsa_verify_raw(
    key: &EcKeyRef<Public>,
    hash: Hash,
    data: &[u8],
    raw: &[u8],
) -> Option<bool> {
    let half = raw_ecdsa_half(key);
    if raw.len() != 2 * half {
        return None;
    }
    let (r, s) = raw.split_at(half);
    if r.iter().all(|b| *b == 0) || s.iter().all(|b| *b == 0) {
        return None;
    }
    let sig =
        EcdsaSig::from_private_components(BigNum::from_slice(r).ok()?, BigNum::from_slice(s).ok()?)
            .ok()?;
    Some(sig.verify(&hash.digest(data), key).unwrap_or(false))
}

/// The byte length of each of r and s for this key's curve.
pub fn raw_ecdsa_half(key: &EcKeyRef<Public>) -> usize {
    (key.group().degree() as usize).div_ceil(8)
}

/// Verify with whichever of the two the key is: RSA PKCS#1 v1.5 (`ecdsa` false) or ECDSA over
/// raw `r‖s` (`ecdsa` true). A key of the other type never verifies.
pub fn verify(key: &PKeyRef<Public>, ecdsa: bool, hash: Hash, data: &[u8], sig: &[u8]) -> bool {
    match (ecdsa, key.id()) {
        (false, Id::RSA) => key
            .rsa()
            .is_ok_and(|rsa| rsa_pkcs1_verify(&rsa, hash, data, sig)),
        (true, Id::EC) => key
            .ec_key()
            .ok()
            .and_then(|ec| ecdsa_verify_raw(&ec, hash, data, sig))
            .unwrap_or(false),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::sign::{Signer, Verifier};
    use proptest::prelude::*;

    const HASHES: [(Hash, fn() -> MessageDigest); 5] = [
        (Hash::Sha1, MessageDigest::sha1),
        (Hash::Sha224, MessageDigest::sha224),
        (Hash::Sha256, MessageDigest::sha256),
        (Hash::Sha384, MessageDigest::sha384),
        (Hash::Sha512, MessageDigest::sha512),
    ];

    fn rsa_key() -> &'static PKey<openssl::pkey::Private> {
        static KEY: std::sync::OnceLock<PKey<openssl::pkey::Private>> = std::sync::OnceLock::new();
        KEY.get_or_init(|| PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap())
    }

    fn public(key: &PKey<openssl::pkey::Private>) -> PKey<Public> {
        PKey::public_key_from_der(&key.public_key_to_der().unwrap()).unwrap()
    }

    #[test]
    fn digests_and_prefixes_match_evp() {
        for (hash, md) in HASHES {
            assert_eq!(Hash::from_message_digest(md()), Some(hash));
            let evp = openssl::hash::hash(md(), b"abc").unwrap();
            assert_eq!(hash.digest(b"abc"), evp.to_vec());
            // The prefix ends with OCTET STRING of the digest's length.
            assert_eq!(hash.digest_info_prefix().last(), Some(&(evp.len() as u8)));
        }
    }

    #[test]
    fn ecdsa_zero_and_wrong_length_are_refused() {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = EcKey::generate(&group).unwrap();
        let key = EcKey::from_public_key(&group, key.public_key()).unwrap();
        assert_eq!(ecdsa_verify_raw(&key, Hash::Sha256, b"x", &[0u8; 64]), None);
        let mut half_zero = vec![1u8; 64];
        half_zero[32..].fill(0);
        assert_eq!(ecdsa_verify_raw(&key, Hash::Sha256, b"x", &half_zero), None);
        assert_eq!(ecdsa_verify_raw(&key, Hash::Sha256, b"x", &[1u8; 63]), None);
        assert_eq!(
            ecdsa_verify_raw(&key, Hash::Sha256, b"x", &[1u8; 64]),
            Some(false)
        );
    }

    #[test]
    fn a_signature_one_byte_short_is_refused_although_its_value_is_the_same() {
        // A signature whose first byte is zero, sent without it: OpenSSL's RSA_verify refuses
        // it by length, and so do we.
        let key = rsa_key();
        let pubkey = public(key);
        let rsa = pubkey.rsa().unwrap();
        for i in 0u32.. {
            let data = i.to_be_bytes();
            let mut s = Signer::new(MessageDigest::sha256(), key).unwrap();
            let sig = s.sign_oneshot_to_vec(&data).unwrap();
            if sig[0] == 0 {
                assert!(rsa_pkcs1_verify(&rsa, Hash::Sha256, &data, &sig));
                assert!(!rsa_pkcs1_verify(&rsa, Hash::Sha256, &data, &sig[1..]));
                break;
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The same verdict as OpenSSL's EVP verification, for good signatures, signatures
        /// over other data, with another digest, and with one byte changed.
        #[test]
        fn rsa_agrees_with_evp(data in proptest::collection::vec(any::<u8>(), 0..200),
                               which in 0usize..5, flip in any::<Option<(usize, u8)>>(),
                               other in 0usize..5) {
            let key = rsa_key();
            let pubkey = public(key);
            let rsa = pubkey.rsa().unwrap();
            let (hash, md) = HASHES[which];
            let mut s = Signer::new(md(), key).unwrap();
            let mut sig = s.sign_oneshot_to_vec(&data).unwrap();
            if let Some((at, bit)) = flip {
                let at = at % sig.len();
                sig[at] ^= 1 << (bit % 8);
            }
            let (check_hash, check_md) = HASHES[other];
            let ours = rsa_pkcs1_verify(&rsa, check_hash, &data, &sig);
            let evp = Verifier::new(check_md(), &pubkey)
                .and_then(|mut v| v.verify_oneshot(&sig, &data))
                .unwrap_or(false);
            prop_assert_eq!(ours, evp);
            prop_assert_eq!(ours, flip.is_none() && check_hash == hash);
        }

        #[test]
        fn ecdsa_agrees_with_evp(data in proptest::collection::vec(any::<u8>(), 0..200),
                                 curve in 0usize..3, flip in any::<Option<(usize, u8)>>()) {
            let nid = [Nid::X9_62_PRIME256V1, Nid::SECP384R1, Nid::SECP521R1][curve];
            let group = EcGroup::from_curve_name(nid).unwrap();
            let private = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
            let pubkey = public(&private);
            let ec = pubkey.ec_key().unwrap();
            let mut s = Signer::new(MessageDigest::sha256(), &private).unwrap();
            let der = s.sign_oneshot_to_vec(&data).unwrap();
            let sig = EcdsaSig::from_der(&der).unwrap();
            let half = raw_ecdsa_half(&ec);
            let mut raw = sig.r().to_vec_padded(half as i32).unwrap();
            raw.extend(sig.s().to_vec_padded(half as i32).unwrap());
            let mut der = der;
            if let Some((at, bit)) = flip {
                let at = at % raw.len();
                raw[at] ^= 1 << (bit % 8);
                let r = BigNum::from_slice(&raw[..half]).unwrap();
                let s = BigNum::from_slice(&raw[half..]).unwrap();
                der = EcdsaSig::from_private_components(r, s).unwrap().to_der().unwrap();
            }
            let ours = ecdsa_verify_raw(&ec, Hash::Sha256, &data, &raw).unwrap_or(false);
            let evp = Verifier::new(MessageDigest::sha256(), &pubkey)
                .and_then(|mut v| v.verify_oneshot(&der, &data))
                .unwrap_or(false);
            prop_assert_eq!(ours, evp);
            prop_assert_eq!(ours, flip.is_none());
        }
    }
}
