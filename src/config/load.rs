//! Reading the configuration file (TOML; YAML and JSON by extension).

use super::Config;
use crate::error::Fatal;
use crate::rules::input;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// A configuration as read from disk, with its text (for spans) and its directory (paths in
/// the file are relative to it).
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: SourceFile,
    pub dir: PathBuf,
}

impl LoadedConfig {
    /// A path written in the configuration, resolved relative to the file.
    pub fn resolve(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }
}

pub fn load(path: &Path) -> Result<LoadedConfig, Fatal> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Fatal::new(
            &input::UNDECODABLE,
            format!("cannot read configuration {}: {e}", path.display()),
        )
    })?;
    let source = SourceFile::new(path.display().to_string(), text);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("toml");
    let config: Config = match ext {
        "json" => serde_json::from_str(&source.text)
            .map_err(|e| Fatal::new(&input::JSON_MALFORMED, e.to_string()))?,
        "yaml" | "yml" => serde_yaml::from_str(&source.text)
            .map_err(|e| Fatal::new(&input::UNDECODABLE, e.to_string()))?,
        _ => toml::from_str(&source.text)
            .map_err(|e| Fatal::new(&input::UNDECODABLE, e.to_string()))?,
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(LoadedConfig {
        config,
        source,
        dir,
    })
}
