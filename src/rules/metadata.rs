//! `metadata.*` rules.

#[allow(unused_imports)]
use super::{Control, Rule, Severity, Vendor};

pub static RULES: &[&Rule] = &[];
