//! Every crash the fuzz targets found (docs/fuzzing.md), kept as a test named after what it
//! was. Inputs are written out here rather than stored as artifacts.

use ssolint::xml::Document;

/// `verify` target: a document starting with a UTF-8 byte order mark. quick-xml skips the BOM
/// without an event, so the first tag's span started at 0 and slicing the start tag cut into
/// the BOM (`start byte index 1 is not a char boundary`, src/xml/tree.rs parse_start_tag).
#[test]
fn xml_tree_byte_order_mark_before_the_root() {
    for text in [
        "\u{feff}<a/>",
        "\u{feff}<a x=\"1\"><b/></a>",
        "\u{feff}<?xml version=\"1.0\"?><a/>",
        "\u{feff}<!-- c --><a/>",
    ] {
        let doc = Document::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        let root = doc.span(doc.root);
        assert!(
            text[root.start..root.end].starts_with("<a"),
            "{text:?}: root span {root:?}"
        );
    }
    assert!(Document::parse("\u{feff}").is_err());
}

/// `config_load` target: the YAML `- ?` (a sequence holding a map with an empty, null key).
/// Locating the empty key searched for "" and never advanced, so loading hung.
#[test]
fn config_yaml_empty_key_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    for text in ["- ?", "? \n", "workspace:\n  ? \n", "\"\": 1\n"] {
        let path = dir.path().join("ssolint.yaml");
        std::fs::write(&path, text).unwrap();
        // Loaded or refused, but it returns.
        let _ = ssolint::config::load(&path);
    }
}
