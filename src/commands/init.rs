//! `ssolint init` (a commented starter configuration for one of seed 004's patterns) and
//! `ssolint schema` (the configuration's JSON Schema, derived from `Config`).

use crate::cli::{Ctx, InitArgs};
use crate::config::{Config, Pattern};
use crate::error::Fatal;
use crate::rules::input;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(ctx: &Ctx, args: &InitArgs, out: &mut dyn Write) -> Result<i32, Fatal> {
    let pattern = Pattern::parse(&args.pattern).ok_or_else(|| {
        Fatal::new(
            &input::UNDECODABLE,
            format!(
                "--pattern {:?} is not one of {}",
                args.pattern,
                Pattern::ALL.map(Pattern::name).join(", ")
            ),
        )
    })?;
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("ssolint.toml"));
    let to_stdout = target.as_os_str() == "-";
    let metadata = match &args.idp_metadata {
        Some(m) => {
            if !m.is_file() {
                return Err(Fatal::new(
                    &input::UNDECODABLE,
                    format!("--idp-metadata {}: no such file", m.display()),
                ));
            }
            let base = if to_stdout {
                PathBuf::from(".")
            } else {
                target.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            Some(idp_from_metadata(ctx, m, relative_to(m, &base))?)
        }
        None => None,
    };
    let text = template(pattern, metadata.as_ref());
    if to_stdout {
        super::emit(out, &text)?;
        return Ok(0);
    }
    if target.exists() && !args.force {
        return Err(Fatal::new(
            &input::UNDECODABLE,
            format!(
                "{} already exists; use --force to overwrite it, or -o - to print",
                target.display()
            ),
        ));
    }
    std::fs::write(&target, &text).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("cannot write {}: {e}", target.display()),
        )
    })?;
    super::emit(
        out,
        &format!(
            "wrote {} (pattern {}); fill in the values marked `replace`, then run `ssolint lint {}`\n",
            target.display(),
            pattern.name(),
            target.display()
        ),
    )?;
    Ok(0)
}

/// What `--idp-metadata` fills in `[saml.idp]`.
#[derive(Debug, Clone, Default)]
pub struct IdpFill {
    /// The path as the configuration names it.
    pub metadata: String,
    pub entity_id: Option<String>,
    pub sso_url: Option<String>,
    pub vendor: Option<crate::rules::Vendor>,
}

fn idp_from_metadata(ctx: &Ctx, path: &Path, written: String) -> Result<IdpFill, Fatal> {
    use crate::saml::view::{self, SamlMessage};
    let source = crate::lint::read_metadata_text(path, ctx)?;
    let doc = crate::input::parse_xml(&source, &[])?;
    let message = view::read(&doc);
    let SamlMessage::EntityDescriptor(e) = &message else {
        return Err(Fatal::new(
            &crate::rules::metadata::NOT_IDP,
            format!(
                "--idp-metadata {}: not one IdP's EntityDescriptor",
                path.display()
            ),
        ));
    };
    let Some(idp) = &e.idp else {
        return Err(Fatal::new(
            &crate::rules::metadata::NOT_IDP,
            format!(
                "--idp-metadata {}: the EntityDescriptor has no IDPSSODescriptor (is it the workspace's own SP metadata?)",
                path.display()
            ),
        ));
    };
    let by_binding = |suffix: &str| {
        idp.single_sign_on_services
            .iter()
            .find(|ep| {
                ep.binding
                    .as_ref()
                    .is_some_and(|b| b.value.ends_with(suffix))
            })
            .and_then(|ep| ep.location.as_ref().map(|l| l.value.clone()))
    };
    Ok(IdpFill {
        metadata: written,
        entity_id: e.entity_id.as_ref().map(|t| t.value.clone()),
        sso_url: by_binding(":HTTP-Redirect").or_else(|| by_binding(":HTTP-POST")),
        vendor: crate::saml::vendor::guess(&message).map(|g| g.vendor),
    })
}

/// The metadata path as the configuration should name it: relative to the configuration's
/// directory when it lies below it, else absolute.
fn relative_to(file: &Path, base: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (f, b) = (
        abs(file),
        abs(if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        }),
    );
    f.strip_prefix(&b)
        .map(Path::to_path_buf)
        .unwrap_or(f)
        .display()
        .to_string()
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// The starter file. Placeholders that must be replaced say `replace`.
pub fn template(pattern: Pattern, idp: Option<&IdpFill>) -> String {
    let (automatic, scim, mode) = pattern.defaults();
    let mut t = String::new();
    t.push_str(&format!(
        "# ssolint configuration: one workspace's identity setup (keys: CONFIG.md; `ssolint schema`).\n\
         # Pattern {:?} (seed 004) sets: automatic account creation {}, SCIM {}, authentication {}.\n\
         # Keys written below override the pattern.\n\
         pattern = {:?}\n\
         clock_skew = \"180s\"\n\n",
        pattern.name(),
        if automatic { "on" } else { "off" },
        if scim { "on" } else { "off" },
        mode.name(),
        pattern.name()
    ));
    t.push_str(
        "[workspace]\n\
         name = \"Example\"                      # replace\n\
         plan = \"enterprise\"                   # enterprise | edu | business\n\
         verified_domains = [\"example.com\"]    # replace: the domains verified on Identity & Provisioning\n\
         domains_verified_elsewhere = []\n\
         external_invites = \"blocked\"          # allowed | blocked (invites to unverified domains)\n\
         owners = [\"owner@example.com\"]        # replace; at most 2 (hardening guide 1.4)\n\
         admins = []\n",
    );
    if mode.sso_on() {
        t.push_str(
            "break_glass = [\"owner@example.com\"]   # replace: an owner who can get in without the IdP\n",
        );
    }
    t.push_str("\n[provisioning]\n");
    t.push_str(&format!(
        "automatic_account_creation = {automatic}\n\
         scim = {scim}\n"
    ));
    if scim {
        t.push_str(
            "scim_groups = [\"ChatGPT Users\"]      # replace: the IdP groups SCIM pushes\n",
        );
    }
    t.push_str(&format!(
        "\n[authentication]\n\
         mode = {:?}{}\n\
         protocol = \"saml\"                     # saml | oidc\n\
         api_platform_sso = true               # the API Platform organisation shares the SSO connection\n\
         mfa = \"idp\"                           # set once the IdP requires MFA for this app\n",
        mode.name(),
        if mode.sso_on() {
            "                # sso_enforced once SSO logins are tested"
        } else {
            "                    # default | sso_enabled | sso_enforced"
        }
    ));
    if mode.sso_on() {
        t.push_str(
            "\n[saml.sp]                              # copy these from the workspace's SSO settings\n\
             # entity_id = \"https://...\"\n\
             # acs_url = \"https://...\"\n\
             nameid_format = \"emailAddress\"\n\
             require_signed_assertion = true\n\n\
             [saml.attributes]                      # workspace field -> attribute the IdP sends\n\
             email = \"email\"\n\
             given_name = \"firstName\"\n\
             family_name = \"lastName\"\n\
             groups = \"groups\"\n\n\
             [saml.groups]\n\
             filter = \"^ChatGPT \"\n\
             mappings = [\n  { group = \"ChatGPT Users\", role = \"member\" },\n]\n\n\
             [saml.idp]\n",
        );
        match idp {
            Some(fill) => {
                t.push_str(&format!("metadata = {}\n", toml_str(&fill.metadata)));
                t.push_str("# read from the metadata; lint reports it if the metadata changes\n");
                if let Some(id) = &fill.entity_id {
                    t.push_str(&format!("entity_id = {}\n", toml_str(id)));
                }
                if let Some(url) = &fill.sso_url {
                    t.push_str(&format!("sso_url = {}\n", toml_str(url)));
                }
                if let Some(v) = fill.vendor {
                    t.push_str(&format!("vendor = {:?}\n", v.key()));
                }
            }
            None => t.push_str(
                "# replace: the IdP's metadata file, or entity_id + sso_url + certificates\n\
                 # metadata = \"idp-metadata.xml\"\n\
                 # entity_id = \"...\"\n\
                 # sso_url = \"https://...\"\n\
                 # certificates = [\"idp-signing.pem\"]\n",
            ),
        }
        if idp.is_none_or(|f| f.vendor.is_none()) {
            t.push_str("# vendor = \"okta\"                    # okta | entra | google | adfs | onelogin | ping | keycloak | other\n");
        }
    }
    t.push_str(
        "\n[data_controls]                        # hardening guide section 2-3\n\
         retention = \"90d\"                     # a duration, or \"indefinite\"\n\
         third_party_gpts = false\n\
         apps = false\n\n\
         [lint]\n\
         cert_expiry_warning = \"30d\"\n\n\
         # [simulate]\n\
         # directory = \"users.csv\"\n\n\
         # [rules]                              # error | warning | info | off\n\
         # \"config.scim-off\" = \"info\"\n\n\
         # [[suppressions]]                     # a reason is required\n\
         # rule = \"config.too-many-owners\"\n\
         # reason = \"...\"\n\
         # expires = \"2027-03-31\"\n",
    );
    t
}

pub fn schema(out: &mut dyn Write) -> Result<i32, Fatal> {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    super::emit(out, &text)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::load_str;

    /// Every starter file loads cleanly and lints without errors apart from the IdP side the
    /// admin must fill in.
    #[test]
    fn starter_files_lint_without_errors_but_the_idp() {
        for p in Pattern::ALL {
            let fill = IdpFill {
                metadata: "idp-metadata.xml".into(),
                entity_id: Some("http://www.okta.com/exk1".into()),
                sso_url: Some("https://acme.okta.com/sso".into()),
                vendor: Some(crate::rules::Vendor::Okta),
            };
            for meta in [None, Some(&fill)] {
                let text = template(p, meta);
                let l = load_str("ssolint.toml", &text, "toml").unwrap();
                assert!(l.problems.is_empty(), "{}: {:?}", p.name(), l.problems);
                assert_eq!(l.config.pattern, Some(p));
                let (findings, _) = crate::lint::lint_config(&l, 0, chrono::Utc::now());
                let errors: Vec<&str> = findings
                    .iter()
                    .filter(|f| f.severity == crate::rules::Severity::Error)
                    .map(|f| f.rule.id)
                    .collect();
                let allowed: &[&str] = match meta {
                    None if p.defaults().2.sso_on() => &["config.idp-incomplete"],
                    // The named metadata file does not exist next to the test's text.
                    Some(_) if p.defaults().2.sso_on() => &["config.file-missing"],
                    _ => &[],
                };
                assert_eq!(errors, allowed, "{}", p.name());
            }
        }
    }
}
