//! `ssolint lint`, `init` and `schema` through the CLI: every problem of a broken
//! configuration at once with its line, the same findings from TOML, YAML and JSON, exit
//! codes 0/1/2, baselines, and starter files that lint clean but for what the admin fills in.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-06-01T00:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssolint"))
        .args(args)
        .args(["--now", NOW, "--color", "never"])
        .current_dir(dir)
        .output()
        .expect("run ssolint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout(o),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// (rule, element, suppressed?) of every finding, sorted.
fn shape(v: &Value) -> Vec<(String, String, bool)> {
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["location"]["element"].as_str().unwrap_or("").to_string(),
                !f["suppressed"].is_null(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_broken_configuration_shows_every_problem_at_its_line() {
    let o = run_in(&fixtures(), &["lint", "broken.toml", "--format", "human"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("broken_human", stdout(&o));
    let o = run_in(&fixtures(), &["lint", "broken.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    insta::assert_json_snapshot!("broken_json", v);
    assert_eq!(v["input"]["kind"], "config");
    // Each finding's line holds the key it names (or the table it belongs to).
    let text = std::fs::read_to_string(fixtures().join("broken.toml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for f in v["findings"].as_array().unwrap() {
        let line = f["location"]["line"].as_u64().unwrap() as usize;
        assert!(line >= 1 && line <= lines.len(), "{f}");
    }
}

#[test]
fn yaml_and_json_configurations_give_the_same_findings_as_toml() {
    let toml = json(&run_in(
        &fixtures(),
        &["lint", "broken.toml", "--format", "json"],
    ));
    for name in ["broken.yaml", "broken.json"] {
        let o = run_in(&fixtures(), &["lint", name, "--format", "json"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let v = json(&o);
        assert_eq!(shape(&v), shape(&toml), "{name}");
        // The locator finds keys on the right line for plain keys.
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for f in v["findings"].as_array().unwrap() {
            let element = f["location"]["element"].as_str().unwrap_or("");
            let last = element.rsplit('.').next().unwrap_or("");
            // Keys that are absent (a default applies) point at their table instead.
            let absent = matches!(
                f["rule"].as_str(),
                Some("config.attribute-mapping-incomplete" | "config.suppression-without-reason")
            );
            if last.is_empty() || last.contains(['[', '"']) || absent {
                continue;
            }
            let line = f["location"]["line"].as_u64().unwrap() as usize;
            let at = lines.get(line - 1).copied().unwrap_or("");
            assert!(
                at.contains(last),
                "{name}: {element} points at line {line}: {at:?}"
            );
        }
    }
}

#[test]
fn bad_values_are_findings_not_failures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ssolint.toml"),
        "[workspace]\nverified_domains = [\"acme.com\"]\nownerz = []\n\
         [saml.groups]\nfilter = \"([\"\n\
         [ip_allowlist]\ncidrs = [\"10.0.0.0/40\"]\n\
         [[suppressions]]\nrule = \"config.sso-off\"\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let rules: Vec<String> = shape(&json(&o)).into_iter().map(|s| s.0).collect();
    for id in [
        "config.unknown-key",
        "config.group-filter-invalid",
        "config.ip-allowlist-invalid",
        "config.suppression-without-reason",
        // The suppression did not apply.
        "config.sso-off",
    ] {
        assert!(rules.iter().any(|r| r == id), "{id} missing from {rules:?}");
    }
}

#[test]
fn unusable_configurations_exit_2_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["lint", "missing.toml", "--format", "human"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.toml"));

    std::fs::write(
        dir.path().join("bad.toml"),
        "[workspace]\nname = \"Acme\nowners = []\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["lint", "bad.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("bad.toml:2:"), "{err}");
    let v = json(&o);
    assert_eq!(v["verdict"], "error");

    std::fs::write(
        dir.path().join("dup.json"),
        "{\"pattern\": \"sso-scim\", \"pattern\": \"x\"}",
    )
    .unwrap();
    let o = run_in(dir.path(), &["lint", "dup.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["findings"][0]["rule"], "input.json-duplicate-key");
}

#[test]
fn baselines_accept_known_findings_and_fail_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = "[workspace]\nverified_domains = [\"acme.com\"]\nowners = [\"a@acme.com\"]\n\
               [authentication]\nmode = \"sso_enabled\"\nmfa = \"idp\"\n\
               [provisioning]\nscim = true\nscim_groups = [\"G\"]\n\
               [saml.attributes]\nemail = \"e\"\ngiven_name = \"g\"\nfamily_name = \"f\"\n\
               [saml.idp]\nentity_id = \"x\"\nsso_url = \"https://i\"\n";
    std::fs::write(dir.path().join("ssolint.toml"), cfg).unwrap();
    let o = run_in(
        dir.path(),
        &["lint", "--write-baseline", "base.json", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = run_in(
        dir.path(),
        &["lint", "--baseline", "base.json", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Lines move and a new problem appears: only the new one counts.
    std::fs::write(
        dir.path().join("ssolint.toml"),
        format!("# moved\n\n{cfg}[data_controls]\nthird_party_gpts = true\n[rules]\n\"config.third-party-gpts-enabled\" = \"error\"\n"),
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["lint", "--baseline", "base.json", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let active: Vec<_> = shape(&json(&o)).into_iter().filter(|s| !s.2).collect();
    assert_eq!(
        active,
        vec![(
            "config.third-party-gpts-enabled".to_string(),
            "data_controls.third_party_gpts".to_string(),
            false
        )]
    );
}

#[test]
fn schema_is_the_configuration_json_schema() {
    let o = run_in(&fixtures(), &["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for key in [
        "pattern",
        "workspace",
        "authentication",
        "saml",
        "suppressions",
        "rules",
    ] {
        assert!(v["properties"].get(key).is_some(), "{key} missing");
    }
    insta::assert_snapshot!("schema", stdout(&o));
}

#[test]
fn init_prints_a_starter_file_that_lints_clean_but_for_the_idp() {
    let o = run_in(&fixtures(), &["init", "--pattern", "sso-scim", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("init_sso_scim", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["init", "--pattern", "sso-manual-invites"]);
    assert_eq!(o.status.code(), Some(0));
    let again = run_in(dir.path(), &["init", "--pattern", "sso-manual-invites"]);
    assert_eq!(again.status.code(), Some(2), "overwrote without --force");
    let forced = run_in(dir.path(), &["init", "--pattern", "sso-scim", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    let o = run_in(dir.path(), &["lint", "--format", "json"]);
    let errors: Vec<String> = json(&o)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(errors, vec!["config.idp-incomplete"]);

    let bad = run_in(
        dir.path(),
        &["init", "--pattern", "sso-everything", "-o", "-"],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn init_fills_the_idp_from_its_metadata_and_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("okta-metadata.xml"),
        dir.path().join("okta-metadata.xml"),
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "init",
            "--pattern",
            "sso-scim",
            "--idp-metadata",
            "okta-metadata.xml",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("ssolint.toml")).unwrap();
    assert!(text.contains("metadata = \"okta-metadata.xml\""), "{text}");
    assert!(
        text.contains("entity_id = \"http://www.okta.com/exk1example\""),
        "{text}"
    );
    assert!(text.contains("vendor = \"okta\""), "{text}");
    let o = run_in(dir.path(), &["lint", "--format", "json"]);
    let v = json(&o);
    let errors: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn simulation_findings_point_at_the_directory_the_configuration_names() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sim/example");
    let config = std::fs::read_to_string(dir.join("ssolint.toml")).unwrap();
    let line = config
        .lines()
        .position(|l| l.trim_start().starts_with("directory"))
        .expect("the example names its directory")
        + 1;
    let named = json(&run_in(&dir, &["lint", "ssolint.toml", "--format", "json"]));
    let sim: Vec<&Value> = named["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("sim."))
        .collect();
    assert!(!sim.is_empty());
    for f in &sim {
        assert_eq!(f["location"]["line"], line, "{f}");
        assert_eq!(f["location"]["element"], "simulate.directory", "{f}");
    }
    // Given on the command line, the directory has no key to point at: the file itself.
    let given = json(&run_in(
        &dir,
        &[
            "lint",
            "ssolint.toml",
            "--users",
            "users.csv",
            "--format",
            "json",
        ],
    ));
    let given_sim: Vec<&Value> = given["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("sim."))
        .collect();
    assert_eq!(given_sim.len(), sim.len());
    assert!(given_sim.iter().all(|f| f["location"]["element"].is_null()));
}

/// A federation aggregate as `[saml.idp] metadata`: the configured IdP is looked up in it,
/// and the workspace's own entry says which ACS URLs the federation's IdPs post to. Small
/// and large aggregates (the latter read in blocks) give the same answer.
#[test]
fn an_aggregate_is_cross_checked_against_the_workspace_and_its_idp() {
    const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
    let idp = std::fs::read_to_string(fixtures().join("okta-metadata.xml")).unwrap();
    let idp = idp
        .trim_start_matches(|c| c != '<')
        .replace(&format!(" xmlns:md=\"{MD}\""), "");
    let sp = |acs: &str| {
        format!(
            "<md:EntityDescriptor entityID=\"https://sp.example.test/saml/metadata\"><md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{acs}\" index=\"0\"/></md:SPSSODescriptor></md:EntityDescriptor>\n"
        )
    };
    let filler = |n: usize| -> String {
        (0..n)
            .map(|i| format!("<md:EntityDescriptor entityID=\"https://sp{i}.example.org/sp\"><md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://sp{i}.example.org/acs\" index=\"0\"/></md:SPSSODescriptor></md:EntityDescriptor>\n"))
            .collect()
    };
    let config = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/rules/config.acs-url-invalid/near-miss.toml"),
    )
    .unwrap()
    .replace(
        "certificates = [\"idp-signing.pem\"]",
        "metadata = \"federation.xml\"",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ssolint.toml"), &config).unwrap();
    let rules_of = |entities: &str| -> Vec<(String, String)> {
        std::fs::write(
            dir.path().join("federation.xml"),
            format!("<md:EntitiesDescriptor xmlns:md=\"{MD}\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n{entities}</md:EntitiesDescriptor>\n"),
        )
        .unwrap();
        let v = json(&run_in(dir.path(), &["lint", "--format", "json"]));
        let mut found: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                matches!(
                    f["rule"].as_str(),
                    Some("config.acs-url-invalid" | "config.entity-id-mismatch")
                )
            })
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    for filler_entities in [1, 3000] {
        let before = filler(filler_entities);
        let good = format!("{before}{idp}{}", sp("https://sp.example.test/saml/acs"));
        assert_eq!(rules_of(&good), vec![], "{filler_entities} entities");
        let moved = format!("{before}{idp}{}", sp("https://sp.example.test/saml/acs2"));
        let found = rules_of(&moved);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "config.acs-url-invalid");
        assert!(
            found[0].1.contains("\"https://sp.example.test/saml/acs2\""),
            "{found:?}"
        );
        let no_idp = format!("{before}{}", sp("https://sp.example.test/saml/acs"));
        let found = rules_of(&no_idp);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "config.entity-id-mismatch");
        assert!(found[0].1.contains("no IdP entity"), "{found:?}");
        // Without the workspace's entry there is nothing to compare the ACS URL with.
        assert_eq!(rules_of(&format!("{before}{idp}")), vec![]);
    }
}
