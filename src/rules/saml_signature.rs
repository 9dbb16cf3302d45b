//! `saml.*` rules about XML signatures, trust and wrapping.

#[allow(unused_imports)]
use super::{Control, Rule, Severity, Vendor};

pub static RULES: &[&Rule] = &[];
