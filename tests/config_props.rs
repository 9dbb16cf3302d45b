//! The configuration loader reads hostile text: whatever the bytes, it returns a
//! configuration with findings or a `Fatal`, and never panics; spans stay inside the text.

use proptest::prelude::*;
use ssolint::config::load::load_str;

const KEYS: &[&str] = &[
    "pattern = \"sso-scim\"\n",
    "[workspace]\n",
    "owners = [\"a@x.com\", 3]\n",
    "[[suppressions]]\n",
    "rule = \"config.sso-off\"\n",
    "[saml.groups]\n",
    "mappings = [{ group = \"G\" }, { role = 1 }]\n",
    "mode = \"sometimes\"\n",
    "[authentication]\n",
    "é = { x = [1, 2.5, true] }\n",
    "expires = 2027-03-31\n",
    "\"rules.x\" = \"off\"\n",
];

fn check(text: &str, ext: &str) {
    if let Ok(l) = load_str("p", text, ext) {
        for (path, s) in &l.spans {
            for span in [s.key, s.value].into_iter().flatten() {
                assert!(
                    span.end <= text.len(),
                    "{path}: {span:?} beyond {}",
                    text.len()
                );
            }
        }
        for f in &l.problems {
            let span = f.location.as_ref().and_then(|l| l.span).unwrap_or_default();
            assert!(span.end <= text.len());
        }
    }
}

proptest! {
    #[test]
    fn toml_fragments_never_panic(parts in proptest::collection::vec(0..KEYS.len(), 0..12)) {
        let text: String = parts.iter().map(|i| KEYS[*i]).collect();
        check(&text, "toml");
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        for ext in ["toml", "yaml", "json"] {
            check(&text, ext);
        }
    }

    #[test]
    fn json_and_yaml_shapes_never_panic(v in json_value()) {
        let text = v.to_string();
        check(&text, "json");
        check(&text, "yaml");
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|i| serde_json::json!(i)),
        "[a-z_. \"é]{0,8}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("workspace".to_string()),
                    Just("owners".to_string()),
                    Just("saml".to_string()),
                    Just("groups".to_string()),
                    Just("mappings".to_string()),
                    "[a-z_]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
