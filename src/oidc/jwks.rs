//! JWKS and discovery documents, and JWK → openssl public key conversion (RFC 7517, RFC 7518
//! §6). Written here rather than through a JWT crate so that every member that decides
//! whether a key may verify a token (kid, kty, use, key_ops, alg, crv) is checked and
//! explained by us.

use super::jose::b64url_lenient;
use crate::json::{self, JsonError};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Rsa;
use serde_json::{Map, Value};

/// One key of a JWKS, with the members that decide whether it may verify a token.
#[derive(Debug, Clone)]
pub struct Jwk {
    /// Position in the JWKS `keys` array.
    pub index: usize,
    pub kid: Option<String>,
    pub kty: String,
    pub alg: Option<String>,
    pub use_: Option<String>,
    pub key_ops: Option<Vec<String>>,
    pub crv: Option<String>,
    pub members: Map<String, Value>,
    /// The public key, read once: a batch checks many tokens against the same keys.
    public: std::sync::OnceLock<Result<PKey<Public>, String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocError {
    Json(JsonError),
    Shape(String),
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocError::Json(e) => write!(f, "{}:{}: {}", e.line, e.column, e.message),
            DocError::Shape(s) => f.write_str(s),
        }
    }
}

fn string_member(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(str::to_string)
}

impl Jwk {
    fn from_value(index: usize, v: &Value) -> Result<Jwk, String> {
        let m = v
            .as_object()
            .ok_or_else(|| format!("keys[{index}] is not a JSON object"))?;
        let kty = string_member(m, "kty").ok_or_else(|| format!("keys[{index}] has no kty"))?;
        let key_ops = m.get("key_ops").and_then(Value::as_array).map(|ops| {
            ops.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
        Ok(Jwk {
            index,
            kid: string_member(m, "kid"),
            kty,
            alg: string_member(m, "alg"),
            use_: string_member(m, "use"),
            key_ops,
            crv: string_member(m, "crv"),
            members: m.clone(),
            public: std::sync::OnceLock::new(),
        })
    }

    /// "key #2 (kid \"abc\", EC P-256)", for messages.
    pub fn describe(&self) -> String {
        let kid = self
            .kid
            .as_deref()
            .map(|k| format!("kid {k:?}"))
            .unwrap_or_else(|| "no kid".into());
        let crv = self
            .crv
            .as_deref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        format!("key #{} ({kid}, {}{crv})", self.index, self.kty)
    }

    fn bytes(&self, member: &str) -> Result<Vec<u8>, String> {
        let s = self
            .members
            .get(member)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{} has no `{member}`", self.describe()))?;
        b64url_lenient(s).map_err(|e| format!("{} `{member}`: {e}", self.describe()))
    }

    /// The public key (RSA n/e, EC crv/x/y, OKP Ed25519 x). `oct` keys have none.
    pub fn public_key(&self) -> Result<PKey<Public>, String> {
        self.public.get_or_init(|| self.read_public_key()).clone()
    }

    fn read_public_key(&self) -> Result<PKey<Public>, String> {
        let openssl_err = |e: openssl::error::ErrorStack| format!("{}: {e}", self.describe());
        match self.kty.as_str() {
            "RSA" => {
                let n = BigNum::from_slice(&self.bytes("n")?).map_err(openssl_err)?;
                let e = BigNum::from_slice(&self.bytes("e")?).map_err(openssl_err)?;
                let rsa = Rsa::from_public_components(n, e).map_err(openssl_err)?;
                PKey::from_rsa(rsa).map_err(openssl_err)
            }
            "EC" => {
                let (nid, len) = match self.crv.as_deref() {
                    Some("P-256") => (Nid::X9_62_PRIME256V1, 32),
                    Some("P-384") => (Nid::SECP384R1, 48),
                    Some("P-521") => (Nid::SECP521R1, 66),
                    other => {
                        return Err(format!("{}: unsupported curve {other:?}", self.describe()))
                    }
                };
                let (x, y) = (self.bytes("x")?, self.bytes("y")?);
                if x.len() != len || y.len() != len {
                    return Err(format!(
                        "{}: x and y must be {len} bytes each, got {} and {}",
                        self.describe(),
                        x.len(),
                        y.len()
                    ));
                }
                let group = EcGroup::from_curve_name(nid).map_err(openssl_err)?;
                let x = BigNum::from_slice(&x).map_err(openssl_err)?;
                let y = BigNum::from_slice(&y).map_err(openssl_err)?;
                let key = EcKey::from_public_key_affine_coordinates(&group, &x, &y)
                    .map_err(openssl_err)?;
                key.check_key().map_err(openssl_err)?;
                PKey::from_ec_key(key).map_err(openssl_err)
            }
            "OKP" => match self.crv.as_deref() {
                Some("Ed25519") => {
                    let x = self.bytes("x")?;
                    PKey::public_key_from_raw_bytes(&x, Id::ED25519).map_err(openssl_err)
                }
                other => Err(format!(
                    "{}: unsupported OKP curve {other:?}",
                    self.describe()
                )),
            },
            other => Err(format!(
                "{}: kty {other:?} has no public key",
                self.describe()
            )),
        }
    }

    /// The secret of an `oct` key.
    pub fn secret(&self) -> Result<Vec<u8>, String> {
        self.bytes("k")
    }
}

impl Jwks {
    /// A JWKS document (`{"keys": [...]}`), or a single JWK (`{"kty": ...}`) as a one-key set.
    /// Keys that cannot be read are returned as problems, not errors: one odd key in a
    /// provider's set must not hide the others.
    pub fn parse(text: &str) -> Result<(Jwks, Vec<String>), DocError> {
        let v = json::parse(text).map_err(DocError::Json)?;
        let obj = v
            .as_object()
            .ok_or_else(|| DocError::Shape("a JWKS must be a JSON object".into()))?;
        let items: Vec<Value> = if let Some(keys) = obj.get("keys") {
            keys.as_array()
                .cloned()
                .ok_or_else(|| DocError::Shape("`keys` must be an array".into()))?
        } else if obj.contains_key("kty") {
            vec![v.clone()]
        } else {
            return Err(DocError::Shape(
                "neither a JWKS (`keys`) nor a single JWK (`kty`)".into(),
            ));
        };
        let mut keys = Vec::new();
        let mut problems = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match Jwk::from_value(i, item) {
                Ok(k) => keys.push(k),
                Err(e) => problems.push(e),
            }
        }
        Ok((Jwks { keys }, problems))
    }
}

/// What ssolint reads from an OIDC discovery document. `jwks_uri` is shown, never fetched.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub issuer: Option<String>,
    pub id_token_algs: Vec<String>,
    pub jwks_uri: Option<String>,
}

impl Discovery {
    pub fn parse(text: &str) -> Result<Discovery, DocError> {
        let v = json::parse(text).map_err(DocError::Json)?;
        let obj = v
            .as_object()
            .ok_or_else(|| DocError::Shape("a discovery document must be a JSON object".into()))?;
        let issuer = string_member(obj, "issuer");
        if issuer.is_none() {
            return Err(DocError::Shape(
                "no `issuer` member: not an OpenID Provider configuration".into(),
            ));
        }
        let id_token_algs = obj
            .get("id_token_signing_alg_values_supported")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Discovery {
            issuer,
            id_token_algs,
            jwks_uri: string_member(obj, "jwks_uri"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_jwk_and_sets() {
        let (set, problems) = Jwks::parse(r#"{"kty":"oct","k":"c2VjcmV0"}"#).unwrap();
        assert_eq!(set.keys.len(), 1);
        assert!(problems.is_empty());
        assert_eq!(set.keys[0].secret().unwrap(), b"secret");
        let (set, problems) = Jwks::parse(r#"{"keys":[{"kty":"RSA"},{"x":1}]}"#).unwrap();
        assert_eq!(set.keys.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(set.keys[0].public_key().is_err());
        assert!(Jwks::parse("[]").is_err());
        assert!(matches!(
            Jwks::parse(r#"{"keys":[],"keys":[]}"#),
            Err(DocError::Json(_))
        ));
    }

    #[test]
    fn ec_coordinates_must_have_the_curve_length() {
        let (set, _) = Jwks::parse(r#"{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}"#).unwrap();
        assert!(set.keys[0].public_key().unwrap_err().contains("32 bytes"));
    }
}
