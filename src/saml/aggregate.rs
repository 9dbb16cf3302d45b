//! Federation aggregates (an EntitiesDescriptor of thousands of entities) read a block of
//! entities at a time, so linting and verifying one holds its text once plus a few small
//! trees.
//!
//! The root's content is cut where child elements start ([`RootLayout`]); the head (everything up to
//! the end of the root's first child element, normally its `ds:Signature`, and what follows
//! the root) is one tree, and every later block is parsed on its own by the one parser,
//! under a copy of the root's start tag, by `SSOLINT_THREADS` workers. The enveloped
//! signature's digest is computed from the canonical form of each block's part of the root,
//! hashed in document order: the same bytes [`c14n::canonicalize`] gives for the whole tree.
//! Whatever this cannot decide from the parts (a block that does not parse, the referenced
//! ID carried by another element) is reported to the caller, which reads the whole document.

use super::dsig::DigestJob;
use super::ns;
use crate::source::Span;
use crate::xml::c14n;
use crate::xml::tree::{Limits, RootLayout};
use crate::xml::{Document, XmlError};
use openssl::hash::Hasher;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

/// Content bytes per block.
const BLOCK: usize = 256 * 1024;
/// Blocks a worker may run ahead of the one being merged (bounds the memory held).
const WINDOW: usize = 8;

/// An aggregate opened for reading in blocks.
pub struct Aggregate<'t> {
    /// The prolog, the root with its content up to the end of its first child element, and
    /// what follows the root.
    pub head: Document,
    parts: Parts<'t>,
}

/// What the workers share (a tree is not `Sync`; each worker builds its own).
struct Parts<'t> {
    text: &'t str,
    layout: RootLayout,
    blocks: Vec<Span>,
    limits: Limits,
    /// Canonical-form buffers already hashed, for the next blocks.
    spare_canonical: Mutex<Vec<Vec<u8>>>,
}

/// The digest to compute while reading: the Reference's job (its target is the root) and
/// the ID it references, which no element of the blocks may carry as well.
pub struct DigestRequest<'a> {
    pub job: &'a DigestJob<'a>,
    pub id: &'a str,
}

/// What reading the blocks found besides the caller's results.
pub struct Pass {
    /// The digest of the root's canonical form, when one was requested.
    pub digest: Option<Vec<u8>>,
    /// Elements of the blocks carrying the referenced ID.
    pub id_elsewhere: usize,
    /// `ds:Signature` children of the root in the blocks.
    pub signatures_elsewhere: usize,
}

/// Why the blocks could not be read: the caller reads the whole document instead.
#[derive(Debug)]
pub enum Unstreamable {
    Xml(XmlError),
    /// The parts together hold more nodes than the whole-document limit allows.
    TooManyNodes,
    Digest,
}

struct BlockOut<R> {
    result: R,
    canonical: Vec<u8>,
    content: std::ops::Range<usize>,
    ids: usize,
    signatures: usize,
    nodes: usize,
}

impl<'t> Aggregate<'t> {
    /// `None` when the document is not an EntitiesDescriptor whose head parses.
    pub fn open(text: &'t str) -> Option<Aggregate<'t>> {
        let limits = Limits::default();
        let layout = RootLayout::scan(text)?;
        let head_end = layout
            .first_child
            .map_or(layout.root_end_tag.start, |c| c.end);
        let head_content = Span::new(layout.root_start_tag.end, head_end);
        let head = Document::parse_root_part(text, &layout, head_content, true, limits).ok()?;
        if !head.is_named(head.root, ns::MD, "EntitiesDescriptor") {
            return None;
        }
        let blocks = layout.blocks(text, head_end, BLOCK);
        Some(Aggregate {
            head,
            parts: Parts {
                text,
                layout,
                blocks,
                limits,
                spare_canonical: Mutex::new(Vec::new()),
            },
        })
    }

    /// Parse every block after the head, call `work` on each block's tree and hand the
    /// results to `sink` in document order; with `digest`, hash the root's canonical form.
    pub fn read<R: Send>(
        &self,
        digest: Option<DigestRequest>,
        work: &(dyn Fn(&Document) -> R + Sync),
        sink: &mut dyn FnMut(R),
    ) -> Result<Pass, Unstreamable> {
        let mut hasher = None;
        let mut head_tail = Vec::new();
        let mut method = None;
        if let Some(d) = &digest {
            if d.job.target != self.head.root {
                return Err(Unstreamable::Digest);
            }
            let mut h = Hasher::new(d.job.md).map_err(|_| Unstreamable::Digest)?;
            let mut bytes = Vec::new();
            let content = c14n::canonicalize_into(
                &self.head,
                self.head.root,
                d.job.exclude,
                d.job.method,
                &mut bytes,
            );
            h.update(bytes.get(..content.end).unwrap_or_default())
                .map_err(|_| Unstreamable::Digest)?;
            head_tail = bytes.get(content.end..).unwrap_or_default().to_vec();
            hasher = Some(h);
            method = Some(d.job.method);
        }
        let id = digest.as_ref().map(|d| d.id);
        let mut nodes = self.head.len();
        let mut id_elsewhere = 0;
        let mut signatures_elsewhere = 0;
        let mut merge = |out: BlockOut<R>| -> Result<(), Unstreamable> {
            if let Some(h) = &mut hasher {
                h.update(out.canonical.get(out.content).unwrap_or_default())
                    .map_err(|_| Unstreamable::Digest)?;
            }
            self.parts.recycle(out.canonical);
            nodes += out.nodes;
            id_elsewhere += out.ids;
            signatures_elsewhere += out.signatures;
            if nodes > self.parts.limits.max_nodes {
                return Err(Unstreamable::TooManyNodes);
            }
            sink(out.result);
            Ok(())
        };
        let parts = &self.parts;
        let block = |i: usize| parts.block(i, method, id, work);
        let workers = crate::parallel::workers();
        if workers <= 1 || parts.blocks.len() < 2 {
            for i in 0..parts.blocks.len() {
                merge(block(i)?)?;
            }
        } else {
            parts.parallel(workers, &block, &mut merge)?;
        }
        let digest = match hasher {
            Some(mut h) => {
                h.update(&head_tail).map_err(|_| Unstreamable::Digest)?;
                Some(h.finish().map_err(|_| Unstreamable::Digest)?.to_vec())
            }
            None => None,
        };
        Ok(Pass {
            digest,
            id_elsewhere,
            signatures_elsewhere,
        })
    }
}

impl Parts<'_> {
    /// Keep a hashed block's buffer for a later block (as many as can be in flight).
    fn recycle(&self, mut canonical: Vec<u8>) {
        if canonical.capacity() == 0 {
            return;
        }
        canonical.clear();
        if let Ok(mut spare) = self.spare_canonical.lock() {
            if spare.len() < WINDOW {
                spare.push(canonical);
            }
        }
    }

    fn parallel<R: Send>(
        &self,
        workers: usize,
        block: &(dyn Fn(usize) -> Result<BlockOut<R>, Unstreamable> + Sync),
        merge: &mut dyn FnMut(BlockOut<R>) -> Result<(), Unstreamable>,
    ) -> Result<(), Unstreamable> {
        let count = self.blocks.len();
        let next = AtomicUsize::new(0);
        let merged = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (tx, rx) = mpsc::sync_channel(workers * 2);
        std::thread::scope(|s| {
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, merged, stop) = (&next, &merged, &stop);
                s.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    while i >= merged.load(Ordering::Acquire) + WINDOW {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_micros(100));
                    }
                    if stop.load(Ordering::Relaxed) || tx.send((i, block(i))).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            let mut want = 0;
            let result = (|| {
                for (i, out) in rx.iter() {
                    pending.insert(i, out);
                    while let Some(out) = pending.remove(&want) {
                        merge(out?)?;
                        want += 1;
                        merged.store(want, Ordering::Release);
                    }
                }
                Ok(())
            })();
            // A worker waiting to send, or to run ahead, stops before the scope joins it.
            stop.store(true, Ordering::Relaxed);
            drop(rx);
            result
        })
    }

    fn block<R>(
        &self,
        i: usize,
        method: Option<&c14n::Method>,
        id: Option<&str>,
        work: &(dyn Fn(&Document) -> R + Sync),
    ) -> Result<BlockOut<R>, Unstreamable> {
        let span = self.blocks.get(i).copied().unwrap_or(Span::new(
            self.layout.root_end_tag.start,
            self.layout.root_end_tag.start,
        ));
        let doc = Document::parse_root_part(self.text, &self.layout, span, false, self.limits)
            .map_err(Unstreamable::Xml)?;
        // The canonical form is about as long as the text: room for it up front, no regrowth.
        let mut canonical = Vec::new();
        if method.is_some() {
            if let Ok(mut spare) = self.spare_canonical.lock() {
                canonical = spare.pop().unwrap_or_default();
            }
            canonical.reserve(span.len() + span.len() / 8);
        }
        let content = match method {
            Some(m) => c14n::canonicalize_into(&doc, doc.root, None, m, &mut canonical),
            None => 0..0,
        };
        let ids = match id {
            // The block's copy of the root is the head's root.
            Some(id) => doc
                .ids()
                .filter(|n| *n != doc.root && doc.id_attr(*n).is_some_and(|a| a.value == id))
                .count(),
            None => 0,
        };
        Ok(BlockOut {
            result: work(&doc),
            canonical,
            content,
            ids,
            signatures: doc.children_named(doc.root, ns::DS, "Signature").count(),
            // The root is counted once, in the head.
            nodes: doc.len().saturating_sub(1),
        })
    }
}
