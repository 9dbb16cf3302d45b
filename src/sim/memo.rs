//! Memoised rendering of the per-user JSON. The model is a pure function of the
//! configuration, the readings and a handful of user fields, and a directory repeats the same
//! combinations of those fields across thousands of users; so each combination is evaluated
//! and its JSON rendered once per thread, and reused for the users after it. [`InputKey`]
//! holds exactly what the model reads. Users whose trace would embed their own e-mail (an IdP
//! asserting another e-mail, or an e-mail without `@`, which `--redact` could find inside
//! other texts) are rendered directly, and so are users past the memo's size limits.

use super::assume::Assumptions;
use super::directory::{DirectoryUser, IdpEmail};
use super::model::{in_synced_group, Outcome, Step};
use super::render;
use crate::config::Config;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Distinct domains remembered; users on further domains are evaluated directly.
const MAX_DOMAINS: usize = 256;
/// Distinct inputs remembered (bounds memory to a few MiB of rendered JSON).
const MAX_ENTRIES: usize = 8192;

/// Every user field the model reads, packed into one integer: the domain as an index into
/// [`Memo::domains`], each optional value as 0 (unknown) or 1 + its variant index. The groups
/// matter only as "in a synced group or not", the IdP e-mail only as "the same".
type InputKey = u64;

/// Packs optional values into an [`InputKey`], a fixed number of bits each.
struct Packer(u64);

impl Packer {
    fn put(&mut self, bits: u32, value: Option<u32>) {
        self.0 = (self.0 << bits) | value.map_or(0, |v| u64::from(v) + 1);
    }
}

fn index<T: super::set::Bit>(v: Option<T>) -> Option<u32> {
    v.map(T::index)
}

/// The keys are small distinct integers: one multiply spreads them over the table.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        let h = (self.0 ^ k).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

struct Entry {
    outcome: Outcome,
    /// The user's JSON object after its `"email"` member (from the `,` on).
    json_tail: Box<[u8]>,
}

/// One thread's memo for one configuration and one set of readings.
#[derive(Default)]
pub struct Memo {
    domains: Vec<Box<str>>,
    entries: HashMap<InputKey, Entry, BuildHasherDefault<KeyHasher>>,
    trace: Vec<Step>,
    scratch: Vec<u8>,
    head: Vec<u8>,
}

impl Memo {
    fn key(&mut self, cfg: &Config, u: &DirectoryUser) -> Option<InputKey> {
        let idp_email_same = match u.idp_email {
            None => None,
            Some(IdpEmail::SameAsEmail) => Some(true),
            Some(IdpEmail::Other(_)) => return None,
        };
        let at = memchr::memrchr(b'@', u.email.as_bytes())?;
        let domain = u.email.get(at + 1..)?;
        let domain = match self.domains.iter().position(|d| **d == *domain) {
            Some(i) => i,
            None if self.domains.len() < MAX_DOMAINS => {
                self.domains.push(domain.into());
                self.domains.len() - 1
            }
            None => return None,
        };
        let mut k = Packer(u64::try_from(domain).ok()?);
        k.put(3, index(u.workspace_state));
        k.put(
            2,
            u.groups
                .as_deref()
                .map(|g| u32::from(in_synced_group(cfg, g))),
        );
        k.put(2, index(u.invite_source));
        k.put(2, index(u.personal_account));
        k.put(2, u.has_password.map(u32::from));
        k.put(4, u.social.map(|s| s.bits()));
        k.put(3, index(u.idp_status));
        k.put(2, u.idp_assigned.map(u32::from));
        k.put(2, idp_email_same.map(u32::from));
        Some(k.0)
    }

    /// Append `u`'s JSON object to `out` as [`render::user_json`] writes it; the outcome.
    pub fn user_json(
        &mut self,
        cfg: &Config,
        asm: &Assumptions,
        u: &DirectoryUser,
        redact: bool,
        out: &mut Vec<u8>,
    ) -> Result<Outcome, serde_json::Error> {
        let Some(key) = self.key(cfg, u) else {
            return render::user_json(cfg, asm, u, redact, &mut self.trace, out);
        };
        if let Some(e) = self.entries.get(&key) {
            out.extend_from_slice(b"{\"email\":");
            render::write_json_str(out, &render::shown_email(&u.email, redact));
            out.extend_from_slice(&e.json_tail);
            return Ok(e.outcome);
        }
        // Render whole, then keep what follows the e-mail for the users to come.
        self.scratch.clear();
        let outcome = render::user_json(cfg, asm, u, redact, &mut self.trace, &mut self.scratch)?;
        out.extend_from_slice(&self.scratch);
        self.head.clear();
        self.head.extend_from_slice(b"{\"email\":");
        render::write_json_str(&mut self.head, &render::shown_email(&u.email, redact));
        let tail = self.scratch.strip_prefix(self.head.as_slice());
        if let Some(tail) = tail {
            if self.entries.len() < MAX_ENTRIES {
                self.entries.insert(
                    key,
                    Entry {
                        outcome,
                        json_tail: tail.into(),
                    },
                );
            }
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::directory::DirectoryReader;

    fn config() -> Config {
        toml::from_str(
            "[workspace]\nverified_domains = [\"acme.com\"]\n[provisioning]\nscim = true\nscim_groups = [\"G\"]\n[authentication]\nmode = \"sso_enforced\"\n",
        )
        .unwrap()
    }

    #[test]
    fn repeated_inputs_reuse_one_entry_and_render_the_same() {
        let text = "email,groups,workspace_state,idp_email\na@acme.com,G,member,\nb@acme.com,G,member,\nc@acme.com,G,member,x@acme.com\nd,G,member,\n";
        let users: Vec<DirectoryUser> = DirectoryReader::from_reader(
            "u.csv",
            Box::new(std::io::Cursor::new(text.to_string())),
            false,
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
        let cfg = config();
        let asm = Assumptions::default();
        let mut memo = Memo::default();
        for redact in [false, true] {
            for u in &users {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let oa = memo.user_json(&cfg, &asm, u, redact, &mut a).unwrap();
                let ob = render::user_json(&cfg, &asm, u, redact, &mut Vec::new(), &mut b).unwrap();
                assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
                assert_eq!(oa, ob);
            }
        }
        // a and b share an entry; c (another IdP e-mail) and d (no `@`) are not memoised.
        assert_eq!(memo.entries.len(), 1);
    }

    #[test]
    fn json_strings_match_serde() {
        for s in [
            "a@b.c",
            "a\"b@c",
            "tab\t@x",
            "ü@ß.de",
            "back\\slash",
            "\u{7f}@x",
        ] {
            let mut out = Vec::new();
            render::write_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap());
        }
    }
}
