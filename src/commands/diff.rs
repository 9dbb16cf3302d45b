use crate::cli::{Ctx, DiffArgs};
use crate::error::Fatal;
use std::io::Write;

pub fn run(_ctx: &Ctx, _args: &DiffArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "diff is not built yet",
    ))
}
