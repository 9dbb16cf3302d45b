//! The workspace configuration: model, loading with spans, schema and patterns, and the
//! policy (severity overrides, suppressions, baselines) it applies to any report.

pub mod load;
pub mod model;
pub mod policy;
pub mod tree;

pub use load::{load, KeySpan, LoadedConfig};
pub use model::*;
pub use policy::apply_policy;
