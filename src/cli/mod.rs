//! Command-line definitions. Arguments are resolved into a [`Ctx`] (format, clock, severity
//! threshold) before any work starts; the commands themselves live in `commands/`.

use crate::clock::{self, Clock};
use crate::rules::Severity;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ssolint",
    version,
    about = "Decode, check, lint and simulate enterprise SSO setups (SAML, OIDC, SCIM), offline",
    long_about = "ssolint decodes what the browser carried (SAML responses in every binding, OIDC ID tokens, HAR captures), checks a response or token against the workspace configuration and the IdP metadata, lints the configuration before rollout, and simulates who can log in. It never makes a network connection.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Output format (default: human on a terminal, json otherwise).
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// Evaluate time conditions at this instant (RFC 3339), or `issue-instant` for each
    /// message's own IssueInstant / iat.
    #[arg(long, global = true, value_name = "RFC3339|issue-instant")]
    pub now: Option<String>,
    /// Allowed clock skew (default: the configuration's `clock_skew`, else 180s).
    #[arg(long, global = true, value_name = "DURATION")]
    pub skew: Option<String>,
    /// Lowest severity that makes the exit code 1 (default: error).
    #[arg(long, global = true, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Replace e-mail local parts, names, NameIDs and other personal values with stable
    /// pseudonyms, keeping domains.
    #[arg(long, global = true)]
    pub redact: bool,
    /// When to use colour (NO_COLOR is respected with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only the findings (human format) or nothing but the exit code with --format human.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
    Junit,
    /// Per-user rows (simulate only).
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// Deferred: a subcommand's arguments are built only when it is the one run (building every
// subcommand's at start-up cost more than a one-token `check`).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Detect the encoding of a message and show what it is, without a verdict.
    Decode(DecodeArgs),
    /// Validate SAML responses, ID tokens or SCIM payloads against the configuration.
    Check(CheckArgs),
    /// Lint the workspace configuration and everything it references, or a metadata file.
    Lint(LintArgs),
    /// Decide, for every user of a directory, whether and how they can log in.
    Simulate(SimulateArgs),
    /// Simulate two configurations and report every user whose outcome changes.
    Diff(DiffArgs),
    /// List the rules.
    Rules,
    /// Print one rule's documentation.
    Explain(ExplainArgs),
    /// Write a starter ssolint.toml for one of the recommended patterns.
    Init(InitArgs),
    /// Print the JSON Schema of the configuration file.
    Schema,
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// File to decode, or `-` for stdin; with none and a terminal, prompt for a paste.
    pub input: Option<PathBuf>,
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Files or directories to check, or `-` for stdin (one message per line for several).
    pub inputs: Vec<PathBuf>,
    /// Workspace configuration (default: ./ssolint.toml when present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// IdP metadata (trusted signing certificates, entity id, endpoints).
    #[arg(long, value_name = "FILE")]
    pub idp_metadata: Option<PathBuf>,
    /// A bare PEM/DER IdP signing certificate to trust (repeatable).
    #[arg(long, value_name = "FILE")]
    pub idp_cert: Vec<PathBuf>,
    /// The SP entity id the audience must name.
    #[arg(long, value_name = "URI")]
    pub sp_entity_id: Option<String>,
    /// The ACS URL the Destination and Recipient must name.
    #[arg(long, value_name = "URL")]
    pub acs_url: Option<String>,
    /// The ID of the AuthnRequest this response answers.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
    /// SP private key (PEM) to decrypt EncryptedAssertion.
    #[arg(long, value_name = "FILE")]
    pub sp_key: Option<PathBuf>,
    /// JWKS file with the OIDC signing keys.
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// OIDC discovery document (issuer, algorithms; JWKS via --jwks).
    #[arg(long, value_name = "FILE")]
    pub discovery: Option<PathBuf>,
    /// Expected OIDC issuer.
    #[arg(long)]
    pub issuer: Option<String>,
    /// Expected OIDC audience (client id).
    #[arg(long)]
    pub audience: Option<String>,
    /// Expected nonce.
    #[arg(long)]
    pub nonce: Option<String>,
    /// Access token whose at_hash the ID token must carry.
    #[arg(long, value_name = "TOKEN")]
    pub access_token: Option<String>,
    /// Directory file, to compare the asserted e-mail with the invited one.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Configuration file (default: ./ssolint.toml).
    pub config: Option<PathBuf>,
    /// Lint a metadata file alone (no configuration is read).
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Certificate that must have signed the metadata (aggregates).
    #[arg(long, value_name = "CERT")]
    pub metadata_signer: Option<PathBuf>,
    /// Directory file for the cross-checks (default: `[simulate] directory`).
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Accept the findings listed in this baseline; fail only on new ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as a baseline to this file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// A SAML response, to tell which of two signing certificates signs today's responses.
    #[arg(long, value_name = "FILE")]
    pub response: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Directory file: CSV, SCIM ListResponse JSON, JSON or JSONL array.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Workspace configuration (default: ./ssolint.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print one user's full decision trace.
    #[arg(long, value_name = "EMAIL")]
    pub explain: Option<String>,
    /// Show every provisioning × authentication combination side by side (`all`).
    #[arg(long, value_name = "all")]
    pub patterns: Option<String>,
    /// Reading of an ambiguity, KEY=VALUE (repeatable; wins over the file).
    #[arg(long, value_name = "KEY=VALUE")]
    pub assume: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    pub old: PathBuf,
    pub new: PathBuf,
    /// Directory file.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Expected changes (one entry per user or rule, each with a reason).
    #[arg(long, value_name = "FILE")]
    pub expected: Option<PathBuf>,
    /// Exit 1 when anyone loses access or becomes locked out (default on).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub fail_on_lockout: bool,
    #[arg(long, value_name = "KEY=VALUE")]
    pub assume: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// opt-in-access | sso-manual-invites | sso-automatic-account-creation | sso-scim
    #[arg(long, default_value = "sso-scim")]
    pub pattern: String,
    /// Fill the IdP side from this metadata file.
    #[arg(long, value_name = "FILE")]
    pub idp_metadata: Option<PathBuf>,
    /// Where to write (default: ./ssolint.toml; `-` for stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

/// Everything a command needs besides its own arguments, resolved before any work.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub format: Format,
    pub clock: Clock,
    /// `--skew` when given; commands fall back to the configuration, then 180 s.
    pub skew: Option<chrono::Duration>,
    pub fail_on: Option<Severity>,
    /// `--fail-on` was given (simulate gates on its findings only then).
    pub fail_on_given: bool,
    pub redact: bool,
    pub color: bool,
    pub quiet: bool,
    pub stdin_is_terminal: bool,
}

impl Ctx {
    pub fn from_args(g: &GlobalArgs) -> Result<Ctx, String> {
        use std::io::IsTerminal;
        let stdout_tty = std::io::stdout().is_terminal();
        let clock = match &g.now {
            Some(s) => clock::parse_now(s)?,
            None => Clock::system(),
        };
        let skew = g
            .skew
            .as_deref()
            .map(|s| clock::parse_duration(s).map_err(|e| format!("--skew: {e}")))
            .transpose()?;
        let color = match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Ok(Ctx {
            format: g.format.unwrap_or(if stdout_tty {
                Format::Human
            } else {
                Format::Json
            }),
            clock,
            skew,
            fail_on: g.fail_on.unwrap_or(FailOn::Error).threshold(),
            fail_on_given: g.fail_on.is_some(),
            redact: g.redact,
            color,
            quiet: g.quiet,
            stdin_is_terminal: std::io::stdin().is_terminal(),
        })
    }

    /// A context for tests and library callers: fixed clock, json, no colour.
    pub fn for_tests(now: chrono::DateTime<chrono::Utc>) -> Ctx {
        Ctx {
            format: Format::Json,
            clock: Clock::Fixed(now),
            skew: None,
            fail_on: Some(Severity::Error),
            fail_on_given: false,
            redact: false,
            color: false,
            quiet: false,
            stdin_is_terminal: false,
        }
    }

    /// The skew to use: `--skew`, else the configuration's, else 180 s.
    pub fn skew_or(&self, configured: Option<chrono::Duration>) -> chrono::Duration {
        self.skew
            .or(configured)
            .unwrap_or_else(|| chrono::Duration::seconds(180))
    }
}
