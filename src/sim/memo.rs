//! Memoised rendering of the per-user JSON. The model is a pure function of the
//! configuration, the readings and a few user fields, and which fields it reads depends on
//! the values of those read before (a removed user's methods are never looked at; under
//! enforced SSO a verified-domain user's password does not matter). So each thread keeps,
//! per e-mail domain, a decision tree learnt from the evaluations it made: a node names the
//! next field the model read, its branches the values seen ([`read_code`]), and a leaf the
//! outcome and the JSON after the e-mail. A user who follows a path to a leaf is evaluated
//! exactly as the user who made it, so the leaf is reused. Users whose trace quotes an
//! e-mail (an IdP asserting another one), whose e-mail has no `@` (which `--redact` could
//! find inside other texts) or, under `--redact`, whose IdP asserts another e-mail are
//! rendered directly, and so are users past the size limits.

use super::assume::Assumptions;
use super::directory::{DirectoryUser, Field, IdpEmail};
use super::model::{read_code, Outcome, ReadLog, Step};
use super::render;
use crate::config::Config;
use std::sync::Arc;

/// Distinct domains remembered; users on further domains are evaluated directly.
const MAX_DOMAINS: usize = 256;
/// Tree nodes per thread (a directory of a million users needs a few thousand).
const MAX_NODES: usize = 1 << 16;
/// Bytes of rendered JSON kept per thread.
const MAX_JSON_BYTES: usize = 8 << 20;

/// A branch: nothing learnt yet, a node, or a leaf.
const EMPTY: u32 = u32::MAX;
const LEAF: u32 = 1 << 31;
/// Branches per node: the most codes a field has (the social set: unknown and 8 subsets).
const BRANCHES: usize = 9;

struct Node {
    field: Field,
    next: [u32; BRANCHES],
}

struct Leaf {
    outcome: Outcome,
    /// The user's JSON object after its `"email"` member (from the `,` on).
    tail: Arc<[u8]>,
}

/// The rest of a user's JSON object, as a leaf keeps it.
pub struct Tail<'m> {
    /// The leaf's number in this memo (the same number, the same bytes).
    pub leaf: usize,
    pub bytes: &'m Arc<[u8]>,
}

/// Where a branch is kept: a domain's root or a node's branch for one code.
#[derive(Clone, Copy)]
enum Slot {
    Root(usize),
    Branch(usize, u8),
}

/// One thread's memo for one configuration and one set of readings.
#[derive(Default)]
pub struct Memo {
    /// Each domain with the root of its tree.
    domains: Vec<(Box<str>, u32)>,
    nodes: Vec<Node>,
    leaves: Vec<Leaf>,
    /// Bytes of all tails.
    json_bytes: usize,
    log: ReadLog,
    trace: Vec<Step>,
    scratch: Vec<u8>,
    head: Vec<u8>,
}

impl Memo {
    /// The index of `u`'s domain, learning it when there is room.
    fn domain(&mut self, u: &DirectoryUser) -> Option<usize> {
        let at = memchr::memrchr(b'@', u.email.as_bytes())?;
        let domain = u.email.get(at + 1..)?;
        if let Some(i) = self.domains.iter().position(|(d, _)| **d == *domain) {
            return Some(i);
        }
        if self.domains.len() >= MAX_DOMAINS {
            return None;
        }
        self.domains.push((domain.into(), EMPTY));
        Some(self.domains.len() - 1)
    }

    fn get(&self, slot: Slot) -> u32 {
        match slot {
            Slot::Root(d) => self.domains.get(d).map_or(EMPTY, |(_, root)| *root),
            Slot::Branch(n, code) => self
                .nodes
                .get(n)
                .and_then(|node| node.next.get(usize::from(code)))
                .copied()
                .unwrap_or(EMPTY),
        }
    }

    fn set(&mut self, slot: Slot, value: u32) {
        let place = match slot {
            Slot::Root(d) => self.domains.get_mut(d).map(|(_, root)| root),
            Slot::Branch(n, code) => self
                .nodes
                .get_mut(n)
                .and_then(|node| node.next.get_mut(usize::from(code))),
        };
        if let Some(place) = place {
            *place = value;
        }
    }

    /// The leaf `u` reaches from its domain's root, if the tree has learnt one.
    fn find(&self, cfg: &Config, u: &DirectoryUser, domain: usize) -> Option<(usize, &Leaf)> {
        let mut at = self.get(Slot::Root(domain));
        while at != EMPTY {
            if at & LEAF != 0 {
                let i = (at & !LEAF) as usize;
                return self.leaves.get(i).map(|leaf| (i, leaf));
            }
            let node = self.nodes.get(at as usize)?;
            at = *node.next.get(usize::from(read_code(cfg, u, node.field)))?;
        }
        None
    }

    /// Learn the path `fields` (the reads of one evaluation) under `domain`, ending in `leaf`.
    /// The nodes already on the path name the same fields in the same order (the model is
    /// deterministic); should they not, nothing is learnt.
    fn learn(&mut self, domain: usize, fields: &[(Field, u8)], leaf: Leaf) {
        let mut slot = Slot::Root(domain);
        let mut rest = fields;
        loop {
            let at = self.get(slot);
            if at == EMPTY {
                break;
            }
            let (Some(node), Some(&(field, code))) = (self.nodes.get(at as usize), rest.first())
            else {
                return;
            };
            if at & LEAF != 0 || node.field != field {
                return;
            }
            slot = Slot::Branch(at as usize, code);
            rest = rest.get(1..).unwrap_or_default();
        }
        if self.nodes.len() + rest.len() > MAX_NODES || self.leaves.len() as u32 >= LEAF {
            return;
        }
        if rest.iter().any(|&(_, code)| usize::from(code) >= BRANCHES) {
            return;
        }
        for &(field, code) in rest {
            let n = self.nodes.len();
            self.nodes.push(Node {
                field,
                next: [EMPTY; BRANCHES],
            });
            self.set(slot, n as u32);
            slot = Slot::Branch(n, code);
        }
        self.set(slot, LEAF | self.leaves.len() as u32);
        self.leaves.push(leaf);
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
        let (outcome, tail) = self.user_json_head(cfg, asm, u, redact, out)?;
        if let Some(tail) = tail {
            out.extend_from_slice(tail.bytes);
        }
        Ok(outcome)
    }

    /// [`Memo::user_json`], except that a user who reaches a leaf gets only the start of the
    /// object (up to the e-mail) appended; the rest is the returned tail, to be written
    /// after it without copying.
    pub fn user_json_head(
        &mut self,
        cfg: &Config,
        asm: &Assumptions,
        u: &DirectoryUser,
        redact: bool,
        out: &mut Vec<u8>,
    ) -> Result<(Outcome, Option<Tail<'_>>), serde_json::Error> {
        let i = match self.user_json_or_leaf(cfg, asm, u, redact, out)? {
            Ok(outcome) => return Ok((outcome, None)),
            Err(i) => i,
        };
        match self.leaves.get(i) {
            Some(leaf) => {
                out.extend_from_slice(b"{\"email\":");
                render::write_json_str(out, &render::shown_email(&u.email, redact));
                let tail = Tail {
                    leaf: i,
                    bytes: &leaf.tail,
                };
                Ok((leaf.outcome, Some(tail)))
            }
            // `find` only names leaves it has.
            None => render::user_json(cfg, asm, u, redact, &mut Vec::new(), out).map(|o| (o, None)),
        }
    }

    /// `Ok(outcome)` when `u` was written whole, `Err(leaf)` when it reaches that leaf (and
    /// nothing was written).
    fn user_json_or_leaf(
        &mut self,
        cfg: &Config,
        asm: &Assumptions,
        u: &DirectoryUser,
        redact: bool,
        out: &mut Vec<u8>,
    ) -> Result<Result<Outcome, usize>, serde_json::Error> {
        // `--redact` replaces an asserted e-mail wherever a trace text holds it.
        let asserted = matches!(u.idp_email, Some(IdpEmail::Other(_)));
        let domain = match self.domain(u) {
            Some(d) if !(redact && asserted) => d,
            _ => return render::user_json(cfg, asm, u, redact, &mut self.trace, out).map(Ok),
        };
        if let Some((i, _)) = self.find(cfg, u, domain) {
            return Ok(Err(i));
        }
        // Render whole, noting the fields read, then keep what follows the e-mail.
        self.scratch.clear();
        self.log.clear();
        let outcome = render::user_json_noting(
            cfg,
            asm,
            u,
            redact,
            &mut self.trace,
            Some(&self.log),
            &mut self.scratch,
        )?;
        out.extend_from_slice(&self.scratch);
        let Some(fields) = self.log.fields() else {
            return Ok(Ok(outcome));
        };
        self.head.clear();
        self.head.extend_from_slice(b"{\"email\":");
        render::write_json_str(&mut self.head, &render::shown_email(&u.email, redact));
        if let Some(tail) = self.scratch.strip_prefix(self.head.as_slice()) {
            if self.json_bytes + tail.len() <= MAX_JSON_BYTES {
                self.json_bytes += tail.len();
                let leaf = Leaf {
                    outcome,
                    tail: tail.into(),
                };
                self.learn(domain, &fields, leaf);
            }
        }
        Ok(Ok(outcome))
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
        // a and b share a leaf; c (another IdP e-mail) and d (no `@`) are not memoised.
        assert_eq!(memo.leaves.len(), 1);
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
