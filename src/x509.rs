//! X.509 certificate details (openssl): what `decode` shows, what trust compares, what lint
//! checks. Certificates with odd but real encodings (negative serials, ancient roots) are
//! described, never a crash.

mod der;

use std::sync::{Arc, OnceLock};

use base64::Engine;
use chrono::{DateTime, Utc};
use openssl::asn1::Asn1Object;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Rsa;
use openssl::x509::{X509NameRef, X509};
use serde::Serialize;

use crate::crypto::Hash;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: Option<DateTime<Utc>>,
    pub not_after: Option<DateTime<Utc>>,
    /// Upper-case hex pairs separated by colons, as IdP consoles show them.
    pub sha256_fingerprint: Fingerprint,
    pub sha1_fingerprint: Fingerprint,
    /// `RSA`, `EC`, `Ed25519`, …
    pub key_type: String,
    /// RSA modulus bits or EC curve size.
    pub key_bits: u32,
    /// EC curve name (`prime256v1`), when EC.
    pub curve: Option<String>,
    pub signature_algorithm: String,
    pub self_signed: bool,
}

/// A fingerprint of a certificate's DER, computed on first use: a lint of thousands of
/// certificates shows only those a finding names.
#[derive(Clone)]
pub struct Fingerprint {
    der: Arc<[u8]>,
    hash: Hash,
    hex: OnceLock<String>,
}

impl Fingerprint {
    fn new(der: &Arc<[u8]>, hash: Hash) -> Fingerprint {
        Fingerprint {
            der: der.clone(),
            hash,
            hex: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        self.hex.get_or_init(|| fingerprint(&self.der, self.hash))
    }
}

impl std::ops::Deref for Fingerprint {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Fingerprint {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Fingerprint {}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A parsed certificate: the DER, its details, its public key, and OpenSSL's view of it.
#[derive(Clone)]
pub struct Certificate {
    pub der: Arc<[u8]>,
    pub info: CertInfo,
    pub x509: OpenSslView,
    public_key: PublicKey,
}

/// A certificate's public key as OpenSSL's. An RSA key read by [`der`] is built on first
/// use from its RSAPublicKey (where it lies in the DER): only keys that verify need it.
#[derive(Clone)]
struct PublicKey {
    built: OnceLock<Result<PKey<Public>, String>>,
    rsa_public_key: Option<std::ops::Range<usize>>,
}

impl PublicKey {
    fn built(key: Result<PKey<Public>, String>) -> PublicKey {
        PublicKey {
            built: OnceLock::from(key),
            rsa_public_key: None,
        }
    }
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("info", &self.info)
            .finish()
    }
}

/// OpenSSL's `X509` of a certificate, decoded on first use: `d2i_X509` sets up OpenSSL's
/// provider decoder for the public key, the most expensive step of reading a certificate, and
/// nothing on the way of a check needs it.
#[derive(Clone)]
pub struct OpenSslView {
    der: Arc<[u8]>,
    decoded: OnceLock<Result<X509, String>>,
}

impl OpenSslView {
    fn new(der: Arc<[u8]>) -> OpenSslView {
        OpenSslView {
            der,
            decoded: OnceLock::new(),
        }
    }

    fn decoded(der: Arc<[u8]>, x509: X509) -> OpenSslView {
        OpenSslView {
            der,
            decoded: OnceLock::from(Ok(x509)),
        }
    }

    pub fn get(&self) -> Result<&X509, String> {
        self.decoded
            .get_or_init(|| X509::from_der(&self.der).map_err(|e| not_a_certificate(&e)))
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn to_pem(&self) -> Result<Vec<u8>, String> {
        self.get()?.to_pem().map_err(|e| e.to_string())
    }
}

fn not_a_certificate(e: &openssl::error::ErrorStack) -> String {
    format!("not a DER X.509 certificate: {e}")
}

impl Certificate {
    /// Read by [`der`] when the certificate has the usual shape (RSA or named-curve EC key,
    /// string names, plain times); by OpenSSL otherwise, which describes odd certificates and
    /// words the errors.
    pub fn from_der(der: &[u8]) -> Result<Certificate, String> {
        let shared: Arc<[u8]> = der.into();
        match read_der(&shared) {
            Some((info, public_key)) => Ok(Certificate {
                x509: OpenSslView::new(shared.clone()),
                der: shared,
                info,
                public_key,
            }),
            None => Certificate::from_der_openssl(der),
        }
    }

    /// The certificate as OpenSSL's `d2i_X509` reads it, and the details from that.
    fn from_der_openssl(der: &[u8]) -> Result<Certificate, String> {
        let x509 = X509::from_der(der).map_err(|e| not_a_certificate(&e))?;
        let der: Arc<[u8]> = der.into();
        let info = describe(&x509, &der)?;
        let public_key = x509
            .public_key()
            .map_err(|e| format!("unreadable public key: {e}"));
        Ok(Certificate {
            x509: OpenSslView::decoded(der.clone(), x509),
            der,
            info,
            public_key: PublicKey::built(public_key),
        })
    }

    /// From the base64 text of a `ds:X509Certificate` (white space allowed).
    pub fn from_base64(text: &str) -> Result<Certificate, String> {
        let clean = crate::text::without_ascii_whitespace(text);
        let der = base64::engine::general_purpose::STANDARD
            .decode(clean.as_bytes())
            .map_err(|e| format!("certificate is not valid base64: {e}"))?;
        Certificate::from_der(&der)
    }

    /// Every certificate in a PEM file (several while a rotation is under way), a DER file,
    /// or bare base64.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Vec<Certificate>, String> {
        if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            if let Some(certificates) = plain_pem(bytes) {
                return Ok(certificates);
            }
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
        self.public_key
            .built
            .get_or_init(|| {
                self.public_key
                    .rsa_public_key
                    .clone()
                    .and_then(|at| rsa_key(self.der.get(at)?))
                    .ok_or_else(|| "unreadable public key".to_string())
            })
            .clone()
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

const PEM_BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const PEM_END: &str = "-----END CERTIFICATE-----";

/// The certificates of a PEM file made of plain CERTIFICATE blocks only (no headers, lines of
/// base64, each block one certificate of the usual shape), read without OpenSSL's PEM reader,
/// which decodes each certificate with `d2i_X509`. `None` sends the file to OpenSSL.
fn plain_pem(bytes: &[u8]) -> Option<Vec<Certificate>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut certificates = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("-----BEGIN ") {
        // Markers count at the start of a line only.
        if at > 0 && !rest.get(..at)?.ends_with('\n') {
            return None;
        }
        let block = rest.get(at..)?.strip_prefix(PEM_BEGIN)?;
        let block = block
            .strip_prefix('\n')
            .or_else(|| block.strip_prefix("\r\n"))?;
        let end = block.find(PEM_END)?;
        let body = block.get(..end)?;
        if !body.is_empty() && !body.ends_with('\n') {
            return None;
        }
        // OpenSSL ends the data at a blank line.
        let mut lines = body
            .split_terminator('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l));
        if lines.any(str::is_empty) {
            return None;
        }
        let base64: Vec<u8> = body
            .bytes()
            .filter(|b| !matches!(b, b'\n' | b'\r'))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(&base64)
            .ok()?;
        // One certificate and nothing after it, as OpenSSL's re-encoding would give.
        let mut outer = der::Reader::new(&der);
        outer.read()?;
        if !outer.is_empty() {
            return None;
        }
        let der: Arc<[u8]> = der.into();
        let (info, public_key) = read_der(&der)?;
        certificates.push(Certificate {
            x509: OpenSslView::new(der.clone()),
            der,
            info,
            public_key,
        });
        rest = block.get(end + PEM_END.len()..)?;
        if !(rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n")) {
            return None;
        }
    }
    (!certificates.is_empty()).then_some(certificates)
}

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// The details and public key of a certificate of the usual shape (RFC 5280 §4.1), read with
/// [`der`]; `None` for anything else, including every shape OpenSSL would refuse.
fn read_der(shared: &Arc<[u8]>) -> Option<(CertInfo, PublicKey)> {
    use der::{Reader, BIT_STRING, INTEGER, OID, SEQUENCE};
    let bytes: &[u8] = shared;
    // Bytes after the certificate are ignored, as `d2i_X509` ignores them.
    let mut certificate = Reader::new(bytes).sequence()?;
    let mut tbs = certificate.sequence()?;
    let signature_oid = algorithm_identifier(&mut certificate)?;
    bit_string(certificate.expect(BIT_STRING)?)?;
    if !certificate.is_empty() {
        return None;
    }

    if let Some(version) = tbs.optional(0xa0)? {
        let mut version = Reader::new(version);
        if !matches!(version.expect(INTEGER)?, [0] | [1] | [2]) || !version.is_empty() {
            return None;
        }
    }
    let serial = der::integer_hex(tbs.expect(INTEGER)?)?;
    algorithm_identifier(&mut tbs)?;
    let issuer = name(tbs.expect(SEQUENCE)?)?;
    let mut validity = tbs.sequence()?;
    let not_before = der::time(validity.read()?)?;
    let not_after = der::time(validity.read()?)?;
    if !validity.is_empty() {
        return None;
    }
    let subject = name(tbs.expect(SEQUENCE)?)?;
    let mut spki = tbs.sequence()?;
    let mut key_algorithm = spki.sequence()?;
    let key_oid = key_algorithm.expect(OID)?;
    let key_parameters = key_algorithm.read()?;
    let key_bytes = bit_string(spki.expect(BIT_STRING)?)?;
    if !key_algorithm.is_empty() || !spki.is_empty() {
        return None;
    }
    if let Some(extensions) = tbs.optional(0xa3)? {
        extension_list(extensions)?;
    }
    if !tbs.is_empty() {
        return None;
    }

    let (key, key_bits, key_type, curve) = match key_oid {
        RSA_ENCRYPTION
            if key_parameters
                == der::Tlv {
                    tag: der::NULL,
                    content: &[],
                } =>
        {
            let bits = rsa_modulus_bits(key_bytes)?;
            let key = PublicKey {
                built: OnceLock::new(),
                rsa_public_key: Some(range_within(bytes, key_bytes)?),
            };
            (key, bits, "RSA", None)
        }
        EC_PUBLIC_KEY if key_parameters.tag == OID => {
            // The NIST curves only: OpenSSL makes other named curves other key types (SM2).
            let curve = object_nid(key_parameters.content)?;
            if ![
                Nid::SECP224R1,
                Nid::X9_62_PRIME256V1,
                Nid::SECP384R1,
                Nid::SECP521R1,
            ]
            .contains(&curve)
            {
                return None;
            }
            let (key, curve) = ec_key(curve, key_bytes)?;
            (
                PublicKey::built(Ok(key.clone())),
                key.bits(),
                "EC",
                Some(curve),
            )
        }
        _ => return None,
    };
    let signature_algorithm = match object_nid(signature_oid)?.long_name() {
        Ok(name) => name.to_string(),
        Err(_) => object(signature_oid)?.to_string(),
    };
    Some((
        CertInfo {
            self_signed: subject == issuer,
            subject,
            issuer,
            serial,
            not_before: Some(not_before),
            not_after: Some(not_after),
            sha256_fingerprint: Fingerprint::new(shared, Hash::Sha256),
            sha1_fingerprint: Fingerprint::new(shared, Hash::Sha1),
            key_type: key_type.to_string(),
            key_bits,
            curve,
            signature_algorithm,
        },
        key,
    ))
}

/// An AlgorithmIdentifier's OID (its parameters, one TLV or none, are skipped).
fn algorithm_identifier<'a>(r: &mut der::Reader<'a>) -> Option<&'a [u8]> {
    let mut algorithm = r.sequence()?;
    let oid = algorithm.expect(der::OID)?;
    if !algorithm.is_empty() {
        algorithm.read()?;
    }
    algorithm.is_empty().then_some(oid)
}

/// A BIT STRING's bits, which must fill whole bytes.
fn bit_string(content: &[u8]) -> Option<&[u8]> {
    match content.split_first() {
        Some((0, bits)) => Some(bits),
        _ => None,
    }
}

/// The OID as OpenSSL's object, to name it the way OpenSSL does. `None` for an encoding
/// OpenSSL would refuse.
fn object(content: &[u8]) -> Option<Asn1Object> {
    let object = Asn1Object::from_str(&der::oid_text(content)?).ok()?;
    (object.as_slice() == content).then_some(object)
}

/// [`object`]'s NID, remembered per thread for the few OIDs certificates repeat (name
/// attributes, curves, signature algorithms): OpenSSL looks an OID's text up in its tables
/// each time, most of the cost of reading a certificate's names.
fn object_nid(content: &[u8]) -> Option<Nid> {
    const REMEMBERED: usize = 64;
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<(Vec<u8>, Option<Nid>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let seen = SEEN
        .try_with(|s| {
            s.borrow()
                .iter()
                .find(|(oid, _)| oid.as_slice() == content)
                .map(|(_, nid)| *nid)
        })
        .ok()
        .flatten();
    if let Some(nid) = seen {
        return nid;
    }
    let nid = object(content).map(|o| o.nid());
    let _ = SEEN.try_with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < REMEMBERED {
            s.push((content.to_vec(), nid));
        }
    });
    nid
}

/// A Name as `KEY=value, …` in encoding order, the way [`name_to_string`] prints OpenSSL's.
/// Only UTF8String and ASCII PrintableString/IA5String values: other string types are
/// converted by OpenSSL in ways not repeated here.
fn name(content: &[u8]) -> Option<String> {
    let mut rdns = der::Reader::new(content);
    let mut parts = Vec::new();
    while !rdns.is_empty() {
        let mut set = der::Reader::new(rdns.expect(der::SET)?);
        if set.is_empty() {
            return None;
        }
        while !set.is_empty() {
            let mut pair = set.sequence()?;
            let key = object_nid(pair.expect(der::OID)?)?;
            let value = pair.read()?;
            if !pair.is_empty() {
                return None;
            }
            let text = match value.tag {
                der::UTF8_STRING => std::str::from_utf8(value.content).ok()?,
                der::PRINTABLE_STRING | der::IA5_STRING if value.content.is_ascii() => {
                    std::str::from_utf8(value.content).ok()?
                }
                _ => return None,
            };
            let key = key.short_name().unwrap_or("?");
            parts.push(format!("{key}={text}"));
        }
    }
    Some(parts.join(", "))
}

/// The extensions' outer structure, which `d2i_X509` checks (their contents it does not).
fn extension_list(content: &[u8]) -> Option<()> {
    let mut outer = der::Reader::new(content);
    let mut list = outer.sequence()?;
    if !outer.is_empty() {
        return None;
    }
    while !list.is_empty() {
        let mut extension = list.sequence()?;
        der::oid_text(extension.expect(der::OID)?)?;
        if let Some(critical) = extension.optional(der::BOOLEAN)? {
            if critical.len() != 1 {
                return None;
            }
        }
        extension.expect(der::OCTET_STRING)?;
        if !extension.is_empty() {
            return None;
        }
    }
    Some(())
}

/// The modulus n and exponent e of an RSAPublicKey (RFC 8017 §A.1.1).
fn rsa_components(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut outer = der::Reader::new(bytes);
    let mut key = outer.sequence()?;
    let n = der::positive_integer(key.expect(der::INTEGER)?)?;
    let e = der::positive_integer(key.expect(der::INTEGER)?)?;
    if !key.is_empty() || !outer.is_empty() {
        return None;
    }
    Some((n, e))
}

/// The size of an RSAPublicKey's modulus in bits, as OpenSSL counts it (`BN_num_bits`).
fn rsa_modulus_bits(bytes: &[u8]) -> Option<u32> {
    let (n, _) = rsa_components(bytes)?;
    let first = n.first()?;
    u32::try_from(n.len() * 8)
        .ok()?
        .checked_sub(first.leading_zeros())
}

/// Where `inner`, a part of `outer`, lies in it.
fn range_within(outer: &[u8], inner: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let range = start..start.checked_add(inner.len())?;
    (range.end <= outer.len()).then_some(range)
}

/// An RSAPublicKey as OpenSSL's key, built from n and e without its decoder.
fn rsa_key(bytes: &[u8]) -> Option<PKey<Public>> {
    let (n, e) = rsa_components(bytes)?;
    let rsa = Rsa::from_public_components(BigNum::from_slice(n).ok()?, BigNum::from_slice(e).ok()?)
        .ok()?;
    PKey::from_rsa(rsa).ok()
}

/// A point on a named curve as OpenSSL's key (`EC_POINT_oct2point` checks it is on the
/// curve), and the curve's short name.
fn ec_key(curve: Nid, point: &[u8]) -> Option<(PKey<Public>, String)> {
    let group = EcGroup::from_curve_name(curve).ok()?;
    let mut ctx = BigNumContext::new().ok()?;
    let point = EcPoint::from_bytes(&group, point, &mut ctx).ok()?;
    let key = EcKey::from_public_key(&group, &point).ok()?;
    let name = curve.short_name().ok()?.to_string();
    Some((PKey::from_ec_key(key).ok()?, name))
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

/// Upper-case hex pairs separated by colons. The digest functions, not EVP's (whose first use
/// looks up a provider).
pub fn fingerprint(der: &[u8], hash: Hash) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digest = hash.digest(der);
    let mut out = String::with_capacity(digest.len() * 3);
    for (i, b) in digest.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        for nibble in [b >> 4, b & 0x0f] {
            out.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'?'),
            ));
        }
    }
    out
}

fn describe(x509: &X509, der: &Arc<[u8]>) -> Result<CertInfo, String> {
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
        sha256_fingerprint: Fingerprint::new(der, Hash::Sha256),
        sha1_fingerprint: Fingerprint::new(der, Hash::Sha1),
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
    use openssl::asn1::{Asn1Time, Asn1Type};
    use openssl::hash::MessageDigest;
    use openssl::pkey::Private;
    use openssl::sign::Signer;
    use openssl::x509::X509NameBuilder;
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

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
    fn fingerprints_are_upper_case_hex_pairs() {
        assert_eq!(
            fingerprint(b"abc", Hash::Sha1),
            "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D"
        );
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

    /// Reading with [`der`] and reading with OpenSSL give the same answer: the same details,
    /// the same public key, or the same error.
    fn assert_same_as_openssl(der: &[u8], what: &str) {
        let ours = Certificate::from_der(der);
        let reference = Certificate::from_der_openssl(der);
        match (&ours, &reference) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.info, b.info, "{what}");
                match (a.public_key(), b.public_key()) {
                    (Ok(ka), Ok(kb)) => assert!(ka.public_eq(&kb), "{what}: other key"),
                    (ka, kb) => assert_eq!(ka.is_ok(), kb.is_ok(), "{what}: key"),
                }
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{what}"),
            _ => panic!("{what}: ours {ours:?}, OpenSSL's {reference:?}"),
        }
    }

    /// A PEM file read as before: OpenSSL's PEM reader, then `d2i_X509` for each block.
    fn assert_pem_same_as_openssl(bytes: &[u8], what: &str) {
        let reference: Result<Vec<Certificate>, String> = X509::stack_from_pem(bytes)
            .map_err(|e| format!("bad PEM certificate: {e}"))
            .and_then(|stack| {
                if stack.is_empty() {
                    return Err("no CERTIFICATE block in the PEM file".into());
                }
                stack
                    .iter()
                    .map(|x| Certificate::from_der_openssl(&x.to_der().unwrap()))
                    .collect()
            });
        let ours = Certificate::from_file_bytes(bytes);
        match (&ours, &reference) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.len(), b.len(), "{what}");
                for (a, b) in a.iter().zip(b) {
                    assert_eq!(a.info, b.info, "{what}");
                    assert_eq!(a.der, b.der, "{what}");
                }
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{what}"),
            _ => panic!("{what}: ours {ours:?}, OpenSSL's {reference:?}"),
        }
    }

    #[test]
    fn other_named_curves_are_left_to_openssl() {
        let group = EcGroup::from_curve_name(Nid::SECP256K1).unwrap();
        let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        let der = generated(
            &key,
            &BigNum::from_u32(9).unwrap(),
            &[("CN", "k1".into(), false)],
            "i",
            0,
            86_400,
            false,
            false,
        );
        assert!(read_der(&der[..].into()).is_none());
        assert_same_as_openssl(&der, "secp256k1");
        assert_eq!(
            Certificate::from_der(&der).unwrap().info.curve.as_deref(),
            Some("secp256k1")
        );
    }

    #[test]
    fn pem_files_read_as_openssl_reads_them() {
        let a = generated(
            &keys()[0],
            &BigNum::from_u32(1).unwrap(),
            &[("CN", "a".into(), false)],
            "i",
            0,
            86_400,
            false,
            false,
        );
        let b = generated(
            &keys()[2],
            &BigNum::from_u32(2).unwrap(),
            &[("CN", "b".into(), false)],
            "i",
            0,
            86_400,
            false,
            true,
        );
        let pem = |der: &[u8], eol: &str| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(der);
            let lines: Vec<&str> = b64
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!("{PEM_BEGIN}{eol}{}{eol}{PEM_END}{eol}", lines.join(eol))
        };
        let (pa, pb) = (pem(&a, "\n"), pem(&b, "\r\n"));
        let one_line = format!(
            "{PEM_BEGIN}\n{}\n{PEM_END}\n",
            base64::engine::general_purpose::STANDARD.encode(&a)
        );
        let wide = pa
            .replace('\n', "")
            .replace(PEM_BEGIN, "")
            .replace(PEM_END, "");
        let wide: Vec<&str> = wide
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let wide = format!("{PEM_BEGIN}\n{}\n{PEM_END}", wide.join("\n"));
        // Lines of 64, 20, 44, 64, … characters.
        let b64 = base64::engine::general_purpose::STANDARD.encode(&a);
        let (head, tail) = b64.split_at(64);
        let (mid1, tail) = tail.split_at(20);
        let (mid2, tail) = tail.split_at(44);
        let irregular = format!("{PEM_BEGIN}\n{head}\n{mid1}\n{mid2}\n{tail}\n{PEM_END}\n");
        let cases = [
            pa.clone(),
            one_line,
            wide,
            pa.replace(PEM_END, &format!("{PEM_END}junk")),
            pa.replace(PEM_BEGIN, &format!("{PEM_BEGIN} ")),
            pa.replacen('\n', "\n\n", 2),
            pa.replacen('\n', "\r\n\r\n", 3),
            irregular,
            format!("subject=CN = a\n{pa}\n{pb}"),
            format!("{pa}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            pa.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n\n"),
            pa.replacen('M', "!", 1),
            format!("  {pa}"),
            format!("{PEM_BEGIN}\n{PEM_END}\n"),
            "-----BEGIN CERTIFICATE-----\nAAAA\n".to_string(),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert_pem_same_as_openssl(case.as_bytes(), &format!("case {i}"));
        }
        assert!(plain_pem(pa.as_bytes()).is_some());
        assert!(plain_pem(format!("{pa}{pb}").as_bytes()).is_some_and(|c| c.len() == 2));
    }

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// Every certificate a file holds as text: `X509Certificate` elements, PEM blocks, and
    /// base64 JSON strings starting like a certificate (`x5c`); or the file itself when DER.
    fn certificates_in(bytes: &[u8]) -> Vec<Vec<u8>> {
        let b64 = |t: &str| {
            let clean = crate::text::without_ascii_whitespace(t);
            base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .ok()
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return if bytes.first() == Some(&0x30) {
                vec![bytes.to_vec()]
            } else {
                Vec::new()
            };
        };
        let mut found = Vec::new();
        for (open, close) in [
            ("X509Certificate>", "<"),
            ("-----BEGIN CERTIFICATE-----", "-----END"),
            ("\"MII", "\""),
        ] {
            let mut rest = text;
            while let Some(at) = rest.find(open) {
                let start = if open == "\"MII" {
                    at + 1
                } else {
                    at + open.len()
                };
                rest = &rest[start..];
                let end = rest.find(close).unwrap_or(rest.len());
                if let Some(der) = b64(&rest[..end]).filter(|d| !d.is_empty()) {
                    found.push(der);
                }
                rest = &rest[end..];
            }
        }
        found
    }

    #[test]
    fn every_certificate_in_the_fixtures_and_the_corpus_reads_as_openssl_reads_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("fixtures"), &mut files);
        let corpus = root.join("../shared/corpus");
        if corpus.is_dir() {
            files_under(&corpus, &mut files);
        } else {
            println!("skipping the corpus: {} is absent", corpus.display());
        }
        let (mut compared, mut by_der, mut pem_files, mut plain_pem_files) = (0, 0, 0, 0);
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else {
                continue;
            };
            if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
                assert_pem_same_as_openssl(&bytes, &file.display().to_string());
                pem_files += 1;
                plain_pem_files += usize::from(plain_pem(&bytes).is_some());
            }
            for der in certificates_in(&bytes) {
                assert_same_as_openssl(&der, &file.display().to_string());
                compared += 1;
                by_der += usize::from(read_der(&der[..].into()).is_some());
            }
        }
        println!(
            "{compared} certificates compared, {by_der} read without OpenSSL's decoder; \
             {pem_files} PEM files, {plain_pem_files} read without OpenSSL's PEM reader"
        );
        assert!(pem_files >= 5, "only {pem_files} PEM files");
        assert!(
            plain_pem_files * 2 >= pem_files,
            "{plain_pem_files} of {pem_files}"
        );
        assert!(compared >= 50, "only {compared} certificates found");
        // The usual shape is the common case: most certificates must take the fast path.
        assert!(by_der * 4 >= compared * 3, "{by_der} of {compared}");
    }

    #[test]
    fn truncated_and_altered_certificates_read_as_openssl_reads_them() {
        let der = self_signed(1024, 300);
        for len in 0..der.len() {
            assert_same_as_openssl(&der[..len], &format!("first {len} bytes"));
        }
        for at in 0..der.len() {
            let mut altered = der.clone();
            altered[at] ^= 0x41;
            assert_same_as_openssl(&altered, &format!("byte {at} altered"));
        }
        let mut trailing = der.clone();
        trailing.extend_from_slice(b"\x00\x01trailing");
        assert_same_as_openssl(&trailing, "bytes after the certificate");
    }

    fn keys() -> &'static [PKey<Private>] {
        static KEYS: OnceLock<Vec<PKey<Private>>> = OnceLock::new();
        KEYS.get_or_init(|| {
            let ec = |nid| {
                let group = EcGroup::from_curve_name(nid).unwrap();
                PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
            };
            vec![
                PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap(),
                PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap(),
                ec(Nid::X9_62_PRIME256V1),
                ec(Nid::SECP384R1),
                ec(Nid::SECP521R1),
            ]
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn generated(
        key: &PKey<Private>,
        serial: &BigNum,
        subject: &[(&str, String, bool)],
        issuer_cn: &str,
        not_before: i64,
        not_after: i64,
        sha1: bool,
        extension: bool,
    ) -> Vec<u8> {
        let name = |entries: &[(&str, String, bool)]| {
            let mut name = X509NameBuilder::new().unwrap();
            for (key, value, printable) in entries {
                if *printable {
                    name.append_entry_by_text_with_type(key, value, Asn1Type::PRINTABLESTRING)
                        .unwrap();
                } else {
                    name.append_entry_by_text(key, value).unwrap();
                }
            }
            name.build()
        };
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&serial.to_asn1_integer().unwrap())
            .unwrap();
        b.set_subject_name(&name(subject)).unwrap();
        b.set_issuer_name(&name(&[("CN", issuer_cn.to_string(), false)]))
            .unwrap();
        b.set_pubkey(key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(not_before).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_unix(not_after).unwrap())
            .unwrap();
        if extension {
            let ctx = b.x509v3_context(None, None);
            let ext = openssl::x509::extension::SubjectKeyIdentifier::new()
                .build(&ctx)
                .unwrap();
            b.append_extension(ext).unwrap();
        }
        let md = if sha1 {
            MessageDigest::sha1()
        } else {
            MessageDigest::sha256()
        };
        b.sign(key, md).unwrap();
        b.build().to_der().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Certificates of every supported shape: the same details as OpenSSL's, and the key
        /// gives the same verdict on good and altered signatures.
        #[test]
        fn generated_certificates_read_as_openssl_reads_them(
            which in 0usize..5,
            serial in proptest::collection::vec(any::<u8>(), 1..20),
            negative in any::<bool>(),
            cn in "[ -~]{1,20}|\\PC{1,12}",
            org in proptest::option::of("[A-Za-z0-9 ]{1,16}"),
            issuer_cn in "[a-z.]{1,12}",
            // 1950 to 2100: UTCTime before 2050, GeneralizedTime after.
            not_before in -631_152_000i64..4_102_444_800,
            days in 0i64..40_000,
            sha1 in any::<bool>(),
            extension in any::<bool>(),
            data in proptest::collection::vec(any::<u8>(), 0..64),
            flip in any::<Option<(usize, u8)>>(),
        ) {
            let key = &keys()[which];
            let mut bn = BigNum::from_slice(&serial).unwrap();
            bn.set_negative(negative);
            let mut subject = vec![("CN", cn, false)];
            if let Some(org) = org {
                subject.push(("O", org, true));
            }
            let der = generated(key, &bn, &subject, &issuer_cn, not_before,
                                not_before + days * 86_400, sha1, extension);
            prop_assert!(read_der(&der[..].into()).is_some());
            assert_same_as_openssl(&der, "generated");

            let ecdsa = key.id() == Id::EC;
            let mut signer = Signer::new(MessageDigest::sha256(), key).unwrap();
            let mut sig = signer.sign_oneshot_to_vec(&data).unwrap();
            if ecdsa {
                let parsed = openssl::ecdsa::EcdsaSig::from_der(&sig).unwrap();
                let half = key.ec_key().map(|k| (k.group().degree() as usize).div_ceil(8)).unwrap();
                let mut raw = parsed.r().to_vec_padded(half as i32).unwrap();
                raw.extend(parsed.s().to_vec_padded(half as i32).unwrap());
                sig = raw;
            }
            if let Some((at, bit)) = flip {
                let at = at % sig.len();
                sig[at] ^= 1 << (bit % 8);
            }
            let ours = Certificate::from_der(&der).unwrap().public_key().unwrap();
            let reference = Certificate::from_der_openssl(&der).unwrap().public_key().unwrap();
            let verdict = |k: &PKey<Public>| crate::crypto::verify(k, ecdsa, Hash::Sha256, &data, &sig);
            prop_assert_eq!(verdict(&ours), verdict(&reference));
            prop_assert_eq!(verdict(&ours), flip.is_none());
        }
    }
}
