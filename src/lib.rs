//! ssolint: offline decoding, checking, linting and simulation of enterprise SSO setups.
//!
//! Data comes in through [`input`] (decoded once, each layer recorded), XML is parsed once
//! into the positioned tree of [`xml`], SAML/OIDC/SCIM views and checks read that one tree,
//! every problem becomes a [`findings::Finding`] of a rule declared once in [`rules`], and
//! [`report`] renders the findings in each output format. [`sim`] is a pure function from
//! (configuration, user) to an outcome.
// One FFI call (crypto::init) is the only unsafe code.
#![deny(unsafe_code)]
// Input decides every value here: no panicking accessors outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

/// Trees of many small nodes are built and dropped on every worker: mimalloc's per-thread
/// heaps make that cheaper than the system allocator. Built without transparent huge pages:
/// with them the resident memory of an aggregate lint grows by a third and the time spent
/// zeroing pages varies from run to run. The v2 line: v3 sets up larger arena bitmaps at
/// every start, which a one-message `check` pays for (about 0.1 ms, measured).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod error;
pub mod files;
pub mod findings;
pub mod input;
pub mod json;
pub mod lint;
pub mod oidc;
pub mod parallel;
pub mod redact;
pub mod report;
pub mod rules;
pub mod saml;
pub mod scim;
pub mod sim;
pub mod source;
pub mod text;
pub mod x509;
pub mod xml;
