//! The workspace configuration: model, loading with spans, schema and patterns.

pub mod model;

pub use model::*;
