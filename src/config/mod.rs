//! The workspace configuration: model, loading with spans, schema and patterns.

pub mod load;
pub mod model;

pub use load::{load, LoadedConfig};
pub use model::*;
