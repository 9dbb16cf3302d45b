//! The simulation: who can get into the workspace, how, and what happens to their personal
//! account (SIMULATION.md). [`directory`] streams the users, [`model::evaluate`] is the pure
//! function from (configuration, assumptions, user) to an [`model::Outcome`], and the other
//! modules aggregate ([`counts`]), compare ([`diff`]), search for fixes ([`fix`]), sweep the
//! recommended patterns ([`patterns`]) and render ([`render`]).

/// A fieldless enum whose variants have stable lowercase names (JSON, CSV and directory
/// values), with `ALL`, `name`, case-insensitive `parse`, and a [`set::Bit`] impl.
macro_rules! named_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn name(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.name().eq_ignore_ascii_case(s))
            }
            /// The variant named exactly `s` (a match on the names: a few integer compares).
            #[allow(dead_code)]
            pub fn exact(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
            /// The allowed values, `a|b|c`, for error messages.
            pub fn choices() -> String {
                $name::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join("|")
            }
        }
        impl $crate::sim::set::Bit for $name {
            fn all() -> &'static [Self] { $name::ALL }
            fn index(self) -> u32 { self as u32 }
            fn name(self) -> &'static str { $name::name(self) }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
    };
}

pub mod assume;
pub mod blocks;
pub mod counts;
pub mod diff;
pub mod directory;
pub mod fix;
mod json_stream;
pub mod memo;
pub mod model;
pub mod patterns;
pub mod render;
pub mod set;

pub use assume::Assumptions;
pub use counts::Counts;
pub use directory::{DirectoryFacts, DirectoryReader, DirectoryUser};
pub use model::{evaluate, Outcome};

use crate::config::LoadedConfig;
use crate::error::Fatal;
use crate::findings::{FileId, Finding};
use std::path::{Path, PathBuf};

/// The directory a command reads: `--users`, else `[simulate].directory` relative to the
/// configuration file.
pub fn directory_path(loaded: &LoadedConfig, users: Option<&Path>) -> Result<PathBuf, Fatal> {
    if let Some(p) = users {
        return Ok(p.to_path_buf());
    }
    match &loaded.config.simulate.directory {
        Some(d) => Ok(loaded.resolve(d)),
        None => Err(Fatal::new(
            &crate::rules::input::UNDECODABLE,
            format!(
                "no directory to simulate: give --users FILE or set [simulate] directory in {}",
                loaded.source.path
            ),
        )),
    }
}

/// What `lint` needs from a simulation: the counts and the `sim.*` findings (one per rule,
/// naming the first users), pointing at the configuration file.
#[derive(Debug, Clone, Default)]
pub struct SimSummary {
    pub counts: Counts,
}

impl SimSummary {
    /// One finding per `sim.*` rule that applies to anyone, located in `config_file`.
    pub fn findings(&self, loaded: &LoadedConfig, config_file: FileId) -> Vec<Finding> {
        self.counts.findings(loaded, config_file)
    }
}

/// Simulate every user of `users` under the configuration (for `lint`'s cross-checks).
pub fn summarize(
    loaded: &LoadedConfig,
    assumptions: &Assumptions,
    users: &Path,
) -> Result<SimSummary, Fatal> {
    let mut counts = Counts::default();
    blocks::for_each_user(
        users,
        |part: &mut Counts, user| {
            part.add(user, &evaluate(&loaded.config, assumptions, user));
            Ok(())
        },
        |part| {
            counts.merge(part);
            Ok(())
        },
    )?;
    Ok(SimSummary { counts })
}

/// `lint`'s cross-check: the simulation under the configuration's own `[simulate].assume`,
/// over `users` or `[simulate].directory`; `None` when there is no directory to read.
pub fn lint_summary(
    loaded: &LoadedConfig,
    users: Option<&Path>,
) -> Result<Option<SimSummary>, Fatal> {
    if users.is_none() && loaded.config.simulate.directory.is_none() {
        return Ok(None);
    }
    let assumptions = Assumptions::resolve(&loaded.config.simulate.assume, &[])?;
    let path = directory_path(loaded, users)?;
    summarize(loaded, &assumptions, &path).map(Some)
}
