//! XML: the one positioned tree, and canonicalisation over it.

pub mod c14n;
pub mod tree;

pub use tree::{
    Attribute, Document, Element, Limits, NodeId, NodeKind, QName, XmlError, XmlErrorKind,
};
