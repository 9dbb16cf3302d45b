//! EncryptedAssertion decryption (XML Encryption 1.1) with the SP's private key.
//!
//! Key transport: RSA-OAEP (`xmlenc#rsa-oaep-mgf1p`, SHA-1 MGF1 with the digest from
//! DigestMethod, and `xmlenc11#rsa-oaep` with DigestMethod and MGF variants) and RSA
//! PKCS#1 v1.5. Content: AES-128/192/256-CBC and AES-128/192/256-GCM. The result is the
//! decrypted XML text, which the caller parses into a new document and verifies like any
//! other (its signature, if any, is the assertion's own).

use super::ns;
use crate::xml::{Document, NodeId};
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Padding;
use openssl::symm::Cipher;

const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const RSA_OAEP_11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";

/// Read the SP's private key (PEM, PKCS#1 or PKCS#8; several blocks allowed, the first
/// private key is used).
pub fn load_private_key(bytes: &[u8]) -> Result<PKey<Private>, String> {
    PKey::private_key_from_pem(bytes)
        .or_else(|_| PKey::private_key_from_der(bytes))
        .map_err(|e| format!("not a PEM or DER private key: {e}"))
}

fn b64(text: &str) -> Result<Vec<u8>, String> {
    let clean = crate::text::without_ascii_whitespace(text);
    base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .map_err(|e| format!("CipherValue is not base64: {e}"))
}

fn algorithm(doc: &Document, node: NodeId) -> Option<String> {
    doc.first_child_named(node, ns::XENC, "EncryptionMethod")
        .and_then(|m| doc.attr_value(m, "Algorithm"))
        .map(str::to_string)
}

fn cipher_value(doc: &Document, node: NodeId) -> Result<Vec<u8>, String> {
    let cd = doc
        .first_child_named(node, ns::XENC, "CipherData")
        .ok_or("no CipherData")?;
    let cv = doc
        .first_child_named(cd, ns::XENC, "CipherValue")
        .ok_or("no CipherValue (CipherReference is not supported)")?;
    b64(&doc.text(cv))
}

fn digest_by_uri(uri: &str) -> Option<MessageDigest> {
    crate::saml::dsig::digest_for(uri).or(match uri {
        "http://www.w3.org/2001/04/xmldsig-more#sha256" => Some(MessageDigest::sha256()),
        _ => None,
    })
}

fn mgf_by_uri(uri: &str) -> Option<MessageDigest> {
    Some(match uri {
        "http://www.w3.org/2009/xmlenc11#mgf1sha1" => MessageDigest::sha1(),
        "http://www.w3.org/2009/xmlenc11#mgf1sha224" => MessageDigest::sha224(),
        "http://www.w3.org/2009/xmlenc11#mgf1sha256" => MessageDigest::sha256(),
        "http://www.w3.org/2009/xmlenc11#mgf1sha384" => MessageDigest::sha384(),
        "http://www.w3.org/2009/xmlenc11#mgf1sha512" => MessageDigest::sha512(),
        _ => return None,
    })
}

/// Decrypt one EncryptedKey into the content-encryption key.
fn unwrap_key(doc: &Document, ek: NodeId, key: &PKey<Private>) -> Result<Vec<u8>, String> {
    let alg = algorithm(doc, ek).ok_or("EncryptedKey has no EncryptionMethod")?;
    let wrapped = cipher_value(doc, ek)?;
    let method = doc.first_child_named(ek, ns::XENC, "EncryptionMethod");
    let mut d = openssl::encrypt::Decrypter::new(key).map_err(|e| e.to_string())?;
    match alg.as_str() {
        RSA_1_5 => d
            .set_rsa_padding(Padding::PKCS1)
            .map_err(|e| e.to_string())?,
        RSA_OAEP_MGF1P | RSA_OAEP_11 => {
            d.set_rsa_padding(Padding::PKCS1_OAEP)
                .map_err(|e| e.to_string())?;
            let digest = method
                .and_then(|m| doc.first_child_named(m, ns::DS, "DigestMethod"))
                .and_then(|dm| doc.attr_value(dm, "Algorithm"))
                .map(|u| digest_by_uri(u).ok_or(format!("OAEP digest {u:?} is not supported")))
                .transpose()?
                .unwrap_or(MessageDigest::sha1());
            let mgf = if alg == RSA_OAEP_11 {
                method
                    .and_then(|m| doc.first_child_named(m, ns::XENC11, "MGF"))
                    .and_then(|g| doc.attr_value(g, "Algorithm"))
                    .map(|u| mgf_by_uri(u).ok_or(format!("MGF {u:?} is not supported")))
                    .transpose()?
                    .unwrap_or(MessageDigest::sha1())
            } else {
                MessageDigest::sha1()
            };
            d.set_rsa_oaep_md(digest).map_err(|e| e.to_string())?;
            d.set_rsa_mgf1_md(mgf).map_err(|e| e.to_string())?;
            if let Some(p) = method
                .and_then(|m| doc.first_child_named(m, ns::XENC, "OAEPparams"))
                .map(|p| b64(&doc.text(p)))
                .transpose()?
                .filter(|p| !p.is_empty())
            {
                d.set_rsa_oaep_label(&p).map_err(|e| e.to_string())?;
            }
        }
        other => return Err(format!("key transport {other:?} is not supported")),
    }
    let len = d.decrypt_len(&wrapped).map_err(|e| e.to_string())?;
    let mut out = vec![0u8; len];
    let n = d
        .decrypt(&wrapped, &mut out)
        .map_err(|_| "the SP key does not decrypt the EncryptedKey (wrong key?)".to_string())?;
    out.truncate(n);
    Ok(out)
}

/// Decrypt the EncryptedAssertion `node` and return the assertion's XML text.
pub fn decrypt_assertion(
    doc: &Document,
    node: NodeId,
    key: &PKey<Private>,
) -> Result<String, String> {
    let data = doc
        .first_child_named(node, ns::XENC, "EncryptedData")
        .ok_or("EncryptedAssertion has no xenc:EncryptedData")?;
    let content_alg = algorithm(doc, data).ok_or("EncryptedData has no EncryptionMethod")?;
    let encrypted_keys: Vec<NodeId> = doc
        .descendants_named(node, ns::XENC, "EncryptedKey")
        .collect();
    if encrypted_keys.is_empty() {
        return Err("no xenc:EncryptedKey for the assertion".into());
    }
    let mut last_err = String::new();
    let mut cek = None;
    for ek in encrypted_keys {
        match unwrap_key(doc, ek, key) {
            Ok(k) => {
                cek = Some(k);
                break;
            }
            Err(e) => last_err = e,
        }
    }
    let cek = cek.ok_or(last_err)?;
    let ciphertext = cipher_value(doc, data)?;
    let plain = decrypt_content(&content_alg, &cek, &ciphertext)?;
    String::from_utf8(plain).map_err(|_| "the decrypted assertion is not UTF-8".into())
}

fn decrypt_content(alg: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let (cipher, gcm) = match alg {
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => (Cipher::aes_128_cbc(), false),
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => (Cipher::aes_192_cbc(), false),
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => (Cipher::aes_256_cbc(), false),
        "http://www.w3.org/2009/xmlenc11#aes128-gcm" => (Cipher::aes_128_gcm(), true),
        "http://www.w3.org/2009/xmlenc11#aes192-gcm" => (Cipher::aes_192_gcm(), true),
        "http://www.w3.org/2009/xmlenc11#aes256-gcm" => (Cipher::aes_256_gcm(), true),
        other => return Err(format!("content encryption {other:?} is not supported")),
    };
    if key.len() != cipher.key_len() {
        return Err(format!(
            "the decrypted key is {} bytes; {} needs {}",
            key.len(),
            alg,
            cipher.key_len()
        ));
    }
    if gcm {
        if data.len() < 12 + 16 {
            return Err("the GCM ciphertext is too short".into());
        }
        let (iv, rest) = data.split_at(12);
        let (ct, tag) = rest.split_at(rest.len() - 16);
        return openssl::symm::decrypt_aead(cipher, key, Some(iv), &[], ct, tag)
            .map_err(|_| "AES-GCM authentication failed: wrong key or altered ciphertext".into());
    }
    let iv_len = cipher.iv_len().unwrap_or(16);
    if data.len() < iv_len + 16 || (data.len() - iv_len) % 16 != 0 {
        return Err("the CBC ciphertext has a bad length".into());
    }
    let (iv, ct) = data.split_at(iv_len);
    let mut c = openssl::symm::Crypter::new(cipher, openssl::symm::Mode::Decrypt, key, Some(iv))
        .map_err(|e| e.to_string())?;
    // XML Encryption padding: the last byte gives the pad length; the other pad bytes are
    // arbitrary, so openssl's PKCS#7 check is off and the padding is removed here.
    c.pad(false);
    let mut out = vec![0u8; ct.len() + 16];
    let mut n = c.update(ct, &mut out).map_err(|e| e.to_string())?;
    let tail = out.get_mut(n..).ok_or("cipher output overran its buffer")?;
    n += c.finalize(tail).map_err(|e| e.to_string())?;
    out.truncate(n);
    let pad = usize::from(*out.last().ok_or("empty plaintext")?);
    if pad == 0 || pad > 16 || pad > out.len() {
        return Err("bad padding after decryption: wrong key?".into());
    }
    out.truncate(out.len() - pad);
    Ok(out)
}

/// Make decrypted assertion text parse on its own: the namespace declarations in scope at
/// the EncryptedAssertion (which the plaintext inherits in place) are written onto its
/// root element when it does not declare them itself.
pub fn standalone(doc: &Document, node: NodeId, plaintext: &str) -> String {
    let body = plaintext.trim_start_matches('\u{feff}');
    let body = match body.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map(|i| &rest[i + 2..]).unwrap_or(body),
        None => body,
    }
    .trim_start();
    let Some(tag_end) = body.find(|c: char| c.is_whitespace() || c == '>' || c == '/') else {
        return body.to_string();
    };
    let start_tag_end = body.find('>').unwrap_or(body.len());
    let start_tag = &body[..start_tag_end];
    let mut extra = String::new();
    for (prefix, uri) in doc.in_scope_namespaces(node) {
        let attr = match &prefix {
            Some(p) => format!("xmlns:{p}="),
            None => "xmlns=".to_string(),
        };
        if !start_tag.contains(&attr) {
            let esc = uri
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;");
            extra.push_str(&format!(" {attr}\"{esc}\""));
        }
    }
    format!("{}{}{}", &body[..tag_end], extra, &body[tag_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_adds_inherited_namespaces() {
        let doc = Document::parse(
            r#"<p:R xmlns:p="urn:p" xmlns:s="urn:s"><s:EncryptedAssertion/></p:R>"#,
        )
        .unwrap();
        let ea = doc.child_elements(doc.root).next().unwrap();
        let out = standalone(
            &doc,
            ea,
            r#"<?xml version="1.0"?><s:A xmlns:s="urn:s" ID="x"/>"#,
        );
        assert_eq!(out, r#"<s:A xmlns:p="urn:p" xmlns:s="urn:s" ID="x"/>"#);
        assert!(Document::parse(&out).is_ok());
    }

    #[test]
    fn bad_padding_and_lengths_are_errors() {
        let key = [0u8; 16];
        assert!(decrypt_content(
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            &key,
            &[0; 20]
        )
        .is_err());
        assert!(
            decrypt_content("http://www.w3.org/2009/xmlenc11#aes128-gcm", &key, &[0; 20]).is_err()
        );
        assert!(decrypt_content("urn:x", &key, &[0; 32]).is_err());
    }
}
