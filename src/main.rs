#![forbid(unsafe_code)]
// Input decides every value here: no panicking accessors outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use clap::Parser;
use std::io::Write;

fn main() {
    ssolint::crypto::init();
    let cli = ssolint::cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let code = ssolint::commands::run(cli, &mut out, &mut err);
    let _ = out.flush();
    std::process::exit(code);
}
