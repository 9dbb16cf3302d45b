//! JWS signature verification with openssl (RFC 7518 §3). The algorithm passed in is one the
//! allow-list accepted; the key's type must fit it, so a public key is never used as an HMAC
//! secret (algorithm confusion).

use super::jwks::Jwk;
use crate::crypto::{self, Hash};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer, Verifier};

/// The algorithm families ssolint verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Rsa,
    RsaPss,
    Ecdsa,
    EdDsa,
    Hmac,
}

/// Every algorithm ssolint can verify, in catalogue order.
pub const SUPPORTED: [&str; 13] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    "HS256", "HS384", "HS512",
];

/// The default allow-list when neither the configuration nor a discovery document gives one:
/// every asymmetric algorithm (HMAC only when the JWKS itself holds an `oct` key).
pub const DEFAULT_ASYMMETRIC: [&str; 10] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
];

pub fn family(alg: &str) -> Option<Family> {
    Some(match alg {
        "RS256" | "RS384" | "RS512" => Family::Rsa,
        "PS256" | "PS384" | "PS512" => Family::RsaPss,
        "ES256" | "ES384" | "ES512" => Family::Ecdsa,
        "EdDSA" => Family::EdDsa,
        "HS256" | "HS384" | "HS512" => Family::Hmac,
        _ => return None,
    })
}

/// The digest of an algorithm (for EdDSA: the hash OIDC uses for `at_hash`, SHA-512).
pub fn digest(alg: &str) -> Option<MessageDigest> {
    if alg == "EdDSA" {
        return Some(MessageDigest::sha512());
    }
    match alg.get(2..)? {
        "256" => Some(MessageDigest::sha256()),
        "384" => Some(MessageDigest::sha384()),
        "512" => Some(MessageDigest::sha512()),
        _ => None,
    }
}

/// The `kty` (and curve) an algorithm needs.
pub fn key_requirement(alg: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match alg {
        "ES256" => ("EC", Some("P-256")),
        "ES384" => ("EC", Some("P-384")),
        "ES512" => ("EC", Some("P-521")),
        "EdDSA" => ("OKP", Some("Ed25519")),
        _ => match family(alg)? {
            Family::Rsa | Family::RsaPss => ("RSA", None),
            Family::Hmac => ("oct", None),
            Family::Ecdsa | Family::EdDsa => return None,
        },
    })
}

/// Verify `signature` over `signing_input` with `key` under `alg`. `Err` says why the key
/// could not be used at all; `Ok(false)` is a signature that does not verify.
pub fn verify(
    alg: &str,
    key: &Jwk,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    let fam = family(alg).ok_or_else(|| format!("{alg} is not an algorithm ssolint verifies"))?;
    let md = digest(alg).ok_or_else(|| format!("{alg} has no digest"))?;
    let ossl = |e: openssl::error::ErrorStack| e.to_string();
    match fam {
        Family::Hmac => {
            let secret = key.secret()?;
            let pkey = PKey::hmac(&secret).map_err(ossl)?;
            let mut signer = Signer::new(md, &pkey).map_err(ossl)?;
            signer.update(signing_input).map_err(ossl)?;
            let mac = signer.sign_to_vec().map_err(ossl)?;
            Ok(mac.len() == signature.len() && openssl::memcmp::eq(&mac, signature))
        }
        Family::Rsa | Family::RsaPss => {
            let pkey = key.public_key()?;
            if pkey.bits() < 2048 {
                return Err(format!(
                    "RSA key of {} bits: JWA requires at least 2048",
                    pkey.bits()
                ));
            }
            if fam == Family::Rsa {
                let hash = Hash::from_message_digest(md).ok_or("no digest")?;
                let rsa = pkey.rsa().map_err(ossl)?;
                return Ok(crypto::rsa_pkcs1_verify(
                    &rsa,
                    hash,
                    signing_input,
                    signature,
                ));
            }
            let mut v = Verifier::new(md, &pkey).map_err(ossl)?;
            v.set_rsa_padding(Padding::PKCS1_PSS).map_err(ossl)?;
            v.set_rsa_mgf1_md(md).map_err(ossl)?;
            v.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                .map_err(ossl)?;
            v.update(signing_input).map_err(ossl)?;
            Ok(v.verify(signature).unwrap_or(false))
        }
        Family::Ecdsa => {
            let pkey = key.public_key()?;
            check_jose_ecdsa(alg, signature)?;
            let hash = Hash::from_message_digest(md).ok_or("no digest")?;
            let ec = pkey.ec_key().map_err(ossl)?;
            crypto::ecdsa_verify_raw(&ec, hash, signing_input, signature)
                .ok_or_else(|| format!("the {alg} key's curve does not fit the signature"))
        }
        Family::EdDsa => {
            let pkey = key.public_key()?;
            if pkey.id() != Id::ED25519 {
                return Err("EdDSA needs an Ed25519 key".into());
            }
            let mut v = Verifier::new_without_digest(&pkey).map_err(ossl)?;
            Ok(v.verify_oneshot(signature, signing_input).unwrap_or(false))
        }
    }
}

/// JOSE ECDSA signatures are raw `r‖s`, each exactly the curve's byte length (RFC 7518
/// §3.4). The wrong length, or a zero r or s (the "psychic signatures" class,
/// CVE-2022-21449), is refused with its reason before any key is tried.
pub fn check_jose_ecdsa(alg: &str, signature: &[u8]) -> Result<(), String> {
    let half = match alg {
        "ES256" => 32,
        "ES384" => 48,
        "ES512" => 66,
        _ => return Err(format!("{alg} is not ECDSA")),
    };
    if signature.len() != 2 * half {
        return Err(format!(
            "{alg} signatures are {} bytes (r‖s), this one is {}",
            2 * half,
            signature.len()
        ));
    }
    let (r, s) = signature.split_at(half);
    if r.iter().all(|b| *b == 0) || s.iter().all(|b| *b == 0) {
        return Err("r or s is zero: a forged ECDSA signature (CVE-2022-21449 class)".into());
    }
    Ok(())
}

/// OIDC `at_hash`: base64url of the left half of the hash of the access token (Core §3.1.3.6).
pub fn at_hash(alg: &str, access_token: &str) -> Option<String> {
    let md = digest(alg)?;
    let h = openssl::hash::hash(md, access_token.as_bytes()).ok()?;
    let half = h.get(..h.len() / 2)?;
    Some(super::jose::b64url(half))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_zero_and_wrong_length_are_refused() {
        assert!(check_jose_ecdsa("ES256", &[0u8; 64])
            .unwrap_err()
            .contains("zero"));
        let mut half_zero = vec![1u8; 64];
        half_zero[32..].fill(0);
        assert!(check_jose_ecdsa("ES256", &half_zero)
            .unwrap_err()
            .contains("zero"));
        assert!(check_jose_ecdsa("ES256", &[1u8; 63])
            .unwrap_err()
            .contains("64 bytes"));
        assert!(check_jose_ecdsa("ES256", &[1u8; 64]).is_ok());
    }

    #[test]
    fn at_hash_matches_the_oidc_core_example() {
        // OpenID Connect Core, Appendix A.3 (RS256).
        assert_eq!(
            at_hash("RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y").as_deref(),
            Some("77QmUPtjPfzWtF2AnpK9RQ")
        );
    }

    #[test]
    fn families_and_requirements() {
        assert_eq!(key_requirement("ES384"), Some(("EC", Some("P-384"))));
        assert_eq!(key_requirement("HS256"), Some(("oct", None)));
        assert_eq!(key_requirement("hs256"), None);
        assert_eq!(family("none"), None);
    }
}
