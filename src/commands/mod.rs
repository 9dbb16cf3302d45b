//! One module per command. Each takes the resolved [`Ctx`], its own arguments and the output
//! stream, and returns the exit code or the [`Fatal`] error that makes it 2.

pub mod check;
pub mod decode;
pub mod diff;
pub mod init;
pub mod lint;
pub mod rules;
pub mod simulate;

use crate::cli::{Cli, Command, Ctx, Format};
use crate::error::Fatal;
use crate::report::{self, Report};
use clap::CommandFactory;
use std::io::Write;

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let ctx = match Ctx::from_args(&cli.global) {
        Ok(ctx) => ctx,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let result = dispatch(&ctx, cli.command, out);
    match result {
        Ok(code) => code,
        Err(fatal) => {
            let _ = writeln!(err, "{fatal}");
            if matches!(
                ctx.format,
                Format::Json | Format::Jsonl | Format::Sarif | Format::Junit
            ) {
                let path = fatal
                    .source
                    .as_ref()
                    .map(|(f, _)| f.path.clone())
                    .unwrap_or_else(|| "-".to_string());
                let report = Report::from_fatal(path, &fatal);
                let _ = out.write_all(report::render(&report, &ctx).as_bytes());
            }
            2
        }
    }
}

fn dispatch(ctx: &Ctx, command: Command, out: &mut dyn Write) -> Result<i32, Fatal> {
    match command {
        Command::Decode(a) => decode::run(ctx, &a, out),
        Command::Check(a) => check::run(ctx, &a, out),
        Command::Lint(a) => lint::run(ctx, &a, out),
        Command::Simulate(a) => simulate::run(ctx, &a, out),
        Command::Diff(a) => diff::run(ctx, &a, out),
        Command::Rules => rules::list(ctx, out),
        Command::Explain(a) => rules::explain(ctx, &a, out),
        Command::Init(a) => init::run(ctx, &a, out),
        Command::Schema => init::schema(out),
        Command::Completions(a) => {
            let mut cmd = Cli::command();
            clap_complete::generate(a.shell, &mut cmd, "ssolint", out);
            Ok(0)
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            man.render(out).map_err(|e| write_failed(&e))?;
            Ok(0)
        }
    }
}

/// Writing to stdout failed (a closed pipe): nothing more can be said there.
pub fn write_failed(e: &std::io::Error) -> Fatal {
    Fatal::new(
        &crate::rules::input::UNDECODABLE,
        format!("could not write the output: {e}"),
    )
}

/// Write a whole rendered output at once, so a failure never leaves half a report.
pub fn emit(out: &mut dyn Write, text: &str) -> Result<(), Fatal> {
    out.write_all(text.as_bytes()).map_err(|e| write_failed(&e))
}
