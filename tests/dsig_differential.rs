//! Differential test against an independent verifier, `xmlsec1 --verify` (libxmlsec1):
//! on every fixture, on the external corpus rows with a certificate file, and on proptest
//! mutations of signed responses, both must reach the same verdict on the first signature
//! of the document (the one xmlsec1 checks).
//!
//! Where xmlsec1 accepts what ssolint refuses on purpose, the case is named: a Reference
//! that is not the signature's enveloping element (XSW shapes), an unsupported transform
//! (XPath), or a duplicated ID. Skipped with a message when xmlsec1 is not installed.

use proptest::prelude::*;
use ssolint::saml::dsig::{verify_one, Problem};
use ssolint::saml::signature;
use ssolint::x509::Certificate;
use ssolint::xml::Document;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dsig")
}

fn xmlsec_present() -> bool {
    let ok = Command::new("xmlsec1").arg("--version").output().is_ok();
    if !ok {
        eprintln!("xmlsec1 is not installed: skipping the signature differential test");
    }
    ok
}

/// xmlsec1's verdict on the first signature of `xml`, trusting only `cert_pem`.
fn xmlsec_verifies(xml: &str, cert_pem: &Path) -> bool {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(xml.as_bytes()).unwrap();
    let out = Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem"])
        .arg(cert_pem)
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
            "--enabled-reference-uris",
            "empty,same-doc",
        ])
        .arg(f.path())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    out.status.success() && text.lines().any(|l| l.trim() == "OK")
}

#[derive(Debug, PartialEq)]
enum Ours {
    Valid,
    /// Valid, with a KeyInfo certificate that does not parse (KeyInfo is never used for
    /// trust; xmlsec1 tries to load it and fails).
    ValidKeyInfoUnreadable,
    Invalid,
    /// Refused on purpose although the cryptography verifies.
    Refused(&'static str),
}

fn ours(xml: &str, cert: &Certificate) -> Option<Ours> {
    let doc = Document::parse(xml).ok()?;
    let first = *signature::find_all(&doc).first()?;
    let check = verify_one(&doc, first, &[cert.public_key().ok()]);
    if check.trusted() {
        let unreadable = check
            .info
            .key_info_certs
            .iter()
            .any(|c| ssolint::saml::dsig::embedded_certificate(&c.value).is_none());
        return Some(if unreadable {
            Ours::ValidKeyInfoUnreadable
        } else {
            Ours::Valid
        });
    }
    for p in &check.problems {
        let name = match p {
            Problem::ReferenceInvalid(_) => "reference is not the enveloping element",
            Problem::TransformUnsupported(_) => "unsupported transform",
            Problem::DuplicateId(_) => "duplicate ID",
            _ => continue,
        };
        return Some(Ours::Refused(name));
    }
    Some(Ours::Invalid)
}

fn cert(name: &str) -> Certificate {
    let bytes = std::fs::read(dir().join("keys").join(name)).unwrap();
    Certificate::from_file_bytes(&bytes).unwrap().remove(0)
}

fn cert_for(file: &str) -> &'static str {
    match file {
        f if f.starts_with("ecdsa-p256") => "p-256.pem",
        f if f.starts_with("ecdsa-p384") => "p-384.pem",
        f if f.starts_with("ecdsa-p521") => "p-521.pem",
        "weak-key.xml" => "weak.pem",
        "expired-cert.xml" => "expired.pem",
        "future-cert.xml" => "future.pem",
        _ => "idp.pem",
    }
}

/// Compare; return a description of any disagreement that is not a named refusal.
fn compare(
    label: &str,
    xml: &str,
    cert_name: &Path,
    cert: &Certificate,
    refusals: &mut Vec<String>,
) -> Option<String> {
    let o = ours(xml, cert)?;
    let theirs = xmlsec_verifies(xml, cert_name);
    match (&o, theirs) {
        (Ours::Valid, true) | (Ours::Invalid, false) => None,
        (Ours::Refused(why), true) => {
            refusals.push(format!("{label}: xmlsec1 accepts, ssolint refuses ({why})"));
            None
        }
        (Ours::Refused(_), false) => None,
        (Ours::ValidKeyInfoUnreadable, false) => {
            refusals.push(format!("{label}: xmlsec1 refuses an unreadable KeyInfo certificate that ssolint never uses"));
            None
        }
        _ => Some(format!("{label}: ours {o:?}, xmlsec1 {theirs}")),
    }
}

#[test]
fn fixtures_agree_with_xmlsec() {
    if !xmlsec_present() {
        return;
    }
    let mut refusals = Vec::new();
    let mut failures = Vec::new();
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir().join("responses"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let xml = std::fs::read_to_string(&path).unwrap();
        let c = cert_for(&file);
        let cert_path = dir().join("keys").join(c);
        if let Some(f) = compare(&file, &xml, &cert_path, &cert(c), &mut refusals) {
            failures.push(f);
        }
        n += 1;
    }
    for r in &refusals {
        println!("{r}");
    }
    // The deliberate refusals are exactly these.
    let mut named: Vec<&str> = refusals
        .iter()
        .map(|r| r.split(':').next().unwrap())
        .collect();
    named.sort();
    assert_eq!(
        named,
        ["reference-elsewhere.xml", "xpath-transform.xml", "xsw5.xml"],
        "{refusals:#?}"
    );
    assert!(
        failures.is_empty(),
        "{n} fixtures; disagreements:\n{}",
        failures.join("\n")
    );
}

#[test]
fn corpus_rows_with_a_certificate_file_agree_with_xmlsec() {
    if !xmlsec_present() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/saml");
    let Ok(manifest) = std::fs::read_to_string(root.join("MANIFEST.tsv")) else {
        eprintln!("corpus not found at {}: skipping", root.display());
        return;
    };
    let mut refusals = Vec::new();
    let mut failures = Vec::new();
    let mut compared = 0;
    for line in manifest.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(settings)) = (c.first(), c.get(6)) else {
            continue;
        };
        let Some(cert_rel) = settings
            .split(|ch: char| ch.is_whitespace() || ch == ';' || ch == '(' || ch == ')')
            .find_map(|w| w.strip_prefix("idp_cert=").or(w.strip_prefix("cert=")))
        else {
            continue;
        };
        let folder = root.join(file.split('/').next().unwrap());
        let Ok(bytes) = std::fs::read(folder.join(cert_rel)) else {
            continue;
        };
        let Ok(mut certs) = Certificate::from_file_bytes(&bytes) else {
            continue;
        };
        let cert = certs.remove(0);
        let Ok(raw) = std::fs::read(root.join(file)) else {
            continue;
        };
        let Some(xml) = decode(&raw) else { continue };
        // xmlsec1 needs a PEM certificate file.
        let mut pem = tempfile::NamedTempFile::new().unwrap();
        pem.write_all(&cert.x509.to_pem().unwrap()).unwrap();
        if let Some(f) = compare(file, &xml, pem.path(), &cert, &mut refusals) {
            failures.push(f);
        }
        compared += 1;
    }
    println!("compared {compared} corpus rows with xmlsec1");
    for r in &refusals {
        println!("{r}");
    }
    assert!(compared > 20);
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

fn decode(bytes: &[u8]) -> Option<String> {
    use base64::Engine;
    use std::io::Read;
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<') {
        return String::from_utf8(b.to_vec()).ok();
    }
    let clean: Vec<u8> = b
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .ok()?;
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw).to_vec();
    if raw.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<') {
        return String::from_utf8(raw).ok();
    }
    let mut out = String::new();
    flate2::read::DeflateDecoder::new(&raw[..])
        .read_to_string(&mut out)
        .ok()?;
    Some(out)
}

// ---- mutations ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    AttributeValue(usize),
    Text(usize),
    Whitespace(usize),
    SwapAttributes(usize),
    RedundantDeclaration,
    RenamePrefix,
    DuplicateAssertion,
    MoveAssertionIntoExtensions,
    None,
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::AttributeValue),
        any::<usize>().prop_map(Mutation::Text),
        any::<usize>().prop_map(Mutation::Whitespace),
        any::<usize>().prop_map(Mutation::SwapAttributes),
        Just(Mutation::RedundantDeclaration),
        Just(Mutation::RenamePrefix),
        Just(Mutation::DuplicateAssertion),
        Just(Mutation::MoveAssertionIntoExtensions),
        Just(Mutation::None),
    ]
}

fn nth_match(s: &str, pat: &str, k: usize) -> Option<usize> {
    let all: Vec<usize> = s.match_indices(pat).map(|(i, _)| i).collect();
    (!all.is_empty()).then(|| all[k % all.len()])
}

fn flip(c: char) -> char {
    match c {
        'a' => 'b',
        '0' => '1',
        _ if c.is_ascii_alphanumeric() => 'a',
        _ => 'x',
    }
}

fn apply(xml: &str, m: &Mutation) -> String {
    let mut s = xml.to_string();
    match m {
        Mutation::AttributeValue(k) => {
            // Attributes of elements (the XML declaration's pseudo-attributes are not).
            let body = s.find("?>").map(|i| i + 2).unwrap_or(0);
            if let Some(i) = nth_match(&s[body..], "=\"", *k) {
                let at = body + i + 2;
                if let Some(c) = s[at..].chars().next().filter(|c| *c != '"') {
                    s.replace_range(at..at + c.len_utf8(), &flip(c).to_string());
                }
            }
        }
        Mutation::Text(k) => {
            let spots: Vec<usize> = s
                .match_indices('>')
                .map(|(i, _)| i + 1)
                .filter(|i| {
                    s[*i..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                })
                .collect();
            if !spots.is_empty() {
                let at = spots[k % spots.len()];
                let c = s[at..].chars().next().unwrap();
                s.replace_range(at..at + 1, &flip(c).to_string());
            }
        }
        Mutation::Whitespace(k) => {
            if let Some(i) = nth_match(&s, "><", *k) {
                s.insert_str(i + 1, "\n ");
            }
        }
        Mutation::SwapAttributes(k) => {
            // Swap the first two attributes of the k-th start tag that has two plain ones.
            let re = regex::Regex::new(r#"<[A-Za-z:]+ ([A-Za-z]+="[^"]*") ([A-Za-z]+="[^"]*")"#)
                .unwrap();
            let caps: Vec<_> = re.captures_iter(xml).collect();
            if !caps.is_empty() {
                let c = &caps[k % caps.len()];
                let (a, b) = (c.get(1).unwrap(), c.get(2).unwrap());
                let swapped = format!("{} {}", b.as_str(), a.as_str());
                s.replace_range(a.start()..b.end(), &swapped);
            }
        }
        Mutation::RedundantDeclaration => {
            s = s.replacen(
                "<saml:Assertion ",
                "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ",
                1,
            );
        }
        Mutation::RenamePrefix => {
            s = s
                .replace("saml:", "sa2:")
                .replace("xmlns:saml=", "xmlns:sa2=");
        }
        Mutation::DuplicateAssertion | Mutation::MoveAssertionIntoExtensions => {
            if let (Some(i), Some(j)) = (s.find("<saml:Assertion"), s.find("</saml:Assertion>")) {
                let j = j + "</saml:Assertion>".len();
                let a = s[i..j].to_string();
                if matches!(m, Mutation::DuplicateAssertion) {
                    s.insert_str(j, &a);
                } else {
                    s.replace_range(i..j, &format!("<samlp:Extensions>{a}</samlp:Extensions>"));
                }
            }
        }
        Mutation::None => {}
    }
    s
}

const BASES: &[&str] = &[
    "assertion-signed.xml",
    "response-signed.xml",
    "both-signed.xml",
    "c14n10.xml",
    "exc-prefixlist.xml",
    "ecdsa-p256.xml",
];

proptest! {
    // Each case spawns xmlsec1 (5–40 ms on a loaded machine); SSOLINT_DSIG_MUTATIONS raises
    // the count for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("SSOLINT_DSIG_MUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutations_agree_with_xmlsec(base in 0..BASES.len(), m in arb_mutation()) {
        if !xmlsec_present() {
            return Ok(());
        }
        let file = BASES[base];
        let xml = std::fs::read_to_string(dir().join("responses").join(file)).unwrap();
        let mutated = apply(&xml, &m);
        let c = cert_for(file);
        let mut refusals = Vec::new();
        let failure = compare(&format!("{file} {m:?}"), &mutated, &dir().join("keys").join(c), &cert(c), &mut refusals);
        prop_assert!(failure.is_none(), "{}", failure.unwrap_or_default());
        // The only named differences a mutation can cause: a duplicated ID, and a corrupted
        // (unsigned) KeyInfo certificate.
        for r in refusals {
            prop_assert!(r.contains("duplicate ID") || r.contains("KeyInfo"), "{}", r);
        }
    }
}
