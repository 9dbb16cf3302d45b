use crate::cli::{Ctx, LintArgs};
use crate::error::Fatal;
use std::io::Write;

pub fn run(_ctx: &Ctx, _args: &LintArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "lint is not built yet",
    ))
}
