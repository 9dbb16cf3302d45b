//! X.509 certificate details (openssl): what `decode` shows, what trust compares, what lint
//! checks. Certificates with odd but real encodings (negative serials, ancient roots) are
//! described, never a crash.

use base64::Engine;
use chrono::{DateTime, Utc};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Public};
use openssl::x509::{X509NameRef, X509};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: Option<DateTime<Utc>>,
    pub not_after: Option<DateTime<Utc>>,
    /// Upper-case hex pairs separated by colons, as IdP consoles show them.
    pub sha256_fingerprint: String,
    pub sha1_fingerprint: String,
    /// `RSA`, `EC`, `Ed25519`, …
    pub key_type: String,
    /// RSA modulus bits or EC curve size.
    pub key_bits: u32,
    /// EC curve name (`prime256v1`), when EC.
    pub curve: Option<String>,
    pub signature_algorithm: String,
    pub self_signed: bool,
}

/// A parsed certificate: the DER, openssl's view of it, and its details.
#[derive(Clone)]
pub struct Certificate {
    pub der: Vec<u8>,
    pub x509: X509,
    pub info: CertInfo,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("info", &self.info)
            .finish()
    }
}

impl Certificate {
    pub fn from_der(der: &[u8]) -> Result<Certificate, String> {
        let x509 = X509::from_der(der).map_err(|e| format!("not a DER X.509 certificate: {e}"))?;
        let info = describe(&x509, der)?;
        Ok(Certificate {
            der: der.to_vec(),
            x509,
            info,
        })
    }

    /// From the base64 text of a `ds:X509Certificate` (white space allowed).
    pub fn from_base64(text: &str) -> Result<Certificate, String> {
        let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(clean.as_bytes())
            .map_err(|e| format!("certificate is not valid base64: {e}"))?;
        Certificate::from_der(&der)
    }

    /// Every certificate in a PEM file (several while a rotation is under way), a DER file,
    /// or bare base64.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Vec<Certificate>, String> {
        if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            let stack =
                X509::stack_from_pem(bytes).map_err(|e| format!("bad PEM certificate: {e}"))?;
            if stack.is_empty() {
                return Err("no CERTIFICATE block in the PEM file".into());
            }
            return stack
                .into_iter()
                .map(|x| {
                    let der = x.to_der().map_err(|e| e.to_string())?;
                    Certificate::from_der(&der)
                })
                .collect();
        }
        if bytes.first() == Some(&0x30) {
            return Certificate::from_der(bytes).map(|c| vec![c]);
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| "not a PEM, DER or base64 certificate".to_string())?;
        Certificate::from_base64(text).map(|c| vec![c])
    }

    pub fn public_key(&self) -> Result<PKey<Public>, String> {
        self.x509
            .public_key()
            .map_err(|e| format!("unreadable public key: {e}"))
    }

    /// Is `t` inside the certificate's validity period?
    pub fn is_valid_at(&self, t: DateTime<Utc>) -> bool {
        self.info.not_before.is_none_or(|nb| nb <= t)
            && self.info.not_after.is_none_or(|na| t <= na)
    }

    /// Same certificate (byte-identical DER)?
    pub fn same_as(&self, other: &Certificate) -> bool {
        self.der == other.der
    }
}

fn name_to_string(name: &X509NameRef) -> String {
    name.entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?").to_string();
            let value = String::from_utf8_lossy(e.data().as_slice()).into_owned();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn asn1_to_chrono(t: &openssl::asn1::Asn1TimeRef) -> Option<DateTime<Utc>> {
    let epoch = openssl::asn1::Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(t).ok()?;
    let secs = i64::from(diff.days) * 86_400 + i64::from(diff.secs);
    DateTime::from_timestamp(secs, 0)
}

pub fn fingerprint(der: &[u8], md: MessageDigest) -> String {
    openssl::hash::hash(md, der)
        .map(|d| {
            d.iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .unwrap_or_default()
}

fn describe(x509: &X509, der: &[u8]) -> Result<CertInfo, String> {
    let (key_type, key_bits, curve) = match x509.public_key() {
        Ok(pk) => {
            let bits = pk.bits();
            match pk.id() {
                Id::RSA => ("RSA".to_string(), bits, None),
                Id::EC => {
                    let curve = pk
                        .ec_key()
                        .ok()
                        .and_then(|k| k.group().curve_name())
                        .and_then(|n| n.short_name().ok())
                        .map(str::to_string);
                    ("EC".to_string(), bits, curve)
                }
                Id::ED25519 => ("Ed25519".to_string(), bits, None),
                Id::ED448 => ("Ed448".to_string(), bits, None),
                Id::DSA => ("DSA".to_string(), bits, None),
                other => (format!("{other:?}"), bits, None),
            }
        }
        Err(_) => ("unknown".to_string(), 0, None),
    };
    let serial = x509
        .serial_number()
        .to_bn()
        .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
        .unwrap_or_else(|_| "?".into());
    let sig_nid = x509.signature_algorithm().object().nid();
    let signature_algorithm = sig_nid
        .long_name()
        .map(str::to_string)
        .unwrap_or_else(|_| x509.signature_algorithm().object().to_string());
    let subject = name_to_string(x509.subject_name());
    let issuer = name_to_string(x509.issuer_name());
    Ok(CertInfo {
        self_signed: subject == issuer,
        subject,
        issuer,
        serial,
        not_before: asn1_to_chrono(x509.not_before()),
        not_after: asn1_to_chrono(x509.not_after()),
        sha256_fingerprint: fingerprint(der, MessageDigest::sha256()),
        sha1_fingerprint: fingerprint(der, MessageDigest::sha1()),
        key_type,
        key_bits,
        curve,
        signature_algorithm,
    })
}

/// Does the certificate's own signature use SHA-1 (or MD5)?
pub fn signed_with_weak_hash(info: &CertInfo) -> bool {
    let s = info.signature_algorithm.to_ascii_lowercase();
    s.contains("sha1") || s.contains("md5")
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::rsa::Rsa;
    use openssl::x509::X509NameBuilder;

    fn self_signed(bits: u32, serial: i64) -> Vec<u8> {
        let key = PKey::from_rsa(Rsa::generate(bits).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "idp.test").unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        let mut bn = BigNum::from_u32(serial.unsigned_abs() as u32).unwrap();
        bn.set_negative(serial < 0);
        b.set_serial_number(&bn.to_asn1_integer().unwrap()).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(1_700_000_000).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_unix(1_800_000_000).unwrap())
            .unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        b.build().to_der().unwrap()
    }

    #[test]
    fn describes_a_certificate() {
        let der = self_signed(2048, 7);
        let c = Certificate::from_der(&der).unwrap();
        assert_eq!(c.info.subject, "CN=idp.test");
        assert!(c.info.self_signed);
        assert_eq!(c.info.key_type, "RSA");
        assert_eq!(c.info.key_bits, 2048);
        assert_eq!(c.info.not_before.unwrap().timestamp(), 1_700_000_000);
        assert_eq!(c.info.sha256_fingerprint.len(), 32 * 3 - 1);
        assert!(!signed_with_weak_hash(&c.info));
    }

    #[test]
    fn negative_serial_is_described() {
        let der = self_signed(1024, -5);
        let c = Certificate::from_der(&der).unwrap();
        assert_eq!(c.info.serial, "-05");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Certificate::from_base64("bm90IGEgY2VydA==").is_err());
        assert!(Certificate::from_file_bytes(b"\x30\x03\x02\x01").is_err());
        assert!(Certificate::from_file_bytes(
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        )
        .is_err());
    }
}
