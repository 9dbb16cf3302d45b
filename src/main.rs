#![forbid(unsafe_code)]
// Input decides every value here: no panicking accessors outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use clap::{CommandFactory, FromArgMatches};
use ssolint::cli::Cli;
use std::io::Write;

fn main() {
    ssolint::crypto::init();
    let cli = parse_args();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let code = ssolint::commands::run(cli, &mut out, &mut err);
    let _ = out.flush();
    std::process::exit(code);
}

/// `Cli::parse()`, except that the command tree is left to the process's exit rather than
/// freed first: freeing it costs about as much as building it.
fn parse_args() -> Cli {
    let mut command = Cli::command();
    let parsed = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| {
            Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut Cli::command()))
        });
    std::mem::forget(command);
    parsed.unwrap_or_else(|e| e.exit())
}
